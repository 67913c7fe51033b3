#!/usr/bin/env python3
"""Make cargo-audit's JSON report safe to commit: no host names.

Usage: scrub_audit_json.py < report.json > cargo-audit.json

Two changes, nothing else: every package `source` becomes
`registry+https://registry.example.invalid/`, and every advisory `description`
(the Markdown body, full of links) becomes "". Ids, titles, versions,
requirement lists and warning kinds are kept as cargo-audit wrote them.
"""
import json
import sys

REGISTRY = "registry+https://registry.example.invalid/"


def scrub(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str) and value.startswith("registry+"):
                node[key] = REGISTRY
            elif key == "description" and isinstance(value, str):
                node[key] = ""
            else:
                scrub(value)
    elif isinstance(node, list):
        for item in node:
            scrub(item)


report = json.load(sys.stdin)
scrub(report)
json.dump(report, sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
