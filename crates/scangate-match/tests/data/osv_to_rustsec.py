#!/usr/bin/env python3
"""Rebuild a RustSec-style advisory database from an OSV crates.io all.zip.

Usage: osv_to_rustsec.py ALL_ZIP OUT_DIR

Writes OUT_DIR/crates/<crate>/<ID>.md: a ```toml fenced front matter
([advisory], [affected], [versions]) followed by `# <summary>` and the details.
The version requirements are derived from the OSV events so that a version
matches neither `patched` nor `unaffected` exactly when it lies in an OSV interval:
  - the gap below the first `introduced` (unless it is 0 / 0.0.0-0) -> unaffected "< i0"
  - each gap from a `fixed` f to the next `introduced` i      -> patched ">= f, < i"
  - the gap above the last `fixed` f                          -> patched ">= f"
(`last_affected` l would use "> l"; the crates.io set has none.)
Kept: id, package, date (published day), aliases, related, informational,
withdrawn (day), categories, affected os/arch. Dropped (not used for matching):
cvss, references/url, keywords, affected functions.
"""
import json
import os
import sys
import zipfile

LOWEST = ("0", "0.0.0-0")


def toml_str(value):
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(value, ensure_ascii=False)


def toml_list(values):
    return "[" + ", ".join(toml_str(v) for v in values) + "]"


def requirements(events):
    """Return (patched, unaffected) requirement lists for one ordered SEMVER event list."""
    patched, unaffected = [], []
    upper = None  # the requirement that opens the current unaffected gap
    first = True
    for event in events:
        (kind, version), = event.items()
        if kind == "introduced":
            if first and version not in LOWEST:
                unaffected.append(f"< {version}")
            elif upper is not None:
                patched.append(f"{upper}, < {version}")
            upper, first = None, False
        elif kind == "fixed":
            upper = f">= {version}"
        elif kind == "last_affected":
            upper = f"> {version}"
        else:
            raise ValueError(f"unsupported event {event}")
    if upper is not None:
        patched.append(upper)
    return patched, unaffected


def front_matter(record):
    (affected,) = record["affected"]
    (rng,) = affected["ranges"]
    if rng["type"] != "SEMVER" or affected.get("versions"):
        raise ValueError(f"{record['id']}: only one SEMVER range is supported")
    db = affected.get("database_specific") or {}
    affects = (affected.get("ecosystem_specific") or {}).get("affects") or {}
    lines = [
        "[advisory]",
        f"id = {toml_str(record['id'])}",
        f"package = {toml_str(affected['package']['name'])}",
        f"date = {toml_str(record['published'][:10])}",
    ]
    if record.get("aliases"):
        lines.append(f"aliases = {toml_list(record['aliases'])}")
    if record.get("related"):
        lines.append(f"related = {toml_list(record['related'])}")
    if db.get("categories"):
        lines.append(f"categories = {toml_list(db['categories'])}")
    if db.get("informational"):
        lines.append(f"informational = {toml_str(db['informational'])}")
    if record.get("withdrawn"):
        lines.append(f"withdrawn = {toml_str(record['withdrawn'][:10])}")
    if affects.get("os") or affects.get("arch"):
        lines += ["", "[affected]"]
        if affects.get("arch"):
            lines.append(f"arch = {toml_list(affects['arch'])}")
        if affects.get("os"):
            lines.append(f"os = {toml_list(affects['os'])}")
    patched, unaffected = requirements(rng["events"])
    lines += ["", "[versions]", f"patched = {toml_list(patched)}"]
    if unaffected:
        lines.append(f"unaffected = {toml_list(unaffected)}")
    return "\n".join(lines)


def advisory_markdown(record):
    body = record.get("details", "").strip()
    return f"```toml\n{front_matter(record)}\n```\n\n# {record['summary'].strip()}\n\n{body}\n"


def main(zip_path, out_dir):
    count = 0
    with zipfile.ZipFile(zip_path) as zf:
        for member in sorted(zf.namelist()):
            record = json.loads(zf.read(member))
            crate = record["affected"][0]["package"]["name"]
            folder = os.path.join(out_dir, "crates", crate)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, record["id"] + ".md"), "w", encoding="utf-8") as f:
                f.write(advisory_markdown(record))
            count += 1
    print(f"wrote {count} advisories under {out_dir}/crates", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
