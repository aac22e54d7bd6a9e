#!/usr/bin/env python3
"""Regenerates layerlab's Debian package data (data/debian/<release>.tsv.gz).

For each release (bullseye, bookworm, trixie) it runs apt with a private
sources list, state directory and cache (the machine's own apt set-up is not
touched), taking the archive URI from the machine's apt configuration, and
fetches the release's Packages and Contents indices (amd64 and all). From them it writes, per
binary package: name, version, Installed-Size (KiB), priority, Essential,
Depends (Pre-Depends included), Recommends, Provides, the programs the
package puts on PATH (from Contents), and where its files go: the directories
(three levels deep at most) holding at least 5% of its files, with their file
counts (from Contents; at most four, e.g. `usr/lib/x86_64-linux-gnu:12;usr/share/doc:3`).
Installed-Size is shared out over them by file count, an estimate: the
indices give no per-file sizes. A <release>.meta.json records where the
figures come from (the InRelease date and index names) and the size of the
indices `apt-get update` stores under /var/lib/apt/lists.

Usage: scripts/catalog/debian_packages.py [OUT_DIR] [--lists DIR]
  OUT_DIR   default: data/debian
  --lists   read the indices from an apt lists directory fetched before
            (by this script's private `apt-get update`) instead of fetching
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

RELEASES = ["bullseye", "bookworm", "trixie"]
PATH_DIRS = ("usr/bin/", "bin/", "usr/sbin/", "sbin/", "usr/local/bin/")
CONTENTS_CONF = """Acquire::IndexTargets::deb::Contents-deb {
    MetaKey "$(COMPONENT)/Contents-$(ARCHITECTURE)";
    ShortDescription "Contents-$(ARCHITECTURE)";
    Description "$(RELEASE)/$(COMPONENT) $(ARCHITECTURE) Contents (deb)";
    KeepCompressed "true";
};
"""


def archive_uri():
    """The Debian archive URI from the machine's apt sources (deb822 or one-line)."""
    for d in ["/etc/apt/sources.list.d", "/etc/apt"]:
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            path = os.path.join(d, name)
            if not (name.endswith(".sources") or name.endswith(".list")) or not os.path.isfile(path):
                continue
            text = open(path).read()
            for m in re.finditer(r"^URIs:\s*(\S+)", text, re.M):
                if "security" not in m.group(1):
                    return m.group(1)
            for m in re.finditer(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+\S+", text, re.M):
                if "security" not in m.group(1):
                    return m.group(1)
    sys.exit("no Debian archive found in the machine's apt sources")


def apt(workdir, *args):
    base = [
        "apt-get",
        "-o", f"Dir::Etc::SourceList={workdir}/sources.list",
        "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", f"Dir::State::Lists={workdir}/lists",
        "-o", f"Dir::Cache={workdir}/cache",
        "-o", "Debug::NoLocking=1",
        "-o", "APT::Get::List-Cleanup=0",
    ]
    env = dict(os.environ, APT_CONFIG=f"{workdir}/contents.conf")
    subprocess.run(base + list(args), check=True, env=env, stdout=subprocess.DEVNULL)


def cat(path):
    """Decompresses an index the way apt stores it (lz4, gz, xz…)."""
    return subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True, capture_output=True).stdout.decode("utf-8", "replace")


def names(field):
    """Package names of a dependency field: alternatives joined by '|', versions and arch qualifiers dropped."""
    out = []
    for group in field.split(","):
        alts = [re.sub(r":[\w-]+$", "", re.sub(r"\s*\(.*?\)|\s*\[.*?\]|\s*<.*?>", "", a).strip()) for a in group.split("|")]
        alts = [a for a in alts if a]
        if alts:
            out.append("|".join(alts))
    return out


def packages(text):
    for stanza in text.split("\n\n"):
        fields = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Package" in fields:
            yield fields


def dir_group(path):
    """The directory a file counts under: its own, cut to three levels."""
    return "/".join(path.split("/")[:-1][:3])


def dirs_column(counts):
    """`dir:count;…` for the directories holding >= 5% of a package's files (at most four)."""
    total = sum(counts.values())
    if not total:
        return ""
    keep = [(d, n) for d, n in counts.most_common(4) if n * 20 >= total and d]
    return ";".join(f"{d}:{n}" for d, n in keep)


def main():
    args = [a for a in sys.argv[1:] if a != "--lists"]
    given_lists = None
    if "--lists" in sys.argv:
        given_lists = sys.argv[sys.argv.index("--lists") + 1]
        args.remove(given_lists)
    out_dir = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..", "data", "debian")
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        if given_lists:
            lists = given_lists
        else:
            uri = archive_uri()
            for d in ["lists/partial", "cache/archives/partial"]:
                os.makedirs(os.path.join(work, d))
            with open(os.path.join(work, "contents.conf"), "w") as f:
                f.write(CONTENTS_CONF)
            with open(os.path.join(work, "sources.list"), "w") as f:
                for rel in RELEASES:
                    f.write(f"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] {uri} {rel} main\n")
            apt(work, "update")
            lists = os.path.join(work, "lists")
        files = os.listdir(lists)
        for rel in RELEASES:
            pick = lambda part: next(os.path.join(lists, f) for f in files if f"_dists_{rel}_" in f and part in f)
            inrelease = open(pick("InRelease"), encoding="utf-8", errors="replace").read()
            date = re.search(r"^Date:\s*(.+)$", inrelease, re.M).group(1)
            bins = {}
            dirs = defaultdict(Counter)
            contents = cat(pick("Contents-amd64")) + "\n" + cat(pick("Contents-all"))
            for line in contents.splitlines():
                path, _, owners = line.rpartition(" ")
                path = path.strip()
                if not path:
                    continue
                group = dir_group(path)
                is_program = path.startswith(PATH_DIRS) and path.count("/") <= 2
                for owner in owners.split(","):
                    name = owner.rsplit("/", 1)[-1]
                    dirs[name][group] += 1
                    if is_program:
                        bins.setdefault(name, []).append("/" + path)
            rows = []
            for p in packages(cat(pick("binary-amd64_Packages"))):
                name = p["Package"]
                deps = names(p.get("Pre-Depends", "")) + names(p.get("Depends", ""))
                rows.append("\t".join([
                    name,
                    p.get("Version", ""),
                    p.get("Installed-Size", "0"),
                    p.get("Priority", ""),
                    "yes" if p.get("Essential") == "yes" else "",
                    ",".join(deps),
                    ",".join(names(p.get("Recommends", ""))),
                    ",".join(names(p.get("Provides", ""))),
                    " ".join(sorted(set(bins.get(name, [])))),
                    dirs_column(dirs.get(name, Counter())),
                ]))
            rows.sort()
            header = "# name\tversion\tinstalled_size_kib\tpriority\tessential\tdepends\trecommends\tprovides\tpath_programs\tdirs\n"
            with gzip.GzipFile(os.path.join(out_dir, f"{rel}.tsv.gz"), "wb", mtime=0) as f:
                f.write((header + "\n".join(rows) + "\n").encode())
            lists_size = sum(os.path.getsize(os.path.join(lists, f)) for f in files if f"_dists_{rel}_" in f and "Contents" not in f)
            meta = {
                "release": rel,
                "source": f"Debian archive, dists/{rel}/main binary-amd64 Packages and Contents-amd64 (InRelease Date: {date})",
                "inrelease_date": date,
                "packages": len(rows),
                "apt_lists_bytes": lists_size,
                "apt_lists_note": "bytes of InRelease + Packages (+ DEP-11) as apt stores them after `apt-get update` of main only",
            }
            with open(os.path.join(out_dir, f"{rel}.meta.json"), "w") as f:
                json.dump(meta, f, indent=1)
                f.write("\n")
            print(f"{rel}: {len(rows)} packages, lists {lists_size} bytes, as of {date}")


if __name__ == "__main__":
    main()
