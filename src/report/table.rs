//! The terminal report: short sections that fit a 100-column terminal.

use std::io::{self, Write};

use super::grid::{Align, Grid};
use super::model::{Cadence, ReleaseRow, Report};
use super::text::{duration, opt_count, opt_duration, opt_float, thousands, truncate};

/// How many releases the report lists (the `releases` command lists all).
const RECENT: usize = 15;

/// ANSI styling, on only when asked.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
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
    write_excluded(r, out)?;
    Ok(())
}

/// Every release, newest last.
pub fn write_releases(r: &Report, out: &mut dyn Write, style: Style) -> io::Result<()> {
    if r.releases.is_empty() {
        return write_header(r, out, style);
    }
    release_grid(&r.releases).write(out, style.color)?;
    write_excluded(r, out)
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
        writeln!(out, "  {}", style.bold(&r.summary.headline))?;
    }
    Ok(())
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
            truncate(&r.tag, 18),
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
    } else if e.files == 0 {
        writeln!(
            out,
            "Left out of sizes: {} (none changed in these releases).",
            e.rules.join("; ")
        )?;
    } else {
        writeln!(
            out,
            "Left out of sizes: {} — {} file changes, {} lines.",
            e.rules.join("; "),
            thousands(e.files),
            thousands(e.lines)
        )?;
    }
    if !r.warnings.is_empty() {
        writeln!(out, "{} warning(s), printed on stderr.", r.warnings.len())?;
    }
    Ok(())
}
