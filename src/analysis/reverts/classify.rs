//! Stage 3: classify each revert (post-release, pre-release, reapply, unresolved), find the
//! release that introduced what it undoes, and its incident references; whether a `Fixes:`
//! commit came after its target shipped.

use regex::Regex;

use crate::analysis::releases::ReleaseSet;
use crate::facts::{CommitFacts, CommitId, CommitIdx, History};
use crate::incidents::Incidents;
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
