#!/usr/bin/env python3
"""Writes layerlab's Alpine package data for apk: data/alpine/<branch>.tsv.

Branches: v3.10 (unchanged, see `write_v310`), v3.12 ... v3.24 and edge.

Alpine's package indexes cannot be reached from the machines layerlab is built
on, so every row is assembled from material we do have, and its last column
says which of these it comes from:

  * Installed sizes measured by docker-library/repo-info scans of official
    images (../../../shared/catalog/images.json and harvest/*.jsonl): every
    Alpine-based entry lists its apk packages with `installed_size_bytes`.
    An entry's branch is read from `os.version_id` (3.23.5 -> v3.23, a
    `_alpha` date -> edge), falling back to `-alpine3.NN` in `resolved`.
    Within a branch the newest scan wins.  Packages listed only because they
    were copied from another scan (`inferred`) are ignored, and so are
    packages that do not come from Alpine's own repositories (nginx.org's
    nginx and nginx-module-* builds, Amazon's amazon-corretto-*).
    Scans from 2019-2021 round each package up to 4 KiB blocks; the figures
    are used as printed.  Source: "catalog: <image:tag> scan <date> ...".
  * A package that no scan of its branch lists takes the figure of the
    nearest branch that has one (ties go to the newer branch, whose scans
    print exact sizes); the source names that branch, the scan and the
    version measured there, and the version column repeats that version.
  * A package that no scan lists at all is estimated with ONE model: the
    median ratio of apk installed size to Debian Installed-Size x 1024 over
    every package measured in a scan that has a clean Debian counterpart
    (same upstream, same split: curl<->curl, zlib<->zlib1g,
    libcurl<->libcurl4, gpg<->gpg ...; never musl<->libc6).  Each pair uses
    the package's newest measurement and the Debian release of that era
    (<=v3.16 bullseye, v3.17-v3.20 bookworm, v3.21+ and edge trixie; data
    from ../../data/debian/<release>.tsv.gz).  Fitted on the current inputs:
    ratio 0.586 over 126 pairs (interquartile range 0.41-0.76; libraries sit
    near 0.6-0.9, programs whose Debian package carries man pages and
    translations near 0.1-0.4).  The
    estimate is ratio x the Debian Installed-Size of the counterpart(s) in
    the branch's era release, source "estimated: Debian <release>
    Installed-Size of <names> x <ratio> (apk/dpkg ratio over N pairs)".  The
    script recomputes the ratio every run and prints it.
  * Where neither a scan nor a Debian counterpart exists, a rough estimate
    with its reason (ROUGH below), or 0 for meta packages that install no
    files (the scans list gnupg, a meta package, at 0 B).
  * Dependencies, provided names and programs come from aports.tsv beside
    this script: the facts gathered from alpinelinux/aports APKBUILDs (the
    path and commit read are recorded; most rows follow current Alpine
    packaging from knowledge and say "not read").  Shared-library
    dependencies are implicit in Alpine (abuild adds so: dependencies when
    it builds); they are approximated by the runtime libraries whose -dev
    packages appear in an APKBUILD's makedepends, only where that is clear,
    and -dev packages depend on their parent and the -dev of its libraries
    (plus pkgconf where the library ships .pc files).  Per branch, a
    dependency "a|b" takes the first alternative that exists there (e.g.
    libssl3|libssl1.1) and names that do not exist on a branch are dropped.
  * Base-image packages of each branch (alpine:<branch> scan) are always
    present, so dependencies on them resolve.
  * The sizes of APKINDEX.tar.gz (main, community) are NOT measured: they are
    a stated rough estimate (INDEX_BYTES).

Usage: scripts/catalog/alpine_packages.py [--out DIR]
       (DIR defaults to <repo>/data/alpine; the repository root is two levels
       above this script, or $LAYERLAB_ROOT)
"""
import glob
import gzip
import json
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# LAYERLAB_ROOT overrides the repository root (for running the script elsewhere).
ROOT = os.environ.get("LAYERLAB_ROOT") or os.path.join(HERE, "..", "..")
SHARED = os.path.join(ROOT, "..", "shared", "catalog")
CATALOG = os.path.join(SHARED, "images.json")
HARVEST = os.path.join(SHARED, "harvest")
DEBIAN = os.path.join(ROOT, "data", "debian")
FACTS = os.path.join(HERE, "aports.tsv")

BRANCHES = ["v3.12", "v3.13", "v3.14", "v3.15", "v3.16", "v3.17", "v3.18",
            "v3.19", "v3.20", "v3.21", "v3.22", "v3.23", "v3.24", "edge"]
# Every branch the scans can speak for, in order (v3.10/v3.11 only serve as
# "nearest branch" sources for v3.12).
ORDER = ["v3.10", "v3.11"] + BRANCHES

# Debian release whose Installed-Size stands in for a branch's era.
def debian_release(branch):
    if branch == "edge":
        return "trixie"
    minor = int(branch.split(".")[1])
    return "bullseye" if minor <= 16 else "bookworm" if minor <= 20 else "trixie"

# Per-branch placeholders in aports.tsv: Alpine's python3 minor version and
# LLVM major version on each branch (from knowledge of Alpine releases; the
# scans carry neither; v3.23, v3.24 and edge are assumed to stay on 3.12).
PY = {"v3.12": "3.8", "v3.13": "3.8", "v3.14": "3.9", "v3.15": "3.9",
      "v3.16": "3.10", "v3.17": "3.10", "v3.18": "3.11", "v3.19": "3.11",
      "v3.20": "3.12", "v3.21": "3.12", "v3.22": "3.12", "v3.23": "3.12",
      "v3.24": "3.12", "edge": "3.12"}
LLVM = {"v3.12": "10", "v3.13": "11", "v3.14": "11", "v3.15": "12",
        "v3.16": "13", "v3.17": "15", "v3.18": "16", "v3.19": "17",
        "v3.20": "17", "v3.21": "19", "v3.22": "20", "v3.23": "21",
        "v3.24": "21", "edge": "21"}
# The same placeholders in Debian names, per Debian release.
DEB_VARS = {"bullseye": {"py": "3.9", "llvm": "11"},
            "bookworm": {"py": "3.11", "llvm": "14"},
            "trixie": {"py": "3.13", "llvm": "19"}}

# Not from Alpine's repositories although installed with apk in some images.
FOREIGN = re.compile(r"^(nginx|nginx-module-.*|amazon-corretto-.*)$")

# Debian counterparts that are not the same content (never used as pairs).
# ca-certificates: Alpine keeps the bundle in ca-certificates-bundle; coreutils:
# Alpine builds one multi-call binary (1.1 MB against Debian's 18 MB).
NOT_PAIRS = {"ca-certificates", "coreutils"}

# Rough estimates: no scan lists the package and Debian has no counterpart.
ROUGH = {
    "binutils-gold": (3_500_000, "the ld.gold binary alone (GNU gold is about 3.5 MB stripped on x86_64)"),
    "git-daemon": (1_500_000, "git-daemon, git-http-backend and git-shell, each a ~0.5 MB stripped git binary"),
    "fortify-headers": (90_000, "about 30 small C headers of fortify-headers"),
    "su-exec": (25_000, "one small static-free C program (su-exec.c is ~100 lines)"),
    "tini": (40_000, "one small C program (the dynamic tini, not tini-static)"),
    "npm": (9_500_000, "npm's own tree under /usr/lib/node_modules/npm (about 10 MB in the official Node images; Alpine drops docs and man pages)"),
    "abuild": (350_000, "shell scripts and a few small C helpers (abuild-tar, abuild-sudo, abuild-gzsplit)"),
    "ifupdown-ng-openrc": (5_000, "one OpenRC init script"),
    "icu-data-en": (2_600_000, "ICU's data trimmed to English (the full data, icu-data-full, is 32.5 MB in the v3.24 scans)"),
    "perl-utils": (250_000, "perl scripts such as cpan, h2xs, prove and shasum (part of Debian's perl package)"),
    "zfs-libs": (2_500_000, "libzfs, libzpool and libnvpair (Debian ships ZFS in contrib, not in layerlab's Debian data)"),
    "zfs": (2_000_000, "zfs, zpool, zdb and helpers (Debian ships ZFS in contrib, not in layerlab's Debian data)"),
    "openssh": (5_000, "the openssh package only ties client, server and sftp-server together; its programs are in the subpackages"),
    "libpanelw": (20_000, "the ncurses panel library (17-33 KiB where scanned)"),
}
META = {"build-base", "libc-dev", "alpine-sdk", "gnupg"}

# APKINDEX.tar.gz sizes: rough estimate, NOT measured.  Linear in the branch
# from ~0.85 MB (v3.12) to ~1.15 MB (v3.24) for main and from ~1.0 MB to
# ~2.2 MB for community, following the growth of the repositories (main
# ~5k -> ~6.5k packages, community ~9k -> ~20k); edge = v3.24.
def index_bytes(branch):
    i = BRANCHES.index("v3.24" if branch == "edge" else branch)
    t = i / 12.0
    return {"main": int(round(850_000 + t * 300_000, -4)),
            "community": int(round(1_000_000 + t * 1_200_000, -4))}


# ----------------------------------------------------------------- inputs
def load_entries():
    with open(CATALOG) as fh:
        entries = json.load(fh)
    for path in sorted(glob.glob(os.path.join(HARVEST, "*.jsonl"))):
        with open(path) as fh:
            entries += [json.loads(line) for line in fh if line.strip()]
    return entries


def entry_branch(e):
    v = (e.get("os") or {}).get("version_id") or ""
    if "_alpha" in v:
        return "edge"
    m = re.match(r"(3\.\d+)", v) or re.search(r"alpine-?(3\.\d+)", e.get("resolved") or "")
    return "v" + m.group(1) if m else None


def scan_facts(entries):
    """{(name, branch): (version, bytes, ref, as_of)}, newest scan per branch."""
    facts = {}
    for e in entries:
        pkgs = [p for p in e.get("packages") or [] if p.get("manager") == "apk"]
        if not pkgs:
            continue
        branch = entry_branch(e)
        ref = f"{e['image']}:{e['tag']}"
        for p in pkgs:
            if p.get("inferred") or p.get("installed_size_bytes") is None or FOREIGN.match(p["name"]):
                continue
            key = (p["name"], branch)
            fact = (p["version"], p["installed_size_bytes"], ref, e["as_of"])
            if key not in facts or fact[3] > facts[key][3]:
                facts[key] = fact
    return facts


def base_packages(entries):
    """{branch: [names]} from the newest alpine:<tag> scan of each branch."""
    best = {}
    for e in entries:
        if e["image"] != "alpine":
            continue
        b = entry_branch(e)
        if b not in best or e["as_of"] > best[b]["as_of"]:
            best[b] = e
    return {b: [p["name"] for p in e["packages"] if p.get("manager") == "apk"] for b, e in best.items()}


def load_debian():
    out = {}
    for path in sorted(glob.glob(os.path.join(DEBIAN, "*.tsv.gz"))):
        rel = os.path.basename(path)[:-len(".tsv.gz")]
        sizes = {}
        with gzip.open(path, "rt") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                f = line.split("\t", 3)
                if len(f) > 2 and f[2].isdigit():
                    sizes[f[0]] = int(f[2])
        out[rel] = sizes
    return out


def load_facts():
    rows = []
    with open(FACTS) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            f += [""] * (10 - len(f))
            rows.append(dict(zip(["name", "origin", "repo", "version_read", "depends", "provides",
                                  "programs", "branches", "debian", "read"], f)))
    return rows


def in_range(spec, branch):
    if not spec:
        return True
    lo, _, hi = spec.partition("-")
    i = ORDER.index(branch)
    return (not lo or i >= ORDER.index(lo)) and (not hi or i <= ORDER.index(hi))


def subst(text, branch):
    return text.replace("{py}", PY[branch]).replace("{llvm}", LLVM[branch]).replace("{pg}", "")


# ------------------------------------------------------------- size model
def debian_size(spec, rel, debian):
    """Sum of the Debian counterpart(s) in `rel`: (bytes, names) or None."""
    total, names = 0, []
    for part in spec.split("&"):
        part = part.replace("{py}", DEB_VARS[rel]["py"]).replace("{llvm}", DEB_VARS[rel]["llvm"])
        hit = next((a for a in part.split("|") if a in debian[rel]), None)
        if hit is None:
            continue
        total += debian[rel][hit] * 1024
        names.append(hit)
    return (total, names) if names else None


def fit_ratio(facts_rows, scans, debian):
    pairs = []
    for row in facts_rows:
        if not row["debian"] or row["name"] in NOT_PAIRS or "{" in row["name"]:
            continue
        measured = [(ORDER.index(b), v) for (n, b), v in scans.items() if n == row["name"]]
        if not measured:
            continue
        idx, (version, size, ref, as_of) = max(measured)
        if size <= 0:
            continue
        rel = debian_release(ORDER[idx])
        d = debian_size(row["debian"], rel, debian)
        if d is None or d[0] <= 0:
            continue
        pairs.append((row["name"], size / d[0], size, d))
    ratios = sorted(r for _, r, _, _ in pairs)
    q = statistics.quantiles(ratios, n=4)
    return statistics.median(ratios), q[0], q[2], pairs


# ------------------------------------------------------------------ output
def build_branch(branch, rows, scans, bases, debian, model):
    ratio, n_pairs = model
    rel = debian_release(branch)
    pkgs = {}
    for row in rows:
        if not in_range(row["branches"], branch):
            continue
        name = subst(row["name"], branch)
        pkgs[name] = dict(row, name=name, key=row["name"])
    for name in bases.get(branch, []):
        if name not in pkgs:
            pkgs[name] = {"name": name, "key": name, "depends": "", "provides": "", "programs": "", "debian": ""}
    provided = {p for r in pkgs.values() for p in r["provides"].split(",") if p}
    out, counts = [], {"measured": 0, "nearest": 0, "estimated": 0, "rough": 0}
    for name in sorted(pkgs):
        r = pkgs[name]
        deps = []
        for d in r["depends"].split(","):
            hit = next((a for a in (subst(x, branch) for x in d.split("|")) if a in pkgs or a in provided), None)
            if hit and hit != name and hit not in deps:
                deps.append(hit)
        scan = scans.get((name, branch))
        if scan:
            version, size, ref, as_of = scan
            source = f"catalog: {ref} scan {as_of} (docker-library/repo-info)"
            counts["measured"] += 1
        else:
            # nearest branch: by this concrete name, else by the aports.tsv row
            # (e.g. llvm21-libs measured stands in for llvm17-libs)
            cands = [(abs(ORDER.index(b) - ORDER.index(branch)), -ORDER.index(b), b, v)
                     for (n, b), v in scans.items()
                     if n == name or ("{" in r["key"] and re.fullmatch(
                         re.escape(r["key"]).replace(r"\{llvm\}", r"\d+"), n))]
            if cands:
                _, _, b, (version, size, ref, as_of) = min(cands)
                source = (f"catalog: nearest branch {b} ({ref} scan {as_of}, version {version}); "
                          f"no scan of {branch} lists it")
                counts["nearest"] += 1
            elif name in META or r["key"] in META:
                version, size = "unknown", 0
                source = "estimated: meta package, installs no files (the scans list such packages at 0 B)"
                counts["rough"] += 1
            else:
                d = debian_size(r["debian"], rel, debian) if r["debian"] else None
                if d is None and r["debian"]:
                    for other in ("trixie", "bookworm", "bullseye"):
                        d = debian_size(r["debian"], other, debian)
                        if d:
                            rel_used = other
                            break
                else:
                    rel_used = rel
                version = "unknown"
                if d:
                    size = int(round(ratio * d[0], -2))
                    source = (f"estimated: Debian {rel_used} Installed-Size of {'+'.join(d[1])} "
                              f"x {ratio:.3f} (apk/dpkg ratio over {n_pairs} pairs)")
                    counts["estimated"] += 1
                elif r["key"] in ROUGH or name in ROUGH:
                    size, why = ROUGH.get(r["key"]) or ROUGH[name]
                    source = f"estimated (rough): {why}"
                    counts["rough"] += 1
                else:
                    raise SystemExit(f"{branch}: no size for {name}")
        programs = subst(r["programs"], branch)
        out.append("\t".join([name, version, str(size), ",".join(deps), r["provides"], programs, source]))
    idx = index_bytes(branch)
    head = ["# name\tversion\tinstalled_bytes\tdepends\tprovides\tprograms\tsource"]
    for repo in ("main", "community"):
        head.append(f"# index\t{repo}\t{idx[repo]}\t\t\t\testimate (rough, not measured): "
                    f"APKINDEX.tar.gz of {branch}/{repo}, linear growth model in alpine_packages.py")
    return head + out, counts


# ---------------------------------------------------------------- v3.10
# The v3.10 data is kept exactly as the previous generator wrote it.
V310_FROM_SCANS = {
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
V310_DEPENDS = {
    "ncurses-libs": "ncurses-terminfo-base",
    "readline": "ncurses-libs",
    "libssl1.1": "libcrypto1.1",
    "python2": "libbz2,expat,libffi,gdbm,ncurses-libs,readline,sqlite-libs,libssl1.1,libcrypto1.1,zlib,musl",
    "py2-setuptools": "python2",
    "py2-pip": "py2-setuptools,python2",
}
# Calibrated: seed 000's Alpine image (`apk add python py-pip && pip install
# --no-cache Flask && apk del py-pip` on alpine) is 48.6MB; python2 is what is
# left: 48.6MB image - 5.58MB alpine 3.10.1 - 1.45MB index - 2.36MB libraries
# - 4.01MB Flask (2018-06 era) - 0.02MB apk db.
V310_PYTHON2_BYTES = 35_180_000
V310_ESTIMATED = {
    "py2-pip": ("18.1-r0", 5_900_000, "py-pip", "/usr/bin/pip /usr/bin/pip2",
                "estimate: pip 18.1's sources (about 2.8 MB) and their bytecode"),
    "py2-setuptools": ("41.0.1-r0", 2_400_000, "py-setuptools", "/usr/bin/easy_install",
                       "estimate: setuptools 41's sources (about 1.1 MB) and their bytecode"),
}
V310_INDEX_BYTES = {"main": 790_000, "community": 660_000}


def write_v310(catalog, out_dir):
    rows = ["# name\tversion\tinstalled_bytes\tdepends\tprovides\tprograms\tsource",
            "# index\tmain\t%d\t\t\t\testimate: APKINDEX.tar.gz of v3.10/main" % V310_INDEX_BYTES["main"],
            "# index\tcommunity\t%d\t\t\t\testimate: APKINDEX.tar.gz of v3.10/community" % V310_INDEX_BYTES["community"]]
    for name, (ref, month) in sorted(V310_FROM_SCANS.items()):
        image, tag = ref.split(":")
        entry = next(e for e in catalog if e["image"] == image and e["tag"] == tag and e["as_of"].startswith(month))
        pkg = next(p for p in entry["packages"] if p["name"] == name)
        rows.append("\t".join([name, pkg["version"], str(pkg["installed_size_bytes"]), V310_DEPENDS.get(name, ""), "", "",
                               f"catalog: {ref} scan {entry['as_of']} ({entry['source'].split()[0]})"]))
    rows.append("\t".join(["python2", "2.7.16-r1", str(V310_PYTHON2_BYTES), V310_DEPENDS["python2"], "python",
                           "/usr/bin/python /usr/bin/python2 /usr/bin/python2.7",
                           "calibrated: seed 000, `docker images` of the Alpine variant = 48.6MB"]))
    for name, (version, size, provides, programs, source) in sorted(V310_ESTIMATED.items()):
        rows.append("\t".join([name, version, str(size), V310_DEPENDS[name], provides, programs, source]))
    path = os.path.join(out_dir, "v3.10.tsv")
    with open(path, "w") as fh:
        fh.write("\n".join(rows) + "\n")
    print(f"v3.10: {len(rows) - 3} packages -> {path}")


def main():
    args = sys.argv[1:]
    out_dir = os.path.join(ROOT, "data", "alpine")
    if args[:1] == ["--out"] and len(args) > 1:
        out_dir = args[1]
    os.makedirs(out_dir, exist_ok=True)
    with open(CATALOG) as fh:
        write_v310(json.load(fh), out_dir)
    entries = load_entries()
    scans = scan_facts(entries)
    bases = base_packages(entries)
    debian = load_debian()
    rows = load_facts()
    ratio, q1, q3, pairs = fit_ratio(rows, scans, debian)
    print(f"apk/dpkg ratio: median {ratio:.3f} over {len(pairs)} pairs (IQR {q1:.3f}-{q3:.3f})")
    for branch in BRANCHES:
        lines, counts = build_branch(branch, rows, scans, bases, debian, (ratio, len(pairs)))
        path = os.path.join(out_dir, f"{branch}.tsv")
        with open(path, "w") as fh:
            fh.write("\n".join(lines) + "\n")
        print(f"{branch}: {len(lines) - 3} packages ({counts['measured']} measured, {counts['nearest']} nearest "
              f"branch, {counts['estimated']} Debian-estimated, {counts['rough']} rough/meta) -> {path}")


if __name__ == "__main__":
    main()
