//! The failure section in words, shared by the table and the Markdown report so that both say
//! the same: what was found (reverts, fixes, incidents), what the production-path rule set
//! aside, the change failure rate with the signals it rests on, both clocks by name, repeat
//! failures (per year), and the latest failures. Nothing here computes a number.

use chrono::{DateTime, Utc};

use super::model::{ReleaseRow, Report, SizeVsFailure};
use super::text::{duration, failure_rate_text, opt_duration, percent, plural, ratio, thousands};

/// One counted failure, for the "latest failures" list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureItem {
    /// Short sha of the revert or fix, or the incident id.
    pub name: String,
    pub time: DateTime<Utc>,
    pub signal: &'static str,
    /// The release(s) it hit.
    pub introduced: String,
    pub incident_linked: bool,
    pub repeat: bool,
    /// Its subject (a revert or fix) or, for an incident, its stream if any.
    pub subject: String,
}

/// Every counted revert, fix and incident, oldest first.
#[must_use]
pub fn latest_failures(r: &Report) -> Vec<FailureItem> {
    let mut items: Vec<FailureItem> = Vec::new();
    for x in r.reverts.iter().filter(|x| x.counted) {
        items.push(FailureItem {
            name: x.commit.short(),
            time: x.time,
            signal: "revert",
            introduced: x.introduced_in.clone().unwrap_or_else(|| "–".into()),
            incident_linked: x.incident_linked,
            repeat: x.repeat,
            subject: x.subject.clone(),
        });
    }
    for x in r.fixes.iter().filter(|x| x.counted) {
        items.push(FailureItem {
            name: x.commit.short(),
            time: x.time,
            signal: "fix",
            introduced: x.introduced_in.clone().unwrap_or_else(|| "–".into()),
            incident_linked: x.incident_linked,
            repeat: x.repeat,
            subject: x.subject.clone(),
        });
    }
    for x in r
        .incidents
        .iter()
        .filter(|x| x.counted && !x.releases.is_empty())
    {
        items.push(FailureItem {
            name: x.id.clone(),
            time: x.opened,
            signal: "incident",
            introduced: x.releases.join(", "),
            incident_linked: true,
            repeat: x.repeat,
            subject: x.stream.clone().unwrap_or_default(),
        });
    }
    items.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.name.cmp(&b.name)));
    items
}

/// The risk ratio of the largest quarter to the smallest with its interval: `risk ratio 1.0
/// (95% CI 0.25–4.0)`; with a zero cell, the empty quartile in words next to the corrected
/// ratio: `no failures in Q1 (n = 43); corrected risk ratio 5.1 (95% CI 0.25–103)`. `None`
/// without a ratio.
#[must_use]
pub fn risk_ratio_text(s: &SizeVsFailure) -> Option<String> {
    let (Some(rr), Some([lo, hi])) = (s.risk_ratio, s.risk_ratio_ci95) else {
        return None;
    };
    let ci = format!("(95% CI {}–{})", ratio(lo), ratio(hi));
    if !s.risk_ratio_corrected {
        return Some(format!("risk ratio {} {ci}", ratio(rr)));
    }
    let zero: Vec<String> = [s.quartiles.first(), s.quartiles.get(3)]
        .into_iter()
        .flatten()
        .filter(|q| q.failed == 0)
        .map(|q| {
            format!(
                "no failures in Q{} (n = {})",
                q.quartile,
                thousands(q.releases)
            )
        })
        .collect();
    Some(format!(
        "{}; corrected risk ratio {} {ci}",
        zero.join(", "),
        ratio(rr)
    ))
}

/// The `Failed` cell of a release: its signals and the clock that applies.
#[must_use]
pub fn failed_cell(r: &ReleaseRow) -> String {
    if !r.failed {
        return String::new();
    }
    let signals = r.failure_signals.join("+");
    match (r.time_to_restore_seconds, r.time_to_remedy_seconds) {
        (Some(t), _) => format!("{signals} · restore {}", duration(t)),
        (None, Some(t)) => format!("{signals} · remedy {}", duration(t)),
        (None, None) => signals,
    }
}

/// The lines of the failure section, in plain words; `text` makes repository text (component
/// names) safe for the format.
#[must_use]
pub fn failure_lines(r: &Report, text: impl Fn(&str) -> String) -> Vec<String> {
    let s = &r.summary;
    let c = &s.revert_counts;
    let mut lines = Vec::new();
    if c.total == 0 {
        lines.push("No reverts found.".to_string());
    } else {
        lines.push(format!(
            "{} · {} post-release · {} pre-release · {} · {} unresolved",
            plural(c.total, "revert", "reverts"),
            thousands(c.post_release),
            thousands(c.pre_release),
            plural(c.reapply, "reapply", "reapplies"),
            thousands(c.unresolved),
        ));
        lines.push(format!(
            "found by message {} · pull request {} · subject {} · inverse diff {}",
            thousands(c.by_message),
            thousands(c.by_pull_request),
            thousands(c.by_subject),
            thousands(c.by_patch_id),
        ));
        lines.push(format!(
            "incident-linked: {} ({} post-release)",
            thousands(c.incident_linked),
            thousands(c.post_release_incident_linked)
        ));
    }
    lines.push(if c.fixes == 0 {
        "No Fixes: trailers found.".to_string()
    } else {
        format!(
            "Fixes: trailers: {}, {} after what they fix had shipped",
            plural(c.fixes, "commit", "commits"),
            thousands(c.fixes_post_release),
        )
    });
    lines.push(match &r.settings.incidents {
        None => "No incidents file (--incidents FILE adds incidents and the time to restore)."
            .to_string(),
        Some(_) if c.incidents_unattributed > 0 => format!(
            "incidents file: {}, {} charged to no release (see the warnings)",
            plural(c.incidents, "incident", "incidents"),
            thousands(c.incidents_unattributed)
        ),
        Some(_) => format!(
            "incidents file: {}",
            plural(c.incidents, "incident", "incidents")
        ),
    });
    if c.post_release + c.fixes_post_release > 0 {
        lines.push(format!(
            "set aside as non-production (only tests, docs, CI files, changelogs or spelling \
             lists{}): {} and {}",
            if is_default_list(r) {
                ""
            } else {
                ", per non_production"
            },
            plural(
                c.reverts_set_aside,
                "post-release revert",
                "post-release reverts"
            ),
            plural(c.fixes_set_aside, "post-release fix", "post-release fixes"),
        ));
    }
    lines.extend(rate_lines(r));
    lines.extend(repeat_lines(r, text));
    lines
}

/// The change failure rate with its signals, and both clocks by name.
fn rate_lines(r: &Report) -> Vec<String> {
    let s = &r.summary;
    let mut lines = Vec::new();
    lines.push(format!(
        "change failure rate: {}",
        failure_rate_text(
            s.failed_releases,
            s.releases_with_previous,
            &s.failure_signals,
            &s.failure_signals_seen,
            s.incident_linked_only
        )
    ));
    lines.push(format!(
        "median time to remedy {} (release → first release with its revert or fix) · median \
         time to restore {} (incidents: resolved − opened)",
        opt_duration(s.time_to_remedy_median_seconds),
        opt_duration(s.time_to_restore_median_seconds),
    ));
    lines
}

/// Repeat failures (or incidents), per year, and the most-hit components.
fn repeat_lines(r: &Report, text: impl Fn(&str) -> String) -> Vec<String> {
    let rep = &r.summary.repeat_incidents;
    let mut lines = Vec::new();
    if rep.incidents > 0 {
        let (name, events) = if rep.label == "repeat_incidents" {
            ("repeat incidents", "incidents")
        } else {
            ("repeat failures", "counted failures")
        };
        lines.push(format!(
            "{name}: {} of {} {events} ({}) hit a component that an earlier one hit in the {} \
             days before",
            thousands(rep.repeats),
            thousands(rep.incidents),
            rep.rate.map_or_else(|| "–".to_string(), percent),
            r.settings.lookback_days,
        ));
        let years: Vec<String> = rep
            .per_year
            .iter()
            .map(|y| {
                format!(
                    "{} {} ({} of {})",
                    y.year,
                    percent(y.rate),
                    thousands(y.repeats),
                    thousands(y.events)
                )
            })
            .collect();
        lines.push(format!("{name} by year: {}", years.join(" · ")));
        let top: Vec<String> = rep
            .top_components
            .iter()
            .take(5)
            .map(|t| format!("{} ({})", text(&t.component), t.incidents))
            .collect();
        lines.push(format!("most-hit components: {}", top.join(", ")));
    }
    lines
}

/// Whether the non-production list in force is the default one.
fn is_default_list(r: &Report) -> bool {
    r.settings
        .non_production
        .iter()
        .map(String::as_str)
        .eq(crate::failure::DEFAULT_NON_PRODUCTION.iter().copied())
}
