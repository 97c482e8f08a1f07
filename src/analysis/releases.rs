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
    let stream = match caps.name("stream") {
        Some(m) => m.as_str().to_string(),
        None => {
            let prefix = &name[..vstart];
            let prefix = prefix.strip_suffix(['v', 'V']).unwrap_or(prefix);
            prefix
                .trim_end_matches(['-', '_', '@', '/', '.'])
                .to_string()
        }
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
                    existing.name.clone_from(&point.name);
                    existing.version.clone_from(&point.version);
                }
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
    /// Commits this release shipped first, within its stream.
    pub commits: Vec<CommitIdx>,
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
pub fn place_releases(points: Vec<ReleasePoint>, history: &History) -> ReleaseSet {
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

/// For each of `members` (release order, one stream): the latest earlier member whose commit
/// is an ancestor of (or equal to) its own.
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
            (0..k)
                .rev()
                .find(|&j| set[j / 64] >> (j % 64) & 1 == 1)
                .map(|j| members[j])
        })
        .collect()
}
