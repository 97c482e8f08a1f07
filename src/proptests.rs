//! Property tests: the parsers of untrusted input (versions and tag patterns, deploys and
//! incidents files as CSV and JSON, `.git-cadence.toml`) and the attribution invariants
//! (every commit in at most one release per stream; a release's commits are reachable from
//! it). Case count: [`crate::proptest_config`].

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use proptest::prelude::*;

use crate::analysis::releases::{parse_tag, place_releases, ReleasePoint, Version};
use crate::config::DEFAULT_TAG_PATTERN;
use crate::facts::{CommitFacts, CommitId, History};

fn config() -> ProptestConfig {
    crate::proptest_config()
}

/// A deploy row: commit, time, environment.
fn deploy_row() -> impl Strategy<Value = (String, i64, String)> {
    (
        "[0-9a-f]{7,40}",
        0i64..=253_402_300_799,
        "[a-zA-Z0-9 ,\"\\n#@=-]{0,16}",
    )
}

fn csv_of(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("write");
    }
    String::from_utf8(w.into_inner().expect("flush")).expect("utf-8")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn versions_order_like_their_numbers(a in prop::array::uniform3(0u64..1000), b in prop::array::uniform3(0u64..1000)) {
        let va = Version::parse(&format!("{}.{}.{}", a[0], a[1], a[2])).expect("version");
        let vb = Version::parse(&format!("{}.{}.{}", b[0], b[1], b[2])).expect("version");
        prop_assert_eq!(va.cmp(&vb), a.cmp(&b));
        prop_assert_eq!(va.to_string(), format!("{}.{}.{}", a[0], a[1], a[2]));
    }

    #[test]
    fn the_default_pattern_reads_releases_and_prereleases(
        parts in prop::collection::vec(0u64..10_000, 2..=4),
        v in any::<bool>(),
        pre in prop::option::of("-(rc|beta|alpha)\\.[0-9]{1,2}"),
    ) {
        let nums: Vec<String> = parts.iter().map(u64::to_string).collect();
        let name = format!("{}{}{}", if v { "v" } else { "" }, nums.join("."), pre.clone().unwrap_or_default());
        let pattern = regex::Regex::new(DEFAULT_TAG_PATTERN).expect("pattern");
        let parsed = parse_tag(&name, &pattern).expect("a release tag");
        prop_assert_eq!(&parsed.version.parts[..parts.len()], &parts[..]);
        prop_assert_eq!(parsed.prerelease, pre.is_some());
        prop_assert_eq!(parsed.stream, "");
    }

    #[test]
    fn any_tag_name_or_version_text_is_read_without_panic(name in "\\PC{0,40}") {
        let pattern = regex::Regex::new(DEFAULT_TAG_PATTERN).expect("pattern");
        let _ = parse_tag(&name, &pattern);
        let _ = Version::parse(&name);
    }

    #[test]
    fn deploys_csv_written_by_the_csv_crate_reads_back(rows in prop::collection::vec(deploy_row(), 0..12)) {
        let mut records = vec![vec!["commit".to_string(), "time".into(), "environment".into()]];
        records.extend(rows.iter().map(|(c, t, e)| vec![c.clone(), t.to_string(), e.clone()]));
        let text = csv_of(&records);
        let got = crate::deploys::parse(Path::new("d.csv"), &text).expect("valid CSV");
        prop_assert_eq!(got.len(), rows.len());
        for (g, (c, t, e)) in got.iter().zip(&rows) {
            prop_assert_eq!(&g.commit, c);
            prop_assert_eq!(g.time, *t);
            // Fields are trimmed, as in a hand-edited file.
            prop_assert_eq!(g.environment.as_str(), e.trim());
        }
        // Each row's line is where it starts in the file.
        for w in got.windows(2) {
            prop_assert!(w[0].line < w[1].line);
        }
    }

    #[test]
    fn deploys_json_lines_read_back(rows in prop::collection::vec(deploy_row(), 1..12)) {
        let text: Vec<String> = rows
            .iter()
            .map(|(c, t, e)| serde_json::json!({"commit": c, "time": t, "environment": e}).to_string())
            .collect();
        let got = crate::deploys::parse(Path::new("d.jsonl"), &text.join("\n")).expect("valid");
        let want: Vec<(String, i64, String)> = rows.clone();
        let got: Vec<(String, i64, String)> = got.into_iter().map(|d| (d.commit, d.time, d.environment)).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn incidents_csv_and_json_read_back(
        rows in prop::collection::vec(
            ("[A-Z]{2,4}-[0-9]{1,5}", 0i64..4_000_000_000, prop::option::of(0i64..100_000_000), prop::collection::vec("[0-9a-f]{7,12}", 0..3)),
            0..10,
        )
    ) {
        let mut seen = HashSet::new();
        let rows: Vec<_> = rows.into_iter().filter(|r| seen.insert(r.0.clone())).collect();
        let rfc = |t: i64| chrono::DateTime::from_timestamp(t, 0).expect("time").to_rfc3339();
        let mut records = vec![vec!["id".to_string(), "opened".into(), "resolved".into(), "commits".into()]];
        for (id, opened, took, commits) in &rows {
            records.push(vec![
                id.clone(),
                rfc(*opened),
                took.map(|d| rfc(opened + d)).unwrap_or_default(),
                commits.join(", "),
            ]);
        }
        let csv = crate::incidents::parse_incidents(Path::new("i.csv"), &csv_of(&records)).expect("valid");
        let json: Vec<serde_json::Value> = rows.iter().map(|(id, opened, took, commits)| serde_json::json!({
            "id": id, "opened": rfc(*opened), "resolved": took.map(|d| rfc(opened + d)), "commits": commits,
        })).collect();
        let json = crate::incidents::parse_incidents(Path::new("i.json"), &serde_json::to_string_pretty(&json).expect("json")).expect("valid");
        for parsed in [csv, json] {
            prop_assert_eq!(parsed.incidents.len(), rows.len());
            for (inc, (id, opened, took, commits)) in parsed.incidents.iter().zip(&rows) {
                prop_assert_eq!(&inc.id, id);
                prop_assert_eq!(inc.opened, *opened);
                prop_assert_eq!(inc.resolved, took.map(|d| opened + d));
                prop_assert_eq!(&inc.commits, commits);
            }
        }
    }

    #[test]
    fn any_deploys_incidents_or_config_text_is_read_without_panic(text in "(\\PC|\\n|\"|,){0,200}") {
        let _ = crate::deploys::parse(Path::new("d"), &text);
        let _ = crate::incidents::parse_incidents(Path::new("i"), &text);
        let _ = crate::config_file::FileConfig::parse(Path::new("/r/.git-cadence.toml"), &text);
    }

    #[test]
    fn config_values_read_back(
        depth in 1usize..10,
        window in 1u32..400,
        globs in prop::collection::vec("[a-z]{1,8}/\\*\\*", 0..4),
        file in "[a-z]{1,8}(/[a-z]{1,8}){0,2}\\.csv",
        lines in prop::option::of(0u64..100_000),
    ) {
        let text = format!(
            "component_depth = {depth}\nwindow_days = {window}\nexclude = {globs:?}\ndeploys = {file:?}\n{}",
            lines.map(|l| format!("[check]\nmax_unreleased_lines = {l}\n")).unwrap_or_default()
        );
        let c = crate::config_file::FileConfig::parse(Path::new("/r/.git-cadence.toml"), &text).expect("valid");
        prop_assert_eq!(c.component_depth, Some(depth));
        prop_assert_eq!(c.window_days, Some(window));
        prop_assert_eq!(c.exclude, globs);
        prop_assert_eq!(c.deploys, Some(Path::new("/r").join(&file)));
        prop_assert_eq!(c.check.max_unreleased_lines, lines);
    }

    #[test]
    fn a_config_path_never_leaves_the_repository(path in "(\\.\\./|[a-z]{1,3}/|/|\\./){0,6}[a-z]{0,4}") {
        let text = format!("incidents = {path:?}\n");
        if let Ok(c) = crate::config_file::FileConfig::parse(Path::new("/r/.git-cadence.toml"), &text) {
            let p = c.incidents.expect("set");
            // Lexically normalised, it stays under /r.
            let mut depth: i64 = 0;
            for comp in p.strip_prefix("/r").expect("joined to the root").components() {
                match comp {
                    std::path::Component::ParentDir => depth -= 1,
                    std::path::Component::Normal(_) => depth += 1,
                    std::path::Component::RootDir | std::path::Component::Prefix(_) => depth = -100,
                    std::path::Component::CurDir => {}
                }
                prop_assert!(depth >= 0, "{} leaves the repository", p.display());
            }
        }
    }

    #[test]
    fn attribution_puts_each_commit_in_at_most_one_release_per_stream_and_only_reachable_ones(
        parents in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..3), 1..40),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 0i64..50, any::<bool>()), 0..12),
    ) {
        let (history, ids) = dag(&parents);
        let n = ids.len();
        let points: Vec<ReleasePoint> = picks
            .iter()
            .map(|(i, t, s)| {
                let k = i.index(n);
                ReleasePoint {
                    name: format!("r{k}-{t}-{s}"),
                    other_names: Vec::new(),
                    version: None,
                    stream: if *s { "a".into() } else { String::new() },
                    commit: ids[k],
                    time: *t,
                }
            })
            .collect();
        let mut points = points;
        points.sort_by_key(|p| p.time);
        let set = place_releases(points, &history);
        let mut owned: std::collections::HashMap<&str, BTreeSet<u32>> = std::collections::HashMap::new();
        for r in &set.releases {
            let reach = reachable(&history, r.commit_idx);
            let mine = owned.entry(r.point.stream.as_str()).or_default();
            for &c in &r.commits {
                prop_assert!(reach.contains(&c), "{} holds unreachable commit {c}", r.point.name);
                prop_assert!(mine.insert(c), "commit {c} in two releases of stream {:?}", r.point.stream);
            }
        }
    }
}

/// A random DAG: commit `k` (in the order commits happen) has 0 to 2 parents among earlier
/// commits. Returns the history (children first) and the id of each commit by `k`.
fn dag(spec: &[(prop::sample::Index, prop::sample::Index, u8)]) -> (History, Vec<CommitId>) {
    let n = spec.len();
    let id = |k: usize| {
        let mut b = [0u8; 20];
        b[..8].copy_from_slice(&(k as u64 + 1).to_be_bytes());
        CommitId(b)
    };
    // Children first: commit k sits at index n - 1 - k.
    let commits = (0..n)
        .rev()
        .map(|k| {
            let (a, b, count) = &spec[k];
            let mut ps: Vec<u32> = Vec::new();
            if k > 0 {
                for idx in [a, b].iter().take(usize::from(*count)) {
                    let p = idx.index(k);
                    let at = (n - 1 - p) as u32;
                    if !ps.contains(&at) {
                        ps.push(at);
                    }
                }
            }
            CommitFacts {
                id: id(k),
                parents: ps,
                author_name: String::new(),
                author_email: String::new(),
                author_time: k as i64,
                committer_time: k as i64,
                message: String::new(),
            }
        })
        .collect();
    (History::new(commits), (0..n).map(id).collect())
}

fn reachable(history: &History, from: u32) -> HashSet<u32> {
    let mut seen = HashSet::new();
    let mut stack = vec![from];
    while let Some(c) = stack.pop() {
        if seen.insert(c) {
            stack.extend(&history.commits[c as usize].parents);
        }
    }
    seen
}
