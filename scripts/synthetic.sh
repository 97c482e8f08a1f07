#!/usr/bin/env bash
# Builds a deterministic synthetic history for benchmarks: the same commit ids on every
# machine for the same arguments.
#
# usage: scripts/synthetic.sh DIR [COMMITS]     (default 20000 commits)
#
# The history, written with `git fast-import` (no work tree, a few seconds):
#   - 2,400 files of ~40 lines in three levels of directories, created by the first commit;
#   - each later commit edits 1-3 files (replaces, inserts and deletes a few lines);
#   - every 40th commit is tagged `vX.Y.Z` (annotated; 500 tags for 20,000 commits), every
#     23rd tag is a `-rc.1` pre-release on the commit before;
#   - every 97th commit merges a two-commit side branch started three commits back;
#   - every 150th commit reverts the commit before it (subject `Revert "<subject>"`, the
#     files put back exactly, so the inverse-diff search finds it too);
#   - a lock file (`Cargo.lock`) changes every 10th commit (left out of sizes by default).
# Needs: git, awk.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DIR [COMMITS]" >&2
    exit 2
fi
dir=$1
commits=${2:-20000}
case $commits in
'' | *[!0-9]*) echo "$0: COMMITS must be a number" >&2; exit 2 ;;
esac
if [ -e "$dir" ]; then
    echo "$0: $dir exists; give a new directory" >&2
    exit 2
fi
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git init -q --bare "$dir"

awk -v N="$commits" '
function rand31() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed }
function pick(n) { return int(rand31() / 65536) % n }
function path(f,   a, b) { a = f % 12; b = int(f / 12) % 20; return sprintf("pkg%02d/mod%02d/file%04d.rs", a, b, f) }
function line(f, k) { return sprintf("fn f%d_%d() { let x = %d; }", f, k, rand31() % 100000) }
function blob(p, text) { printf "M 100644 inline %s\ndata %d\n%s\n", p, length(text) + 0, text }
function header(ref, msg, t) {
    printf "commit %s\nmark :%d\n", ref, ++mark
    printf "author Dev%d <dev%d@example.com> %d +0000\n", pick(37), pick(37), t - pick(86400 * 3)
    printf "committer Bot <bot@example.com> %d +0000\n", t
    printf "data %d\n%s\n", length(msg), msg
}
function edit(f,   n, i, k, out, lines, m) {
    n = split(content[f], lines, "\n")
    out = ""; m = 0
    for (i = 1; i <= n; i++) {
        k = pick(20)
        if (k == 0 && n > 5) continue                       # delete
        if (k == 1) { out = out line(f, i) "\n"; m++ }        # insert before
        if (k == 2) { out = out line(f, i) "\n"; m++; continue } # replace
        out = out lines[i] "\n"; m++
    }
    if (m == 0) out = line(f, 0) "\n"
    content[f] = substr(out, 1, length(out) - 1)
}
BEGIN {
    seed = 42; mark = 0; t = 1500000000; F = 2400; major = 1; minor = 0; patch = 0
    for (f = 0; f < F; f++) {
        s = ""
        for (k = 0; k < 40; k++) s = s (k ? "\n" : "") line(f, k)
        content[f] = s
    }
    header("refs/heads/main", "initial import", t)
    for (f = 0; f < F; f++) blob(path(f), content[f])
    lock = "lock 0"; blob("Cargo.lock", lock)
    main = mark; printf "\n"
    side = 0
    for (c = 1; c < N; c++) {
        t += 3600
        if (c % 150 == 0 && last_n > 0) {
            # Revert the commit before: its files back as they were.
            header("refs/heads/main", "Revert \"" last_subject "\"\n\nIt broke the build.", t)
            printf "from :%d\n", main
            for (j = 1; j <= last_n; j++) { content[last_f[j]] = last_old[j]; blob(path(last_f[j]), content[last_f[j]]) }
            main = mark; last_n = 0; printf "\n"
            continue
        }
        if (c % 97 == 0) {
            # A side branch of two commits from three commits back, merged now.
            base = main - 3; if (base < 1) base = 1
            sf = F + side++
            header("refs/heads/side", "side work " c, t - 7200)
            printf "from :%d\n", base
            content[sf] = line(sf, 1); blob("feature/" path(sf), content[sf])
            printf "\n"
            header("refs/heads/side", "side work " c " more", t - 3600)
            content[sf] = content[sf] "\n" line(sf, 2); blob("feature/" path(sf), content[sf])
            printf "\n"
            tip = mark
            header("refs/heads/main", "Merge branch side " c, t)
            printf "from :%d\nmerge :%d\n", main, tip
            blob("feature/" path(sf), content[sf])
            main = mark; printf "\n"
            continue
        }
        n = 1 + pick(3)
        subject = sprintf("change %d: tune module %d", c, pick(240))
        header("refs/heads/main", subject "\n\nBody of change " c ".", t)
        printf "from :%d\n", main
        last_n = n; last_subject = subject
        for (j = 1; j <= n; j++) {
            f = pick(F); last_f[j] = f; last_old[j] = content[f]
            edit(f); blob(path(f), content[f])
        }
        if (c % 10 == 0) { lock = lock "\nlock " c; blob("Cargo.lock", lock) }
        main = mark; printf "\n"
        if (c % 40 == 0) {
            patch++; if (patch == 10) { patch = 0; minor++ }; if (minor == 10) { minor = 0; major++ }
            tags++
            if (tags % 23 == 0) {
                printf "tag v%d.%d.%d-rc.1\nfrom :%d\ntagger Rel <rel@example.com> %d +0000\ndata 3\nrc\n\n", major, minor, patch, main - 1, t + 60
            }
            printf "tag v%d.%d.%d\nfrom :%d\ntagger Rel <rel@example.com> %d +0000\ndata 8\nrelease\n\n", major, minor, patch, main, t + 1800
        }
    }
    printf "reset refs/heads/side\nfrom :%d\n\n", main
}' | git -C "$dir" fast-import --quiet
git -C "$dir" symbolic-ref HEAD refs/heads/main
# One pack with fresh deltas, as a clone would have.
git -C "$dir" repack -a -d -f -q --window=50 --depth=50
echo "$dir: $(git -C "$dir" rev-list --count HEAD) commits, $(git -C "$dir" tag | wc -l | tr -d ' ') tags"
