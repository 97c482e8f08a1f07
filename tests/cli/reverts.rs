//! Reverts, incidents, failed releases and the JSON fields of PRODUCT.md, on
//! `fixtures/reverts/make.sh` (its header lists every expected answer pinned here).

use serde_json::Value;

use crate::common::{cadence, fixture, json};

fn report(args: &[&str]) -> Value {
    let repo = fixture("reverts/make.sh");
    let incidents = repo.join("incidents.csv");
    let mut all = vec![
        "--format",
        "json",
        "--incidents",
        incidents.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    json(&cadence(&repo, &all))
}

fn revert<'a>(r: &'a Value, subject: &str) -> &'a Value {
    r["reverts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subject"] == subject)
        .unwrap_or_else(|| panic!("no revert {subject}"))
}

fn release<'a>(r: &'a Value, tag: &str) -> &'a Value {
    r["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["tag"] == tag)
        .unwrap()
}

#[test]
fn each_revert_form_is_found_and_classified() {
    let r = report(&[]);
    let cases = [
        (
            "Revert \"Add parser\"",
            "post_release",
            "message",
            "v1.0.0",
            "v1.1.0",
        ),
        (
            "Revert \"Add metrics\"",
            "post_release",
            "pull_request",
            "v1.2.0",
            "v1.3.0",
        ),
        (
            "Revert \"Merge branch 'exporter'\"",
            "post_release",
            "message",
            "v1.2.0",
            "v1.3.0",
        ),
        (
            "Revert \"Add cli (#34)\" (#35)",
            "post_release",
            "pull_request",
            "v1.2.0",
            "v1.3.0",
        ),
        (
            "Revert \"Tune cache size\"",
            "post_release",
            "subject",
            "v1.2.0",
            "v1.3.0",
        ),
        (
            "Revert two docs changes",
            "post_release",
            "message",
            "v1.2.0",
            "v1.3.0",
        ),
        ("Clean up", "post_release", "patch_id", "v1.2.0", "v1.3.0"),
    ];
    for (subject, kind, method, introduced, shipped) in cases {
        let x = revert(&r, subject);
        assert_eq!(x["kind"], kind, "{subject}");
        assert_eq!(x["method"], method, "{subject}");
        assert_eq!(x["introduced_in"], introduced, "{subject}");
        assert_eq!(x["shipped_in"], shipped, "{subject}");
        assert_eq!(x["commit"].as_str().unwrap().len(), 40, "full shas");
    }
    // The Rails plural form reverts two commits.
    assert_eq!(
        revert(&r, "Revert two docs changes")["reverted"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Reverted in the release that shipped it: never reached users.
    assert_eq!(revert(&r, "Revert \"Add logger\"")["kind"], "pre_release");
    assert_eq!(
        revert(&r, "Revert \"Revert \"Add parser\"\"")["kind"],
        "reapply"
    );
    let old = revert(&r, "Revert \"Old thing\"");
    assert_eq!(old["kind"], "unresolved");
    assert_eq!(old["introduced_in"], Value::Null);
    // A merge that carries a revert message is not a revert.
    assert!(r["reverts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["subject"] != "Merge branch 'notes'"));
    assert_eq!(r["summary"]["revert_counts"]["total"], 12);
}

#[test]
fn incident_links_come_from_the_pattern_and_the_incidents_file() {
    let r = report(&[]);
    let exporter = revert(&r, "Revert \"Merge branch 'exporter'\"");
    assert_eq!(exporter["incident_linked"], true);
    assert_eq!(
        exporter["incident_refs"],
        serde_json::json!(["Hotfix", "outage"])
    );
    assert_eq!(
        revert(&r, "Revert \"Add cli (#34)\" (#35)")["incident_linked"],
        true
    );
    assert_eq!(revert(&r, "Clean up")["incident_linked"], true);
    assert_eq!(
        revert(&r, "Revert \"Tune cache size\"")["incident_linked"],
        false
    );
    assert_eq!(r["summary"]["revert_counts"]["incident_linked"], 3);
}

fn failed_tags(r: &Value) -> Vec<String> {
    r["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["failed"] == true)
        .map(|x| x["tag"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn failure_signals_both_clocks_and_change_failure_rate() {
    let r = report(&[]);
    for (tag, signals, remedy, restore) in [
        ("v1.0.0", vec!["revert"], Some(432_000), None),
        // The `Fixes:` trailer of d28 names "Add cache" of v1.1.0: a fix forward fails a
        // release; v1.3.0 (d30) shipped it.
        ("v1.1.0", vec!["fix"], Some(1_900_800), None),
        // OPS-9 lists no commits and was opened while v1.2.0 was live: 8 hours to restore.
        (
            "v1.2.0",
            vec!["incident", "revert"],
            Some(864_000),
            Some(28_800),
        ),
        ("v1.3.0", vec![], None, None),
        ("v1.4.0", vec!["revert"], Some(604_800), None),
        ("v1.3.1", vec!["revert"], Some(259_200), None),
        ("v1.3.2", vec![], None, None),
        ("v1.5.0", vec![], None, None),
    ] {
        let x = release(&r, tag);
        assert_eq!(x["failed"], !signals.is_empty(), "{tag}");
        assert_eq!(x["failure_signals"], serde_json::json!(signals), "{tag}");
        assert_eq!(x["time_to_remedy_seconds"].as_i64(), remedy, "{tag}");
        assert_eq!(x["time_to_restore_seconds"].as_i64(), restore, "{tag}");
    }
    assert_eq!(
        release(&r, "v1.2.0")["reverts"].as_array().unwrap().len(),
        6
    );
    assert_eq!(
        release(&r, "v1.2.0")["incidents"],
        serde_json::json!(["OPS-9", "OPS-7"])
    );
    // 4 failed of the 7 releases that have a previous release (v1.0.0 has none).
    let s = &r["summary"];
    let cfr = s["change_failure_rate"].as_f64().unwrap();
    assert!((cfr - 4.0 / 7.0).abs() < 1e-12, "{cfr}");
    assert_eq!(
        (
            s["failed_releases"].as_u64(),
            s["releases_with_previous"].as_u64()
        ),
        (Some(4), Some(7))
    );
    assert_eq!(
        s["failure_signals"],
        serde_json::json!(["fix", "incident", "revert"])
    );
    assert_eq!(
        s["failure_signals_seen"],
        serde_json::json!(["fix", "incident", "revert"])
    );
    assert_eq!(s["time_to_restore_median_seconds"], 28_800);
    assert_eq!(s["time_to_remedy_median_seconds"], 604_800);
    // The docs-only revert and "Clean up" (README.md) are listed but set aside.
    assert_eq!(s["revert_counts"]["reverts_set_aside"], 2);
    let docs = revert(&r, "Revert two docs changes");
    assert_eq!(
        (&docs["production"], &docs["counted"]),
        (&Value::Bool(false), &Value::Bool(false))
    );
    assert_eq!(revert(&r, "Revert \"Add parser\"")["counted"], true);
    assert_eq!(
        revert(&r, "Revert \"Add logger\"")["production"],
        Value::Null
    );
    // Seven releases with a previous release: not enough to relate size to failure.
    assert_eq!(s["size_vs_failure"]["verdict"], "insufficient_evidence");
    assert!(s["headline"]
        .as_str()
        .unwrap()
        .starts_with("Not enough evidence"));
    assert_eq!(r["incidents"].as_array().unwrap().len(), 2);
    assert_eq!(r["settings"]["failure"], "revert,fix,incident");
}

#[test]
fn failure_revert_counts_reverts_only() {
    let r = report(&["--failure", "revert"]);
    assert_eq!(failed_tags(&r), ["v1.0.0", "v1.2.0", "v1.4.0", "v1.3.1"]);
    // The fix and the incidents are still listed, and give no clock.
    assert_eq!(release(&r, "v1.1.0")["fixes"].as_array().unwrap().len(), 1);
    assert_eq!(
        release(&r, "v1.2.0")["time_to_restore_seconds"],
        Value::Null
    );
    assert_eq!(
        r["summary"]["failure_signals"],
        serde_json::json!(["revert"])
    );
    let cfr = r["summary"]["change_failure_rate"].as_f64().unwrap();
    assert!((cfr - 3.0 / 7.0).abs() < 1e-12, "{cfr}");
    assert_eq!(r["settings"]["failure"], "revert");
    // Repeats over counted reverts only: "repeat failures", not incidents.
    assert_eq!(r["summary"]["repeat_incidents"]["label"], "repeat_failures");
}

#[test]
fn a_bad_failure_signal_is_exit_2_naming_it() {
    let repo = fixture("reverts/make.sh");
    let out = cadence(&repo, &["--failure", "revert,crash"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("crash") && err.contains("incident-linked"),
        "{err}"
    );
}

#[test]
fn non_production_in_the_config_replaces_the_default_list() {
    let repo = crate::common::scratch().join("reverts-nonprod");
    let _ = std::fs::remove_dir_all(&repo);
    let status = std::process::Command::new("cp")
        .args(["-r"])
        .arg(fixture("reverts/make.sh"))
        .arg(&repo)
        .status()
        .unwrap();
    assert!(status.success());
    // Only `src/parser.rs` is set aside now; the docs revert counts again.
    std::fs::write(
        repo.join(".git-cadence.toml"),
        "non_production = [\"src/parser.rs\"]\n",
    )
    .unwrap();
    let r = json(&cadence(
        &repo,
        &["--format", "json", "--failure", "revert"],
    ));
    assert_eq!(revert(&r, "Revert two docs changes")["counted"], true);
    assert_eq!(revert(&r, "Revert \"Add parser\"")["counted"], false);
    assert_eq!(failed_tags(&r), ["v1.2.0", "v1.4.0", "v1.3.1"]);
    assert_eq!(
        r["settings"]["non_production"],
        serde_json::json!(["src/parser.rs"])
    );
}

#[test]
fn repeat_incidents_mark_components_hit_again() {
    let r = report(&[]);
    let rep = &r["summary"]["repeat_incidents"];
    // Counted failures: 6 production post-release reverts (the cherry-picked copy left out as
    // the same failure), the fix, and OPS-7 (OPS-9 lists no commit).
    assert_eq!(rep["incidents"], 8);
    assert_eq!(rep["label"], "repeat_failures");
    assert_eq!(rep["per_year"][0]["year"], 2023);
    assert_eq!(rep["per_year"][0]["events"], 8);
    // The docs-only revert has no footprint: it is not counted.
    assert_eq!(
        revert(&r, "Revert two docs changes")["components"],
        serde_json::json!([])
    );
    assert_eq!(rep["top_components"][0]["component"], "src");
    // The first post-release revert cannot be a repeat; a later one in `src` is.
    assert_eq!(revert(&r, "Revert \"Add parser\"")["repeat"], false);
    assert_eq!(revert(&r, "Revert \"Add metrics\"")["repeat"], true);
}
