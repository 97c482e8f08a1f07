//! Stage 5: signals and clocks. Turns the charges of the failure events into what each release
//! got: the reverts, fixes and incidents that hit it, whether it failed and by which signals,
//! its time to restore (from an incident: resolved − opened) and its time to remedy (until a
//! release of its stream carried the revert or fix).

use std::collections::BTreeSet;

use crate::analysis::releases::ReleaseSet;
use crate::facts::{CommitIdx, History};
use crate::incidents::Incidents;

use super::attribute::{Charge, Containing};
use super::classify::{FailureEvent, Signal};
use super::ReleaseReverts;

/// Per release, what the events charged to it, while they are being collected.
#[derive(Clone, Debug)]
pub(super) struct Ledger {
    per_release: Vec<ReleaseReverts>,
    signals: Vec<BTreeSet<Signal>>,
    /// The counted reverts and fixes of each release, in the order they were charged.
    remedies: Vec<Vec<CommitIdx>>,
    /// The counted incidents of each release with their `(opened, resolved − opened)`.
    restores: Vec<Vec<(i64, i64)>>,
    /// The commits of each release that counted reverts undid.
    reverted: Vec<BTreeSet<CommitIdx>>,
}

impl Ledger {
    pub(super) fn new(releases: usize) -> Self {
        Self {
            per_release: vec![ReleaseReverts::default(); releases],
            signals: vec![BTreeSet::new(); releases],
            remedies: vec![Vec::new(); releases],
            restores: vec![Vec::new(); releases],
            reverted: vec![BTreeSet::new(); releases],
        }
    }

    /// Records that `event` hit the release of `charge`.
    pub(super) fn charge(
        &mut self,
        history: &History,
        incidents: &Incidents,
        event: &FailureEvent,
        charge: Charge,
    ) {
        let r = charge.release;
        let hit = &mut self.per_release[r];
        let listed = match (event.signal, event.remedy) {
            (Signal::Revert, Some(c)) => Some((&mut hit.reverts, history.commits[c as usize].id)),
            (Signal::Fix, Some(c)) => Some((&mut hit.fixes, history.commits[c as usize].id)),
            _ => None,
        };
        if let Some((list, id)) = listed {
            if list.last() != Some(&id) {
                list.push(id);
            }
        } else if let Some(inc) = incidents.incidents.get(event.row) {
            if hit.incidents.last() != Some(&inc.id) {
                hit.incidents.push(inc.id.clone());
            }
        }
        if !event.counts {
            return;
        }
        hit.failed = true;
        self.signals[r].insert(event.signal);
        if let Some(c) = event.remedy {
            if self.remedies[r].last() != Some(&c) {
                self.remedies[r].push(c);
            }
        }
        if let Some(t) = event.restore_seconds {
            self.restores[r].push((event.at, t));
        }
        if let (Signal::Revert, Some(t)) = (event.signal, charge.target) {
            self.reverted[r].insert(t);
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
            let mut names: Vec<String> = self.signals[r]
                .iter()
                .map(|s| s.as_str().to_string())
                .collect();
            names.sort();
            hit.failure_signals = names;
            hit.time_to_remedy_seconds =
                remedy_time(history, releases, containing, r, &self.remedies[r]);
            hit.time_to_restore_seconds = self.restores[r].iter().min().map(|&(_, t)| t);
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

        let feature = h.idx(&id("6a2")).expect("feature");
        let event = |signal, counts, restore_seconds| FailureEvent {
            signal,
            row: 0,
            remedy: (signal != Signal::Incident).then_some(fix),
            at: 300,
            targets: vec![feature],
            paths: Vec::new(),
            production: true,
            incident_linked: false,
            counts,
            stream: None,
            restore_seconds,
            cherry_pick: false,
            hit: true,
        };
        let on_v10 = Charge {
            release: 0,
            target: Some(feature),
        };
        let incidents = Incidents {
            incidents: vec![crate::incidents::Incident {
                id: "OPS-1".into(),
                opened: 300,
                resolved: Some(3_900),
                commits: Vec::new(),
                stream: None,
            }],
        };
        let mut ledger = Ledger::new(2);
        ledger.charge(&h, &incidents, &event(Signal::Revert, false, None), on_v10);
        let per = ledger.clone().finish(&h, &shipped, &c);
        assert!(!per[0].failed, "a revert that does not count fails nothing");
        assert_eq!(per[0].reverts, vec![id("6a3")]);
        assert_eq!(per[0].time_to_remedy_seconds, None);

        ledger.charge(&h, &incidents, &event(Signal::Fix, true, None), on_v10);
        ledger.charge(&h, &incidents, &event(Signal::Fix, true, None), on_v10);
        let per = ledger.clone().finish(&h, &shipped, &c);
        assert_eq!(per[0].fixes, vec![id("6a3")], "listed once");
        assert_eq!(per[0].failure_signals, vec!["fix".to_string()]);
        assert_eq!(per[0].reverted_commits, 0, "a fix reverts nothing");
        assert_eq!(per[0].time_to_remedy_seconds, Some(150));
        assert_eq!(
            per[0].time_to_restore_seconds, None,
            "a remedy is no restore"
        );

        ledger.charge(
            &h,
            &incidents,
            &event(Signal::Incident, true, Some(3_600)),
            on_v10,
        );
        let per = ledger.finish(&h, &shipped, &c);
        assert_eq!(per[0].incidents, vec!["OPS-1".to_string()]);
        assert_eq!(
            per[0].failure_signals,
            vec!["fix".to_string(), "incident".to_string()]
        );
        assert_eq!(per[0].time_to_restore_seconds, Some(3_600));
        assert!(!per[1].failed);
    }
}
