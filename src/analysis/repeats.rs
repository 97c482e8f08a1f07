//! Repeat incidents: whether post-release reverts keep hitting the same parts of the code.
//!
//! The **footprint** of a post-release revert is the set of components touched by the commits
//! it reverts (each against its first parent, see [`crate::git::paths`]). A **component** is
//! the directory part of a path cut to its first `depth` directories (see [`component`]). A
//! revert is a **repeat** when a post-release revert from strictly earlier (by revert time,
//! at most `lookback_days` days before it, bounds included) touched a component of its own
//! footprint. Reverts at the same second are not each other's predecessors.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::facts::CommitId;
use crate::report::model::{ComponentCount, RepeatIncidents};

/// Directories of a path that name its component, by default.
pub const DEFAULT_COMPONENT_DEPTH: usize = 2;
/// How far back a repeat looks, by default, in days.
pub const DEFAULT_LOOKBACK_DAYS: u32 = 180;
/// How many components the summary lists.
pub const TOP_COMPONENTS: usize = 10;

/// One post-release revert, as the revert detection hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevertIncident {
    /// The revert commit.
    pub commit: CommitId,
    /// When it happened, seconds since the epoch. git-cadence passes the revert's author time,
    /// the time that decides whether a revert is post-release.
    pub time: i64,
    /// The commits it undoes.
    pub reverted: Vec<CommitId>,
}

/// The footprint of one revert and whether it repeats an earlier one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentFootprint {
    pub commit: CommitId,
    /// Components touched by the reverted commits, sorted, without duplicates.
    pub components: Vec<String>,
    pub repeat: bool,
}

/// Per revert (in the order given) and the summary.
#[derive(Clone, Debug)]
pub struct Repeats {
    pub incidents: Vec<IncidentFootprint>,
    pub summary: RepeatIncidents,
}

/// The component of `path`: its first `depth` directories, joined by `/`.
///
/// - `src/analysis/stats.rs` at depth 2 is `src/analysis`; at depth 1, `src`;
/// - `a/b.rs` at depth 2 is `a` (a path has only as many directories as it has);
/// - `README.md`, a file at the root, is its own component, `README.md`.
///
/// A depth of 0 is read as 1: "no directory" would make every path one component.
#[must_use]
pub fn component(path: &str, depth: usize) -> String {
    let mut dirs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    dirs.pop(); // the file name
    if dirs.is_empty() {
        return path.trim_matches('/').to_string();
    }
    dirs.truncate(depth.max(1));
    dirs.join("/")
}

/// Footprints and repeats of `reverts` (post-release reverts only, any order).
///
/// `paths` holds the paths each reverted commit changed against its first parent
/// ([`crate::git::paths::changed_paths`]); a reverted commit missing from it, or one that
/// changed nothing, adds nothing to the footprint. A revert with an empty footprint counts as
/// an incident, is never a repeat and repeats nothing. The rate is repeats / incidents
/// (`None` without incidents); the top components are those with most incidents (each revert
/// counts once per component it touches), ties by name, at most [`TOP_COMPONENTS`].
#[must_use]
pub fn repeat_incidents<S: std::hash::BuildHasher>(
    reverts: &[RevertIncident],
    paths: &HashMap<CommitId, Vec<String>, S>,
    depth: usize,
    lookback_days: u32,
) -> Repeats {
    let footprints: Vec<Vec<String>> = reverts
        .iter()
        .map(|r| {
            let set: HashSet<String> = r
                .reverted
                .iter()
                .filter_map(|c| paths.get(c))
                .flatten()
                .map(|p| component(p, depth))
                .collect();
            let mut list: Vec<String> = set.into_iter().collect();
            list.sort();
            list
        })
        .collect();

    // In time order (ties by commit id, for determinism), remember for each component the
    // latest time a revert touched it; a group of reverts at the same second is judged before
    // any of them is remembered.
    let mut order: Vec<usize> = (0..reverts.len()).collect();
    order.sort_by_key(|&i| (reverts[i].time, reverts[i].commit));
    let lookback = i64::from(lookback_days) * 86_400;
    let mut last_seen: HashMap<&str, i64> = HashMap::new();
    let mut repeat = vec![false; reverts.len()];
    let mut start = 0;
    while start < order.len() {
        let time = reverts[order[start]].time;
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| reverts[i].time == time)
                .count();
        for &i in &order[start..end] {
            repeat[i] = footprints[i].iter().any(|c| {
                last_seen
                    .get(c.as_str())
                    .is_some_and(|&seen| time - seen <= lookback)
            });
        }
        for &i in &order[start..end] {
            for c in &footprints[i] {
                last_seen.insert(c.as_str(), time);
            }
        }
        start = end;
    }

    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for fp in &footprints {
        for c in fp {
            *counts.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut top: Vec<ComponentCount> = counts
        .into_iter()
        .map(|(component, incidents)| ComponentCount {
            component: component.to_string(),
            incidents,
        })
        .collect();
    // BTreeMap order is by name; a stable sort by count keeps names in order within a tie.
    top.sort_by_key(|c| std::cmp::Reverse(c.incidents));
    top.truncate(TOP_COMPONENTS);

    let incidents = reverts.len() as u64;
    let repeats = repeat.iter().filter(|&&r| r).count() as u64;
    let summary = RepeatIncidents {
        label: String::new(),
        rate: (incidents > 0).then(|| repeats as f64 / incidents as f64),
        incidents,
        repeats,
        top_components: top,
        per_year: Vec::new(),
    };
    let incidents = reverts
        .iter()
        .zip(footprints)
        .zip(repeat)
        .map(|((r, components), repeat)| IncidentFootprint {
            commit: r.commit,
            components,
            repeat,
        })
        .collect();
    Repeats { incidents, summary }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn id(n: u8) -> CommitId {
        CommitId([n; 20])
    }

    fn revert(n: u8, day: i64, reverted: &[u8]) -> RevertIncident {
        RevertIncident {
            commit: id(n),
            time: 1_600_000_000 + day * DAY,
            reverted: reverted.iter().map(|&r| id(r)).collect(),
        }
    }

    fn paths(list: &[(u8, &[&str])]) -> HashMap<CommitId, Vec<String>> {
        list.iter()
            .map(|(c, p)| (id(*c), p.iter().map(|s| (*s).to_string()).collect()))
            .collect()
    }

    #[test]
    fn components_cut_paths_to_their_first_directories() {
        assert_eq!(component("src/analysis/stats.rs", 2), "src/analysis");
        assert_eq!(component("src/analysis/stats.rs", 1), "src");
        assert_eq!(component("src/analysis/stats.rs", 3), "src/analysis");
        assert_eq!(component("a/b.rs", 2), "a");
        assert_eq!(component("README.md", 2), "README.md");
        assert_eq!(
            component("actionpack/lib/action_dispatch/x.rb", 2),
            "actionpack/lib"
        );
        assert_eq!(component("src/main.rs", 0), "src");
        assert_eq!(component("Cargo.toml", 0), "Cargo.toml");
    }

    #[test]
    fn a_revert_repeats_an_earlier_one_on_a_shared_component() {
        let p = paths(&[
            (10, &["src/git/diff.rs", "README.md"]),
            (11, &["src/git/tags.rs"]),
            (12, &["docs/guide.md"]),
            (13, &["src/analysis/x.rs", "README.md"]),
            (14, &["src/git/mod.rs"]),
        ]);
        let reverts = [
            revert(1, 0, &[10]),
            revert(2, 30, &[11]),      // src/git again, 30 days later: repeat
            revert(3, 40, &[12]),      // docs: novel
            revert(4, 400, &[13]),     // README.md last seen day 0: too long ago
            revert(5, 215, &[14, 99]), // src/git last seen day 30: 185 days, too long ago
        ];
        let out = repeat_incidents(&reverts, &p, 2, 180);
        let flags: Vec<bool> = out.incidents.iter().map(|i| i.repeat).collect();
        assert_eq!(flags, vec![false, true, false, false, false]);
        assert_eq!(out.incidents[0].components, vec!["README.md", "src/git"]);
        assert_eq!(out.incidents[4].components, vec!["src/git"]);
        assert_eq!(out.summary.incidents, 5);
        assert_eq!(out.summary.repeats, 1);
        assert_eq!(out.summary.rate, Some(0.2));
        let top: Vec<(&str, u64)> = out
            .summary
            .top_components
            .iter()
            .map(|c| (c.component.as_str(), c.incidents))
            .collect();
        assert_eq!(
            top,
            vec![
                ("src/git", 3),
                ("README.md", 2),
                ("docs", 1),
                ("src/analysis", 1)
            ]
        );

        // With a longer lookback, the later ones repeat too.
        let out = repeat_incidents(&reverts, &p, 2, 400);
        let flags: Vec<bool> = out.incidents.iter().map(|i| i.repeat).collect();
        assert_eq!(flags, vec![false, true, false, true, true]);
    }

    #[test]
    fn the_lookback_bound_is_inclusive_and_order_of_input_does_not_matter() {
        let p = paths(&[(10, &["lib/a.rb"]), (11, &["lib/b.rb"])]);
        // Given latest first: the one 180 days later is a repeat, the earlier one is not.
        let out = repeat_incidents(&[revert(2, 180, &[11]), revert(1, 0, &[10])], &p, 2, 180);
        assert_eq!(
            out.incidents.iter().map(|i| i.repeat).collect::<Vec<_>>(),
            vec![true, false]
        );
        let out = repeat_incidents(&[revert(2, 181, &[11]), revert(1, 0, &[10])], &p, 2, 180);
        assert_eq!(out.summary.repeats, 0);
    }

    #[test]
    fn reverts_at_the_same_second_do_not_repeat_each_other() {
        let p = paths(&[
            (10, &["lib/a.rb"]),
            (11, &["lib/b.rb"]),
            (12, &["lib/c.rb"]),
        ]);
        let out = repeat_incidents(
            &[
                revert(1, 5, &[10]),
                revert(2, 5, &[11]),
                revert(3, 6, &[12]),
            ],
            &p,
            2,
            180,
        );
        assert_eq!(
            out.incidents.iter().map(|i| i.repeat).collect::<Vec<_>>(),
            vec![false, false, true]
        );
    }

    #[test]
    fn empty_footprints_count_as_incidents_but_never_repeat() {
        let p = paths(&[(10, &[]), (11, &["x.txt"])]);
        let out = repeat_incidents(
            &[
                revert(1, 0, &[10]),
                revert(2, 1, &[10, 77]),
                revert(3, 2, &[11]),
            ],
            &p,
            2,
            180,
        );
        assert_eq!(out.summary.incidents, 3);
        assert_eq!(out.summary.repeats, 0);
        assert_eq!(out.summary.rate, Some(0.0));
        assert!(out.incidents[1].components.is_empty());
        assert_eq!(out.summary.top_components.len(), 1);

        let none = repeat_incidents(&[], &p, 2, 180);
        assert_eq!(none.summary.rate, None);
        assert!(none.incidents.is_empty());
    }

    #[test]
    fn top_components_keep_ten_breaking_ties_by_name() {
        let names: Vec<String> = (0..12).map(|i| format!("m{:02}/x/y.rs", 11 - i)).collect();
        let mut list: Vec<(u8, Vec<&str>)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (10 + i as u8, vec![n.as_str()]))
            .collect();
        // m05 gets a second incident.
        list.push((40, vec!["m05/x/z.rs"]));
        let p: HashMap<CommitId, Vec<String>> = list
            .iter()
            .map(|(c, v)| (id(*c), v.iter().map(|s| (*s).to_string()).collect()))
            .collect();
        let mut reverts: Vec<RevertIncident> = (0..12)
            .map(|i| revert(100 + i as u8, i64::from(i) * 365, &[10 + i as u8]))
            .collect();
        reverts.push(revert(200, 10_000, &[40]));
        let out = repeat_incidents(&reverts, &p, 2, 180);
        let top: Vec<String> = out
            .summary
            .top_components
            .iter()
            .map(|c| format!("{}={}", c.component, c.incidents))
            .collect();
        assert_eq!(
            top,
            vec![
                "m05/x=2", "m00/x=1", "m01/x=1", "m02/x=1", "m03/x=1", "m04/x=1", "m06/x=1",
                "m07/x=1", "m08/x=1", "m09/x=1"
            ]
        );
    }
}
