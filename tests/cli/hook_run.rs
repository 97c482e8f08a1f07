//! `git cadence hook run` through real pushes: silent when a push deletes a branch or sends
//! nothing new, and `--enforce` gates only pushes to release branches, naming `--no-verify`
//! when it stops one. Also the line pre-commit gets through its environment.
#![cfg(unix)]

use std::path::PathBuf;
use std::process::Output;

use crate::check::TestRepo;
use crate::common::{cadence, cadence_cmd, text};

/// v1.0.0, two unreleased commits (35 lines), a bare remote `origin`, and the hook installed.
fn repo(enforce: bool, config: &str) -> (TestRepo, PathBuf) {
    let (repo, remote) = crate::hook::repo_with_remote();
    std::fs::write(repo.root.join(".git-cadence.toml"), config).expect("write");
    let mut args = vec!["hook", "install"];
    if enforce {
        args.push("--enforce");
    }
    let out = cadence(&repo.root, &args);
    assert!(out.status.success(), "{:?}", text(&out));
    (repo, remote)
}

fn push(repo: &TestRepo, args: &[&str]) -> Output {
    let mut all = vec!["push", "origin"];
    all.extend_from_slice(args);
    repo.git_cmd(&repo.root, &all).output().expect("git push")
}

/// A push that succeeded and printed nothing of git-cadence's.
fn assert_silent(out: &Output) {
    assert!(out.status.success(), "{:?}", text(out));
    assert_eq!(cadence_lines(out), Vec::<String>::new(), "{:?}", text(out));
}

fn cadence_lines(out: &Output) -> Vec<String> {
    text(out)
        .1
        .lines()
        .filter(|l| l.starts_with("git-cadence"))
        .map(str::to_string)
        .collect()
}

// Issue 10: the hook spoke on a branch deletion and on "Everything up-to-date".
#[test]
fn the_hook_is_silent_when_a_push_sends_nothing_new() {
    let (repo, _) = repo(false, "");
    let out = push(&repo, &["main"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let lines = cadence_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("git-cadence: 2 commits / 35 lines unreleased since v1.0.0"),
        "{lines:?}"
    );

    // Everything up-to-date.
    assert_silent(&push(&repo, &["main"]));
    // A new branch at a commit the remote already has.
    repo.git(&["branch", "topic"]);
    assert_silent(&push(&repo, &["topic"]));
    // Deleting it.
    let out = push(&repo, &[":topic"]);
    assert!(text(&out).1.contains("[deleted]"), "{:?}", text(&out));
    assert_silent(&out);
}

// Issue 10: --enforce blocked a feature-branch push because of the base branch's unreleased
// batch, which that developer cannot change.
#[test]
fn enforce_gates_only_pushes_to_release_branches() {
    let (mut repo, _) = repo(true, "[check]\nmax_unreleased_commits = 1\n");
    // main has no origin/HEAD here, so "main" and "master" are the release branches.
    let out = push(&repo, &["main"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let lines = cadence_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].ends_with("over the check limit (commits 1)"),
        "{lines:?}"
    );
    assert!(lines[1].contains("push to main stopped"), "{lines:?}");
    assert!(lines[1].contains("git push --no-verify"), "{lines:?}");
    let out = push(&repo, &["--no-verify", "main"]);
    assert!(out.status.success(), "{:?}", text(&out));

    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit("src/feature.rs", &TestRepo::lines(4, "f"), "A feature");
    let out = push(&repo, &["feature"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let lines = cadence_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].ends_with(
            "over the check limit (commits 1); not enforced: feature is not a release branch"
        ),
        "{lines:?}"
    );
}

#[test]
fn release_branches_come_from_the_config_or_the_remotes_default_branch() {
    let (mut repo, _) = repo(
        true,
        "[check]\nmax_unreleased_commits = 1\nbranches = [\"release/*\"]\n",
    );
    let out = push(&repo, &["main"]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(cadence_lines(&out)[0].contains("not enforced: main is not a release branch"));
    repo.git(&["checkout", "-q", "-b", "release/1.1"]);
    repo.commit("src/fix.rs", &TestRepo::lines(2, "x"), "Fix");
    let out = push(&repo, &["release/1.1"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));

    // Without [check] branches: the remote's default branch (refs/remotes/origin/HEAD).
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        "[check]\nmax_unreleased_commits = 1\n",
    )
    .expect("write");
    repo.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/trunk",
    ]);
    let out = push(&repo, &["release/1.1"]);
    assert!(out.status.success(), "{:?}", text(&out));
    repo.commit("src/fix.rs", &TestRepo::lines(3, "x"), "Fix again");
    let out = push(&repo, &["release/1.1:trunk"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
}

#[test]
fn pre_commit_hands_the_push_over_in_its_environment() {
    let (repo, _) = repo(false, "");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let out = cadence_cmd(&repo.root, &["hook", "run"])
        .env("PRE_COMMIT_TO_REF", head.trim())
        .env("PRE_COMMIT_FROM_REF", "0".repeat(40))
        .env("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main")
        .env("PRE_COMMIT_REMOTE_NAME", "origin")
        .output()
        .expect("run");
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(
        cadence_lines(&out),
        ["git-cadence: 2 commits / 35 lines unreleased since v1.0.0 (29 days)"]
    );
    // pre-push's stdin with only a deletion: nothing to say.
    let zero = "0".repeat(40);
    let mut cmd = cadence_cmd(&repo.root, &["hook", "run", "--stdin-refs", "origin"]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "(delete) {zero} refs/heads/old {}", head.trim()).expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{:?}", text(&out));
}
