//! Order statistics used across the analysis.

/// The `p`-quantile (0 ≤ p ≤ 1) of `values` with linear interpolation between closest ranks
/// (numpy's default, "type 7"). `None` for no values.
#[must_use]
pub fn quantile(values: &[i64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let h = (v.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(v[lo] as f64 + (h - lo as f64) * (v[hi] as f64 - v[lo] as f64))
}

/// The median, rounded to whole seconds (or units).
#[must_use]
pub fn median_i64(values: &[i64]) -> Option<i64> {
    quantile(values, 0.5).map(|m| m.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [50, 90]) == [2.5, 3.7]
        assert_eq!(quantile(&[4, 1, 3, 2], 0.5), Some(2.5));
        let p90 = quantile(&[1, 2, 3, 4], 0.9).unwrap_or_default();
        assert!((p90 - 3.7).abs() < 1e-9);
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(median_i64(&[7]), Some(7));
    }
}
