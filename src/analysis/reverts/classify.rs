//! Stage 3: classify each revert (post-release, pre-release, reapply, unresolved), find the
//! release that introduced what it undoes, and its incident references; whether a `Fixes:`
//! commit came after its target shipped.

use regex::Regex;

use crate::analysis::incident_index::IncidentIndex;
use crate::analysis::releases::ReleaseSet;
use crate::facts::{CommitFacts, CommitId, CommitIdx, History};
use crate::report::model::RevertKind;

use super::resolve::Found;

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
    incidents: &IncidentIndex,
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
    incidents: &IncidentIndex,
) -> Vec<String> {
    let mut refs: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for m in pattern.find_iter(&commit.message) {
        if !m.as_str().is_empty() && seen.insert(m.as_str()) {
            refs.push(m.as_str().to_string());
        }
    }
    let mut hexes = vec![commit.id.to_hex()];
    hexes.extend(reverted.iter().map(CommitId::to_hex));
    for id in incidents.referenced(&commit.message, &hexes) {
        if !seen.contains(id.as_str()) {
            refs.push(id);
        }
    }
    refs
}
