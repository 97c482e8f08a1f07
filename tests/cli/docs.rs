//! What a new user meets first: the demo, the JSON Schema of the report (fresh, and true of
//! real reports), each command's formats, `config`, and completions of `git cadence` in bash.

use std::path::Path;

use crate::check::TestRepo;
use crate::common::{cadence, cadence_cmd, fixture, json, text};

/// `git cadence demo` prints the full report on its sample history, the same every time
/// (the sample's dates are fixed and its "now" is the day after its last commit).
#[test]
fn the_demo_prints_the_full_report() {
    let repo = TestRepo::new();
    let run = || {
        let out = cadence(&repo.root, &["demo", "--color", "never"]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains("a sample service with"), "{stderr}");
        // The temporary directory is named in the first line only.
        let (first, rest) = stdout.split_once('\n').expect("lines");
        assert!(first.starts_with("git-cadence · "), "{first}");
        assert!(
            !Path::new(first.trim_start_matches("git-cadence · ")).exists(),
            "removed"
        );
        rest.to_string()
    };
    let report = run();
    assert_eq!(report, run(), "the demo is deterministic");
    for part in [
        "Size vs failure",
        "Cadence",
        "Failures: reverts, fixes, incidents",
        "incident-linked: 3",
    ] {
        assert!(report.contains(part), "demo lacks {part}:\n{report}");
    }
    insta::assert_snapshot!(report);

    // Kept with --out, it is a repository to try other commands on.
    let kept = repo.sibling("sample");
    let out = cadence(
        &repo.root,
        &["demo", "--out", kept.to_str().expect("utf-8"), "-q"],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let v = json(&cadence(
        &kept.join("sample-service"),
        &["releases", "--format", "json"],
    ));
    assert_eq!(v["releases"].as_array().map(Vec::len), Some(44));
    // A directory in use is refused.
    let out = cadence(
        &repo.root,
        &["demo", "--out", kept.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
}

/// docs/schema.json is what `generate schema` derives from the report model, and reports
/// of the fixtures (and the demo) validate against it.
#[test]
fn reports_validate_against_the_json_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = text(&cadence(root, &["generate", "schema"])).0;
    let shipped = std::fs::read_to_string(root.join("docs/schema.json")).unwrap_or_default();
    assert!(
        generated == shipped,
        "docs/schema.json is stale: the report model changed. Refresh it with\n    cargo run -- generate schema --out docs\nand commit it."
    );
    let schema: serde_json::Value = serde_json::from_str(&generated).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");

    let mut reports = Vec::new();
    for script in ["releases.sh", "reverts/make.sh", "streams.sh"] {
        reports.push((script, cadence(&fixture(script), &["--format", "json"])));
    }
    let repo = TestRepo::new();
    reports.push((
        "demo",
        cadence(&repo.root, &["demo", "--format", "json", "-q"]),
    ));
    for (name, out) in reports {
        let report = json(&out);
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }

    // The schema is strict enough to catch a broken report.
    let mut broken = json(&cadence(&fixture("releases.sh"), &["--format", "json"]));
    broken["releases"][0]["commit"] = "not-a-sha".into();
    broken["summary"]
        .as_object_mut()
        .expect("summary")
        .remove("headline");
    assert!(!validator.is_valid(&broken));
}

// Issue 10: `pr --help` offered `--format csv`, which then exited 2.
#[test]
fn each_command_offers_only_the_formats_it_produces() {
    let repo = TestRepo::new();
    let help = |args: &[&str]| text(&cadence(&repo.root, args)).0;
    let pr = help(&["pr", "--help"]);
    assert!(pr.contains("table, json, markdown]"), "{pr}");
    assert!(!pr.contains("csv"), "{pr}");
    assert!(help(&["releases", "--help"]).contains("table, json, markdown, csv"));
    assert!(help(&["config", "--help"]).contains("[possible values: table, json]"));
    assert!(!help(&["hook", "run", "--help"]).contains("--format"));
    let out = cadence(&repo.root, &["pr", "--base", "main", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("invalid value 'csv'"),
        "{:?}",
        text(&out)
    );
    let out = cadence(&repo.root, &["hook", "run", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    // The report keeps every format, before or after the command name.
    let dir = fixture("releases.sh");
    assert!(cadence(&dir, &["--format", "csv"]).status.success());
    assert!(cadence(&dir, &["releases", "--format", "csv"])
        .status
        .success());
    let v = json(&cadence(
        &dir,
        &["--format", "json", "pr", "--base", "v1.1.0"],
    ));
    assert!(v["change"]["lines_changed"].is_u64(), "{v}");
}

/// Every config-file knob has a flag, and `config` says where each setting came from.
#[test]
fn config_prints_each_setting_and_its_source() {
    let repo = TestRepo::new();
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        "component_depth = 3\nlookback_days = 90\n[check]\nmax_unreleased_days = 14\n",
    )
    .expect("write");
    let v = json(&cadence(
        &repo.root,
        &[
            "config",
            "--format",
            "json",
            "--lookback-days",
            "30",
            "--window-days",
            "7",
        ],
    ));
    let get = |key: &str| {
        v["settings"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["key"] == key))
            .map(|r| (r["value"].clone(), r["source"].clone()))
            .expect(key)
    };
    assert_eq!(get("component_depth"), ("3".into(), "file".into()));
    assert_eq!(get("lookback_days"), ("30".into(), "flag".into()));
    assert_eq!(get("window_days"), ("7".into(), "flag".into()));
    assert_eq!(
        get("failure"),
        ("revert,fix,incident".into(), "default".into())
    );
    assert_eq!(
        get("check.max_unreleased_days"),
        ("14".into(), "file".into())
    );
    let table = text(&cadence(&repo.root, &["config"])).0;
    assert!(table.contains("component_depth"), "{table}");
    assert!(table
        .lines()
        .any(|l| l.contains("lookback_days") && l.contains("file")));

    // The flags reach the analysis.
    let dir = fixture("reverts/make.sh");
    let v = json(&cadence(
        &dir,
        &[
            "--format",
            "json",
            "--component-depth",
            "1",
            "--lookback-days",
            "5",
            "--window-days",
            "30",
        ],
    ));
    assert_eq!(v["settings"]["component_depth"], 1);
    assert_eq!(v["settings"]["lookback_days"], 5);
    assert_eq!(v["settings"]["window_days"], 30);
    let out = cadence(&dir, &["--component-depth", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

// Issue 10: bash completion registered `_git__cadence` only, so `git cadence <TAB>`
// completed nothing: git's completion calls `_git_cadence`.
#[test]
fn bash_completes_git_space_cadence() {
    let repo = TestRepo::new();
    let script = repo.sibling("git-cadence.bash");
    let out = cadence(&repo.root, &["generate", "completions", "bash"]);
    std::fs::write(&script, &out.stdout).expect("write");
    let complete = |words: &str, cword: usize| {
        let out = cadence_cmd(&repo.root, &[]).get_program().to_owned();
        let _ = out;
        let shell = format!(
            "source '{}'; words=({words}); cword={cword}; _git_cadence; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &shell])
            .output()
            .expect("bash");
        assert!(out.status.success(), "{:?}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let subcommands = complete("git cadence re", 2);
    for word in ["releases", "report", "reverts"] {
        assert!(subcommands.lines().any(|l| l == word), "{subcommands}");
    }
    let flags = complete("git cadence pr --ba", 3);
    assert!(flags.lines().any(|l| l == "--base"), "{flags}");
    let formats = complete("git cadence pr --format ''", 4);
    assert_eq!(
        formats.lines().collect::<Vec<_>>(),
        ["table", "json", "markdown"],
        "{formats}"
    );
}
