//! Which tags are releases, in what order, what each release's previous release is, and which
//! commits each release shipped (PRODUCT.md, "Releases").

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use regex::Regex;

use crate::facts::{CommitId, CommitIdx, History, TagFacts};

/// A release version: up to four numbers (missing parts read as 0) and an optional
/// pre-release suffix, which sorts before the plain version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub parts: [u64; 4],
    /// How many numbers the tag had (2 to 4), to print it back as it was.
    pub len: usize,
    pub pre: Option<String>,
}

impl Version {
    /// Parses `1.4.3` (two to four numbers).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = [0u64; 4];
        let mut len = 0;
        for (i, p) in text.split('.').enumerate() {
            if i >= 4 {
                return None;
            }
            parts[i] = p.parse().ok()?;
            len += 1;
        }
        (len >= 2).then_some(Self {
            parts,
            len,
            pre: None,
        })
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let nums: Vec<String> = self.parts[..self.len].iter().map(u64::to_string).collect();
        f.write_str(&nums.join("."))?;
        if let Some(pre) = &self.pre {
            f.write_str(pre)?;
        }
        Ok(())
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What a release tag's name says: its version, stream, and whether it is a pre-release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedTag {
    pub version: Version,
    pub stream: String,
    pub prerelease: bool,
}

/// Finds the first run of two to four dot-separated numbers.
fn find_version(text: &str) -> Option<(usize, usize)> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"\d+(?:\.\d+){1,3}").unwrap_or_else(|_| unreachable!("constant regex"))
    });
    re.find(text).map(|m| (m.start(), m.end()))
}

/// Reads a tag name with the release pattern. `None` when it is not a release tag.
///
/// The version is the named group `version`, else the first run of two to four numbers. The
/// stream is the named group `stream`, else the text before the version without a trailing
/// `v` and separator (`cli-v1.2.0` → `cli`, `pkg@1.2.3` → `pkg`); an unprefixed tag has the
/// stream `""`. Text after the version (or the group `pre`) marks a pre-release, except
/// build metadata after `+`.
#[must_use]
pub fn parse_tag(name: &str, pattern: &Regex) -> Option<ParsedTag> {
    let caps = pattern.captures(name)?;
    let (vstart, vend) = match caps.name("version") {
        Some(m) => (m.start(), m.end()),
        None => find_version(name)?,
    };
    let mut version = Version::parse(&name[vstart..vend])?;
    let stream = if let Some(m) = caps.name("stream") {
        m.as_str().to_string()
    } else {
        let prefix = &name[..vstart];
        let prefix = prefix.strip_suffix(['v', 'V']).unwrap_or(prefix);
        prefix
            .trim_end_matches(['-', '_', '@', '/', '.'])
            .to_string()
    };
    let suffix = match caps.name("pre") {
        Some(m) => m.as_str(),
        None => &name[vend..],
    };
    let prerelease = !suffix.is_empty() && !suffix.starts_with('+');
    if prerelease {
        version.pre = Some(suffix.to_string());
    }
    Some(ParsedTag {
        version,
        stream,
        prerelease,
    })
}

/// A point where a version reached users: a release tag or a deploy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleasePoint {
    /// Tag name, or for a deploy a name made of environment and short commit.
    pub name: String,
    /// Other tags on the same commit (same stream), merged into this release.
    pub other_names: Vec<String>,
    pub version: Option<Version>,
    pub stream: String,
    pub commit: CommitId,
    pub time: i64,
}

/// Picks the release tags among `tags` and merges tags on one commit (per stream): the
/// higher version names the release, the earlier time dates it.
#[must_use]
pub fn release_points(tags: &[TagFacts], pattern: &Regex, prereleases: bool) -> Vec<ReleasePoint> {
    let mut by_commit: HashMap<(String, CommitId), ReleasePoint> = HashMap::new();
    for tag in tags {
        let Some(parsed) = parse_tag(&tag.name, pattern) else {
            continue;
        };
        if parsed.prerelease && !prereleases {
            continue;
        }
        let point = ReleasePoint {
            name: tag.name.clone(),
            other_names: Vec::new(),
            version: Some(parsed.version),
            stream: parsed.stream,
            commit: tag.commit,
            time: tag.time(),
        };
        by_commit
            .entry((point.stream.clone(), point.commit))
            .and_modify(|existing| {
                let time = existing.time.min(point.time);
                if (&point.version, &point.name) > (&existing.version, &existing.name) {
                    let demoted = std::mem::replace(&mut existing.name, point.name.clone());
                    existing.other_names.push(demoted);
                    existing.version.clone_from(&point.version);
                } else {
                    existing.other_names.push(point.name.clone());
                }
                existing.other_names.sort();
                existing.time = time;
            })
            .or_insert(point);
    }
    let mut points: Vec<ReleasePoint> = by_commit.into_values().collect();
    sort_release_order(&mut points);
    points
}

/// Release order: by time, ties by version (then name, so the order is total).
pub fn sort_release_order(points: &mut [ReleasePoint]) {
    points.sort_by(|a, b| {
        a.time
            .cmp(&b.time)
            .then_with(|| a.version.cmp(&b.version))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// A release with its place in history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub point: ReleasePoint,
    pub commit_idx: CommitIdx,
    /// Index (in [`ReleaseSet::releases`]) of the previous release on its line.
    pub previous: Option<usize>,
    /// Commits this release shipped first, within its stream (reachability), in history
    /// order.
    pub commits: Vec<CommitIdx>,
    /// For a stream bound to paths: the commits of `commits` that touch its paths (a merge:
    /// against its first parent), in the same order; `None` for a stream that owns the whole
    /// tree.
    pub bound_commits: Option<Vec<CommitIdx>>,
}

impl Release {
    /// The release's own commits: those that touch its stream's paths when the stream is
    /// bound to paths, else all of `commits`. Rows, lead times, churn and failures count
    /// these; "contains" (where a revert shipped) still means `commits`.
    #[must_use]
    pub fn own_commits(&self) -> &[CommitIdx] {
        self.bound_commits.as_deref().unwrap_or(&self.commits)
    }

    /// Whether `c` is one of [`Self::own_commits`].
    #[must_use]
    pub fn owns(&self, c: CommitIdx) -> bool {
        match &self.bound_commits {
            Some(own) => own.binary_search(&c).is_ok(),
            None => self.commits.binary_search(&c).is_ok(),
        }
    }
}

/// All releases in release order, with commit attribution.
#[derive(Clone, Debug, Default)]
pub struct ReleaseSet {
    pub releases: Vec<Release>,
    /// For each commit of the history: the first release, over all streams in release order,
    /// that contains it. This is what "had shipped" means for reverts.
    pub shipped_in: Vec<Option<u32>>,
}

const NONE: u32 = u32::MAX;

/// Places release points (already in release order) in the history: previous release,
/// commits of each release (per stream), and the first release that shipped each commit.
///
/// Linear in the size of history per stream: one walk per release that stops at commits an
/// earlier release already claimed. Points whose commit is not in `history` are dropped (the
/// caller reads history from every point, so this does not happen in practice).
#[must_use]
pub fn place_releases(mut points: Vec<ReleasePoint>, history: &History) -> ReleaseSet {
    super::ties::order_ties_by_ancestry(&mut points, history);
    let n = history.commits.len();
    let mut releases: Vec<Release> = points
        .into_iter()
        .filter_map(|point| {
            let commit_idx = history.idx(&point.commit)?;
            Some(Release {
                point,
                commit_idx,
                previous: None,
                commits: Vec::new(),
                bound_commits: None,
            })
        })
        .collect();

    // Global attribution: first release (any stream) to reach each commit.
    let all: Vec<usize> = (0..releases.len()).collect();
    let owner = attribute(&releases, &all, history);
    let shipped_in = owner
        .iter()
        .map(|&o| (o != NONE).then_some(o))
        .collect::<Vec<_>>();
    debug_assert_eq!(shipped_in.len(), n);

    let mut streams: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in releases.iter().enumerate() {
        streams.entry(r.point.stream.clone()).or_default().push(i);
    }
    for members in streams.values() {
        let owner = if streams.len() == 1 {
            owner.clone()
        } else {
            attribute(&releases, members, history)
        };
        let mut commits: Vec<Vec<CommitIdx>> = vec![Vec::new(); releases.len()];
        // `history.commits` is children first; keep that order within each release.
        for (c, &o) in owner.iter().enumerate() {
            if o != NONE {
                commits[o as usize].push(c as CommitIdx);
            }
        }
        let previous = previous_releases(&releases, members, history);
        for (&m, prev) in members.iter().zip(previous) {
            releases[m].commits = std::mem::take(&mut commits[m]);
            releases[m].previous = prev;
        }
    }
    ReleaseSet {
        releases,
        shipped_in,
    }
}

/// Gives each commit to the first of `members` (in order) that reaches it.
fn attribute(releases: &[Release], members: &[usize], history: &History) -> Vec<u32> {
    let mut owner = vec![NONE; history.commits.len()];
    let mut stack = Vec::new();
    for &m in members {
        let start = releases[m].commit_idx;
        if owner[start as usize] != NONE {
            continue;
        }
        owner[start as usize] = m as u32;
        stack.push(start);
        while let Some(c) = stack.pop() {
            for &p in &history.commits[c as usize].parents {
                if owner[p as usize] == NONE {
                    owner[p as usize] = m as u32;
                    stack.push(p);
                }
            }
        }
    }
    owner
}

/// For each of `members` (release order, one stream): its previous release, as
/// [`pick_previous`] chooses it.
///
/// One pass from parents to children carries, per commit, the set of member tips it reaches
/// (a bitset), so every ancestry question is answered at once.
fn previous_releases(
    releases: &[Release],
    members: &[usize],
    history: &History,
) -> Vec<Option<usize>> {
    let words = members.len().div_ceil(64).max(1);
    let n = history.commits.len();
    let mut tips: HashMap<CommitIdx, Vec<usize>> = HashMap::new();
    for (k, &m) in members.iter().enumerate() {
        tips.entry(releases[m].commit_idx).or_default().push(k);
    }
    // Only the commits some member reaches matter; the rest keep empty sets.
    let mut bits = vec![0u64; n * words];
    for c in (0..n).rev() {
        // Parents come after children in `history.commits`, so their sets are complete.
        let (left, right) = bits.split_at_mut((c + 1) * words);
        let own = &mut left[c * words..];
        for &p in &history.commits[c].parents {
            let p = p as usize;
            if p <= c {
                continue; // never for a children-first list; an edge we cannot use
            }
            let off = (p - c - 1) * words;
            for (o, x) in own.iter_mut().zip(&right[off..off + words]) {
                *o |= x;
            }
        }
        if let Some(ks) = tips.get(&(c as CommitIdx)) {
            for &k in ks {
                own[k / 64] |= 1 << (k % 64);
            }
        }
    }
    members
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let c = releases[m].commit_idx as usize;
            let set = &bits[c * words..c * words + words];
            let ancestors = (0..k).filter(|&j| set[j / 64] >> (j % 64) & 1 == 1);
            // An earlier release built on top of this one's commit cannot come before it.
            let not_descendants: Vec<usize> = (0..k)
                .filter(|&j| {
                    let cj = releases[members[j]].commit_idx as usize;
                    bits[cj * words + k / 64] >> (k % 64) & 1 == 0
                })
                .map(|j| members[j])
                .collect();
            pick_previous(releases, m, &not_descendants, ancestors.map(|j| members[j]))
        })
        .collect()
}

/// Chooses the previous release of `this` among the `earlier` releases of its stream (release
/// order; none whose commit descends from this one's): the one with the highest version
/// below its own (ties: the later); when versions
/// do not say (deploys), or none is lower, the latest of `ancestors` (earlier releases whose
/// commit is an ancestor of this one's), as PRODUCT.md defines it.
///
/// PRODUCT.md's "latest ancestor" alone fails real histories in two ways, both documented in
/// the README:
/// - projects that tag every release on a stable branch (rails): the only ancestors of
///   `v7.2.0` on the main line are releases from 2009, so every `X.Y.0` would be measured
///   against `v2.3.2.1` — 800,000 lines;
/// - projects that merge maintenance releases forward (tokio merges `tokio-1.47.5` into its
///   1.51 line): the latest ancestor of 1.51.3 would be 1.47.5.
///
/// The highest lower version keeps what the spec's example wants — a `1.4.3` cut after
/// `2.0.0` follows `1.4.2` — and on linear histories picks the same release as the spec.
fn pick_previous(
    releases: &[Release],
    this: usize,
    earlier: &[usize],
    ancestors: impl DoubleEndedIterator<Item = usize>,
) -> Option<usize> {
    let version = releases[this].point.version.as_ref();
    let below = earlier.iter().copied().filter(|&a| {
        matches!((releases[a].point.version.as_ref(), version), (Some(v), Some(mine)) if v < mine)
    });
    below
        .max_by(|&a, &b| {
            releases[a]
                .point
                .version
                .cmp(&releases[b].point.version)
                .then(a.cmp(&b))
        })
        .or_else(|| ancestors.last())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_TAG_PATTERN;
    use crate::facts::CommitFacts;

    fn id(n: u8) -> CommitId {
        CommitId([n; 20])
    }

    /// Builds a history from `(commit, parents)` given children first.
    fn history(edges: &[(u8, &[u8])]) -> History {
        let commits: Vec<CommitFacts> = edges
            .iter()
            .map(|(c, _)| CommitFacts {
                id: id(*c),
                parents: Vec::new(),
                author_name: "A".into(),
                author_email: "a@example.com".into(),
                author_time: i64::from(*c),
                committer_time: i64::from(*c),
                message: format!("commit {c}"),
            })
            .collect();
        let mut h = History::new(commits);
        for (i, (_, parents)) in edges.iter().enumerate() {
            h.commits[i].parents = parents.iter().filter_map(|p| h.idx(&id(*p))).collect();
        }
        h
    }

    fn tag(name: &str, commit: u8, time: i64) -> TagFacts {
        TagFacts {
            name: name.into(),
            commit: id(commit),
            tagger_time: Some(time),
            commit_time: 0,
        }
    }

    fn default_pattern() -> Regex {
        Regex::new(DEFAULT_TAG_PATTERN).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn default_pattern_takes_two_to_four_numbers_and_spots_prereleases() {
        let re = default_pattern();
        let p = |n: &str| parse_tag(n, &re);
        assert_eq!(p("v1.4.3").map(|t| t.version.parts), Some([1, 4, 3, 0]));
        assert_eq!(p("2.0").map(|t| t.version.parts), Some([2, 0, 0, 0]));
        assert_eq!(
            p("1.7.8.2").map(|t| t.version.to_string()),
            Some("1.7.8.2".into())
        );
        for pre in [
            "v1.0.0-rc.1",
            "v2.0-beta",
            "1.2.3.rc1",
            "1.2.3_RC1",
            "v3.0.0-alpha0",
            "v1.0-m01",
        ] {
            assert_eq!(p(pre).map(|t| t.prerelease), Some(true), "{pre}");
        }
        for not in ["v1", "1.2.3.4.5", "cli-v1.2.0", "pkg@1.2.3", "release"] {
            assert!(p(not).is_none(), "{not}");
        }
    }

    #[test]
    fn custom_patterns_name_streams_by_group_or_prefix() {
        let prefixed = Regex::new(r"^[a-z-]+-v?\d+\.\d+\.\d+$").unwrap_or_else(|_| unreachable!());
        let t = parse_tag("cli-v1.2.0", &prefixed);
        assert_eq!(t.as_ref().map(|t| t.stream.as_str()), Some("cli"));
        assert_eq!(t.map(|t| t.prerelease), Some(false));
        let at = Regex::new(r"^(?P<stream>[^@]+)@(?P<version>\d+\.\d+\.\d+)$")
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(
            parse_tag("pkg@1.2.3", &at).map(|t| t.stream),
            Some("pkg".into())
        );
        let tokio = Regex::new(r"^tokio-util-\d").unwrap_or_else(|_| unreachable!());
        assert_eq!(
            parse_tag("tokio-util-0.7.1", &tokio).map(|t| t.stream),
            Some("tokio-util".into())
        );
    }

    #[test]
    fn versions_order_numerically_with_prereleases_first() {
        let v = |s: &str| parse_tag(s, &default_pattern()).map(|t| t.version);
        assert!(v("v1.10.0") > v("v1.9.0"));
        assert!(v("v2.0.0") > v("v2.0.0-rc.1"));
        assert_eq!(v("v2.0").map(|v| v.parts), v("v2.0.0").map(|v| v.parts));
    }

    #[test]
    fn tags_on_one_commit_are_one_release_named_by_the_higher_version_dated_by_the_earlier_time() {
        let points = release_points(
            &[
                tag("v1.0.0", 1, 200),
                tag("v1.0.1", 1, 100),
                tag("v0.9.0", 2, 50),
            ],
            &default_pattern(),
            false,
        );
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].name, "v0.9.0");
        assert_eq!(points[1].name, "v1.0.1");
        assert_eq!(points[1].other_names, vec!["v1.0.0".to_string()]);
        assert_eq!(points[1].time, 100);
    }

    #[test]
    fn prereleases_are_left_out_unless_asked_for() {
        let tags = [tag("v1.0.0-rc.1", 1, 10), tag("v1.0.0", 2, 20)];
        assert_eq!(release_points(&tags, &default_pattern(), false).len(), 1);
        assert_eq!(release_points(&tags, &default_pattern(), true).len(), 2);
    }

    #[test]
    fn release_order_is_time_then_version() {
        let points = release_points(
            &[
                tag("v1.1.0", 2, 100),
                tag("v1.0.0", 1, 100),
                tag("v0.1.0", 3, 50),
            ],
            &default_pattern(),
            false,
        );
        let names: Vec<&str> = points.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["v0.1.0", "v1.0.0", "v1.1.0"]);
    }

    /// A maintenance line: 1.4.3 is cut after 2.0.0 from a 1.4 branch.
    ///
    /// ```text
    ///   1 ─ 2 (v1.4.2) ─ 3 ─ 4 (v2.0.0)
    ///            └──── 5 (v1.4.3)
    /// ```
    #[test]
    fn previous_release_follows_the_maintenance_line() {
        let h = history(&[(5, &[2]), (4, &[3]), (3, &[2]), (2, &[1]), (1, &[])]);
        let points = release_points(
            &[
                tag("v1.4.2", 2, 10),
                tag("v2.0.0", 4, 20),
                tag("v1.4.3", 5, 30),
            ],
            &default_pattern(),
            false,
        );
        let set = place_releases(points, &h);
        let by_name = |n: &str| set.releases.iter().position(|r| r.point.name == n);
        let prev = |n: &str| by_name(n).and_then(|i| set.releases[i].previous);
        assert_eq!(prev("v1.4.2"), None);
        assert_eq!(prev("v2.0.0"), by_name("v1.4.2"));
        assert_eq!(prev("v1.4.3"), by_name("v1.4.2"));
        let commits = |n: &str| {
            by_name(n).map(|i| {
                set.releases[i]
                    .commits
                    .iter()
                    .map(|&c| h.commits[c as usize].id)
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(commits("v1.4.2"), Some(vec![id(2), id(1)]));
        assert_eq!(commits("v2.0.0"), Some(vec![id(4), id(3)]));
        assert_eq!(commits("v1.4.3"), Some(vec![id(5)]));
        // Shipped: commit 1 first shipped in v1.4.2.
        let i1 = h.idx(&id(1)).unwrap_or_default() as usize;
        assert_eq!(set.shipped_in[i1].map(|r| r as usize), by_name("v1.4.2"));
    }

    /// A merge brings a side branch in; every commit goes to the first release reaching it.
    ///
    /// ```text
    ///   1 (v1.0) ─ 2 ─────── 4 (merge) (v1.1)
    ///      └────── 3 ───────┘
    /// ```
    #[test]
    fn merges_and_their_branches_belong_to_the_release_that_first_reaches_them() {
        let h = history(&[(4, &[2, 3]), (3, &[1]), (2, &[1]), (1, &[])]);
        let points = release_points(
            &[tag("v1.0", 1, 10), tag("v1.1", 4, 20)],
            &default_pattern(),
            false,
        );
        let set = place_releases(points, &h);
        assert_eq!(set.releases[1].commits.len(), 3);
        assert_eq!(set.releases[1].previous, Some(0));
        let merges = set.releases[1]
            .commits
            .iter()
            .filter(|&&c| h.commits[c as usize].is_merge())
            .count();
        assert_eq!(merges, 1);
    }

    /// An older commit tagged later: it is not an ancestor of the earlier release, and the
    /// earlier release is not its ancestor either.
    #[test]
    fn a_release_only_follows_ancestors_earlier_in_release_order() {
        let h = history(&[(3, &[2]), (2, &[1]), (1, &[])]);
        // v2.0 on 3 at t=10; v1.0 on 2 tagged later (t=20); v2.1 on 3? no: v0.5 on 1 at t=30.
        let points = release_points(
            &[tag("v2.0", 3, 10), tag("v1.0", 2, 20), tag("v0.5", 1, 30)],
            &default_pattern(),
            false,
        );
        let set = place_releases(points, &h);
        // v2.0 is first in release order: no previous, and it shipped all three commits.
        assert_eq!(set.releases[0].point.name, "v2.0");
        assert_eq!(set.releases[0].previous, None);
        assert_eq!(set.releases[0].commits.len(), 3);
        // v1.0 and v0.5 come later; their commits were shipped already; v2.0 is not their
        // ancestor, so they have no previous release.
        assert_eq!(set.releases[1].previous, None);
        assert!(set.releases[1].commits.is_empty());
        assert_eq!(set.releases[2].previous, None);
    }

    /// tokio merges maintenance releases forward: 1.47.5 (tagged after 1.51.2) is an ancestor
    /// of 1.51.3, but the release before 1.51.3 is 1.51.2.
    ///
    /// ```text
    ///   1 (v1.47.4) ─ 2 (v1.51.2) ─────── 4 (merge) (v1.51.3)
    ///        └──────── 3 (v1.47.5) ──────┘
    /// ```
    #[test]
    fn forward_merged_maintenance_releases_do_not_become_previous() {
        let h = history(&[(4, &[2, 3]), (3, &[1]), (2, &[1]), (1, &[])]);
        let points = release_points(
            &[
                tag("v1.47.4", 1, 10),
                tag("v1.51.2", 2, 20),
                tag("v1.47.5", 3, 30),
                tag("v1.51.3", 4, 40),
            ],
            &default_pattern(),
            false,
        );
        let set = place_releases(points, &h);
        let name = |i: Option<usize>| i.map(|i| set.releases[i].point.name.clone());
        assert_eq!(name(set.releases[3].previous), Some("v1.51.2".into()));
        assert_eq!(name(set.releases[2].previous), Some("v1.47.4".into()));
        // The forward-merged fix shipped first in 1.47.5; 1.51.3 ships only the merge.
        assert_eq!(set.releases[3].commits.len(), 1);
    }

    /// rails tags every release on a stable branch; the main line holds no release since 2009.
    ///
    /// ```text
    ///   1 (v2.3.2) ─ 2 ──────── 4 ─ (main)
    ///                └ 3 (v7.1.0)  └ 5 (v7.2.0)
    /// ```
    #[test]
    fn releases_tagged_on_stable_branches_follow_the_previous_version_not_an_old_ancestor() {
        let h = history(&[(5, &[4]), (4, &[2]), (3, &[2]), (2, &[1]), (1, &[])]);
        let points = release_points(
            &[
                tag("v2.3.2", 1, 10),
                tag("v7.1.0", 3, 20),
                tag("v7.2.0", 5, 30),
            ],
            &default_pattern(),
            false,
        );
        let set = place_releases(points, &h);
        assert_eq!(set.releases[2].point.name, "v7.2.0");
        assert_eq!(set.releases[2].previous, Some(1));
        // Its commits are still those no earlier release reached: 4 and 5.
        assert_eq!(set.releases[2].commits.len(), 2);
    }

    /// Reported by review: `v01.2` on the root and `v1.1` on its child, tagged in the same
    /// second, made the child the previous release of its own parent.
    #[test]
    fn a_release_on_a_descendant_commit_is_never_previous() {
        let h = history(&[(2, &[1]), (1, &[])]);
        let points = release_points(
            &[tag("v1.1", 2, 10), tag("v01.2", 1, 10)],
            &default_pattern(),
            false,
        );
        let set = place_releases(points, &h);
        let by = |n: &str| set.releases.iter().position(|r| r.point.name == n);
        let v12 = by("v01.2").unwrap_or_default();
        assert_eq!(set.releases[v12].previous, None);
    }

    /// Without versions (deploys), the previous deploy is the latest ancestor.
    #[test]
    fn without_versions_the_latest_ancestor_is_previous() {
        let h = history(&[(3, &[2]), (2, &[1]), (1, &[])]);
        let point = |n: u8, t: i64| ReleasePoint {
            name: format!("d{n}"),
            other_names: Vec::new(),
            version: None,
            stream: String::new(),
            commit: id(n),
            time: t,
        };
        let set = place_releases(vec![point(1, 10), point(3, 20), point(2, 30)], &h);
        assert_eq!(set.releases[1].previous, Some(0));
        // d2 was deployed after d3; of the earlier deploys only d1 is its ancestor.
        assert_eq!(set.releases[2].previous, Some(0));
    }

    #[test]
    fn streams_are_attributed_on_their_own() {
        // 1 ─ 2 ─ 3 ─ 4; cli-1.0 on 2, lib-1.0 on 3, cli-1.1 on 4.
        let h = history(&[(4, &[3]), (3, &[2]), (2, &[1]), (1, &[])]);
        let re = Regex::new(r"^(cli|lib)-\d").unwrap_or_else(|_| unreachable!());
        let points = release_points(
            &[
                tag("cli-1.0", 2, 10),
                tag("lib-1.0", 3, 20),
                tag("cli-1.1", 4, 30),
            ],
            &re,
            false,
        );
        let set = place_releases(points, &h);
        let cli11 = &set.releases[2];
        assert_eq!(cli11.point.name, "cli-1.1");
        assert_eq!(cli11.previous, Some(0));
        // Within the cli stream, commits 3 and 4 are new in cli-1.1.
        assert_eq!(cli11.commits.len(), 2);
        // lib-1.0 is the first of its line: it shipped 1, 2 and 3.
        assert_eq!(set.releases[1].commits.len(), 3);
        assert_eq!(set.releases[1].previous, None);
        // Globally, commit 3 first shipped in lib-1.0.
        let i3 = h.idx(&id(3)).unwrap_or_default() as usize;
        assert_eq!(set.shipped_in[i3], Some(1));
    }
}
