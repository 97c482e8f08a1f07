//! Markdown: the report for pull requests and wikis. Every text taken from the repository is
//! escaped so that it cannot inject HTML, mention people, link issues or break a table.

use std::io::{self, Write};

use super::escape::md_text;
use super::model::{ReleaseRow, Report};
use super::text::{kind_word, opt_count, opt_duration, opt_float, opt_percent, p_value, thousands};

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
    let c = &s.revert_counts;
    writeln!(out, "| Change failure rate | Median time to restore | Post-release reverts | Incident-linked | Repeat incidents |")?;
    writeln!(out, "|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} |",
        opt_percent(s.change_failure_rate),
        opt_duration(s.time_to_restore_median_seconds),
        thousands(c.post_release),
        thousands(c.post_release_incident_linked),
        opt_percent(s.repeat_incidents.rate),
    )?;
    writeln!(out)?;
    let q = &s.size_vs_failure;
    if !q.quartiles.is_empty() {
        writeln!(out, "<details><summary>Size vs failure</summary>")?;
        writeln!(out)?;
        writeln!(out, "| Quartile | Lines changed | Releases | Failed | Rate | Restore p50 | Commits reverted |")?;
        writeln!(out, "|---|---:|---:|---:|---:|---:|---:|")?;
        for (x, per_commit) in q.quartiles.iter().zip(&q.per_commit_revert_rate) {
            writeln!(
                out,
                "| Q{} | {}–{} | {} | {} | {} | {} | {} |",
                x.quartile,
                thousands(x.min_lines),
                thousands(x.max_lines),
                thousands(x.releases),
                thousands(x.failed),
                opt_percent(x.failure_rate),
                opt_duration(x.time_to_restore_median_seconds),
                opt_percent(*per_commit),
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "AUC {} ({}), Spearman rho {}, risk ratio Q4/Q1 {}{}, restore vs size rho {}.",
            opt_float(q.auc),
            q.p_value.map_or_else(|| "p –".to_string(), p_value),
            opt_float(q.spearman_rho),
            opt_float(q.risk_ratio),
            q.risk_ratio_ci95
                .map_or_else(String::new, |[lo, hi]| format!(" (95% CI {lo:.2}–{hi:.2})")),
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
        "| Commit | Date | Kind | Introduced | Incident | Repeat | Subject |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for x in &r.reverts {
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            x.commit.short(),
            x.time.format("%Y-%m-%d"),
            kind_word(x.kind),
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
            if x.failed { "yes" } else { "" },
        )?;
    }
    Ok(())
}
