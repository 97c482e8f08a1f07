//! Markdown: the report for pull requests and wikis. Every text taken from the repository is
//! escaped so that it cannot inject HTML, mention people, link issues or break a table.

use std::io::{self, Write};

use super::escape::md_text;
use super::failures::{failed_cell, failure_lines, latest_failures, risk_ratio_text};
use super::model::{ReleaseRow, Report};
use super::text::{kind_word, opt_count, opt_duration, opt_float, opt_percent, p_value, thousands};

/// How many failures the report lists, like the table.
const RECENT_FAILURES: usize = 10;

/// The whole report.
pub fn write_report(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Release health: {}", md_text(&r.repository.path))?;
    writeln!(out)?;
    if !r.summary.headline.is_empty() {
        writeln!(out, "**{}**", md_text(&r.summary.headline))?;
        writeln!(out)?;
    }
    super::streams::write_markdown_notices(r, out)?;
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
    writeln!(out, "### Failures: reverts, fixes, incidents")?;
    writeln!(out)?;
    for line in failure_lines(r, str::to_string) {
        writeln!(out, "- {}", md_text(&line))?;
    }
    writeln!(out)?;
    let latest = latest_failures(r);
    if !latest.is_empty() {
        let shown = latest.len().min(RECENT_FAILURES);
        writeln!(
            out,
            "Latest failures ({shown} of {}; `git cadence reverts` lists every revert and fix):",
            latest.len()
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "| Commit | Date | Signal | Introduced | Incident | Repeat | Subject |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for x in &latest[latest.len() - shown..] {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md_text(&x.name),
                x.time.format("%Y-%m-%d"),
                x.signal,
                md_text(&x.introduced),
                if x.incident_linked { "yes" } else { "" },
                if x.repeat { "yes" } else { "" },
                md_text(&x.subject),
            )?;
        }
        writeln!(out)?;
    }
    let q = &s.size_vs_failure;
    if !q.quartiles.is_empty() {
        writeln!(out, "<details><summary>Size vs failure</summary>")?;
        writeln!(out)?;
        writeln!(out, "| Quartile | Lines changed | Releases | Failed | Rate | Remedy p50 | Restore p50 | Commits reverted |")?;
        writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|")?;
        for (x, per_commit) in q.quartiles.iter().zip(&q.per_commit_revert_rate) {
            writeln!(
                out,
                "| Q{} | {}–{} | {} | {} | {} | {} | {} | {} |",
                x.quartile,
                thousands(x.min_lines),
                thousands(x.max_lines),
                thousands(x.releases),
                thousands(x.failed),
                opt_percent(x.failure_rate),
                opt_duration(x.time_to_remedy_median_seconds),
                opt_duration(x.time_to_restore_median_seconds),
                opt_percent(*per_commit),
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "AUC {} ({}), Spearman rho {}, Q4/Q1: {}, remedy vs size rho {}, restore vs size rho {}. Remedy: release → first release with its revert or fix; restore: incident resolved − opened.",
            opt_float(q.auc),
            q.p_value.map_or_else(|| "p –".to_string(), p_value),
            opt_float(q.spearman_rho),
            risk_ratio_text(q).unwrap_or_else(|| "no risk ratio".into()),
            opt_float(q.remedy_vs_size_rho),
            opt_float(q.restore_vs_size_rho),
        )?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
        writeln!(out)?;
    }
    writeln!(out, "<details><summary>Releases</summary>")?;
    writeln!(out)?;
    write_release_table(&r.releases, out)?;
    writeln!(out)?;
    writeln!(out, "</details>")?;
    Ok(())
}

/// Every revert as a Markdown table.
pub fn write_reverts(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "| Commit | Date | Kind | Counted | Introduced | Incident | Repeat | Subject |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    for x in &r.reverts {
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
            x.commit.short(),
            x.time.format("%Y-%m-%d"),
            kind_word(x.kind),
            crate::report::text::counted_word(x.counted, x.production),
            md_text(x.introduced_in.as_deref().unwrap_or("–")),
            if x.incident_linked { "yes" } else { "" },
            if x.repeat { "yes" } else { "" },
            md_text(&x.subject),
        )?;
    }
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
            md_text(&x.tag),
            x.time.format("%Y-%m-%d"),
            opt_duration(x.interval_seconds),
            thousands(x.commits),
            opt_count(x.files_changed),
            opt_count(x.lines_added),
            opt_count(x.lines_deleted),
            opt_duration(x.lead_time_median_seconds),
            md_text(&failed_cell(x)),
        )?;
    }
    Ok(())
}
