//! Reverts, reapplies and post-release fixes; which releases they make failed; time to restore
//! and change failure rate (PRODUCT.md, "Reverts and incidents").
//!
//! Pure: the history, the placed releases, the inverse-diff pairs found by
//! [`crate::git::inverse`] and the incidents file go in; rows and per-release facts come out.
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

use std::collections::{BTreeSet, HashMap, HashSet};

use regex::Regex;

use crate::analysis::cadence::to_time;
use crate::analysis::releases::ReleaseSet;
use crate::analysis::stats::median_i64;
use crate::cli::FailureMode;
use crate::facts::{ChangeDigest, CommitFacts, CommitId, CommitIdx, History};
use crate::incidents::Incidents;
use crate::report::model::{FixRow, RevertCounts, RevertKind, RevertMethod, RevertRow};

/// Shortest sha accepted in a message.
const MIN_SHA: usize = 7;

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

/// What a commit's message claims it reverts.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Claim {
    /// `This reverts commit(s) …`; the shas (may be empty when none could be read).
    Shas(Vec<String>),
    /// A hosted-PR revert of PR `number`; the quoted subject, to fall back on. When the
    /// number comes from the quoted subject itself (`from_subject`), the merging commit must
    /// carry that subject exactly: a history that absorbed another repository (a subtree
    /// merge) has that repository's PR numbers too, and a bare number would pick the wrong one.
    PullRequest {
        number: u64,
        subject: String,
        from_subject: bool,
    },
    /// `Revert "<subject>"`.
    Subject(String),
}

/// Reads `This reverts commit(s) <list>` anywhere in a message, every occurrence. Returns
/// `None` when the phrase does not occur.
fn message_shas(message: &str) -> Option<Vec<String>> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)this\s+reverts\s+commits?\b")
            .unwrap_or_else(|_| unreachable!("constant regex"))
    });
    let mut found = false;
    let mut shas = Vec::new();
    for m in re.find_iter(message) {
        found = true;
        read_sha_list(&message[m.end()..], &mut shas);
    }
    found.then_some(shas)
}

/// Reads shas separated by `,`, `and`, bullets and whitespace until the first other word.
fn read_sha_list(mut rest: &str, out: &mut Vec<String>) {
    loop {
        rest = rest
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '*' | '-' | ':'));
        if let Some(after) = rest.strip_prefix("and") {
            if after.starts_with(|c: char| c.is_whitespace()) {
                rest = after;
                continue;
            }
        }
        let len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let word = &rest[..len];
        if (MIN_SHA..=40).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_hexdigit()) {
            let lower = word.to_ascii_lowercase();
            if !out.contains(&lower) {
                out.push(lower);
            }
            rest = &rest[len..];
        } else {
            return;
        }
    }
}

/// The quoted subject of `Revert "<subject>"` (allowing a trailing ` (#N)` of the squashed
/// revert PR itself).
fn revert_subject(subject: &str) -> Option<&str> {
    let inner = subject.strip_prefix("Revert \"")?;
    let end = inner.rfind('"')?;
    (end > 0).then(|| &inner[..end])
}

/// `(#N)` at the end of a subject.
fn trailing_pr(subject: &str) -> Option<u64> {
    let s = subject.trim_end().strip_suffix(')')?;
    let open = s.rfind("(#")?;
    s[open + 2..].parse().ok()
}

/// `Merge pull request #N from …`.
fn merge_pr(subject: &str) -> Option<u64> {
    let rest = subject.strip_prefix("Merge pull request #")?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// `Reverts owner/repo#N` or `Reverts #N` on a line of the body.
fn body_pr(message: &str) -> Option<u64> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?m)^\s*Reverts\s+(?:[\w.-]+/[\w.-]+)?#(\d+)\b")
            .unwrap_or_else(|_| unreachable!("constant regex"))
    });
    re.captures(message)?.get(1)?.as_str().parse().ok()
}

fn claim(commit: &CommitFacts) -> Option<Claim> {
    if commit.is_merge() {
        return None;
    }
    let shas = message_shas(&commit.message);
    if let Some(shas) = &shas {
        if !shas.is_empty() {
            return Some(Claim::Shas(shas.clone()));
        }
    }
    // `Revert "<sha>"`: a sha where the subject would be.
    if let Some(inner) = revert_subject(commit.subject()) {
        if (MIN_SHA..=40).contains(&inner.len()) && inner.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(Claim::Shas(vec![inner.to_ascii_lowercase()]));
        }
    }
    // The phrase without any sha we could read: still a revert, unresolved.
    subject_claim(commit).or(shas.map(Claim::Shas))
}

/// The claim of a `Revert "<subject>"` subject: a pull request number, else the subject.
fn subject_claim(commit: &CommitFacts) -> Option<Claim> {
    let inner = revert_subject(commit.subject())?;
    let (number, from_subject) = match body_pr(&commit.message) {
        Some(n) => (Some(n), false),
        None => (trailing_pr(inner).or_else(|| merge_pr(inner)), true),
    };
    Some(match number {
        Some(number) => Claim::PullRequest {
            number,
            subject: inner.to_string(),
            from_subject,
        },
        None => Claim::Subject(inner.to_string()),
    })
}

/// `(cherry picked from commit <sha>)` lines.
fn cherry_picked_from(message: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"\(cherry picked from commit ([0-9a-fA-F]{7,40})\)")
            .unwrap_or_else(|_| unreachable!("constant regex"))
    });
    re.captures_iter(message)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_ascii_lowercase()))
        .collect()
}

/// `Fixes: <sha>` trailer lines (the Linux kernel convention).
fn fixes_shas(message: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?mi)^[ \t]*Fixes:[ \t]*(?:commit[ \t]+)?([0-9a-f]{7,40})\b")
            .unwrap_or_else(|_| unreachable!("constant regex"))
    });
    let mut out: Vec<String> = Vec::new();
    for c in re.captures_iter(message) {
        if let Some(m) = c.get(1) {
            let s = m.as_str().to_ascii_lowercase();
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// Result of looking a sha prefix up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lookup {
    Found(CommitIdx),
    Missing,
    Ambiguous(usize),
}

/// Sha prefixes → commits of the history.
struct Shas<'h> {
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

    fn lookup(&self, prefix: &str) -> Lookup {
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
fn latest_before(history: &History, candidates: &[CommitIdx], c: CommitIdx) -> Option<CommitIdx> {
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
struct Found {
    idx: CommitIdx,
    method: RevertMethod,
    targets: Vec<CommitIdx>,
    unresolved: Vec<String>,
    cherry_pick_of: Option<CommitIdx>,
}

fn lookup_note(sha: &str, l: Lookup) -> Option<String> {
    match l {
        Lookup::Found(_) => None,
        Lookup::Missing => Some(format!("{sha} (not in the history read)")),
        Lookup::Ambiguous(n) => Some(format!("{sha} (ambiguous: {n} commits start with it)")),
    }
}

/// Indexes over the history that the resolution of claims needs.
struct Indexes<'h> {
    shas: Shas<'h>,
    by_subject: HashMap<&'h str, Vec<CommitIdx>>,
    by_pr: HashMap<u64, Vec<CommitIdx>>,
}

impl<'h> Indexes<'h> {
    fn new(history: &'h History) -> Self {
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

    fn resolve(&self, c: CommitIdx, claim: &Claim) -> Found {
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
                for sha in shas {
                    match self.shas.lookup(sha) {
                        Lookup::Found(t) if t != c => {
                            if !found.targets.contains(&t) {
                                found.targets.push(t);
                            }
                        }
                        Lookup::Found(_) => found.unresolved.push(format!("{sha} (itself)")),
                        l => found.unresolved.extend(lookup_note(sha, l)),
                    }
                }
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

/// Incident references of a revert: texts the pattern matches, ids of the incidents file
/// named in the message (whole word, any case) or listing the revert's sha or the sha of a
/// commit it reverts (an incident's commits are the commits involved in it, whichever side).
fn incident_refs(
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

/// Finds every revert and `Fixes:` commit of `history` and what they mean for `releases`.
///
/// `inverse_pairs` are `(reverted, revert)` pairs from exact inverse diffs (see
/// [`inverse_pairs`]); a pair whose revert already has a target from its message is ignored.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn analyse_reverts(
    history: &History,
    releases: &ReleaseSet,
    inverse_pairs: &[(CommitId, CommitId)],
    incidents: &Incidents,
    incident_pattern: &Regex,
    failure: FailureMode,
) -> RevertAnalysis {
    let ix = Indexes::new(history);

    // 1. Reverts by message, pull request or subject.
    let mut found: Vec<Found> = Vec::new();
    let mut slot: HashMap<CommitIdx, usize> = HashMap::new();
    for (i, commit) in history.commits.iter().enumerate() {
        if let Some(claim) = claim(commit) {
            slot.insert(i as CommitIdx, found.len());
            found.push(ix.resolve(i as CommitIdx, &claim));
        }
    }

    // 2. Reverts by inverse diff, for commits not already linked by their message.
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

    // 3. Cherry-picked reverts: link to the original, retarget onto the commit of their line.
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
    for f in &mut found {
        let Some(origins) = picked_from.get(&f.idx) else {
            continue;
        };
        f.cherry_pick_of = origins.iter().copied().find(|o| slot.contains_key(o));
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

    // 4. Classify.
    let is_revert = |c: CommitIdx| slot.contains_key(&c);
    let release_time = |r: u32| releases.releases[r as usize].point.time;
    let tag = |r: u32| releases.releases[r as usize].point.name.clone();
    found.sort_by_key(|f| {
        let c = &history.commits[f.idx as usize];
        (c.author_time, -i64::from(f.idx))
    });

    // Releases (one per stream) whose own `commits` hold each commit that matters here.
    let mut wanted: HashSet<CommitIdx> = HashSet::new();
    for f in &found {
        wanted.insert(f.idx);
        wanted.extend(f.targets.iter().copied());
    }
    let fix_claims: Vec<(CommitIdx, Vec<String>)> = history
        .commits
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_merge())
        .map(|(i, c)| (i as CommitIdx, fixes_shas(&c.message)))
        .filter(|(_, shas)| !shas.is_empty())
        .collect();
    let fix_targets: Vec<(CommitIdx, Vec<CommitIdx>, Vec<String>)> = fix_claims
        .into_iter()
        .map(|(i, shas)| {
            let mut targets = Vec::new();
            let mut unresolved = Vec::new();
            for sha in shas {
                match ix.shas.lookup(&sha) {
                    Lookup::Found(t) if t != i => {
                        if !targets.contains(&t) {
                            targets.push(t);
                        }
                    }
                    Lookup::Found(_) => unresolved.push(format!("{sha} (itself)")),
                    l => unresolved.extend(lookup_note(&sha, l)),
                }
            }
            (i, targets, unresolved)
        })
        .collect();
    for (_, targets, _) in &fix_targets {
        wanted.extend(targets.iter().copied());
    }
    let mut containing: HashMap<CommitIdx, Vec<usize>> = HashMap::new();
    for (r, rel) in releases.releases.iter().enumerate() {
        for &c in &rel.commits {
            if wanted.contains(&c) {
                containing.entry(c).or_default().push(r);
            }
        }
    }

    let mut per_release = vec![ReleaseReverts::default(); releases.releases.len()];
    let mut counting: Vec<Vec<CommitIdx>> = vec![Vec::new(); releases.releases.len()];
    let mut reverted_sets: Vec<BTreeSet<CommitIdx>> =
        vec![BTreeSet::new(); releases.releases.len()];
    let mut counts = RevertCounts::default();
    let mut rows = Vec::with_capacity(found.len());
    for f in &found {
        let commit = &history.commits[f.idx as usize];
        let shipped = |t: CommitIdx| releases.shipped_in.get(t as usize).copied().flatten();
        let ordinary: Vec<CommitIdx> = f
            .targets
            .iter()
            .copied()
            .filter(|&t| !is_revert(t))
            .collect();
        let kind = if f.targets.is_empty() {
            RevertKind::Unresolved
        } else if ordinary.is_empty() {
            RevertKind::Reapply
        } else if ordinary
            .iter()
            .any(|&t| shipped(t).is_some_and(|r| release_time(r) < commit.author_time))
        {
            RevertKind::PostRelease
        } else {
            RevertKind::PreRelease
        };
        let reverted: Vec<CommitId> = f
            .targets
            .iter()
            .map(|&t| history.commits[t as usize].id)
            .collect();
        let refs = incident_refs(commit, &reverted, incident_pattern, incidents);
        let linked = !refs.is_empty();
        let considered = if ordinary.is_empty() {
            &f.targets
        } else {
            &ordinary
        };
        let introduced_in = considered.iter().filter_map(|&t| shipped(t)).min();

        if kind == RevertKind::PostRelease {
            let counts_as_failure = match failure {
                FailureMode::Any => true,
                FailureMode::IncidentLinked => linked,
            };
            for &t in &ordinary {
                for &r in containing.get(&t).map_or(&[][..], Vec::as_slice) {
                    if releases.releases[r].point.time >= commit.author_time {
                        continue;
                    }
                    if per_release[r].reverts.last() != Some(&commit.id) {
                        per_release[r].reverts.push(commit.id);
                    }
                    if counts_as_failure {
                        per_release[r].failed = true;
                        if counting[r].last() != Some(&f.idx) {
                            counting[r].push(f.idx);
                        }
                        reverted_sets[r].insert(t);
                    }
                }
            }
        }

        counts.total += 1;
        match f.method {
            RevertMethod::Message => counts.by_message += 1,
            RevertMethod::PullRequest => counts.by_pull_request += 1,
            RevertMethod::Subject => counts.by_subject += 1,
            RevertMethod::PatchId => counts.by_patch_id += 1,
        }
        match kind {
            RevertKind::Unresolved => counts.unresolved += 1,
            RevertKind::PostRelease => counts.post_release += 1,
            RevertKind::PreRelease => counts.pre_release += 1,
            RevertKind::Reapply => counts.reapply += 1,
        }
        if kind != RevertKind::Unresolved {
            counts.resolved += 1;
        }
        if linked {
            counts.incident_linked += 1;
            if kind == RevertKind::PostRelease {
                counts.post_release_incident_linked += 1;
            }
        }
        if f.cherry_pick_of.is_some() {
            counts.cherry_picked += 1;
        }
        rows.push(RevertRow {
            commit: commit.id,
            time: to_time(commit.author_time),
            subject: commit.subject().to_string(),
            reverted,
            kind,
            method: f.method,
            incident_linked: linked,
            incident_refs: refs,
            introduced_in: introduced_in.map(tag),
            shipped_in: releases
                .shipped_in
                .get(f.idx as usize)
                .copied()
                .flatten()
                .map(tag),
            components: Vec::new(),
            repeat: false,
            cherry_pick_of: f.cherry_pick_of.map(|o| history.commits[o as usize].id),
            unresolved_targets: f.unresolved.clone(),
        });
    }

    // 5. Fixes.
    let mut fix_rows = Vec::with_capacity(fix_targets.len());
    let mut fix_order: Vec<&(CommitIdx, Vec<CommitIdx>, Vec<String>)> =
        fix_targets.iter().collect();
    fix_order.sort_by_key(|(i, _, _)| (history.commits[*i as usize].author_time, -i64::from(*i)));
    for (i, targets, unresolved) in fix_order {
        let commit = &history.commits[*i as usize];
        let shipped = |t: CommitIdx| releases.shipped_in.get(t as usize).copied().flatten();
        let post = targets
            .iter()
            .any(|&t| shipped(t).is_some_and(|r| release_time(r) < commit.author_time));
        if post {
            for &t in targets {
                for &r in containing.get(&t).map_or(&[][..], Vec::as_slice) {
                    if releases.releases[r].point.time < commit.author_time
                        && per_release[r].fixes.last() != Some(&commit.id)
                    {
                        per_release[r].fixes.push(commit.id);
                    }
                }
            }
            counts.fixes_post_release += 1;
        }
        counts.fixes += 1;
        fix_rows.push(FixRow {
            commit: commit.id,
            time: to_time(commit.author_time),
            subject: commit.subject().to_string(),
            fixed: targets
                .iter()
                .map(|&t| history.commits[t as usize].id)
                .collect(),
            post_release: post,
            introduced_in: targets.iter().filter_map(|&t| shipped(t)).min().map(tag),
            unresolved_targets: unresolved.clone(),
        });
    }

    // 6. Time to restore, change failure rate.
    let mut ttrs = Vec::new();
    for (r, rel) in releases.releases.iter().enumerate() {
        per_release[r].reverted_commits = reverted_sets[r].len() as u64;
        if !per_release[r].failed {
            continue;
        }
        let first_release = counting[r]
            .iter()
            .filter_map(|v| {
                containing.get(v).and_then(|rs| {
                    rs.iter()
                        .find(|&&x| releases.releases[x].point.stream == rel.point.stream)
                        .map(|&x| releases.releases[x].point.time)
                })
            })
            .min();
        let restored = first_release.or_else(|| {
            counting[r]
                .iter()
                .map(|&v| history.commits[v as usize].committer_time)
                .min()
        });
        if let Some(t) = restored {
            let ttr = (t - rel.point.time).max(0);
            per_release[r].time_to_restore_seconds = Some(ttr);
            ttrs.push(ttr);
        }
    }
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
        time_to_restore_median_seconds: median_i64(&ttrs),
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::releases::{place_releases, sort_release_order, ReleasePoint, Version};
    use crate::incidents::Incident;

    /// A full id from a short hex label, padded so labels stay distinct.
    fn id(label: &str) -> CommitId {
        let mut hex = label.to_string();
        while hex.len() < 40 {
            hex.push('e');
        }
        CommitId::from_hex(&hex).expect("hex label")
    }

    /// Builds a history in the order commits happen (parents first).
    #[derive(Default)]
    struct Build {
        commits: Vec<(CommitFacts, Vec<usize>)>,
    }

    impl Build {
        fn at(
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
        fn c(&mut self, label: &str, parent: Option<usize>, t: i64, msg: &str) -> usize {
            let parents: Vec<usize> = parent.into_iter().collect();
            self.at(label, &parents, t, t, msg)
        }

        fn history(&self) -> History {
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

    fn releases(h: &History, tags: &[(&str, &str, i64)]) -> ReleaseSet {
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

    fn run(h: &History, rs: &ReleaseSet, pairs: &[(CommitId, CommitId)]) -> RevertAnalysis {
        analyse_reverts(
            h,
            rs,
            pairs,
            &Incidents::default(),
            &pattern(),
            FailureMode::Any,
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

    #[test]
    fn message_forms() {
        let full = id("a1").to_hex();
        assert_eq!(message_shas("x"), None);
        assert_eq!(
            message_shas(&format!("This reverts commit {full}.")),
            Some(vec![full.clone()])
        );
        // Merge form: only the reverted merge, not the mainline parent.
        assert_eq!(
            message_shas("This reverts commit 1234567abc, reversing\nchanges made to 89abcdef01."),
            Some(vec!["1234567abc".to_string()])
        );
        // Rails plural, over lines, with commas and `and`.
        assert_eq!(
            message_shas("This reverts commits bc116a55ca,\ncbde413df3, bf0a67931d, and\n2440933fe2.\n\nSee 99999999."),
            Some(vec!["bc116a55ca".into(), "cbde413df3".into(), "bf0a67931d".into(), "2440933fe2".into()])
        );
        assert_eq!(
            message_shas("This reverts commits\n * bab48f0a3d\n * b0fa7cf3ff\n"),
            Some(vec!["bab48f0a3d".into(), "b0fa7cf3ff".into()])
        );
        // Prose after the sha is not a sha; several lines are several targets.
        assert_eq!(
            message_shas("This reverts commit 1234567 and add a regression test.\nThis reverts commit ABCDEF12."),
            Some(vec!["1234567".into(), "abcdef12".into()])
        );
        // Too short to be a sha: the phrase is there but no target.
        assert_eq!(message_shas("This reverts commit abc12."), Some(vec![]));

        assert_eq!(
            revert_subject("Revert \"Revert \"Add x\"\""),
            Some("Revert \"Add x\"")
        );
        assert_eq!(
            revert_subject("Revert \"Add x (#12)\" (#15)"),
            Some("Add x (#12)")
        );
        assert_eq!(revert_subject("Reverted \"x\""), None);
        assert_eq!(trailing_pr("Add x (#12)"), Some(12));
        assert_eq!(trailing_pr("Add x (#12) more"), None);
        assert_eq!(merge_pr("Merge pull request #7 from a/b"), Some(7));
        assert_eq!(
            body_pr("Revert \"x\"\n\nReverts rails/rails#4512\n"),
            Some(4512)
        );
        assert_eq!(body_pr("Revert \"x\"\n\nReverts #9"), Some(9));
        assert_eq!(body_pr("Revert \"x\"\n\nThis Reverts nothing #9"), None);
        assert_eq!(
            fixes_shas("x\n\nFixes: 1234abcd5678 (\"subject\")\nfixes: deadbeef99\nFixes #12\n"),
            vec!["1234abcd5678".to_string(), "deadbeef99".to_string()]
        );
        assert_eq!(
            cherry_picked_from("x\n\n(cherry picked from commit 0123456789abcdef)"),
            vec!["0123456789abcdef".to_string()]
        );
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
        // v1.0 restored by the first release containing the revert (v1.1 at 600).
        assert_eq!(v10.time_to_restore_seconds, Some(600 - 250));
        // v1.2: revert unreleased, its committer time.
        assert_eq!(v12.time_to_restore_seconds, Some(950 - 800));
        assert_eq!(v11.time_to_restore_seconds, None);
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
        assert_eq!(a.time_to_restore_median_seconds, Some((350 + 150) / 2));
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
        assert_eq!(by_tag("v1.1").time_to_restore_seconds, Some(550 - 310));
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

    #[test]
    fn incident_links_by_pattern_and_file_and_failure_mode() {
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
                },
                Incident {
                    id: "OPS-8".into(),
                    opened: 600,
                    resolved: None,
                    commits: vec![id("3b3").to_hex()[..8].to_string()],
                },
            ],
        };
        let any = analyse_reverts(&h, &rs, &[], &incidents, &pattern(), FailureMode::Any);
        assert_eq!(row(&any, "3b1").incident_refs, vec!["Hotfix".to_string()]);
        assert_eq!(row(&any, "3b2").incident_refs, vec!["OPS-7".to_string()]);
        assert_eq!(row(&any, "3b3").incident_refs, vec!["OPS-8".to_string()]);
        assert!(!row(&any, "3b4").incident_linked, "OPS-77 is not OPS-7");
        assert_eq!(any.counts.incident_linked, 3);
        assert_eq!(any.change_failure_rate, Some(1.0));

        let linked = analyse_reverts(
            &h,
            &rs,
            &[],
            &incidents,
            &pattern(),
            FailureMode::IncidentLinked,
        );
        let failed: Vec<bool> = linked.per_release.iter().map(|p| p.failed).collect();
        assert_eq!(failed, vec![false, true, true, true, false]);
        // `reverts` still lists every post-release revert that hit the release.
        assert_eq!(linked.per_release[4].reverts, vec![id("3b4")]);
        assert_eq!(linked.per_release[4].time_to_restore_seconds, None);
        assert_eq!(linked.per_release[4].reverted_commits, 0);
        assert_eq!(linked.change_failure_rate, Some(0.75));

        // An incident that lists the reverted commit (the one that caused it) links too.
        let by_cause = Incidents {
            incidents: vec![Incident {
                id: "OPS-9".into(),
                opened: 600,
                resolved: None,
                commits: vec![id("3a5").to_hex()[..10].to_string()],
            }],
        };
        let a = analyse_reverts(&h, &rs, &[], &by_cause, &pattern(), FailureMode::Any);
        assert_eq!(row(&a, "3b4").incident_refs, vec!["OPS-9".to_string()]);
        assert!(!row(&a, "3b3").incident_linked);
    }

    #[test]
    fn fixes_trailers_are_a_separate_signal() {
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
        assert!(
            !a.per_release[0].failed,
            "fixes do not make a release failed"
        );
        assert_eq!((a.counts.fixes, a.counts.fixes_post_release), (3, 1));
    }
}
