//! Stage 4: attribute post-release reverts and fixes to the releases that shipped what they
//! undo or name. A release is charged for a target when its own commits (the commits it
//! shipped first, per stream) hold the target and it was released before the remedy was
//! written — and, for a stream bound to paths, only when the target touches those paths
//! ([`answers_for`]).

use std::collections::HashMap;

use crate::analysis::releases::ReleaseSet;
use crate::facts::CommitIdx;

/// For each commit that matters, the releases (indexes into the release set, one per stream
/// at most) whose own commits hold it.
#[derive(Clone, Debug, Default)]
pub(super) struct Containing(HashMap<CommitIdx, Vec<usize>>);

impl Containing {
    /// Indexes the releases that hold any of `wanted`.
    pub(super) fn new(releases: &ReleaseSet, wanted: impl IntoIterator<Item = CommitIdx>) -> Self {
        let mut map: HashMap<CommitIdx, Vec<usize>> =
            wanted.into_iter().map(|c| (c, Vec::new())).collect();
        for (r, rel) in releases.releases.iter().enumerate() {
            for c in &rel.commits {
                if let Some(rs) = map.get_mut(c) {
                    rs.push(r);
                }
            }
        }
        map.retain(|_, rs| !rs.is_empty());
        Self(map)
    }

    /// The releases whose own commits hold `c`, in release order.
    pub(super) fn releases_of(&self, c: CommitIdx) -> &[usize] {
        self.0.get(&c).map_or(&[][..], Vec::as_slice)
    }

    /// Every `(release, target)` such that the release holds one of `targets` and was
    /// released before `at` (the remedy's author time), target by target.
    pub(super) fn charged(
        &self,
        releases: &ReleaseSet,
        targets: &[CommitIdx],
        at: i64,
    ) -> Vec<(usize, CommitIdx)> {
        targets
            .iter()
            .flat_map(|&t| self.releases_of(t).iter().map(move |&r| (r, t)))
            .filter(|&(r, _)| releases.releases[r].point.time < at)
            .filter(|&(r, t)| answers_for(releases, r, t))
            .collect()
    }
}

/// Whether release `r` answers for its commit `t` being undone or fixed: a release of a
/// stream that owns the whole tree always does; one of a stream bound to paths only when `t`
/// touches its paths (one revert of `tokio/` code must not fail `tokio-util`, which shipped
/// the same commit but none of its changes). Where a remedy *shipped* (time to remedy) still
/// goes by reachability, [`Containing::releases_of`].
fn answers_for(releases: &ReleaseSet, r: usize, t: CommitIdx) -> bool {
    releases.releases[r].owns(t)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{releases, Build};
    use super::*;

    #[test]
    fn charges_releases_that_shipped_a_target_before_the_remedy() {
        let mut b = Build::default();
        let c1 = b.c("5a1", None, 100, "init");
        let c2 = b.c("5a2", Some(c1), 200, "one");
        let _c3 = b.c("5a3", Some(c2), 300, "two");
        let h = b.history();
        let rs = releases(&h, &[("v1.0", "5a2", 250), ("v1.1", "5a3", 350)]);
        let (one, two) = (h.commits.len() as CommitIdx - 2, 0);
        let containing = Containing::new(&rs, [one, two]);
        assert_eq!(containing.releases_of(one), &[0]);
        assert_eq!(containing.releases_of(two), &[1]);
        // Written after v1.0 but before v1.1: only v1.0 had shipped its target.
        assert_eq!(containing.charged(&rs, &[one, two], 300), vec![(0, one)]);
        assert_eq!(
            containing.charged(&rs, &[two, one], 400),
            vec![(1, two), (0, one)]
        );
        // A release at the remedy's very second had not shipped before it.
        assert!(containing.charged(&rs, &[one], 250).is_empty());
    }

    #[test]
    fn a_stream_bound_to_paths_answers_only_for_commits_that_touch_them() {
        let mut b = Build::default();
        let c1 = b.c("6b1", None, 100, "init");
        let _c2 = b.c("6b2", Some(c1), 200, "other package");
        let h = b.history();
        let mut rs = releases(&h, &[("v1.0", "6b2", 250)]);
        let (init, other) = (1, 0);
        assert_eq!(rs.releases[0].commits, [other, init]);
        let containing = Containing::new(&rs, [init, other]);
        assert_eq!(
            containing.charged(&rs, &[init, other], 300),
            vec![(0, init), (0, other)]
        );
        // Bound to paths that only `init` touched: `other` shipped in it, but is not its own.
        rs.releases[0].bound_commits = Some(vec![init]);
        assert_eq!(
            containing.charged(&rs, &[init, other], 300),
            vec![(0, init)]
        );
        assert!(containing.charged(&rs, &[other], 300).is_empty());
        // Where a remedy shipped still goes by reachability.
        assert_eq!(containing.releases_of(other), &[0]);
        rs.releases[0].bound_commits = Some(Vec::new());
        assert!(containing.charged(&rs, &[init, other], 300).is_empty());
    }
}
