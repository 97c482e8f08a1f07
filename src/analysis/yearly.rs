//! Repeat failures per calendar year (UTC): how many counted failure events each year had,
//! and how many of them were repeats, so a team sees whether its learning sticks.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::cadence::to_time;
use crate::report::model::RepeatYear;

/// Per year with at least one event, oldest first: events, repeats and their rate. `events`
/// are (time in seconds since the epoch, whether the event is a repeat).
#[must_use]
pub fn per_year(events: impl IntoIterator<Item = (i64, bool)>) -> Vec<RepeatYear> {
    let mut years: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    for (time, repeat) in events {
        let entry = years.entry(to_time(time).year()).or_default();
        entry.0 += 1;
        entry.1 += u64::from(repeat);
    }
    years
        .into_iter()
        .map(|(year, (events, repeats))| RepeatYear {
            year,
            events,
            novel: events - repeats,
            repeats,
            rate: repeats as f64 / events as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_events_and_repeats_per_utc_year() {
        // 2023-12-31T23:59:59Z, 2024-01-01T00:00:00Z, 2024-06-01, 2026-02-01.
        let years = per_year([
            (1_704_067_199, false),
            (1_704_067_200, true),
            (1_717_200_000, false),
            (1_769_904_000, true),
        ]);
        let rows: Vec<(i32, u64, u64, u64)> = years
            .iter()
            .map(|y| (y.year, y.events, y.novel, y.repeats))
            .collect();
        assert_eq!(rows, [(2023, 1, 1, 0), (2024, 2, 1, 1), (2026, 1, 0, 1)]);
        assert!((years[1].rate - 0.5).abs() < 1e-12);
        assert!(per_year([]).is_empty());
    }
}
