//! The terminal report: short sections that fit a 100-column terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::terminal_text;
use super::grid::{Align, Grid};
use super::model::{Cadence, ReleaseRow, Report, RevertKind, RevertRow};
use super::spark;
use super::text::{
    duration, kind_word, opt_count, opt_duration, opt_float, opt_percent, p_value, plural,
    thousands, truncate, wrap,
};

/// How many releases the report lists (the `releases` command lists all).
const RECENT: usize = 15;
/// How many post-release reverts the report lists (the `reverts` command lists all).
const RECENT_REVERTS: usize = 10;

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
    writeln!(out, "{}", style.bold("Reverts"))?;
    write_revert_summary(r, out)?;
    let post: Vec<&RevertRow> = r
        .reverts
        .iter()
        .filter(|x| x.kind == RevertKind::PostRelease)
        .collect();
    if !post.is_empty() {
        let shown = post.len().min(RECENT_REVERTS);
        writeln!(out)?;
        writeln!(
            out,
            "  Latest post-release reverts ({shown} of {}; `git cadence reverts` lists all):",
            post.len()
        )?;
        revert_grid(&post[post.len() - shown..]).write(out, style.color)?;
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
            ("Introduced", Align::Left),
            ("Subject", Align::Left),
        ]);
        for f in &r.fixes {
            g.row(vec![
                f.commit.short(),
                f.time.format("%Y-%m-%d").to_string(),
                if f.post_release { "yes" } else { "no" }.to_string(),
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
            opt_duration(q.time_to_restore_median_seconds),
            opt_percent(*per_commit),
        ]);
    }
    g.write(out, style.color)?;
    let ci = s
        .risk_ratio_ci95
        .map_or_else(String::new, |[lo, hi]| format!(" (95% CI {lo:.2}–{hi:.2})"));
    writeln!(
        out,
        "  AUC {} ({}) · Spearman rho {} · restore vs size rho {}",
        opt_float(s.auc),
        s.p_value.map_or_else(|| "p –".to_string(), p_value),
        opt_float(s.spearman_rho),
        opt_float(s.restore_vs_size_rho),
    )?;
    writeln!(out, "  risk ratio Q4/Q1 {}{ci}", opt_float(s.risk_ratio))
}

fn write_revert_summary(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let c = &r.summary.revert_counts;
    let s = &r.summary;
    if c.total == 0 {
        writeln!(out, "  No reverts found.")?;
    } else {
        writeln!(
            out,
            "  {} · {} post-release · {} pre-release · {} · {} unresolved",
            plural(c.total, "revert", "reverts"),
            thousands(c.post_release),
            thousands(c.pre_release),
            plural(c.reapply, "reapply", "reapplies"),
            thousands(c.unresolved),
        )?;
        writeln!(
            out,
            "  found by message {} · pull request {} · subject {} · inverse diff {}",
            thousands(c.by_message),
            thousands(c.by_pull_request),
            thousands(c.by_subject),
            thousands(c.by_patch_id),
        )?;
        writeln!(
            out,
            "  incident-linked: {} ({} post-release)",
            thousands(c.incident_linked),
            thousands(c.post_release_incident_linked)
        )?;
    }
    writeln!(
        out,
        "  change failure rate {} · median time to restore {}",
        opt_percent(s.change_failure_rate),
        opt_duration(s.time_to_restore_median_seconds),
    )?;
    if c.fixes > 0 {
        writeln!(
            out,
            "  post-release fixes (Fixes: trailers): {} of {}, counted apart from reverts",
            thousands(c.fixes_post_release),
            plural(c.fixes, "fix", "fixes")
        )?;
    }
    let rep = &s.repeat_incidents;
    if rep.incidents > 0 {
        let text = format!(
            "repeat incidents: {} of {} post-release reverts ({}) hit a component reverted in the {} \
             days before",
            thousands(rep.repeats),
            thousands(rep.incidents),
            opt_percent(rep.rate),
            r.settings.lookback_days,
        );
        let top: Vec<String> = rep
            .top_components
            .iter()
            .take(5)
            .map(|t| format!("{} ({})", terminal_text(&t.component), t.incidents))
            .collect();
        for line in wrap(&text, 96).into_iter().chain(wrap(
            &format!("most-hit components: {}", top.join(", ")),
            96,
        )) {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

fn revert_grid(rows: &[&RevertRow]) -> Grid {
    let mut g = Grid::new(&[
        ("Commit", Align::Left),
        ("Date", Align::Left),
        ("Kind", Align::Left),
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

fn failed_cell(r: &ReleaseRow) -> String {
    match (r.failed, r.time_to_restore_seconds) {
        (false, _) => String::new(),
        (true, Some(t)) => format!("yes ({})", duration(t)),
        (true, None) => "yes".to_string(),
    }
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
