#!/usr/bin/env python3
"""Checks the releases of streams bound to paths against git itself.

For every release of every bound stream, the size must equal
`git diff --shortstat --no-renames PREV R -- <paths> <lock-file exclusions>` and the
non-merge commits must equal
`git rev-list --count --no-merges --full-history R --not <earlier releases of the stream> -- <paths>`.

Usage:
  scripts/check_streams.py REPO TAG_PATTERN NAME=PATH [NAME=PATH ...]
  (GIT_CADENCE: the binary, default target/release/git-cadence)

Prints one line per mismatch and a summary; exits 1 when anything differs. Paths ending in
`/` only (directories): those read the same as git pathspecs.
"""
import json
import os
import subprocess
import sys

LOCK_FILES = [
    "Cargo.lock", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
    "bun.lockb", "Gemfile.lock", "composer.lock", "poetry.lock", "Pipfile.lock", "uv.lock",
    "go.sum", "mix.lock", "pubspec.lock", "Podfile.lock", "flake.lock", "packages.lock.json",
]


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True,
                          text=True).stdout


def shortstat(text):
    files = added = deleted = 0
    for part in filter(None, text.strip().split(", ")):
        n, what = part.split(" ", 1)
        if what.startswith("file"):
            files = int(n)
        elif what.startswith("insertion"):
            added = int(n)
        else:
            deleted = int(n)
    return files, added, deleted


def main():
    repo, pattern, bindings = sys.argv[1], sys.argv[2], sys.argv[3:]
    paths = {}
    flags = []
    for b in bindings:
        name, path = b.split("=", 1)
        assert path.endswith("/"), "directories only"
        paths.setdefault(name, []).append(path)
        flags += ["--stream-path", b]
    binary = os.environ.get("GIT_CADENCE", "target/release/git-cadence")
    out = subprocess.run([binary, "releases", "--format", "json", "--quiet", "--repo", repo,
                          "--tag-pattern", pattern, *flags],
                         check=True, capture_output=True, text=True).stdout
    rows = json.loads(out)["releases"]
    excludes = [f":(exclude,glob)**/{name}" for name in LOCK_FILES]
    checked = sizes = commits = 0
    mismatches = 0
    earlier = {}
    for r in rows:
        stream = r["stream"]
        if stream not in paths:
            continue
        tag, spec = r["tag"], paths[stream]
        if r["previous"] is not None:
            want = shortstat(git(repo, "diff", "--shortstat", "--no-renames", r["previous"], tag,
                                 "--", *spec, *excludes))
            got = (r["files_changed"], r["lines_added"], r["lines_deleted"])
            sizes += 1
            if got != want:
                mismatches += 1
                print(f"size {tag}: git-cadence {got}, git {want}")
        before = earlier.setdefault(stream, [])
        args = ["rev-list", "--count", "--no-merges", "--full-history", tag]
        if before:
            args += ["--not", *before]
        want = int(git(repo, *args, "--", *spec).strip())
        got = r["commits"] - r["merges"]
        commits += 1
        if got != want:
            mismatches += 1
            print(f"commits {tag}: git-cadence {got}, git {want}")
        before.append(tag)
        checked += 1
    print(f"{checked} releases of {len(paths)} bound streams checked: {sizes} sizes and "
          f"{commits} commit counts against git; {mismatches} mismatches")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
