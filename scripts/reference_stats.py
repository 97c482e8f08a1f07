#!/usr/bin/env python3
"""Reference values for the unit tests of src/analysis/stats.rs.

Run: pip install scipy numpy && python3 scripts/reference_stats.py
The printed values are pasted into the tests with full precision; each test names this
script and the scipy/numpy versions that produced them.
"""
import numpy as np
import scipy
from scipy import stats
from scipy.stats.contingency import relative_risk

print(f"scipy {scipy.__version__}, numpy {np.__version__}")


def show(label, value):
    print(f"{label}: {value!r}")


# Percentiles: numpy's default method ("linear").
for values, p in [
    ([1, 2, 3, 4], 90),
    ([15, 20, 35, 40, 50], 40),
    ([7], 90),
    ([5, 1, 5, 3, 5, 9, 2], 50),
    ([5, 1, 5, 3, 5, 9, 2], 90),
    ([3600, 7200, 86400, 90000], 90),
    ([3600, 7200, 86400, 90000], 50),
    ([10, 20], 0),
    ([10, 20], 100),
]:
    show(f"percentile({values}, {p})", float(np.percentile(values, p)))

# Average ranks.
show("rankdata([10, 20, 10, 30, 20, 20])", stats.rankdata([10, 20, 10, 30, 20, 20]).tolist())

# Mann-Whitney U, two-sided, asymptotic, continuity correction. AUC = U1 / (n1 n2).
MWU = {
    "no_ties": ([10, 20, 30, 40, 50], [5, 15, 25]),
    "ties": ([3, 3, 5, 7, 7, 9], [1, 3, 3, 4, 7]),
    "n1": ([5], [3]),
    "all_equal": ([2, 2], [2, 2, 2]),
    "smaller": ([1, 2, 2, 4], [3, 5, 6, 6, 8, 9, 12]),
    "larger": (
        [120, 4500, 880, 2300, 15000, 640, 3100, 910],
        [40, 300, 120, 75, 2200, 510, 96, 1800, 33, 410, 260, 880, 150, 5, 640, 1200],
    ),
}
for name, (x, y) in MWU.items():
    r = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    show(f"mwu {name} U1", float(r.statistic))
    show(f"mwu {name} auc", float(r.statistic) / (len(x) * len(y)))
    show(f"mwu {name} p", float(r.pvalue))

# Spearman's rho (average ranks for ties).
SP = {
    "ties": ([1, 2, 2, 3, 4, 4, 5], [2, 1, 4, 3, 6, 5, 5]),
    "binary": ([120, 4500, 880, 2300, 15000, 640, 3100, 910, 40, 300], [0, 1, 0, 1, 1, 0, 0, 1, 0, 0]),
    "two": ([1, 2], [5, 3]),
    "perfect": ([1, 2, 3, 4], [10, 20, 30, 40]),
}
for name, (x, y) in SP.items():
    show(f"spearman {name}", float(stats.spearmanr(x, y).statistic))
show("spearman constant", float(stats.spearmanr([1, 2, 3], [4, 4, 4]).statistic))

# Risk ratio with the Katz log interval.
for a, n1, c, n2 in [(8, 25, 2, 25), (3, 10, 1, 30), (10, 10, 5, 10)]:
    rr = relative_risk(a, n1, c, n2)
    ci = rr.confidence_interval(0.95)
    show(f"rr {a}/{n1} vs {c}/{n2}", (float(rr.relative_risk), float(ci.low), float(ci.high)))


def haldane(a, n1, c, n2):
    """Katz interval after adding 0.5 to each of the four cells (scipy's relative_risk takes
    integers only, so the corrected table is computed here by the same formula)."""
    a, b, c, d = a + 0.5, n1 - a + 0.5, c + 0.5, n2 - c + 0.5
    rr = (a / (a + b)) / (c / (c + d))
    se = np.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    z = stats.norm.ppf(0.975)
    return float(rr), float(rr * np.exp(-z * se)), float(rr * np.exp(z * se))


show("z 0.975", float(stats.norm.ppf(0.975)))
for a, n1, c, n2 in [(5, 20, 0, 20), (0, 12, 4, 12)]:
    show(f"rr haldane {a}/{n1} vs {c}/{n2}", haldane(a, n1, c, n2))
# Check of the formula against scipy on a table without zero cells.
show("rr formula check 8/25 vs 2/25 (no correction)", (lambda a, n1, c, n2: (
    (a / n1) / (c / n2),
    (a / n1) / (c / n2) * np.exp(-stats.norm.ppf(0.975) * np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)),
))(8, 25, 2, 25))

# Normal tail far out (precision of erfc).
from scipy.special import ndtr
show("ndtr(-8)", float(ndtr(-8.0)))
