#!/usr/bin/env python3
"""Re-enacts seed 004's `RUN pip install flask` layer (python:3.6.1-alpine,
June 2017) on this machine and measures every byte the RUN writes.

python:3.6.1-alpine was built from source and then had every *.pyc file (and
the test directories) deleted under /usr/local; pip 9.0.1, setuptools and
wheel came from get-pip.py. So the image held no bytecode at all, and any
`python` run in a later RUN writes .pyc files for every module it imports
(pip itself with its vendored requests/html5lib/distlib..., the standard
library modules pip uses, setuptools/pkg_resources when building the two
sdists). That bytecode is part of the layer, on top of the installed
packages and pip's cache in /root/.cache/pip.

This script copies pyenv's Python 3.6.15 to WORK/py36sim, replaces its
site-packages with pip 9.0.1, setuptools 36.0.1 and wheel 0.29.0 (what
get-pip.py installed in mid-2017), deletes all .pyc files and test
directories, then runs `pip install flask` (versions pinned to the ones the
tutorial's log shows, through a constraints file) with HOME=WORK/home36 and
no C compiler (CC=/bin/false; the alpine image had none), from the wheels and
sdists in WORK/dl (--no-index --find-links). It then sums the sizes of files
new or changed under the Python prefix and HOME, by category.

Because the files come from a local directory, pip's HTTP cache
(~/.cache/pip/http) is not filled here; it is added as the downloaded files'
sizes plus about 500 bytes of cache headers each (an estimate).

Usage: pip_layer_sim.py [--work DIR]   (run pip_sizes.py first: it fills WORK/dl)
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = "/root/.pyenv/versions/3.6.15"
PINS = ["flask==0.12.2", "werkzeug==0.12.2", "jinja2==2.9.6", "click==6.7", "itsdangerous==0.24", "markupsafe==1.0"]
DOWNLOADS = {"Flask-0.12.2-py2.py3-none-any.whl": 83018, "itsdangerous-0.24.tar.gz": 46541,
             "click-6.7-py2.py3-none-any.whl": 71175, "Werkzeug-0.12.2-py2.py3-none-any.whl": 312953,
             "Jinja2-2.9.6-py2.py3-none-any.whl": 340680, "MarkupSafe-1.0.tar.gz": 14356}


def snapshot(*roots):
    out = {}
    for root in roots:
        for d, _dirs, files in os.walk(root):
            for f in files:
                p = os.path.join(d, f)
                if not os.path.islink(p):
                    st = os.stat(p)
                    out[p] = (st.st_size, st.st_mtime_ns)
    return out


def env():
    e = dict(os.environ)
    for k in ("PYTHONDONTWRITEBYTECODE", "PIP_FIND_LINKS", "PYTHONPATH"):
        e.pop(k, None)
    return e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    a = ap.parse_args()
    dl = os.path.join(a.work, "dl")
    prefix = os.path.join(a.work, "py36sim")
    home = os.path.join(a.work, "home36")
    shutil.rmtree(prefix, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    shutil.copytree(SRC, prefix, symlinks=True)
    py = os.path.join(prefix, "bin", "python3.6")
    site = os.path.join(prefix, "lib", "python3.6", "site-packages")
    for n in os.listdir(site):
        p = os.path.join(site, n)
        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
    for n in list(os.listdir(os.path.join(prefix, "bin"))):
        if n.startswith(("pip", "easy_install")):
            os.remove(os.path.join(prefix, "bin", n))
    e = env()
    e["PYTHONPATH"] = os.path.join(dl, "pip-9.0.1-py2.py3-none-any.whl")
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--no-cache-dir", "--no-index", "--find-links", dl,
                        "pip==9.0.1", "setuptools==36.0.1", "wheel==0.29.0"], env=e, capture_output=True, text=True)
    if r.returncode:
        sys.exit(r.stderr)
    # The docker-library Dockerfile's clean-up: no bytecode, no test directories.
    for d, dirs, files in os.walk(prefix, topdown=False):
        for f in files:
            if f.endswith((".pyc", ".pyo")):
                os.remove(os.path.join(d, f))
        if os.path.basename(d) in ("test", "tests") or (os.path.basename(d) == "__pycache__" and not os.listdir(d)):
            shutil.rmtree(d, ignore_errors=True)
    before = snapshot(prefix, home)
    cons = os.path.join(a.work, "constraints-2017.txt")
    with open(cons, "w") as fh:
        fh.write("\n".join(PINS) + "\n")
    e = env()
    e.update(HOME=home, CC="/bin/false")
    r = subprocess.run([os.path.join(prefix, "bin", "pip"), "install", "--no-index", "--find-links", dl, "-c", cons, "flask"],
                       env=e, capture_output=True, text=True)
    print(r.stdout[-1500:], r.stderr[-1500:])
    after = snapshot(prefix, home)
    cats = {}
    for p, (size, mt) in after.items():
        if before.get(p) == (size, mt):
            continue
        rel = os.path.relpath(p, a.work)
        if rel.startswith("home36"):
            c = "cache (~/.cache/pip: built wheels, selfcheck)"
        elif any(s in rel for s in ("/site-packages/flask", "/site-packages/Flask", "/site-packages/jinja2",
                                    "/site-packages/Jinja2", "/site-packages/werkzeug", "/site-packages/Werkzeug",
                                    "/site-packages/click", "/site-packages/itsdangerous", "/site-packages/markupsafe",
                                    "/site-packages/MarkupSafe", "/bin/flask")):
            c = "installed packages (files, .pyc, metadata, bin/flask)"
        elif "/site-packages/pip/" in rel:
            c = "pip 9.0.1's own bytecode (imported modules)"
        elif "/site-packages/" in rel:
            c = "setuptools/pkg_resources/wheel bytecode (building the sdists)"
        elif rel.endswith(".pyc"):
            c = "standard library bytecode (imported modules)"
        else:
            c = "other: " + rel
        cats[c] = cats.get(c, 0) + size
    http = sum(DOWNLOADS.values()) + 500 * len(DOWNLOADS)
    cats["cache (~/.cache/pip/http: downloads, estimated)"] = http
    total = 0
    for c, v in sorted(cats.items(), key=lambda x: -x[1]):
        print(f"{v:>10,}  {c}")
        total += v
    print(f"{total:>10,}  total (seed 004 docker history: 10.6MB)")


if __name__ == "__main__":
    main()
