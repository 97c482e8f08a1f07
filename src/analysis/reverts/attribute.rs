//! Stage 4: attribute failure events to releases. A release is charged for a commit that a
//! revert undoes, a fix names or an incident lists when its own commits (the commits it
//! shipped first, per stream) hold it and it was released before the event (a revert or fix
//! written, an incident opened). An incident that lists no commits is charged to the release
//! of its stream that was live when it was opened. A release of a stream bound to paths
//! answers only for commits that touch those paths ([`answers_for`]).

use std::collections::{BTreeSet, HashMap};

use crate::analysis::releases::ReleaseSet;
use crate::facts::CommitIdx;

use super::classify::FailureEvent;

/// One release charged for one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Charge {
    /// Index into the release set.
    pub release: usize,
    /// The commit of the release the event undoes, names or lists; `None` for an incident
    /// charged to the live release.
    pub target: Option<CommitIdx>,
}

/// The releases `event` hits, or why it hits none (for an incident; a revert or fix is an
/// event only when it hits a release).
///
/// Streams bound to paths (a later change) filter here: a charge stands only when
/// `event.paths` touch the paths of the charged release's stream.
pub(super) fn charge(
    releases: &ReleaseSet,
    containing: &Containing,
    event: &FailureEvent,
) -> Result<Vec<Charge>, String> {
    let in_stream = |r: usize| {
        event
            .stream
            .as_ref()
            .is_none_or(|s| &releases.releases[r].point.stream == s)
    };
    if event.targets.is_empty() {
        return live_release(releases, event.at, event.stream.as_deref()).map(|release| {
            vec![Charge {
                release,
                target: None,
            }]
        });
    }
    let charges: Vec<Charge> = containing
        .charged(releases, &event.targets, event.at)
        .into_iter()
        .filter(|&(r, _)| in_stream(r))
        .map(|(release, t)| Charge {
            release,
            target: Some(t),
        })
        .collect();
    if charges.is_empty() {
        Err("no release shipped the commits it lists before it was opened".to_string())
    } else {
        Ok(charges)
    }
}

/// The release of `stream` that was live at `at`: the latest at or before it. Without a
/// stream, the repository must have only one.
pub(super) fn live_release(
    releases: &ReleaseSet,
    at: i64,
    stream: Option<&str>,
) -> Result<usize, String> {
    let streams: BTreeSet<&str> = releases
        .releases
        .iter()
        .map(|r| r.point.stream.as_str())
        .collect();
    let stream = match stream {
        Some(s) if streams.contains(s) => s,
        Some(s) => return Err(format!("no release stream is named `{s}`")),
        None if streams.len() > 1 => {
            return Err(format!(
                "it lists no commits and names no stream, and there are {} release streams; \
                 add a `stream` column to the incidents file",
                streams.len()
            ))
        }
        None => match streams.first() {
            Some(s) => s,
            None => return Err("there is no release".to_string()),
        },
    };
    releases
        .releases
        .iter()
        .enumerate()
        .filter(|(_, r)| r.point.stream == stream && r.point.time <= at)
        .max_by_key(|(i, r)| (r.point.time, *i))
        .map(|(i, _)| i)
        .ok_or_else(|| "it was opened before the first release of its stream".to_string())
}

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
