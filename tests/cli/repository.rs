//! Opening repositories: discovery like git, and clear errors with exit code 2.

use std::path::Path;
use std::process::Command;

use crate::common::{cadence, cadence_cmd, commit_all, fixture, git, json, scratch, text};

#[test]
fn outside_a_repository_is_exit_2_with_the_fix() {
    let dir = scratch().join("not-a-repo");
    std::fs::create_dir_all(&dir).unwrap();
    let out = cadence(&dir, &["--repo", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let (stdout, stderr) = text(&out);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("is not inside a git repository"),
        "{stderr}"
    );
    assert!(stderr.contains("--repo PATH"), "{stderr}");
    let missing = cadence(&dir, &["--repo", "/no/such/place"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_shallow_clone_is_exit_2_and_says_how_to_unshallow() {
    let source = fixture("releases.sh");
    let dir = scratch().join("shallow");
    let url = format!("file://{}", source.display());
    git(
        scratch(),
        &["clone", "-q", "--depth", "2", &url, dir.to_str().unwrap()],
    );
    let out = cadence(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("shallow clone (2 commits deep)"),
        "{stderr}"
    );
    assert!(stderr.contains("git fetch --unshallow --tags"), "{stderr}");
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
}

/// A new, empty repository with branch `main` in the scratch directory.
fn new_repository(name: &str) -> std::path::PathBuf {
    let dir = scratch().join(name);
    git(
        scratch(),
        &[
            "-c",
            "init.defaultBranch=main",
            "init",
            "-q",
            dir.to_str().unwrap(),
        ],
    );
    dir
}

#[test]
fn an_empty_repository_is_a_valid_report_that_says_so() {
    let dir = new_repository("empty");
    let out = cadence(&dir, &[]);
    assert_eq!(out.status.code(), Some(0));
    let (stdout, _) = text(&out);
    assert!(stdout.contains("no commits yet"), "{stdout}");
    let report = json(&cadence(&dir, &["--format", "json"]));
    assert_eq!(report["repository"]["head"], serde_json::Value::Null);
    assert_eq!(report["releases"], serde_json::json!([]));
}

#[test]
fn a_repository_without_release_tags_says_how_to_get_some() {
    let dir = new_repository("untagged");
    std::fs::write(dir.join("a.txt"), "a\n").unwrap();
    commit_all(&dir, "a");
    let out = cadence(&dir, &[]);
    assert_eq!(out.status.code(), Some(0));
    let (stdout, _) = text(&out);
    assert!(stdout.contains("No releases found"), "{stdout}");
    assert!(stdout.contains("--tag-pattern"), "{stdout}");
}

fn release_count(dir: &Path, args: &[&str]) -> usize {
    let mut all = vec!["releases", "--format", "json"];
    all.extend_from_slice(args);
    json(&cadence(dir, &all))["releases"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn discovery_works_from_subdirectories_worktrees_and_bare_repositories() {
    let repo = fixture("releases.sh");
    assert_eq!(release_count(&repo, &[]), 6);
    assert_eq!(release_count(&repo.join("src"), &[]), 6);
    assert_eq!(
        release_count(scratch(), &["--repo", repo.join("src").to_str().unwrap()]),
        6
    );

    let worktree = scratch().join("linked-worktree");
    git(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "--detach",
            worktree.to_str().unwrap(),
            "v1.0.0",
        ],
    );
    assert_eq!(release_count(&worktree, &[]), 6);

    let bare = scratch().join("bare.git");
    git(
        scratch(),
        &[
            "clone",
            "-q",
            "--bare",
            repo.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    assert_eq!(release_count(&bare, &[]), 6);
}

#[test]
fn git_runs_it_as_a_subcommand() {
    let repo = fixture("releases.sh");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_git-cadence"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("git")
        .args(["cadence", "releases", "--format", "json"])
        .current_dir(&repo)
        .env_clear()
        .env("PATH", path)
        .env("HOME", scratch())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(json(&out)["releases"].as_array().unwrap().len(), 6);
}

// Reported: `GIT_DIR` / `git --git-dir=X cadence` was ignored and the current directory's
// repository analysed instead.
#[test]
fn git_dir_names_the_repository_as_it_does_for_git() {
    let repo = fixture("releases.sh");
    let other = new_repository("git-dir-elsewhere");
    let out = crate::common::cadence_cmd(&other, &["releases", "--format", "json"])
        .env("GIT_DIR", repo.join(".git"))
        .output()
        .unwrap();
    assert_eq!(json(&out)["releases"].as_array().unwrap().len(), 6);

    let bin_dir = Path::new(env!("CARGO_BIN_EXE_git-cadence"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let git_dir = format!("--git-dir={}", repo.join(".git").display());
    let out = Command::new("git")
        .args([git_dir.as_str(), "cadence", "releases", "--format", "json"])
        .current_dir(&other)
        .env_clear()
        .env("PATH", path)
        .env("HOME", scratch())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("SOURCE_DATE_EPOCH", crate::common::NOW)
        .output()
        .unwrap();
    assert_eq!(json(&out)["releases"].as_array().unwrap().len(), 6);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let repo = fixture("releases.sh");
    let mut child = cadence_cmd(&repo, &["releases", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// git2 refuses a repository owned by another user (CVE-2022-24765); the message must say
/// how to trust it. Changing a directory's owner needs root, which CI has.
#[test]
fn a_repository_owned_by_another_user_is_exit_2_with_safe_directory() {
    let id = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&id.stdout).trim() != "0" {
        eprintln!("skipped: chown needs root");
        return;
    }
    let dir = scratch().join("foreign");
    git(
        scratch(),
        &[
            "clone",
            "-q",
            fixture("releases.sh").to_str().unwrap(),
            dir.to_str().unwrap(),
        ],
    );
    let chown = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(chown.success());
    let out = cadence(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = text(&out);
    assert!(stderr.contains("owned by another user"), "{stderr}");
    assert!(stderr.contains("safe.directory"), "{stderr}");
}
