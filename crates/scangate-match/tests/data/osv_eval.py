#!/usr/bin/env python3
"""Evaluate OSV SEMVER ranges from an OSV all.zip against the packages of a Cargo.lock.

Usage: osv_eval.py ALL_ZIP CARGO_LOCK > expected-ids.txt

Prints `ID package version` for every (advisory, locked package) pair that the
advisory's ranges say is affected, sorted. Withdrawn advisories are skipped
(their ids are listed on stderr together with the pairs they would have hit).
Only packages with a `source` (registry, git) are checked: the root and path
members of the workspace are the project itself.
"""
import json
import sys
import tomllib
import zipfile


def parse_semver(text):
    """Split a SemVer 2.0.0 string into (major, minor, patch, prerelease ids); build is ignored."""
    core, _, _build = text.partition("+")
    core, dash, pre = core.partition("-")
    parts = core.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a SemVer version: {text!r}")
    if dash and not pre:
        raise ValueError(f"empty prerelease in {text!r}")
    pre_ids = tuple(pre.split(".")) if dash else ()
    if any(i == "" for i in pre_ids):
        raise ValueError(f"empty prerelease identifier in {text!r}")
    return tuple(int(p) for p in parts), pre_ids


def pre_id_key(ident):
    # Numeric identifiers compare numerically and sort before alphanumeric ones,
    # which compare in ASCII order (SemVer 2.0.0 section 11.4).
    return (0, int(ident), "") if ident.isdigit() else (1, 0, ident)


def semver_key(text):
    """A key whose tuple order is SemVer precedence."""
    nums, pre = parse_semver(text)
    if not pre:
        # A release ranks above every prerelease of the same core version.
        return nums, 1, ()
    return nums, 0, tuple(pre_id_key(i) for i in pre)


def intervals(events):
    """Turn an ordered event list into (lower key, upper key or None, upper inclusive) triples."""
    out = []
    lower = None
    for event in events:
        (kind, version), = event.items()
        if kind == "introduced":
            if lower is not None:
                raise ValueError(f"two introduced events in a row: {events}")
            lower = semver_key("0.0.0-0" if version == "0" else version)
        elif kind in ("fixed", "last_affected"):
            if lower is None:
                raise ValueError(f"{kind} without introduced: {events}")
            upper = semver_key(version)
            if upper < lower:
                raise ValueError(f"events not ascending: {events}")
            out.append((lower, upper, kind == "last_affected"))
            lower = None
        else:
            raise ValueError(f"unsupported event {event}")
    if lower is not None:
        out.append((lower, None, False))
    for (_, prev_upper, _), (next_lower, _, _) in zip(out, out[1:]):
        if prev_upper is None or next_lower < prev_upper:
            raise ValueError(f"events not ascending: {events}")
    return out


def in_interval(key, interval):
    lower, upper, inclusive = interval
    if key < lower:
        return False
    if upper is None:
        return True
    return key <= upper if inclusive else key < upper


def is_affected(version, affected):
    key = semver_key(version)
    if version in affected.get("versions", []):
        return True
    for rng in affected.get("ranges", []):
        if rng["type"] != "SEMVER":
            raise ValueError(f"unexpected range type {rng['type']}")
        if any(in_interval(key, iv) for iv in intervals(rng["events"])):
            return True
    return False


def locked_packages(path):
    with open(path, "rb") as f:
        lock = tomllib.load(f)
    return [(p["name"], p["version"]) for p in lock.get("package", []) if "source" in p]


def main(zip_path, lock_path):
    packages = locked_packages(lock_path)
    by_name = {}
    for name, version in packages:
        by_name.setdefault(name, []).append(version)
    hits, withdrawn = [], []
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.namelist():
            record = json.loads(zf.read(member))
            for affected in record["affected"]:
                pkg = affected["package"]
                if pkg["ecosystem"] != "crates.io":
                    continue
                for version in by_name.get(pkg["name"], []):
                    if is_affected(version, affected):
                        row = (record["id"], pkg["name"], version)
                        (withdrawn if "withdrawn" in record else hits).append(row)
    for row in sorted(set(hits)):
        print(" ".join(row))
    for row in sorted(set(withdrawn)):
        print("withdrawn, not listed:", " ".join(row), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
