//! Markdown: the report for pull requests and wikis. Every text taken from the repository is
//! escaped so that it cannot inject HTML, mention people, link issues or break a table.

use std::io::{self, Write};

use super::model::{ReleaseRow, Report};
use super::text::{opt_count, opt_duration, opt_float, thousands};

/// Text from the repository, safe inside Markdown prose and table cells.
#[must_use]
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            // A zero-width joiner after @ and # stops mentions and issue links.
            '@' => out.push_str("@\u{200d}"),
            '#' => out.push_str("#\u{200d}"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// The whole report.
pub fn write_report(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Release health: {}", md(&r.repository.path))?;
    writeln!(out)?;
    if !r.summary.headline.is_empty() {
        writeln!(out, "**{}**", md(&r.summary.headline))?;
        writeln!(out)?;
    }
    let s = &r.summary;
    writeln!(
        out,
        "| Releases | Median interval | Releases/week | Trend |"
    )?;
    writeln!(out, "|---:|---:|---:|---|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} |",
        thousands(s.releases),
        opt_duration(s.median_interval_seconds),
        opt_float(s.releases_per_week),
        s.cadence.trend.direction.replace('_', " ")
    )?;
    writeln!(out)?;
    writeln!(out, "<details><summary>Releases</summary>")?;
    writeln!(out)?;
    write_release_table(&r.releases, out)?;
    writeln!(out)?;
    writeln!(out, "</details>")?;
    Ok(())
}

/// Every release as a Markdown table.
pub fn write_releases(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_release_table(&r.releases, out)
}

fn write_release_table(rows: &[ReleaseRow], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "| Release | Date | Interval | Commits | Files | +Lines | -Lines | Lead p50 | Failed |"
    )?;
    writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---|")?;
    for x in rows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&x.tag),
            x.time.format("%Y-%m-%d"),
            opt_duration(x.interval_seconds),
            thousands(x.commits),
            opt_count(x.files_changed),
            opt_count(x.lines_added),
            opt_count(x.lines_deleted),
            opt_duration(x.lead_time_median_seconds),
            if x.failed { "yes" } else { "" },
        )?;
    }
    Ok(())
}
