//! `git cadence hook install|uninstall|run` through real pushes to a local bare remote: an
//! existing pre-push hook keeps running (exactly once, same arguments and stdin), the line is
//! printed once, uninstall restores the original byte for byte, `core.hooksPath` and linked
//! worktrees are honoured, and git-cadence's own trouble never blocks a push.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::check::TestRepo;
use crate::common::{cadence, text};

/// A repository with v1.0.0 and two unreleased commits, and a bare remote `origin`.
pub fn repo_with_remote() -> (TestRepo, PathBuf) {
    let mut repo = TestRepo::new();
    repo.commit("src/app.rs", &TestRepo::lines(10, "app"), "Initial");
    repo.git(&["tag", "v1.0.0"]);
    repo.commit("src/lib.rs", &TestRepo::lines(30, "lib"), "Add a library");
    repo.commit("README.md", &TestRepo::lines(5, "readme"), "Document it");
    let remote = repo.sibling("remote.git");
    let out = repo
        .git_cmd(
            &repo.root,
            &["init", "-q", "--bare", remote.to_str().expect("utf-8")],
        )
        .output()
        .expect("git init");
    assert!(out.status.success());
    repo.git(&["remote", "add", "origin", remote.to_str().expect("utf-8")]);
    (repo, remote)
}

/// A pre-push hook that logs its arguments and stdin to `log`, then exits `status`.
fn original_hook(log: &Path, status: i32) -> String {
    format!(
        "#!/bin/sh\n# the team's own hook\necho \"orig args: $*\" >> '{log}'\nwhile read -r line; do echo \"orig stdin: $line\" >> '{log}'; done\nexit {status}\n",
        log = log.display()
    )
}

fn push(repo: &TestRepo) -> Output {
    repo.git_cmd(&repo.root, &["push", "origin", "main"])
        .output()
        .expect("git push")
}

fn cadence_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("git-cadence:"))
        .collect()
}

#[test]
fn an_existing_hook_keeps_running_and_uninstall_restores_it() {
    let (repo, remote) = repo_with_remote();
    let hooks = repo.root.join(".git/hooks");
    let hook = hooks.join("pre-push");
    let log = repo.sibling("hook.log");
    let original = original_hook(&log, 0);
    std::fs::write(&hook, &original).expect("write hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).expect("chmod");

    let out = cadence(&repo.root, &["hook", "install"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-push.git-cadence-orig")).expect("orig"),
        original
    );
    // A second install changes nothing.
    let wrapper = std::fs::read(&hook).expect("wrapper");
    let out = cadence(&repo.root, &["hook", "install"]);
    assert!(text(&out).1.contains("nothing changed"), "{:?}", text(&out));
    assert_eq!(std::fs::read(&hook).expect("wrapper"), wrapper);

    let out = push(&repo);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let lines = cadence_lines(&stderr);
    assert_eq!(
        lines,
        ["git-cadence: 2 commits / 35 lines unreleased since v1.0.0 (29 days)"],
        "{stderr}"
    );

    // The original ran exactly once, with git's arguments and the ref line on stdin.
    let logged = std::fs::read_to_string(&log).expect("log");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let zeros = "0".repeat(40);
    assert_eq!(
        logged,
        format!(
            "orig args: origin {remote}\norig stdin: refs/heads/main {head} refs/heads/main {zeros}\n",
            remote = remote.display(),
            head = head.trim()
        )
    );

    let out = cadence(&repo.root, &["hook", "uninstall"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(std::fs::read_to_string(&hook).expect("restored"), original);
    let mode = std::fs::metadata(&hook).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o750);
    assert!(!hooks.join("pre-push.git-cadence-orig").exists());
}

#[test]
fn a_failing_original_blocks_the_push_and_git_cadence_does_not_run() {
    let (repo, _) = repo_with_remote();
    let hook = repo.root.join(".git/hooks/pre-push");
    std::fs::write(&hook, original_hook(&repo.sibling("log"), 3)).expect("write");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert!(cadence(&repo.root, &["hook", "install"]).status.success());
    let out = push(&repo);
    assert!(!out.status.success());
    assert!(cadence_lines(&text(&out).1).is_empty(), "{:?}", text(&out));
}

#[test]
fn without_a_previous_hook_uninstall_removes_it() {
    let (repo, _) = repo_with_remote();
    let hook = repo.root.join(".git/hooks/pre-push");
    assert!(cadence(&repo.root, &["hook", "install"]).status.success());
    let out = push(&repo);
    assert!(out.status.success());
    assert_eq!(cadence_lines(&text(&out).1).len(), 1, "{:?}", text(&out));
    assert!(cadence(&repo.root, &["hook", "uninstall"]).status.success());
    assert!(!hook.exists());
}

#[test]
fn core_hooks_path_is_honoured_relative_to_the_work_tree_root() {
    let (repo, _) = repo_with_remote();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    // Run from a subdirectory: the relative path is still taken from the root, like git.
    // (`.githooks` is in the work tree: only --force writes there.)
    let out = cadence(&repo.root.join("src"), &["hook", "install", "--force"]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(repo.root.join(".githooks/pre-push").exists());
    assert!(!repo.root.join("src/.githooks").exists());
    assert!(!repo.root.join(".git/hooks/pre-push").exists());
    let out = push(&repo);
    assert_eq!(cadence_lines(&text(&out).1).len(), 1, "{:?}", text(&out));
}

#[test]
fn a_linked_worktree_uses_the_common_hooks_directory() {
    let (repo, _) = repo_with_remote();
    let wt = repo.sibling("linked");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        wt.to_str().expect("utf-8"),
        "-b",
        "side",
    ]);
    let out = cadence(&wt, &["hook", "install"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let expected = repo
        .git_cmd(
            &wt,
            &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
        )
        .output()
        .expect("git rev-parse");
    let expected = PathBuf::from(String::from_utf8_lossy(&expected.stdout).trim());
    assert!(expected.join("pre-push").exists(), "{}", expected.display());
    assert_eq!(
        expected.canonicalize().expect("canonical"),
        repo.root
            .join(".git/hooks")
            .canonicalize()
            .expect("canonical")
    );
}

#[test]
fn git_cadence_trouble_never_blocks_a_push() {
    let (repo, _) = repo_with_remote();
    std::fs::write(repo.root.join(".git-cadence.toml"), "bogus = 1\n").expect("write");
    // Install reads no config; the hook run does, and must only warn.
    assert!(cadence(&repo.root, &["hook", "install"]).status.success());
    let out = push(&repo);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let lines = cadence_lines(&stderr);
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("git-cadence: warning:"), "{stderr}");
    assert!(lines[0].contains(".git-cadence.toml:1"), "{stderr}");
}

#[test]
fn enforce_blocks_a_push_over_the_check_threshold() {
    let (repo, _) = repo_with_remote();
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        "[check]\nmax_unreleased_commits = 1\n",
    )
    .expect("write");
    assert!(cadence(&repo.root, &["hook", "install", "--enforce"])
        .status
        .success());
    let out = push(&repo);
    let (_, stderr) = text(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 commits / 35 lines unreleased since v1.0.0 (29 days) — over the check limit (commits 1)"),
        "{stderr}"
    );
    // Without --enforce the same push goes through, with the same warning line.
    assert!(cadence(&repo.root, &["hook", "install"]).status.success());
    let out = push(&repo);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(text(&out).1.contains("over the check limit"));
}

/// Where git itself would run the hook from.
fn git_hooks_dir(repo: &TestRepo, dir: &Path) -> PathBuf {
    let out = repo
        .git_cmd(
            dir,
            &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
        )
        .output()
        .expect("git rev-parse");
    assert!(out.status.success());
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

#[test]
fn the_hook_goes_where_git_looks_for_it() {
    let (repo, remote) = repo_with_remote();
    let cases: [(&Path, Option<&str>); 4] = [
        (&repo.root, None),
        (&repo.root, Some("hooks-here")),
        (&remote, Some("bare-hooks")),
        (&remote, None),
    ];
    for (dir, hooks_path) in cases {
        match hooks_path {
            Some(p) => repo.git_cmd(dir, &["config", "core.hooksPath", p]),
            None => repo.git_cmd(dir, &["config", "--unset-all", "core.hooksPath"]),
        }
        .output()
        .expect("git config");
        let out = cadence(
            dir,
            &["hook", "install", "--hook", "post-update", "--force"],
        );
        assert!(out.status.success(), "{:?}", text(&out));
        let expected = git_hooks_dir(&repo, dir).join("post-update");
        assert!(expected.exists(), "{} ({hooks_path:?})", expected.display());
        let out = cadence(dir, &["hook", "uninstall", "--hook", "post-update"]);
        assert!(out.status.success(), "{:?}", text(&out));
        assert!(!expected.exists());
    }
}

// Moved here from the fleet issue: under husky (`core.hooksPath=.husky`, tracked files),
// `hook install` must not edit or add files in the work tree.
#[test]
fn a_hooks_path_inside_the_work_tree_is_not_written_to() {
    let (repo, _) = repo_with_remote();
    std::fs::create_dir_all(repo.root.join(".husky")).expect("mkdir");
    std::fs::write(repo.root.join(".husky/pre-push"), "npm test\n").expect("write");
    repo.git(&["add", ".husky/pre-push"]);
    repo.git(&["commit", "-q", "-m", "husky"]);
    repo.git(&["config", "core.hooksPath", ".husky"]);
    let out = cadence(&repo.root, &["hook", "install"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("git-cadence hook run --stdin-refs -- \"$@\""),
        "{stderr}"
    );
    assert!(stderr.contains(".husky/pre-push"), "{stderr}");
    let status = repo.git(&["status", "--porcelain", "--ignored"]);
    assert_eq!(status.trim(), "", "the work tree is untouched");
    assert_eq!(
        std::fs::read_to_string(repo.root.join(".husky/pre-push")).expect("read"),
        "npm test\n"
    );
}
