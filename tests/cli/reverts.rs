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

#[test]
fn failed_releases_time_to_restore_and_change_failure_rate() {
    let r = report(&[]);
    for (tag, failed, ttr) in [
        ("v1.0.0", true, Some(432_000)),
        ("v1.1.0", false, None),
        ("v1.2.0", true, Some(864_000)),
        ("v1.3.0", false, None),
        ("v1.4.0", true, Some(604_800)),
        ("v1.3.1", true, Some(259_200)),
        ("v1.3.2", false, None),
        ("v1.5.0", false, None),
    ] {
        let x = release(&r, tag);
        assert_eq!(x["failed"], failed, "{tag}");
        assert_eq!(x["time_to_restore_seconds"].as_i64(), ttr, "{tag}");
    }
    assert_eq!(
        release(&r, "v1.2.0")["reverts"].as_array().unwrap().len(),
        6
    );
    // 3 failed of the 7 releases that have a previous release (v1.0.0 has none).
    let cfr = r["summary"]["change_failure_rate"].as_f64().unwrap();
    assert!((cfr - 3.0 / 7.0).abs() < 1e-12, "{cfr}");
    // The fix trailer is a second signal, kept apart: v1.1.0 is not failed.
    assert_eq!(r["fixes"].as_array().unwrap().len(), 1);
    assert_eq!(release(&r, "v1.1.0")["fixes"].as_array().unwrap().len(), 1);
    // Seven releases with a previous release: not enough to relate size to failure.
    assert_eq!(
        r["summary"]["size_vs_failure"]["verdict"],
        "insufficient_evidence"
    );
    assert!(r["summary"]["headline"]
        .as_str()
        .unwrap()
        .starts_with("Not enough evidence"));
}

#[test]
fn incident_linked_failure_mode_counts_only_incidents() {
    let r = report(&["--failure", "incident-linked"]);
    let failed: Vec<&str> = r["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["failed"] == true)
        .map(|x| x["tag"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["v1.2.0"]);
    let cfr = r["summary"]["change_failure_rate"].as_f64().unwrap();
    assert!((cfr - 1.0 / 7.0).abs() < 1e-12, "{cfr}");
}

#[test]
fn repeat_incidents_mark_components_hit_again() {
    let r = report(&[]);
    let rep = &r["summary"]["repeat_incidents"];
    // Post-release reverts, the cherry-picked copy left out as the same incident.
    assert_eq!(rep["incidents"], 8);
    assert_eq!(rep["top_components"][0]["component"], "src");
    // The first post-release revert cannot be a repeat; a later one in `src` is.
    assert_eq!(revert(&r, "Revert \"Add parser\"")["repeat"], false);
    assert_eq!(revert(&r, "Revert \"Add metrics\"")["repeat"], true);
}
