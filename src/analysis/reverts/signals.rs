//! Stage 5: signals and clocks. Turns the attributed reverts and fixes into what each release
//! got: the remedies that hit it, whether it failed, and how long until a release of its
//! stream carried the remedy.

use std::collections::BTreeSet;

use crate::analysis::releases::ReleaseSet;
use crate::facts::{CommitId, CommitIdx, History};

use super::attribute::Containing;
use super::ReleaseReverts;

/// Per release, what the remedies charged to it, while they are being collected.
#[derive(Clone, Debug)]
pub(super) struct Ledger {
    per_release: Vec<ReleaseReverts>,
    /// The counting remedies of each release, in the order they were charged.
    counting: Vec<Vec<CommitIdx>>,
    /// The commits of each release that counting reverts undid.
    reverted: Vec<BTreeSet<CommitIdx>>,
}

impl Ledger {
    pub(super) fn new(releases: usize) -> Self {
        Self {
            per_release: vec![ReleaseReverts::default(); releases],
            counting: vec![Vec::new(); releases],
            reverted: vec![BTreeSet::new(); releases],
        }
    }

    /// Revert `idx` (commit `id`) undid `target`, a commit release `r` shipped; `counts` when
    /// it is a failure signal under the failure mode.
    pub(super) fn revert(
        &mut self,
        r: usize,
        (idx, id): (CommitIdx, CommitId),
        target: CommitIdx,
        counts: bool,
    ) {
        let hit = &mut self.per_release[r];
        if hit.reverts.last() != Some(&id) {
            hit.reverts.push(id);
        }
        if counts {
            hit.failed = true;
            if self.counting[r].last() != Some(&idx) {
                self.counting[r].push(idx);
            }
            self.reverted[r].insert(target);
        }
    }

    /// Fix `id` named a commit release `r` shipped.
    pub(super) fn fix(&mut self, r: usize, id: CommitId) {
        let hit = &mut self.per_release[r];
        if hit.fixes.last() != Some(&id) {
            hit.fixes.push(id);
        }
    }

    /// The per-release facts, with the clocks.
    pub(super) fn finish(
        mut self,
        history: &History,
        releases: &ReleaseSet,
        containing: &Containing,
    ) -> Vec<ReleaseReverts> {
        for (r, hit) in self.per_release.iter_mut().enumerate() {
            hit.reverted_commits = self.reverted[r].len() as u64;
            if hit.failed {
                hit.time_to_restore_seconds =
                    remedy_time(history, releases, containing, r, &self.counting[r]);
            }
        }
        self.per_release
    }
}

/// Seconds from release `r` to the first release of its stream that shipped one of
/// `remedies`; while none has, to the earliest remedy's committer time. Never negative.
pub(super) fn remedy_time(
    history: &History,
    releases: &ReleaseSet,
    containing: &Containing,
    r: usize,
    remedies: &[CommitIdx],
) -> Option<i64> {
    let rel = &releases.releases[r];
    let first_release = remedies
        .iter()
        .filter_map(|&v| {
            containing
                .releases_of(v)
                .iter()
                .find(|&&x| releases.releases[x].point.stream == rel.point.stream)
                .map(|&x| releases.releases[x].point.time)
        })
        .min();
    let done_at = first_release.or_else(|| {
        remedies
            .iter()
            .map(|&v| history.commits[v as usize].committer_time)
            .min()
    });
    done_at.map(|t| (t - rel.point.time).max(0))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{id, releases, Build};
    use super::*;

    #[test]
    fn remedy_clock_runs_to_the_release_that_ships_it_or_its_commit() {
        let mut b = Build::default();
        let c1 = b.c("6a1", None, 100, "init");
        let c2 = b.c("6a2", Some(c1), 200, "feature");
        let _fix = b.at("6a3", &[c2], 300, 320, "fix it");
        let h = b.history();
        let fix = h.idx(&id("6a3")).expect("fix");
        let unreleased = releases(&h, &[("v1.0", "6a2", 250)]);
        let c = Containing::new(&unreleased, [fix]);
        // Not shipped yet: the fix's committer time.
        assert_eq!(remedy_time(&h, &unreleased, &c, 0, &[fix]), Some(70));
        let shipped = releases(&h, &[("v1.0", "6a2", 250), ("v1.1", "6a3", 400)]);
        let c = Containing::new(&shipped, [fix]);
        assert_eq!(remedy_time(&h, &shipped, &c, 0, &[fix]), Some(150));
        assert_eq!(remedy_time(&h, &shipped, &c, 0, &[]), None);

        let mut ledger = Ledger::new(2);
        ledger.revert(0, (fix, id("6a3")), 1, false);
        ledger.fix(0, id("6a3"));
        ledger.fix(0, id("6a3"));
        let per = ledger.finish(&h, &shipped, &c);
        assert!(!per[0].failed, "a revert that does not count fails nothing");
        assert_eq!(per[0].reverts, vec![id("6a3")]);
        assert_eq!(per[0].fixes, vec![id("6a3")]);
        assert_eq!(per[0].time_to_restore_seconds, None);
    }
}
