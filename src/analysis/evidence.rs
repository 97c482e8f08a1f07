//! The small-changes argument: does release size predict failure here? Turns one row per
//! measured release into [`SizeVsFailure`]: the numbers and the verdict.
//!
//! The verdict rule, stated once:
//! - `insufficient_evidence` with fewer than [`MIN_RELEASES`] releases, fewer than
//!   [`MIN_FAILURES`] failed releases, or no clean release to compare with;
//! - otherwise, from the Mann–Whitney test of the sizes of failed against clean releases:
//!   `bigger_riskier` when AUC > 0.5 and p < [`ALPHA`], `smaller_riskier` when AUC < 0.5 and
//!   p < [`ALPHA`], and `not_riskier` otherwise.
//!
//! This module decides; [`crate::report::headline`] words the decision.

use crate::report::model::{Quartile, SizeVsFailure, Verdict};

use super::stats::{mann_whitney, median_i64, risk_ratio, size_quartiles, spearman};

/// Fewer measured releases than this, and the headline says there is not enough evidence.
pub const MIN_RELEASES: usize = 8;
/// Fewer failed releases than this, and the headline says there is not enough evidence.
pub const MIN_FAILURES: usize = 5;
/// Significance level of the Mann–Whitney test behind the verdict.
pub const ALPHA: f64 = 0.05;

/// One release that has a previous release (so it has a size) and is inside the report window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseEvidence {
    pub tag: String,
    /// Size against the previous release: lines added + deleted.
    pub lines_changed: u64,
    pub failed: bool,
    /// Time to restore (from an incident), seconds, for a failed release.
    pub time_to_restore: Option<i64>,
    /// Time to remedy (until a release carried the revert or fix), seconds.
    pub time_to_remedy: Option<i64>,
    /// Commits this release shipped first.
    pub commits: u64,
    /// How many of those commits post-release reverts undid.
    pub reverted_commits: u64,
}

/// Computes every field of [`SizeVsFailure`] from `rows`, which are in release
/// order (the order breaks ties of size between quartiles, see
/// [`size_quartiles`](super::stats::size_quartiles)).
///
/// Quartiles are listed only when they hold a release (with four or more releases all four
/// do), numbered 1 (smallest) to 4; `per_commit_revert_rate` has one entry per listed quartile.
/// The risk ratio compares quartile 4 with quartile 1 and needs all four.
#[must_use]
///
/// `failures_visible` is false when the history offers none of the failure signals looked
/// for: then the verdict is `insufficient_evidence` whatever the numbers.
pub fn size_vs_failure(rows: &[ReleaseEvidence], failures_visible: bool) -> SizeVsFailure {
    let sizes: Vec<u64> = rows.iter().map(|r| r.lines_changed).collect();
    let assigned = size_quartiles(&sizes);
    let mut quartiles = Vec::new();
    for k in 0..4u8 {
        let members: Vec<&ReleaseEvidence> = rows
            .iter()
            .zip(&assigned)
            .filter(|(_, &q)| q == k)
            .map(|(r, _)| r)
            .collect();
        if let Some(q) = quartile(k + 1, &members) {
            quartiles.push(q);
        }
    }

    let failed_sizes: Vec<f64> = rows
        .iter()
        .filter(|r| r.failed)
        .map(|r| r.lines_changed as f64)
        .collect();
    let clean_sizes: Vec<f64> = rows
        .iter()
        .filter(|r| !r.failed)
        .map(|r| r.lines_changed as f64)
        .collect();
    let mw = mann_whitney(&failed_sizes, &clean_sizes);
    let all_sizes: Vec<f64> = sizes.iter().map(|&s| s as f64).collect();
    let failed01: Vec<f64> = rows.iter().map(|r| f64::from(u8::from(r.failed))).collect();
    let clock_vs_size = |clock: fn(&ReleaseEvidence) -> Option<i64>| {
        let (sizes, times): (Vec<f64>, Vec<f64>) = rows
            .iter()
            .filter(|r| r.failed)
            .filter_map(|r| clock(r).map(|t| (r.lines_changed as f64, t as f64)))
            .unzip();
        spearman(&sizes, &times)
    };
    let rr = match (quartiles.first(), quartiles.get(3)) {
        (Some(small), Some(large)) => {
            risk_ratio(large.failed, large.releases, small.failed, small.releases)
        }
        _ => None,
    };

    let failures = failed_sizes.len();
    let verdict = match mw {
        Some(mw) if failures_visible && rows.len() >= MIN_RELEASES && failures >= MIN_FAILURES => {
            if mw.p_value < ALPHA && mw.auc > 0.5 {
                Verdict::BiggerRiskier
            } else if mw.p_value < ALPHA && mw.auc < 0.5 {
                Verdict::SmallerRiskier
            } else {
                Verdict::NoClearDifference
            }
        }
        _ => Verdict::InsufficientEvidence,
    };

    SizeVsFailure {
        per_commit_revert_rate: quartiles.iter().map(per_commit_rate).collect(),
        peak_quartile: peak_quartile(&quartiles),
        quartiles,
        auc: mw.map(|m| m.auc),
        p_value: mw.map(|m| m.p_value),
        spearman_rho: spearman(&all_sizes, &failed01),
        risk_ratio: rr.map(|r| r.ratio),
        risk_ratio_ci95: rr.map(|r| r.ci95),
        risk_ratio_corrected: rr.is_some_and(|r| r.corrected),
        restore_vs_size_rho: clock_vs_size(|r| r.time_to_restore),
        remedy_vs_size_rho: clock_vs_size(|r| r.time_to_remedy),
        verdict,
    }
}

/// The middle quartile where failures gather, if they do: with all four quartiles, the one
/// with the highest failure rate when that is Q2 or Q3, strictly above both Q1 and Q4, and it
/// holds at least half of the failures.
fn peak_quartile(quartiles: &[Quartile]) -> Option<u8> {
    if quartiles.len() != 4 {
        return None;
    }
    let rate = |q: &Quartile| q.failure_rate.unwrap_or(0.0);
    let failures: u64 = quartiles.iter().map(|q| q.failed).sum();
    let peak = quartiles[1..3]
        .iter()
        .max_by(|a, b| rate(a).total_cmp(&rate(b)))?;
    let ends = rate(&quartiles[0]).max(rate(&quartiles[3]));
    (rate(peak) > ends && peak.failed * 2 >= failures && failures > 0).then_some(peak.quartile)
}

fn quartile(number: u8, members: &[&ReleaseEvidence]) -> Option<Quartile> {
    let min_lines = members.iter().map(|r| r.lines_changed).min()?;
    let max_lines = members.iter().map(|r| r.lines_changed).max()?;
    let failed = members.iter().filter(|r| r.failed).count() as u64;
    let clock = |f: fn(&ReleaseEvidence) -> Option<i64>| -> Vec<i64> {
        members
            .iter()
            .filter(|r| r.failed)
            .filter_map(|r| f(r))
            .collect()
    };
    let restore = clock(|r| r.time_to_restore);
    let remedy = clock(|r| r.time_to_remedy);
    Some(Quartile {
        quartile: number,
        min_lines,
        max_lines,
        releases: members.len() as u64,
        failed,
        failure_rate: Some(failed as f64 / members.len() as f64),
        time_to_restore_median_seconds: median_i64(&restore),
        restored: restore.len() as u64,
        time_to_remedy_median_seconds: median_i64(&remedy),
        remedied: remedy.len() as u64,
        commits: members.iter().map(|r| r.commits).sum(),
        reverted_commits: members.iter().map(|r| r.reverted_commits).sum(),
    })
}

fn per_commit_rate(q: &Quartile) -> Option<f64> {
    (q.commits > 0).then(|| q.reverted_commits as f64 / q.commits as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(
        sizes: &[u64],
        failed: impl Fn(usize, u64) -> bool,
        commits: impl Fn(u64) -> u64,
        reverted: impl Fn(usize) -> u64,
        ttr: impl Fn(usize, u64) -> Option<i64>,
    ) -> Vec<ReleaseEvidence> {
        sizes
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let f = failed(i, s);
                ReleaseEvidence {
                    tag: format!("v1.{i}"),
                    lines_changed: s,
                    failed: f,
                    time_to_restore: if f { ttr(i, s) } else { None },
                    // The same clock twice: each is pinned on its own in the quartiles.
                    time_to_remedy: if f { ttr(i, s) } else { None },
                    commits: commits(s),
                    reverted_commits: if f { reverted(i) } else { 0 },
                }
            })
            .collect()
    }

    /// The numbers and the sentence the report words them in, checked together so that a
    /// change to either shows up next to the other.
    struct Worded {
        size_vs_failure: SizeVsFailure,
        headline: String,
    }

    fn finding(rows: &[ReleaseEvidence]) -> Worded {
        let size_vs_failure = size_vs_failure(rows, true);
        let looked_for = ["fix".to_string(), "incident".into(), "revert".into()];
        let headline = crate::report::headline::sentence(
            &size_vs_failure,
            &crate::report::headline::Signals {
                looked_for: &looked_for,
                seen: &looked_for[2..],
                incident_linked_only: false,
            },
        );
        Worded {
            size_vs_failure,
            headline,
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() <= 1e-12 * b.abs().max(1.0))
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {{
            let (a, b): (Option<f64>, f64) = ($a, $b);
            assert!(close(a, b), "{a:?} != {b}");
        }};
    }

    /// Dataset A of `scripts/reference_stats.py`: the big releases fail, but they hold many more
    /// commits, so per commit they are not riskier.
    fn dataset_a() -> Vec<ReleaseEvidence> {
        const SIZES: [u64; 24] = [
            40, 120, 300, 4500, 120, 75, 880, 2200, 510, 2300, 96, 1800, 33, 15000, 410, 260, 640,
            880, 150, 3100, 5, 640, 910, 1200,
        ];
        rows(
            &SIZES,
            |i, _| [1, 3, 6, 9, 13, 16, 19, 22].contains(&i),
            |s| s / 100 + 2,
            |i| if i == 13 { 3 } else { 1 },
            |i, s| (i != 22).then_some(s as i64 * 30),
        )
    }

    // Every number below: "== evidence A" of scripts/reference_stats.py (scipy 1.17.1,
    // numpy 2.4.6), which restates the quartile rule and uses scipy for the statistics.
    #[test]
    fn bigger_riskier_from_more_commits() {
        let f = finding(&dataset_a());
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::BiggerRiskier);
        let table: Vec<_> = s
            .quartiles
            .iter()
            .map(|q| {
                (
                    q.quartile,
                    q.min_lines,
                    q.max_lines,
                    q.releases,
                    q.failed,
                    q.time_to_restore_median_seconds,
                    q.restored,
                    q.commits,
                    q.reverted_commits,
                )
            })
            .collect();
        assert_eq!(
            table,
            vec![
                (1, 5, 120, 6, 1, Some(3_600), 1, 13, 1),
                (2, 120, 510, 6, 0, None, 0, 28, 0),
                (3, 640, 1_200, 6, 3, Some(22_800), 2, 61, 3),
                (4, 1_800, 15_000, 6, 4, Some(114_000), 4, 301, 6),
            ]
        );
        assert_close!(s.quartiles[0].failure_rate, 0.166_666_666_666_666_66);
        assert_close!(s.quartiles[3].failure_rate, 0.666_666_666_666_666_6);
        assert_close!(s.auc, 0.832_031_25);
        assert_close!(s.p_value, 0.010_063_398_094_345_317);
        assert_close!(s.spearman_rho, 0.543_030_304_116_176_3);
        assert_close!(s.restore_vs_size_rho, 1.0);
        assert_close!(s.risk_ratio, 4.0);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.612_486_554_950_822_7);
        assert_close!(Some(ci[1]), 26.123_022_408_687_255);
        assert_eq!(s.per_commit_revert_rate.len(), 4);
        assert_close!(s.per_commit_revert_rate[0], 0.076_923_076_923_076_93);
        assert_close!(s.per_commit_revert_rate[1], 0.0);
        assert_close!(s.per_commit_revert_rate[2], 0.049_180_327_868_852_46);
        assert_close!(s.per_commit_revert_rate[3], 0.019_933_554_817_275_746);
        assert_eq!(
            f.headline,
            "The largest quarter of releases (1,800–15,000 changed lines) failed 4.0× as often \
             as the smallest (5–120 lines): 67% vs 17% (95% CI 0.61–26; AUC 0.83, p = 0.010; \
             24 releases, 8 had a revert, fix or incident after shipping); per commit they were not riskier (2% vs 7.7% of commits \
             reverted), so the difference comes from the number of commits big releases hold."
        );
    }

    // "== evidence D" of scripts/reference_stats.py (scipy 1.17.1).
    #[test]
    fn bigger_riskier_per_commit_too() {
        let sizes = [
            30, 160, 10, 140, 60, 20, 120, 90, 150, 40, 110, 70, 130, 50, 100, 80,
        ];
        let f = finding(&rows(
            &sizes,
            |_, s| [20, 110, 120, 130, 140, 150, 160].contains(&s),
            |_| 4,
            |_| 1,
            |_, s| Some(s as i64 * 60),
        ));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::BiggerRiskier);
        assert_close!(s.auc, 0.873_015_873_015_873);
        assert_close!(s.p_value, 0.014_909_159_116_304_995);
        assert_close!(s.spearman_rho, 0.642_270_714_991_117);
        assert_close!(s.risk_ratio, 4.0);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.732_652_154_656_290_5);
        assert_close!(Some(ci[1]), 21.838_467_133_842_1);
        assert_eq!(
            s.quartiles
                .iter()
                .map(|q| q.time_to_restore_median_seconds)
                .collect::<Vec<_>>(),
            vec![Some(1_200), None, Some(6_900), Some(8_700)]
        );
        assert_eq!(
            f.headline,
            "The largest quarter of releases (130–160 changed lines) failed 4.0× as often as \
             the smallest (10–40 lines): 100% vs 25% (95% CI 0.73–22; AUC 0.87, p = 0.015; \
             16 releases, 7 had a revert, fix or incident after shipping); per commit too (25% vs 6.2% of commits reverted)."
        );
    }

    // Dataset C of scripts/reference_stats.py mirrored (the largest fail instead of the
    // smallest): max(U1, U2) is the same, so scipy 1.17.1's p is C's, 0.005766120914237261.
    #[test]
    fn bigger_riskier_when_the_smallest_never_failed() {
        let sizes = [10, 70, 20, 120, 30, 60, 40, 110, 50, 90, 80, 100];
        let f = finding(&rows(
            &sizes,
            |_, s| s >= 80,
            |_| 3,
            |_| 1,
            |_, _| Some(86_400),
        ));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::BiggerRiskier);
        assert_close!(s.auc, 1.0);
        assert_close!(s.p_value, 0.005_766_120_914_237_261);
        assert_eq!(
            f.headline,
            "The largest quarter of releases (100–120 changed lines) failed in 100% of cases and \
             the smallest (10–30 lines) never did (no failures in Q1 (n = 3); corrected risk \
             ratio 7.0 (95% CI 0.51–96); AUC 1.00, p = 0.0058; 12 releases, 5 had a revert, fix \
             or incident after shipping); \
             per commit too (33% vs 0% of commits reverted)."
        );
    }

    // "== evidence B" of scripts/reference_stats.py (scipy 1.17.1). Four failures: every number
    // is computed, but the verdict needs five.
    #[test]
    fn four_failures_are_not_enough_evidence() {
        let sizes = [
            700, 100, 1200, 300, 500, 900, 200, 1100, 800, 400, 1000, 600,
        ];
        let f = finding(&rows(
            &sizes,
            |_, s| [100, 500, 800, 1200].contains(&s),
            |_| 5,
            |_| 1,
            |i, _| Some(3600 * (i as i64 + 1)),
        ));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::InsufficientEvidence);
        assert_close!(s.auc, 0.5);
        assert_close!(s.p_value, 1.0);
        assert_close!(s.spearman_rho, 0.0);
        assert_close!(s.restore_vs_size_rho, 0.399_999_999_999_999_97);
        assert_close!(s.risk_ratio, 1.0);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.104_020_064_750_896);
        assert_close!(Some(ci[1]), 9.613_529_874_210_027);
        assert_eq!(
            s.quartiles
                .iter()
                .map(|q| q.time_to_restore_median_seconds)
                .collect::<Vec<_>>(),
            vec![Some(7_200), Some(18_000), Some(32_400), Some(10_800)]
        );
        assert_eq!(
            f.headline,
            "Not enough evidence to relate release size to failure: only 4 of 12 releases had a \
             revert, fix or incident after shipping (at least 5 failures are needed)."
        );
    }

    // "== evidence C" of scripts/reference_stats.py (scipy 1.17.1); the risk ratio there is
    // the Haldane–Anscombe one (no failure in the largest quartile).
    #[test]
    fn smaller_riskier_says_so() {
        let sizes = [10, 70, 20, 120, 30, 60, 40, 110, 50, 90, 80, 100];
        let f = finding(&rows(
            &sizes,
            |_, s| s <= 50,
            |_| 3,
            |_| 1,
            |_, _| Some(86_400),
        ));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::SmallerRiskier);
        assert_close!(s.auc, 0.0);
        assert_close!(s.p_value, 0.005_766_120_914_237_261);
        assert_close!(s.spearman_rho, -0.856_893_070_496_975_4);
        // Every failed release took a day to restore: the correlation is not defined.
        assert_eq!(s.restore_vs_size_rho, None);
        assert_close!(s.risk_ratio, 0.142_857_142_857_142_85);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.010_409_648_192_093_168);
        assert_close!(Some(ci[1]), 1.960_504_609_637_768_7);
        assert_eq!(
            f.headline,
            "In this repository, small releases fail more often than big ones: the smallest \
             quarter of releases (10–30 changed lines) failed in 100% of cases and the largest \
             (100–120 lines) never did (no failures in Q4 (n = 3); corrected risk ratio 0.14 \
             (95% CI 0.010–2.0); AUC 0.00, p = 0.0058; 12 releases, 5 had a revert, fix or \
             incident after shipping)."
        );
    }

    // "== evidence E" of scripts/reference_stats.py (scipy 1.17.1).
    #[test]
    fn smaller_riskier_with_failures_on_both_ends_gives_the_ratio() {
        let sizes: Vec<u64> = (1..=16).map(|i| i * 100).collect();
        let f = finding(&rows(
            &sizes,
            |_, s| s <= 500 || s == 1600,
            |_| 2,
            |_| 1,
            |_, _| None,
        ));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::SmallerRiskier);
        assert_close!(s.auc, 0.166_666_666_666_666_66);
        assert_close!(s.p_value, 0.034_423_814_325_388_775);
        assert_close!(s.spearman_rho, -0.560_112_033_611_203_9);
        assert_eq!(s.restore_vs_size_rho, None);
        assert_eq!(s.quartiles[0].time_to_restore_median_seconds, None);
        assert_eq!(s.quartiles[0].restored, 0);
        assert_close!(s.risk_ratio, 0.25);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.045_790_759_666_018_16);
        assert_close!(Some(ci[1]), 1.364_904_195_865_131_3);
        assert_eq!(
            f.headline,
            "In this repository, small releases fail more often than big ones: the smallest \
             quarter of releases (100–400 changed lines) failed 4.0× as often as the largest \
             (1,300–1,600 lines): 100% vs 25% (95% CI 0.73–22; AUC 0.17, p = 0.034; \
             16 releases, 6 had a revert, fix or incident after shipping)."
        );
    }

    /// Dataset F, G or H of `scripts/reference_stats.py`: sizes 100 to 1,600 in release order,
    /// the sizes in `failed` failed.
    fn hundreds(failed: &[u64]) -> Vec<ReleaseEvidence> {
        let sizes: Vec<u64> = (1..=16).map(|i| i * 100).collect();
        rows(
            &sizes,
            |_, s| failed.contains(&s),
            |_| 2,
            |_| 1,
            |_, _| None,
        )
    }

    // "== evidence F" of scripts/reference_stats.py (scipy 1.17.1): the bug report's "release
    // size does not predict failure" becomes "no clear difference" with the interval.
    #[test]
    fn a_null_result_with_enough_failures_is_no_clear_difference() {
        let f = finding(&hundreds(&[100, 400, 700, 1000, 1300, 1600]));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::NoClearDifference);
        assert_close!(s.auc, 0.5);
        assert_close!(s.p_value, 1.0);
        assert_close!(s.risk_ratio, 1.0);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.250_097_653_259_906_35);
        assert_close!(Some(ci[1]), 3.998_438_157_917_381_6);
        assert!(!s.risk_ratio_corrected);
        assert_eq!(s.peak_quartile, None);
        assert_eq!(
            f.headline,
            "No clear difference between big and small releases at this sample size: the \
             largest quarter of releases (1,300–1,600 changed lines) failed in 50% of cases and \
             the smallest (100–400 lines) in 50% (risk ratio 1.0 (95% CI 0.25–4.0); AUC 0.50, \
             p = 1.0; 16 releases, 6 had a revert, fix or incident after shipping)."
        );
        assert!(!f.headline.contains("does not predict"));
    }

    // "== evidence G" of scripts/reference_stats.py (scipy 1.17.1): 4 of 5 failures in Q3, as
    // on tokio's crate stream (7 of 8 in Q3), where the headline compared Q4 with Q1.
    #[test]
    fn failures_gathered_in_a_middle_quartile_are_named() {
        let f = finding(&hundreds(&[300, 900, 1000, 1100, 1200]));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::NoClearDifference);
        assert_close!(s.auc, 0.545_454_545_454_545_4);
        assert_close!(s.p_value, 0.820_753_087_882_978_6);
        assert_eq!(s.peak_quartile, Some(3));
        assert!(s.risk_ratio_corrected);
        assert_close!(s.risk_ratio, 0.333_333_333_333_333_37);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.017_432_362_885_002_09);
        assert_close!(Some(ci[1]), 6.373_841_104_851_336);
        assert_eq!(
            f.headline,
            "No clear difference between big and small releases at this sample size: failures \
             gathered in the third quarter of sizes (900–1,200 lines), where 100% of releases \
             failed (4 of 4), against 25% of the smallest and 0% of the largest (largest vs \
             smallest quarter: no failures in Q4 (n = 4); corrected risk ratio 0.33 (95% CI \
             0.017–6.4); AUC 0.55, p = 0.82; 16 releases, 5 had a revert, fix or incident after \
             shipping)."
        );
    }

    // "== evidence H" of scripts/reference_stats.py (scipy 1.17.1): the bug report's "9.00 (95%
    // CI 0.49–164.76)" as if 9× were a finding; a zero cell is said in words.
    #[test]
    fn a_zero_cell_is_said_in_words() {
        let f = finding(&hundreds(&[500, 800, 1000, 1400, 1600]));
        let s = &f.size_vs_failure;
        assert_eq!(s.verdict, Verdict::NoClearDifference);
        assert_close!(s.auc, 0.690_909_090_909_090_9);
        assert_close!(s.p_value, 0.257_263_655_331_300_24);
        assert_close!(s.risk_ratio, 5.0);
        let ci = s.risk_ratio_ci95.expect("defined");
        assert_close!(Some(ci[0]), 0.312_744_180_830_561_77);
        assert_close!(Some(ci[1]), 79.937_538_513_448_71);
        assert!(s.risk_ratio_corrected);
        assert_eq!(s.peak_quartile, None, "Q2 is not above Q4");
        assert_eq!(
            f.headline,
            "No clear difference between big and small releases at this sample size: the \
             largest quarter of releases (1,300–1,600 changed lines) failed in 50% of cases and \
             the smallest (100–400 lines) in 0% (no failures in Q1 (n = 4); corrected risk \
             ratio 5.0 (95% CI 0.31–80); AUC 0.69, p = 0.26; 16 releases, 5 had a revert, fix \
             or incident after shipping)."
        );
    }

    #[test]
    fn failures_that_cannot_be_seen_are_not_evidence() {
        let rows = hundreds(&[]);
        let s = size_vs_failure(&rows, false);
        assert_eq!(s.verdict, Verdict::InsufficientEvidence);
        let looked_for = ["fix".to_string(), "incident".into(), "revert".into()];
        let headline = crate::report::headline::sentence(
            &s,
            &crate::report::headline::Signals {
                looked_for: &looked_for,
                seen: &[],
                incident_linked_only: false,
            },
        );
        assert_eq!(
            headline,
            "Failures cannot be seen in this repository (no revert, no Fixes: trailer and no \
             incidents file), so release size cannot be related to failure."
        );
        // Enough failures but invisible signals cannot happen; the flag alone decides.
        let many = hundreds(&[100, 400, 700, 1000, 1300, 1600]);
        assert_eq!(
            size_vs_failure(&many, false).verdict,
            Verdict::InsufficientEvidence
        );
        assert_eq!(
            size_vs_failure(&many, true).verdict,
            Verdict::NoClearDifference
        );
    }

    #[test]
    fn insufficient_evidence_names_the_missing_counts() {
        let few = rows(
            &[10, 20, 30, 40, 50],
            |i, _| i == 0,
            |_| 1,
            |_| 1,
            |_, _| Some(1),
        );
        let f = finding(&few);
        assert_eq!(f.size_vs_failure.verdict, Verdict::InsufficientEvidence);
        // The numbers that exist are still computed.
        assert_eq!(f.size_vs_failure.quartiles.len(), 4);
        assert!(f.size_vs_failure.auc.is_some());
        assert_eq!(
            f.headline,
            "Not enough evidence to relate release size to failure: only 5 releases have a \
             previous release to compare with (at least 8 are needed), and only 1 of them had a \
             revert, fix or incident after shipping (at least 5 failures are needed)."
        );

        let one = rows(&[10], |_, _| true, |_| 1, |_| 1, |_, _| Some(1));
        let f = finding(&one);
        assert_eq!(f.size_vs_failure.quartiles.len(), 1);
        assert_eq!(f.size_vs_failure.risk_ratio, None);
        assert_eq!(f.size_vs_failure.auc, None);
        assert_eq!(
            f.headline,
            "Not enough evidence to relate release size to failure: only 1 release has a \
             previous release to compare with (at least 8 are needed), and only 1 of them had a \
             revert, fix or incident after shipping (at least 5 failures are needed)."
        );

        let many: Vec<u64> = (1..=2_000).collect();
        // The bug report: fzf's 3 failures of 171 releases read "release size does not
        // predict failure" (AUC 0.54, p = 0.81). Three failures are not evidence either way.
        let f = finding(&rows(&many, |i, _| i < 3, |_| 1, |_| 1, |_, _| Some(1)));
        assert_eq!(f.size_vs_failure.verdict, Verdict::InsufficientEvidence);
        assert!(
            f.size_vs_failure.auc.is_some(),
            "the numbers are still computed"
        );
        assert_eq!(
            f.headline,
            "Not enough evidence to relate release size to failure: only 3 of 2,000 releases \
             had a revert, fix or incident after shipping (at least 5 failures are needed)."
        );
        let f = finding(&rows(&many, |i, _| i < 5, |_| 1, |_| 1, |_, _| Some(1)));
        assert_ne!(
            f.size_vs_failure.verdict,
            Verdict::InsufficientEvidence,
            "five failures are enough"
        );
        let f = finding(&rows(&many[..9], |_, _| false, |_| 1, |_| 1, |_, _| None));
        assert_eq!(f.size_vs_failure.spearman_rho, None);
        assert_eq!(f.size_vs_failure.risk_ratio, None);
        assert_eq!(
            f.headline,
            "Not enough evidence to relate release size to failure: none of 9 releases had a \
             revert, fix or incident after shipping (at least 5 failures are needed)."
        );
        let f = finding(&rows(&many[..9], |_, _| true, |_| 1, |_| 1, |_, _| None));
        assert_eq!(f.size_vs_failure.verdict, Verdict::InsufficientEvidence);
        assert_eq!(
            f.headline,
            "Not enough evidence to relate release size to failure: all 9 releases had a \
             revert, fix or incident after shipping, so there is no clean release to compare \
             with."
        );
        let f = finding(&[]);
        assert!(f.size_vs_failure.quartiles.is_empty());
        assert_eq!(
            f.headline,
            "Not enough evidence to relate release size to failure: no release has a previous \
             release to measure its size against."
        );
    }
}
