//! The release engine on `fixtures/releases.sh`: every rule of PRODUCT.md "Releases", and the
//! numbers checked against git's own commands.

use serde_json::Value;

use crate::common::{cadence, fixture, git, json, text};

fn releases(args: &[&str]) -> Vec<Value> {
    let repo = fixture("releases.sh");
    let mut all = vec!["releases", "--format", "json"];
    all.extend_from_slice(args);
    json(&cadence(&repo, &all))["releases"]
        .as_array()
        .cloned()
        .unwrap()
}

fn field<'a>(rows: &'a [Value], tag: &str, name: &str) -> &'a Value {
    &rows
        .iter()
        .find(|r| r["tag"] == tag)
        .unwrap_or_else(|| panic!("no {tag}"))[name]
}

#[test]
fn releases_come_in_release_order_with_pre_releases_and_tree_tags_left_out() {
    let rows = releases(&[]);
    let tags: Vec<&str> = rows.iter().map(|r| r["tag"].as_str().unwrap()).collect();
    assert_eq!(
        tags,
        ["v0.1.0", "0.2.1", "v1.0.0", "v0.2.2", "v1.1.0", "v1.2.0"]
    );
    let out = cadence(&fixture("releases.sh"), &["releases", "--format", "json"]);
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("tag v9.9.9 does not point at a commit; skipped"),
        "{stderr}"
    );
}

#[test]
fn prereleases_are_counted_when_asked_for() {
    // The rc is on the same commit as 0.2.1, so with --prereleases it joins that release
    // (the higher version names it); without, it is not there at all.
    let with = releases(&["--prereleases"]);
    assert_eq!(
        field(&with, "0.2.1", "other_tags"),
        &serde_json::json!(["v0.2.0", "v0.2.0-rc.1"])
    );
    let without = releases(&[]);
    assert_eq!(
        field(&without, "0.2.1", "other_tags"),
        &serde_json::json!(["v0.2.0"])
    );
}

#[test]
fn release_time_follows_the_tag_kind() {
    let rows = releases(&[]);
    // Lightweight: the commit's committer time.
    assert_eq!(field(&rows, "v0.1.0", "time"), "2024-01-01T10:00:00Z");
    assert_eq!(field(&rows, "v1.1.0", "time"), "2024-01-13T10:00:00Z");
    // Annotated tag of an annotated tag: the outer tagger time.
    assert_eq!(field(&rows, "v1.0.0", "time"), "2024-01-10T10:00:00Z");
    assert_eq!(field(&rows, "v0.2.2", "time"), "2024-01-12T10:00:00Z");
    // Annotated tag without a tagger line: the commit's committer time.
    assert_eq!(field(&rows, "v1.2.0", "time"), "2024-01-15T10:00:00Z");
}

#[test]
fn two_tags_on_one_commit_are_one_release_named_by_the_higher_version_and_the_earlier_time() {
    let rows = releases(&[]);
    assert_eq!(
        field(&rows, "0.2.1", "other_tags"),
        &serde_json::json!(["v0.2.0"])
    );
    // 0.2.1 is lightweight (commit time 2024-01-04), v0.2.0 annotated on 2024-01-06.
    assert_eq!(field(&rows, "0.2.1", "time"), "2024-01-04T10:00:00Z");
}

#[test]
fn previous_release_keeps_maintenance_lines_apart() {
    let rows = releases(&[]);
    assert_eq!(field(&rows, "v0.1.0", "previous"), &Value::Null);
    assert_eq!(field(&rows, "0.2.1", "previous"), "v0.1.0");
    assert_eq!(field(&rows, "v1.0.0", "previous"), "0.2.1");
    // Cut after v1.0.0 from the 0.2 branch: its previous release is 0.2.1.
    assert_eq!(field(&rows, "v0.2.2", "previous"), "0.2.1");
    assert_eq!(field(&rows, "v1.1.0", "previous"), "v1.0.0");
    // Interval: from 0.2.1 (01-04 10:00) to v0.2.2 (01-12 10:00) = 8 days.
    assert_eq!(field(&rows, "v0.2.2", "interval_seconds"), 8 * 86_400);
    assert_eq!(field(&rows, "v0.1.0", "interval_seconds"), &Value::Null);
}

#[test]
fn commits_merges_authors_and_lead_times() {
    let rows = releases(&[]);
    // v1.0.0 ships c4 (Carol), c5 (Bob) and the merge c6 (Alice).
    assert_eq!(field(&rows, "v1.0.0", "commits"), 3);
    assert_eq!(field(&rows, "v1.0.0", "merges"), 1);
    assert_eq!(field(&rows, "v1.0.0", "authors"), 3);
    // Lead times 3d, 2d, 1d before 01-10 10:00: median 2d, p90 = 2d + 0.8 × 1d.
    assert_eq!(
        field(&rows, "v1.0.0", "lead_time_median_seconds"),
        2 * 86_400
    );
    assert_eq!(
        field(&rows, "v1.0.0", "lead_time_p90_seconds"),
        2 * 86_400 + 69_120
    );
    // The first release ships its one commit with lead time 0.
    assert_eq!(field(&rows, "v0.1.0", "commits"), 1);
    assert_eq!(field(&rows, "v0.1.0", "lead_time_median_seconds"), 0);
}

#[test]
fn the_first_release_of_a_line_has_no_size() {
    let rows = releases(&[]);
    for name in [
        "files_changed",
        "lines_added",
        "lines_deleted",
        "lines_changed",
    ] {
        assert_eq!(field(&rows, "v0.1.0", name), &Value::Null, "{name}");
    }
}

#[test]
fn renames_count_as_a_delete_and_an_add() {
    let rows = releases(&[]);
    assert_eq!(field(&rows, "v1.1.0", "files_changed"), 2);
    assert_eq!(field(&rows, "v1.1.0", "lines_added"), 20);
    assert_eq!(field(&rows, "v1.1.0", "lines_deleted"), 20);
}

/// Every release's commits and size against git's own commands, lock files included
/// (`--include-all`), since git does not leave them out.
#[test]
fn numbers_equal_gits_own() {
    let repo = fixture("releases.sh");
    let rows = releases(&["--include-all"]);
    let mut earlier: Vec<String> = Vec::new();
    for r in &rows {
        let tag = r["tag"].as_str().unwrap();
        let mut args = vec!["rev-list", "--count", tag];
        if !earlier.is_empty() {
            args.push("--not");
            args.extend(earlier.iter().map(String::as_str));
        }
        let count: u64 = git(&repo, &args).trim().parse().unwrap();
        assert_eq!(r["commits"], count, "commits of {tag}");
        earlier.push(tag.to_string());

        let Some(prev) = r["previous"].as_str() else {
            continue;
        };
        let numstat = git(&repo, &["diff", "--numstat", "--no-renames", prev, tag]);
        let (mut files, mut added, mut deleted) = (0u64, 0u64, 0u64);
        for line in numstat.lines() {
            let mut cells = line.split('\t');
            files += 1;
            added += cells.next().unwrap().parse().unwrap_or(0); // "-" for binary
            deleted += cells.next().unwrap().parse().unwrap_or(0);
        }
        assert_eq!(r["files_changed"], files, "files of {tag}");
        assert_eq!(r["lines_added"], added, "added in {tag}");
        assert_eq!(r["lines_deleted"], deleted, "deleted in {tag}");
        assert_eq!(r["lines_changed"], added + deleted, "changed in {tag}");
    }
}

#[test]
fn churn_sums_non_merge_commits_against_their_first_parent() {
    let rows = releases(&["--include-all", "--churn"]);
    // v1.0.0: c4 adds 20 lines, c5 adds 1, the merge is left out.
    assert_eq!(field(&rows, "v1.0.0", "churn_lines_added"), 21);
    assert_eq!(field(&rows, "v1.0.0", "churn_lines_deleted"), 0);
}

#[test]
fn churn_is_null_unless_asked_for_and_settings_say_so() {
    let repo = fixture("releases.sh");
    let report = json(&cadence(&repo, &["report", "--format", "json"]));
    assert_eq!(report["settings"]["churn"], false);
    for r in report["releases"].as_array().unwrap() {
        assert!(r["churn_lines_added"].is_null(), "{r}");
        assert!(r["churn_lines_deleted"].is_null(), "{r}");
        // Sizes are measured all the same.
        assert!(
            r["previous"].is_null() || r["lines_changed"].is_u64(),
            "{r}"
        );
    }
    let report = json(&cadence(&repo, &["report", "--format", "json", "--churn"]));
    assert_eq!(report["settings"]["churn"], true);
}

/// `git log --numstat --no-renames --no-merges` summed over the commits of a release (those
/// reachable from it and from no earlier release); binary files (`-`) count no lines.
fn git_churn(repo: &std::path::Path, commit: &str, earlier: &[String]) -> (u64, u64) {
    let mut args = vec![
        "log",
        "--numstat",
        "--no-renames",
        "--no-merges",
        "--format=",
        commit,
        "--not",
    ];
    args.extend(earlier.iter().map(String::as_str));
    let out = git(repo, &args);
    let (mut added, mut deleted) = (0, 0);
    for line in out.lines().filter(|l| !l.is_empty()) {
        let mut cells = line.split('\t');
        added += cells.next().unwrap().parse::<u64>().unwrap_or(0);
        deleted += cells.next().unwrap().parse::<u64>().unwrap_or(0);
    }
    (added, deleted)
}

#[test]
fn churn_when_asked_for_equals_git_log_numstat() {
    for script in ["releases.sh", "streams.sh"] {
        let repo = fixture(script);
        let rows = json(&cadence(
            &repo,
            &["releases", "--format", "json", "--churn", "--include-all"],
        ))["releases"]
            .as_array()
            .cloned()
            .unwrap();
        let mut earlier: Vec<String> = Vec::new();
        let mut nonzero = 0;
        for r in &rows {
            let commit = r["commit"].as_str().unwrap().to_string();
            let want = git_churn(&repo, &commit, &earlier);
            let got = (
                r["churn_lines_added"].as_u64().unwrap(),
                r["churn_lines_deleted"].as_u64().unwrap(),
            );
            assert_eq!(got, want, "{script} {}", r["tag"]);
            nonzero += usize::from(want != (0, 0));
            earlier.push(commit);
        }
        // Not vacuous: most releases have churn.
        assert!(
            nonzero * 2 > rows.len(),
            "{script}: {nonzero} of {}",
            rows.len()
        );
    }
}
