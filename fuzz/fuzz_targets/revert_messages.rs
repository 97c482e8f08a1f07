//! Commit messages through the whole revert analysis (revert lists, `Reverts #N`, subjects,
//! `Fixes:` trailers, cherry-picks, incident ids): never a panic, and every reverted commit
//! it reports is one of the history.
#![no_main]

use git_cadence::analysis::releases::{place_releases, ReleasePoint};
use git_cadence::facts::{CommitFacts, CommitId, History};
use libfuzzer_sys::fuzz_target;

fn id(n: u8) -> CommitId {
    CommitId([n; 20])
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut mid = text.len() / 2;
    while !text.is_char_boundary(mid) {
        mid -= 1;
    }
    let (first, second) = text.split_at(mid);
    let commit = |n: u8, parents: Vec<u32>, t: i64, message: &str| CommitFacts {
        id: id(n),
        parents,
        author_name: "A".into(),
        author_email: "a@example.com".into(),
        author_time: t,
        committer_time: t,
        message: message.to_string(),
    };
    // Children first: 4 ← 3 ← 2 ← 1, with the fuzzed messages on the two newest.
    let history = History::new(vec![
        commit(4, vec![1], 400, second),
        commit(3, vec![2], 300, first),
        commit(2, vec![3], 200, "Revert \"one\"\n\nThis reverts commit 0101010101010101010101010101010101010101."),
        commit(1, vec![], 100, "one"),
    ]);
    let point = |n: u8, t: i64, name: &str| ReleasePoint {
        name: name.into(),
        other_names: Vec::new(),
        version: git_cadence::analysis::releases::Version::parse(name),
        stream: String::new(),
        commit: id(n),
        time: t,
    };
    let releases = place_releases(vec![point(1, 150, "1.0"), point(3, 350, "1.1")], &history);
    let incidents = git_cadence::incidents::parse_incidents(
        std::path::Path::new("i.csv"),
        "id,opened,resolved,commits\nINC-1,1970-01-01,,0303030303\n",
    )
    .expect("incidents");
    let pattern = regex::Regex::new(git_cadence::config::DEFAULT_INCIDENT_PATTERN).expect("pattern");
    let a = git_cadence::analysis::reverts::analyse_reverts(
        &history,
        &releases,
        &[],
        &incidents,
        &pattern,
        git_cadence::cli::FailureMode::Any,
    );
    let known: Vec<CommitId> = (1..=4).map(id).collect();
    for r in &a.reverts {
        for sha in &r.reverted {
            assert!(known.contains(sha), "{sha} is not in the history");
        }
    }
});
