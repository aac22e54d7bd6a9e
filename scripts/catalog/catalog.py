#!/usr/bin/env python3
"""Writes layerlab's base-image catalog, data/catalog/, from the official-image
facts in ../shared/catalog (images.json and harvest/*.jsonl, read from
docker-library/repo-info scans; see that directory's README).

Output, all generated (never edit by hand; run this script again):

  data/catalog/index.json
      What resolving a FROM needs, for every entry: image, tag, the scan's
      own name for it (`resolved`), the date of the data (`as_of`), the
      size docker reports (`size`, bytes, decimal units as repo-info prints
      them), the distribution (`os`), the package manager, and the month a
      historical entry stands for. Small enough to be compiled into the
      playground.
  data/catalog/entries/<key>.json
      The rest of one entry, fetched or read when a build uses it: image ID,
      created date, config (env, cmd, entrypoint, ...), the scan it was read
      from (`source`, `notes`), and its installed packages. Where the scan's
      package list was only partly read, the packages of the entry the
      harvest names in `packages_from_entry` stand in for the rest:
      `packages_from` is that entry's key, and the reader adds its packages
      (marked as inferred) to the ones this scan lists.

Every figure keeps its source: `source` is the repo-info commit and path,
`as_of_basis` says how the date was read.

Usage: scripts/catalog/catalog.py [--shared DIR] [--out DIR]
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def read_entries(shared):
    catalog = os.path.join(shared, "catalog")
    with open(os.path.join(catalog, "images.json")) as f:
        entries = json.load(f)
    harvest = os.path.join(catalog, "harvest")
    for name in sorted(os.listdir(harvest)):
        if name.endswith(".jsonl"):
            with open(os.path.join(harvest, name)) as f:
                entries += [json.loads(line) for line in f if line.strip()]
    return entries


def key_of(entry):
    """A file name that is unique per entry: image, tag and date."""
    raw = f"{entry['image']}_{entry['tag']}_{entry.get('as_of', '')}"
    return re.sub(r"[^A-Za-z0-9._-]", "-", raw)


def alpine_version(entry):
    """Alpine's release for an Alpine-based entry (`3.23`), from the scan's
    name (`-alpine3.23`), its os record, or alpine-baselayout's version."""
    m = re.search(r"alpine-?(\d+\.\d+)", entry.get("resolved") or "")
    if m:
        return m.group(1)
    os_ = entry.get("os") or {}
    if os_.get("distro") == "alpine" and os_.get("version_id"):
        return ".".join(os_["version_id"].split(".")[:2])
    for p in entry.get("packages") or []:
        if p.get("name") == "alpine-baselayout" and p.get("version"):
            return ".".join(p["version"].split(".")[:2])
    return None


def current_entry(entries, reference):
    """The newest entry for `image:tag` (historical entries are not stand-ins)."""
    image, tag = reference.split(":", 1)
    found = [e for e in entries if e["image"] == image and e["tag"] == tag]
    found.sort(key=lambda e: (not e.get("historical", False), e.get("as_of", "")))
    return found[-1] if found else None


def packages_of(entry, entries):
    out = []
    for p in entry.get("packages") or []:
        row = {"m": p.get("manager"), "n": p["name"], "v": p.get("version")}
        if p.get("installed_size_bytes") is not None:
            row["s"] = p["installed_size_bytes"]
        if p.get("inferred"):
            row["from"] = entry.get("packages_inferred_from") or "a related scan"
        out.append(row)
    return out


def packages_from(entry, entries):
    """The key of the entry whose complete list stands in for the part of
    this entry's list that was not read (the harvest's `packages_from_entry`)."""
    other = entry.get("packages_from_entry")
    if entry.get("packages_complete") or not other:
        return None
    base = current_entry(entries, other)
    return key_of(base) if base is not None else None


def os_of(entry):
    os_ = dict(entry.get("os") or {})
    distro = os_.get("distro")
    if distro is None and entry.get("package_manager") == "apk":
        os_["distro"] = "alpine"
    if os_.get("distro") == "alpine" or entry.get("package_manager") == "apk":
        v = alpine_version(entry)
        if v and not (os_.get("version_id") or "").startswith(v):
            os_["version_id"] = v
    return {k: v for k, v in os_.items() if v}


def compact_config(config):
    return {k: v for k, v in (config or {}).items() if v not in (None, [], {})}


def write_compression(entries, out):
    """The one ratio of compressed (registry blob) to on-disk layer size the
    simulator uses for pushes and pulls: the median over the entries whose
    remote scan lists its layers (compressed) beside the local scan's
    Virtual Size (uncompressed)."""
    pairs = []
    for e in entries:
        if e.get("layers") and e.get("virtual_size_bytes"):
            compressed = sum(l["size_bytes"] for l in e["layers"])
            pairs.append((compressed / e["virtual_size_bytes"], f"{e['image']}:{e['tag']}",
                          (e.get("layers_info") or {}).get("source", "")))
    pairs.sort()
    ratios = [p[0] for p in pairs]
    mid = len(ratios) // 2
    median = ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2
    doc = {
        "about": "compressed/uncompressed layer size, median over the catalog entries "
        "with both a remote layer list and a Virtual Size; an empty layer's blob is 32 bytes "
        "(a gzipped empty tar). Generated by scripts/catalog/catalog.py.",
        "ratio": round(median, 3),
        "empty_blob": 32,
        "pairs": [{"image": p[1], "ratio": round(p[0], 3), "source": p[2]} for p in pairs],
    }
    with open(os.path.join(out, "compression.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "catalog"))
    args = ap.parse_args()
    entries = read_entries(args.shared)
    os.makedirs(os.path.join(args.out, "entries"), exist_ok=True)
    for old in os.listdir(os.path.join(args.out, "entries")):
        os.remove(os.path.join(args.out, "entries", old))
    index = []
    for e in entries:
        key = key_of(e)
        packages = packages_of(e, entries)
        manager = e.get("package_manager") or next(
            (p["m"] for p in packages if p.get("m")), None
        )
        row = {
            "key": key,
            "image": e["image"],
            "tag": e["tag"],
            "resolved": e.get("resolved") or f"{e['image']}:{e['tag']}",
            "as_of": e.get("as_of", ""),
            "size": e.get("virtual_size_bytes") or 0,
            "os": os_of(e),
        }
        if manager:
            row["pm"] = manager
        if e.get("historical"):
            row["historical_target"] = e.get("historical_target") or e.get("as_of", "")[:7]
        index.append(row)
        detail = {
            "image_id": e.get("image_id", ""),
            "created": e.get("created", ""),
            "config": compact_config(e.get("config")),
            "source": e.get("source", ""),
            "as_of_basis": e.get("as_of_basis", ""),
            "size_display": e.get("virtual_size_display", ""),
            "size_precision_bytes": e.get("virtual_size_precision_bytes"),
            "packages_complete": bool(e.get("packages_complete")),
            "notes": e.get("notes") or [],
            "packages": packages,
            "packages_from": packages_from(e, entries),
        }
        if e.get("layers"):
            # The registry's compressed layer blobs, from the remote scan;
            # `layers_source` says which scan and whether it is this build.
            info = e.get("layers_info") or {}
            detail["layers"] = [
                {"digest": l["digest"], "size": l["size_bytes"]} for l in e["layers"]
            ]
            detail["layers_source"] = {
                "source": info.get("source", ""),
                "same_build": bool(info.get("same_build_as_local_scan")),
                "repo_digest": info.get("digest", ""),
            }
        with open(os.path.join(args.out, "entries", key + ".json"), "w") as f:
            json.dump(detail, f, separators=(",", ":"), sort_keys=True)
            f.write("\n")
    write_compression(entries, args.out)
    index.sort(key=lambda r: (r["image"], r["tag"], r["as_of"]))
    doc = {
        "about": "layerlab's base-image catalog, generated by scripts/catalog/catalog.py "
        "from docker-library/repo-info scans (each entry's source is in entries/<key>.json). "
        "Sizes are repo-info's Virtual Size in bytes (decimal units).",
        "entries": index,
    }
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"{len(index)} entries -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
