#!/usr/bin/env python3
"""Regenerates layerlab's npm package data (data/npm/packages.tsv).

npm itself resolves the dependency tree of a few common roots
(`npm install --package-lock-only`, which writes package-lock.json without
downloading packages), then `npm pack NAME@VERSION --dry-run --json` fetches
each tarball and reports its size and unpacked size. Both use the registry npm
is configured with. Rows: name, version, tarball bytes, unpacked bytes,
dependencies (names). Platform-specific optional packages for other systems
than linux-x64 are left out (npm would not install them).

Usage: scripts/catalog/npm_packages.py [OUT_FILE]   (default: data/npm/packages.tsv)
"""
import json
import os
import subprocess
import sys
import tempfile

ROOTS = ["express", "lodash", "axios", "react", "react-dom", "typescript", "nodemon", "dotenv"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "data", "npm", "packages.tsv")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "package.json"), "w") as f:
            json.dump({"name": "layerlab-probe", "version": "1.0.0", "private": True}, f)
        subprocess.run(["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"] + ROOTS, cwd=d, check=True, stdout=subprocess.DEVNULL)
        lock = json.load(open(os.path.join(d, "package-lock.json")))
    rows = {}
    for path, info in lock.get("packages", {}).items():
        if not path:
            continue
        name = path.split("node_modules/")[-1]
        version = info.get("version", "")
        if (name, version) in rows:
            continue
        deps = sorted(set(info.get("dependencies", {})) | set(info.get("peerDependencies", {}) if not info.get("peerDependenciesMeta") else set()))
        rows[(name, version)] = deps
    lines = ["# name\tversion\ttarball_bytes\tunpacked_bytes\tdependencies\tsource"]
    others = ("darwin", "win32", "freebsd", "aix", "android", "openbsd", "sunos", "arm64", "arm", "ia32", "ppc64", "s390x", "riscv64", "loong64", "musl")
    for (name, version), deps in sorted(rows.items()):
        base = name.rsplit("/", 1)[-1]
        if any(f"-{o}" in base for o in others):
            continue
        res = subprocess.run(["npm", "pack", f"{name}@{version}", "--dry-run", "--json", "--loglevel=error"], capture_output=True, text=True, cwd=tempfile.gettempdir())
        try:
            info = json.loads(res.stdout)[0]
            size, unpacked, source = info["size"], info["unpackedSize"], "npm pack --dry-run (tarball fetched and measured)"
        except (ValueError, KeyError, IndexError):
            size, unpacked, source = 0, 0, "unknown: npm pack failed"
        lines.append("\t".join([name, version, str(size), str(unpacked), ",".join(deps), source]))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} packages -> {out}")


if __name__ == "__main__":
    main()
