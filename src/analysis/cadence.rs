//! Cadence: how often releases happen, over rolling windows, and the trend against a year ago
//! (PRODUCT.md, "Cadence").

use chrono::{DateTime, Utc};

use super::stats::median_i64;
use crate::report::model::{Cadence, CadenceWindow, Trend};

const WEEK: f64 = 7.0 * 86_400.0;
const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

/// A release as cadence sees it: when, and how long after its previous release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beat {
    pub time: i64,
    pub interval: Option<i64>,
}

/// Releases per week over the span from the first to the last release: `(n − 1) / span`.
/// `None` with fewer than two releases or a zero span.
#[must_use]
pub fn releases_per_week(beats: &[Beat]) -> Option<f64> {
    let first = beats.iter().map(|b| b.time).min()?;
    let last = beats.iter().map(|b| b.time).max()?;
    (beats.len() >= 2 && last > first)
        .then(|| (beats.len() - 1) as f64 / ((last - first) as f64 / WEEK))
}

/// Median of the intervals that exist.
#[must_use]
pub fn median_interval(beats: &[Beat]) -> Option<i64> {
    let intervals: Vec<i64> = beats.iter().filter_map(|b| b.interval).collect();
    median_i64(&intervals)
}

/// Rolling windows of `window_days` ending at `end`, newest last, back to the first release;
/// and the trend: releases per week over the last 365 days against the 365 days before.
///
/// The trend is `more_often` when the recent rate is over 1.2× the year-ago rate,
/// `less_often` under 0.8×, `steady` in between, and `insufficient_data` when the two years
/// hold fewer than four releases together.
#[must_use]
pub fn cadence(beats: &[Beat], end: i64, window_days: u32) -> Cadence {
    let width = i64::from(window_days.max(1)) * DAY;
    let first = beats.iter().map(|b| b.time).min();
    let mut windows = Vec::new();
    if let Some(first) = first {
        let mut stop = end;
        while stop > first {
            let start = stop - width;
            let inside: Vec<Beat> = beats
                .iter()
                .filter(|b| b.time > start && b.time <= stop)
                .copied()
                .collect();
            windows.push(CadenceWindow {
                start: to_time(start),
                end: to_time(stop),
                releases: inside.len() as u64,
                releases_per_week: inside.len() as f64 / (width as f64 / WEEK),
                median_interval_seconds: median_interval(&inside),
            });
            stop = start;
        }
        windows.reverse();
    }
    let count = |from: i64, to: i64| {
        beats
            .iter()
            .filter(|b| b.time > from && b.time <= to)
            .count()
    };
    let recent = count(end - YEAR, end);
    let year_ago = count(end - 2 * YEAR, end - YEAR);
    let rate = |n: usize| n as f64 / (YEAR as f64 / WEEK);
    let direction = if recent + year_ago < 4 {
        "insufficient_data"
    } else if year_ago == 0 || rate(recent) > 1.2 * rate(year_ago) {
        "more_often"
    } else if rate(recent) < 0.8 * rate(year_ago) {
        "less_often"
    } else {
        "steady"
    };
    Cadence {
        windows,
        trend: Trend {
            direction: direction.to_string(),
            recent_releases_per_week: Some(rate(recent)),
            year_ago_releases_per_week: Some(rate(year_ago)),
        },
    }
}

/// Seconds since the epoch as a UTC time (out-of-range values clamp to the epoch).
#[must_use]
pub fn to_time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beats(times: &[i64]) -> Vec<Beat> {
        let mut prev = None;
        times
            .iter()
            .map(|&t| {
                let b = Beat {
                    time: t,
                    interval: prev.map(|p| t - p),
                };
                prev = Some(t);
                b
            })
            .collect()
    }

    #[test]
    fn weekly_releases_are_one_per_week() {
        let b = beats(&[0, 7 * DAY, 14 * DAY, 21 * DAY]);
        assert_eq!(releases_per_week(&b), Some(1.0));
        assert_eq!(median_interval(&b), Some(7 * DAY));
        assert_eq!(releases_per_week(&b[..1]), None);
    }

    #[test]
    fn windows_cover_back_to_the_first_release() {
        let b = beats(&[DAY, 10 * DAY, 100 * DAY]);
        let c = cadence(&b, 120 * DAY, 90);
        // windows (−60d,30d] and (30d,120d]
        assert_eq!(c.windows.len(), 2);
        assert_eq!(c.windows[0].releases, 2);
        assert_eq!(c.windows[1].releases, 1);
        assert_eq!(c.windows[0].median_interval_seconds, Some(9 * DAY));
        assert_eq!(c.trend.direction, "insufficient_data");
    }

    #[test]
    fn trend_compares_last_year_with_the_year_before() {
        // Two releases in the year before, eight in the last year.
        let mut times = vec![400 * DAY, 500 * DAY];
        times.extend((0..8).map(|i| 800 * DAY + i * 30 * DAY));
        let b = beats(&times);
        let c = cadence(&b, 1100 * DAY, 90);
        assert_eq!(c.trend.direction, "more_often");
        let slower = beats(&[400 * DAY, 420 * DAY, 440 * DAY, 460 * DAY, 800 * DAY]);
        assert_eq!(
            cadence(&slower, 1100 * DAY, 90).trend.direction,
            "less_often"
        );
    }
}
