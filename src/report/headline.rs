//! The headline: the size-versus-failure verdict of [`crate::analysis::evidence`] in one plain
//! sentence with its numbers. It never claims more than the verdict: too little evidence says
//! why; a null result reads "no clear difference" with the risk ratio's interval; the contrast
//! it quotes is the one the quartile table shows (a middle quartile where failures gather,
//! else the largest quarter against the smallest); a quartile with no failure is said in words
//! next to the corrected ratio; and "failed" is spelled out as the signals looked for.

use std::fmt::Write;

use crate::analysis::evidence::{MIN_FAILURES, MIN_RELEASES};
use crate::report::failures::risk_ratio_text;
use crate::report::model::{Quartile, SizeVsFailure, Summary, Verdict};
use crate::report::text::{failed_phrase, p_value, percent, ratio, thousands, unseen_signals};

const NOT_ENOUGH: &str = "Not enough evidence to relate release size to failure";

/// The headline of `summary`: its size-versus-failure verdict with the numbers.
#[must_use]
pub fn headline(summary: &Summary) -> String {
    sentence(
        &summary.size_vs_failure,
        &Signals {
            looked_for: &summary.failure_signals,
            seen: &summary.failure_signals_seen,
            incident_linked_only: summary.incident_linked_only,
        },
    )
}

/// The failure signals a sentence rests on.
#[derive(Clone, Copy, Debug)]
pub struct Signals<'a> {
    /// Looked for (`--failure`).
    pub looked_for: &'a [String],
    /// Of those, the ones the history offers.
    pub seen: &'a [String],
    pub incident_linked_only: bool,
}

/// The headline sentence for `s`, naming `signals`.
#[must_use]
pub fn sentence(s: &SizeVsFailure, signals: &Signals<'_>) -> String {
    let releases: u64 = s.quartiles.iter().map(|q| q.releases).sum();
    let failures: u64 = s.quartiles.iter().map(|q| q.failed).sum();
    let failed = failed_phrase(signals.looked_for, signals.incident_linked_only);
    if signals.seen.is_empty() && releases > 0 {
        return format!(
            "Failures cannot be seen in this repository ({}), so release size cannot be \
             related to failure.",
            unseen_signals(signals.looked_for, signals.incident_linked_only)
        );
    }
    let (Some(auc), Some(p), Some(small), Some(large)) =
        (s.auc, s.p_value, s.quartiles.first(), s.quartiles.last())
    else {
        return insufficient(releases, failures, &failed);
    };
    if s.verdict == Verdict::InsufficientEvidence {
        return insufficient(releases, failures, &failed);
    }
    let w = Words {
        s,
        small,
        large,
        stats: format!(
            "AUC {auc:.2}, {}; {} releases, {} {failed}",
            p_value(p),
            thousands(releases),
            thousands(failures)
        ),
    };
    match s.verdict {
        Verdict::BiggerRiskier => bigger_riskier(&w),
        Verdict::SmallerRiskier => smaller_riskier(&w),
        Verdict::NoClearDifference | Verdict::InsufficientEvidence => no_clear_difference(&w),
    }
}

/// What every sentence draws on.
struct Words<'a> {
    s: &'a SizeVsFailure,
    small: &'a Quartile,
    large: &'a Quartile,
    /// The test's numbers and the counts, as the sentences end.
    stats: String,
}

impl Words<'_> {
    /// The middle quartile where failures gather, when the analysis found one.
    fn peak(&self) -> Option<&Quartile> {
        let n = self.s.peak_quartile?;
        self.s.quartiles.iter().find(|q| q.quartile == n)
    }

    /// `failures gathered in the third quarter of sizes (487–1,014 lines), where 88% of
    /// releases failed (7 of 8), against 0% of the smallest and 13% of the largest`.
    fn peak_clause(&self, peak: &Quartile) -> String {
        format!(
            "failures gathered in the {} quarter of sizes ({}), where {} of releases failed \
             ({} of {}), against {} of the smallest and {} of the largest",
            if peak.quartile == 2 {
                "second"
            } else {
                "third"
            },
            range(peak, ""),
            percent(rate(peak)),
            thousands(peak.failed),
            thousands(peak.releases),
            percent(rate(self.small)),
            percent(rate(self.large)),
        )
    }

    /// The risk ratio of the largest quarter to the smallest with its interval; a quarter
    /// without failures in words next to the corrected ratio.
    fn risk_ratio(&self) -> String {
        risk_ratio_text(self.s).unwrap_or_else(|| {
            "no risk ratio: neither the largest nor the smallest quarter failed".into()
        })
    }
}

fn no_clear_difference(w: &Words<'_>) -> String {
    let opening = "No clear difference between big and small releases at this sample size";
    if let Some(peak) = w.peak() {
        return format!(
            "{opening}: {} (largest vs smallest quarter: {}; {}).",
            w.peak_clause(peak),
            w.risk_ratio(),
            w.stats
        );
    }
    format!(
        "{opening}: the largest quarter of releases ({}) failed in {} of cases and the smallest \
         ({}) in {} ({}; {}).",
        range(w.large, " changed"),
        percent(rate(w.large)),
        range(w.small, ""),
        percent(rate(w.small)),
        w.risk_ratio(),
        w.stats
    )
}

fn bigger_riskier(w: &Words<'_>) -> String {
    let Words {
        s,
        small,
        large,
        stats,
    } = w;
    let (small_rate, large_rate) = (rate(small), rate(large));
    let (large_range, small_range) = (range(large, " changed"), range(small, ""));
    let mut out = if let Some(peak) = w.peak() {
        format!(
            "Failed releases were larger than clean ones ({stats}), and {}",
            w.peak_clause(peak)
        )
    } else if large_rate <= small_rate {
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
             smallest ({small_range}) never did ({}; {stats})",
            percent(large_rate),
            w.risk_ratio()
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

fn smaller_riskier(w: &Words<'_>) -> String {
    let Words {
        s,
        small,
        large,
        stats,
    } = w;
    let (small_rate, large_rate) = (rate(small), rate(large));
    let (small_range, large_range) = (range(small, " changed"), range(large, ""));
    if let Some(peak) = w.peak() {
        format!(
            "In this repository, failed releases were smaller than clean ones ({stats}), and {}.",
            w.peak_clause(peak)
        )
    } else if small_rate <= large_rate {
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
             ({large_range}) never did ({}; {stats}).",
            percent(small_rate),
            w.risk_ratio()
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

/// The sentence that says why there is not enough evidence, with the counts. `failed` is the
/// phrase for a failed release ("had a revert, fix or incident after shipping").
fn insufficient(releases: u64, failures: u64, failed: &str) -> String {
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
    let how_many = if failures == 0 {
        "none".to_string()
    } else {
        format!("only {}", thousands(failures))
    };
    let need = format!("(at least {MIN_FAILURES} failures are needed)");
    match (few_releases, few_failures) {
        (true, true) => {
            format!("{NOT_ENOUGH}: {measured}, and {how_many} of them {failed} {need}.")
        }
        (true, false) => format!("{NOT_ENOUGH}: {measured}."),
        (false, true) => format!(
            "{NOT_ENOUGH}: {how_many} of {} releases {failed} {need}.",
            thousands(releases)
        ),
        (false, false) => format!(
            "{NOT_ENOUGH}: all {} releases {failed}, so there is no clean release to compare \
             with.",
            thousands(releases)
        ),
    }
}

/// `3.8×`.
fn fmt_times(x: f64) -> String {
    format!("{}×", ratio(x))
}
