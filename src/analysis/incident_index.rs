//! The incidents file indexed for the revert analysis: which incidents a commit message names
//! (as a whole word) and which list a given sha, each found without a scan of every incident
//! per revert.
//!
//! Reported: 1M incident rows × 300 reverts took 83 s (every incident tested against every
//! revert's message).

use std::collections::HashMap;

use crate::incidents::Incidents;

/// Shortest sha prefix an incident may list (the incidents reader checks 4 to 40).
const MIN_PREFIX: usize = 4;

/// Incidents by the first word of their id and by the sha prefixes they list.
#[derive(Debug, Default)]
pub struct IncidentIndex {
    /// Lowercase id and the original id, in file order.
    ids: Vec<(String, String)>,
    /// The alphanumeric runs of a lowercase id, joined by NUL → (incident, byte offset of the
    /// first run in the id).
    by_words: HashMap<String, Vec<(usize, usize)>>,
    /// How many runs the ids have (each count once, ascending).
    word_counts: Vec<usize>,
    /// Ids with no letter or digit: checked against every message (there are few, if any).
    wordless: Vec<usize>,
    /// Lowercase sha prefix → incidents listing it.
    by_prefix: HashMap<String, Vec<usize>>,
}

impl IncidentIndex {
    /// Indexes `incidents` (linear in the file's size).
    #[must_use]
    pub fn new(incidents: &Incidents) -> Self {
        let mut ix = Self::default();
        for (k, inc) in incidents.incidents.iter().enumerate() {
            let lower = inc.id.to_lowercase();
            let runs: Vec<(usize, &str)> = words(&lower).collect();
            match runs.first() {
                Some(&(at, _)) => {
                    let key = runs.iter().map(|r| r.1).collect::<Vec<_>>().join("\0");
                    ix.by_words.entry(key).or_default().push((k, at));
                    ix.word_counts.push(runs.len());
                }
                None if !lower.is_empty() => ix.wordless.push(k),
                None => {}
            }
            ix.ids.push((lower, inc.id.clone()));
            for p in &inc.commits {
                ix.by_prefix
                    .entry(p.to_ascii_lowercase())
                    .or_default()
                    .push(k);
            }
        }
        ix.word_counts.sort_unstable();
        ix.word_counts.dedup();
        ix
    }

    /// Ids of the incidents that `message` names as a whole word (any case) or that list a
    /// prefix of one of `shas` (40-hex), in file order, each once.
    #[must_use]
    pub fn referenced(&self, message: &str, shas: &[String]) -> Vec<String> {
        let lower = message.to_lowercase();
        let mut hits: Vec<usize> = Vec::new();
        // An id named as a whole word covers whole runs of the message: look up each run of
        // consecutive words as long as some id is, then check the exact text around it.
        let runs: Vec<(usize, &str)> = words(&lower).collect();
        for (i, &(at, _)) in runs.iter().enumerate() {
            for &n in self
                .word_counts
                .iter()
                .take_while(|&&n| i + n <= runs.len())
            {
                let key = runs[i..i + n]
                    .iter()
                    .map(|r| r.1)
                    .collect::<Vec<_>>()
                    .join("\0");
                for &(k, offset) in self.by_words.get(&key).into_iter().flatten() {
                    if at
                        .checked_sub(offset)
                        .is_some_and(|s| names_at(&lower, s, &self.ids[k].0))
                    {
                        hits.push(k);
                    }
                }
            }
        }
        for &k in &self.wordless {
            if names_word(&lower, &self.ids[k].0) {
                hits.push(k);
            }
        }
        for sha in shas {
            for len in MIN_PREFIX..=sha.len().min(40) {
                if let Some(ks) = sha.get(..len).and_then(|p| self.by_prefix.get(p)) {
                    hits.extend(ks);
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().map(|k| self.ids[k].1.clone()).collect()
    }
}

/// The maximal runs of letters and digits in `text`, with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Whether `word` occurs in `text` at byte `at` with no letter or digit right before or after.
fn names_at(text: &str, at: usize, word: &str) -> bool {
    text.get(at..).is_some_and(|t| t.starts_with(word))
        && text.is_char_boundary(at)
        && !is_word(text[..at].chars().next_back())
        && !is_word(text[at + word.len()..].chars().next())
}

/// Whether `word` occurs anywhere in `text` as a whole word.
fn names_word(text: &str, word: &str) -> bool {
    !word.is_empty()
        && text
            .match_indices(word)
            .any(|(at, _)| names_at(text, at, word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::Incident;

    fn incidents(rows: &[(&str, &[&str])]) -> Incidents {
        Incidents {
            incidents: rows
                .iter()
                .map(|(id, commits)| Incident {
                    id: (*id).to_string(),
                    opened: 0,
                    resolved: None,
                    commits: commits.iter().map(|c| (*c).to_string()).collect(),
                    stream: None,
                })
                .collect(),
        }
    }

    #[test]
    fn ids_are_named_as_whole_words_in_any_case() {
        let ix = IncidentIndex::new(&incidents(&[
            ("OPS-7", &[]),
            ("OPS-77", &[]),
            ("#12", &[]),
            ("---", &[]),
            ("Sev 1 outage", &[]),
        ]));
        assert_eq!(ix.referenced("Revert: see ops-7.", &[]), ["OPS-7"]);
        assert_eq!(
            ix.referenced("xops-7 and ops-777", &[]),
            Vec::<String>::new()
        );
        assert_eq!(ix.referenced("ops-77, OPS-7", &[]), ["OPS-7", "OPS-77"]);
        assert_eq!(ix.referenced("fixes #12 now", &[]), ["#12"]);
        assert_eq!(ix.referenced("a --- b", &[]), ["---"]);
        assert_eq!(
            ix.referenced("the SEV 1 OUTAGE again", &[]),
            ["Sev 1 outage"]
        );
    }

    #[test]
    fn incidents_listing_a_prefix_of_a_sha_are_found() {
        let ix = IncidentIndex::new(&incidents(&[
            ("A", &["abcd"]),
            ("B", &["abce12"]),
            ("C", &[]),
        ]));
        let sha = format!("abcd{}", "0".repeat(36));
        assert_eq!(ix.referenced("nothing", std::slice::from_ref(&sha)), ["A"]);
        assert_eq!(ix.referenced("c", &[sha]), ["A", "C"]);
    }

    // Reported: 1M incident rows × 300 reverts took 83 s. (200,000 rows here keep the debug
    // test quick; a scan per revert would take 60 million word searches.)
    #[test]
    fn many_incidents_and_300_reverts_take_linear_time() {
        let big = Incidents {
            incidents: (0..200_000)
                .map(|i| Incident {
                    id: format!("INC-{i}"),
                    opened: 0,
                    resolved: None,
                    commits: vec![format!("{i:08x}")],
                    stream: None,
                })
                .collect(),
        };
        let ix = IncidentIndex::new(&big);
        // The index is built once; what must not grow with the file is the work per revert.
        let started = std::time::Instant::now();
        let mut found = 0;
        for r in 0..300 {
            let sha = format!("{r:08x}{}", "f".repeat(32));
            found += ix
                .referenced(
                    &format!("Revert \"x\" after INC-{r} and inc-{}", r + 1),
                    &[sha],
                )
                .len();
        }
        assert_eq!(found, 600);
        let elapsed = started.elapsed();
        assert!(elapsed.as_secs() < 3, "{elapsed:?}");
    }
}
