#!/usr/bin/env python3
"""Builds common modern Dockerfiles with an installed `layerlab` from fresh
temporary directories (outside any checkout) and prints a Markdown table of
layer and image sizes, with where each figure comes from. The README's table
is this script's output.

Usage: scripts/common-builds.py [PATH_TO_LAYERLAB]   (default: layerlab on PATH)
Exits non-zero if a build fails or a base image is unknown.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "data", "examples")

CASES = [
    ("python:3.12-slim + pip install --no-cache-dir flask gunicorn",
     {"Dockerfile": "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask gunicorn\n"}),
    ("node:20-alpine + npm ci over a small package-lock",
     "node-cache-order-fixed"),
    ("ubuntu:22.04 + apt-get install -y --no-install-recommends python3 python3-pip",
     {"Dockerfile": "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip\n"}),
    ("ubuntu:24.04 + apt-get install -y build-essential",
     {"Dockerfile": "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential\n"}),
    ("alpine:3.20 + apk add --no-cache build-base git curl",
     {"Dockerfile": "FROM alpine:3.20\nRUN apk add --no-cache build-base git curl\n"}),
    ("golang:1.22 multi-stage build to scratch", "go-multistage"),
    ("nginx:alpine + COPY of a static site", "static-nginx"),
    ("eclipse-temurin:21-jre + a jar",
     {"Dockerfile": "FROM eclipse-temurin:21-jre\nCOPY app.jar /app/app.jar\nCMD [\"java\", \"-jar\", \"/app/app.jar\"]\n",
      "app.jar": b"PK\x03\x04" + bytes(2_000_000)}),
]


def mb(n):
    return f"{n / 1e6:.1f} MB"


def origin(step):
    notes = " ".join(step.get("notes") or [])
    if step["keyword"] == "FROM":
        if "is not in the catalog" in notes:
            return "stood in"
        if "not in layerlab's catalog" in notes:
            return "unknown"
        return "scan"
    if "not simulated" in notes:
        return "not simulated"
    if step["keyword"] in ("COPY", "ADD"):
        return "context"
    kinds = []
    for word, kind in (("measured", "measured"), ("estimat", "estimated"),
                       ("calibrated", "calibrated"), ("assumed", "assumed")):
        if word in notes:
            kinds.append(kind)
    return "/".join(kinds) or "simulated"


def main():
    cli = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else shutil.which("layerlab") or "layerlab"
    print("| Dockerfile | base as resolved | layers (size, figures) | image |")
    print("|---|---|---|---|")
    bad = False
    for title, files in CASES:
        work = tempfile.mkdtemp(prefix="layerlab-common-")
        try:
            if isinstance(files, str):
                src = os.path.join(EXAMPLES, files)
                for name in os.listdir(src):
                    if name != "example.json":
                        shutil.copy(os.path.join(src, name), work)
            else:
                for name, body in files.items():
                    mode = "wb" if isinstance(body, bytes) else "w"
                    with open(os.path.join(work, name), mode) as f:
                        f.write(body)
            run = subprocess.run([cli, "build", "--format", "json", "-t", "app", "."],
                                 cwd=work, capture_output=True, text=True)
            result = json.loads(run.stdout)
            steps = result["steps"]
            bases = [s for s in steps if s["keyword"] == "FROM" and s["layer_size"] > 0]
            base = "; ".join(f"{s['instruction'][5:]} {mb(s['layer_size'])} ({origin(s)})" for s in bases)
            final = [s for s in steps if s["stage"] == steps[-1]["stage"]]
            layers = "<br>".join(
                f"`{s['instruction'][:48]}` {mb(s['layer_size'])} ({origin(s)})"
                for s in final if s["keyword"] != "FROM" and s["makes_layer"])
            image = result.get("image") or {}
            size = mb(image.get("size", 0)) if image else "failed"
            if run.returncode != 0 or not image or any(origin(s) == "unknown" for s in bases):
                bad = True
            print(f"| {title} | {base} | {layers} | {size} |")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
