//! The GitHub Action's logic (`scripts/action.sh`, what `action.yml` runs) against a fixture
//! repository, with a stub `gh` on `PATH` that keeps comments in a directory: the first run
//! creates the sticky comment, the second updates it, a fork's run only writes the artifact,
//! and the `workflow_run` post of that artifact creates the comment.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::check::TestRepo;
use crate::common::text;

const MARKER: &str = "<!-- git-cadence:pr-summary -->";

/// A stand-in for `gh api`: comments live in `$GH_STUB_DIR/comments/<pr>/<id>`, pull
/// requests' head shas in `$GH_STUB_DIR/pulls/<pr>`, and every call is logged.
const STUB_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
state=${GH_STUB_DIR:?}
echo "gh $*" >> "$state/calls.log"
[ "${GH_TOKEN:-}" = "test-token" ] || { echo "gh stub: no token" >&2; exit 4; }
[ "$1" = api ] || { echo "gh stub: only api" >&2; exit 2; }
shift
method=GET jq= body= path=
while [ $# -gt 0 ]; do
    case $1 in
        --method) method=$2; shift 2 ;;
        --paginate) shift ;;
        --jq) jq=$2; shift 2 ;;
        -F) case $2 in body=@*) body=${2#body=@} ;; *) echo "gh stub: -F $2" >&2; exit 2 ;; esac; shift 2 ;;
        -*) echo "gh stub: unknown flag $1" >&2; exit 2 ;;
        *) path=$1; shift ;;
    esac
done
marker='<!-- git-cadence:pr-summary -->'
case "$method $path" in
    "GET repos/owner/app/issues/"*/comments)
        pr=${path#repos/owner/app/issues/}; pr=${pr%/comments}
        [ "$jq" = ".[] | select(.body | startswith(\"$marker\")) | .id" ] || { echo "gh stub: jq $jq" >&2; exit 2; }
        for f in "$state/comments/$pr"/*; do
            [ -f "$f" ] || continue
            if [ "$(head -n 1 "$f")" = "$marker" ]; then basename "$f"; fi
        done ;;
    "POST repos/owner/app/issues/"*/comments)
        pr=${path#repos/owner/app/issues/}; pr=${pr%/comments}
        mkdir -p "$state/comments/$pr"
        id=$(( $(cat "$state/next-id" 2>/dev/null || echo 1000) + 1 ))
        echo "$id" > "$state/next-id"
        cp "$body" "$state/comments/$pr/$id"
        echo "{\"id\": $id}" ;;
    "PATCH repos/owner/app/issues/comments/"*)
        id=${path##*/}
        f=$(ls "$state"/comments/*/"$id")
        cp "$body" "$f"
        echo "{\"id\": $id}" ;;
    "GET repos/owner/app/pulls/"*)
        [ "$jq" = ".head.sha" ] || exit 2
        cat "$state/pulls/${path##*/}" ;;
    *) echo "gh stub: unexpected $method $path" >&2; exit 2 ;;
esac
"#;

struct Setup {
    repo: TestRepo,
    state: PathBuf,
    bin: PathBuf,
}

/// A repository with releases, `origin/main` as the pull request's base and a `feature`
/// branch checked out; a stub `gh` in its own bin directory.
fn setup() -> Setup {
    setup_with(None)
}

/// [`setup`], with `.git-cadence.toml` committed on main when `config` is given.
fn setup_with(config: Option<&str>) -> Setup {
    let mut repo = TestRepo::new();
    if let Some(config) = config {
        repo.commit(".git-cadence.toml", config, "Settings");
    }
    repo.commit("src/app.rs", &TestRepo::lines(10, "app"), "Initial");
    repo.git(&["tag", "v1.0.0"]);
    repo.commit("src/app.rs", &TestRepo::lines(40, "app"), "Grow the app");
    repo.git(&["tag", "v1.1.0"]);
    repo.commit("src/lib.rs", &TestRepo::lines(12, "lib"), "Add a library");
    repo.git(&["tag", "v1.2.0"]);
    repo.commit(
        "src/lib.rs",
        &TestRepo::lines(20, "lib"),
        "Unreleased on main",
    );
    repo.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit("src/feature.rs", &TestRepo::lines(25, "f"), "The change");
    let state = repo.sibling("gh-state");
    let bin = repo.sibling("bin");
    std::fs::create_dir_all(&state).expect("mkdir");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let gh = bin.join("gh");
    std::fs::write(&gh, STUB_GH).expect("write stub");
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    Setup { repo, state, bin }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action.sh")
}

/// Runs `scripts/action.sh MODE` as the Action would, with `env` on top of a pull request
/// event from the same repository.
fn action(s: &Setup, mode: &str, env: &[(&str, &str)]) -> Output {
    let path = format!(
        "{}:{}",
        s.bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(script())
        .arg(mode)
        .current_dir(&s.repo.root)
        .env_clear()
        .env("PATH", path)
        .env("HOME", s.repo.sibling("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("XDG_CACHE_HOME", s.repo.sibling("cache"))
        .env("SOURCE_DATE_EPOCH", crate::common::NOW)
        .env("GIT_CADENCE", env!("CARGO_BIN_EXE_git-cadence"))
        .env("GH_STUB_DIR", &s.state)
        .env("GH_TOKEN", "test-token")
        .env("RUNNER_TEMP", s.repo.sibling("runner-temp"))
        .env("GITHUB_REPOSITORY", "owner/app")
        .env("GITHUB_OUTPUT", s.repo.sibling("github-output"))
        .env("PR_NUMBER", "7")
        .env("BASE_REF", "main")
        .env("HEAD_REPO", "owner/app");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run the action script")
}

fn comments(s: &Setup, pr: &str) -> Vec<(String, String)> {
    let dir = s.state.join("comments").join(pr);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| {
                    let e = e.expect("entry");
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).expect("read"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn calls(s: &Setup) -> String {
    std::fs::read_to_string(s.state.join("calls.log")).unwrap_or_default()
}

#[test]
fn the_first_run_creates_the_comment_and_the_second_updates_it() {
    let mut s = setup();
    let out = action(&s, "summarise", &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("posted the summary comment on #7"),
        "{:?}",
        text(&out)
    );
    let first = comments(&s, "7");
    assert_eq!(first.len(), 1, "{first:?}");
    let body = &first[0].1;
    assert!(body.starts_with(MARKER), "{body}");
    assert!(body.contains("This change: 25 lines"), "{body}");
    // The base is origin/main, so the next release holds main's 20 unreleased lines too.
    assert!(body.contains("the next release would hold"), "{body}");
    let output = std::fs::read_to_string(s.repo.sibling("github-output")).expect("outputs");
    assert!(output.contains("posted=true"), "{output}");
    assert!(output.contains("exceeded=false"), "{output}");

    s.repo.commit(
        "src/feature.rs",
        &TestRepo::lines(60, "f"),
        "More of the change",
    );
    let out = action(&s, "summarise", &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("updated the summary comment on #7"),
        "{:?}",
        text(&out)
    );
    let second = comments(&s, "7");
    assert_eq!(second.len(), 1, "one sticky comment: {second:?}");
    assert_eq!(second[0].0, first[0].0, "the same comment, edited");
    assert!(
        second[0].1.contains("This change: 60 lines"),
        "{}",
        second[0].1
    );
    assert!(calls(&s).contains("--method PATCH repos/owner/app/issues/comments/1001"));
}

#[test]
fn a_fork_run_only_writes_the_artifact_which_workflow_run_posts() {
    let s = setup();
    let out = action(&s, "summarise", &[("HEAD_REPO", "stranger/app")]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("pull request from a fork"),
        "{:?}",
        text(&out)
    );
    assert_eq!(calls(&s), "", "a fork's run never calls the API");
    let dir = s.repo.sibling("runner-temp").join("git-cadence");
    let summary = std::fs::read_to_string(dir.join("summary.md")).expect("summary.md");
    assert!(summary.starts_with(MARKER));
    assert_eq!(
        std::fs::read_to_string(dir.join("pr-number")).expect("pr-number"),
        "7\n"
    );
    let output = std::fs::read_to_string(s.repo.sibling("github-output")).expect("outputs");
    assert!(output.contains("posted=false"), "{output}");

    // The workflow_run side: the pull request must still be at the run's commit.
    let head = s.repo.git(&["rev-parse", "HEAD"]);
    std::fs::create_dir_all(s.state.join("pulls")).expect("mkdir");
    std::fs::write(s.state.join("pulls/7"), &head).expect("write");
    let out = action(&s, "post", &[("HEAD_SHA", &"f".repeat(40))]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(comments(&s, "7").is_empty());
    let out = action(&s, "post", &[("HEAD_SHA", head.trim())]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(comments(&s, "7"), [("1001".to_string(), summary)]);

    // An artifact whose number is not a number, or whose body is not a git-cadence summary,
    // is refused before any call.
    let before = calls(&s);
    std::fs::write(dir.join("pr-number"), "7; rm -rf /\n").expect("write");
    let out = action(&s, "post", &[]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    std::fs::write(dir.join("pr-number"), "7\n").expect("write");
    std::fs::write(dir.join("summary.md"), "@everyone free tokens\n").expect("write");
    let out = action(&s, "post", &[]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("is not a git-cadence summary"),
        "{:?}",
        text(&out)
    );
    assert_eq!(calls(&s), before);
}

#[test]
fn check_fails_the_run_after_posting_when_a_threshold_is_exceeded() {
    let mut s = setup_with(Some("[check]\nmax_unreleased_lines = 30\n"));
    // The change loosens the threshold in its own config: the base revision's settings
    // apply, never the change's.
    s.repo.commit(
        ".git-cadence.toml",
        "[check]\nmax_unreleased_lines = 100000\n",
        "Loosen the check",
    );
    let out = action(&s, "summarise", &[("INPUT_CHECK", "true")]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let body = &comments(&s, "7")[0].1;
    assert!(
        body.contains("Over the check limit with this change merged: lines 35 (max 30)."),
        "{body}"
    );
    let output = std::fs::read_to_string(s.repo.sibling("github-output")).expect("outputs");
    assert!(output.contains("exceeded=true"), "{output}");
    // Without `check`, the same thresholds only inform.
    let out = action(&s, "summarise", &[]);
    assert!(out.status.success(), "{:?}", text(&out));
}
