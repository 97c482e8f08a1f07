//! Release order among releases with the same time and version (deploys dated by the day,
//! two tags made in one second): an ancestor comes first, then the order they came in (the
//! deploys file's order; tag names for tags).
//!
//! Reported: deploys dated the same day were ordered by short sha, so a release's commits,
//! previous release and size came out wrong.

use crate::facts::History;

use super::releases::ReleasePoint;

/// Largest tie group ordered by exact ancestry (one bit per member). A larger group is
/// ordered by position in history alone (children first there, so ancestors come first
/// here), which still never puts a descendant before its ancestor.
const MAX_EXACT: usize = 64;

/// Reorders each run of points with equal time and version (already in release order
/// otherwise) so that an ancestor comes before its descendants; among unrelated points the
/// order they came in stands. Points whose commit is not in `history` keep their place.
pub fn order_ties_by_ancestry(points: &mut [ReleasePoint], history: &History) {
    let mut start = 0;
    while start < points.len() {
        let end = start
            + points[start..]
                .iter()
                .take_while(|p| p.time == points[start].time && p.version == points[start].version)
                .count();
        if end - start > 1 {
            order_group(&mut points[start..end], history);
        }
        start = end;
    }
}

fn order_group(group: &mut [ReleasePoint], history: &History) {
    let idx: Vec<Option<usize>> = group
        .iter()
        .map(|p| history.idx(&p.commit).map(|i| i as usize))
        .collect();
    let Some(lo) = idx.iter().flatten().min().copied() else {
        return;
    };
    if group.len() > MAX_EXACT {
        // Stable: equal positions (the same commit) keep their order.
        let mut keyed: Vec<(usize, ReleasePoint)> = idx
            .iter()
            .map(|i| usize::MAX - i.unwrap_or(usize::MAX))
            .zip(group.iter().cloned())
            .collect();
        keyed.sort_by_key(|(k, _)| *k);
        for (slot, (_, p)) in group.iter_mut().zip(keyed) {
            *slot = p;
        }
        return;
    }
    let hi = idx.iter().flatten().max().copied().unwrap_or(lo);
    // below[c - lo]: the members that reach commit c (c is one of their ancestors or them).
    let mut below = vec![0u64; hi - lo + 1];
    for (m, i) in idx.iter().enumerate() {
        if let Some(i) = i {
            below[i - lo] |= 1 << m;
        }
    }
    for c in lo..=hi {
        let mask = below[c - lo];
        if mask == 0 {
            continue;
        }
        for &p in &history.commits[c].parents {
            let p = p as usize;
            if p <= hi {
                below[p - lo] |= mask;
            }
        }
    }
    // Member a must come before member b when a's commit is a proper ancestor of b's.
    let before = |a: usize, b: usize| match (idx[a], idx[b]) {
        (Some(ia), Some(ib)) => ia != ib && below[ia - lo] & (1 << b) != 0,
        _ => false,
    };
    // Kahn's algorithm, always taking the earliest ready member: stable for unrelated ones.
    let n = group.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n)
            .find(|&b| !placed[b] && !(0..n).any(|a| !placed[a] && before(a, b)))
            .unwrap_or_else(|| (0..n).find(|&b| !placed[b]).unwrap_or(0));
        placed[next] = true;
        order.push(next);
    }
    let original: Vec<ReleasePoint> = group.to_vec();
    for (slot, &m) in group.iter_mut().zip(&order) {
        *slot = original[m].clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{CommitFacts, CommitId};

    fn id(n: u8) -> CommitId {
        CommitId([n; 20])
    }

    /// A line of commits 1 ← 2 ← 3 ← 4 (4 newest), plus 5 on a side branch from 2.
    fn history() -> History {
        let commit = |n: u8, parents: Vec<u32>| CommitFacts {
            id: id(n),
            parents,
            author_name: String::new(),
            author_email: String::new(),
            author_time: 0,
            committer_time: 0,
            message: String::new(),
        };
        // Children first: 4, 5, 3, 2, 1 at indices 0..5.
        History::new(vec![
            commit(4, vec![2]),
            commit(5, vec![3]),
            commit(3, vec![3]),
            commit(2, vec![4]),
            commit(1, vec![]),
        ])
    }

    fn point(n: u8, time: i64) -> ReleasePoint {
        ReleasePoint {
            name: format!("d{n}"),
            other_names: Vec::new(),
            version: None,
            stream: String::new(),
            commit: id(n),
            time,
        }
    }

    fn names(points: &[ReleasePoint]) -> Vec<&str> {
        points.iter().map(|p| p.name.as_str()).collect()
    }

    // Reported: deploys of one day were ordered by short sha.
    #[test]
    fn deploys_on_the_same_time_are_ordered_by_ancestry_then_file_order() {
        let h = history();
        // File order 4, 1, 3: ancestry puts 1 before 3 before 4.
        let mut p = vec![point(4, 10), point(1, 10), point(3, 10)];
        order_ties_by_ancestry(&mut p, &h);
        assert_eq!(names(&p), ["d1", "d3", "d4"]);
        // 5 and 4 are unrelated (siblings): the file's order stands, either way round.
        let mut p = vec![point(5, 10), point(4, 10)];
        order_ties_by_ancestry(&mut p, &h);
        assert_eq!(names(&p), ["d5", "d4"]);
        let mut p = vec![point(4, 10), point(5, 10), point(2, 10)];
        order_ties_by_ancestry(&mut p, &h);
        assert_eq!(names(&p), ["d2", "d4", "d5"]);
        // Different times are not ties: time decides.
        let mut p = vec![point(1, 20), point(4, 10)];
        order_ties_by_ancestry(&mut p, &h);
        assert_eq!(names(&p), ["d1", "d4"]);
    }

    #[test]
    fn a_large_tie_group_still_puts_ancestors_first() {
        let h = history();
        let mut p: Vec<ReleasePoint> = (0..70).map(|k| point([4, 3, 1, 2][k % 4], 10)).collect();
        order_ties_by_ancestry(&mut p, &h);
        let pos = |n: u8| p.iter().position(|x| x.commit == id(n)).unwrap_or(99);
        assert!(pos(1) < pos(2) && pos(2) < pos(3) && pos(3) < pos(4));
    }
}
