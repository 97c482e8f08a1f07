//! The headline: the size-versus-failure verdict of [`crate::analysis::evidence`] in one plain
//! sentence with its numbers. It reports the largest size quartile against the smallest, with
//! the counts, so that a reader can check it against the quartile table.

use std::fmt::Write;

use crate::analysis::evidence::{MIN_FAILURES, MIN_RELEASES};
use crate::report::model::{Quartile, SizeVsFailure, Verdict};
use crate::report::text::{p_value, percent, ratio, thousands};

const NOT_ENOUGH: &str = "Not enough evidence to relate release size to failure";

/// The headline: one plain sentence with its numbers, for the verdict of `s`.
#[must_use]
pub fn headline(s: &SizeVsFailure) -> String {
    let releases: u64 = s.quartiles.iter().map(|q| q.releases).sum();
    let failures: u64 = s.quartiles.iter().map(|q| q.failed).sum();
    let verdict = s.verdict;
    if verdict == Verdict::InsufficientEvidence {
        return insufficient(releases, failures);
    }
    let (Some(auc), Some(p), Some(small), Some(large)) =
        (s.auc, s.p_value, s.quartiles.first(), s.quartiles.last())
    else {
        // The verdict needs the test and at least MIN_RELEASES releases, so this is unreachable;
        // say what is known rather than panic.
        return insufficient(releases, failures);
    };
    let ends = Ends {
        small,
        large,
        stats: format!(
            "AUC {auc:.2}, {}; {} releases, {} failed",
            p_value(p),
            thousands(releases),
            thousands(failures)
        ),
    };
    match verdict {
        Verdict::BiggerRiskier => bigger_riskier(&ends, s),
        Verdict::SmallerRiskier => smaller_riskier(&ends, s),
        Verdict::NotRiskier | Verdict::InsufficientEvidence => format!(
            "In this repository, release size does not predict failure: the largest quarter of \
             releases ({}) failed in {} of cases and the smallest ({}) in {} ({}).",
            range(large, " changed"),
            percent(rate(large)),
            range(small, ""),
            percent(rate(small)),
            ends.stats
        ),
    }
}

/// The smallest and largest quartile, and the test's numbers as the headline prints them.
struct Ends<'a> {
    small: &'a Quartile,
    large: &'a Quartile,
    stats: String,
}

fn bigger_riskier(ends: &Ends<'_>, s: &SizeVsFailure) -> String {
    let Ends {
        small,
        large,
        stats,
    } = ends;
    let (small_rate, large_rate) = (rate(small), rate(large));
    let (large_range, small_range) = (range(large, " changed"), range(small, ""));
    let mut out = if large_rate <= small_rate {
        // Possible when the middle quartiles carry the difference.
        format!(
            "Failed releases were larger than clean ones ({stats}), though the largest quarter \
             of releases ({large_range}) failed in {} of cases and the smallest ({small_range}) \
             in {}",
            percent(large_rate),
            percent(small_rate)
        )
    } else if small.failed == 0 {
        format!(
            "The largest quarter of releases ({large_range}) failed in {} of cases and the \
             smallest ({small_range}) never did ({stats})",
            percent(large_rate)
        )
    } else {
        let ci = s
            .risk_ratio_ci95
            .map(|[lo, hi]| format!("95% CI {}–{}; ", ratio(lo), ratio(hi)))
            .unwrap_or_default();
        format!(
            "The largest quarter of releases ({large_range}) failed {} as often as the smallest \
             ({small_range}): {} vs {} ({ci}{stats})",
            fmt_times(large_rate / small_rate),
            percent(large_rate),
            percent(small_rate),
        )
    };
    if let (Some(Some(pc_small)), Some(Some(pc_large))) = (
        s.per_commit_revert_rate.first(),
        s.per_commit_revert_rate.last(),
    ) {
        if pc_large <= pc_small {
            let _ = write!(
                out,
                "; per commit they were not riskier ({} vs {} of commits reverted), so the \
                 difference comes from the number of commits big releases hold",
                percent(*pc_large),
                percent(*pc_small)
            );
        } else {
            let _ = write!(
                out,
                "; per commit too ({} vs {} of commits reverted)",
                percent(*pc_large),
                percent(*pc_small)
            );
        }
    }
    out.push('.');
    out
}

fn smaller_riskier(ends: &Ends<'_>, s: &SizeVsFailure) -> String {
    let Ends {
        small,
        large,
        stats,
    } = ends;
    let (small_rate, large_rate) = (rate(small), rate(large));
    let (small_range, large_range) = (range(small, " changed"), range(large, ""));
    if small_rate <= large_rate {
        format!(
            "In this repository, failed releases were smaller than clean ones ({stats}), though \
             the smallest quarter of releases ({small_range}) failed in {} of cases and the \
             largest ({large_range}) in {}.",
            percent(small_rate),
            percent(large_rate)
        )
    } else if large.failed == 0 {
        format!(
            "In this repository, small releases fail more often than big ones: the smallest \
             quarter of releases ({small_range}) failed in {} of cases and the largest \
             ({large_range}) never did ({stats}).",
            percent(small_rate)
        )
    } else {
        // The interval of the inverse ratio is the inverse of the interval.
        let ci = s
            .risk_ratio_ci95
            .map(|[lo, hi]| format!("95% CI {}–{}; ", ratio(1.0 / hi), ratio(1.0 / lo)))
            .unwrap_or_default();
        format!(
            "In this repository, small releases fail more often than big ones: the smallest \
             quarter of releases ({small_range}) failed {} as often as the largest \
             ({large_range}): {} vs {} ({ci}{stats}).",
            fmt_times(small_rate / large_rate),
            percent(small_rate),
            percent(large_rate),
        )
    }
}

/// `1,800–15,000 changed lines` (with `word` = `" changed"`) or `5–120 lines`.
fn range(q: &Quartile, word: &str) -> String {
    format!(
        "{}–{}{word} lines",
        thousands(q.min_lines),
        thousands(q.max_lines)
    )
}

fn rate(q: &Quartile) -> f64 {
    q.failure_rate.unwrap_or(0.0)
}

/// The sentence that says why there is not enough evidence, with the counts.
fn insufficient(releases: u64, failures: u64) -> String {
    if releases == 0 {
        return format!(
            "{NOT_ENOUGH}: no release has a previous release to measure its size against."
        );
    }
    let few_releases = releases < MIN_RELEASES as u64;
    let few_failures = failures < MIN_FAILURES as u64;
    let measured = format!(
        "only {} {} a previous release to compare with (at least {MIN_RELEASES} are needed)",
        thousands(releases),
        if releases == 1 {
            "release has"
        } else {
            "releases have"
        }
    );
    let failed = if failures == 0 {
        format!("none of them failed (at least {MIN_FAILURES} failures are needed)")
    } else {
        format!(
            "only {} of them failed (at least {MIN_FAILURES} failures are needed)",
            thousands(failures)
        )
    };
    match (few_releases, few_failures) {
        (true, true) => format!("{NOT_ENOUGH}: {measured}, and {failed}."),
        (true, false) => format!("{NOT_ENOUGH}: {measured}."),
        (false, true) => format!(
            "{NOT_ENOUGH}: {} of {} releases failed (at least {MIN_FAILURES} failures are needed).",
            if failures == 0 {
                "none".to_string()
            } else {
                format!("only {}", thousands(failures))
            },
            thousands(releases)
        ),
        (false, false) => format!(
            "{NOT_ENOUGH}: all {} releases failed, so there is no clean release to compare with.",
            thousands(releases)
        ),
    }
}

/// `3.8×`.
fn fmt_times(x: f64) -> String {
    format!("{}×", ratio(x))
}
