//! Reverts, reapplies, post-release fixes and incidents; which releases they make failed; time
//! to restore, time to remedy and change failure rate (PRODUCT.md, "Reverts and incidents").
//!
//! Pure: the history, the placed releases, the inverse-diff pairs found by
//! [`crate::git::inverse`], the incidents file and the paths the undone commits changed go in;
//! rows and per-release facts come out.
//!
//! The work runs in stages, each its own module: [`claims`] reads what messages claim,
//! [`resolve`] finds the commits they name, [`classify`] decides what each remedy is and which
//! are failure events, [`attribute`] charges releases, and [`signals`] turns the charges into
//! failed releases and clocks. [`find_remedies`] runs the first three; the caller then reads
//! the paths of [`Remedies::commits_needing_paths`] from git and [`analyse_reverts`] runs the
//! rest.
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
//! - **Per release**: a post-release revert or fix hits release R when R's `commits` (its
//!   stream) hold a commit it undoes or names and R was released before the remedy's author
//!   time; an incident hits R when R's commits hold a commit it lists and R was released
//!   before it was opened, or, listing none, when R was the live release of its stream at
//!   `opened` (the `stream` column, or the only stream). `reverts`, `fixes` and `incidents` of
//!   R list every such event; `failed` and `failure_signals` count only those that count.
//! - **Production paths**: a revert or fix whose undone or named commits touch only
//!   non-production paths is listed but does not count; a commit whose paths are unknown
//!   counts. Incidents always count (an incident is an incident whatever it lists).
//! - **Incident-linked fixes**: as for reverts, by message, incident id or listed sha.
//! - **Time to restore** comes only from incidents: resolved − opened of the earliest-opened
//!   counted incident that hit the release. **Time to remedy** runs to the first release *of
//!   the failed release's stream* that shipped a counted revert or fix (or, while none has,
//!   the earliest one's committer time); it is never negative.
//! - **Change failure rate**: failed releases that have a previous release / releases that have
//!   one. The medians are over every failed release that has the clock.

mod attribute;
mod claims;
mod classify;
mod resolve;
mod signals;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use regex::Regex;

use crate::analysis::cadence::to_time;
use crate::analysis::releases::ReleaseSet;
use crate::analysis::stats::median_i64;
use crate::facts::{CommitId, CommitIdx, History};
use crate::failure::{FailureSignals, NonProduction};
use crate::incidents::Incidents;
use crate::report::model::{
    FixRow, IncidentRow, RevertCounts, RevertKind, RevertMethod, RevertRow,
};

use attribute::Containing;
use classify::{Classes, Classified, FixClass};
use resolve::{Found, FoundFix, FoundIncident};

pub use classify::{FailureEvent, Signal};
pub use resolve::inverse_pairs;

/// What a release got from reverts, fixes and incidents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseReverts {
    /// At least one counted failure event hit it.
    pub failed: bool,
    /// The signals of the counted events that hit it, sorted.
    pub failure_signals: Vec<String>,
    /// Every post-release revert that undid one of its commits, in revert order.
    pub reverts: Vec<CommitId>,
    /// Every post-release `Fixes:` commit that fixed one of its commits.
    pub fixes: Vec<CommitId>,
    /// Ids of the incidents charged to it.
    pub incidents: Vec<String>,
    /// resolved − opened of the earliest-opened counted incident that hit it.
    pub time_to_restore_seconds: Option<i64>,
    /// Until a release of its stream shipped a counted revert or fix of it.
    pub time_to_remedy_seconds: Option<i64>,
    /// How many of its commits a counted post-release revert undid (per-commit revert rate).
    pub reverted_commits: u64,
}

/// Everything this module finds.
#[derive(Clone, Debug, Default)]
pub struct RevertAnalysis {
    /// Every revert, by author time.
    pub reverts: Vec<RevertRow>,
    /// Every non-merge commit with a `Fixes:` trailer, by author time.
    pub fixes: Vec<FixRow>,
    /// Every incident of the incidents file, in file order.
    pub incidents: Vec<IncidentRow>,
    /// One per release of the [`ReleaseSet`], same order.
    pub per_release: Vec<ReleaseReverts>,
    /// Every failure event (post-release reverts and fixes, incidents), in time order.
    pub events: Vec<FailureEvent>,
    pub change_failure_rate: Option<f64>,
    pub time_to_restore_median_seconds: Option<i64>,
    pub time_to_remedy_median_seconds: Option<i64>,
    pub counts: RevertCounts,
    /// Problems worth telling (incidents that could not be charged, commits not found).
    pub warnings: Vec<String>,
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

/// Every revert, fix and incident found and classified (stages 1–3).
#[derive(Clone, Debug, Default)]
pub struct Remedies {
    reverts: Vec<Found>,
    classified: Vec<Classified>,
    fixes: Vec<FoundFix>,
    fix_kinds: Vec<FixClass>,
    incidents: Vec<FoundIncident>,
}

/// What decides which events count.
#[derive(Clone, Copy, Debug)]
pub struct FailureRules<'a> {
    pub signals: FailureSignals,
    pub non_production: &'a NonProduction,
}

/// Stages 1–3: finds every revert and `Fixes:` commit of `history`, classifies them against
/// `releases`, and finds the commits the incidents list.
///
/// `inverse_pairs` are `(reverted, revert)` pairs from exact inverse diffs (see
/// [`inverse_pairs`]); a pair whose revert already has a target from its message is ignored.
#[must_use]
pub fn find_remedies(
    history: &History,
    releases: &ReleaseSet,
    inverse_pairs: &[(CommitId, CommitId)],
    incidents: &Incidents,
    incident_pattern: &Regex,
) -> Remedies {
    let ix = resolve::Indexes::new(history);
    let reverts =
        resolve::resolve_reverts(history, &ix, &claims::revert_claims(history), inverse_pairs);
    let fixes = resolve::resolve_fixes(history, &ix, claims::fix_claims(history));
    let is_revert: HashSet<CommitIdx> = reverts.iter().map(|f| f.idx).collect();
    let classified = reverts
        .iter()
        .map(|f| {
            let is_revert = |c| is_revert.contains(&c);
            classify::classify(history, releases, f, is_revert, incidents, incident_pattern)
        })
        .collect();
    let fix_kinds = fixes
        .iter()
        .map(|f| classify::classify_fix(history, releases, f, incidents, incident_pattern))
        .collect();
    Remedies {
        reverts,
        classified,
        fixes,
        fix_kinds,
        incidents: resolve::resolve_incidents(&ix, incidents),
    }
}

impl Remedies {
    fn classes(&self) -> Classes<'_> {
        Classes {
            reverts: &self.reverts,
            classified: &self.classified,
            fixes: &self.fixes,
            fix_kinds: &self.fix_kinds,
            incidents: &self.incidents,
        }
    }

    /// The commits whose changed paths [`analyse_reverts`] needs: those post-release reverts
    /// undo, post-release fixes name and incidents list; sorted, without duplicates.
    #[must_use]
    pub fn commits_needing_paths(&self, history: &History) -> Vec<CommitId> {
        let reverts = self
            .classified
            .iter()
            .filter(|c| c.kind == RevertKind::PostRelease)
            .flat_map(|c| c.ordinary.iter());
        let fixes = self
            .fixes
            .iter()
            .zip(&self.fix_kinds)
            .filter(|(_, c)| c.post_release)
            .flat_map(|(f, _)| f.targets.iter());
        // An incident that lists a revert or fix stands for what it undoes or names.
        let all_remedies = self
            .classified
            .iter()
            .flat_map(|c| c.ordinary.iter())
            .chain(self.fixes.iter().flat_map(|f| f.targets.iter()));
        let incidents = self.incidents.iter().flat_map(|i| i.targets.iter());
        let incidents = incidents.chain(all_remedies.filter(|_| !self.incidents.is_empty()));
        let mut ids: Vec<CommitId> = reverts
            .chain(fixes)
            .chain(incidents)
            .map(|&t| history.commits[t as usize].id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Stages 4–5: which releases the failure events hit, which failed, and the clocks.
///
/// `paths` holds the paths each commit of [`Remedies::commits_needing_paths`] changed.
#[must_use]
pub fn analyse_reverts<S: std::hash::BuildHasher>(
    history: &History,
    releases: &ReleaseSet,
    remedies: &Remedies,
    incidents: &Incidents,
    paths: &HashMap<CommitId, Vec<String>, S>,
    rules: FailureRules<'_>,
) -> RevertAnalysis {
    let mut events = classify::failure_events(
        history,
        &remedies.classes(),
        incidents,
        paths,
        rules.signals,
        rules.non_production,
    );
    let wanted = events
        .iter()
        .flat_map(|e| e.targets.iter().copied().chain(e.remedy));
    let containing = Containing::new(releases, wanted);
    let mut ledger = signals::Ledger::new(releases.releases.len());
    let mut hits: Vec<Result<Vec<usize>, String>> = Vec::with_capacity(events.len());
    for e in &mut events {
        let found = attribute::charge(releases, &containing, e);
        if let Ok(charges) = &found {
            e.hit = !charges.is_empty();
            for &c in charges {
                ledger.charge(history, incidents, e, c);
            }
        }
        hits.push(found.map(|cs| cs.iter().map(|c| c.release).collect()));
    }
    let per_release = ledger.finish(history, releases, &containing);

    let rows = Rows::new(history, releases, remedies, incidents, &events, &hits);
    let clock = |f: fn(&ReleaseReverts) -> Option<i64>| -> Option<i64> {
        let values: Vec<i64> = per_release.iter().filter_map(f).collect();
        median_i64(&values)
    };
    RevertAnalysis {
        time_to_restore_median_seconds: clock(|p| p.time_to_restore_seconds),
        time_to_remedy_median_seconds: clock(|p| p.time_to_remedy_seconds),
        change_failure_rate: change_failure_rate(
            releases
                .releases
                .iter()
                .zip(&per_release)
                .map(|(r, p)| (r.previous.is_some(), p.failed)),
        ),
        reverts: rows.reverts,
        fixes: rows.fixes,
        incidents: rows.incidents,
        per_release,
        events,
        counts: rows.counts,
        warnings: rows.warnings,
    }
}

/// The rows of the reverts, fixes and incidents, with their counts and warnings.
struct Rows {
    reverts: Vec<RevertRow>,
    fixes: Vec<FixRow>,
    incidents: Vec<IncidentRow>,
    counts: RevertCounts,
    warnings: Vec<String>,
}

impl Rows {
    /// Builds the rows and marks on them what the events decided: whether each counted,
    /// whether it touched production paths, the releases each incident hit (`hits`, one per
    /// event: the releases charged, or why none was).
    fn new(
        history: &History,
        releases: &ReleaseSet,
        remedies: &Remedies,
        incidents: &Incidents,
        events: &[FailureEvent],
        hits: &[Result<Vec<usize>, String>],
    ) -> Self {
        let mut counts = RevertCounts::default();
        let mut reverts: Vec<RevertRow> = remedies
            .reverts
            .iter()
            .zip(&remedies.classified)
            .map(|(f, c)| {
                tally(&mut counts, f, c);
                revert_row(history, releases, f, c)
            })
            .collect();
        let mut fixes: Vec<FixRow> = remedies
            .fixes
            .iter()
            .zip(&remedies.fix_kinds)
            .map(|(f, c)| {
                counts.fixes += 1;
                counts.fixes_post_release += u64::from(c.post_release);
                counts.fixes_incident_linked += u64::from(!c.incident_refs.is_empty());
                fix_row(history, releases, f, c)
            })
            .collect();
        let mut incident_rows: Vec<IncidentRow> = incidents
            .incidents
            .iter()
            .zip(&remedies.incidents)
            .map(|(inc, found)| IncidentRow {
                id: inc.id.clone(),
                opened: to_time(inc.opened),
                resolved: inc.resolved.map(to_time),
                stream: inc.stream.clone(),
                commits: found
                    .targets
                    .iter()
                    .map(|&t| history.commits[t as usize].id)
                    .collect(),
                releases: Vec::new(),
                counted: false,
                time_to_restore_seconds: inc.resolved.map(|r| r - inc.opened),
                components: Vec::new(),
                repeat: false,
                unattributed: None,
            })
            .collect();
        let mut warnings = Vec::new();
        for (found, inc) in remedies.incidents.iter().zip(&incidents.incidents) {
            for note in &found.unresolved {
                warnings.push(format!("incident {}: commit {note}", inc.id));
            }
        }
        for (e, hit) in events.iter().zip(hits) {
            match e.signal {
                Signal::Revert => {
                    let row = &mut reverts[e.row];
                    row.production = Some(e.production);
                    row.counted = e.counts;
                    counts.reverts_set_aside += u64::from(!e.production);
                }
                Signal::Fix => {
                    let row = &mut fixes[e.row];
                    row.production = Some(e.production);
                    row.counted = e.counts;
                    counts.fixes_set_aside += u64::from(!e.production);
                }
                Signal::Incident => {
                    let row = &mut incident_rows[e.row];
                    row.counted = e.counts;
                    match hit {
                        Ok(rs) => {
                            row.releases = rs
                                .iter()
                                .map(|&r| releases.releases[r].point.name.clone())
                                .collect();
                        }
                        Err(why) => {
                            counts.incidents_unattributed += 1;
                            warnings.push(format!(
                                "incident {} is charged to no release: {why}",
                                row.id
                            ));
                            row.unattributed = Some(why.clone());
                        }
                    }
                }
            }
        }
        counts.incidents = incident_rows.len() as u64;
        Rows {
            reverts,
            fixes,
            incidents: incident_rows,
            counts,
            warnings,
        }
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

/// The ids of `commits`.
fn ids(history: &History, commits: &[CommitIdx]) -> Vec<CommitId> {
    commits
        .iter()
        .map(|&t| history.commits[t as usize].id)
        .collect()
}

fn revert_row(history: &History, releases: &ReleaseSet, f: &Found, c: &Classified) -> RevertRow {
    let commit = &history.commits[f.idx as usize];
    RevertRow {
        commit: commit.id,
        time: to_time(commit.author_time),
        subject: commit.subject().to_string(),
        reverted: ids(history, &f.targets),
        kind: c.kind,
        method: f.method,
        incident_linked: c.incident_linked(),
        incident_refs: c.incident_refs.clone(),
        introduced_in: c.introduced_in.map(|r| tag(releases, r)),
        shipped_in: classify::shipped(releases, f.idx).map(|r| tag(releases, r)),
        components: Vec::new(),
        repeat: false,
        production: None,
        counted: false,
        cherry_pick_of: f.cherry_pick_of.map(|o| history.commits[o as usize].id),
        unresolved_targets: f.unresolved.clone(),
    }
}

fn fix_row(history: &History, releases: &ReleaseSet, f: &FoundFix, c: &FixClass) -> FixRow {
    let commit = &history.commits[f.idx as usize];
    FixRow {
        commit: commit.id,
        time: to_time(commit.author_time),
        subject: commit.subject().to_string(),
        fixed: ids(history, &f.targets),
        post_release: c.post_release,
        introduced_in: f
            .targets
            .iter()
            .filter_map(|&t| classify::shipped(releases, t))
            .min()
            .map(|r| tag(releases, r)),
        incident_linked: !c.incident_refs.is_empty(),
        incident_refs: c.incident_refs.clone(),
        production: None,
        counted: false,
        components: Vec::new(),
        repeat: false,
        unresolved_targets: f.unresolved.clone(),
    }
}
