#!/usr/bin/env python3
"""Writes the stand-in for Ubuntu 18.04 (bionic) package data:
data/debian/bionic.tsv.gz and bionic.meta.json.

Ubuntu's archive is not reachable from the machines layerlab is built on, so
bionic's Packages index cannot be read. The Docker tutorials still need it
(seed 000 runs `apt-get install -y python python-pip` on ubuntu:18.04). This
script therefore:

  * takes Debian bullseye's real package data (data/debian/bullseye.tsv.gz,
    written by debian_packages.py): the closest release layerlab has that still
    ships Python 2.7, with the same dependency structure for the packages the
    tutorials use;
  * adds bionic's two package names bullseye lacks, `python` and `python-pip`,
    with bionic's dependency fields (python-pip 9.0.1-2: Depends ca-certificates,
    python-pip-whl, python; Recommends build-essential, python-all-dev,
    python-setuptools, python-wheel — python-wheel has no bullseye
    counterpart and is left out);
  * replaces the dependency fields of two packages whose bullseye versions
    pull in what bionic's did not (OVERRIDES);
  * scales every Installed-Size by the one Ubuntu-vs-Debian factor every
    Ubuntu release uses (data/debian/ubuntu.json, derived from catalog scans
    by ubuntu_relation.py; no tutorial figure goes into it);
  * takes the apt lists size measured for bullseye (its stand-in release).

The tutorial figures (seed 000's 339MB install layer, 24.5MB `apt-get
update`) are what the tests check this against, not inputs.

Usage: scripts/catalog/calibrated_bionic.py
"""
import gzip
import json
import os

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "debian")

# The Ubuntu factor (calibrated once from catalog scans; see ubuntu.json).
with open(os.path.join(DATA, "ubuntu.json")) as _f:
    _UBUNTU = json.load(_f)
SIZE_FACTOR = _UBUNTU["size_factor"]
with open(os.path.join(DATA, "bullseye.meta.json")) as _f:
    _BULLSEYE_LISTS = json.load(_f)["apt_lists_bytes"]


# bionic-only packages: name -> (version, KiB before scaling, depends, recommends, programs).
EXTRA = {
    "python": ("2.7.15~rc1-1", 100, "python2-minimal,python2.7,libpython2-stdlib", "",
               "/usr/bin/python /usr/bin/python2 /usr/bin/pydoc"),
    "python-pip": ("9.0.1-2", None, "ca-certificates,python-pip-whl,python",
                   "build-essential,python-all-dev,python-setuptools",
                   "/usr/bin/pip /usr/bin/pip2"),
    # bionic's python-dev 2.7.15~rc1-1: a dependency package (python and the
    # 2.7 headers, bullseye's python2-dev), 45 KiB of its own.
    "python-dev": ("2.7.15~rc1-1", 45, "python,python2-dev", "", ""),
}


# Fields where bullseye's packages differ from bionic's in what they pull in:
# bionic's mime-support (3.60) carries its own mailcap tools (bullseye's
# depends on mailcap, which needs perl, 40 MB), and bionic's glibc still
# provides libnsl, so its libpython2.7-stdlib needs neither libnsl2 nor
# libtirpc3 (and with them Kerberos). name -> (depends, recommends).
OVERRIDES = {
    "mime-support": ("", ""),
    "libpython2.7-stdlib": (
        "libpython2.7-minimal,libssl1.1,mime-support,libbz2-1.0,libc6,libcrypt1,libdb5.3,"
        "libexpat1,libffi7,libncursesw6,libreadline8,libsqlite3-0,libtinfo6",
        "",
    ),
}


def main():
    rows = []
    sizes = {}
    with gzip.open(os.path.join(DATA, "bullseye.tsv.gz"), "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                header = line
                continue
            f = line.rstrip("\n").split("\t")
            f += [""] * (10 - len(f))
            sizes[f[0]] = int(f[2] or 0)
            rows.append(f)
    # python-pip's own files: bullseye's python3-pip is the same program (its
    # size and where its files go); python's, bullseye's python2's.
    dirs = {r[0]: r[9] for r in rows}
    counterpart = {"python": "python2", "python-pip": "python3-pip", "python-dev": "python2-dev"}
    extra_rows = []
    for name, (version, kib, depends, recommends, programs) in EXTRA.items():
        if kib is None:
            kib = sizes.get("python3-pip", 0)
        # (bionic's pip is Python 2's: its modules go under python2.7.)
        where = dirs.get(counterpart[name], "").replace("usr/lib/python3:", "usr/lib/python2.7:")
        extra_rows.append([name, version, str(kib), "optional", "", depends, recommends, "", programs, where])
    for r in rows:
        if r[0] in OVERRIDES:
            r[5], r[6] = OVERRIDES[r[0]]
    out_rows = [r for r in rows if r[0] not in EXTRA] + extra_rows
    for r in out_rows:
        r[2] = str(round(int(r[2] or 0) * SIZE_FACTOR))
    out_rows.sort(key=lambda r: r[0])
    with gzip.GzipFile(os.path.join(DATA, "bionic.tsv.gz"), "wb", mtime=0) as gz:
        gz.write(header.encode())
        for r in out_rows:
            gz.write(("\t".join(r) + "\n").encode())
    meta = {
        "release": "bionic",
        "calibrated": True,
        "source": "stand-in for Ubuntu 18.04: Debian bullseye's package data with bionic's python, python-pip and python-dev entries, sizes scaled by the Ubuntu factor (scripts/catalog/calibrated_bionic.py)",
        "size_factor": SIZE_FACTOR,
        "size_factor_source": _UBUNTU["size_factor_source"],
        "packages": len(out_rows),
        "apt_lists_bytes": _BULLSEYE_LISTS,
        "apt_lists_note": "stand-in: bullseye's measured apt lists size (bullseye.meta.json)",
    }
    with open(os.path.join(DATA, "bionic.meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
        fh.write("\n")
    print(f"{len(out_rows)} packages -> data/debian/bionic.tsv.gz (size factor {SIZE_FACTOR})")


if __name__ == "__main__":
    main()
