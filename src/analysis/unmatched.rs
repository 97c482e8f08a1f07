//! Tags that are not releases are never dropped silently: of the tags the release pattern did
//! not select, those that look like versions with a prefix (`tokio-util-0.7.1`, `cli-v2.0.0`,
//! `pkg@1.2.3`, `sub/v1.2.3`) are counted, a few are named, and a pattern that selects them as
//! release streams is offered.

use std::collections::BTreeMap;

use regex::Regex;

use super::releases::{parse_tag, Version};
use crate::report::model::UnmatchedTags;

/// The pattern offered: an optional stream prefix (anything, then `-`, `_`, `@` or `/`), an
/// optional `v`, the version, an optional pre-release suffix. It also selects what the
/// default pattern selects (unprefixed tags form the stream `""`).
pub const STREAMS_PATTERN: &str = r"^(?:(?P<stream>.+?)[-_@/])?v?(?P<version>\d+(?:\.\d+){1,3})(?P<pre>[-_.]?[A-Za-z][0-9A-Za-z.\-_]*)?$";

/// How many tags are named.
const EXAMPLES: usize = 3;

/// What to tell people about `unselected` tag names (those the release pattern did not
/// select); `None` when none of them looks like a prefixed version.
#[must_use]
pub fn unmatched_tags(unselected: &[String]) -> Option<UnmatchedTags> {
    let pattern = streams_pattern();
    let mut streams: BTreeMap<String, Stream> = BTreeMap::new();
    let mut count = 0;
    let mut prereleases = 0;
    for name in unselected {
        let Some(parsed) = parse_tag(name, &pattern) else {
            continue;
        };
        if parsed.stream.is_empty() {
            continue;
        }
        count += 1;
        let entry = streams.entry(parsed.stream).or_default();
        entry.0 += 1;
        if parsed.prerelease {
            prereleases += 1;
        } else if entry.1.as_ref().is_none_or(|(v, _)| parsed.version > *v) {
            entry.1 = Some((parsed.version, name.clone()));
        }
    }
    if count == 0 {
        return None;
    }
    let mut ranked: Vec<(&String, &Stream)> = streams.iter().collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(b.0)));
    let examples = ranked
        .iter()
        .filter_map(|(_, (_, latest))| latest.as_ref().map(|(_, tag)| tag.clone()))
        .take(EXAMPLES)
        .collect();
    Some(UnmatchedTags {
        tags: count,
        prereleases,
        streams: streams.len() as u64,
        examples,
        suggested_tag_pattern: STREAMS_PATTERN.to_string(),
    })
}

/// Per stream: how many tags, and the highest plain version with its tag.
type Stream = (u64, Option<(Version, String)>);

fn streams_pattern() -> Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(STREAMS_PATTERN).unwrap_or_else(|_| unreachable!("constant regex"))
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::releases::release_points;
    use crate::facts::{CommitId, TagFacts};

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn prefixed_versions_are_counted_and_the_busiest_streams_named() {
        let found = unmatched_tags(&names(&[
            "tokio-0.2.0-alpha.1",
            "tokio-1.2.0",
            "tokio-1.10.0",
            "tokio-1.9.0",
            "tokio-util-0.7.1",
            "tokio-util-0.7.16",
            "cli-v2.0.0",
            "@acme/ui@1.2.3",
            "sub/v1.2.3",
            "nightly",
            "1.2.3",
            "v2.0",
            "tokio-test",
        ]))
        .expect("prefixed tags");
        assert_eq!(found.tags, 9);
        assert_eq!(found.prereleases, 1);
        assert_eq!(found.streams, 5);
        // Most tags first, each by its highest plain version.
        assert_eq!(
            found.examples,
            ["tokio-1.10.0", "tokio-util-0.7.16", "@acme/ui@1.2.3"]
        );
        assert_eq!(found.suggested_tag_pattern, STREAMS_PATTERN);
        assert!(unmatched_tags(&names(&["1.2.3", "nightly", "v2.0"])).is_none());
        assert!(unmatched_tags(&[]).is_none());
    }

    #[test]
    fn the_suggested_pattern_selects_them_as_streams() {
        let tag = |name: &str| TagFacts {
            name: name.to_string(),
            commit: CommitId([name.len() as u8; 20]),
            tagger_time: None,
            commit_time: 0,
        };
        let pattern = streams_pattern();
        let tags: Vec<TagFacts> = [
            "tokio-util-0.7.16",
            "cli-v2.0.0",
            "@acme/ui@1.2.3",
            "sub/v1.2.3",
            "v3.1",
            "tokio-0.2.0-alpha.1",
        ]
        .iter()
        .map(|n| tag(n))
        .collect();
        let points = release_points(&tags, &pattern, false);
        let mut streams: Vec<(String, String)> = points
            .iter()
            .map(|p| {
                (
                    p.stream.clone(),
                    p.version
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            })
            .collect();
        streams.sort();
        assert_eq!(
            streams,
            [
                (String::new(), "3.1".to_string()),
                ("@acme/ui".to_string(), "1.2.3".to_string()),
                ("cli".to_string(), "2.0.0".to_string()),
                ("sub".to_string(), "1.2.3".to_string()),
                ("tokio-util".to_string(), "0.7.16".to_string()),
            ]
        );
        // Pre-releases need --prereleases, as with any pattern.
        assert_eq!(release_points(&tags, &pattern, true).len(), 6);
        // Ready to paste inside single quotes.
        assert!(!STREAMS_PATTERN.contains('\''));
    }
}
