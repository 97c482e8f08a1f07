//! `git cadence check`: is the unreleased batch over a threshold? Exit 1 with the reasons
//! when it is, 0 otherwise. Thresholds come from the flags, else from `[check]` in
//! `.git-cadence.toml`.
//!
//! The batch is measured by [`super::batch`].
//!
//! A threshold is exceeded when the value is strictly greater than it.

use serde::Serialize;
use std::fmt::Write as _;

use crate::cli::{CheckArgs, Format, SharedArgs};
use crate::config_file::{CheckThresholds, FileConfig};
use crate::error::Result;
use crate::report::escape::{csv_field, csv_number, csv_record, csv_text, md_code, terminal_text};
use crate::report::text::thousands;
use crate::Outcome;

use super::batch::{measure, summary_line, Unreleased};

/// One threshold and how the batch stands against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Limit {
    /// `max_unreleased_lines`, `max_unreleased_commits` or `max_unreleased_days`.
    pub threshold: &'static str,
    pub max: u64,
    /// `null` when the value does not apply (no release yet: no lines).
    pub value: Option<u64>,
    pub exceeded: bool,
}

/// What `check --format json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub unreleased: Unreleased,
    pub limits: Vec<Limit>,
    pub exceeded: bool,
    pub warnings: Vec<String>,
}

/// How the batch stands against each threshold that is set.
#[must_use]
pub fn limits(u: &Unreleased, t: CheckThresholds) -> Vec<Limit> {
    let mut out = Vec::new();
    let mut add = |threshold, max: Option<u64>, value: Option<u64>| {
        if let Some(max) = max {
            out.push(Limit {
                threshold,
                max,
                value,
                exceeded: value.is_some_and(|v| v > max),
            });
        }
    };
    add(
        "max_unreleased_lines",
        t.max_unreleased_lines,
        u.lines_changed,
    );
    add(
        "max_unreleased_commits",
        t.max_unreleased_commits,
        Some(u.commits),
    );
    // No unreleased commit: nothing has waited.
    add(
        "max_unreleased_days",
        t.max_unreleased_days,
        Some(u.days.unwrap_or(0)),
    );
    out
}

/// The thresholds in force: the flags, else the file's `[check]`.
#[must_use]
pub fn thresholds(file: Option<&FileConfig>, flags: CheckArgs) -> CheckThresholds {
    file.map(|f| f.check)
        .unwrap_or_default()
        .overridden_by(CheckThresholds {
            max_unreleased_lines: flags.max_unreleased_lines,
            max_unreleased_commits: flags.max_unreleased_commits,
            max_unreleased_days: flags.max_unreleased_days,
        })
}

/// Runs `check`.
pub fn run(shared: SharedArgs, flags: CheckArgs, now: i64) -> Result<Outcome> {
    let (repo, config, file) = super::load(shared)?;
    let thresholds = thresholds(file.as_ref(), flags);
    let Some(head) = repo.head()? else {
        return Err(crate::error::Error::BadValue {
            what: "HEAD".into(),
            message: "the repository has no commits yet; there is nothing to check".into(),
        });
    };
    let (unreleased, warnings) = measure(&repo, &config, head, now)?;
    let warnings: Vec<String> = warnings.into_iter().map(|w| w.0).collect();
    crate::pipeline::print_warnings(&warnings, config.quiet);
    let limits = limits(&unreleased, thresholds);
    let exceeded = limits.iter().any(|l| l.exceeded);
    if limits.is_empty() && !config.quiet {
        crate::stderr_line(
            "git-cadence: warning: no threshold set; pass --max-unreleased-lines/-commits/-days \
             or set them under [check] in .git-cadence.toml",
        );
    }
    let report = CheckReport {
        schema_version: crate::report::model::SCHEMA_VERSION,
        unreleased,
        limits,
        exceeded,
        warnings,
    };
    crate::emit_as(config.format, false, |out| match config.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::from)?;
            writeln!(out)
        }
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, &report).map_err(std::io::Error::from)?;
            writeln!(out)
        }
        // `--format html` is refused before `check` runs; a config file's html is the report's.
        Format::Table | Format::Html => out.write_all(table(&report).as_bytes()),
        Format::Markdown => out.write_all(markdown(&report).as_bytes()),
        Format::Csv => out.write_all(csv(&report).as_bytes()),
    })?;
    Ok(if exceeded {
        Outcome::ThresholdExceeded
    } else {
        Outcome::Success
    })
}

fn limit_text(l: &Limit) -> String {
    let name = l.threshold.trim_start_matches("max_").replace('_', " ");
    let value = l
        .value
        .map_or_else(|| "n/a (no release yet)".to_string(), thousands);
    let verdict = if l.exceeded { "EXCEEDED" } else { "ok" };
    format!("{name}: {value} (max {}) — {verdict}", thousands(l.max))
}

fn table(r: &CheckReport) -> String {
    let mut out = summary_line(&r.unreleased, terminal_text, str::to_string);
    out.push('\n');
    for l in &r.limits {
        let _ = writeln!(out, "  {}", limit_text(l));
    }
    out.push_str(if r.exceeded {
        "check: failed\n"
    } else {
        "check: passed\n"
    });
    out
}

fn markdown(r: &CheckReport) -> String {
    let verdict = if r.exceeded {
        "❌ check failed"
    } else {
        "✅ check passed"
    };
    let mut out = format!(
        "**{verdict}**: {}\n\n",
        summary_line(&r.unreleased, md_code, |s| format!("`{s}`"))
    );
    if !r.limits.is_empty() {
        out.push_str("| threshold | max | value | |\n|---|---:|---:|---|\n");
        for l in &r.limits {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                l.threshold,
                thousands(l.max),
                l.value.map_or_else(|| "–".to_string(), thousands),
                if l.exceeded { "exceeded" } else { "ok" }
            );
        }
    }
    out
}

fn csv(r: &CheckReport) -> String {
    let u = &r.unreleased;
    let mut out = String::from(
        "threshold,max,value,exceeded,base_release,base_commit,commits,lines_changed,days\r\n",
    );
    let base_release = u.base_release.as_deref().map(csv_text).unwrap_or_default();
    let base_commit = u.base_commit.map(|c| c.to_hex()).unwrap_or_default();
    let rows: Vec<(String, String, String, String)> = if r.limits.is_empty() {
        vec![(String::new(), String::new(), String::new(), String::new())]
    } else {
        r.limits
            .iter()
            .map(|l| {
                (
                    csv_field(l.threshold),
                    csv_number(Some(l.max)),
                    csv_number(l.value),
                    l.exceeded.to_string(),
                )
            })
            .collect()
    };
    for (t, m, v, e) in rows {
        out.push_str(&csv_record(&[
            t,
            m,
            v,
            e,
            base_release.clone(),
            base_commit.clone(),
            csv_number(Some(u.commits)),
            csv_number(u.lines_changed),
            csv_number(u.days),
        ]));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::batch::tests::batch;

    #[test]
    fn a_threshold_is_exceeded_only_above_it() {
        let t = CheckThresholds {
            max_unreleased_lines: Some(100),
            max_unreleased_commits: Some(5),
            max_unreleased_days: Some(7),
        };
        let at = limits(&batch(Some(100), 5, Some(7)), t);
        assert!(at.iter().all(|l| !l.exceeded), "{at:?}");
        let over = limits(&batch(Some(101), 6, Some(8)), t);
        assert!(over.iter().all(|l| l.exceeded), "{over:?}");
        let only_lines = limits(&batch(Some(101), 1, Some(0)), t);
        let names: Vec<_> = only_lines
            .iter()
            .filter(|l| l.exceeded)
            .map(|l| l.threshold)
            .collect();
        assert_eq!(names, ["max_unreleased_lines"]);
    }

    #[test]
    fn unset_thresholds_are_not_checked() {
        let l = limits(
            &batch(Some(10_000), 500, Some(300)),
            CheckThresholds::default(),
        );
        assert!(l.is_empty());
        // No release yet: no lines to compare, so the lines threshold cannot fail.
        let t = CheckThresholds {
            max_unreleased_lines: Some(1),
            ..CheckThresholds::default()
        };
        let l = limits(&batch(None, 3, Some(1)), t);
        assert_eq!(l.len(), 1);
        assert!(!l[0].exceeded);
        assert_eq!(l[0].value, None);
    }

    #[test]
    fn markdown_escapes_the_tag() {
        let mut u = batch(Some(5), 2, Some(0));
        u.base_release = Some("v1`<b>@x".into());
        let r = CheckReport {
            schema_version: 1,
            unreleased: u,
            limits: Vec::new(),
            exceeded: false,
            warnings: Vec::new(),
        };
        let md = markdown(&r);
        assert!(md.contains("``v1`<b>@x``"), "{md}");
        let csv = csv(&r);
        assert!(
            csv.lines().nth(1).is_some_and(|l| l.contains("v1`<b>@x")),
            "{csv}"
        );
    }
}
