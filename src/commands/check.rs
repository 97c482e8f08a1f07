//! `git cadence check`: is the unreleased batch over a threshold? Exit 1 with the reasons
//! when it is, 0 otherwise. Thresholds come from the flags, else from `[check]` in
//! `.git-cadence.toml`.
//!
//! The unreleased batch is read cheaply (no whole-history analysis), so `check` and the hook
//! answer fast on large repositories:
//! - commits: reachable from HEAD and from no release (`git rev-list HEAD --not <releases>`);
//! - lines: the diff from the batch's base to HEAD with the release size rules (lock files,
//!   generated and vendored paths and `exclude` globs left out); the base is the latest
//!   release that borders the batch, see [`crate::git::unreleased::unreleased`];
//! - days: how long the longest-waiting unreleased change has waited, in whole days: now
//!   minus the later of the oldest unreleased commit's author time and the base's time (the
//!   base release's time; for an untagged base, its committer time). Author times can be
//!   years old (a branch merged long after it was written, as on Rails' main), but a change
//!   has not waited for a release longer than since the last release of its line.
//!
//! A threshold is exceeded when the value is strictly greater than it.

use serde::Serialize;
use std::fmt::Write as _;

use crate::analysis::releases::ReleasePoint;
use crate::cli::{CheckArgs, Format, SharedArgs};
use crate::config::Config;
use crate::config_file::{CheckThresholds, FileConfig};
use crate::error::Result;
use crate::exclude::SizeRules;
use crate::facts::{CommitId, DiffStats, Warning};
use crate::git::diff::DiffRequest;
use crate::git::unreleased::unreleased;
use crate::git::Repo;
use crate::report::escape::{csv_field, csv_number, csv_record, csv_text, md_code, terminal_text};
use crate::report::text::{percent, thousands};
use crate::Outcome;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The unreleased batch, measured.
#[derive(Clone, Debug, Serialize)]
pub struct Unreleased {
    /// The commit measured (HEAD, or the pushed branch in the hook).
    pub head: CommitId,
    /// Tag of the release the batch grows from; `null` when the base is released history
    /// no tag names (then `base_commit` is the newest released commit on this line), or when
    /// there is no release at all.
    pub base_release: Option<String>,
    pub base_commit: Option<CommitId>,
    pub commits: u64,
    pub merges: u64,
    /// Size from the base to HEAD; `null` when there is no release yet.
    pub files_changed: Option<u64>,
    pub lines_added: Option<u64>,
    pub lines_deleted: Option<u64>,
    pub lines_changed: Option<u64>,
    /// Author time of the oldest unreleased commit.
    pub oldest_commit_time: Option<chrono::DateTime<chrono::Utc>>,
    /// How long the oldest unreleased change has waited: now minus the later of
    /// `oldest_commit_time` and the base's time. `null` when nothing is unreleased.
    pub age_seconds: Option<i64>,
    /// `age_seconds` in whole days.
    pub days: Option<u64>,
    /// Share of past releases smaller than this batch (lines changed), from the sizes an
    /// earlier run left in the size cache; `null` when none are cached.
    pub larger_than_share_of_releases: Option<f64>,
    /// How many cached past release sizes that share compares with.
    pub releases_compared: Option<u64>,
}

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

/// Measures the unreleased batch at `head` as of `now`.
pub fn measure(
    repo: &Repo,
    config: &Config,
    head: CommitId,
    now: i64,
) -> Result<(Unreleased, Vec<Warning>)> {
    let rules = SizeRules::new(&config.excludes, config.include_all)?;
    let (points, mut warnings) = crate::pipeline::release_points_of(repo, config)?;
    let batch = unreleased(repo, head, &points)?;
    let size = match &batch.base {
        Some(base) => {
            let request = DiffRequest {
                old: Some(base.commit),
                new: head,
                rules_from: head,
            };
            // No cache for this one diff: HEAD moves with every commit, and loading and
            // rewriting the whole cache file would cost more than the diff.
            let (stats, w) = measure_diffs(repo, &rules, &[request], None)?;
            warnings.extend(w);
            stats.first().copied()
        }
        None => None,
    };
    let past = cached_release_sizes(repo, config, &rules, &points);
    let waiting_since = match (batch.oldest_author_time, &batch.base) {
        (Some(t), Some(base)) => Some(t.max(base.time)),
        (t, _) => t,
    };
    let age = waiting_since.map(|t| (now - t).max(0));
    let unreleased = Unreleased {
        head,
        base_release: batch
            .base
            .as_ref()
            .and_then(|b| b.release)
            .map(|i| points[i].name.clone()),
        base_commit: batch.base.as_ref().map(|b| b.commit),
        commits: batch.commits,
        merges: batch.merges,
        files_changed: size.map(|s| s.files_changed),
        lines_added: size.map(|s| s.lines_added),
        lines_deleted: size.map(|s| s.lines_deleted),
        lines_changed: size.as_ref().map(DiffStats::lines_changed),
        oldest_commit_time: batch
            .oldest_author_time
            .map(crate::analysis::cadence::to_time),
        age_seconds: age,
        days: age.map(|a| (a / DAY) as u64),
        larger_than_share_of_releases: match (&past, size) {
            (Some(p), Some(s)) => super::pr::larger_than_share(p, s.lines_changed()),
            _ => None,
        },
        releases_compared: past.as_ref().map(|p| p.len() as u64),
    };
    Ok((unreleased, warnings))
}

/// Measures diffs with the release size rules, optionally through the size cache.
pub fn measure_diffs(
    repo: &Repo,
    rules: &SizeRules,
    requests: &[DiffRequest],
    cache: Option<&std::path::Path>,
) -> Result<(Vec<DiffStats>, Vec<Warning>)> {
    let hidden = indicatif::ProgressBar::hidden();
    crate::git::diff::measure(&repo.git_dir, requests, rules, cache, &hidden)
}

/// Sizes (lines changed) of past releases as an earlier run measured them, from the size
/// cache: for each release in the `--since`/`--until` window, its diff against the latest
/// earlier release for which one is cached (the analysis measures each release against its
/// previous release, so that is the one it finds). `None` without a cache or without any
/// cached release size: computing them would take the whole analysis, which `hook run` and
/// `check` must not.
fn cached_release_sizes(
    repo: &Repo,
    config: &Config,
    rules: &SizeRules,
    points: &[ReleasePoint],
) -> Option<Vec<u64>> {
    if config.no_cache {
        return None;
    }
    let path = crate::git::cache::default_cache_path(&repo.git_dir)?;
    if !path.exists() {
        return None;
    }
    let cache = crate::git::cache::Cache::load(&path);
    let fingerprint = rules.fingerprint();
    let mut sizes = Vec::new();
    for (i, r) in points.iter().enumerate() {
        if !config.in_window(r.time) {
            continue;
        }
        let found = points[..i].iter().rev().find_map(|p| {
            cache.get(&crate::git::cache::Key {
                old: Some(p.commit),
                new: r.commit,
                rules_from: r.commit,
                rules: fingerprint,
            })
        });
        if let Some(entry) = found {
            sizes.push(entry.stats.lines_changed());
        }
    }
    (!sizes.is_empty()).then_some(sizes)
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
        eprintln!(
            "git-cadence: warning: no threshold set; pass --max-unreleased-lines/-commits/-days \
             or set them under [check] in .git-cadence.toml"
        );
    }
    let report = CheckReport {
        schema_version: crate::report::model::SCHEMA_VERSION,
        unreleased,
        limits,
        exceeded,
        warnings,
    };
    crate::emit(|out| match config.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::from)?;
            writeln!(out)
        }
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, &report).map_err(std::io::Error::from)?;
            writeln!(out)
        }
        Format::Table => out.write_all(table(&report).as_bytes()),
        Format::Markdown => out.write_all(markdown(&report).as_bytes()),
        Format::Csv => out.write_all(csv(&report).as_bytes()),
    })?;
    Ok(if exceeded {
        Outcome::ThresholdExceeded
    } else {
        Outcome::Success
    })
}

/// `since v4.2.0`, `since 1a2b3c4 (newest released commit)` or `no release yet`.
fn since(u: &Unreleased, tag: impl Fn(&str) -> String, sha: impl Fn(&str) -> String) -> String {
    match (&u.base_release, &u.base_commit) {
        (Some(t), _) => format!("since {}", tag(t)),
        (None, Some(c)) => format!("since {} (newest released commit)", sha(&c.short())),
        (None, None) => "(no tag matches the release tag pattern)".to_string(),
    }
}

/// One line about the batch, without the thresholds.
#[must_use]
pub fn summary_line(
    u: &Unreleased,
    tag: impl Fn(&str) -> String,
    sha: impl Fn(&str) -> String,
) -> String {
    if u.commits == 0 {
        return format!("nothing unreleased {}", since(u, tag, sha));
    }
    let mut line = format!(
        "{} {}",
        thousands(u.commits),
        if u.commits == 1 { "commit" } else { "commits" }
    );
    if let Some(l) = u.lines_changed {
        let _ = write!(
            line,
            " / {} {}",
            thousands(l),
            if l == 1 { "line" } else { "lines" }
        );
    }
    line.push_str(" unreleased ");
    line.push_str(&since(u, tag, sha));
    if let Some(d) = u.days {
        let _ = write!(line, " ({d} {})", if d == 1 { "day" } else { "days" });
    }
    if let Some(share) = u.larger_than_share_of_releases {
        let _ = write!(line, " — {}", share_phrase(share));
    }
    line
}

/// `larger than 81% of past releases`, `larger than every past release` or `no larger than
/// any past release`, for a share
/// of past releases that are strictly smaller.
#[must_use]
pub fn share_phrase(share: f64) -> String {
    if share <= 0.0 {
        "no larger than any past release".to_string()
    } else if share >= 1.0 {
        "larger than every past release".to_string()
    } else {
        format!("larger than {} of past releases", percent(share))
    }
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

    fn batch(lines: Option<u64>, commits: u64, days: Option<u64>) -> Unreleased {
        Unreleased {
            head: CommitId([1; 20]),
            base_release: Some("v4.2.0".into()),
            base_commit: Some(CommitId([2; 20])),
            commits,
            merges: 0,
            files_changed: lines.map(|_| 3),
            lines_added: lines,
            lines_deleted: lines.map(|_| 0),
            lines_changed: lines,
            oldest_commit_time: None,
            age_seconds: days.map(|d| d as i64 * DAY),
            days,
            larger_than_share_of_releases: None,
            releases_compared: None,
        }
    }

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
    fn the_summary_line_reads_naturally() {
        let u = batch(Some(2140), 23, Some(9));
        assert_eq!(
            summary_line(&u, str::to_string, str::to_string),
            "23 commits / 2,140 lines unreleased since v4.2.0 (9 days)"
        );
        let one = batch(Some(1), 1, Some(1));
        assert_eq!(
            summary_line(&one, str::to_string, str::to_string),
            "1 commit / 1 line unreleased since v4.2.0 (1 day)"
        );
        let mut untagged = batch(Some(5), 2, Some(0));
        untagged.base_release = None;
        assert_eq!(
            summary_line(&untagged, str::to_string, str::to_string),
            "2 commits / 5 lines unreleased since 0202020 (newest released commit) (0 days)"
        );
        let mut big = batch(Some(2140), 23, Some(9));
        big.larger_than_share_of_releases = Some(0.81);
        assert_eq!(
            summary_line(&big, str::to_string, str::to_string),
            "23 commits / 2,140 lines unreleased since v4.2.0 (9 days) — larger than 81% of past releases"
        );
        let nothing = batch(Some(0), 0, None);
        assert_eq!(
            summary_line(&nothing, str::to_string, str::to_string),
            "nothing unreleased since v4.2.0"
        );
        let mut no_release = batch(None, 7, Some(3));
        no_release.base_release = None;
        no_release.base_commit = None;
        assert_eq!(
            summary_line(&no_release, str::to_string, str::to_string),
            "7 commits unreleased (no tag matches the release tag pattern) (3 days)"
        );
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
