//! The HTML report: one self-contained page (inline CSS and SVG, no script, no network) with
//! the headline and key numbers, the charts, and the release table. maud escapes every value
//! it interpolates, so repository text (tags, paths, subjects) cannot become markup.

mod charts;
pub mod svg;

use std::io::{self, Write};

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::model::{ReleaseRow, Report};
use super::text::{opt_count, opt_duration, opt_float, opt_percent, thousands};

/// The page's stylesheet: Okabe–Ito colours, print rules.
const CSS: &str = include_str!("report.css");

/// Writes the whole report as one HTML page.
pub fn write_report(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(page(r).into_string().as_bytes())
}

fn page(r: &Report) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("git-cadence ", env!("CARGO_PKG_VERSION")));
                title { "Release health · " (r.repository.path) }
                style { (PreEscaped(CSS)) }
            }
            body {
                main {
                    (header(r))
                    @if !r.releases.is_empty() {
                        (key_numbers(r))
                        section.charts {
                            (charts::sizes_over_time(r))
                            (charts::quartiles(r))
                            (charts::size_vs_remedy(r))
                            (charts::cadence(r))
                            (charts::repeats(r))
                        }
                        (release_table(&r.releases))
                    }
                    (footer(r))
                }
            }
        }
    }
}

fn header(r: &Report) -> Markup {
    let what = if r.settings.source == "deploys" {
        "deploys"
    } else {
        "releases"
    };
    html! {
        header {
            h1 { "Release health: " (r.repository.path) }
            p.meta {
                @match (r.releases.first(), r.releases.last()) {
                    (Some(first), Some(last)) => {
                        (thousands(r.summary.releases)) " " (what) ", " (first.tag) " ("
                        (first.time.format("%Y-%m-%d")) ") to " (last.tag) " ("
                        (last.time.format("%Y-%m-%d")) ")"
                    }
                    _ => { "No " (what) " found (tag pattern " code { (r.settings.tag_pattern) } ")." }
                }
                " · as of " (r.generated_at.format("%Y-%m-%d"))
            }
            @if !r.summary.headline.is_empty() {
                p.headline { (r.summary.headline) }
            }
        }
    }
}

fn key_numbers(r: &Report) -> Markup {
    let s = &r.summary;
    let c = &s.revert_counts;
    let numbers = [
        ("releases", thousands(s.releases)),
        (
            "change failure rate",
            crate::report::text::failure_rate_text(
                s.failed_releases,
                s.releases_with_previous,
                &s.failure_signals,
                &s.failure_signals_seen,
                s.incident_linked_only,
            ),
        ),
        ("median interval", opt_duration(s.median_interval_seconds)),
        ("releases per week", opt_float(s.releases_per_week)),
        ("trend", s.cadence.trend.direction.replace('_', " ")),
        (
            "median time to remedy",
            opt_duration(s.time_to_remedy_median_seconds),
        ),
        (
            "median time to restore (incidents)",
            opt_duration(s.time_to_restore_median_seconds),
        ),
        ("post-release reverts", thousands(c.post_release)),
        ("post-release fixes", thousands(c.fixes_post_release)),
        ("repeat rate", opt_percent(s.repeat_incidents.rate)),
    ];
    html! {
        section.numbers aria-label="Key numbers" {
            dl {
                @for (name, value) in &numbers {
                    div { dt { (name) } dd { (value) } }
                }
            }
        }
    }
}

fn release_table(rows: &[ReleaseRow]) -> Markup {
    let streams = rows.iter().any(|r| r.stream != rows[0].stream);
    html! {
        section.releases {
            h2 { "Releases" }
            p.reading { "Newest first. Sizes are " code { "git diff --shortstat --no-renames PREVIOUS RELEASE" } " less the paths left out below." }
            table {
                thead { tr {
                    th { "Release" }
                    @if streams { th { "Stream" } }
                    th { "Date" } th { "Previous" } th.num { "Interval" } th.num { "Commits" }
                    th.num { "Files" } th.num { "+Lines" } th.num { "−Lines" } th.num { "Lead p50" }
                    th { "Failed" } th.num { "Time to remedy" }
                } }
                tbody {
                    @for x in rows.iter().rev() {
                        tr.failed[x.failed] {
                            td { (x.tag) }
                            @if streams { td { (x.stream) } }
                            td { (x.time.format("%Y-%m-%d")) }
                            td { (x.previous.as_deref().unwrap_or("–")) }
                            td.num { (opt_duration(x.interval_seconds)) }
                            td.num { (thousands(x.commits)) }
                            td.num { (opt_count(x.files_changed)) }
                            td.num { (opt_count(x.lines_added)) }
                            td.num { (opt_count(x.lines_deleted)) }
                            td.num { (opt_duration(x.lead_time_median_seconds)) }
                            td { (failed_cell(x)) }
                            td.num { (opt_duration(x.time_to_remedy_seconds)) }
                        }
                    }
                }
            }
        }
    }
}

fn failed_cell(r: &ReleaseRow) -> String {
    r.failure_signals.join(", ")
}

fn footer(r: &Report) -> Markup {
    let e = &r.excluded;
    html! {
        footer {
            @if e.rules.is_empty() {
                p { "Sizes count every file (nothing excluded)." }
            } @else {
                p { "Left out of sizes (" (thousands(e.files)) " file changes, " (thousands(e.lines)) " lines): " (e.rules.join("; ")) "." }
            }
            p {
                "Tag pattern " code { (r.settings.tag_pattern) } " · failure: " (r.settings.failure)
                " · component depth " (r.settings.component_depth) " · lookback "
                (r.settings.lookback_days) " days · window " (r.settings.window_days) " days."
            }
            @if !r.warnings.is_empty() {
                p { (thousands(r.warnings.len() as u64)) " warnings (" code { "warnings" } " in the JSON)." }
            }
            p { "Made by git-cadence " (env!("CARGO_PKG_VERSION")) " from the repository's own history." }
        }
    }
}
