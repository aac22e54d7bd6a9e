#!/usr/bin/env python3
"""Derives ONE size relation between Ubuntu images and Debian package data,
without using any tutorial figure.

Ubuntu's archive is not available to layerlab, so each Ubuntu release stands
in with the Debian release layerlab has data for (data/debian/<release>.tsv.gz:
bullseye, bookworm, trixie) that is nearest in release date. This script asks:
how many bytes does an Ubuntu image really take per byte of the stand-in
Debian release's Installed-Size, summed over the image's own package list?

Inputs (none of them a tutorial figure):
  * ../shared/catalog/images.json and ../shared/catalog/harvest/*.jsonl:
    every dpkg image whose package list is complete (packages_complete), with
    its virtual_size_bytes (sum of all layers, uncompressed, decimal units);
  * data/debian/{bullseye,bookworm,trixie}.tsv.gz: Installed-Size (KiB) per
    binary package.

For each image it maps the package names to the stand-in release
("exact"; "t64": the 2024 64-bit time_t renames, libssl3t64 -> libssl3 and
back; "soname": same name with other version digits, e.g. libssl3 ->
libssl1.1, gcc-12-base -> gcc-10-base, libperl5.34 -> libperl5.32, picking the
candidate sharing the longest prefix; "equiv": a short hand-checked table of
Ubuntu-only names, libjpeg-turbo8 -> libjpeg62-turbo...; "merged": Ubuntu split
packages whose files the Debian package already counted holds, 0 bytes;
"missing": no counterpart, counted and listed) and sums Installed-Size x 1024. Two sums are given:
  raw    = sum of Installed-Size;
  model  = raw + layerlab's bytecode estimate (0.9 x Installed-Size of python*/
           libpython* packages other than -dev/-doc/-whl, as apt.rs adds), i.e.
           the bytes layerlab itself would put down before any scaling.
ratio = virtual_size_bytes / sum.

Debian images are compared with their own release as a control (for
buster/stretch images, with bullseye, as a control of the release
stand-in). Differences (buildpack-deps:X minus its base image) relate what
apt-get install adds on top of a base to the same package difference in the
stand-in release; about 1.5 MB of dpkg/debconf state per buildpack-deps RUN
(three RUNs) is subtracted from the image difference first (layerlab models
that state separately).

Finally it resolves seed 000's `apt-get install -y python python-pip` on the
bullseye data the way layerlab's resolver does (depends and recommends, first
alternative, packages of ubuntu:18.04's own list already installed), with
bionic's python-pip fields, and prints what the relation predicts for that
layer. The tutorial's 339 MB is printed only as the check.

Writes ubuntu_relation.tsv (per-image and per-difference rows). Standard library only.
Usage: scripts/catalog/ubuntu_relation.py [--data data/debian] [--catalog ../shared/catalog] [--out FILE]
The factor it prints goes into data/debian/ubuntu.json.
"""
import argparse
import datetime as dt
import glob
import gzip
import json
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN_DATES = {"stretch": "2017-06-17", "buster": "2019-07-06", "bullseye": "2021-08-14",
                "bookworm": "2023-06-10", "trixie": "2025-08-09"}
AVAILABLE = ["bullseye", "bookworm", "trixie"]
UBUNTU_DATES = {"14.04": "2014-04-17", "16.04": "2016-04-21", "18.04": "2018-04-26", "20.04": "2020-04-23",
                "22.04": "2022-04-21", "23.04": "2023-04-20", "23.10": "2023-10-12", "24.04": "2024-04-25",
                "25.04": "2025-04-17", "25.10": "2025-10-09", "26.04": "2026-04-23"}
STATE_PER_RUN = 1_500_000  # dpkg status + status-old + debconf + extended_states per apt RUN (estimate)
DIFFS = [("buildpack-deps:focal", "ubuntu:20.04"), ("buildpack-deps:jammy", "ubuntu:22.04"),
         ("buildpack-deps:noble", "ubuntu:24.04"), ("buildpack-deps:bullseye", "debian:bullseye"),
         ("buildpack-deps:bookworm", "debian:bookworm"), ("buildpack-deps:trixie", "debian:trixie"),
         ("buildpack-deps:bookworm-curl", "debian:bookworm"), ("buildpack-deps:bookworm-scm", "buildpack-deps:bookworm-curl"),
         ("buildpack-deps:bookworm", "buildpack-deps:bookworm-scm")]
# Ubuntu-only binary names with a Debian counterpart of other name (checked by hand).
EQUIV = {"libjpeg-turbo8": "libjpeg62-turbo", "libjpeg-turbo8-dev": "libjpeg62-turbo-dev",
         "libmysqlclient21": "libmariadb3", "libmysqlclient-dev": "libmariadb-dev",
         "libsepol-dev": "libsepol1-dev", "libwmf-0.2-7": "libwmf0.2-7", "libwmflite-0.2-7": "libwmf0.2-7",
         "libldap2": "libldap-2.5-0", "gobject-introspection-bin": "gobject-introspection",
         "libgirepository-1.0-dev": "libgirepository1.0-dev"}
# Ubuntu splits whose files the Debian release ships inside a package already counted (0 bytes here).
MERGED = re.compile(r"(-x86-64-linux-gnu$|^fonts-dejavu-mono$|^libsharpyuv|^libwebpdecoder|^libheif-plugin-|^libjpeg8|^gnu-coreutils$|^coreutils-from-uutils$|^libc-gconv-modules-extra$)")
DIFF_RUNS = {"buildpack-deps:bookworm-curl": 1, "buildpack-deps:bookworm-scm": 1}


def nearest(date):
    d = dt.date.fromisoformat(date)
    return min(AVAILABLE, key=lambda r: abs((dt.date.fromisoformat(DEBIAN_DATES[r]) - d).days))


class Release:
    def __init__(self, path):
        self.pkgs = {}
        self.providers = {}
        with gzip.open(path, "rt") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                f = line.rstrip("\n").split("\t") + [""] * 10
                groups = lambda s: [g.split("|") for g in s.split(",") if g]
                self.pkgs[f[0]] = dict(kib=int(f[2] or 0), depends=groups(f[5]), recommends=groups(f[6]))
                for p in filter(None, f[7].split(",")):
                    self.providers.setdefault(p, []).append(f[0])
        self.by_stem = {}
        for n in self.pkgs:
            self.by_stem.setdefault(stem(n), []).append(n)

    def real(self, name):
        if name in self.pkgs:
            return name
        ps = self.providers.get(name)
        return ps[0] if ps else None

    def match(self, name):
        """(debian name or None, how)."""
        if name in self.pkgs:
            return name, "exact"
        if EQUIV.get(name) in self.pkgs:
            return EQUIV[name], "equiv"
        if MERGED.search(name):
            return None, "merged"
        for alt in (name[:-3] if name.endswith("t64") else None, name + "t64",
                    re.sub(r"t64(?=[-:])", "", name)):
            if alt and alt in self.pkgs:
                return alt, "t64"
        base = name[:-3] if name.endswith("t64") else name
        cands = self.by_stem.get(stem(base), [])
        if cands:
            best = max(cands, key=lambda c: (len(os.path.commonprefix([c, base])), c))
            return best, "soname"
        return None, "missing"


def stem(name):
    name = re.sub(r"t64$", "", name)
    return re.sub(r"[0-9][0-9.+~]*", "#", name)


def python_module(name):
    return name.startswith(("python", "libpython")) and not name.endswith(("-dev", "-doc", "-whl"))


def load_entries(catalog):
    out, seen = {}, set()
    files = [os.path.join(catalog, "images.json")] + sorted(glob.glob(os.path.join(catalog, "harvest", "*.jsonl")))
    for f in files:
        items = json.load(open(f)) if f.endswith(".json") else [json.loads(l) for l in open(f)]
        for e in items:
            if e.get("image") not in ("ubuntu", "debian", "buildpack-deps"):
                continue
            if not e.get("packages_complete") or not e.get("packages"):
                continue
            if e["packages"][0].get("manager") != "dpkg":
                continue
            key = e["image_id"]
            if key in seen:
                continue
            seen.add(key)
            label = f"{e['image']}:{e['tag']}" + (f"@{e['historical_target']}" if e.get("historical_target") else "")
            canon = f"{e['image']}:{e['os']['version_id'] if e['image'] == 'ubuntu' else e['tag']}"
            e["label"], e["canon"] = label, canon
            out[label] = e
    return out


def stand_in(e):
    os_ = e["os"]
    if os_["distro"] == "ubuntu":
        return nearest(UBUNTU_DATES[os_["version_id"]])
    cn = os_["codename"]
    return cn if cn in AVAILABLE else nearest(DEBIAN_DATES[cn])


def sums(names, rel):
    raw = model = 0
    hows = {"exact": 0, "t64": 0, "soname": 0, "equiv": 0, "merged": 0, "missing": 0}
    missing, renamed = [], []
    for n in names:
        d, how = rel.match(n)
        hows[how] += 1
        if d is None:
            if how == "missing":
                missing.append(n)
            continue
        if how != "exact":
            renamed.append(f"{n}->{d}")
        b = rel.pkgs[d]["kib"] * 1024
        raw += b
        model += b + (b * 9 // 10 if python_module(d) else 0)
    return raw, model, hows, missing, renamed


def resolve(rel, roots, installed, extra=None, overrides=None):
    """layerlab's install_set: depends and recommends, first installable alternative."""
    pkgs = dict(rel.pkgs)
    pkgs.update(extra or {})
    for n, (dep, rec) in (overrides or {}).items():
        pkgs[n] = dict(pkgs[n], depends=[g.split("|") for g in dep.split(",") if g],
                       recommends=[g.split("|") for g in rec.split(",") if g])
    real = lambda n: n if n in pkgs else (rel.providers.get(n) or [None])[0]
    seen, chosen = set(installed), []
    stack = []
    for r in roots:
        p = real(r)
        if p not in seen:
            seen.add(p)
            stack.append(p)
    while stack:
        p = stack.pop()
        chosen.append(p)
        for g in pkgs[p]["depends"] + pkgs[p]["recommends"]:
            if any(a in seen or any(q in seen for q in rel.providers.get(a, [])) for a in g):
                continue
            dep = next((real(a) for a in g if real(a)), None)
            if dep and dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return chosen, pkgs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "data", "debian"))
    ap.add_argument("--catalog", default=os.path.join(HERE, "..", "..", "..", "shared", "catalog"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "..", "target", "ubuntu_relation.tsv"))
    a = ap.parse_args()
    rels = {r: Release(os.path.join(a.data, f"{r}.tsv.gz")) for r in AVAILABLE}
    entries = load_entries(a.catalog)
    rows = [["kind", "entry", "distro", "version", "created", "stand_in", "packages", "exact", "t64", "soname",
             "equiv", "merged", "missing", "virtual_size_bytes", "sum_installed_bytes", "sum_model_bytes", "ratio_raw", "ratio_model",
             "missing_names"]]
    by_canon = {}
    print(f"{'entry':34} {'stand-in':9} {'pkgs':>4} {'miss':>4} {'ren':>4} {'V MB':>8} {'sumIS MB':>9} {'raw':>6} {'model':>6}")
    for label, e in sorted(entries.items(), key=lambda kv: (kv[1]["os"]["distro"], kv[0])):
        r = stand_in(e)
        names = [p["name"] for p in e["packages"]]
        raw, model, hows, missing, renamed = sums(names, rels[r])
        v = e["virtual_size_bytes"]
        e.update(names=set(names), stand=r)
        by_canon.setdefault(e["canon"], e) if e.get("historical_target") is None else None
        by_canon.setdefault(f"{e['image']}:{e['tag']}", e)
        if e["image"] == "debian" and e.get("historical_target") is None:
            by_canon.setdefault(f"debian:{e['os']['codename']}", e)
        rows.append(["image", label, e["os"]["distro"], e["os"]["version_id"], e["created"][:10], r, len(names),
                     hows["exact"], hows["t64"], hows["soname"], hows["equiv"], hows["merged"], hows["missing"], v, raw, model,
                     f"{v / raw:.3f}", f"{v / model:.3f}", ",".join(missing)])
        print(f"{label:34} {r:9} {len(names):4} {hows['missing']:4} {hows['t64'] + hows['soname'] + hows['equiv']:4} "
              f"{v / 1e6:8.2f} {raw / 1e6:9.2f} {v / raw:6.3f} {v / model:6.3f}  missing: {' '.join(missing)[:90]}")
    print()
    diff_ratios = {}
    for big, small in DIFFS:
        B, S = by_canon.get(big), by_canon.get(small)
        if not B or not S:
            print("no pair", big, small)
            continue
        rel = rels[B["stand"]]
        added = sorted(B["names"] - S["names"])
        raw, model, hows, missing, renamed = sums(added, rel)
        runs = DIFF_RUNS.get(big, 3 if small.startswith(("ubuntu", "debian")) else 1)
        dv = B["virtual_size_bytes"] - S["virtual_size_bytes"] - runs * STATE_PER_RUN
        diff_ratios[f"{big} - {small}"] = (dv / raw, dv / model, B["os"]["distro"])
        rows.append(["diff", f"{big} - {small}", B["os"]["distro"], B["os"]["version_id"], B["created"][:10],
                     B["stand"], len(added), hows["exact"], hows["t64"], hows["soname"], hows["equiv"], hows["merged"], hows["missing"], dv, raw,
                     model, f"{dv / raw:.3f}", f"{dv / model:.3f}", ",".join(missing)])
        print(f"{big + ' - ' + small:52} {B['stand']:9} +{len(added):3} pkgs, miss {hows['missing']:2}, "
              f"dV-state {dv / 1e6:7.2f} MB, sumIS {raw / 1e6:7.2f} MB, raw {dv / raw:.3f}, model {dv / model:.3f}"
              f"  missing: {' '.join(missing)[:80]}")
    with open(a.out, "w") as fh:
        for r in rows:
            fh.write("\t".join(str(x) for x in r) + "\n")

    # The factor: Ubuntu differences (what apt-get install adds on Ubuntu).
    ub = [v for k, v in diff_ratios.items() if v[2] == "ubuntu"]
    f_model = statistics.mean(v[1] for v in ub)
    f_raw = statistics.mean(v[0] for v in ub)
    print(f"\nUbuntu difference ratios (model): {[round(v[1], 3) for v in ub]} mean {f_model:.3f} "
          f"(raw: mean {f_raw:.3f})")

    # Seed 000's install on the bullseye stand-in (bionic's python and python-pip fields).
    rel = rels["bullseye"]
    base = by_canon.get("ubuntu:18.04")
    hist = [e for e in entries.values() if e.get("historical_target") == "2018-06" and e["image"] == "ubuntu"]
    base = hist[0] if hist else base
    installed = set()
    for n in base["names"]:
        d, how = rel.match(n)
        if d:
            installed.add(d)
    kib = lambda n: rel.pkgs[n]["kib"]
    extra = {
        "python": dict(kib=100, depends=[["python2-minimal"], ["python2.7"], ["libpython2-stdlib"]], recommends=[]),
        # python-pip 9.0.1-2: its own files stand in with bullseye's python3-pip (same program).
        "python-pip": dict(kib=kib("python3-pip"), depends=[["ca-certificates"], ["python-pip-whl"], ["python"]],
                           recommends=[["build-essential"], ["python-all-dev"], ["python-setuptools"]]),
    }
    overrides = {"mime-support": ("", ""), "libpython2.7-stdlib": (
        "libpython2.7-minimal,libssl1.1,mime-support,libbz2-1.0,libc6,libcrypt1,libdb5.3,libexpat1,libffi7,"
        "libncursesw6,libreadline8,libsqlite3-0,libtinfo6", "")}
    print(f"\nseed 000 check: `apt-get install -y python python-pip` on ubuntu:18.04 ({base['label']}, "
          f"{len(installed)} base packages mapped to bullseye)")
    for tag, ov in (("with bionic's mime-support/libpython2.7-stdlib fields", overrides), ("bullseye fields as they are", None)):
        chosen, pkgs = resolve(rel, ["python", "python-pip"], installed, extra, ov)
        raw = sum(pkgs[n]["kib"] * 1024 for n in chosen)
        model = sum(pkgs[n]["kib"] * 1024 * (19 if python_module(n) else 10) // 10 for n in chosen)
        state = 1_140_000
        pred = f_model * model + state
        print(f"  {tag}: {len(chosen)} packages, Installed-Size {raw / 1e6:.2f} MB, with bytecode estimate "
              f"{model / 1e6:.2f} MB; x {f_model:.3f} + dpkg state 1.14 MB = {pred / 1e6:.1f} MB "
              f"(tutorial: 339 MB, error {100 * (pred / 339e6 - 1):+.1f}%)")
        top = sorted(chosen, key=lambda n: -pkgs[n]["kib"])[:12]
        print("   largest:", ", ".join(f"{n} {pkgs[n]['kib'] // 1024}M" for n in top))
        if ov:
            with open(os.path.join(HERE, "seed000_closure.txt"), "w") as fh:
                fh.write("\n".join(f"{n}\t{pkgs[n]['kib']}" for n in sorted(chosen)) + "\n")


if __name__ == "__main__":
    main()
