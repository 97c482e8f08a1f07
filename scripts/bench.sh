#!/usr/bin/env bash
# Times git-cadence on one history against git's own commands that produce the same numbers,
# and checks that every release size equals `git diff --shortstat --no-renames PREV TAG`.
#
# usage: scripts/bench.sh REPO [TAG_PATTERN]
#
# Times, in one run:
#   (a) git-cadence report --format json --no-cache      (cold: every diff measured)
#   (b) the same with the cache, after one run filled it (warm: no diff at all)
#   (c) git: `git log --numstat --no-renames --format=%H` over the same history (the release
#       tags and HEAD), plus `git diff --shortstat --no-renames PREV TAG` for each release
#       pair that git-cadence found (JSON `releases[].previous` → `tag`).
# Then checks each release's files_changed / lines_added / lines_deleted from a run with
# `--include-all` (git leaves out no lock file) against git's shortstat, and prints mismatches.
#
# Needs: cargo, git, jq. Builds the release binary first. The cache of (b) lives in a
# temporary XDG_CACHE_HOME, removed at the end; the repository is only read.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 REPO [TAG_PATTERN]" >&2
    exit 2
fi
repo=$1
pattern=${2:-}
for tool in cargo git jq; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }
done
root=$(cd "$(dirname "$0")/.." && pwd)

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin=$root/target/release/git-cadence

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache
# One "now" for every run, so that cold and warm reports can be compared byte for byte.
SOURCE_DATE_EPOCH=$(date +%s)
export SOURCE_DATE_EPOCH
# git's numbers as a fresh install gives them: no user or system diff settings.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
# No attributes on git's side either (a bare repository reads HEAD's .gitattributes since git
# 2.42, and a `-diff` there would make git count lines as binary): the empty tree.
empty_tree=4b825dc642cb6eb9a060e54bf8d69288fbee4904
gitq() { git -C "$repo" -c attr.tree=$empty_tree "$@"; }

args=(report --format json --quiet --repo "$repo")
[ -n "$pattern" ] && args+=(--tag-pattern "$pattern")

now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.2f", e - s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# (a) cold, no cache.
s=$(now)
"$bin" "${args[@]}" --no-cache >"$work/cold.json"
cold=$(since "$s")

# (b) warm: one run fills the cache, the next reads it.
s=$(now)
"$bin" "${args[@]}" >/dev/null
fill=$(since "$s")
s=$(now)
"$bin" "${args[@]}" >"$work/warm.json"
warm=$(since "$s")
if ! cmp -s <(jq -S 'del(.generated_at)' "$work/cold.json") <(jq -S 'del(.generated_at)' "$work/warm.json"); then
    echo "WARNING: the warm (cached) report differs from the cold one" >&2
fi

# (c) git. The history: every release commit and HEAD.
jq -r '.releases[].commit' "$work/cold.json" >"$work/tips"
gitq rev-parse HEAD >>"$work/tips" 2>/dev/null || true
jq -r '.releases[] | select(.previous != null) | "\(.previous) \(.tag)"' "$work/cold.json" >"$work/pairs"
# git stops at the first missing blob (some real clones lack a few); git-cadence warns about
# each one instead, naming its path, so git's log leaves those paths out.
missing=()
while IFS= read -r path; do
    [ -n "$path" ] && missing+=(":(exclude,literal)$path")
done < <(jq -r '.warnings[]? | tostring' "$work/cold.json" |
    sed -n 's/^blob [0-9a-f]* (\(.*\) in commit [0-9a-f]*) is missing.*/\1/p' | sort -u)
pathspec=()
[ ${#missing[@]} -gt 0 ] && pathspec=(-- . "${missing[@]}")
s=$(now)
if ! gitq log --numstat --no-renames --format=%H --stdin "${pathspec[@]}" <"$work/tips" >/dev/null 2>"$work/log.err"; then
    echo "WARNING: git log failed: $(head -n 1 "$work/log.err")" >&2
fi
git_log=$(since "$s")
[ ${#missing[@]} -gt 0 ] && echo "git log leaves out ${#missing[@]} path(s) whose blobs are missing"
s=$(now)
while read -r prev tag; do
    # One line per pair, even for an empty diff or a git failure (missing objects).
    out=$(gitq diff --shortstat --no-renames "refs/tags/$prev^{commit}" "refs/tags/$tag^{commit}" 2>&1 | head -n 1) || true
    printf '%s|%s|%s\n' "$prev" "$tag" "$out"
done <"$work/pairs" >"$work/git-shortstat"
git_diff=$(since "$s")
git_total=$(awk -v a="$git_log" -v b="$git_diff" 'BEGIN { printf "%.2f", a + b }')

releases=$(jq '.releases | length' "$work/cold.json")
pairs=$(wc -l <"$work/pairs" | tr -d ' ')
echo "repository: $repo ($releases releases, $pairs with a previous release)"
row() { printf '%-36s %s\n' "$1" "$2"; }
row "git-cadence cold (--no-cache):" "${cold} s"
row "git-cadence filling the cache:" "${fill} s"
row "git-cadence warm (cache):" "${warm} s"
row "git log --numstat --no-renames:" "${git_log} s"
row "git diff --shortstat x ${pairs}:" "${git_diff} s"
row "git total:" "${git_total} s"
row "ratio cold / git total:" "$(ratio "$cold" "$git_total")"
row "ratio warm / git total:" "$(ratio "$warm" "$git_total")"
row "ratio cold / git log --numstat:" "$(ratio "$cold" "$git_log")"

# The check: sizes with --include-all against git's shortstat.
"$bin" "${args[@]}" --no-cache --include-all >"$work/all.json"
jq -r '.releases[] | select(.previous != null)
       | "\(.previous)|\(.tag)|\(.files_changed) \(.lines_added) \(.lines_deleted)"' \
    "$work/all.json" >"$work/ours"
awk -F'|' '
    FNR == NR { ours[$1 "|" $2] = $3; next }
    {
        key = $1 "|" $2; line = $3; n++
        if (line ~ /^(fatal|error)/) {
            failed++
            print "git could not diff " $1 " " $2 ": " line " (git-cadence: " ours[key] ")"
            next
        }
        f = 0; a = 0; d = 0
        if (match(line, /[0-9]+ files? changed/)) f = substr(line, RSTART, RLENGTH) + 0
        if (match(line, /[0-9]+ insertions?/)) a = substr(line, RSTART, RLENGTH) + 0
        if (match(line, /[0-9]+ deletions?/)) d = substr(line, RSTART, RLENGTH) + 0
        want = f " " a " " d
        if (!(key in ours)) { bad++; print "MISSING in git-cadence: " $1 " " $2; next }
        if (ours[key] != want) { bad++; print "MISMATCH " $1 " " $2 ": git " want ", git-cadence " ours[key] }
    }
    END {
        printf "check: %d release pairs, %d mismatches, %d that git itself could not diff\n", n, bad, failed
        exit (bad > 0)
    }' "$work/ours" "$work/git-shortstat"
