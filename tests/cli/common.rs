//! Shared helpers: fixture repositories built once per test run, and the real binary run with
//! a cleared, explicit environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Fixed "now" for every run: 2024-02-01T00:00:00Z.
pub const NOW: &str = "1706745600";

/// A directory that lives as long as the test process.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// Runs `fixtures/<script>` once, into a directory of its own, and returns the repository.
pub fn fixture(script: &str) -> PathBuf {
    static BUILT: OnceLock<std::sync::Mutex<std::collections::HashMap<String, PathBuf>>> =
        OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().expect("fixture lock");
    if let Some(p) = built.get(script) {
        return p.clone();
    }
    let dir = scratch().join(script.trim_end_matches(".sh"));
    let status = Command::new("bash")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(script),
        )
        .arg(&dir)
        .env("HOME", scratch())
        .output()
        .expect("run fixture script");
    assert!(
        status.status.success(),
        "fixture {script} failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    built.insert(script.to_string(), dir.clone());
    dir
}

/// `git-cadence ARGS` in `dir`, with only the environment a test chooses.
pub fn cadence(dir: &Path, args: &[&str]) -> Output {
    cadence_cmd(dir, args).output().expect("run git-cadence")
}

/// The command, to add environment or stdin.
pub fn cadence_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_git-cadence"));
    cmd.args(args).current_dir(dir);
    clean_env(&mut cmd);
    cmd
}

/// `git ARGS` in `dir`, pinned like the fixtures.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    cmd.args(args).current_dir(dir);
    clean_env(&mut cmd);
    let out = cmd.output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn clean_env(cmd: &mut Command) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", scratch())
        .env("XDG_CACHE_HOME", scratch().join("cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("TZ", "UTC")
        .env("SOURCE_DATE_EPOCH", NOW);
}

/// `git add -A && git commit` in `dir` as a fixed author (empty commits allowed).
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(
        dir,
        &[
            "-c",
            "user.name=A",
            "-c",
            "user.email=a@example.com",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
        ],
    );
}

/// Stdout as JSON.
pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "git-cadence failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
