#!/usr/bin/env ruby
# frozen_string_literal: true

# Expected advisories for a Gemfile.lock, computed from an OSV RubyGems all.zip.
#
# Usage: ruby ruby_eval.rb [--osv] ALL_ZIP GEMFILE_LOCK
#
# Default: RubySec semantics, as bundler-audit applies them. Each OSV record keeps
# the original RubySec requirement strings in affected[].database_specific
# (patched_versions / unaffected_versions); a locked version is affected when it
# satisfies none of them. Requirements are Ruby's own Gem::Requirement, a string
# such as "~> 2.2.6, >= 2.2.6.2" being one requirement with two parts.
#
# --osv: the OSV ECOSYSTEM ranges instead (introduced/fixed/last_affected events,
# ordered by Gem::Version), to show where the OSV conversion differs.
#
# Prints `ID gem version` lines, sorted. The lockfile is read with Bundler's own parser.
require "bundler"
require "json"
require "tmpdir"

def requirement_list(strings)
  Array(strings).map { |s| Gem::Requirement.new(*s.split(/,\s*/)) }
end

def rubysec_affected?(version, affected)
  db = affected.fetch("database_specific")
  safe = requirement_list(db["patched_versions"]) + requirement_list(db["unaffected_versions"])
  safe.none? { |req| req.satisfied_by?(version) }
end

def in_range?(version, events)
  hit = false
  lower = nil
  events.each do |event|
    kind, value = event.first
    case kind
    when "introduced" then lower = Gem::Version.new(value)
    when "fixed"
      hit ||= version >= lower && version < Gem::Version.new(value)
      lower = nil
    when "last_affected"
      hit ||= version >= lower && version <= Gem::Version.new(value)
      lower = nil
    else raise "unsupported event #{event}"
    end
  end
  hit || (!lower.nil? && version >= lower)
end

def osv_affected?(version, affected)
  return true if Array(affected["versions"]).include?(version.to_s)

  affected.fetch("ranges", []).any? do |range|
    raise "unexpected range type #{range["type"]}" unless range["type"] == "ECOSYSTEM"

    in_range?(version, range.fetch("events"))
  end
end

def locked_gems(path)
  # Bundler's parser asks for the project root, the folder of the Gemfile beside the lockfile.
  ENV["BUNDLE_GEMFILE"] = File.join(File.dirname(File.expand_path(path)), "Gemfile")
  parser = Bundler::LockfileParser.new(File.read(path))
  parser.specs.map { |spec| [spec.name, spec.version] }.uniq
end

def each_record(zip_path)
  Dir.mktmpdir do |dir|
    system("unzip", "-q", zip_path, "-d", dir, exception: true)
    Dir.glob(File.join(dir, "*.json")).sort.each { |file| yield JSON.parse(File.read(file)) }
  end
end

osv_mode = ARGV.delete("--osv")
zip_path, lock_path = ARGV
abort "usage: #{$PROGRAM_NAME} [--osv] ALL_ZIP GEMFILE_LOCK" unless zip_path && lock_path

gems = locked_gems(lock_path).group_by(&:first)
rows = []
each_record(zip_path) do |record|
  next if record["withdrawn"]

  record["affected"].each do |affected|
    package = affected.fetch("package")
    next unless package["ecosystem"] == "RubyGems"

    gems.fetch(package["name"], []).each do |name, version|
      hit = osv_mode ? osv_affected?(version, affected) : rubysec_affected?(version, affected)
      rows << "#{record["id"]} #{name} #{version}" if hit
    end
  end
end
puts rows.uniq.sort
