#!/usr/bin/env python3
"""Writes layerlab's Alpine package data for apk: data/alpine/v3.10.tsv.

Alpine's package indices are not reachable from the machines layerlab is built
on, so this data is assembled from what is available, each row saying where
its figure comes from:

  * installed sizes measured by repo-info's scans of official images (the
    base-image catalog, ../shared/catalog/images.json): the python:3.7-alpine
    scan of 2020-01 (Alpine 3.11, the nearest scan with Python's libraries)
    and the alpine:latest scan of 2019-07 (Alpine 3.10.1);
  * dependencies as Alpine 3.10's packages declare them (so: names mapped to
    the packages that provide them);
  * the size of python2 itself, calibrated: seed 000's Alpine image
    (`apk add python py-pip && pip install --no-cache Flask && apk del py-pip`
    on alpine) is 48.6MB; python2 is what is left when the base image, the
    index, the libraries above and Flask are taken away;
  * py2-pip and py2-setuptools, and the APKINDEX sizes, estimated (stated).

Usage: scripts/catalog/alpine_packages.py   (reads ../shared/catalog/images.json)
"""
import json
import os

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
CATALOG = os.path.join(ROOT, "..", "shared", "catalog", "images.json")
OUT = os.path.join(ROOT, "data", "alpine", "v3.10.tsv")

# Packages whose sizes come from scans: name -> (scan image:tag, as_of month).
FROM_SCANS = {
    "expat": ("python:3.7-alpine", "2020-01"),
    "gdbm": ("python:3.7-alpine", "2020-01"),
    "libbz2": ("python:3.7-alpine", "2020-01"),
    "libffi": ("python:3.7-alpine", "2020-01"),
    "ncurses-libs": ("python:3.7-alpine", "2020-01"),
    "ncurses-terminfo-base": ("python:3.7-alpine", "2020-01"),
    "readline": ("python:3.7-alpine", "2020-01"),
    "sqlite-libs": ("python:3.7-alpine", "2020-01"),
    "libcrypto1.1": ("alpine:latest", "2019-07"),
    "libssl1.1": ("alpine:latest", "2019-07"),
    "zlib": ("alpine:latest", "2019-07"),
    "musl": ("alpine:latest", "2019-07"),
}
DEPENDS = {
    "ncurses-libs": "ncurses-terminfo-base",
    "readline": "ncurses-libs",
    "libssl1.1": "libcrypto1.1",
    "python2": "libbz2,expat,libffi,gdbm,ncurses-libs,readline,sqlite-libs,libssl1.1,libcrypto1.1,zlib,musl",
    "py2-setuptools": "python2",
    "py2-pip": "py2-setuptools,python2",
}
# Calibrated (see the module doc): 48.6MB image - 5.58MB alpine 3.10.1 -
# 1.45MB index - 2.36MB libraries - 4.01MB Flask (2018-06 era) - 0.02MB apk db.
PYTHON2_BYTES = 35_180_000
ESTIMATED = {
    # name: (version, bytes, provides, programs, source)
    "py2-pip": ("18.1-r0", 5_900_000, "py-pip", "/usr/bin/pip /usr/bin/pip2",
                "estimate: pip 18.1's sources (about 2.8 MB) and their bytecode"),
    "py2-setuptools": ("41.0.1-r0", 2_400_000, "py-setuptools", "/usr/bin/easy_install",
                       "estimate: setuptools 41's sources (about 1.1 MB) and their bytecode"),
}
INDEX_BYTES = {"main": 790_000, "community": 660_000}


def main():
    with open(CATALOG) as fh:
        catalog = json.load(fh)
    rows = ["# name\tversion\tinstalled_bytes\tdepends\tprovides\tprograms\tsource",
            "# index\tmain\t%d\t\t\t\testimate: APKINDEX.tar.gz of v3.10/main" % INDEX_BYTES["main"],
            "# index\tcommunity\t%d\t\t\t\testimate: APKINDEX.tar.gz of v3.10/community" % INDEX_BYTES["community"]]
    for name, (ref, month) in sorted(FROM_SCANS.items()):
        image, tag = ref.split(":")
        entry = next(e for e in catalog if e["image"] == image and e["tag"] == tag and e["as_of"].startswith(month))
        pkg = next(p for p in entry["packages"] if p["name"] == name)
        rows.append("\t".join([name, pkg["version"], str(pkg["installed_size_bytes"]), DEPENDS.get(name, ""), "", "",
                               f"catalog: {ref} scan {entry['as_of']} ({entry['source'].split()[0]})"]))
    rows.append("\t".join(["python2", "2.7.16-r1", str(PYTHON2_BYTES), DEPENDS["python2"], "python",
                           "/usr/bin/python /usr/bin/python2 /usr/bin/python2.7",
                           "calibrated: seed 000, `docker images` of the Alpine variant = 48.6MB"]))
    for name, (version, size, provides, programs, source) in sorted(ESTIMATED.items()):
        rows.append("\t".join([name, version, str(size), DEPENDS[name], provides, programs, source]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        fh.write("\n".join(rows) + "\n")
    print(f"{len(rows) - 3} packages -> {OUT}")


if __name__ == "__main__":
    main()
