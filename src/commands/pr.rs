//! `git cadence pr --base REF [--head REF]`: the release-health summary of a change, for a
//! pull request comment (Markdown) or a bot (JSON).
//!
//! - This change: the diff from `merge-base(base, head)` to `head` with the release size
//!   rules, and the share of past releases it is larger than.
//! - With it merged: the batch unreleased on `base` (as `check` measures it) plus this
//!   change, in lines and commits, against past release sizes. The lines are a sum, so an
//!   edit the two share is counted twice; no merge is made to measure it.
//! - How often past releases of that size (its size quartile, from the report's
//!   `summary.size_vs_failure.quartiles`) failed, named by the signals looked for, and their
//!   median time to remedy and time to restore, each by its name.
//! - Cadence and its trend.
//! - Components this change touches that had counted post-release reverts within the lookback
//!   window (the report's reverts' `components`, same `component_depth`).
//!
//! The Markdown starts with the hidden marker [`MARKER`] so CI can find and update one sticky
//! comment, then one verdict line, then the details in a `<details>` block. Everything taken
//! from the repository is escaped ([`crate::report::escape`]).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::{Format, PrArgs, SharedArgs};
use crate::error::{Error, Result};
use crate::facts::CommitId;
use crate::report::escape::{md_code, md_code_cell, md_text};
use crate::report::model::{Quartile, Report};
use crate::report::text::{duration, failure_rate_text, percent, thousands};
use crate::Outcome;

/// The hidden marker that CI looks for to update one comment instead of adding more.
pub const MARKER: &str = "<!-- git-cadence:pr-summary -->";

/// The size of the change itself.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// `--base` as given.
    pub base: String,
    /// `--head` as given.
    pub head_ref: String,
    pub head: CommitId,
    pub merge_base: Option<CommitId>,
    pub commits: u64,
    pub files_changed: u64,
    pub lines_added: u64,
    pub lines_deleted: u64,
    pub lines_changed: u64,
    /// Share of past releases (with a size) smaller than this change; `null` with none.
    pub larger_than_share_of_releases: Option<f64>,
    /// Share of past releases (with a size) larger than this change; `null` with none.
    pub smaller_than_share_of_releases: Option<f64>,
    /// Components (first `component_depth` directories) the change touches.
    pub components: Vec<String>,
}

/// The next release if the change were merged now.
#[derive(Clone, Debug, Serialize)]
pub struct WithChange {
    /// Tag of the release the batch on base grows from (see `check`).
    pub base_release: Option<String>,
    pub unreleased_commits_on_base: u64,
    pub unreleased_lines_on_base: Option<u64>,
    pub commits: u64,
    /// Unreleased lines on base plus this change's lines.
    pub lines_changed: u64,
    pub larger_than_share_of_releases: Option<f64>,
    pub smaller_than_share_of_releases: Option<f64>,
    /// The size quartile of past releases this batch falls in (1–4), with how they fared.
    pub quartile: Option<Quartile>,
}

/// A component this change touches that recently had post-release reverts.
#[derive(Clone, Debug, Serialize)]
pub struct HotComponent {
    pub component: String,
    pub reverts: Vec<CommitId>,
    /// Subjects of those reverts (repository text).
    pub subjects: Vec<String>,
}

/// What `pr --format json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct PrSummary {
    pub schema_version: u32,
    pub change: Change,
    pub with_change: WithChange,
    /// Past releases with a size (they have a previous release), which the shares compare to.
    pub releases_compared: u64,
    pub change_failure_rate: Option<f64>,
    /// Releases that have a previous release, and how many of them failed.
    pub releases_with_previous: u64,
    pub failed_releases: u64,
    /// The failure signals looked for, and those the history offers (none: failures cannot
    /// be seen).
    pub failure_signals: Vec<String>,
    pub failure_signals_seen: Vec<String>,
    pub incident_linked_only: bool,
    pub releases_per_week: Option<f64>,
    pub median_interval_seconds: Option<i64>,
    pub trend: String,
    pub lookback_days: u32,
    pub hot_components: Vec<HotComponent>,
    /// The newest past releases with a size (at most [`CHART_RELEASES`], oldest first), which
    /// the comment's chart shows next to the next release with this change.
    pub recent_releases: Vec<RecentRelease>,
    pub verdict: String,
    /// With `--check`: the next release with this change against each `check` threshold
    /// set (lines and commits of `with_change`, days of the batch on base); else empty.
    pub limits: Vec<super::check::Limit>,
    /// Whether a threshold in `limits` is exceeded.
    pub exceeded: bool,
    /// Tags the release pattern left out that look like releases of prefixed streams (see
    /// `report`); `null` when there are none.
    pub unmatched_tags: Option<crate::report::model::UnmatchedTags>,
}

/// A line naming tags the pattern left out (and the flag that selects them), or nothing.
fn unmatched_line(s: &PrSummary) -> String {
    s.unmatched_tags.as_ref().map_or_else(String::new, |u| {
        format!(
            "{}; to compare with them as release streams: {}\n",
            crate::report::streams::unmatched_sentence(u, md_text),
            md_code(&crate::report::streams::tag_pattern_flag(u))
        )
    })
}

/// A past release as the comment's chart shows it.
#[derive(Clone, Debug, Serialize)]
pub struct RecentRelease {
    pub tag: String,
    pub lines_changed: u64,
}

/// How many past releases the comment's chart shows.
pub const CHART_RELEASES: usize = 12;

/// Runs `pr`.
pub fn run(shared: SharedArgs, args: &PrArgs, now: i64) -> Result<Outcome> {
    let (repo, config, file) = super::load_at(shared, &args.base)?;
    if config.format == Format::Csv {
        return Err(Error::BadValue {
            what: "--format".into(),
            message: "pr writes markdown, json or table; csv has no shape for it".into(),
        });
    }
    let base = repo.resolve_commit(&args.base)?;
    let head = repo.resolve_commit(&args.head)?;
    let merge_base = crate::git::unreleased::merge_base(&repo, base, head)?;
    let request = crate::git::diff::DiffRequest {
        old: merge_base,
        new: head,
        rules_from: head,
    };
    let rules = crate::exclude::SizeRules::new(&config.excludes, config.include_all)?;
    let (stats, mut warnings) = super::batch::measure_diffs(&repo, &rules, &[request], None)?;
    let size = stats.first().copied().unwrap_or_default();
    let commits = crate::git::unreleased::count_between(&repo, merge_base, head)?;
    let paths = crate::git::unreleased::changed_paths(&repo, merge_base, head)?;
    let (on_base, w) = super::batch::measure(&repo, &config, base, now)?;
    warnings.extend(w);

    let report = crate::pipeline::analyse(&repo, &config, now)?;
    let mut all_warnings: Vec<String> = warnings.into_iter().map(|w| w.0).collect();
    all_warnings.extend(report.warnings.iter().cloned());
    crate::pipeline::print_warnings(&all_warnings, config.quiet);

    let change = Change {
        base: args.base.clone(),
        head_ref: args.head.clone(),
        head,
        merge_base,
        commits,
        files_changed: size.files_changed,
        lines_added: size.lines_added,
        lines_deleted: size.lines_deleted,
        lines_changed: size.lines_changed(),
        larger_than_share_of_releases: None,
        smaller_than_share_of_releases: None,
        components: components(&paths, config.component_depth),
    };
    let mut summary = summarise(change, &on_base, &report, config.lookback_days, now);
    if args.check {
        let thresholds = super::check::thresholds(file.as_ref(), args.thresholds);
        summary.limits = super::check::limits(&with_change_batch(&on_base, &summary), thresholds);
        summary.exceeded = summary.limits.iter().any(|l| l.exceeded);
    }
    crate::emit_as(config.format, false, |out| match config.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &summary).map_err(std::io::Error::from)?;
            writeln!(out)
        }
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, &summary).map_err(std::io::Error::from)?;
            writeln!(out)
        }
        Format::Table => out.write_all(super::pr_table::table(&summary).as_bytes()),
        _ => out.write_all(markdown(&summary).as_bytes()),
    })?;
    Ok(if summary.exceeded {
        Outcome::ThresholdExceeded
    } else {
        Outcome::Success
    })
}

/// The next release with this change merged, as `check` would measure it: the batch on base
/// with this change's lines and commits added.
fn with_change_batch(
    on_base: &super::batch::Unreleased,
    s: &PrSummary,
) -> super::batch::Unreleased {
    let mut batch = on_base.clone();
    batch.commits = s.with_change.commits;
    batch.lines_changed = Some(s.with_change.lines_changed);
    batch
}

/// The component of each path: its first `depth` directories; a file at the root is its
/// own component.
#[must_use]
pub fn components(paths: &[String], depth: usize) -> Vec<String> {
    let set: BTreeSet<String> = paths
        .iter()
        .map(|p| crate::analysis::repeats::component(p, depth))
        .collect();
    set.into_iter().collect()
}

/// The quartile whose range holds `lines` (below the first: the first; above the last:
/// the last).
#[must_use]
pub fn quartile_of(quartiles: &[Quartile], lines: u64) -> Option<&Quartile> {
    quartiles
        .iter()
        .find(|q| lines <= q.max_lines)
        .or_else(|| quartiles.last())
}

/// Puts the numbers together (pure: everything measured is passed in).
#[must_use]
pub fn summarise(
    mut change: Change,
    on_base: &super::batch::Unreleased,
    report: &Report,
    lookback_days: u32,
    now: i64,
) -> PrSummary {
    let sizes: Vec<u64> = report
        .releases
        .iter()
        .filter_map(|r| r.lines_changed)
        .collect();
    change.larger_than_share_of_releases =
        super::batch::larger_than_share(&sizes, change.lines_changed);
    change.smaller_than_share_of_releases =
        super::batch::smaller_than_share(&sizes, change.lines_changed);
    let lines = on_base.lines_changed.unwrap_or(0) + change.lines_changed;
    let with_change = WithChange {
        base_release: on_base.base_release.clone(),
        unreleased_commits_on_base: on_base.commits,
        unreleased_lines_on_base: on_base.lines_changed,
        commits: on_base.commits + change.commits,
        lines_changed: lines,
        larger_than_share_of_releases: super::batch::larger_than_share(&sizes, lines),
        smaller_than_share_of_releases: super::batch::smaller_than_share(&sizes, lines),
        quartile: quartile_of(&report.summary.size_vs_failure.quartiles, lines).cloned(),
    };
    let since = now - i64::from(lookback_days) * 86_400;
    let touched: BTreeSet<&str> = change.components.iter().map(String::as_str).collect();
    let mut hot: Vec<HotComponent> = Vec::new();
    for r in &report.reverts {
        if !r.counted || r.time.timestamp() < since {
            continue;
        }
        for c in &r.components {
            if !touched.contains(c.as_str()) {
                continue;
            }
            let i = if let Some(i) = hot.iter().position(|h| &h.component == c) {
                i
            } else {
                hot.push(HotComponent {
                    component: c.clone(),
                    reverts: Vec::new(),
                    subjects: Vec::new(),
                });
                hot.len() - 1
            };
            let entry = &mut hot[i];
            entry.reverts.push(r.commit);
            entry.subjects.push(r.subject.clone());
        }
    }
    hot.sort_by(|a, b| {
        b.reverts
            .len()
            .cmp(&a.reverts.len())
            .then(a.component.cmp(&b.component))
    });
    let mut summary = PrSummary {
        schema_version: crate::report::model::SCHEMA_VERSION,
        change,
        with_change,
        releases_compared: sizes.len() as u64,
        change_failure_rate: report.summary.change_failure_rate,
        releases_with_previous: report.summary.releases_with_previous,
        failed_releases: report.summary.failed_releases,
        failure_signals: report.summary.failure_signals.clone(),
        failure_signals_seen: report.summary.failure_signals_seen.clone(),
        incident_linked_only: report.summary.incident_linked_only,
        releases_per_week: report.summary.releases_per_week,
        median_interval_seconds: report.summary.median_interval_seconds,
        trend: report.summary.cadence.trend.direction.clone(),
        lookback_days,
        hot_components: hot,
        recent_releases: recent_releases(report),
        verdict: String::new(),
        limits: Vec::new(),
        exceeded: false,
        unmatched_tags: report.unmatched_tags.clone(),
    };
    summary.verdict = verdict(&summary);
    summary
}

/// The newest releases that have a size, oldest first.
fn recent_releases(report: &Report) -> Vec<RecentRelease> {
    let sized: Vec<RecentRelease> = report
        .releases
        .iter()
        .filter_map(|r| {
            Some(RecentRelease {
                tag: r.tag.clone(),
                lines_changed: r.lines_changed?,
            })
        })
        .collect();
    let skip = sized.len().saturating_sub(CHART_RELEASES);
    sized.into_iter().skip(skip).collect()
}

fn share_text(larger: Option<f64>, smaller: Option<f64>) -> String {
    match (larger, smaller) {
        (Some(l), Some(s)) => super::batch::share_phrase(l, s),
        _ => "no past release to compare with".to_string(),
    }
}

/// The one-line verdict (no repository text in it).
fn verdict(s: &PrSummary) -> String {
    let c = &s.change;
    let w = &s.with_change;
    let mut v = format!(
        "This change: {} lines ({}). Merged now, the next release would hold {} lines ({})",
        thousands(c.lines_changed),
        share_text(
            c.larger_than_share_of_releases,
            c.smaller_than_share_of_releases
        ),
        thousands(w.lines_changed),
        share_text(
            w.larger_than_share_of_releases,
            w.smaller_than_share_of_releases
        ),
    );
    if let Some(q) = &w.quartile {
        if s.failure_signals_seen.is_empty() {
            let _ = write!(v, "; {} in this repository", rate_text(s, 0, 0));
        } else if q.releases == 0 {
            v.push_str("; no past release of that size to learn from");
        } else {
            let _ = write!(
                v,
                "; of past releases that size, {}",
                rate_text(s, q.failed, q.releases)
            );
        }
    }
    v.push('.');
    if !s.hot_components.is_empty() {
        let _ = write!(
            v,
            " It touches {} with recent post-release reverts.",
            if s.hot_components.len() == 1 {
                "1 component".to_string()
            } else {
                format!("{} components", s.hot_components.len())
            }
        );
    }
    v
}

/// `Over the check limit: lines 6,123 (max 5,000).` or `Within the check limits (…).`;
/// `None` without `--check` thresholds. No repository text in it.
#[must_use]
pub fn limits_line(s: &PrSummary) -> Option<String> {
    if s.limits.is_empty() {
        return None;
    }
    let text = |l: &super::check::Limit| {
        format!(
            "{} {} (max {})",
            l.threshold.trim_start_matches("max_unreleased_"),
            l.value.map_or_else(|| "–".to_string(), thousands),
            thousands(l.max)
        )
    };
    let over: Vec<String> = s.limits.iter().filter(|l| l.exceeded).map(text).collect();
    Some(if over.is_empty() {
        let all: Vec<String> = s.limits.iter().map(text).collect();
        format!("Within the check limits: {}.", all.join(", "))
    } else {
        format!(
            "Over the check limit with this change merged: {}.",
            over.join(", ")
        )
    })
}

/// The sentences about past releases, cadence and the quartile of the next release (no
/// repository text in them), shared by the Markdown and the terminal text.
#[must_use]
pub fn context_lines(s: &PrSummary) -> Vec<String> {
    let mut lines = vec![format!(
        "Compared with {} past releases that have a previous release.",
        thousands(s.releases_compared)
    )];
    if let Some(q) = &s.with_change.quartile {
        lines.push(format!(
            "Releases of that size (quartile {}, {}–{} lines): {}; median time to remedy {} (until a release carried the revert or fix), median time to restore {} (incidents: resolved − opened).",
            q.quartile,
            thousands(q.min_lines),
            thousands(q.max_lines),
            rate_text(s, q.failed, q.releases),
            q.time_to_remedy_median_seconds
                .map_or_else(|| "–".to_string(), duration),
            q.time_to_restore_median_seconds
                .map_or_else(|| "–".to_string(), duration),
        ));
    }
    lines.push(format!(
        "Change failure rate overall: {}. Cadence: {} releases a week, median interval {}; trend: {}.",
        rate_text(s, s.failed_releases, s.releases_with_previous),
        s.releases_per_week
            .map_or_else(|| "–".to_string(), |r| format!("{r:.2}")),
        s.median_interval_seconds
            .map_or_else(|| "–".to_string(), duration),
        s.trend.replace('_', " "),
    ));
    lines
}

/// The sentence before the list of components with recent post-release reverts (or
/// saying there are none).
#[must_use]
pub fn hot_heading(s: &PrSummary) -> String {
    if s.hot_components.is_empty() {
        format!(
            "No component this change touches had a post-release revert in the last {} days.",
            s.lookback_days
        )
    } else {
        format!(
            "Components this change touches that had post-release reverts in the last {} days:",
            s.lookback_days
        )
    }
}

/// A failure rate naming its signals (or saying failures cannot be seen).
fn rate_text(s: &PrSummary, failed: u64, of: u64) -> String {
    failure_rate_text(
        failed,
        of,
        &s.failure_signals,
        &s.failure_signals_seen,
        s.incident_linked_only,
    )
}

/// Share of past releases as a table cell.
#[must_use]
pub fn opt_share(s: Option<f64>) -> String {
    s.map_or_else(|| "–".to_string(), percent)
}

/// The Markdown comment.
#[must_use]
pub fn markdown(s: &PrSummary) -> String {
    let c = &s.change;
    let w = &s.with_change;
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "**git-cadence** — {}", s.verdict);
    if let Some(line) = limits_line(s) {
        let _ = writeln!(out, "\n{line}");
    }
    out.push('\n');
    out.push_str("<details><summary>Release health details</summary>\n\n");
    out.push_str(&mermaid_chart(s));
    out.push_str("| | lines | commits | larger than past releases |\n|---|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| this change ({} → {}) | {} (+{} −{}, {} files) | {} | {} |",
        md_code_cell(&c.base),
        md_code_cell(&c.head_ref),
        thousands(c.lines_changed),
        thousands(c.lines_added),
        thousands(c.lines_deleted),
        thousands(c.files_changed),
        thousands(c.commits),
        opt_share(c.larger_than_share_of_releases),
    );
    let since = w
        .base_release
        .as_deref()
        .map_or_else(|| "the last released commit".to_string(), md_code_cell);
    let _ = writeln!(
        out,
        "| unreleased on base since {since} | {} | {} | |",
        w.unreleased_lines_on_base
            .map_or_else(|| "–".to_string(), thousands),
        thousands(w.unreleased_commits_on_base),
    );
    let _ = writeln!(
        out,
        "| next release with this change | {} | {} | {} |",
        thousands(w.lines_changed),
        thousands(w.commits),
        opt_share(w.larger_than_share_of_releases),
    );
    out.push('\n');
    for (i, line) in context_lines(s).iter().enumerate() {
        let _ = writeln!(out, "{line}");
        if i == 0 {
            out.push_str(&unmatched_line(s));
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", hot_heading(s));
    if !s.hot_components.is_empty() {
        out.push('\n');
        for h in &s.hot_components {
            let _ = write!(out, "- {}: ", md_code(&h.component));
            let items: Vec<String> = h
                .reverts
                .iter()
                .zip(&h.subjects)
                .map(|(id, subject)| format!("{} {}", md_code(&id.short()), md_text(subject)))
                .collect();
            let _ = writeln!(out, "{}", items.join("; "));
        }
    }
    out.push_str("\n</details>\n");
    out
}

/// A Mermaid `xychart-beta` (GitHub renders it natively) of the recent release sizes and,
/// marked in a second colour, the next release with this change. Empty without past releases.
#[must_use]
pub fn mermaid_chart(s: &PrSummary) -> String {
    if s.recent_releases.is_empty() {
        return String::new();
    }
    let mut labels: Vec<String> = s
        .recent_releases
        .iter()
        .map(|r| format!("\"{}\"", mermaid_label(&r.tag)))
        .collect();
    labels.push("\"with this change\"".to_string());
    let past: Vec<String> = s
        .recent_releases
        .iter()
        .map(|r| r.lines_changed.to_string())
        .chain(["0".to_string()])
        .collect();
    let mut batch = vec!["0".to_string(); s.recent_releases.len()];
    batch.push(s.with_change.lines_changed.to_string());
    let mut out = String::from("```mermaid\n");
    // Okabe–Ito blue for past releases, vermillion for this change's batch.
    out.push_str(
        "%%{init: {\"themeVariables\": {\"xyChart\": {\"plotColorPalette\": \"#0072B2, #D55E00\"}}}}%%\n",
    );
    out.push_str("xychart-beta\n");
    out.push_str(
        "    title \"Lines changed: recent releases, and the next one with this change\"\n",
    );
    let _ = writeln!(out, "    x-axis [{}]", labels.join(", "));
    out.push_str("    y-axis \"lines changed\"\n");
    let _ = writeln!(out, "    bar [{}]", past.join(", "));
    let _ = writeln!(out, "    bar [{}]", batch.join(", "));
    out.push_str("```\n\n");
    out
}

/// A tag as a Mermaid axis label: letters, digits and `._+-/` kept, anything else (quotes,
/// brackets, HTML, mentions, newlines) becomes `_`; at most 20 characters.
fn mermaid_label(tag: &str) -> String {
    let safe: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._+-/".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::report::text::truncate(&safe, 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_labels_keep_only_inert_characters() {
        assert_eq!(mermaid_label("v1.2.3"), "v1.2.3");
        assert_eq!(
            mermaid_label("<b>@team|x`#1-v1.0.0\"]"),
            "_b__team_x__1-v1.0.…"
        );
        assert_eq!(mermaid_label("cli/v2+build"), "cli/v2+build");
    }

    #[test]
    fn components_take_the_first_directories() {
        let paths = [
            "src/git/diff.rs".to_string(),
            "src/lib.rs".to_string(),
            "README.md".to_string(),
            "a/b/c/d.txt".to_string(),
            "src/git/tags.rs".to_string(),
        ];
        assert_eq!(
            components(&paths, 2),
            ["README.md", "a/b", "src", "src/git"]
        );
        assert_eq!(components(&paths, 1), ["README.md", "a", "src"]);
    }

    fn q(n: u8, min: u64, max: u64) -> Quartile {
        Quartile {
            quartile: n,
            min_lines: min,
            max_lines: max,
            releases: 2,
            failed: 1,
            failure_rate: Some(0.5),
            time_to_restore_median_seconds: Some(3600),
            restored: 1,
            time_to_remedy_median_seconds: None,
            remedied: 0,
            commits: 10,
            reverted_commits: 1,
        }
    }

    #[test]
    fn the_quartile_holds_the_size() {
        let qs = [
            q(1, 1, 10),
            q(2, 11, 100),
            q(3, 101, 1000),
            q(4, 1001, 5000),
        ];
        assert_eq!(quartile_of(&qs, 0).map(|q| q.quartile), Some(1));
        assert_eq!(quartile_of(&qs, 50).map(|q| q.quartile), Some(2));
        assert_eq!(quartile_of(&qs, 1000).map(|q| q.quartile), Some(3));
        assert_eq!(quartile_of(&qs, 99_999).map(|q| q.quartile), Some(4));
        assert!(quartile_of(&[], 5).is_none());
    }
}

#[cfg(test)]
pub(crate) mod snapshot_tests {
    use super::*;

    fn id(byte: u8) -> CommitId {
        CommitId([byte; 20])
    }

    /// A summary whose repository text is hostile everywhere: the refs, the tag, component
    /// paths and revert subjects hold HTML, mentions, pipes, backticks and issue references.
    pub(crate) fn sample() -> PrSummary {
        let mut s = PrSummary {
            schema_version: 1,
            change: Change {
                base: "origin/main".into(),
                head_ref: "feat/<x>|`y`".into(),
                head: id(1),
                merge_base: Some(id(2)),
                commits: 3,
                files_changed: 4,
                lines_added: 1200,
                lines_deleted: 34,
                lines_changed: 1234,
                larger_than_share_of_releases: Some(0.81),
                smaller_than_share_of_releases: Some(0.1),
                components: vec!["app/<script>".into(), "lib|core".into()],
            },
            with_change: WithChange {
                base_release: Some("v4.2.0".into()),
                unreleased_commits_on_base: 20,
                unreleased_lines_on_base: Some(906),
                commits: 23,
                lines_changed: 2140,
                larger_than_share_of_releases: Some(0.9),
                smaller_than_share_of_releases: Some(0.05),
                quartile: Some(Quartile {
                    quartile: 4,
                    min_lines: 1500,
                    max_lines: 9000,
                    releases: 10,
                    failed: 3,
                    failure_rate: Some(0.3),
                    time_to_restore_median_seconds: None,
                    restored: 0,
                    time_to_remedy_median_seconds: Some(187_200),
                    remedied: 3,
                    commits: 400,
                    reverted_commits: 4,
                }),
            },
            releases_compared: 40,
            change_failure_rate: Some(0.175),
            releases_with_previous: 40,
            failed_releases: 7,
            failure_signals: vec!["fix".into(), "incident".into(), "revert".into()],
            failure_signals_seen: vec!["revert".into()],
            incident_linked_only: false,
            releases_per_week: Some(0.5),
            median_interval_seconds: Some(1_209_600),
            trend: "less_often".into(),
            lookback_days: 180,
            recent_releases: vec![
                RecentRelease {
                    tag: "v4.1.0".into(),
                    lines_changed: 800,
                },
                RecentRelease {
                    tag: "v4.2.0\"] <img>@x".into(),
                    lines_changed: 1500,
                },
            ],
            hot_components: vec![
                HotComponent {
                    component: "app/<script>".into(),
                    reverts: vec![id(0xab), id(0xcd)],
                    subjects: vec![
                        "Revert \"Add <img src=x onerror=alert(1)> for @octocat\"".into(),
                        "Revert \"Fix #12 | `rm -rf` ~~x~~\"".into(),
                    ],
                },
                HotComponent {
                    component: "lib|core".into(),
                    reverts: vec![id(0xef)],
                    subjects: vec!["Revert \"@rails/core: <b>bold</b>\"".into()],
                },
            ],
            verdict: String::new(),
            limits: Vec::new(),
            exceeded: false,
            unmatched_tags: None,
        };
        s.verdict = verdict(&s);
        s
    }

    /// Repository text in every place the comment shows it.
    #[test]
    fn markdown_with_hot_components() {
        let s = sample();
        let md = markdown(&s);
        assert!(!md.contains("@octocat"));
        assert!(!md.contains("<img"));
        assert!(!md.contains("#12"));
        assert!(md.contains("<details><summary>Release health details</summary>\n\n```mermaid\n"));
        assert!(
            md.contains("    x-axis [\"v4.1.0\", \"v4.2.0____img__x\", \"with this change\"]\n")
        );
        assert!(md.contains("    bar [800, 1500, 0]\n    bar [0, 0, 2140]\n"));
        insta::assert_snapshot!(md);
    }

    #[test]
    fn the_check_line_names_what_is_over() {
        let mut s = sample();
        assert_eq!(limits_line(&s), None);
        let limit = |threshold, max, value| super::super::check::Limit {
            threshold,
            max,
            value: Some(value),
            exceeded: value > max,
        };
        s.limits = vec![
            limit("max_unreleased_lines", 2000, 2140),
            limit("max_unreleased_commits", 50, 23),
        ];
        assert_eq!(
            limits_line(&s).as_deref(),
            Some("Over the check limit with this change merged: lines 2,140 (max 2,000).")
        );
        s.limits = vec![limit("max_unreleased_commits", 50, 23)];
        assert_eq!(
            limits_line(&s).as_deref(),
            Some("Within the check limits: commits 23 (max 50).")
        );
        assert!(markdown(&s).contains("\n\nWithin the check limits: commits 23 (max 50).\n"));
    }

    #[test]
    fn no_signal_in_the_history_is_no_failure_rate() {
        let mut s = sample();
        // The bug report: with no signal in the history, every author read "releases that size
        // failed 0% of the time (0 of 51)". Now the comment says failures cannot be seen.
        s.failure_signals_seen.clear();
        s.failed_releases = 0;
        if let Some(q) = &mut s.with_change.quartile {
            q.failed = 0;
            q.failure_rate = Some(0.0);
        }
        s.verdict = verdict(&s);
        assert!(
            s.verdict.contains(
                "failures cannot be seen (no revert, no Fixes: trailer and no incidents file) in \
                 this repository"
            ),
            "{}",
            s.verdict
        );
        let md = markdown(&s);
        assert!(!md.contains(" 0%") && !md.contains("(0%)"), "{md}");
        assert!(
            md.contains("Change failure rate overall: failures cannot be seen"),
            "{md}"
        );
    }
}
