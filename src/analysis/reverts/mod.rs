//! Reverts, reapplies and post-release fixes; which releases they make failed; time to restore
//! and change failure rate (PRODUCT.md, "Reverts and incidents").
//!
//! Pure: the history, the placed releases, the inverse-diff pairs found by
//! [`crate::git::inverse`] and the incidents file go in; rows and per-release facts come out.
//!
//! The work runs in stages, each its own module: [`claims`] reads what messages claim,
//! [`resolve`] finds the commits they name, [`classify`] decides what each revert is,
//! [`attribute`] charges releases, and [`signals`] turns the charges into failed releases and
//! clocks.
//!
//! Choices this module makes where PRODUCT.md leaves room (the README states them):
//! - **Earlier** (for `Revert "<subject>"`, PR numbers and inverse diffs): committed before the
//!   revert — smaller committer time, and on equal times the commit that comes later in the
//!   children-first history (an ancestor is earlier than its descendant). Of several earlier
//!   candidates the latest wins.
//! - **Shas in messages** (also `Revert "<sha>"`, which counts as method `message`) are 7 to 40 hex digits (git never abbreviates below 7), resolved by
//!   unique prefix among the history's commits; an ambiguous prefix stays unresolved with a note.
//!   After `This reverts commit(s)` a list is read: shas separated by commas, `and`, bullets
//!   (`*`, `-`) and line breaks, ending at the first other word (`, reversing changes made to`).
//! - **Method order**: `This reverts commit` wins; then a PR number (`Reverts owner/repo#N` or
//!   `Reverts #N` in the body, or the quoted subject ending in `(#N)` or being
//!   `Merge pull request #N …` — then the merging commit must have exactly that subject, since
//!   a history that absorbed another repository also has its PR numbers); then the quoted
//!   subject. A PR number that no earlier commit
//!   merged falls back to the subject, and so does a `This reverts commit` whose shas are all
//!   missing (rebased away) when the subject is `Revert "…"`. A commit with a revert message none of whose targets is
//!   found is still a revert (`unresolved`) — unless an inverse diff names its target, which
//!   then resolves it (method `patch_id`, the message's target kept in `unresolved_targets`).
//! - **Merges** are never reverts and never `Fixes:` commits (they carry merged messages).
//! - **Reapply**: a revert all of whose found targets are reverts. A revert that undoes both
//!   reverts and ordinary commits is classified by the ordinary ones.
//! - **Cherry-picked reverts** (`(cherry picked from commit R)` where R is a revert) are both
//!   kept, with `cherry_pick_of = R`. When a cherry-picked revert's named target is not its
//!   ancestor but a cherry-pick (`-x`) of that target is, it undoes that one: each revert undoes
//!   the commit on its own line, so each line's release is charged once. Count incidents (e.g.
//!   repeat incidents) once per original: skip rows whose `cherry_pick_of` is set.
//! - **Incident-linked**: the message matches the incident pattern, or names an id of the
//!   incidents file as a whole word (any case; `OPS-7` is not in `OPS-77`), or the file lists
//!   the sha (or a prefix) of the revert or of a commit it reverts.
//! - **Per release**: a post-release revert hits release R when R's `commits` (its stream)
//!   hold a reverted commit and R was released before the revert's author time; `reverts` of R
//!   lists every such revert, `failed` counts only those of the failure mode.
//! - **Time to restore** looks for the first release *of the failed release's stream* that
//!   shipped a counting revert; it is never negative.
//! - **Change failure rate**: failed releases that have a previous release / releases that have
//!   one. The median time to restore is over every failed release.

mod attribute;
mod claims;
mod classify;
#[cfg(test)]
mod proptests;
mod resolve;
mod signals;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use regex::Regex;

use crate::analysis::cadence::to_time;
use crate::analysis::releases::ReleaseSet;
use crate::analysis::stats::median_i64;
use crate::cli::FailureMode;
use crate::facts::{CommitId, CommitIdx, History};
use crate::incidents::Incidents;
use crate::report::model::{FixRow, RevertCounts, RevertKind, RevertMethod, RevertRow};

use attribute::Containing;
use classify::Classified;
use resolve::{Found, FoundFix};

pub use resolve::inverse_pairs;

/// What a release got from reverts and fixes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseReverts {
    /// At least one counting post-release revert (per the failure mode) undid one of its commits.
    pub failed: bool,
    /// Every post-release revert that undid one of its commits, in revert order.
    pub reverts: Vec<CommitId>,
    /// Every post-release `Fixes:` commit that fixed one of its commits.
    pub fixes: Vec<CommitId>,
    pub time_to_restore_seconds: Option<i64>,
    /// How many of its commits a counting post-release revert undid (per-commit revert rate).
    pub reverted_commits: u64,
}

/// Everything this module finds.
#[derive(Clone, Debug, Default)]
pub struct RevertAnalysis {
    /// Every revert, by author time.
    pub reverts: Vec<RevertRow>,
    /// Every non-merge commit with a `Fixes:` trailer, by author time.
    pub fixes: Vec<FixRow>,
    /// One per release of the [`ReleaseSet`], same order.
    pub per_release: Vec<ReleaseReverts>,
    pub change_failure_rate: Option<f64>,
    pub time_to_restore_median_seconds: Option<i64>,
    pub counts: RevertCounts,
}

/// Change failure rate over `(has a previous release, failed)` pairs: failed releases that
/// have a previous release / releases that have one. `None` when none has one.
pub fn change_failure_rate(releases: impl IntoIterator<Item = (bool, bool)>) -> Option<f64> {
    let (mut with_previous, mut failed) = (0usize, 0usize);
    for (has_previous, has_failed) in releases {
        if has_previous {
            with_previous += 1;
            failed += usize::from(has_failed);
        }
    }
    (with_previous > 0).then(|| failed as f64 / with_previous as f64)
}
/// Finds every revert and `Fixes:` commit of `history` and what they mean for `releases`.
///
/// `inverse_pairs` are `(reverted, revert)` pairs from exact inverse diffs (see
/// [`inverse_pairs`]); a pair whose revert already has a target from its message is ignored.
#[must_use]
pub fn analyse_reverts(
    history: &History,
    releases: &ReleaseSet,
    inverse_pairs: &[(CommitId, CommitId)],
    incidents: &Incidents,
    incident_pattern: &Regex,
    failure: FailureMode,
) -> RevertAnalysis {
    let ix = resolve::Indexes::new(history);
    let found =
        resolve::resolve_reverts(history, &ix, &claims::revert_claims(history), inverse_pairs);
    let fixes = resolve::resolve_fixes(history, &ix, claims::fix_claims(history));
    let is_revert: HashSet<CommitIdx> = found.iter().map(|f| f.idx).collect();
    let incidents = crate::analysis::incident_index::IncidentIndex::new(incidents);
    let classified: Vec<Classified> = found
        .iter()
        .map(|f| {
            let is_revert = |c| is_revert.contains(&c);
            classify::classify(
                history,
                releases,
                f,
                is_revert,
                &incidents,
                incident_pattern,
            )
        })
        .collect();
    let fix_post: Vec<bool> = fixes
        .iter()
        .map(|f| {
            let at = history.commits[f.idx as usize].author_time;
            f.targets
                .iter()
                .any(|&t| classify::shipped_before(releases, t, at))
        })
        .collect();

    let wanted = found
        .iter()
        .flat_map(|f| std::iter::once(f.idx).chain(f.targets.iter().copied()))
        .chain(fixes.iter().flat_map(|f| f.targets.iter().copied()));
    let containing = Containing::new(releases, wanted);
    let mut ledger = signals::Ledger::new(releases.releases.len());
    for (f, c) in found.iter().zip(&classified) {
        if c.kind != RevertKind::PostRelease {
            continue;
        }
        let commit = &history.commits[f.idx as usize];
        let counts = match failure {
            FailureMode::Any => true,
            FailureMode::IncidentLinked => c.incident_linked(),
        };
        for (r, t) in containing.charged(releases, &c.ordinary, commit.author_time) {
            ledger.revert(r, (f.idx, commit.id), t, counts);
        }
    }
    for (f, _) in fixes.iter().zip(&fix_post).filter(|(_, &post)| post) {
        let commit = &history.commits[f.idx as usize];
        for (r, _) in containing.charged(releases, &f.targets, commit.author_time) {
            ledger.fix(r, commit.id);
        }
    }
    let per_release = ledger.finish(history, releases, &containing);

    let mut counts = RevertCounts::default();
    let rows = found
        .iter()
        .zip(&classified)
        .map(|(f, c)| {
            tally(&mut counts, f, c);
            revert_row(history, releases, f, c)
        })
        .collect();
    let fix_rows = fixes
        .iter()
        .zip(&fix_post)
        .map(|(f, &post)| {
            counts.fixes += 1;
            counts.fixes_post_release += u64::from(post);
            fix_row(history, releases, f, post)
        })
        .collect();
    let restores: Vec<i64> = per_release
        .iter()
        .filter_map(|p| p.time_to_restore_seconds)
        .collect();
    let change_failure_rate = change_failure_rate(
        releases
            .releases
            .iter()
            .zip(&per_release)
            .map(|(r, p)| (r.previous.is_some(), p.failed)),
    );
    RevertAnalysis {
        reverts: rows,
        fixes: fix_rows,
        per_release,
        change_failure_rate,
        time_to_restore_median_seconds: median_i64(&restores),
        counts,
    }
}

/// Adds one revert to the counts.
fn tally(counts: &mut RevertCounts, f: &Found, c: &Classified) {
    counts.total += 1;
    match f.method {
        RevertMethod::Message => counts.by_message += 1,
        RevertMethod::PullRequest => counts.by_pull_request += 1,
        RevertMethod::Subject => counts.by_subject += 1,
        RevertMethod::PatchId => counts.by_patch_id += 1,
    }
    match c.kind {
        RevertKind::Unresolved => counts.unresolved += 1,
        RevertKind::PostRelease => counts.post_release += 1,
        RevertKind::PreRelease => counts.pre_release += 1,
        RevertKind::Reapply => counts.reapply += 1,
    }
    if c.kind != RevertKind::Unresolved {
        counts.resolved += 1;
    }
    if c.incident_linked() {
        counts.incident_linked += 1;
        if c.kind == RevertKind::PostRelease {
            counts.post_release_incident_linked += 1;
        }
    }
    if f.cherry_pick_of.is_some() {
        counts.cherry_picked += 1;
    }
}

/// The tag of release `r`.
fn tag(releases: &ReleaseSet, r: u32) -> String {
    releases.releases[r as usize].point.name.clone()
}

fn revert_row(history: &History, releases: &ReleaseSet, f: &Found, c: &Classified) -> RevertRow {
    let commit = &history.commits[f.idx as usize];
    RevertRow {
        commit: commit.id,
        time: to_time(commit.author_time),
        subject: commit.subject().to_string(),
        reverted: f
            .targets
            .iter()
            .map(|&t| history.commits[t as usize].id)
            .collect(),
        kind: c.kind,
        method: f.method,
        incident_linked: c.incident_linked(),
        incident_refs: c.incident_refs.clone(),
        introduced_in: c.introduced_in.map(|r| tag(releases, r)),
        shipped_in: classify::shipped(releases, f.idx).map(|r| tag(releases, r)),
        components: Vec::new(),
        repeat: false,
        cherry_pick_of: f.cherry_pick_of.map(|o| history.commits[o as usize].id),
        unresolved_targets: f.unresolved.clone(),
    }
}

fn fix_row(history: &History, releases: &ReleaseSet, f: &FoundFix, post_release: bool) -> FixRow {
    let commit = &history.commits[f.idx as usize];
    FixRow {
        commit: commit.id,
        time: to_time(commit.author_time),
        subject: commit.subject().to_string(),
        fixed: f
            .targets
            .iter()
            .map(|&t| history.commits[t as usize].id)
            .collect(),
        post_release,
        introduced_in: f
            .targets
            .iter()
            .filter_map(|&t| classify::shipped(releases, t))
            .min()
            .map(|r| tag(releases, r)),
        unresolved_targets: f.unresolved.clone(),
    }
}
