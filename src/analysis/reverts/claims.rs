//! Stage 1: what commit messages claim. Reads `This reverts commit …`, `Revert "…"` subjects
//! with their pull request numbers, `(cherry picked from commit …)` and `Fixes:` trailers.
//! Nothing here looks anything up: a claim names shas, a pull request or a subject, and
//! [`super::resolve`] finds the commits.

use regex::Regex;

use crate::facts::{CommitFacts, CommitIdx, History};

/// Shortest sha accepted in a message.
pub(super) const MIN_SHA: usize = 7;

/// Every commit whose message claims to revert something, in history order, with its claim.
/// Merges are never reverts: they carry the messages of the commits they bring in.
pub(super) fn revert_claims(history: &History) -> Vec<(CommitIdx, Claim)> {
    history
        .commits
        .iter()
        .enumerate()
        .filter_map(|(i, c)| claim(c).map(|claim| (i as CommitIdx, claim)))
        .collect()
}

/// Every non-merge commit with `Fixes:` trailers, in history order, with the shas they name.
pub(super) fn fix_claims(history: &History) -> Vec<(CommitIdx, Vec<String>)> {
    history
        .commits
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_merge())
        .map(|(i, c)| (i as CommitIdx, fixes_shas(&c.message)))
        .filter(|(_, shas)| !shas.is_empty())
        .collect()
}

/// What a commit's message claims it reverts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Claim {
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
pub(super) fn message_shas(message: &str) -> Option<Vec<String>> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)this\s+reverts\s+commits?\b")
            .unwrap_or_else(|_| unreachable!("constant regex"))
    });
    let mut found = false;
    let mut shas = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for m in re.find_iter(message) {
        found = true;
        read_sha_list(&message[m.end()..], &mut shas, &mut seen);
    }
    found.then_some(shas)
}

/// Reads shas separated by `,`, `and`, bullets and whitespace until the first other word.
/// Linear in the list: `seen` keeps the shas already read (a revert may name 200,000).
fn read_sha_list(
    mut rest: &str,
    out: &mut Vec<String>,
    seen: &mut std::collections::HashSet<String>,
) {
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
            if seen.insert(lower.clone()) {
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
pub(super) fn revert_subject(subject: &str) -> Option<&str> {
    let inner = subject.strip_prefix("Revert \"")?;
    let end = inner.rfind('"')?;
    (end > 0).then(|| &inner[..end])
}

/// `(#N)` at the end of a subject.
pub(super) fn trailing_pr(subject: &str) -> Option<u64> {
    let s = subject.trim_end().strip_suffix(')')?;
    let open = s.rfind("(#")?;
    s[open + 2..].parse().ok()
}

/// `Merge pull request #N from …`.
pub(super) fn merge_pr(subject: &str) -> Option<u64> {
    let rest = subject.strip_prefix("Merge pull request #")?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// `Reverts owner/repo#N` or `Reverts #N` on a line of the body.
pub(super) fn body_pr(message: &str) -> Option<u64> {
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
pub(super) fn subject_claim(commit: &CommitFacts) -> Option<Claim> {
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
pub(super) fn cherry_picked_from(message: &str) -> Vec<String> {
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
pub(super) fn fixes_shas(message: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?mi)^[ \t]*Fixes:[ \t]*(?:commit[ \t]+)?([0-9a-f]{7,40})\b")
            .unwrap_or_else(|_| unreachable!("constant regex"))
    });
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in re.captures_iter(message) {
        if let Some(m) = c.get(1) {
            let s = m.as_str().to_ascii_lowercase();
            if seen.insert(s.clone()) {
                out.push(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(message: &str, parents: Vec<CommitIdx>) -> CommitFacts {
        CommitFacts {
            id: crate::facts::CommitId::from_hex(&"ab".repeat(20)).expect("hex"),
            parents,
            author_name: "A".into(),
            author_email: "a@example.com".into(),
            author_time: 0,
            committer_time: 0,
            message: message.to_string(),
        }
    }

    #[test]
    fn message_forms() {
        let full = "a1".repeat(20);
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

    #[test]
    fn claims_by_kind_and_merges_never_claim() {
        let sha = "1234567abc";
        assert_eq!(
            claim(&commit(
                &format!("Undo\n\nThis reverts commit {sha}."),
                vec![]
            )),
            Some(Claim::Shas(vec![sha.to_string()]))
        );
        assert_eq!(
            claim(&commit(&format!("Revert \"{sha}\""), vec![])),
            Some(Claim::Shas(vec![sha.to_string()]))
        );
        assert_eq!(
            claim(&commit("Revert \"Add x\"\n\nReverts acme/app#12", vec![])),
            Some(Claim::PullRequest {
                number: 12,
                subject: "Add x".into(),
                from_subject: false
            })
        );
        assert_eq!(
            claim(&commit("Revert \"Add x (#3)\"", vec![])),
            Some(Claim::PullRequest {
                number: 3,
                subject: "Add x (#3)".into(),
                from_subject: true
            })
        );
        assert_eq!(
            claim(&commit("Revert \"Add x\"", vec![])),
            Some(Claim::Subject("Add x".into()))
        );
        // The phrase with no sha: still a claim, with nothing to resolve.
        assert_eq!(
            claim(&commit("Oops\n\nThis reverts commit abc.", vec![])),
            Some(Claim::Shas(vec![]))
        );
        assert_eq!(claim(&commit("Add x", vec![])), None);
        assert_eq!(
            claim(&commit(
                &format!("Merge\n\nThis reverts commit {sha}."),
                vec![0, 1]
            )),
            None
        );
    }
}
