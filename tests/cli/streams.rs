//! Monorepo streams, deploys files and the report window.

use std::path::Path;

use serde_json::Value;

use crate::common::{cadence, fixture, json, text};

const STREAMS: &str = r"^(?P<stream>cli|lib)(?:-v|@)(?P<version>\d+\.\d+\.\d+)$";

fn rows(repo: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["releases", "--format", "json"];
    all.extend_from_slice(args);
    json(&cadence(repo, &all))["releases"]
        .as_array()
        .cloned()
        .unwrap()
}

#[test]
fn each_stream_is_analysed_on_its_own() {
    let repo = fixture("streams.sh");
    let rows = rows(&repo, &["--tag-pattern", STREAMS]);
    let tags: Vec<&str> = rows.iter().map(|r| r["tag"].as_str().unwrap()).collect();
    assert_eq!(tags, ["cli-v1.0.0", "lib@1.0.0", "cli-v1.1.0", "lib@1.1.0"]);
    let streams: Vec<&str> = rows.iter().map(|r| r["stream"].as_str().unwrap()).collect();
    assert_eq!(streams, ["cli", "lib", "cli", "lib"]);
    assert_eq!(rows[2]["previous"], "cli-v1.0.0");
    assert_eq!(rows[3]["previous"], "lib@1.0.0");
    assert_eq!(rows[2]["interval_seconds"], 3 * 86_400);
    assert_eq!(rows[3]["interval_seconds"], 6 * 86_400);
    // Within its stream, cli-v1.1.0 ships c2 and c3; lib@1.1.0 ships c3 and c4.
    assert_eq!(rows[2]["commits"], 2);
    assert_eq!(rows[3]["commits"], 2);
    // lib@1.0.0 is the first of its line: it shipped c1 and c2.
    assert_eq!(rows[1]["commits"], 2);
    assert_eq!(rows[1]["previous"], Value::Null);

    let report = json(&cadence(
        &repo,
        &["--format", "json", "--tag-pattern", STREAMS],
    ));
    let per_stream = report["summary"]["streams"].as_array().unwrap();
    assert_eq!(per_stream.len(), 2);
    assert_eq!(per_stream[0]["stream"], "cli");
    assert_eq!(per_stream[0]["median_interval_seconds"], 3 * 86_400);
    assert_eq!(per_stream[1]["median_interval_seconds"], 6 * 86_400);
}

#[test]
fn a_bad_tag_pattern_is_exit_2_naming_it() {
    let out = cadence(&fixture("streams.sh"), &["--tag-pattern", "(unclosed"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = text(&out);
    assert!(stderr.contains("bad tag pattern `(unclosed`"), "{stderr}");
}

#[test]
fn deploys_play_the_part_of_releases() {
    let repo = fixture("releases.sh");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/deploys.csv");
    let rows = rows(&repo, &["--deploys", file.to_str().unwrap()]);
    let names: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["stream"].as_str().unwrap(), r["time"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("production", "2024-01-10T12:00:00Z"),
            ("staging", "2024-01-13T18:00:00Z"),
            ("production", "2024-01-14T12:00:00Z"),
            // Deployed twice: dated by the first deploy.
            ("production", "2024-01-16T12:00:00Z"),
        ]
    );
    assert_eq!(rows[0]["version"], Value::Null);
    // Production's second deploy follows the first; the staging one is the first of its line.
    assert_eq!(rows[2]["previous"], rows[0]["tag"]);
    assert_eq!(rows[2]["interval_seconds"], 4 * 86_400);
    assert_eq!(rows[1]["previous"], Value::Null);
    // v1.0.0 → v1.1.0 is the rename: 2 files, 20 + 20 lines.
    assert_eq!(rows[2]["files_changed"], 2);
    assert_eq!(rows[2]["lines_changed"], 40);
}

#[test]
fn a_bad_deploys_row_names_its_line() {
    let bad = crate::common::scratch().join("bad-deploys.csv");
    std::fs::write(
        &bad,
        "commit,time\nv1.0.0,2024-01-10\nnosuchrev,2024-01-11\n",
    )
    .unwrap();
    let out = cadence(
        &fixture("releases.sh"),
        &["--deploys", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = text(&out);
    assert!(stderr.contains("bad-deploys.csv:3:"), "{stderr}");
    assert!(stderr.contains("nosuchrev"), "{stderr}");
}

#[test]
fn since_and_until_choose_the_releases_listed_but_not_their_previous() {
    let repo = fixture("releases.sh");
    let rows = rows(&repo, &["--since", "2024-01-11", "--until", "2024-01-13"]);
    let tags: Vec<&str> = rows.iter().map(|r| r["tag"].as_str().unwrap()).collect();
    assert_eq!(tags, ["v0.2.2", "v1.1.0"]);
    // Their previous releases are outside the window and still count.
    assert_eq!(rows[0]["previous"], "0.2.1");
    assert_eq!(rows[1]["files_changed"], 2);
    let out = cadence(&repo, &["--since", "last tuesday"]);
    assert_eq!(out.status.code(), Some(2));
}
