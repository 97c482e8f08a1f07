#!/usr/bin/env bash
# The logic of the git-cadence GitHub Action (action.yml), kept here so that the test suite
# runs it (tests/cli/action.rs, with a stub `gh`) and not only GitHub does.
#
#   scripts/action.sh summarise   compute the pull request's summary; post or update the
#                                 sticky comment unless the change comes from a fork
#   scripts/action.sh post        post or update the sticky comment from a summary an earlier
#                                 (fork) run left as an artifact — for a workflow_run workflow
#
# Inputs come from the environment (action.yml maps its inputs and the event onto these):
#   INPUT_BASE      base revision (default: origin/$BASE_REF, else $BASE_SHA)
#   INPUT_HEAD      head revision (default: HEAD)
#   INPUT_COMMENT   true: post or update one sticky comment (default true)
#   INPUT_CHECK     true: fail when the next release with this change is over a [check]
#                   threshold of the base revision's .git-cadence.toml (default false)
#   INPUT_SUMMARY_DIR  where summary.md and pr-number are written / read (default
#                   $RUNNER_TEMP/git-cadence)
#   PR_NUMBER, BASE_REF, BASE_SHA, HEAD_REPO (the pull request's head repository),
#   GITHUB_REPOSITORY, GH_TOKEN, and in `post` mode HEAD_SHA (the workflow_run's head sha:
#   the pull request must still point there).
#   GIT_CADENCE     the binary (default: git-cadence on PATH)
#
# Settings come from the base revision's .git-cadence.toml (`git cadence pr` reads it there),
# never from the change's: this script passes no settings of its own.
set -euo pipefail

marker='<!-- git-cadence:pr-summary -->'
cadence=${GIT_CADENCE:-git-cadence}
dir=${INPUT_SUMMARY_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/git-cadence}
summary="$dir/summary.md"

say() { printf 'git-cadence: %s\n' "$*" >&2; }
fail() { say "error: $*"; exit 2; }
is_true() { case "${1:-}" in true|True|TRUE|yes|1) return 0 ;; *) return 1 ;; esac; }
output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; fi; }

# A pull request number is digits, nothing else: it may come from an artifact a fork wrote.
valid_number() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }

# Creates the sticky comment on pull request $1 from file $2, or updates the one that starts
# with the marker.
post_comment() {
    local pr=$1 body=$2 repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set} id
    id=$(gh api --paginate "repos/$repo/issues/$pr/comments" \
        --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
    if [ -n "$id" ]; then
        valid_number "$id" || fail "unexpected comment id from the GitHub API: $id"
        gh api --method PATCH "repos/$repo/issues/comments/$id" -F "body=@$body" > /dev/null
        say "updated the summary comment on #$pr"
    else
        gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$body" > /dev/null
        say "posted the summary comment on #$pr"
    fi
}

summarise() {
    local base=${INPUT_BASE:-} head=${INPUT_HEAD:-HEAD} status=0 fork=false
    if [ -z "$base" ] && [ -n "${BASE_REF:-}" ] \
        && git rev-parse --verify --quiet "refs/remotes/origin/$BASE_REF^{commit}" > /dev/null; then
        base="origin/$BASE_REF"
    fi
    [ -n "$base" ] || base=${BASE_SHA:-}
    [ -n "$base" ] || fail "no base revision: not a pull_request event; set the action's \`base\` input"

    mkdir -p "$dir"
    local args=(pr --base "$base" --head "$head" --format markdown)
    is_true "${INPUT_CHECK:-false}" && args+=(--check)
    "$cadence" "${args[@]}" > "$summary" || status=$?
    case $status in
        0|1) ;;
        *) exit "$status" ;;
    esac
    if [ -n "${PR_NUMBER:-}" ]; then
        valid_number "$PR_NUMBER" || fail "PR_NUMBER is not a number: $PR_NUMBER"
        printf '%s\n' "$PR_NUMBER" > "$dir/pr-number"
    fi
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$summary" >> "$GITHUB_STEP_SUMMARY"; fi
    output summary-dir "$dir"
    output exceeded "$([ "$status" -eq 1 ] && echo true || echo false)"

    if [ -n "${HEAD_REPO:-}" ] && [ "$HEAD_REPO" != "${GITHUB_REPOSITORY:-}" ]; then fork=true; fi
    local posted=false
    if ! is_true "${INPUT_COMMENT:-true}"; then
        say "summary written to $dir (comment: false)"
    elif [ "$fork" = true ]; then
        say "pull request from a fork: its token cannot comment, so the summary is left in $dir" \
            "for a workflow_run workflow to post (examples/github-actions-post.yml)"
    elif [ -z "${PR_NUMBER:-}" ]; then
        say "not a pull request: summary written to $dir, no comment"
    else
        post_comment "$PR_NUMBER" "$summary"
        posted=true
    fi
    output posted "$posted"
    if [ "$status" -eq 1 ]; then
        say "the next release with this change is over a [check] threshold"
        exit 1
    fi
}

# Posts a summary that a pull_request run left as an artifact. Nothing in it runs: it is read
# as a number and a comment body.
post() {
    [ -f "$summary" ] || fail "no summary at $summary (download the artifact there first)"
    local pr
    pr=$(head -n 1 "$dir/pr-number" 2> /dev/null || true)
    valid_number "$pr" || fail "the artifact's pr-number is not a number"
    head -n 1 "$summary" | grep -qxF "$marker" || fail "$summary is not a git-cadence summary"
    if [ -n "${HEAD_SHA:-}" ]; then
        local actual
        actual=$(gh api "repos/${GITHUB_REPOSITORY:?}/pulls/$pr" --jq .head.sha)
        [ "$actual" = "$HEAD_SHA" ] \
            || fail "pull request #$pr is at $actual, not at the run's $HEAD_SHA; not posting"
    fi
    post_comment "$pr" "$summary"
}

case "${1:-summarise}" in
    summarise) summarise ;;
    post) post ;;
    *) fail "unknown mode ${1:-}; use summarise or post" ;;
esac
