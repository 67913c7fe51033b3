#!/usr/bin/env ruby
# frozen_string_literal: true

# Build ruby/Gemfile.lock with the real Bundler, offline.
#
# The gem registry is not reachable from the build machines, so this script
# makes empty stand-in gems that carry each pinned release's real name, version
# and runtime dependencies (as the published gemspecs declare them), installs
# them into a scratch GEM_HOME and runs `bundle lock --local` there. Bundler
# then resolves and writes the lockfile exactly as it would against the registry.
#
# Usage: ruby make_gemfile_lock.rb OUT_DIR   (writes OUT_DIR/Gemfile and OUT_DIR/Gemfile.lock)
require "fileutils"
require "rubygems/package"
require "tmpdir"

# name => [version, { dependency => [requirements...] }]
GEMS = {
  "actioncable" => ["6.1.4", { "actionpack" => ["= 6.1.4"], "activesupport" => ["= 6.1.4"],
                               "nio4r" => ["~> 2.0"], "websocket-driver" => [">= 0.6.1"] }],
  "actionmailbox" => ["6.1.4", { "actionpack" => ["= 6.1.4"], "activejob" => ["= 6.1.4"],
                                 "activerecord" => ["= 6.1.4"], "activestorage" => ["= 6.1.4"],
                                 "activesupport" => ["= 6.1.4"], "mail" => [">= 2.7.1"] }],
  "actionmailer" => ["6.1.4", { "actionpack" => ["= 6.1.4"], "actionview" => ["= 6.1.4"],
                                "activejob" => ["= 6.1.4"], "activesupport" => ["= 6.1.4"],
                                "mail" => ["~> 2.5", ">= 2.5.4"], "rails-dom-testing" => ["~> 2.0"] }],
  "actionpack" => ["6.1.4", { "actionview" => ["= 6.1.4"], "activesupport" => ["= 6.1.4"],
                              "rack" => ["~> 2.0", ">= 2.0.9"], "rack-test" => [">= 0.6.3"],
                              "rails-dom-testing" => ["~> 2.0"],
                              "rails-html-sanitizer" => ["~> 1.0", ">= 1.2.0"] }],
  "actiontext" => ["6.1.4", { "actionpack" => ["= 6.1.4"], "activerecord" => ["= 6.1.4"],
                              "activestorage" => ["= 6.1.4"], "activesupport" => ["= 6.1.4"],
                              "nokogiri" => [">= 1.8.5"] }],
  "actionview" => ["6.1.4", { "activesupport" => ["= 6.1.4"], "builder" => ["~> 3.1"],
                              "erubi" => ["~> 1.4"], "rails-dom-testing" => ["~> 2.0"],
                              "rails-html-sanitizer" => ["~> 1.1", ">= 1.2.0"] }],
  "activejob" => ["6.1.4", { "activesupport" => ["= 6.1.4"], "globalid" => [">= 0.3.6"] }],
  "activemodel" => ["6.1.4", { "activesupport" => ["= 6.1.4"] }],
  "activerecord" => ["6.1.4", { "activemodel" => ["= 6.1.4"], "activesupport" => ["= 6.1.4"] }],
  "activestorage" => ["6.1.4", { "actionpack" => ["= 6.1.4"], "activejob" => ["= 6.1.4"],
                                 "activerecord" => ["= 6.1.4"], "activesupport" => ["= 6.1.4"],
                                 "marcel" => ["~> 1.0.0"], "mini_mime" => [">= 1.1.0"] }],
  "activesupport" => ["6.1.4", { "concurrent-ruby" => ["~> 1.0", ">= 1.0.2"], "i18n" => [">= 1.6", "< 2"],
                                 "minitest" => [">= 5.1"], "tzinfo" => ["~> 2.0"], "zeitwerk" => ["~> 2.3"] }],
  "builder" => ["3.2.4", {}],
  "concurrent-ruby" => ["1.1.9", {}],
  "crass" => ["1.0.6", {}],
  "erubi" => ["1.10.0", {}],
  "globalid" => ["0.5.2", { "activesupport" => [">= 5.0"] }],
  "i18n" => ["1.8.10", { "concurrent-ruby" => ["~> 1.0"] }],
  "loofah" => ["2.12.0", { "crass" => ["~> 1.0.2"], "nokogiri" => [">= 1.5.9"] }],
  "mail" => ["2.7.1", { "mini_mime" => [">= 0.1.1"] }],
  "marcel" => ["1.0.1", {}],
  "method_source" => ["1.0.0", {}],
  "mini_mime" => ["1.1.0", {}],
  "mini_portile2" => ["2.8.0", {}],
  "minitest" => ["5.14.4", {}],
  "nio4r" => ["2.5.7", {}],
  "nokogiri" => ["1.13.7", { "mini_portile2" => ["~> 2.8.0"], "racc" => ["~> 1.4"] }],
  "puma" => ["5.6.2", { "nio4r" => ["~> 2.0"] }],
  "racc" => ["1.6.0", {}],
  "rack" => ["2.2.3", {}],
  "rack-test" => ["1.1.0", { "rack" => [">= 1.0", "< 3"] }],
  "rails" => ["6.1.4", { "actioncable" => ["= 6.1.4"], "actionmailbox" => ["= 6.1.4"],
                         "actionmailer" => ["= 6.1.4"], "actionpack" => ["= 6.1.4"],
                         "actiontext" => ["= 6.1.4"], "actionview" => ["= 6.1.4"],
                         "activejob" => ["= 6.1.4"], "activemodel" => ["= 6.1.4"],
                         "activerecord" => ["= 6.1.4"], "activestorage" => ["= 6.1.4"],
                         "activesupport" => ["= 6.1.4"], "bundler" => [">= 1.15.0"],
                         "railties" => ["= 6.1.4"], "sprockets-rails" => [">= 2.0.0"] }],
  "rails-dom-testing" => ["2.0.3", { "activesupport" => [">= 4.2.0"], "nokogiri" => [">= 1.6"] }],
  "rails-html-sanitizer" => ["1.4.2", { "loofah" => ["~> 2.3"] }],
  "railties" => ["6.1.4", { "actionpack" => ["= 6.1.4"], "activesupport" => ["= 6.1.4"],
                            "method_source" => [">= 0"], "rake" => [">= 0.13"], "thor" => ["~> 1.0"] }],
  "rake" => ["13.0.6", {}],
  "sprockets" => ["4.0.2", { "concurrent-ruby" => ["~> 1.0"], "rack" => ["> 1", "< 3"] }],
  "sprockets-rails" => ["3.2.2", { "actionpack" => [">= 4.0"], "activesupport" => [">= 4.0"],
                                   "sprockets" => [">= 3.0.0"] }],
  "thor" => ["1.1.0", {}],
  "tzinfo" => ["2.0.4", { "concurrent-ruby" => ["~> 1.0"] }],
  "websocket-driver" => ["0.7.5", { "websocket-extensions" => [">= 0.1.0"] }],
  "websocket-extensions" => ["0.1.5", {}],
  "zeitwerk" => ["2.4.2", {}],
}.freeze

GEMFILE = <<~RUBY
  source "https://registry.example.invalid/"

  gem "rails", "6.1.4"
  gem "puma", "5.6.2"
  gem "rack", "2.2.3"
  gem "nokogiri", "1.13.7"
  gem "loofah", "2.12.0"
  gem "rails-html-sanitizer", "1.4.2"
RUBY

def stand_in(name, version, deps, dir)
  spec = Gem::Specification.new do |s|
    s.name = name
    s.version = version
    s.summary = "stand-in for #{name} #{version}"
    s.authors = ["scangate test data"]
    s.files = []
    deps.each { |dep, reqs| s.add_runtime_dependency(dep, *reqs) }
  end
  Dir.chdir(dir) { Gem::Package.build(spec) }
  File.join(dir, spec.file_name)
end

def run!(env, *cmd)
  system(env, *cmd, exception: true)
end

out = ARGV.fetch(0) { abort "usage: #{$PROGRAM_NAME} OUT_DIR" }
FileUtils.mkdir_p(out)
Dir.mktmpdir do |tmp|
  home = File.join(tmp, "gems")
  env = { "GEM_HOME" => home, "GEM_PATH" => home, "BUNDLE_USER_HOME" => File.join(tmp, "bundle") }
  GEMS.each do |name, (version, deps)|
    file = stand_in(name, version, deps, tmp)
    run!(env, "gem", "install", "--local", "--ignore-dependencies", "--no-document", "--silent", file)
  end
  File.write(File.join(out, "Gemfile"), GEMFILE)
  Dir.chdir(out) { run!(env, "bundle", "lock", "--local") }
end
