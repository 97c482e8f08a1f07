//! Tests of the whole revert analysis on hand-built histories.

use std::collections::HashMap;

use regex::Regex;

use super::*;
use crate::analysis::releases::{place_releases, sort_release_order, ReleasePoint, Version};
use crate::facts::{ChangeDigest, CommitFacts};
use crate::incidents::Incident;
use crate::report::model::RevertRow;

/// A full id from a short hex label, padded so labels stay distinct.
pub(super) fn id(label: &str) -> CommitId {
    let mut hex = label.to_string();
    while hex.len() < 40 {
        hex.push('e');
    }
    CommitId::from_hex(&hex).expect("hex label")
}

/// Builds a history in the order commits happen (parents first).
#[derive(Default)]
pub(super) struct Build {
    commits: Vec<(CommitFacts, Vec<usize>)>,
}

impl Build {
    pub(super) fn at(
        &mut self,
        label: &str,
        parents: &[usize],
        author: i64,
        committer: i64,
        msg: &str,
    ) -> usize {
        self.commits.push((
            CommitFacts {
                id: id(label),
                parents: Vec::new(),
                author_name: "A".into(),
                author_email: "a@example.com".into(),
                author_time: author,
                committer_time: committer,
                message: msg.to_string(),
            },
            parents.to_vec(),
        ));
        self.commits.len() - 1
    }

    /// A commit on top of `parent` (or a root), authored and committed at `t`.
    pub(super) fn c(&mut self, label: &str, parent: Option<usize>, t: i64, msg: &str) -> usize {
        let parents: Vec<usize> = parent.into_iter().collect();
        self.at(label, &parents, t, t, msg)
    }

    pub(super) fn history(&self) -> History {
        let n = self.commits.len();
        let commits = self
            .commits
            .iter()
            .rev()
            .map(|(c, ps)| {
                let mut c = c.clone();
                c.parents = ps.iter().map(|&p| (n - 1 - p) as CommitIdx).collect();
                c
            })
            .collect();
        History::new(commits)
    }
}

pub(super) fn releases(h: &History, tags: &[(&str, &str, i64)]) -> ReleaseSet {
    let mut points: Vec<ReleasePoint> = tags
        .iter()
        .map(|(name, label, time)| ReleasePoint {
            name: (*name).to_string(),
            other_names: Vec::new(),
            version: Version::parse(name.trim_start_matches('v')),
            stream: String::new(),
            commit: id(label),
            time: *time,
        })
        .collect();
    sort_release_order(&mut points);
    place_releases(points, h)
}

fn pattern() -> Regex {
    crate::config::compile_incident_pattern(crate::config::DEFAULT_INCIDENT_PATTERN)
        .expect("default pattern")
}

/// The whole analysis with the failure signals `signals` and the changed paths `paths`
/// (commit label → paths; a commit not listed has unknown paths, which count as production).
pub(super) fn analyse_with(
    h: &History,
    rs: &ReleaseSet,
    pairs: &[(CommitId, CommitId)],
    incidents: &Incidents,
    signals: &str,
    paths: &[(&str, &[&str])],
) -> RevertAnalysis {
    let remedies = find_remedies(h, rs, pairs, incidents, &pattern());
    let paths: HashMap<CommitId, Vec<String>> = paths
        .iter()
        .map(|(label, ps)| (id(label), ps.iter().map(ToString::to_string).collect()))
        .collect();
    analyse_reverts(
        h,
        rs,
        &remedies,
        incidents,
        &paths,
        FailureRules {
            signals: FailureSignals::parse(signals).expect("signals"),
            non_production: &NonProduction::default(),
        },
    )
}

fn run(h: &History, rs: &ReleaseSet, pairs: &[(CommitId, CommitId)]) -> RevertAnalysis {
    analyse_with(
        h,
        rs,
        pairs,
        &Incidents::default(),
        "revert,fix,incident",
        &[],
    )
}

fn row<'a>(a: &'a RevertAnalysis, label: &str) -> &'a RevertRow {
    a.reverts
        .iter()
        .find(|r| r.commit == id(label))
        .unwrap_or_else(|| panic!("no revert {label}"))
}

fn is_revert(a: &RevertAnalysis, label: &str) -> bool {
    a.reverts.iter().any(|r| r.commit == id(label))
}

fn msg_reverting(subject: &str, label: &str) -> String {
    format!(
        "Revert \"{subject}\"\n\nThis reverts commit {}.\n",
        id(label)
    )
}

/// Post- and pre-release reverts, failed releases, time to restore both ways, CFR.
#[test]
fn classification_ttr_and_cfr() {
    let mut b = Build::default();
    let c1 = b.c("a1", None, 100, "init");
    let c2 = b.c("a2", Some(c1), 200, "feature A");
    let c3 = b.c("a3", Some(c2), 300, "feature B");
    let c4 = b.c("a4", Some(c3), 400, &msg_reverting("feature A", "a2"));
    // Abbreviated sha; its target ships in the same release: pre-release.
    let c5 = b.c(
        "a5",
        Some(c4),
        500,
        &format!(
            "Revert \"feature B\"\n\nThis reverts commit {}.",
            &id("a3").to_hex()[..9]
        ),
    );
    let c6 = b.c("a6", Some(c5), 700, "feature C");
    // Written after v1.2, not released yet: restored at its committer time.
    let _c7 = b.at("a7", &[c6], 900, 950, &msg_reverting("feature C", "a6"));
    let h = b.history();
    let rs = releases(
        &h,
        &[
            ("v1.0", "a2", 250),
            ("v1.1", "a5", 600),
            ("v1.2", "a6", 800),
        ],
    );
    let a = run(&h, &rs, &[]);

    assert_eq!(a.reverts.len(), 3);
    let r4 = row(&a, "a4");
    assert_eq!(r4.kind, RevertKind::PostRelease);
    assert_eq!(r4.method, RevertMethod::Message);
    assert_eq!(r4.reverted, vec![id("a2")]);
    assert_eq!(r4.introduced_in.as_deref(), Some("v1.0"));
    assert_eq!(r4.shipped_in.as_deref(), Some("v1.1"));
    assert!(!r4.incident_linked);
    let r5 = row(&a, "a5");
    assert_eq!(r5.kind, RevertKind::PreRelease);
    assert_eq!(r5.introduced_in.as_deref(), Some("v1.1"));
    let r7 = row(&a, "a7");
    assert_eq!(r7.kind, RevertKind::PostRelease);
    assert_eq!(r7.shipped_in, None);

    let [v10, v11, v12] = &a.per_release[..] else {
        panic!("three releases")
    };
    assert!(v10.failed && !v11.failed && v12.failed);
    assert_eq!(v10.reverts, vec![id("a4")]);
    assert!(v11.reverts.is_empty());
    // v1.0 remedied by the first release containing the revert (v1.1 at 600).
    assert_eq!(v10.time_to_remedy_seconds, Some(600 - 250));
    // v1.2: revert unreleased, its committer time.
    assert_eq!(v12.time_to_remedy_seconds, Some(950 - 800));
    assert_eq!(v11.time_to_remedy_seconds, None);
    // No incident: no time to restore, however long the remedy took.
    assert!(a
        .per_release
        .iter()
        .all(|p| p.time_to_restore_seconds.is_none()));
    assert_eq!(v10.failure_signals, vec!["revert".to_string()]);
    assert!(v11.failure_signals.is_empty());
    assert_eq!(
        (
            v10.reverted_commits,
            v11.reverted_commits,
            v12.reverted_commits
        ),
        (1, 0, 1)
    );
    // Releases with a previous one: v1.1, v1.2; of these v1.2 failed.
    assert_eq!(a.change_failure_rate, Some(0.5));
    assert_eq!(a.time_to_remedy_median_seconds, Some((350 + 150) / 2));
    assert_eq!(a.time_to_restore_median_seconds, None);
    assert_eq!(
        (
            a.counts.total,
            a.counts.post_release,
            a.counts.pre_release,
            a.counts.resolved,
            a.counts.by_message
        ),
        (3, 2, 1, 3, 3)
    );
}

#[test]
fn revert_of_a_merge_and_merges_are_never_reverts() {
    let mut b = Build::default();
    let c1 = b.c("b1", None, 100, "init");
    let f1 = b.c("b2", Some(c1), 150, "topic work");
    let m = b.at("b3", &[c1, f1], 200, 200, "Merge branch 'topic'");
    // A merge carrying a revert message (brought in from the merged branch): not a revert.
    let r0 = b.c("b4", Some(c1), 250, &msg_reverting("init", "b1"));
    let m2 = b.at(
        "b5",
        &[m, r0],
        260,
        260,
        &format!("Merge branch 'x'\n\n{}", msg_reverting("init", "b1")),
    );
    let _rv = b.c(
        "b6",
        Some(m2),
        400,
        &format!("Revert \"Merge branch 'topic'\"\n\nThis reverts commit {}, reversing\nchanges made to {}.\n", id("b3"), id("b1")),
    );
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "b3", 300)]);
    let a = run(&h, &rs, &[]);
    assert!(!is_revert(&a, "b5"), "a merge is never a revert");
    assert!(is_revert(&a, "b4"));
    let rv = row(&a, "b6");
    assert_eq!(rv.reverted, vec![id("b3")]);
    assert_eq!(rv.kind, RevertKind::PostRelease);
    assert!(a.per_release[0].failed);
}

#[test]
fn unresolved_and_ambiguous_shas_are_kept() {
    let mut b = Build::default();
    let c1 = b.c("abcdef1a", None, 100, "one");
    let c2 = b.c("abcdef1b", Some(c1), 200, "two");
    let c3 = b.c(
        "c1",
        Some(c2),
        300,
        "Undo one\n\nThis reverts commit abcdef1.",
    );
    let c4 = b.c(
        "c2",
        Some(c3),
        400,
        "Undo\n\nThis reverts commit 1234567890abc.",
    );
    let _c5 = b.c("c3", Some(c4), 500, "Revert \"never existed\"");
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "abcdef1b", 250)]);
    let a = run(&h, &rs, &[]);
    let amb = row(&a, "c1");
    assert_eq!(amb.kind, RevertKind::Unresolved);
    assert!(amb.reverted.is_empty());
    assert_eq!(
        amb.unresolved_targets,
        vec!["abcdef1 (ambiguous: 2 commits start with it)".to_string()]
    );
    let missing = row(&a, "c2");
    assert_eq!(missing.kind, RevertKind::Unresolved);
    assert!(missing.unresolved_targets[0].contains("not in the history"));
    let subj = row(&a, "c3");
    assert_eq!(
        (subj.kind, subj.method),
        (RevertKind::Unresolved, RevertMethod::Subject)
    );
    assert_eq!((a.counts.unresolved, a.counts.resolved), (3, 0));
    assert!(!a.per_release[0].failed);
}

#[test]
fn missing_sha_falls_back_to_the_revert_subject() {
    let mut b = Build::default();
    let c1 = b.c("5a1", None, 100, "init");
    let c2 = b.c("5a2", Some(c1), 200, "feat");
    let _c3 = b.c(
        "5a3",
        Some(c2),
        400,
        "Revert \"feat\"\n\nThis reverts commit 8888888888888.",
    );
    let h = b.history();
    let a = run(&h, &releases(&h, &[("v1.0", "5a2", 300)]), &[]);
    let r = row(&a, "5a3");
    assert_eq!(
        (r.method, r.kind, r.reverted.clone()),
        (
            RevertMethod::Subject,
            RevertKind::PostRelease,
            vec![id("5a2")]
        )
    );
    assert_eq!(
        r.unresolved_targets,
        vec!["8888888888888 (not in the history read)".to_string()]
    );
}

#[test]
fn a_sha_quoted_as_the_subject_is_a_sha() {
    let mut b = Build::default();
    let c1 = b.c("6a1", None, 100, "init");
    let c2 = b.c("6a2", Some(c1), 200, "feat");
    let _c3 = b.c(
        "6a3",
        Some(c2),
        400,
        &format!("Revert \"{}\".", &id("6a2").to_hex()[..12]),
    );
    let h = b.history();
    let a = run(&h, &releases(&h, &[]), &[]);
    let r = row(&a, "6a3");
    assert_eq!(
        (r.method, r.reverted.clone()),
        (RevertMethod::Message, vec![id("6a2")])
    );
}

#[test]
fn reapply_by_message_and_nested_subject() {
    let mut b = Build::default();
    let c1 = b.c("d1", None, 100, "init");
    let c2 = b.c("d2", Some(c1), 200, "feat");
    let c3 = b.c("d3", Some(c2), 400, &msg_reverting("feat", "d2"));
    let c4 = b.c(
        "d4",
        Some(c3),
        500,
        &format!(
            "Revert \"Revert \"feat\"\"\n\nThis reverts commit {}.",
            id("d3")
        ),
    );
    let _c5 = b.c("d5", Some(c4), 600, "Revert \"Revert \"Revert \"feat\"\"\"");
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "d2", 300), ("v1.1", "d5", 700)]);
    let a = run(&h, &rs, &[]);
    assert_eq!(row(&a, "d3").kind, RevertKind::PostRelease);
    let re = row(&a, "d4");
    assert_eq!(
        (re.kind, re.method),
        (RevertKind::Reapply, RevertMethod::Message)
    );
    let nested = row(&a, "d5");
    assert_eq!(nested.method, RevertMethod::Subject);
    assert_eq!(nested.reverted, vec![id("d4")]);
    assert_eq!(nested.kind, RevertKind::Reapply);
    assert_eq!(a.counts.reapply, 2);
    // Reapplies are not failures.
    assert_eq!(a.per_release[0].reverts, vec![id("d3")]);
    assert!(!a.per_release[1].failed);
}

#[test]
fn cherry_picked_revert_undoes_the_commit_of_its_own_line() {
    let mut b = Build::default();
    let c1 = b.c("e1", None, 100, "init");
    let c2 = b.c("e2", Some(c1), 200, "feat");
    let s1 = b.c(
        "e3",
        Some(c1),
        210,
        &format!("feat\n\n(cherry picked from commit {})", id("e2")),
    );
    let _r = b.c("e4", Some(c2), 400, &msg_reverting("feat", "e2"));
    let _s2 = b.c(
        "e5",
        Some(s1),
        500,
        &format!(
            "{}\n(cherry picked from commit {})\n",
            msg_reverting("feat", "e2"),
            id("e4")
        ),
    );
    let h = b.history();
    let rs = releases(
        &h,
        &[
            ("v2.0", "e2", 300),
            ("v1.1", "e3", 310),
            ("v2.1", "e4", 450),
            ("v1.2", "e5", 550),
        ],
    );
    let a = run(&h, &rs, &[]);
    let orig = row(&a, "e4");
    assert_eq!(
        (orig.reverted.clone(), orig.kind, orig.cherry_pick_of),
        (vec![id("e2")], RevertKind::PostRelease, None)
    );
    let pick = row(&a, "e5");
    assert_eq!(pick.reverted, vec![id("e3")]);
    assert_eq!(pick.cherry_pick_of, Some(id("e4")));
    assert_eq!(pick.kind, RevertKind::PostRelease);
    assert_eq!(pick.introduced_in.as_deref(), Some("v1.1"));
    // Each line's release is charged once, by its own revert.
    let by_tag = |t: &str| {
        &a.per_release[rs
            .releases
            .iter()
            .position(|r| r.point.name == t)
            .expect("tag")]
    };
    assert_eq!(by_tag("v2.0").reverts, vec![id("e4")]);
    assert_eq!(by_tag("v1.1").reverts, vec![id("e5")]);
    assert_eq!(by_tag("v1.1").time_to_remedy_seconds, Some(550 - 310));
    assert_eq!(a.counts.cherry_picked, 1);
}

#[test]
fn rewritten_message_revert_from_inverse_pairs() {
    let mut b = Build::default();
    let c1 = b.c("f1", None, 100, "init");
    let c2 = b.c("f2", Some(c1), 200, "feat");
    let c3 = b.c("f3", Some(c2), 400, "tidy up");
    let c4 = b.c("f4", Some(c3), 500, &msg_reverting("feat", "f2"));
    // A message revert whose sha is gone (rebased away), resolved by its inverse diff.
    let c5 = b.c(
        "f5",
        Some(c4),
        600,
        "Undo\n\nThis reverts commit 7777777777.",
    );
    let c6 = b.c("f6", Some(c5), 650, "feat again");
    let c7 = b.c("f7", Some(c6), 700, "no feat after all");
    let _c8 = b.c("f8", Some(c7), 800, "remove feat files");
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "f2", 300)]);
    // Digests: f3 and f4 both undo f2; f5 undoes f1.
    let d = |label: &str, fwd: u8, inv: u8| ChangeDigest {
        commit: id(label),
        forward: [fwd; 20],
        inverse: [inv; 20],
        deletes_only: false,
    };
    let digests = vec![
        d("f1", 1, 2),
        d("f2", 3, 4),
        d("f3", 4, 3),
        d("f4", 4, 3),
        d("f5", 2, 1),
        // Re-does f2 (so reapplies f4, the latest earlier inverse); f7 undoes f6, not f2.
        d("f6", 3, 4),
        d("f7", 4, 3),
        // Deletions only: never a revert by diff alone.
        ChangeDigest {
            deletes_only: true,
            ..d("f8", 4, 3)
        },
    ];
    let mut pairs = inverse_pairs(&h, &digests);
    pairs.sort();
    let mut want = vec![
        (id("f1"), id("f5")),
        (id("f2"), id("f3")),
        (id("f2"), id("f4")),
        (id("f4"), id("f6")),
        (id("f6"), id("f7")),
    ];
    want.sort();
    assert_eq!(pairs, want, "the latest earlier commit is the one undone");
    let a = run(&h, &rs, &pairs);
    let r3 = row(&a, "f3");
    assert_eq!(
        (r3.method, r3.kind, r3.reverted.clone()),
        (
            RevertMethod::PatchId,
            RevertKind::PostRelease,
            vec![id("f2")]
        )
    );
    // Already linked by its message: the message stays the method.
    assert_eq!(row(&a, "f4").method, RevertMethod::Message);
    let r5 = row(&a, "f5");
    assert_eq!(
        (r5.method, r5.reverted.clone()),
        (RevertMethod::PatchId, vec![id("f1")])
    );
    assert_eq!(r5.unresolved_targets.len(), 1);
    assert_eq!(row(&a, "f6").kind, RevertKind::Reapply);
    assert_eq!(row(&a, "f7").reverted, vec![id("f6")]);
    assert!(!is_revert(&a, "f8"));
    assert_eq!((a.counts.by_patch_id, a.counts.by_message), (4, 1));
    // Without the pairs, f3 is no revert at all.
    assert!(!is_revert(&run(&h, &rs, &[]), "f3"));
}

#[test]
fn rails_plural_counts_against_each_release() {
    let mut b = Build::default();
    let c1 = b.c("0a1", None, 100, "init");
    let c2 = b.c("0a2", Some(c1), 200, "one");
    let c3 = b.c("0a3", Some(c2), 300, "two");
    let _c4 = b.c(
        "0a4",
        Some(c3),
        500,
        &format!(
            "Revert two things\n\nThis reverts commits {} and\n{}.",
            id("0a2"),
            &id("0a3").to_hex()[..10]
        ),
    );
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "0a2", 250), ("v1.1", "0a3", 350)]);
    let a = run(&h, &rs, &[]);
    let r = row(&a, "0a4");
    assert_eq!(r.reverted, vec![id("0a2"), id("0a3")]);
    assert_eq!(r.introduced_in.as_deref(), Some("v1.0"));
    assert!(a.per_release[0].failed && a.per_release[1].failed);
    assert_eq!(a.change_failure_rate, Some(1.0));
}

#[test]
fn pull_request_reverts_via_merge_squash_and_subject_fallback() {
    let mut b = Build::default();
    let c1 = b.c("1a1", None, 100, "init");
    let feat = b.c("1a2", Some(c1), 150, "Add widget");
    let merge = b.at(
        "1a3",
        &[c1, feat],
        200,
        200,
        "Merge pull request #12 from me/widget\n\nAdd widget",
    );
    let sq = b.c("1a4", Some(merge), 250, "Add gadget (#34)");
    let th = b.c("1a5", Some(sq), 260, "Add thing");
    let r1 = b.c(
        "1a6",
        Some(th),
        400,
        "Revert \"Add widget\"\n\nReverts acme/app#12",
    );
    let r2 = b.c("1a7", Some(r1), 410, "Revert \"Add gadget (#34)\" (#35)");
    let r3 = b.c(
        "1a8",
        Some(r2),
        420,
        "Revert \"Add thing\"\n\nReverts acme/app#99",
    );
    // PR #12 of another repository (absorbed by a subtree merge): the number alone must
    // not pick our #12.
    let _r4 = b.c(
        "1a9",
        Some(r3),
        430,
        "Revert \"Merge pull request #12 from other/repo\"",
    );
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "1a5", 300)]);
    let a = run(&h, &rs, &[]);
    let p1 = row(&a, "1a6");
    assert_eq!(
        (p1.method, p1.reverted.clone(), p1.kind),
        (
            RevertMethod::PullRequest,
            vec![id("1a3")],
            RevertKind::PostRelease
        )
    );
    let p2 = row(&a, "1a7");
    assert_eq!(
        (p2.method, p2.reverted.clone()),
        (RevertMethod::PullRequest, vec![id("1a4")])
    );
    let p3 = row(&a, "1a8");
    assert_eq!(
        (p3.method, p3.reverted.clone()),
        (RevertMethod::Subject, vec![id("1a5")])
    );
    let p4 = row(&a, "1a9");
    assert_eq!(
        (p4.method, p4.kind),
        (RevertMethod::PullRequest, RevertKind::Unresolved)
    );
    assert_eq!(
        p4.unresolved_targets,
        vec![
            "#12 (no earlier commit merged this pull request)".to_string(),
            "\"Merge pull request #12 from other/repo\" (no earlier commit has this subject)"
                .to_string()
        ]
    );
    assert_eq!(a.counts.by_pull_request, 3);
}

#[test]
fn subject_only_takes_the_latest_earlier_commit() {
    let mut b = Build::default();
    let c1 = b.c("2a1", None, 100, "Bump version");
    let c2 = b.c("2a2", Some(c1), 200, "Revert \"Bump version\"");
    let c3 = b.c("2a3", Some(c2), 300, "Bump version");
    let _c4 = b.c("2a4", Some(c3), 400, "Revert \"Bump version\"");
    let h = b.history();
    let a = run(&h, &releases(&h, &[]), &[]);
    assert_eq!(row(&a, "2a2").reverted, vec![id("2a1")]);
    assert_eq!(row(&a, "2a4").reverted, vec![id("2a3")]);
    assert_eq!(row(&a, "2a4").kind, RevertKind::PreRelease);
    assert_eq!(a.change_failure_rate, None);
}

/// Five releases, a revert of one commit of each after v1.4, linked by the pattern, by an
/// incident id, by an incident's sha, or not at all; OPS-7 lists no commits.
fn incident_history() -> (History, ReleaseSet, Incidents) {
    let mut b = Build::default();
    let c1 = b.c("3a1", None, 100, "init");
    let c2 = b.c("3a2", Some(c1), 200, "one");
    let c3 = b.c("3a3", Some(c2), 300, "two");
    let c4 = b.c("3a4", Some(c3), 400, "three");
    let c5 = b.c("3a5", Some(c4), 500, "four");
    let r1 = b.c(
        "3b1",
        Some(c5),
        600,
        &format!("Hotfix: {}", msg_reverting("one", "3a2")),
    );
    let r2 = b.c(
        "3b2",
        Some(r1),
        610,
        &format!("{}\nSee OPS-7.", msg_reverting("two", "3a3")),
    );
    let r3 = b.c("3b3", Some(r2), 620, &msg_reverting("three", "3a4"));
    let _r4 = b.c(
        "3b4",
        Some(r3),
        630,
        &format!("{}\nnot OPS-77", msg_reverting("four", "3a5")),
    );
    let h = b.history();
    let rs = releases(
        &h,
        &[
            ("v1.0", "3a1", 150),
            ("v1.1", "3a2", 250),
            ("v1.2", "3a3", 350),
            ("v1.3", "3a4", 450),
            ("v1.4", "3a5", 550),
        ],
    );
    let incidents = Incidents {
        incidents: vec![
            Incident {
                id: "OPS-7".into(),
                opened: 600,
                resolved: Some(700),
                commits: vec![],
                stream: None,
            },
            Incident {
                id: "OPS-8".into(),
                opened: 600,
                resolved: None,
                commits: vec![id("3b3").to_hex()[..8].to_string()],
                stream: None,
            },
        ],
    };
    (h, rs, incidents)
}

#[test]
fn incident_links_by_pattern_and_file_and_failure_mode() {
    let (h, rs, incidents) = incident_history();
    let any = analyse_with(&h, &rs, &[], &incidents, "revert,fix,incident", &[]);
    assert_eq!(row(&any, "3b1").incident_refs, vec!["Hotfix".to_string()]);
    assert_eq!(row(&any, "3b2").incident_refs, vec!["OPS-7".to_string()]);
    assert_eq!(row(&any, "3b3").incident_refs, vec!["OPS-8".to_string()]);
    assert!(!row(&any, "3b4").incident_linked, "OPS-77 is not OPS-7");
    assert_eq!(any.counts.incident_linked, 3);
    assert_eq!(any.change_failure_rate, Some(1.0));

    // OPS-7 lists no commits: it hit v1.4, the release live when it was opened, and gives
    // v1.4 its time to restore. OPS-8 lists only the revert 3b3: it stands for what 3b3
    // undoes, 3a4 of v1.3.
    assert_eq!(any.per_release[4].incidents, vec!["OPS-7".to_string()]);
    assert_eq!(any.per_release[4].time_to_restore_seconds, Some(100));
    assert_eq!(
        any.per_release[4].failure_signals,
        vec!["incident".to_string(), "revert".to_string()]
    );
    assert_eq!(any.incidents[0].releases, vec!["v1.4".to_string()]);
    assert_eq!(any.incidents[1].releases, vec!["v1.3".to_string()]);
    assert_eq!(
        any.per_release[3].time_to_restore_seconds, None,
        "OPS-8 is open"
    );
    assert_eq!(any.counts.incidents_unattributed, 0);
    assert!(any.warnings.is_empty(), "{:?}", any.warnings);
}

/// `--failure incident-linked`, `revert,incident-linked` and `revert` on the history of
/// [`incident_links_by_pattern_and_file_and_failure_mode`].
#[test]
fn failure_modes_choose_the_signals_that_count() {
    let (h, rs, incidents) = incident_history();
    // --failure incident-linked: only incident-linked reverts, and incidents.
    let linked = analyse_with(&h, &rs, &[], &incidents, "incident-linked", &[]);
    let failed: Vec<bool> = linked.per_release.iter().map(|p| p.failed).collect();
    assert_eq!(failed, vec![false, true, true, true, true]);
    // `reverts` still lists every post-release revert that hit the release.
    assert_eq!(linked.per_release[4].reverts, vec![id("3b4")]);
    assert_eq!(
        linked.per_release[4].failure_signals,
        vec!["incident".to_string()]
    );
    assert_eq!(linked.per_release[4].time_to_remedy_seconds, None);
    assert_eq!(linked.per_release[4].reverted_commits, 0);
    assert!(!linked.reverts[3].counted && linked.reverts[2].counted);
    assert_eq!(linked.change_failure_rate, Some(1.0));
    // Without the incident signal, v1.4 is clean under incident-linked.
    let no_incidents = analyse_with(&h, &rs, &[], &incidents, "revert,incident-linked", &[]);
    let failed: Vec<bool> = no_incidents.per_release.iter().map(|p| p.failed).collect();
    assert_eq!(failed, vec![false, true, true, true, false]);
    assert_eq!(no_incidents.change_failure_rate, Some(0.75));
    // --failure revert: incidents are listed but fail nothing.
    let reverts_only = analyse_with(&h, &rs, &[], &incidents, "revert", &[]);
    assert_eq!(
        reverts_only.per_release[4].failure_signals,
        vec!["revert".to_string()]
    );
    assert_eq!(
        reverts_only.per_release[4].incidents,
        vec!["OPS-7".to_string()]
    );
    assert_eq!(reverts_only.per_release[4].time_to_restore_seconds, None);

    // An incident that lists the reverted commit (the one that caused it) links too.
    let by_cause = Incidents {
        incidents: vec![Incident {
            id: "OPS-9".into(),
            opened: 600,
            resolved: None,
            commits: vec![id("3a5").to_hex()[..10].to_string()],
            stream: None,
        }],
    };
    let a = analyse_with(&h, &rs, &[], &by_cause, "revert,fix,incident", &[]);
    assert_eq!(row(&a, "3b4").incident_refs, vec!["OPS-9".to_string()]);
    assert!(!row(&a, "3b3").incident_linked);
}

#[test]
fn fixes_trailers_are_a_failure_signal() {
    let mut b = Build::default();
    let c1 = b.c("4a1", None, 100, "init");
    let c2 = b.c("4a2", Some(c1), 200, "feature");
    let c3 = b.c("4a3", Some(c2), 300, "unreleased feature");
    let c4 = b.c(
        "4a4",
        Some(c3),
        400,
        &format!(
            "fix feature\n\nFixes: {} (\"feature\")\nSigned-off-by: A",
            &id("4a2").to_hex()[..12]
        ),
    );
    let c5 = b.c(
        "4a5",
        Some(c4),
        500,
        &format!("fix other\n\nFixes: {}", &id("4a3").to_hex()[..12]),
    );
    let merge = b.at(
        "4a6",
        &[c5, c1],
        600,
        600,
        &format!("Merge fixes\n\nFixes: {}", id("4a2")),
    );
    let _c7 = b.c("4a7", Some(merge), 700, "fix gone\n\nFixes: 99999999999");
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "4a2", 250), ("v1.1", "4a7", 800)]);
    let a = run(&h, &rs, &[]);
    assert!(a.reverts.is_empty());
    assert_eq!(a.fixes.len(), 3, "merges are never fixes");
    let f = &a.fixes[0];
    assert_eq!(
        (f.commit, f.post_release, f.fixed.clone()),
        (id("4a4"), true, vec![id("4a2")])
    );
    assert_eq!(f.introduced_in.as_deref(), Some("v1.0"));
    assert!(!a.fixes[1].post_release);
    assert!(a.fixes[2].fixed.is_empty() && !a.fixes[2].unresolved_targets.is_empty());
    assert_eq!(a.per_release[0].fixes, vec![id("4a4")]);
    // A fix forward is a failure as much as a rollback (the bug report: a project that fixes
    // forward showed "change failure rate 0%").
    assert!(a.per_release[0].failed);
    assert_eq!(a.per_release[0].failure_signals, vec!["fix".to_string()]);
    assert!(a.fixes[0].counted);
    // v1.1 shipped the fix at 800: the time to remedy of v1.0.
    assert_eq!(a.per_release[0].time_to_remedy_seconds, Some(800 - 250));
    assert_eq!((a.counts.fixes, a.counts.fixes_post_release), (3, 1));
    // --failure revert: the fix is listed but fails nothing.
    let reverts_only = analyse_with(&h, &rs, &[], &Incidents::default(), "revert", &[]);
    assert!(!reverts_only.per_release[0].failed);
    assert_eq!(reverts_only.per_release[0].fixes, vec![id("4a4")]);
    assert!(!reverts_only.fixes[0].counted);
    // A fix of a tests-only commit is set aside.
    let tests_only = analyse_with(
        &h,
        &rs,
        &[],
        &Incidents::default(),
        "revert,fix,incident",
        &[("4a2", &["tests/feature_test.rs"])],
    );
    assert!(!tests_only.per_release[0].failed);
    assert_eq!(tests_only.fixes[0].production, Some(false));
    assert_eq!(tests_only.counts.fixes_set_aside, 1);
}

/// The bug report: tokio `94a7eae` reverted a tests-only commit and failed a release; a
/// spelling list showed up among the most-hit components.
#[test]
fn reverts_of_non_production_paths_are_listed_but_do_not_fail() {
    let mut b = Build::default();
    let c1 = b.c("7a1", None, 100, "init");
    let c2 = b.c("7a2", Some(c1), 200, "test: flaky io test");
    let c3 = b.c("7a3", Some(c2), 210, "add word to spellcheck.dic");
    let c4 = b.c("7a4", Some(c3), 220, "runtime: new scheduler");
    let c5 = b.c(
        "7a5",
        Some(c4),
        400,
        &msg_reverting("test: flaky io test", "7a2"),
    );
    let c6 = b.c("7a6", Some(c5), 410, &msg_reverting("add word", "7a3"));
    let _c7 = b.c(
        "7a7",
        Some(c6),
        420,
        &msg_reverting("runtime: new scheduler", "7a4"),
    );
    let h = b.history();
    let rs = releases(&h, &[("v1.0", "7a1", 150), ("v1.1", "7a4", 300)]);
    let paths: &[(&str, &[&str])] = &[
        (
            "7a2",
            &["tokio/tests/io_driver.rs", "tests-integration/src/a.rs"],
        ),
        ("7a3", &["spellcheck.dic"]),
        (
            "7a4",
            &["tokio/src/runtime/scheduler.rs", "tokio/tests/rt.rs"],
        ),
    ];
    let a = analyse_with(
        &h,
        &rs,
        &[],
        &Incidents::default(),
        "revert,fix,incident",
        paths,
    );
    let prod: Vec<Option<bool>> = a.reverts.iter().map(|r| r.production).collect();
    assert_eq!(prod, vec![Some(false), Some(false), Some(true)]);
    let counted: Vec<bool> = a.reverts.iter().map(|r| r.counted).collect();
    assert_eq!(counted, vec![false, false, true]);
    assert_eq!(a.counts.reverts_set_aside, 2);
    // v1.1 failed through the scheduler revert only; all three are listed on it.
    assert!(a.per_release[1].failed);
    assert_eq!(a.per_release[1].reverts.len(), 3);
    assert_eq!(a.per_release[1].reverted_commits, 1);
    // Only the tests-only and spelling reverts: v1.1 is clean.
    let a = analyse_with(&h, &rs, &[], &Incidents::default(), "revert", &paths[..2]);
    assert!(a.per_release[1].failed, "7a4's paths unknown: it counts");
    let paths_known: &[(&str, &[&str])] = &[paths[0], paths[1], ("7a4", &["docs/x.md"])];
    let a = analyse_with(&h, &rs, &[], &Incidents::default(), "revert", paths_known);
    assert!(!a.per_release[1].failed);
    assert_eq!(a.change_failure_rate, Some(0.0));
}

/// The bug report: an incident that lists no commits was silently ignored. With one stream it
/// hits the live release; with several it needs a stream, else it is charged to none, with a
/// warning, rather than to every stream.
#[test]
fn an_incident_without_commits_hits_the_live_release_of_its_stream() {
    let mut b = Build::default();
    let c1 = b.c("8a1", None, 100, "init");
    let c2 = b.c("8a2", Some(c1), 200, "cli work");
    let _c3 = b.c("8a3", Some(c2), 300, "lib work");
    let h = b.history();
    let mut points: Vec<ReleasePoint> = [
        ("cli-v1.0", "cli", "8a1", 150),
        ("lib-v1.0", "lib", "8a1", 160),
        ("cli-v1.1", "cli", "8a2", 250),
        ("lib-v1.1", "lib", "8a3", 350),
    ]
    .iter()
    .map(|(name, stream, label, time)| ReleasePoint {
        name: (*name).to_string(),
        other_names: Vec::new(),
        version: Version::parse(&name[5..]),
        stream: (*stream).to_string(),
        commit: id(label),
        time: *time,
    })
    .collect();
    sort_release_order(&mut points);
    let rs = place_releases(points, &h);
    let incident = |id: &str, opened: i64, stream: Option<&str>| Incident {
        id: id.into(),
        opened,
        resolved: Some(opened + 600),
        commits: vec![],
        stream: stream.map(ToString::to_string),
    };
    let incidents = Incidents {
        incidents: vec![
            incident("OPS-1", 300, Some("lib")),
            incident("OPS-2", 300, None),
            incident("OPS-3", 300, Some("web")),
            incident("OPS-4", 120, Some("cli")),
            incident("OPS-5", 400, Some("cli")),
            // Opened at the very second lib-v1.1 was released: that release was live.
            incident("OPS-6", 350, Some("lib")),
        ],
    };
    let a = analyse_with(&h, &rs, &[], &incidents, "revert,fix,incident", &[]);
    let tag = |r: usize| rs.releases[r].point.name.as_str();
    let by_tag =
        |t: &str| &a.per_release[(0..rs.releases.len()).find(|&r| tag(r) == t).expect("tag")];
    // OPS-1: lib's live release at 300 is lib-v1.0 (lib-v1.1 came at 350).
    assert_eq!(by_tag("lib-v1.0").incidents, vec!["OPS-1".to_string()]);
    assert_eq!(by_tag("lib-v1.0").time_to_restore_seconds, Some(600));
    assert_eq!(
        by_tag("lib-v1.0").failure_signals,
        vec!["incident".to_string()]
    );
    // OPS-5: cli's live release at 400 is cli-v1.1, not lib-v1.1.
    assert_eq!(by_tag("cli-v1.1").incidents, vec!["OPS-5".to_string()]);
    assert_eq!(by_tag("lib-v1.1").incidents, vec!["OPS-6".to_string()]);
    // OPS-2 (no stream, two streams), OPS-3 (no such stream), OPS-4 (before cli's first
    // release) hit nothing, each with the reason and a warning.
    let reasons: Vec<Option<&str>> = a
        .incidents
        .iter()
        .map(|i| i.unattributed.as_deref())
        .collect();
    assert_eq!(reasons[0], None);
    assert!(
        reasons[1].is_some_and(|r| r.contains("2 release streams")),
        "{reasons:?}"
    );
    assert!(
        reasons[2].is_some_and(|r| r.contains("`web`")),
        "{reasons:?}"
    );
    assert!(
        reasons[3].is_some_and(|r| r.contains("before the first release")),
        "{reasons:?}"
    );
    assert_eq!(a.counts.incidents_unattributed, 3);
    assert_eq!(a.warnings.len(), 3);
    assert!(
        a.warnings.iter().any(|w| w.starts_with("incident OPS-2")),
        "{:?}",
        a.warnings
    );
}
