//! Snapshots of what people read: the terminal report and the Markdown report, with the
//! fixture's temporary path redacted.

use std::path::Path;

use crate::common::{cadence, fixture, text};

fn shown(repo: &Path, args: &[&str]) -> String {
    let out = cadence(repo, args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    text(&out).0.replace(repo.to_str().unwrap(), "[REPO]")
}

#[test]
fn table_report_of_the_release_fixture() {
    let repo = fixture("releases.sh");
    insta::assert_snapshot!(shown(&repo, &["report", "--color", "never"]));
}

#[test]
fn table_report_of_the_reverts_fixture() {
    let repo = fixture("reverts/make.sh");
    insta::assert_snapshot!(shown(&repo, &["--color", "never"]));
}

#[test]
fn markdown_report_of_the_reverts_fixture() {
    let repo = fixture("reverts/make.sh");
    insta::assert_snapshot!(shown(&repo, &["--format", "markdown"]));
}

#[test]
fn reverts_command_table() {
    let repo = fixture("reverts/make.sh");
    insta::assert_snapshot!(shown(&repo, &["reverts", "--color", "never"]));
}
