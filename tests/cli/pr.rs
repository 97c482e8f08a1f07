//! `git cadence pr`: the pull-request summary on a repository whose tag names, branch names,
//! paths and messages hold HTML, @mentions, pipes, backticks and issue references — none of
//! which may reach the Markdown raw.

use crate::check::TestRepo;
use crate::common::{cadence, text};

/// The hostile tag prefix: HTML, a mention, a pipe, a backtick and an issue reference.
const PREFIX: &str = "<b>@team|x`#1";
const BASE: &str = "rel/<img>@all|y&z";

fn hostile_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    // The settings are the base's: committed before the branches part.
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        "tag_pattern = '-v(?P<version>\\d+\\.\\d+\\.\\d+)$'\n",
    )
    .expect("write");
    repo.commit("src/<script>/a|b.rs", &TestRepo::lines(10, "a"), "Initial");
    repo.git(&["tag", &format!("{PREFIX}-v1.0.0")]);
    let bad = repo.commit(
        "src/<script>/a|b.rs",
        &TestRepo::lines(14, "a"),
        "Add <img src=x onerror=alert(1)> for @octocat | fixes #12 `rm -rf`",
    );
    repo.commit("docs/guide.md", &TestRepo::lines(40, "guide"), "Guide");
    repo.git(&["tag", &format!("{PREFIX}-v1.1.0")]);
    repo.commit("src/main.rs", &TestRepo::lines(3, "main"), "Main");
    repo.git(&["revert", "--no-edit", &bad]);
    repo.git(&["tag", &format!("{PREFIX}-v1.2.0")]);
    repo.commit("src/other.rs", &TestRepo::lines(7, "other"), "Other");
    repo.git(&["branch", BASE]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit(
        "src/<script>/a|b.rs",
        &TestRepo::lines(20, "a"),
        "Touch the hot file again @here",
    );
    repo.commit("src/new.rs", &TestRepo::lines(5, "new"), "New file");
    repo
}

#[test]
fn markdown_summary_escapes_everything_from_the_repository() {
    let repo = hostile_repo();
    let out = cadence(
        &repo.root,
        &[
            "pr", "--base", BASE, "--head", "feature", "--format", "markdown",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("<!-- git-cadence:pr-summary -->\n"),
        "{stdout}"
    );
    // The marker is ours, once; outside code spans (where HTML and mentions are inert),
    // nothing from the repository is raw HTML, a mention or an issue reference.
    assert_eq!(stdout.matches("<!--").count(), 1, "{stdout}");
    let prose = without_code_spans(&stdout);
    for raw in [
        "<img", "<b>", "<script>", "@all", "@team", "@octocat", "@here", "#1", "#12",
    ] {
        assert!(!prose.contains(raw), "raw `{raw}` in:\n{prose}");
    }
    // Table rows keep their cells: every row of the details table has 5 unescaped pipes.
    for row in stdout.lines().filter(|l| l.starts_with("| ")) {
        let unescaped = row
            .char_indices()
            .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'))
            .count();
        assert_eq!(unescaped, 5, "broken row: {row}");
    }
    insta::assert_snapshot!("pr_markdown_hostile", stdout);
}

#[test]
fn json_summary_measures_the_change_like_git() {
    let repo = hostile_repo();
    let out = cadence(
        &repo.root,
        &[
            "pr", "--base", BASE, "--head", "feature", "--format", "json",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let merge_base = repo.git(&["merge-base", BASE, "feature"]);
    assert_eq!(v["change"]["merge_base"], merge_base.trim());
    assert_eq!(v["change"]["commits"], 2);
    // `git diff --shortstat --no-renames MB feature`: a|b.rs 10 → 20 lines, new.rs +5.
    let lines = crate::check::git_lines(&repo, merge_base.trim(), "feature");
    assert_eq!(lines, 15);
    assert_eq!(v["change"]["lines_changed"], lines);
    assert_eq!(v["change"]["lines_deleted"], 0);
    assert_eq!(v["change"]["files_changed"], 2);
    assert_eq!(
        v["change"]["components"],
        serde_json::json!(["src", "src/<script>"])
    );
    // On base, one commit (Other, 7 lines) is unreleased since v1.2.0.
    let w = &v["with_change"];
    assert_eq!(w["base_release"], format!("{PREFIX}-v1.2.0"));
    assert_eq!(w["unreleased_commits_on_base"], 1);
    assert_eq!(w["unreleased_lines_on_base"], 7);
    assert_eq!(w["commits"], 3);
    assert_eq!(w["lines_changed"], 22);
    // Past releases with a size: v1.1.0 (4 + 40 = 44 lines) and v1.2.0 (3 + 4 = 7 lines).
    assert_eq!(v["releases_compared"], 2);
    assert_eq!(v["change"]["larger_than_share_of_releases"], 0.5);
    assert_eq!(w["larger_than_share_of_releases"], 0.5);
}

/// `text` with every Markdown code span cut out.
fn without_code_spans(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let fence_len = rest[start..].chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(fence_len);
        let after = &rest[start + fence_len..];
        // The closing fence is a run of exactly as many backticks.
        let mut search = 0;
        let close = loop {
            match after[search..].find(&fence) {
                Some(i) => {
                    let at = search + i;
                    let run = after[at..].chars().take_while(|&c| c == '`').count();
                    if run == fence_len {
                        break Some(at);
                    }
                    search = at + run;
                }
                None => break None,
            }
        };
        if let Some(at) = close {
            rest = &after[at + fence_len..];
        } else {
            out.push_str(&rest[start..]);
            rest = "";
        }
    }
    out.push_str(rest);
    out
}

// Reported: `pr` read the settings from the change itself, so a pull request could choose
// the settings that judge it (or point them at a FIFO or a file outside the repository).
#[test]
fn the_settings_come_from_the_base_not_from_the_change() {
    let mut repo = hostile_repo();
    repo.commit(
        ".git-cadence.toml",
        "deploys = \"/etc/passwd\"\n",
        "Change the settings",
    );
    let out = cadence(
        &repo.root,
        &[
            "pr", "--base", BASE, "--head", "feature", "--format", "json",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stdout.contains("passwd") && !stderr.contains("passwd"),
        "{stderr}"
    );
    // The base's tag pattern is the one used: its prefixed tags are releases.
    assert!(stdout.contains("-v1.2.0"), "{stdout}");
    // A config broken on the base is reported with the revision it was read from.
    repo.git(&["checkout", "-q", BASE]);
    repo.commit(
        ".git-cadence.toml",
        "bogus = 1\n",
        "Break the base settings",
    );
    repo.git(&["branch", "-f", "broken-base"]);
    let out = cadence(
        &repo.root,
        &["pr", "--base", "broken-base", "--head", "feature"],
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("broken-base:.git-cadence.toml:1"),
        "{stderr}"
    );
}
