//! `git cadence check`: exit codes both ways, thresholds from flags and from
//! `.git-cadence.toml`, and the unreleased numbers against git's own.
//!
//! Also holds [`TestRepo`], a tiny repository built with the git command line under a pinned
//! environment, used by the `hook` and `pr` tests too.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{cadence, cadence_cmd, text};

/// 2024-01-01T00:00:00Z; commits are one day apart from here. `common::NOW` is 2024-02-01.
const START: i64 = 1_704_067_200;
const DAY: i64 = 86_400;

/// A repository in a temporary directory, built commit by commit with pinned dates and
/// identities.
pub struct TestRepo {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    day: i64,
}

impl TestRepo {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("repo");
        std::fs::create_dir_all(&root).expect("mkdir");
        let repo = Self {
            _dir: dir,
            root,
            day: 0,
        };
        repo.git(&["-c", "init.defaultBranch=main", "init", "-q"]);
        repo
    }

    /// A sibling directory of the repository inside the same temporary directory.
    pub fn sibling(&self, name: &str) -> PathBuf {
        self.root.parent().expect("parent").join(name)
    }

    /// The git command in `dir` with the pinned environment and the current date.
    pub fn git_cmd(&self, dir: &Path, args: &[&str]) -> Command {
        let date = format!("@{} +0000", START + self.day * DAY);
        let mut cmd = Command::new("git");
        cmd.args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.sibling("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Alice Doe")
            .env("GIT_AUTHOR_EMAIL", "alice@example.com")
            .env("GIT_COMMITTER_NAME", "Alice Doe")
            .env("GIT_COMMITTER_EMAIL", "alice@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("SOURCE_DATE_EPOCH", crate::common::NOW)
            .env("TZ", "UTC");
        cmd
    }

    /// `git ARGS` in the repository; panics with git's stderr on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_cmd(&self.root, args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Writes `content` to `path` and commits everything, one day after the previous commit.
    pub fn commit(&mut self, path: &str, content: &str, message: &str) -> String {
        self.day += 1;
        let file = self.root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, content).expect("write");
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// `n` numbered lines.
    pub fn lines(n: usize, prefix: &str) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for i in 1..=n {
            let _ = writeln!(out, "{prefix} {i}");
        }
        out
    }
}

/// v1.0.0 on the second of four commits: two commits are unreleased.
fn two_unreleased() -> TestRepo {
    let mut repo = TestRepo::new();
    repo.commit("src/app.rs", &TestRepo::lines(10, "app"), "Initial");
    repo.commit("src/app.rs", &TestRepo::lines(12, "app"), "Grow the app");
    repo.git(&["tag", "v1.0.0"]);
    repo.commit("src/lib.rs", &TestRepo::lines(30, "lib"), "Add a library");
    repo.commit("README.md", &TestRepo::lines(5, "readme"), "Document it");
    repo
}

/// `git diff --shortstat --no-renames A B` → lines added + deleted.
pub fn git_lines(repo: &TestRepo, a: &str, b: &str) -> u64 {
    let stat = repo.git(&["diff", "--shortstat", "--no-renames", a, b]);
    stat.split(',')
        .filter(|part| part.contains("insertion") || part.contains("deletion"))
        .map(|part| {
            part.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .expect("a number")
        })
        .sum()
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

#[test]
fn under_every_threshold_exits_0() {
    let repo = two_unreleased();
    let out = cadence(
        &repo.root,
        &[
            "check",
            "--max-unreleased-commits",
            "2",
            "--max-unreleased-lines",
            "1000",
            "--max-unreleased-days",
            "30",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("2 commits / 35 lines unreleased since v1.0.0"),
        "{stdout}"
    );
    assert!(stdout.contains("check: passed"), "{stdout}");
}

#[test]
fn over_a_threshold_exits_1_with_the_reason() {
    let repo = two_unreleased();
    let out = cadence(&repo.root, &["check", "--max-unreleased-commits", "1"]);
    let (stdout, _) = text(&out);
    assert_eq!(code(&out), Some(1), "{stdout}");
    assert!(
        stdout.contains("unreleased commits: 2 (max 1) — EXCEEDED"),
        "{stdout}"
    );
    assert!(stdout.contains("check: failed"), "{stdout}");
}

#[test]
fn json_numbers_match_git() {
    let repo = two_unreleased();
    let out = cadence(
        &repo.root,
        &["check", "--format", "json", "--max-unreleased-lines", "10"],
    );
    assert_eq!(code(&out), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let u = &v["unreleased"];
    assert_eq!(u["commits"], 2);
    assert_eq!(u["merges"], 0);
    assert_eq!(u["base_release"], "v1.0.0");
    assert_eq!(
        u["base_commit"],
        repo.git(&["rev-parse", "v1.0.0^{commit}"]).trim()
    );
    assert_eq!(u["lines_changed"], git_lines(&repo, "v1.0.0", "HEAD"));
    assert_eq!(u["files_changed"], 2);
    // The oldest unreleased commit is from day 3; now is 2024-02-01 (day 31): 28 days.
    assert_eq!(u["days"], 31 - 3);
    assert_eq!(v["exceeded"], true);
    assert_eq!(v["limits"][0]["threshold"], "max_unreleased_lines");
    assert_eq!(v["limits"][0]["value"], 35);
}

#[test]
fn thresholds_come_from_the_config_file_and_flags_win() {
    let repo = two_unreleased();
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        "[check]\nmax_unreleased_lines = 20\n",
    )
    .expect("write");
    let out = cadence(&repo.root, &["check"]);
    assert_eq!(code(&out), Some(1), "{:?}", text(&out));
    let out = cadence(&repo.root, &["check", "--max-unreleased-lines", "35"]);
    assert_eq!(code(&out), Some(0), "{:?}", text(&out));
    // From a subdirectory too: the file is found at the work tree root.
    let out = cadence(&repo.root.join("src"), &["check"]);
    assert_eq!(code(&out), Some(1), "{:?}", text(&out));
}

#[test]
fn a_bad_config_file_exits_2_naming_the_line() {
    let repo = two_unreleased();
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        "[check]\nmax_unreleased_lines = 20\nmax_unreleased_weeks = 2\n",
    )
    .expect("write");
    let out = cadence(&repo.root, &["check"]);
    let (_, stderr) = text(&out);
    assert_eq!(code(&out), Some(2), "{stderr}");
    assert!(stderr.contains(".git-cadence.toml:3:"), "{stderr}");
    assert!(stderr.contains("max_unreleased_weeks"), "{stderr}");
}

#[test]
fn nothing_unreleased_passes() {
    let repo = two_unreleased();
    repo.git(&["tag", "v1.1.0"]);
    let out = cadence_cmd(
        &repo.root,
        &[
            "check",
            "--max-unreleased-commits",
            "0",
            "--max-unreleased-days",
            "0",
            "--format",
            "json",
        ],
    )
    .output()
    .expect("run");
    assert_eq!(code(&out), Some(0), "{:?}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["unreleased"]["commits"], 0);
    assert_eq!(v["unreleased"]["lines_changed"], 0);
    assert_eq!(v["unreleased"]["base_release"], "v1.1.0");
}

/// Not `check` itself: the hidden `generate` command that writes the man page `git cadence
/// --help` opens, and completions (kept here to keep the test binary's modules per owner).
#[test]
fn generate_writes_the_man_pages_and_completions() {
    let repo = TestRepo::new();
    let man = repo.sibling("man1");
    let out = cadence(
        &repo.root,
        &["generate", "man", "--out", man.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let page = std::fs::read_to_string(man.join("git-cadence.1")).expect("page");
    assert!(page.contains(".TH git-cadence 1"), "{page}");
    for sub in ["check", "pr", "hook", "report", "releases"] {
        assert!(man.join(format!("git-cadence-{sub}.1")).exists(), "{sub}");
    }
    let out = cadence(&repo.root, &["generate", "completions", "bash"]);
    assert!(out.status.success());
    assert!(text(&out).0.contains("--max-unreleased-lines"));
}

/// On the release fixture (maintenance line, merges, tag chains, a tag of a tree), the batch
/// is what `git rev-list HEAD --not <release tags>` lists and its lines are what
/// `git diff --shortstat --no-renames v1.2.0 HEAD` prints; then the same on the maintenance
/// branch, whose base is v0.2.2.
#[test]
fn the_batch_matches_git_on_the_release_fixture() {
    let dir = crate::common::fixture("releases.sh");
    let releases = [
        "v0.1.0", "v0.2.0", "0.2.1", "v1.0.0", "v0.2.2", "v1.1.0", "v1.2.0",
    ];
    let mut args = vec!["rev-list", "--count", "HEAD", "--not"];
    args.extend(releases);
    let expected: u64 = crate::common::git(&dir, &args)
        .trim()
        .parse()
        .expect("count");
    let out = cadence(&dir, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["unreleased"]["commits"], expected);
    assert_eq!(v["unreleased"]["base_release"], "v1.2.0");
    let stat = crate::common::git(
        &dir,
        &["diff", "--shortstat", "--no-renames", "v1.2.0", "HEAD"],
    );
    assert!(stat.contains("1 file changed, 5 insertions(+)"), "{stat}");
    assert_eq!(v["unreleased"]["lines_changed"], 5);
    assert_eq!(v["unreleased"]["files_changed"], 1);

    let maint = crate::common::git(&dir, &["rev-parse", "maint-0.2"]);
    let out = cadence(&dir, &["hook", "run"]);
    assert!(out.status.success());
    // Run by hand (no refs on stdin, no pre-commit environment) the hook describes HEAD.
    assert!(text(&out).1.contains("since v1.2.0"), "{:?}", text(&out));
    let mut cmd = cadence_cmd(&dir, &["hook", "run", "--stdin-refs"]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(
            stdin,
            "refs/heads/maint-0.2 {} refs/heads/maint-0.2 {}",
            maint.trim(),
            "0".repeat(40)
        )
        .expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    let (_, stderr) = text(&out);
    // The pushed maintenance branch is released exactly at v0.2.2: nothing unreleased.
    assert_eq!(
        stderr.trim(),
        "git-cadence: nothing unreleased since v0.2.2",
        "{stderr}"
    );
}

/// After a `report` has filled the size cache, `check` (and the hook) compare the batch with
/// past release sizes without measuring them again; with `--no-cache` they do not.
#[test]
fn past_release_sizes_come_from_the_cache() {
    let dir = crate::common::fixture("releases.sh");
    let report = crate::common::json(&cadence(&dir, &["report", "--format", "json"]));
    let sizes: Vec<u64> = report["releases"]
        .as_array()
        .expect("releases")
        .iter()
        .filter_map(|r| r["lines_changed"].as_u64())
        .collect();
    assert!(sizes.len() >= 4, "{sizes:?}");
    let out = cadence(&dir, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lines = v["unreleased"]["lines_changed"].as_u64().expect("lines");
    let smaller = sizes.iter().filter(|&&s| s < lines).count();
    assert_eq!(v["unreleased"]["releases_compared"], sizes.len());
    assert_eq!(
        v["unreleased"]["larger_than_share_of_releases"],
        smaller as f64 / sizes.len() as f64
    );
    let out = cadence(&dir, &["check", "--format", "json", "--no-cache"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["unreleased"]["releases_compared"],
        serde_json::Value::Null
    );
}

/// `check --format json ARGS` on `repo`, parsed.
fn check_json(repo: &TestRepo, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = cadence(&repo.root, &all);
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_batch_cache_gives_what_a_cold_run_gives() {
    let mut repo = two_unreleased();
    let first = check_json(&repo, &[]);
    assert_eq!(first, check_json(&repo, &["--no-cache"]));
    // The same tip again, from the batch cache.
    assert_eq!(first, check_json(&repo, &[]));
    // New commits, one merging a branch from the release: walked on top of the known batch.
    repo.commit(
        "src/lib.rs",
        &TestRepo::lines(40, "lib"),
        "Grow the library",
    );
    repo.git(&["checkout", "-q", "-b", "side", "v1.0.0"]);
    repo.commit("side.txt", &TestRepo::lines(3, "side"), "Side work");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge side", "side"]);
    let grown = check_json(&repo, &[]);
    assert_eq!(grown, check_json(&repo, &["--no-cache"]));
    assert_eq!(grown["unreleased"]["commits"], 5);
    assert_eq!(grown["unreleased"]["merges"], 1);
    // A new release: other releases, another batch.
    repo.git(&["tag", "v1.1.0"]);
    let released = check_json(&repo, &[]);
    assert_eq!(released, check_json(&repo, &["--no-cache"]));
    assert_eq!(released["unreleased"]["commits"], 0);
}
