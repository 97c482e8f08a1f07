//! Stage 2: resolve the targets of claims. Finds the commits that reverts undo (by sha, pull
//! request, subject or exact inverse diff), links cherry-picked reverts to their originals and
//! retargets them onto the commit of their own line, and finds the commits `Fixes:` names.

use std::collections::{HashMap, HashSet};

use crate::facts::{ChangeDigest, CommitId, CommitIdx, History};
use crate::incidents::Incidents;
use crate::report::model::RevertMethod;

use super::claims::{cherry_picked_from, merge_pr, subject_claim, trailing_pr, Claim};

/// Result of looking a sha prefix up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lookup {
    Found(CommitIdx),
    Missing,
    Ambiguous(usize),
}

/// Sha prefixes → commits of the history.
pub(super) struct Shas<'h> {
    history: &'h History,
    sorted: Vec<(String, CommitIdx)>,
}

impl<'h> Shas<'h> {
    fn new(history: &'h History) -> Self {
        let mut sorted: Vec<(String, CommitIdx)> = history
            .commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.to_hex(), i as CommitIdx))
            .collect();
        sorted.sort_unstable();
        Self { history, sorted }
    }

    pub(super) fn lookup(&self, prefix: &str) -> Lookup {
        let p = prefix.to_ascii_lowercase();
        if p.len() == 40 {
            return CommitId::from_hex(&p)
                .and_then(|id| self.history.idx(&id))
                .map_or(Lookup::Missing, Lookup::Found);
        }
        let start = self
            .sorted
            .partition_point(|(h, _)| h.as_str() < p.as_str());
        let mut hits = self.sorted[start..]
            .iter()
            .take_while(|(h, _)| h.starts_with(&p));
        match (hits.next(), hits.next()) {
            (None, _) => Lookup::Missing,
            (Some(&(_, i)), None) => Lookup::Found(i),
            (Some(_), Some(_)) => Lookup::Ambiguous(2 + hits.count()),
        }
    }
}

/// Orders commits by "committed before": committer time, then children-first position
/// reversed (an ancestor sorts before its descendant).
fn when(history: &History, c: CommitIdx) -> (i64, i64) {
    (history.commits[c as usize].committer_time, -i64::from(c))
}

/// Of `candidates`, the latest committed before `c`.
pub(super) fn latest_before(
    history: &History,
    candidates: &[CommitIdx],
    c: CommitIdx,
) -> Option<CommitIdx> {
    let limit = when(history, c);
    candidates
        .iter()
        .copied()
        .filter(|&a| a != c && when(history, a) < limit)
        .max_by_key(|&a| when(history, a))
}

/// From the per-commit change digests, the pairs `(reverted, revert)` where the revert's
/// change set is the exact inverse of the reverted commit's and the reverted commit is the
/// latest such one committed before it. Digests of commits not in `history` are ignored.
///
/// A commit that only deletes files is never taken for a revert here: deleting exactly the
/// files an earlier commit added, untouched since, is what removing or moving a feature looks
/// like too (ansible's 2020 migration of modules to collections), and without a message
/// saying "revert" we do not claim it.
#[must_use]
pub fn inverse_pairs(history: &History, digests: &[ChangeDigest]) -> Vec<(CommitId, CommitId)> {
    let mut by_forward: HashMap<[u8; 20], Vec<CommitIdx>> = HashMap::new();
    for d in digests {
        if let Some(i) = history.idx(&d.commit) {
            by_forward.entry(d.forward).or_default().push(i);
        }
    }
    let mut pairs = Vec::new();
    for d in digests {
        let Some(c) = history.idx(&d.commit) else {
            continue;
        };
        if d.deletes_only {
            continue;
        }
        if let Some(cands) = by_forward.get(&d.inverse) {
            if let Some(a) = latest_before(history, cands, c) {
                pairs.push((history.commits[a as usize].id, d.commit));
            }
        }
    }
    pairs
}

/// One revert while it is being worked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Found {
    pub idx: CommitIdx,
    pub method: RevertMethod,
    /// The commits it undoes, in the order its message names them.
    pub targets: Vec<CommitIdx>,
    /// Targets named that could not be found, with the reason.
    pub unresolved: Vec<String>,
    /// The revert this one was cherry-picked from, when that is a revert too.
    pub cherry_pick_of: Option<CommitIdx>,
}

fn lookup_note(sha: &str, l: Lookup) -> Option<String> {
    match l {
        Lookup::Found(_) => None,
        Lookup::Missing => Some(format!("{sha} (not in the history read)")),
        Lookup::Ambiguous(n) => Some(format!("{sha} (ambiguous: {n} commits start with it)")),
    }
}

/// Indexes over the history that the resolution of claims needs.
pub(super) struct Indexes<'h> {
    shas: Shas<'h>,
    by_subject: HashMap<&'h str, Vec<CommitIdx>>,
    by_pr: HashMap<u64, Vec<CommitIdx>>,
}

impl<'h> Indexes<'h> {
    pub(super) fn new(history: &'h History) -> Self {
        let mut by_subject: HashMap<&str, Vec<CommitIdx>> = HashMap::new();
        let mut by_pr: HashMap<u64, Vec<CommitIdx>> = HashMap::new();
        for (i, c) in history.commits.iter().enumerate() {
            let s = c.subject();
            by_subject.entry(s).or_default().push(i as CommitIdx);
            let pr = if c.is_merge() {
                merge_pr(s)
            } else {
                trailing_pr(s)
            };
            if let Some(n) = pr {
                by_pr.entry(n).or_default().push(i as CommitIdx);
            }
        }
        Self {
            shas: Shas::new(history),
            by_subject,
            by_pr,
        }
    }

    /// The commits `shas` name (in order, without duplicates) for commit `c`, and the notes of
    /// those not found (a sha naming `c` itself is not a target).
    fn lookup_shas(&self, c: Option<CommitIdx>, shas: &[String]) -> (Vec<CommitIdx>, Vec<String>) {
        let mut targets = Vec::new();
        let mut unresolved = Vec::new();
        for sha in shas {
            match self.shas.lookup(sha) {
                Lookup::Found(t) if Some(t) != c => {
                    if !targets.contains(&t) {
                        targets.push(t);
                    }
                }
                Lookup::Found(_) => unresolved.push(format!("{sha} (itself)")),
                l => unresolved.extend(lookup_note(sha, l)),
            }
        }
        (targets, unresolved)
    }

    /// Resolves the claim of commit `c`.
    pub(super) fn resolve(&self, c: CommitIdx, claim: &Claim) -> Found {
        let history = self.shas.history;
        let mut found = Found {
            idx: c,
            method: RevertMethod::Message,
            targets: Vec::new(),
            unresolved: Vec::new(),
            cherry_pick_of: None,
        };
        let by_subject = |subject: &str, found: &mut Found| {
            found.method = RevertMethod::Subject;
            match self
                .by_subject
                .get(subject)
                .and_then(|cands| latest_before(history, cands, c))
            {
                Some(t) => found.targets.push(t),
                None => found.unresolved.push(format!(
                    "\"{subject}\" (no earlier commit has this subject)"
                )),
            }
        };
        match claim {
            Claim::Shas(shas) => {
                if shas.is_empty() {
                    found
                        .unresolved
                        .push("(no commit id after \"This reverts commit\")".to_string());
                }
                let (targets, unresolved) = self.lookup_shas(Some(c), shas);
                found.targets = targets;
                found.unresolved.extend(unresolved);
            }
            Claim::PullRequest {
                number,
                subject,
                from_subject,
            } => {
                let merged: Vec<CommitIdx> = self
                    .by_pr
                    .get(number)
                    .map(|cands| {
                        cands
                            .iter()
                            .copied()
                            .filter(|&t| {
                                !from_subject || history.commits[t as usize].subject() == subject
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(t) = latest_before(history, &merged, c) {
                    found.method = RevertMethod::PullRequest;
                    found.targets.push(t);
                } else {
                    by_subject(subject, &mut found);
                    if found.targets.is_empty() {
                        found.method = RevertMethod::PullRequest;
                        found.unresolved.insert(
                            0,
                            format!("#{number} (no earlier commit merged this pull request)"),
                        );
                    }
                }
            }
            Claim::Subject(subject) => by_subject(subject, &mut found),
        }
        // A sha that is gone (the reverted commit was rebased away) but a `Revert "…"`
        // subject that still names it: resolve by the subject, keeping the sha's note.
        if found.targets.is_empty() && matches!(claim, Claim::Shas(_)) {
            if let Some(alt) = subject_claim(&history.commits[c as usize]) {
                let mut alt = self.resolve(c, &alt);
                if !alt.targets.is_empty() {
                    alt.unresolved = found.unresolved;
                    return alt;
                }
            }
        }
        found
    }
}

/// Ancestors of `c` (itself included), as a bitmap over the history.
fn ancestors(history: &History, c: CommitIdx) -> Vec<bool> {
    let mut seen = vec![false; history.commits.len()];
    let mut stack = vec![c];
    seen[c as usize] = true;
    while let Some(x) = stack.pop() {
        for &p in &history.commits[x as usize].parents {
            if !seen[p as usize] {
                seen[p as usize] = true;
                stack.push(p);
            }
        }
    }
    seen
}

/// One `Fixes:` commit with the commits it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FoundFix {
    pub idx: CommitIdx,
    pub targets: Vec<CommitIdx>,
    pub unresolved: Vec<String>,
}

/// Every revert: the resolved `claims`, then commits that only an inverse diff links
/// (`inverse_pairs`, `(reverted, revert)`), then cherry-picks linked to their originals.
/// Ordered by author time (children-first position breaking ties).
pub(super) fn resolve_reverts(
    history: &History,
    ix: &Indexes<'_>,
    claims: &[(CommitIdx, Claim)],
    inverse_pairs: &[(CommitId, CommitId)],
) -> Vec<Found> {
    let mut found: Vec<Found> = claims
        .iter()
        .map(|(c, claim)| ix.resolve(*c, claim))
        .collect();
    add_inverse_pairs(history, &mut found, inverse_pairs);
    link_cherry_picks(history, ix, &mut found);
    found.sort_by_key(|f| {
        let c = &history.commits[f.idx as usize];
        (c.author_time, -i64::from(f.idx))
    });
    found
}

/// Reverts by inverse diff, for commits not already linked by their message.
fn add_inverse_pairs(
    history: &History,
    found: &mut Vec<Found>,
    inverse_pairs: &[(CommitId, CommitId)],
) {
    let mut slot: HashMap<CommitIdx, usize> =
        found.iter().enumerate().map(|(k, f)| (f.idx, k)).collect();
    for (reverted, revert) in inverse_pairs {
        let (Some(a), Some(c)) = (history.idx(reverted), history.idx(revert)) else {
            continue;
        };
        if history.commits[c as usize].is_merge() {
            continue;
        }
        if let Some(&k) = slot.get(&c) {
            let f = &mut found[k];
            if f.targets.is_empty() || f.method == RevertMethod::PatchId {
                f.method = RevertMethod::PatchId;
                if !f.targets.contains(&a) {
                    f.targets.push(a);
                }
            }
        } else {
            slot.insert(c, found.len());
            found.push(Found {
                idx: c,
                method: RevertMethod::PatchId,
                targets: vec![a],
                unresolved: Vec::new(),
                cherry_pick_of: None,
            });
        }
    }
}

/// Cherry-picked reverts: link each to its original revert, and retarget it onto the commit
/// of its own line (a cherry-pick of the named target that is its ancestor).
fn link_cherry_picks(history: &History, ix: &Indexes<'_>, found: &mut [Found]) {
    let reverts: HashSet<CommitIdx> = found.iter().map(|f| f.idx).collect();
    let mut picks_of: HashMap<CommitIdx, Vec<CommitIdx>> = HashMap::new();
    let mut picked_from: HashMap<CommitIdx, Vec<CommitIdx>> = HashMap::new();
    for (i, commit) in history.commits.iter().enumerate() {
        if !commit.message.contains("(cherry picked from commit ") {
            continue;
        }
        for sha in cherry_picked_from(&commit.message) {
            if let Lookup::Found(o) = ix.shas.lookup(&sha) {
                if o != i as CommitIdx {
                    picks_of.entry(o).or_default().push(i as CommitIdx);
                    picked_from.entry(i as CommitIdx).or_default().push(o);
                }
            }
        }
    }
    for f in found {
        let Some(origins) = picked_from.get(&f.idx) else {
            continue;
        };
        f.cherry_pick_of = origins.iter().copied().find(|o| reverts.contains(o));
        // Retarget even when the original revert is not in the history read: a cherry-picked
        // revert undoes what its own line shipped.
        if f.targets.is_empty() {
            continue;
        }
        let mine = ancestors(history, f.idx);
        for t in &mut f.targets {
            if mine[*t as usize] {
                continue;
            }
            let on_my_line: Vec<CommitIdx> = picks_of
                .get(t)
                .map(|ps| ps.iter().copied().filter(|&p| mine[p as usize]).collect())
                .unwrap_or_default();
            if let Some(p) = latest_before(history, &on_my_line, f.idx) {
                *t = p;
            }
        }
        let mut seen = HashSet::new();
        f.targets.retain(|t| seen.insert(*t));
    }
}

/// The commits each `Fixes:` commit names, ordered by author time like the reverts.
pub(super) fn resolve_fixes(
    history: &History,
    ix: &Indexes<'_>,
    claims: Vec<(CommitIdx, Vec<String>)>,
) -> Vec<FoundFix> {
    let mut fixes: Vec<FoundFix> = claims
        .into_iter()
        .map(|(i, shas)| {
            let (targets, unresolved) = ix.lookup_shas(Some(i), &shas);
            FoundFix {
                idx: i,
                targets,
                unresolved,
            }
        })
        .collect();
    fixes.sort_by_key(|f| {
        (
            history.commits[f.idx as usize].author_time,
            -i64::from(f.idx),
        )
    });
    fixes
}

/// The commits an incident of the file lists, found in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FoundIncident {
    pub targets: Vec<CommitIdx>,
    /// Listed commits that could not be found, with the reason.
    pub unresolved: Vec<String>,
}

/// The commits each incident lists, in file order.
pub(super) fn resolve_incidents(ix: &Indexes<'_>, incidents: &Incidents) -> Vec<FoundIncident> {
    incidents
        .incidents
        .iter()
        .map(|inc| {
            let (targets, unresolved) = ix.lookup_shas(None, &inc.commits);
            FoundIncident {
                targets,
                unresolved,
            }
        })
        .collect()
}
