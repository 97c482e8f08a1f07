#!/usr/bin/env bash
# Times git-cadence against git's own walk, in one run, and prints the ratios.
#
# usage: scripts/bench-speed.sh [REPO]
#
# Without REPO it builds (once, into target/bench/) the deterministic synthetic history of
# scripts/synthetic.sh: 20,000 commits, 500 release tags, merges and reverts. With REPO it
# reads that repository (never writes to it).
#
# Measured, RUNS times each (default 3), alternating so that a busy machine slows every
# command alike; the table shows medians of wall time, CPU time (user + sys) and peak memory:
#   git log      git log --numstat --no-renames --format=%H HEAD (the yardstick)
#   cold         git-cadence report --format json, in a fresh empty cache
#   cold+churn   the same with --churn (every commit diffed, as git log does)
#   warm         the report again, with the cache the cold run left
#   hook         git-cadence hook run, warm
#   check        git-cadence check, warm
# and each ratio to git log's wall time. BIN=path times another git-cadence binary (default:
# this tree's release build, built first); BEFORE=path times a second binary alongside (an
# older build, to compare). SKIP_CHURN=1 leaves out cold+churn. GIT_LOG_PATHSPEC (words) is
# appended to git log after `-- .`: a partial clone lacks a few blobs, at which git log stops
# (rails: GIT_LOG_PATHSPEC=":!railties/doc/guides :!activestorage/test/fixtures/files/racecar.tif"). Needs: git, cargo (unless
# BIN is given), GNU time at /usr/bin/time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
if [ $# -gt 1 ]; then
    echo "usage: $0 [REPO]" >&2
    exit 2
fi
[ -x /usr/bin/time ] || { echo "$0: needs GNU time at /usr/bin/time" >&2; exit 2; }
if [ $# -eq 1 ]; then
    repo=$1
else
    repo=$root/target/bench/synthetic-20000.git
    [ -d "$repo" ] || { mkdir -p "$root/target/bench"; "$root/scripts/synthetic.sh" "$repo" 20000; }
fi
if [ -z "${BIN:-}" ]; then
    cargo build --release --quiet --manifest-path "$root/Cargo.toml"
    BIN=$root/target/release/git-cadence
fi
bins=("$BIN")
names=(now)
if [ -n "${BEFORE:-}" ]; then
    bins+=("$BEFORE")
    names+=(before)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
SOURCE_DATE_EPOCH=$(date +%s)
export SOURCE_DATE_EPOCH

# Runs a command, appends "wall cpu maxrss_kb" to $work/$1.
measure() {
    local name=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
        local rc=$?
        # check exits 1 when a threshold is exceeded; anything else is a failure.
        if [ "$rc" -ne 1 ] || [[ "$name" != *check* ]]; then
            echo "FAILED ($rc): $*" >&2
            cat "$work/err" >&2
            exit 1
        fi
    }
    awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' "$work/t" >>"$work/$name"
}

echo "repository: $repo ($(git -C "$repo" rev-list --count HEAD) commits from HEAD, $(git -C "$repo" tag | wc -l | tr -d ' ') tags)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
for i in $(seq "$runs"); do
    # shellcheck disable=SC2086 # words on purpose
    measure gitlog git -C "$repo" log --numstat --no-renames --format=%H HEAD ${GIT_LOG_PATHSPEC:+-- . $GIT_LOG_PATHSPEC}
    for k in "${!bins[@]}"; do
        b=${bins[$k]}
        n=${names[$k]}
        cache=$work/cache-$n-$i
        XDG_CACHE_HOME=$cache measure "$n-cold" "$b" report --format json --quiet --repo "$repo"
        XDG_CACHE_HOME=$cache measure "$n-warm" "$b" report --format json --quiet --repo "$repo"
        XDG_CACHE_HOME=$cache measure "$n-hook" "$b" hook run --repo "$repo"
        XDG_CACHE_HOME=$cache measure "$n-check" "$b" check --quiet --max-unreleased-commits 1000000 --repo "$repo"
        if [ -z "${SKIP_CHURN:-}" ] && "$b" --help | grep -q -- --churn; then
            XDG_CACHE_HOME=$work/churn-$n-$i measure "$n-cold+churn" "$b" report --format json --quiet --churn --repo "$repo"
        fi
        rm -rf "$cache" "$work/churn-$n-$i"
    done
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"

# Median of column $2 of file $1.
median() { sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }
git_wall=$(median "$work/gitlog" 1)
printf '%-20s %9s %9s %9s %12s\n' "median of $runs" "wall s" "cpu s" "peak MB" "wall / git"
row() {
    local f=$work/$1
    [ -f "$f" ] || return 0
    local wall cpu mem
    wall=$(median "$f" 1)
    cpu=$(median "$f" 2)
    mem=$(median "$f" 3)
    printf '%-20s %9s %9s %9d %12s\n' "$2" "$wall" "$cpu" "$((mem / 1024))" \
        "$(awk -v a="$wall" -v b="$git_wall" 'BEGIN { printf "%.2f", a / b }')"
}
row gitlog "git log --numstat"
for n in "${names[@]}"; do
    for what in cold cold+churn warm hook check; do
        row "$n-$what" "$n $what"
    done
done
