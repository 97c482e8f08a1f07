//! Stage 3: classify. Each revert is post-release, pre-release, a reapply or unresolved, with
//! the release that introduced what it undoes and its incident references; a `Fixes:` commit
//! is post-release or not. Then the **failure events**: every post-release revert and fix and
//! every incident, with the paths of the commits it undoes, names or lists, whether those
//! touch production code, and whether it counts under the failure signals looked for.

use std::collections::{BTreeSet, HashMap};

use regex::Regex;

use crate::analysis::releases::ReleaseSet;
use crate::facts::{CommitFacts, CommitId, CommitIdx, History};
use crate::failure::{FailureSignals, NonProduction};
use crate::incidents::Incidents;
use crate::report::model::RevertKind;

use super::resolve::{Found, FoundFix, FoundIncident};

/// What stage 3 decides about one revert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Classified {
    pub kind: RevertKind,
    /// Its targets that are not themselves reverts (what a post-release revert charges).
    pub ordinary: Vec<CommitIdx>,
    /// The release (index into the release set) that first shipped the earliest of what it
    /// undoes.
    pub introduced_in: Option<u32>,
    pub incident_refs: Vec<String>,
}

impl Classified {
    pub(super) fn incident_linked(&self) -> bool {
        !self.incident_refs.is_empty()
    }
}

/// Whether `target` had shipped in a release before `at` (the remedy's author time).
pub(super) fn shipped_before(releases: &ReleaseSet, target: CommitIdx, at: i64) -> bool {
    shipped(releases, target).is_some_and(|r| releases.releases[r as usize].point.time < at)
}

/// The release that first shipped `target`.
pub(super) fn shipped(releases: &ReleaseSet, target: CommitIdx) -> Option<u32> {
    releases.shipped_in.get(target as usize).copied().flatten()
}

/// Classifies one revert. `is_revert` tells which commits are reverts themselves.
pub(super) fn classify(
    history: &History,
    releases: &ReleaseSet,
    found: &Found,
    is_revert: impl Fn(CommitIdx) -> bool,
    incidents: &Incidents,
    pattern: &Regex,
) -> Classified {
    let commit = &history.commits[found.idx as usize];
    let ordinary: Vec<CommitIdx> = found
        .targets
        .iter()
        .copied()
        .filter(|&t| !is_revert(t))
        .collect();
    let kind = if found.targets.is_empty() {
        RevertKind::Unresolved
    } else if ordinary.is_empty() {
        RevertKind::Reapply
    } else if ordinary
        .iter()
        .any(|&t| shipped_before(releases, t, commit.author_time))
    {
        RevertKind::PostRelease
    } else {
        RevertKind::PreRelease
    };
    let reverted: Vec<CommitId> = found
        .targets
        .iter()
        .map(|&t| history.commits[t as usize].id)
        .collect();
    let considered = if ordinary.is_empty() {
        &found.targets
    } else {
        &ordinary
    };
    let introduced_in = considered
        .iter()
        .filter_map(|&t| shipped(releases, t))
        .min();
    Classified {
        kind,
        introduced_in,
        incident_refs: incident_refs(commit, &reverted, pattern, incidents),
        ordinary,
    }
}

/// Incident references of a revert: texts the pattern matches, ids of the incidents file
/// named in the message (whole word, any case) or listing the revert's sha or the sha of a
/// commit it reverts (an incident's commits are the commits involved in it, whichever side).
pub(super) fn incident_refs(
    commit: &CommitFacts,
    reverted: &[CommitId],
    pattern: &Regex,
    incidents: &Incidents,
) -> Vec<String> {
    let mut refs: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !refs.contains(&s) {
            refs.push(s);
        }
    };
    for m in pattern.find_iter(&commit.message) {
        if !m.as_str().is_empty() {
            push(m.as_str().to_string());
        }
    }
    let lower = commit.message.to_lowercase();
    let mut hexes = vec![commit.id.to_hex()];
    hexes.extend(reverted.iter().map(CommitId::to_hex));
    for inc in &incidents.incidents {
        if names_word(&lower, &inc.id.to_lowercase())
            || inc
                .commits
                .iter()
                .any(|p| hexes.iter().any(|h| h.starts_with(p.as_str())))
        {
            push(inc.id.clone());
        }
    }
    refs
}

/// Whether `word` occurs in `text` with no letter or digit right before or after it.
fn names_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word).any(|(at, _)| {
        !is_word(text[..at].chars().next_back()) && !is_word(text[at + word.len()..].chars().next())
    })
}

/// What stage 3 decides about one `Fixes:` commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FixClass {
    /// One of the commits it names had shipped before it was written.
    pub post_release: bool,
    pub incident_refs: Vec<String>,
}

/// Classifies one `Fixes:` commit.
pub(super) fn classify_fix(
    history: &History,
    releases: &ReleaseSet,
    fix: &FoundFix,
    incidents: &Incidents,
    pattern: &Regex,
) -> FixClass {
    let commit = &history.commits[fix.idx as usize];
    let named: Vec<CommitId> = fix
        .targets
        .iter()
        .map(|&t| history.commits[t as usize].id)
        .collect();
    FixClass {
        post_release: fix
            .targets
            .iter()
            .any(|&t| shipped_before(releases, t, commit.author_time)),
        incident_refs: incident_refs(commit, &named, pattern, incidents),
    }
}

/// A failure signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    Revert,
    Fix,
    Incident,
}

impl Signal {
    /// The name used in `--failure` and `failure_signals`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Revert => "revert",
            Signal::Fix => "fix",
            Signal::Incident => "incident",
        }
    }
}

/// One post-release revert, post-release fix or incident: something that may fail the
/// releases that shipped what it undoes, names or lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureEvent {
    pub signal: Signal,
    /// Its row among the reverts, the fixes or the incidents (by `signal`).
    pub row: usize,
    /// The revert or fix commit; `None` for an incident.
    pub remedy: Option<CommitIdx>,
    /// When it happened: the author time of a revert or fix, the `opened` of an incident.
    pub at: i64,
    /// The commits it undoes (not counting reverts it reapplies), names or lists.
    pub targets: Vec<CommitIdx>,
    /// The paths those commits changed (each against its first parent), sorted. The
    /// attribution stage reads them: a stream bound to paths is charged only when they touch
    /// its paths.
    pub paths: Vec<String>,
    /// What it undoes or names touches production paths. Incidents always do.
    pub production: bool,
    pub incident_linked: bool,
    /// It fails the releases it hits under the signals looked for.
    pub counts: bool,
    /// The incident's `stream` column.
    pub stream: Option<String>,
    /// An incident's resolved − opened.
    pub restore_seconds: Option<i64>,
    /// A revert cherry-picked from another revert (the same failure on another line).
    pub cherry_pick: bool,
    /// It hit at least one release (set by the attribution stage).
    pub hit: bool,
}

/// Everything stage 3 decided, per kind of remedy.
pub(super) struct Classes<'a> {
    pub reverts: &'a [Found],
    pub classified: &'a [Classified],
    pub fixes: &'a [FoundFix],
    pub fix_kinds: &'a [FixClass],
    pub incidents: &'a [FoundIncident],
}

/// What each resolved revert (its ordinary targets) and fix undoes or names.
fn remedy_targets(classes: &Classes<'_>) -> HashMap<CommitIdx, Vec<CommitIdx>> {
    let mut map: HashMap<CommitIdx, Vec<CommitIdx>> = HashMap::new();
    for (f, c) in classes.reverts.iter().zip(classes.classified) {
        if !c.ordinary.is_empty() {
            map.insert(f.idx, c.ordinary.clone());
        }
    }
    for f in classes.fixes.iter().filter(|f| !f.targets.is_empty()) {
        map.entry(f.idx).or_insert_with(|| f.targets.clone());
    }
    map
}

/// The union of the paths `targets` changed, sorted.
fn paths_of<S: std::hash::BuildHasher>(
    history: &History,
    targets: &[CommitIdx],
    paths: &HashMap<CommitId, Vec<String>, S>,
) -> Vec<String> {
    let set: BTreeSet<&String> = targets
        .iter()
        .filter_map(|&t| paths.get(&history.commits[t as usize].id))
        .flatten()
        .collect();
    set.into_iter().cloned().collect()
}

/// The failure events, in time order (ties: reverts, then fixes, then incidents, each in its
/// own order). `paths` holds the paths changed by each commit the events undo, name or list.
pub(super) fn failure_events<S: std::hash::BuildHasher>(
    history: &History,
    classes: &Classes<'_>,
    incidents: &Incidents,
    paths: &HashMap<CommitId, Vec<String>, S>,
    signals: FailureSignals,
    non_production: &NonProduction,
) -> Vec<FailureEvent> {
    let linked_ok = |linked: bool| !signals.incident_linked || linked;
    let mut events = Vec::new();
    for (row, (f, c)) in classes.reverts.iter().zip(classes.classified).enumerate() {
        if c.kind != RevertKind::PostRelease {
            continue;
        }
        let paths = paths_of(history, &c.ordinary, paths);
        let production = non_production.touches_production(&paths);
        events.push(FailureEvent {
            signal: Signal::Revert,
            row,
            remedy: Some(f.idx),
            at: history.commits[f.idx as usize].author_time,
            targets: c.ordinary.clone(),
            paths,
            production,
            incident_linked: c.incident_linked(),
            counts: signals.revert && production && linked_ok(c.incident_linked()),
            stream: None,
            restore_seconds: None,
            cherry_pick: f.cherry_pick_of.is_some(),
            hit: false,
        });
    }
    for (row, (f, c)) in classes.fixes.iter().zip(classes.fix_kinds).enumerate() {
        if !c.post_release {
            continue;
        }
        let paths = paths_of(history, &f.targets, paths);
        let production = non_production.touches_production(&paths);
        let linked = !c.incident_refs.is_empty();
        events.push(FailureEvent {
            signal: Signal::Fix,
            row,
            remedy: Some(f.idx),
            at: history.commits[f.idx as usize].author_time,
            targets: f.targets.clone(),
            paths,
            production,
            incident_linked: linked,
            counts: signals.fix && production && linked_ok(linked),
            stream: None,
            restore_seconds: None,
            cherry_pick: false,
            hit: false,
        });
    }
    let undone = remedy_targets(classes);
    for (row, (found, inc)) in classes
        .incidents
        .iter()
        .zip(&incidents.incidents)
        .enumerate()
    {
        // An incident lists the commits involved, whichever side: a revert or fix it lists
        // stands for what that remedy undoes or names.
        let mut targets: Vec<CommitIdx> = Vec::new();
        for t in &found.targets {
            for &u in undone.get(t).map_or(std::slice::from_ref(t), Vec::as_slice) {
                if !targets.contains(&u) {
                    targets.push(u);
                }
            }
        }
        events.push(FailureEvent {
            signal: Signal::Incident,
            row,
            remedy: None,
            at: inc.opened,
            paths: paths_of(history, &targets, paths),
            targets,
            production: true,
            incident_linked: true,
            counts: signals.incident,
            stream: inc.stream.clone(),
            restore_seconds: inc.resolved.map(|r| r - inc.opened),
            cherry_pick: false,
            hit: false,
        });
    }
    events.sort_by_key(|e| (e.at, e.signal));
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_whole_word_only() {
        assert!(names_word("see ops-7.", "ops-7"));
        assert!(names_word("ops-7", "ops-7"));
        assert!(!names_word("see ops-77", "ops-7"));
        assert!(!names_word("xops-7", "ops-7"));
        assert!(!names_word("anything", ""));
    }
}
