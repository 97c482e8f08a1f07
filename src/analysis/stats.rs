//! The statistics behind the small-changes argument: medians and percentiles, ranks, the
//! Mann–Whitney test, Spearman's rho, the risk ratio with its confidence interval, and the
//! assignment of releases to size quartiles.
//!
//! Every function is pure and answers `None` where the statistic is not defined (no values,
//! a constant side) instead of a made-up number. The definitions follow numpy and scipy, and
//! the tests pin them against values that `scripts/reference_stats.py` printed with scipy.
//! NaN never comes from git-cadence's inputs; sorting uses [`f64::total_cmp`] so that it
//! could not panic if one did.

/// The 97.5th percentile of the standard normal distribution (scipy `norm.ppf(0.975)`).
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Median of `values` (numpy `median`: the mean of the two middle values for an even count).
#[must_use]
pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}

/// Median of integer values (seconds), rounded to the nearest integer, halves away from zero.
#[must_use]
pub fn median_i64(values: &[i64]) -> Option<i64> {
    percentile_i64(values, 50.0)
}

/// The `p`th percentile (0–100) with linear interpolation between the closest ranks, numpy's
/// default (`method="linear"`): on the sorted values `x`, at `h = (n - 1) p / 100`,
/// `x[⌊h⌋] + (h - ⌊h⌋) (x[⌊h⌋ + 1] - x[⌊h⌋])`. `p` outside 0–100 is clamped.
#[must_use]
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    percentile_sorted(&sorted, p)
}

/// [`percentile`] of integer values (seconds), rounded to the nearest integer, halves away
/// from zero. Values are converted to `f64`, exact below 2^53 (any time in seconds is).
#[must_use]
pub fn percentile_i64(values: &[i64], p: f64) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let as_f64: Vec<f64> = sorted.iter().map(|&v| v as f64).collect();
    percentile_sorted(&as_f64, p).map(|v| v.round() as i64)
}

/// [`percentile`] of values that are already sorted ascending.
#[must_use]
pub fn percentile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * (p.clamp(0.0, 100.0) / 100.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = h - lo as f64;
    Some(sorted[lo] + frac * (sorted[hi] - sorted[lo]))
}

/// Ranks 1..=n of `values`, ties given the average of the ranks they span (scipy `rankdata`
/// with `method="average"`).
#[must_use]
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    average_ranks_with_ties(values).0
}

/// Average ranks and the sizes of the groups of tied values (groups of one included).
fn average_ranks_with_ties(values: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut ties = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]].total_cmp(&values[order[start]]).is_eq() {
            end += 1;
        }
        // Ranks start..end (0-based) are start+1..=end; their mean is (start + 1 + end) / 2.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        ties.push(end - start);
        start = end;
    }
    (ranks, ties)
}

/// Result of a two-sided Mann–Whitney U test of `x` against `y`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MannWhitney {
    /// U of `x`: the number of pairs (x, y) with x > y, ties counting ½.
    pub u: f64,
    /// `u / (n_x n_y)`: the probability that a value of `x` is larger than one of `y`, ties
    /// counting ½ (the area under the ROC curve).
    pub auc: f64,
    /// Two-sided p-value from the normal approximation with tie and continuity correction.
    pub p_value: f64,
}

/// The Mann–Whitney U test, as scipy's
/// `mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)`
/// computes it: `z = (max(U_x, U_y) - n_x n_y / 2 - ½) / σ` with the tie-corrected
/// `σ² = n_x n_y / 12 · ((n + 1) - Σ(t³ - t) / (n (n - 1)))`, `p = 2 Φ(-z)` clipped to 1.
/// When every value is tied σ is 0, nothing tells the samples apart, and p is 1 (scipy's
/// answer too). `None` when either sample is empty.
#[must_use]
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<MannWhitney> {
    if x.is_empty() || y.is_empty() {
        return None;
    }
    let (n1, n2) = (x.len() as f64, y.len() as f64);
    let n = n1 + n2;
    let all: Vec<f64> = x.iter().chain(y).copied().collect();
    let (ranks, ties) = average_ranks_with_ties(&all);
    let r1: f64 = ranks[..x.len()].iter().sum();
    let u1 = r1 - n1 * (n1 + 1.0) / 2.0;
    let u2 = n1 * n2 - u1;
    let tie_term: f64 = ties
        .iter()
        .map(|&t| {
            let t = t as f64;
            t * t * t - t
        })
        .sum();
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    let p_value = if variance > 0.0 {
        let z = (u1.max(u2) - n1 * n2 / 2.0 - 0.5) / variance.sqrt();
        (2.0 * normal_sf(z)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    Some(MannWhitney {
        u: u1,
        auc: u1 / (n1 * n2),
        p_value,
    })
}

/// Survival function of the standard normal distribution, `P(Z > z)`.
#[must_use]
pub fn normal_sf(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Spearman's rank correlation (scipy `spearmanr`): Pearson's correlation of the average
/// ranks. `None` when the slices differ in length, hold fewer than two pairs, or either side
/// is constant (the correlation is not defined; scipy answers NaN).
#[must_use]
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    pearson(&average_ranks(x), &average_ranks(y))
}

/// Pearson's correlation; `None` when either side has no variance.
fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// A risk ratio and its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RiskRatio {
    pub ratio: f64,
    pub ci95: [f64; 2],
    /// Whether ½ was added to every cell (see [`risk_ratio`]).
    pub corrected: bool,
}

/// Risk ratio of `a / n1` (exposed: e.g. failed releases of the largest quartile) to
/// `c / n2` (control: the smallest quartile), with the 95% interval of Katz's log method:
/// `exp(ln RR ± 1.96 · √(1/a − 1/n1 + 1/c − 1/n2))` — what scipy's
/// `relative_risk(a, n1, c, n2).confidence_interval(0.95)` gives.
///
/// Zero cells: when `a` or `c` is 0 the log method is undefined (RR is 0 or infinite), so ½ is
/// added to all four cells (Haldane–Anscombe), for the ratio and its interval alike, and
/// `corrected` says so. A zero among the non-failures (every release of a group failed) leaves
/// the method defined, and then no correction is made, so the ratio stays the plain ratio of
/// the two observed rates and matches scipy.
///
/// `None` when a group is empty, counts are inconsistent (`a > n1`), or neither group has a
/// single failure (0 vs 0 carries no information about a ratio).
#[must_use]
pub fn risk_ratio(a: u64, n1: u64, c: u64, n2: u64) -> Option<RiskRatio> {
    if n1 == 0 || n2 == 0 || a > n1 || c > n2 || (a == 0 && c == 0) {
        return None;
    }
    let corrected = a == 0 || c == 0;
    let half = if corrected { 0.5 } else { 0.0 };
    let exposed_cases = a as f64 + half;
    let exposed_total = n1 as f64 + 2.0 * half;
    let control_cases = c as f64 + half;
    let control_total = n2 as f64 + 2.0 * half;
    let ratio = (exposed_cases / exposed_total) / (control_cases / control_total);
    let se = (1.0 / exposed_cases - 1.0 / exposed_total + 1.0 / control_cases
        - 1.0 / control_total)
        .sqrt();
    Some(RiskRatio {
        ratio,
        ci95: [ratio * (-Z_975 * se).exp(), ratio * (Z_975 * se).exp()],
        corrected,
    })
}

/// Assigns each of `sizes` (in release order) a size quartile 0..=3.
///
/// Rank-based and deterministic, ties included: sort the releases by size, ties by release
/// order (their position in `sizes`), give them ranks `r = 0..n`, and put rank `r` in quartile
/// `⌊4r / n⌋`. The four groups are as equal as possible (sizes differ by at most one), and with
/// fewer than four releases some quartiles are empty. Releases of equal size can fall on both
/// sides of a boundary; each quartile reports its own minimum and maximum so that a reader sees
/// the overlap.
#[must_use]
pub fn size_quartiles(sizes: &[u64]) -> Vec<u8> {
    let n = sizes.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (sizes[i], i));
    let mut quartile = vec![0u8; n];
    for (rank, &i) in order.iter().enumerate() {
        quartile[i] = (4 * rank / n) as u8;
    }
    quartile
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative closeness, for values scipy computed in floating point.
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {{
            let (a, b): (f64, f64) = ($a, $b);
            assert!(close(a, b), "{a} != {b}");
        }};
    }

    // Percentile references: numpy.percentile (linear), printed by
    // scripts/reference_stats.py with numpy 2.4.6 / scipy 1.17.1.
    #[test]
    fn percentile_matches_numpy_linear() {
        assert_close!(
            percentile(&[1.0, 2.0, 3.0, 4.0], 90.0).expect("defined"),
            3.7
        );
        assert_close!(
            percentile(&[15.0, 20.0, 35.0, 40.0, 50.0], 40.0).expect("defined"),
            29.0
        );
        assert_close!(percentile(&[7.0], 90.0).expect("defined"), 7.0);
        let ties = [5.0, 1.0, 5.0, 3.0, 5.0, 9.0, 2.0];
        assert_close!(percentile(&ties, 50.0).expect("defined"), 5.0);
        assert_close!(
            percentile(&ties, 90.0).expect("defined"),
            6.600_000_000_000_001
        );
        assert_close!(percentile(&[10.0, 20.0], 0.0).expect("defined"), 10.0);
        assert_close!(percentile(&[10.0, 20.0], 100.0).expect("defined"), 20.0);
        assert_eq!(percentile(&[], 50.0), None);
    }

    // numpy.percentile([3600, 7200, 86400, 90000], 90) = 88920.0 and 50 -> 46800.0
    // (scripts/reference_stats.py, numpy 2.4.6).
    #[test]
    fn integer_percentiles_and_medians_round_to_seconds() {
        let secs = [90_000, 3_600, 86_400, 7_200];
        assert_eq!(percentile_i64(&secs, 90.0), Some(88_920));
        assert_eq!(median_i64(&secs), Some(46_800));
        // Halves round away from zero: median of 1 and 2 is 1.5.
        assert_eq!(median_i64(&[1, 2]), Some(2));
        assert_eq!(median_i64(&[42]), Some(42));
        assert_eq!(median_i64(&[]), None);
        assert_close!(median(&[4.0, 1.0, 3.0, 2.0]).expect("defined"), 2.5);
    }

    // scipy.stats.rankdata([10, 20, 10, 30, 20, 20]) = [1.5, 4, 1.5, 6, 4, 4]
    // (scripts/reference_stats.py, scipy 1.17.1).
    #[test]
    fn ties_get_average_ranks() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 10.0, 30.0, 20.0, 20.0]),
            vec![1.5, 4.0, 1.5, 6.0, 4.0, 4.0]
        );
        assert!(average_ranks(&[]).is_empty());
    }

    fn f(v: &[i32]) -> Vec<f64> {
        v.iter().map(|&x| f64::from(x)).collect()
    }

    // All Mann–Whitney references: scipy.stats.mannwhitneyu(x, y, alternative="two-sided",
    // method="asymptotic", use_continuity=True); AUC = statistic / (n1 n2). Printed by
    // scripts/reference_stats.py with scipy 1.17.1.
    #[test]
    fn mann_whitney_without_ties() {
        let r = mann_whitney(&f(&[10, 20, 30, 40, 50]), &f(&[5, 15, 25])).expect("defined");
        assert_close!(r.u, 12.0);
        assert_close!(r.auc, 0.8);
        assert_close!(r.p_value, 0.233_037_982_273_905_38);
    }

    #[test]
    fn mann_whitney_with_ties() {
        let r = mann_whitney(&f(&[3, 3, 5, 7, 7, 9]), &f(&[1, 3, 3, 4, 7])).expect("defined");
        assert_close!(r.u, 22.0);
        assert_close!(r.auc, 0.733_333_333_333_333_3);
        assert_close!(r.p_value, 0.220_049_972_929_917_9);
    }

    #[test]
    fn mann_whitney_small_and_degenerate_samples() {
        let one = mann_whitney(&[5.0], &[3.0]).expect("defined");
        assert_close!(one.auc, 1.0);
        assert_close!(one.p_value, 1.0);
        // Every value tied: sigma is 0; scipy answers p = 1.
        let equal = mann_whitney(&[2.0, 2.0], &[2.0, 2.0, 2.0]).expect("defined");
        assert_close!(equal.u, 3.0);
        assert_close!(equal.auc, 0.5);
        assert_close!(equal.p_value, 1.0);
        assert_eq!(mann_whitney(&[], &[1.0]), None);
        assert_eq!(mann_whitney(&[1.0], &[]), None);
    }

    #[test]
    fn mann_whitney_both_directions() {
        let smaller =
            mann_whitney(&f(&[1, 2, 2, 4]), &f(&[3, 5, 6, 6, 8, 9, 12])).expect("defined");
        assert_close!(smaller.u, 1.0);
        assert_close!(smaller.auc, 0.035_714_285_714_285_71);
        assert_close!(smaller.p_value, 0.017_639_995_948_672_36);
        let larger = mann_whitney(
            &f(&[120, 4500, 880, 2300, 15000, 640, 3100, 910]),
            &f(&[
                40, 300, 120, 75, 2200, 510, 96, 1800, 33, 410, 260, 880, 150, 5, 640, 1200,
            ]),
        )
        .expect("defined");
        assert_close!(larger.u, 106.5);
        assert_close!(larger.auc, 0.832_031_25);
        assert_close!(larger.p_value, 0.010_063_398_094_345_317);
    }

    // scipy.stats.spearmanr(x, y).statistic (scripts/reference_stats.py, scipy 1.17.1); scipy
    // answers NaN for a constant side, which is None here.
    #[test]
    fn spearman_matches_scipy() {
        let ties =
            spearman(&f(&[1, 2, 2, 3, 4, 4, 5]), &f(&[2, 1, 4, 3, 6, 5, 5])).expect("defined");
        assert_close!(ties, 0.798_198_729_716_611_5);
        let binary = spearman(
            &f(&[120, 4500, 880, 2300, 15000, 640, 3100, 910, 40, 300]),
            &f(&[0, 1, 0, 1, 1, 0, 0, 1, 0, 0]),
        )
        .expect("defined");
        assert_close!(binary, 0.710_669_054_518_701_4);
        assert_close!(spearman(&[1.0, 2.0], &[5.0, 3.0]).expect("defined"), -1.0);
        assert_close!(
            spearman(&f(&[1, 2, 3, 4]), &f(&[10, 20, 30, 40])).expect("defined"),
            1.0
        );
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[4.0, 4.0, 4.0]), None);
        assert_eq!(spearman(&[1.0], &[4.0]), None);
        assert_eq!(spearman(&[1.0, 2.0], &[4.0]), None);
    }

    // scipy.stats.contingency.relative_risk(a, n1, c, n2) and .confidence_interval(0.95)
    // (Katz), scripts/reference_stats.py, scipy 1.17.1.
    #[test]
    fn risk_ratio_matches_scipy_katz() {
        let rr = risk_ratio(8, 25, 2, 25).expect("defined");
        assert_close!(rr.ratio, 4.0);
        assert_close!(rr.ci95[0], 0.941_169_798_732_475_5);
        assert_close!(rr.ci95[1], 17.000_120_511_248_948);
        assert!(!rr.corrected);
        let rr = risk_ratio(3, 10, 1, 30).expect("defined");
        assert_close!(rr.ratio, 9.0);
        assert_close!(rr.ci95[0], 1.051_472_544_342_289_7);
        assert_close!(rr.ci95[1], 77.034_821_722_964_34);
        // Every release of the first group failed: a zero non-failure cell, no correction.
        let rr = risk_ratio(10, 10, 5, 10).expect("defined");
        assert_close!(rr.ratio, 2.0);
        assert_close!(rr.ci95[0], 1.076_109_420_254_179_2);
        assert_close!(rr.ci95[1], 3.717_094_121_390_734);
        assert!(!rr.corrected);
    }

    // Zero failure cells: the Katz formula on the table with 0.5 added to each cell, computed
    // by `haldane()` in scripts/reference_stats.py (scipy 1.17.1's relative_risk takes
    // integers only; the same formula reproduces scipy on 8/25 vs 2/25 there).
    #[test]
    fn risk_ratio_zero_cells_use_haldane_anscombe() {
        let rr = risk_ratio(5, 20, 0, 20).expect("defined");
        assert!(rr.corrected);
        assert_close!(rr.ratio, 11.000_000_000_000_002);
        assert_close!(rr.ci95[0], 0.648_383_723_496_062_7);
        assert_close!(rr.ci95[1], 186.617_886_315_178);
        let rr = risk_ratio(0, 12, 4, 12).expect("defined");
        assert_close!(rr.ratio, 0.111_111_111_111_111_12);
        assert_close!(rr.ci95[0], 0.006_630_895_852_786_6);
        assert_close!(rr.ci95[1], 1.861_841_791_280_355_3);
        assert_eq!(risk_ratio(0, 12, 0, 12), None);
        assert_eq!(risk_ratio(1, 0, 0, 12), None);
        assert_eq!(risk_ratio(3, 2, 1, 12), None);
    }

    #[test]
    fn quartiles_split_by_rank_with_release_order_breaking_ties() {
        // Ten releases: groups of 3, 2, 3, 2 by rank.
        let sizes = [50, 10, 10, 400, 30, 10, 900, 30, 70, 5];
        // Sorted by (size, position): 5@9, 10@1, 10@2, 10@5, 30@4, 30@7, 50@0, 70@8, 400@3, 900@6
        // ranks 0..9 -> quartiles 0,0,0,1,1,2,2,2,3,3.
        assert_eq!(size_quartiles(&sizes), vec![2, 0, 0, 3, 1, 1, 3, 2, 2, 0]);
        assert_eq!(size_quartiles(&[7]), vec![0]);
        assert_eq!(size_quartiles(&[7, 3]), vec![2, 0]);
        assert_eq!(size_quartiles(&[1, 1, 1, 1]), vec![0, 1, 2, 3]);
        assert!(size_quartiles(&[]).is_empty());
    }

    #[test]
    fn normal_tail_is_accurate_far_out() {
        // scipy.special.ndtr(-8) = 6.22096057427174e-16 (scripts/reference_stats.py); erfc keeps the relative precision.
        assert!((normal_sf(8.0) / 6.220_960_574_271_74e-16 - 1.0).abs() < 1e-12);
        assert_close!(normal_sf(0.0), 0.5);
    }
}
