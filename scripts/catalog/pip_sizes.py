#!/usr/bin/env python3
"""Measures what `pip install` really puts on disk for every distribution in
layerlab's data/pypi/packages.tsv, and derives a size rule from it.

For each row (era, name, version, file) it:

  1. downloads that exact file with `pip download --no-deps` (sdists that
     the machine's pip cannot prepare any more, MarkupSafe 1.0, are fetched
     with an older interpreter's pip);
  2. installs it with `pip install --no-deps --no-index --find-links DL
     --target DIR NAME==VERSION` under several interpreters:
       * py311: the machine's Python 3.11 with its own pip (every row);
       * py36:  Python 3.6 (pyenv) running pip 9.0.1, the pip of the 2017
                tutorial (2017-06 and 2018-06 rows);
       * py27:  Python 2.7 (pyenv) running pip 9.0.1, the pip of the 2018
                tutorial (2017-06 and 2018-06 rows).
     pip compiles .py files to bytecode by default (Python 3: __pycache__/
     X.cpython-3N.pyc; Python 2: X.pyc beside X.py);
  3. sums the installed files' sizes (apparent bytes, as `docker history`
     counts them) split into: payload (files the wheel/sdist ships, and of
     them .py source), .pyc bytecode, metadata (the .dist-info or .egg-info
     directory: what the wheel ships plus pip's RECORD/INSTALLER/REQUESTED),
     and console scripts (bin/).

It writes pip_measured.tsv (one row per distribution and interpreter) and
prints the rule: bytecode = k x .py bytes (k per interpreter, weighted over
all packages, with the per-package spread), and metadata per distribution.

If --predict is given it also prints what the rule predicts for the two
tutorial checks (seed 004 and seed 000); see REPORT.md for the reasoning.

Usage: pip_sizes.py [--packages data/pypi/packages.tsv] [--work DIR] [--out pip_measured.tsv]
Needs network access to the package index for the downloads (cached in WORK/dl).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYENV = "/root/.pyenv/versions"
INTERPRETERS = {
    # name: (python executable, pip to run ("own" or a wheel file), which eras)
    "py311": (sys.executable, "own", None),
    "py36": (f"{PYENV}/3.6.15/bin/python3.6", "pip-9.0.1-py2.py3-none-any.whl", {"2017-06", "2018-06"}),
    "py27": (f"{PYENV}/2.7.18/bin/python2.7", "pip-9.0.1-py2.py3-none-any.whl", {"2017-06", "2018-06"}),
}
PIP_WRITTEN = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "installed-files.txt"}


def read_packages(path):
    rows = []
    with open(path) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            rows.append(dict(era=f[0], name=f[1], version=f[2], file=f[3], download=int(f[4]),
                             unpacked=int(f[5]), py=int(f[6]), requires=f[7]))
    return rows


def run(cmd, env=None):
    e = dict(os.environ)
    e.pop("PIP_FIND_LINKS", None)
    # Docker's python images do not set this; with it, setup.py installs skip byte-compiling.
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if env:
        e.update(env)
    return subprocess.run(cmd, capture_output=True, text=True, env=e)


def download(row, dl):
    """Downloads row's exact file into dl (skipped when already there)."""
    target = os.path.join(dl, row["file"])
    if os.path.exists(target):
        return target
    spec = f"{row['name']}=={row['version']}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", dl, spec]
    if "-cp3" in row["file"]:
        tag = row["file"].split("-")[2]  # cp312
        cmd += ["--only-binary=:all:", "--platform", "manylinux2014_x86_64",
                "--python-version", tag[2] + "." + tag[3:]]
    elif row["file"].endswith(".tar.gz"):
        cmd += ["--no-binary=:all:"]
    r = run(cmd)
    if not os.path.exists(target):
        # An sdist whose setup.py no longer runs on this Python: let Python 2.7's pip fetch it.
        r2 = run([INTERPRETERS["py27"][0], "-m", "pip", "download", "--no-deps", "-q", "-d", dl,
                  "--no-binary=:all:", spec])
        if not os.path.exists(target):
            sys.exit(f"could not download {row['file']}:\n{r.stderr}\n{r2.stderr}")
    return target


def wheel_contents(path):
    """(payload bytes, payload .py bytes, dist-info bytes) of a wheel, from its zip listing."""
    payload = py = meta = 0
    if not path.endswith(".whl"):
        return None
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            if i.is_dir():
                continue
            if ".dist-info/" in i.filename:
                meta += i.file_size
            else:
                payload += i.file_size
                if i.filename.endswith(".py"):
                    py += i.file_size
    return payload, py, meta


def measure(target):
    """Installed bytes under target split into payload/py/pyc/meta/pipmeta/bin, plus file counts."""
    m = dict(payload=0, py=0, pyc=0, meta_wheel=0, meta_pip=0, bin=0, files=0, py_files=0, so=0)
    for root, dirs, files in os.walk(target):
        rel = os.path.relpath(root, target)
        for f in files:
            p = os.path.join(root, f)
            if os.path.islink(p):
                continue
            size = os.path.getsize(p)
            m["files"] += 1
            top = rel.split(os.sep)[0]
            if top == "bin":
                m["bin"] += size
            elif top.endswith(".dist-info") or top.endswith(".egg-info"):
                if f in PIP_WRITTEN:
                    m["meta_pip"] += size
                else:
                    m["meta_wheel"] += size
            elif f.endswith((".pyc", ".pyo")):
                m["pyc"] += size
            else:
                m["payload"] += size
                if f.endswith(".py"):
                    m["py"] += size
                    m["py_files"] += 1
                if ".so" in f:
                    m["so"] += size
    m["installed"] = m["payload"] + m["pyc"] + m["meta_wheel"] + m["meta_pip"] + m["bin"]
    return m


def install(interp, row, dl, work):
    exe, pip, eras = INTERPRETERS[interp]
    target = os.path.join(work, "t", interp, row["era"], f"{row['name']}-{row['version']}")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    spec = f"{row['name']}=={row['version']}"
    env = {"HOME": os.path.join(work, "home")}
    if pip == "own":
        cmd = [exe, "-m", "pip", "install", "--no-deps", "--no-index", "--find-links", dl, "-q",
               "--target", target, spec]
        if "-cp3" in row["file"]:
            tag = row["file"].split("-")[2]
            cmd += ["--only-binary=:all:", "--platform", "manylinux2014_x86_64",
                    "--python-version", tag[2] + "." + tag[3:]]
        elif row["file"].endswith(".tar.gz"):
            return None  # 3.11 cannot run these setup.py files (see REPORT.md); py36/py27 measure them
    else:
        env["PYTHONPATH"] = os.path.join(dl, pip)
        cmd = [exe, "-m", "pip", "install", "--no-deps", "--no-index", "--find-links", dl, "-q",
               "--no-cache-dir", "--target", target, spec]
        if interp == "py36":
            env["CC"] = "/bin/false"  # python:3.6.1-alpine had no compiler: MarkupSafe falls back to pure Python
    r = run(cmd, env)
    if r.returncode != 0:
        print(f"  {interp} {spec}: install failed: {r.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return measure(target)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packages", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "pypi", "packages.tsv"))
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--out", default=os.path.join(HERE, "pip_measured.tsv"))
    a = ap.parse_args()
    dl = os.path.join(a.work, "dl")
    os.makedirs(dl, exist_ok=True)
    rows = read_packages(a.packages)
    run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", dl, "pip==9.0.1"])
    cols = ["interp", "era", "name", "version", "file", "download_bytes", "tsv_unpacked", "tsv_py",
            "wheel_payload", "wheel_py", "wheel_distinfo", "installed_bytes", "payload_bytes", "py_bytes",
            "pyc_bytes", "so_bytes", "meta_wheel_bytes", "meta_pip_bytes", "bin_bytes", "files", "py_files", "k_pyc_per_py"]
    out = ["\t".join(cols)]
    results = []
    for row in rows:
        path = download(row, dl)
        wc = wheel_contents(path) or ("", "", "")
        for interp, (_exe, _pip, eras) in INTERPRETERS.items():
            if eras is not None and row["era"] not in eras:
                continue
            m = install(interp, row, dl, a.work)
            if m is None:
                continue
            k = m["pyc"] / m["py"] if m["py"] else 0
            results.append((interp, row, m))
            out.append("\t".join(str(x) for x in [
                interp, row["era"], row["name"], row["version"], row["file"], row["download"], row["unpacked"],
                row["py"], *wc, m["installed"], m["payload"], m["py"], m["pyc"], m["so"], m["meta_wheel"],
                m["meta_pip"], m["bin"], m["files"], m["py_files"], f"{k:.3f}"]))
            print(f"{interp:6} {row['era']:8} {row['name']:20} {row['version']:11} installed {m['installed']:>9} "
                  f"py {m['py']:>8} pyc {m['pyc']:>8} k {k:.2f} meta {m['meta_wheel'] + m['meta_pip']:>6}")
    with open(a.out, "w") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"\n{len(out) - 1} measurements -> {a.out}\n")
    # The rule.
    for interp in INTERPRETERS:
        rs = [m for i, r, m in results if i == interp and m["py"] > 0]
        seen = set()
        uniq = []
        for i, r, m in results:  # one measurement per distinct file
            if i == interp and m["py"] > 0 and r["file"] not in seen:
                seen.add(r["file"])
                uniq.append((r, m))
        if not uniq:
            continue
        ks = [m["pyc"] / m["py"] for r, m in uniq]
        k = sum(m["pyc"] for r, m in uniq) / sum(m["py"] for r, m in uniq)
        rec = [m["meta_pip"] / m["files"] for r, m in uniq]
        meta = [m["meta_wheel"] + m["meta_pip"] for r, m in uniq]
        print(f"{interp}: k (pyc/py, byte-weighted) = {k:.3f}; per package median {statistics.median(ks):.3f}, "
              f"min {min(ks):.3f}, max {max(ks):.3f} (n={len(ks)}); pip-written metadata per installed file "
              f"{statistics.median(rec):.0f} B (median); whole metadata dir median {statistics.median(meta):.0f} B, "
              f"min {min(meta)}, max {max(meta)}")


if __name__ == "__main__" and sys.argv[1:] != ["--predict"]:
    main()


def predict(measured="pip_measured.tsv", packages=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "pypi", "packages.tsv")):
    """Prints the rule's figures for the two tutorial checks (python pip_sizes.py --predict).

    Rule: installed = unpacked + k x py + metadata (dist-info/egg-info), k per interpreter from
    pip_measured.tsv, metadata = what was measured per distribution; plus, without --no-cache-dir,
    pip's cache (each downloaded file + ~500 B of HTTP cache headers, and each wheel built from an sdist).
    """
    rows = [dict(zip(open(measured).readline().rstrip("\n").split("\t"), l.rstrip("\n").split("\t")))
            for l in open(measured).readlines()[1:]]
    pk = read_packages(packages)

    def k_of(interp):
        rs = {r["file"]: r for r in rows if r["interp"] == interp}
        return sum(int(r["pyc_bytes"]) for r in rs.values()) / sum(int(r["py_bytes"]) for r in rs.values())

    for era, interp, cache, check, what in (("2017-06", "py36", True, 10.6e6, "seed 004 pip install flask, python:3.6.1-alpine"),
                                            ("2018-06", "py27", False, 4.02e6, "seed 000 pip install --no-cache Flask, ubuntu:18.04 python 2.7")):
        k = k_of(interp)
        ps = [p for p in pk if p["era"] == era]
        meta = {r["name"]: int(r["meta_wheel_bytes"]) + int(r["meta_pip_bytes"]) + int(r["bin_bytes"])
                for r in rows if r["interp"] == interp and r["era"] == era}
        measured_total = sum(int(r["installed_bytes"]) for r in rows if r["interp"] == interp and r["era"] == era)
        rule = sum(p["unpacked"] + k * p["py"] + meta[p["name"]] for p in ps)
        c = sum(p["download"] + 500 for p in ps) if cache else 0
        print(f"{what}: k={k:.3f}; rule installed {rule / 1e6:.3f} MB (pip 9.0.1 measured {measured_total / 1e6:.3f} MB)"
              f" + cache {c / 1e6:.3f} MB = {(rule + c) / 1e6:.3f} MB; tutorial {check / 1e6} MB, "
              f"error {100 * ((rule + c) / check - 1):+.1f}%")


if __name__ == "__main__" and sys.argv[1:] == ["--predict"]:
    predict()
