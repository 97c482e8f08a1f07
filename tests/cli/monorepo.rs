//! Streams bound to paths (`--stream-path`, `[streams.NAME]`) on the monorepo fixture, checked
//! against git itself; tags the pattern leaves out; `releases --streams`.

use std::path::Path;

use serde_json::Value;

use crate::common::{cadence, fixture, git, json, text};

const STREAMS: &str = r"^(?P<stream>app|lib)-(?P<version>\d+\.\d+\.\d+)$";
/// lib moved from `lib/` to `crates/lib/`: the stream owns both.
const BOUND: &[&str] = &[
    "--stream-path",
    "app=app/",
    "--stream-path",
    "lib=lib/",
    "--stream-path",
    "lib=crates/lib/",
];

fn paths_of(stream: &str) -> &'static [&'static str] {
    match stream {
        "app" => &["app/"],
        _ => &["lib/", "crates/lib/"],
    }
}

fn releases(repo: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--format", "json", "--tag-pattern", STREAMS];
    args.extend_from_slice(extra);
    json(&cadence(repo, &args))["releases"]
        .as_array()
        .cloned()
        .unwrap()
}

fn by_tag<'a>(rows: &'a [Value], tag: &str) -> &'a Value {
    rows.iter().find(|r| r["tag"] == tag).unwrap()
}

/// `git diff --shortstat --no-renames OLD NEW -- PATHS` as (files, added, deleted).
fn shortstat(repo: &Path, old: &str, new: &str, paths: &[&str]) -> (u64, u64, u64) {
    let mut args = vec!["diff", "--shortstat", "--no-renames", old, new, "--"];
    args.extend_from_slice(paths);
    // The usual exclusions: the fixture's one lock file.
    args.extend_from_slice(&[":!lib/Cargo.lock", ":!crates/lib/Cargo.lock"]);
    let out = git(repo, &args);
    let mut stat = (0, 0, 0);
    for part in out.trim().split(", ").filter(|p| !p.is_empty()) {
        let (n, what) = part.split_once(' ').unwrap();
        let n: u64 = n.parse().unwrap();
        if what.starts_with("file") {
            stat.0 = n;
        } else if what.starts_with("insertion") {
            stat.1 = n;
        } else {
            stat.2 = n;
        }
    }
    stat
}

#[test]
fn bound_sizes_and_commits_equal_git_with_pathspecs() {
    let repo = fixture("monorepo.sh");
    let rows = releases(&repo, BOUND);
    assert_eq!(rows.len(), 7);
    let mut checked = 0;
    for (i, r) in rows.iter().enumerate() {
        let stream = r["stream"].as_str().unwrap();
        let tag = r["tag"].as_str().unwrap();
        let paths = paths_of(stream);
        if let Some(prev) = r["previous"].as_str() {
            let got = (
                r["files_changed"].as_u64().unwrap(),
                r["lines_added"].as_u64().unwrap(),
                r["lines_deleted"].as_u64().unwrap(),
            );
            assert_eq!(got, shortstat(&repo, prev, tag, paths), "size of {tag}");
        }
        // Commits: what `git rev-list` gives for the stream's paths, less earlier releases
        // of the stream. git counts no merges with --no-merges; `commits` counts the merges
        // that bring changes to the paths, and `merges` says how many.
        let mut args = vec!["rev-list", "--count", "--no-merges", "--full-history", tag];
        let earlier: Vec<&str> = rows[..i]
            .iter()
            .filter(|e| e["stream"] == stream)
            .map(|e| e["tag"].as_str().unwrap())
            .collect();
        if !earlier.is_empty() {
            args.push("--not");
            args.extend(earlier);
        }
        args.push("--");
        args.extend_from_slice(paths);
        let want: u64 = git(&repo, &args).trim().parse().unwrap();
        let got = r["commits"].as_u64().unwrap() - r["merges"].as_u64().unwrap();
        assert_eq!(got, want, "commits of {tag}");
        checked += 1;
    }
    assert_eq!(checked, 7);
    // The merge of `feat` brought app/src/cli.rs: app-1.2.0 counts it as a merge.
    let app = by_tag(&rows, "app-1.2.0");
    assert_eq!(
        (app["commits"].as_u64(), app["merges"].as_u64()),
        (Some(3), Some(1))
    );
    // The shared root file is nobody's: app-1.1.0 is one commit of 3 lines.
    let first = by_tag(&rows, "app-1.1.0");
    assert_eq!(
        (first["commits"].as_u64(), first["lines_changed"].as_u64()),
        (Some(1), Some(3))
    );
    // The move counts as deletions in lib/ and additions in crates/lib/; the lock file the
    // release added is left out as in any release.
    let moved = by_tag(&rows, "lib-1.1.0");
    assert_eq!(moved["files_changed"], 4);
    assert_eq!(moved["excluded_lines"], 3);
}

#[test]
fn a_revert_fails_only_its_own_package() {
    let repo = fixture("monorepo.sh");
    // Bug (issue 8): unbound, lib-1.2.0 shipped the app commit and failed with it.
    let whole = releases(&repo, &[]);
    assert_eq!(by_tag(&whole, "app-1.2.0")["failed"], true);
    assert_eq!(by_tag(&whole, "lib-1.2.0")["failed"], true);

    let bound = releases(&repo, BOUND);
    let failed: Vec<&str> = bound
        .iter()
        .filter(|r| r["failed"] == true)
        .map(|r| r["tag"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["app-1.2.0"]);
    let app = by_tag(&bound, "app-1.2.0");
    assert_eq!(app["reverts"].as_array().unwrap().len(), 1);
    // Remedied by app-1.2.1, eight days later: a time to remedy; no incident, no restore.
    assert_eq!(app["time_to_remedy_seconds"], 8 * 86_400);
    assert_eq!(app["time_to_restore_seconds"], serde_json::Value::Null);
    assert_eq!(app["failure_signals"], serde_json::json!(["revert"]));
    // The revert itself is still listed, with its footprint.
    let report = json(&cadence(
        &repo,
        &[&["--format", "json", "--tag-pattern", STREAMS], BOUND].concat(),
    ));
    assert_eq!(
        report["settings"]["stream_paths"],
        serde_json::json!({"app": ["app/"], "lib": ["lib/", "crates/lib/"]})
    );
    let reverts = report["reverts"].as_array().unwrap();
    assert_eq!(reverts.len(), 1);
    assert_eq!(reverts[0]["kind"], "post_release");
    assert_eq!(reverts[0]["components"], serde_json::json!(["app/src"]));
}

#[test]
fn the_config_file_binds_like_the_flags_and_flags_win() {
    let repo = fixture("monorepo.sh");
    let copy = crate::common::scratch().join("monorepo-config");
    if !copy.exists() {
        git(
            crate::common::scratch(),
            &[
                "clone",
                "-q",
                repo.to_str().unwrap(),
                copy.to_str().unwrap(),
            ],
        );
        std::fs::write(
            copy.join(".git-cadence.toml"),
            "[streams.app]\npaths = [\"app/\"]\n\n[streams.lib]\npaths = [\"lib/\", \"crates/lib/\"]\n",
        )
        .unwrap();
    }
    let strip = |rows: Vec<Value>| -> Vec<(Value, Value, Value)> {
        rows.into_iter()
            .map(|r| {
                (
                    r["tag"].clone(),
                    r["commits"].clone(),
                    r["lines_changed"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(strip(releases(&copy, &[])), strip(releases(&repo, BOUND)));
    // A flag replaces the file's paths for its stream only.
    let narrowed = releases(&copy, &["--stream-path", "app=app/src/cli.rs"]);
    assert_eq!(by_tag(&narrowed, "app-1.2.0")["commits"], 2);
    assert_eq!(by_tag(&narrowed, "app-1.2.0")["lines_changed"], 4);
    assert_eq!(by_tag(&narrowed, "lib-1.1.0")["commits"], 3);
}

#[test]
fn the_cache_keeps_each_streams_paths_apart() {
    let repo = fixture("monorepo.sh");
    // Same diffs, different paths: a warm cache must not answer for the other paths.
    let first = releases(&repo, &["--stream-path", "app=app/"]);
    let second = releases(&repo, &["--stream-path", "app=app/src/cli.rs"]);
    assert_eq!(by_tag(&first, "app-1.2.0")["lines_changed"], 8);
    assert_eq!(by_tag(&second, "app-1.2.0")["lines_changed"], 4);
    let again = releases(&repo, &["--stream-path", "app=app/"]);
    assert_eq!(first, again);
}

#[test]
fn bad_stream_paths_are_exit_2_and_unknown_streams_a_warning() {
    let repo = fixture("monorepo.sh");
    for bad in ["app", "=app/", "app=../x/", "app=src/["] {
        let out = cadence(&repo, &["--tag-pattern", STREAMS, "--stream-path", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let (_, stderr) = text(&out);
        assert!(stderr.contains("stream"), "{stderr}");
    }
    let out = cadence(
        &repo,
        &["--tag-pattern", STREAMS, "--stream-path", "ap=app/"],
    );
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("stream `ap` is bound to paths, but no release belongs to it"),
        "{stderr}"
    );
}

#[test]
fn unmatched_prefixed_tags_are_named_with_a_ready_pattern() {
    let repo = fixture("monorepo.sh");
    let out = cadence(&repo, &[]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success());
    assert!(
        stderr.contains("7 tags look like releases of 2 prefixed streams but do not match"),
        "{stderr}"
    );
    assert!(stdout.contains("(app-1.2.1, lib-1.2.0, …)"), "{stdout}");
    // The pattern is on a line of its own, single-quoted, ready to paste.
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("--tag-pattern '"))
        .unwrap();
    let pattern = line
        .trim()
        .strip_prefix("--tag-pattern '")
        .and_then(|p| p.strip_suffix('\''))
        .unwrap();
    let rows = json(&cadence(
        &repo,
        &["releases", "--format", "json", "--tag-pattern", pattern],
    ))["releases"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(rows.len(), 7);
    let markdown = text(&cadence(&repo, &["--format", "markdown"])).0;
    assert!(
        markdown.contains("7 tags look like releases of 2 prefixed streams")
            && markdown.contains("`--tag-pattern '"),
        "{markdown}"
    );
    let report = json(&cadence(&repo, &["--format", "json"]));
    assert_eq!(report["unmatched_tags"]["tags"], 7);
    assert_eq!(report["unmatched_tags"]["suggested_tag_pattern"], pattern);
    // check and the hook say why there is no release, instead of "no tag matches".
    let (check, _) = text(&cadence(&repo, &["check"]));
    assert!(
        check.contains("7 tags look like releases of 2 prefixed streams")
            && check.contains("--tag-pattern '"),
        "{check}"
    );
    assert!(!check.contains("no tag matches"), "{check}");
    let (pr, _) = text(&cadence(
        &repo,
        &["pr", "--base", "HEAD~1", "--format", "markdown"],
    ));
    assert!(
        pr.contains("7 tags look like releases of 2 prefixed streams")
            && pr.contains("`--tag-pattern '"),
        "{pr}"
    );
}

#[test]
fn releases_streams_lists_streams_counts_paths_and_suggestions() {
    let repo = fixture("monorepo.sh");
    let args = [
        "releases",
        "--streams",
        "--tag-pattern",
        STREAMS,
        "--stream-path",
        "app=app/",
    ];
    let (stdout, _) = text(&cadence(&repo, &args));
    assert!(stdout.contains("app            4  app/"), "{stdout}");
    assert!(
        stdout.contains("lib            3  whole tree (workspace package at crates/lib/, lib/)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("--stream-path lib=crates/lib/ --stream-path lib=lib/"),
        "{stdout}"
    );
    let listed = json(&cadence(
        &repo,
        &[&args[..], &["--format", "json"]].concat(),
    ));
    assert_eq!(
        listed["streams"],
        serde_json::json!([
            {"stream": "app", "releases": 4, "paths": ["app/"], "suggested_paths": []},
            {"stream": "lib", "releases": 3, "paths": [], "suggested_paths": ["crates/lib/", "lib/"]},
        ])
    );
    let csv = text(&cadence(&repo, &[&args[..], &["--format", "csv"]].concat())).0;
    assert_eq!(
        csv,
        "stream,releases,paths,suggested_paths\napp,4,app/,\nlib,3,,crates/lib/ lib/\n"
    );
    // Suggestions are only offered, never applied: lib still owns the whole tree.
    let rows = releases(&repo, &["--stream-path", "app=app/"]);
    assert_eq!(by_tag(&rows, "lib-1.2.0")["failed"], true);
}
