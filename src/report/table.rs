//! The terminal report: short sections that fit a 100-column terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::terminal_text;
use super::failures::{failed_cell, failure_lines, latest_failures, risk_ratio_text};
use super::grid::{Align, Grid};
use super::model::{Cadence, ReleaseRow, Report, RevertRow};
use super::spark;
use super::text::{
    kind_word, opt_count, opt_duration, opt_float, opt_percent, p_value, plural, thousands,
    truncate, wrap,
};

/// How many releases the report lists (the `releases` command lists all).
const RECENT: usize = 15;
/// How many failures the report lists (the `reverts` command lists every revert and fix).
const RECENT_FAILURES: usize = 10;

/// Cells of the failure-rate bar of the largest quartile rate.
const RATE_BAR: usize = 12;
/// How many releases the sparklines show, newest last.
const SPARK: usize = 60;
/// ANSI colour of failed releases in the size sparkline (256-colour vermillion).
const FAILED_COLOR: &str = "\x1b[38;5;166m";

/// ANSI styling, on only when asked.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Sparklines and bars (`▁▂▃▄▅▆▇█`): colour is on and the terminal takes Unicode.
    pub pictures: bool,
}

impl Style {
    fn bold(self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The whole report.
pub fn write_report(r: &Report, out: &mut dyn Write, style: Style) -> io::Result<()> {
    write_header(r, out, style)?;
    if r.releases.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", style.bold("Cadence"))?;
    write_cadence(r, out)?;
    if style.pictures {
        write_sparklines(&r.releases, out)?;
    }
    writeln!(out)?;
    let shown = r.releases.len().min(RECENT);
    let title = if shown < r.releases.len() {
        format!(
            "Releases (newest {shown} of {}; `git cadence releases` lists all)",
            r.releases.len()
        )
    } else {
        "Releases".to_string()
    };
    writeln!(out, "{}", style.bold(&title))?;
    release_grid(&r.releases[r.releases.len() - shown..]).write(out, style.color)?;
    writeln!(out)?;
    writeln!(out, "{}", style.bold("Size vs failure"))?;
    write_size_vs_failure(r, out, style)?;
    writeln!(out)?;
    writeln!(out, "{}", style.bold("Failures: reverts, fixes, incidents"))?;
    write_revert_summary(r, out)?;
    let latest = latest_failures(r);
    if !latest.is_empty() {
        let shown = latest.len().min(RECENT_FAILURES);
        writeln!(out)?;
        writeln!(
            out,
            "  Latest failures ({shown} of {}; `git cadence reverts` lists every revert and fix):",
            latest.len()
        )?;
        let mut g = Grid::new(&[
            ("Commit", Align::Left),
            ("Date", Align::Left),
            ("Signal", Align::Left),
            ("Introduced", Align::Left),
            ("Incident", Align::Left),
            ("Repeat", Align::Left),
            ("Subject", Align::Left),
        ]);
        for x in &latest[latest.len() - shown..] {
            g.row(vec![
                truncate(&terminal_text(&x.name), 12),
                x.time.format("%Y-%m-%d").to_string(),
                x.signal.to_string(),
                truncate(&terminal_text(&x.introduced), 14),
                if x.incident_linked { "yes" } else { "" }.to_string(),
                if x.repeat { "yes" } else { "" }.to_string(),
                truncate(&terminal_text(&x.subject), 30),
            ]);
        }
        g.write(out, style.color)?;
    }
    write_excluded(r, out)?;
    Ok(())
}

/// Every revert and every `Fixes:` commit.
pub fn write_reverts(r: &Report, out: &mut dyn Write, style: Style) -> io::Result<()> {
    write_revert_summary(r, out)?;
    if !r.reverts.is_empty() {
        writeln!(out)?;
        let all: Vec<&RevertRow> = r.reverts.iter().collect();
        revert_grid(&all).write(out, style.color)?;
    }
    if !r.fixes.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", style.bold("Fixes: trailers"))?;
        let mut g = Grid::new(&[
            ("Commit", Align::Left),
            ("Date", Align::Left),
            ("Post-release", Align::Left),
            ("Counted", Align::Left),
            ("Introduced", Align::Left),
            ("Subject", Align::Left),
        ]);
        for f in &r.fixes {
            g.row(vec![
                f.commit.short(),
                f.time.format("%Y-%m-%d").to_string(),
                if f.post_release { "yes" } else { "no" }.to_string(),
                crate::report::text::counted_word(f.counted, f.production).to_string(),
                truncate(f.introduced_in.as_deref().unwrap_or("–"), 14),
                truncate(&terminal_text(&f.subject), 44),
            ]);
        }
        g.write(out, style.color)?;
    }
    Ok(())
}

fn write_size_vs_failure(r: &Report, out: &mut dyn Write, style: Style) -> io::Result<()> {
    let s = &r.summary.size_vs_failure;
    if s.quartiles.is_empty() {
        writeln!(
            out,
            "  No release has a previous release to measure its size against."
        )?;
        return Ok(());
    }
    let mut g = Grid::new(&[
        ("Quartile", Align::Left),
        ("Lines changed", Align::Right),
        ("Releases", Align::Right),
        ("Failed", Align::Right),
        ("Rate", Align::Right),
        ("Remedy p50", Align::Right),
        ("Restore p50", Align::Right),
        ("Commits reverted", Align::Right),
    ]);
    let top_rate = s
        .quartiles
        .iter()
        .filter_map(|q| q.failure_rate)
        .fold(0.0, f64::max);
    for (q, per_commit) in s.quartiles.iter().zip(&s.per_commit_revert_rate) {
        let rate = opt_percent(q.failure_rate);
        g.row(vec![
            format!("Q{}", q.quartile),
            format!("{}–{}", thousands(q.min_lines), thousands(q.max_lines)),
            thousands(q.releases),
            thousands(q.failed),
            if style.pictures && top_rate > 0.0 {
                let frac = q.failure_rate.unwrap_or(0.0) / top_rate;
                format!("{} {rate}", spark::bar(frac, RATE_BAR))
            } else {
                rate
            },
            opt_duration(q.time_to_remedy_median_seconds),
            opt_duration(q.time_to_restore_median_seconds),
            opt_percent(*per_commit),
        ]);
    }
    g.write(out, style.color)?;
    writeln!(
        out,
        "  AUC {} ({}) · Spearman rho {} · remedy vs size rho {} · restore vs size rho {}",
        opt_float(s.auc),
        s.p_value.map_or_else(|| "p –".to_string(), p_value),
        opt_float(s.spearman_rho),
        opt_float(s.remedy_vs_size_rho),
        opt_float(s.restore_vs_size_rho),
    )?;
    writeln!(
        out,
        "  Q4/Q1: {}",
        risk_ratio_text(s).unwrap_or_else(|| "no risk ratio".into())
    )?;
    writeln!(
        out,
        "  remedy: release → first release with its revert or fix; restore: incident resolved − opened"
    )
}

fn write_revert_summary(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for line in failure_lines(r, terminal_text) {
        for part in wrap(&line, 96) {
            writeln!(out, "  {part}")?;
        }
    }
    Ok(())
}

fn revert_grid(rows: &[&RevertRow]) -> Grid {
    let mut g = Grid::new(&[
        ("Commit", Align::Left),
        ("Date", Align::Left),
        ("Kind", Align::Left),
        ("Counted", Align::Left),
        ("Introduced", Align::Left),
        ("Incident", Align::Left),
        ("Repeat", Align::Left),
        ("Subject", Align::Left),
    ]);
    for x in rows {
        g.row(vec![
            x.commit.short(),
            x.time.format("%Y-%m-%d").to_string(),
            kind_word(x.kind).to_string(),
            crate::report::text::counted_word(x.counted, x.production).to_string(),
            truncate(x.introduced_in.as_deref().unwrap_or("–"), 14),
            if x.incident_linked { "yes" } else { "" }.to_string(),
            if x.repeat { "yes" } else { "" }.to_string(),
            truncate(&terminal_text(&x.subject), 30),
        ]);
    }
    g
}

/// Every release, newest last.
pub fn write_releases(r: &Report, out: &mut dyn Write, style: Style) -> io::Result<()> {
    if r.releases.is_empty() {
        return write_header(r, out, style);
    }
    release_grid(&r.releases).write(out, style.color)?;
    write_excluded(r, out)?;
    super::streams::write_notices(r, out)
}

fn write_header(r: &Report, out: &mut dyn Write, style: Style) -> io::Result<()> {
    let what = if r.settings.source == "deploys" {
        "deploys"
    } else {
        "releases"
    };
    writeln!(
        out,
        "{}",
        style.bold(&format!("git-cadence · {}", r.repository.path))
    )?;
    match (r.releases.first(), r.releases.last()) {
        (Some(first), Some(last)) => writeln!(
            out,
            "{} {what}, {} ({}) to {} ({})",
            thousands(r.summary.releases),
            first.tag,
            first.time.format("%Y-%m-%d"),
            last.tag,
            last.time.format("%Y-%m-%d"),
        )?,
        _ if r.repository.head.is_none() => {
            writeln!(
                out,
                "This repository has no commits yet, so there is nothing to measure."
            )?;
        }
        _ => writeln!(
            out,
            "No {what} found (tag pattern `{}`{}). Tag releases like v1.2.3, pass \
             --tag-pattern for other names (or --prereleases), or give --deploys FILE.",
            r.settings.tag_pattern,
            if r.settings.prereleases {
                ""
            } else {
                ", pre-releases excluded"
            },
        )?,
    }
    if !r.summary.headline.is_empty() {
        writeln!(out)?;
        for line in wrap(&r.summary.headline, 96) {
            writeln!(out, "  {}", style.bold(&line))?;
        }
    }
    super::streams::write_notices(r, out)
}

fn write_cadence(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.summary;
    writeln!(
        out,
        "  median interval {} · {} releases/week",
        opt_duration(s.median_interval_seconds),
        opt_float(s.releases_per_week),
    )?;
    writeln!(out, "  trend: {}", trend_text(&s.cadence))?;
    if s.streams.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let mut g = Grid::new(&[
        ("Stream", Align::Left),
        ("Releases", Align::Right),
        ("Median interval", Align::Right),
        ("Per week", Align::Right),
        ("Trend", Align::Left),
    ]);
    for st in &s.streams {
        g.row(vec![
            truncate(&st.stream, 24),
            thousands(st.releases),
            opt_duration(st.median_interval_seconds),
            opt_float(st.releases_per_week),
            trend_word(&st.cadence).to_string(),
        ]);
    }
    g.write(out, false)
}

/// Sparklines of the newest releases' sizes (failed ones coloured) and intervals, both on log
/// scales.
fn write_sparklines(releases: &[ReleaseRow], out: &mut dyn Write) -> io::Result<()> {
    let recent = &releases[releases.len().saturating_sub(SPARK)..];
    let sizes: Vec<Option<f64>> = recent
        .iter()
        .map(|r| r.lines_changed.map(|l| l as f64))
        .collect();
    let intervals: Vec<Option<f64>> = recent
        .iter()
        .map(|r| r.interval_seconds.map(|s| s as f64))
        .collect();
    let mut size_line = String::new();
    for (c, r) in spark::sparkline(&sizes, true).into_iter().zip(recent) {
        if r.failed {
            let _ = write!(size_line, "{FAILED_COLOR}{c}\x1b[0m");
        } else {
            size_line.push(c);
        }
    }
    let interval_line: String = spark::sparkline(&intervals, true).into_iter().collect();
    writeln!(out, "  sizes      {size_line}")?;
    writeln!(out, "  intervals  {interval_line}")?;
    writeln!(
        out,
        "             newest {} releases, log scales; {FAILED_COLOR}failed\x1b[0m releases coloured",
        recent.len()
    )
}

fn trend_word(c: &Cadence) -> &'static str {
    match c.trend.direction.as_str() {
        "more_often" => "more often",
        "less_often" => "less often",
        "steady" => "steady",
        _ => "too few releases",
    }
}

fn trend_text(c: &Cadence) -> String {
    let t = &c.trend;
    if t.direction == "insufficient_data" {
        return "too few releases in the last two years to tell".to_string();
    }
    format!(
        "{} — {} releases/week in the last year vs {} the year before",
        trend_word(c),
        opt_float(t.recent_releases_per_week),
        opt_float(t.year_ago_releases_per_week)
    )
}

fn release_grid(rows: &[ReleaseRow]) -> Grid {
    let mut g = Grid::new(&[
        ("Release", Align::Left),
        ("Date", Align::Left),
        ("Interval", Align::Right),
        ("Commits", Align::Right),
        ("Files", Align::Right),
        ("+Lines", Align::Right),
        ("-Lines", Align::Right),
        ("Lead p50", Align::Right),
        ("Failed", Align::Left),
    ]);
    for r in rows {
        g.row(vec![
            truncate(&terminal_text(&r.tag), 18),
            r.time.format("%Y-%m-%d").to_string(),
            opt_duration(r.interval_seconds),
            thousands(r.commits),
            opt_count(r.files_changed),
            opt_count(r.lines_added),
            opt_count(r.lines_deleted),
            opt_duration(r.lead_time_median_seconds),
            failed_cell(r),
        ]);
    }
    g
}

fn write_excluded(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let e = &r.excluded;
    writeln!(out)?;
    if e.rules.is_empty() {
        writeln!(out, "Sizes count every file (nothing excluded).")?;
    } else {
        let amount = if e.files == 0 {
            "none changed in these releases".to_string()
        } else {
            format!(
                "{}, {} lines",
                plural(e.files, "file change", "file changes"),
                thousands(e.lines)
            )
        };
        writeln!(
            out,
            "Left out of sizes ({amount}; --include-all counts them):"
        )?;
        for rule in &e.rules {
            writeln!(out, "  {}", truncate(rule, 96))?;
        }
    }
    if !r.warnings.is_empty() {
        writeln!(
            out,
            "{} (on stderr unless --quiet; `warnings` in the JSON).",
            plural(r.warnings.len() as u64, "warning", "warnings")
        )?;
    }
    Ok(())
}
