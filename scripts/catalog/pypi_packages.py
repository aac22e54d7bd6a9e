#!/usr/bin/env python3
"""Regenerates layerlab's Python package data (data/pypi/packages.tsv).

For each era (a Python version and the package versions pip chose then) it
downloads the distributions with `pip download` (from the index pip is
configured with), and measures each: the download size, the unpacked size of
what gets installed, the bytes of its .py files (pip compiles those to .pyc),
and its requirements (Requires-Dist, or the sdist's PKG-INFO). The 2017 era's
versions are the ones the Docker tutorials' logs show pip installing.

Usage: scripts/catalog/pypi_packages.py [--only ERA] [OUT_FILE]   (default: data/pypi/packages.tsv)
With --only, the other eras' rows are kept from OUT_FILE as they are.
"""
import email.parser
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

# era: (python version tag, requirements as pip resolved them in that era)
ERAS = {
    "2017-06": ("3.6", ["flask==0.12.2", "werkzeug==0.12.2", "jinja2==2.9.6", "click==6.7", "itsdangerous==0.24", "markupsafe==1.0"]),
    # Ubuntu 18.04's pip (Python 2.7) in mid-2018: the releases current then.
    "2018-06": ("2.7", ["flask==1.0.2", "werkzeug==0.14.1", "jinja2==2.10", "click==6.7", "itsdangerous==0.24", "markupsafe==1.0"]),
    "current": ("3.12", ["flask", "requests", "gunicorn"]),
}
# Requirements of sdists whose metadata cannot be read without building them.
SDIST_REQUIRES = {("itsdangerous", "0.24"): [], ("markupsafe", "1.0"): []}
# Figures pip cannot fetch here (a setup.py that no longer runs), with their source.
FALLBACK = {
    ("markupsafe", "1.0"): {"file": "MarkupSafe-1.0.tar.gz", "download": 14356, "unpacked": 44000, "py": 20000,
                            "source": "assumed: sdist size as published on the package index; installed size estimated from the 1.0 sources"},
}


# Bytes pip leaves per byte of .py source for the 2018-06 era (Python 2.7
# writes .pyc beside each .py); solved from seed 000's 4.02MB layer.
PYC_2018 = "1.1"


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def measure(path):
    """(unpacked bytes, .py bytes, requires, name, version) of a wheel or sdist."""
    unpacked = py = 0
    meta_text = ""
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if ".dist-info/" in info.filename:
                    if info.filename.endswith("/METADATA"):
                        meta_text = z.read(info).decode("utf-8", "replace")
                    continue
                unpacked += info.file_size
                if info.filename.endswith(".py"):
                    py += info.file_size
    else:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                parts = m.name.split("/")
                if m.name.endswith("/PKG-INFO") and len(parts) == 2:
                    meta_text = t.extractfile(m).read().decode("utf-8", "replace")
                top_module = len(parts) == 2 and m.name.endswith(".py") and parts[1] not in ("setup.py", "conftest.py")
                if not m.isfile() or (len(parts) < 3 and not top_module) or parts[1] in ("tests", "docs", "examples", "artwork"):
                    continue
                unpacked += m.size
                if m.name.endswith(".py"):
                    py += m.size
    meta = email.parser.Parser().parsestr(meta_text)
    requires = []
    for r in meta.get_all("Requires-Dist") or []:
        # Extras, and backports for Pythons older than the era's, are not installed.
        if "extra ==" in r or re.search(r"python_version\s*<", r):
            continue
        requires.append(norm(re.split(r"[\s;(<>=!~\[]", r.strip(), 1)[0]))
    return unpacked, py, requires, norm(meta.get("Name", "")), meta.get("Version", "")


def main():
    args = sys.argv[1:]
    only = None
    if args[:1] == ["--only"]:
        only, args = args[1], args[2:]
    out = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..", "data", "pypi", "packages.tsv")
    rows = ["# era\tname\tversion\tfile\tdownload_bytes\tunpacked_bytes\tpy_bytes\trequires\tsource"]
    if only:
        with open(out) as fh:
            rows += [l.rstrip("\n") for l in fh if not l.startswith("#") and l.split("\t")[0] != only]
    for era, (python, reqs) in ERAS.items():
        if only and era != only:
            continue
        with tempfile.TemporaryDirectory() as d:
            pinned = all("==" in r for r in reqs)
            for r in reqs:
                cmd = [sys.executable, "-m", "pip", "download", "-q", "-d", d, r]
                if pinned:
                    cmd.insert(4, "--no-deps")
                else:
                    cmd[4:4] = ["--only-binary=:all:", "--python-version", python, "--platform", "manylinux2014_x86_64"]
                res = subprocess.run(cmd, capture_output=True, text=True)
                if res.returncode != 0:
                    name, _, version = r.partition("==")
                    fb = FALLBACK.get((norm(name), version))
                    if fb is None:
                        sys.exit(f"pip download {r} failed:\n{res.stderr}")
                    rows.append("\t".join([era, norm(name), version, fb["file"], str(fb["download"]), str(fb["unpacked"]), str(fb["py"]), "", fb["source"]]))
            for f in sorted(os.listdir(d)):
                path = os.path.join(d, f)
                unpacked, py, requires, name, version = measure(path)
                requires = SDIST_REQUIRES.get((name, version), requires)
                rows.append("\t".join([era, name, version, f, str(os.path.getsize(path)), str(unpacked), str(py), ",".join(sorted(set(requires))), "pip download; sizes measured from the file"]))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        fh.write("\n".join(rows) + "\n")
    # How much pip adds per byte of Python source (bytecode and what else it
    # leaves). 2017-06 is calibrated so that `pip install flask` on
    # python:3.6.1-alpine makes the 10.6MB layer Docker showed in the seed
    # tutorial (docker history); the current era assumes .pyc ~ .py.
    with open(os.path.join(os.path.dirname(out), "eras.tsv"), "w") as fh:
        fh.write("# era\tpython\tpyc_factor\tsource\n")
        fh.write("2017-06\t3.6\t3.08\tcalibrated: seed 004, docker history of `RUN pip install flask` on python:3.6.1-alpine = 10.6MB\n")
        fh.write("2018-06\t2.7\t%s\tcalibrated: seed 000, docker history of `RUN pip install --no-cache Flask` on ubuntu:18.04 = 4.02MB\n" % PYC_2018)
        fh.write("current\t3.12\t1.0\testimate: CPython bytecode is about the size of its source\n")
    print(f"{len(rows) - 1} distributions -> {out}")


if __name__ == "__main__":
    main()
