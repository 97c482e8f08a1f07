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


# ---------------------------------------------------------------------------------------------
# Datasets of src/analysis/evidence.rs tests: every number of SizeVsFailure, computed here with
# numpy/scipy and the quartile rule restated independently (rank r of (size, position) -> 4r//n).
def evidence(name, sizes, failed, commits, reverted, ttr):
    n = len(sizes)
    order = sorted(range(n), key=lambda i: (sizes[i], i))
    quart = [0] * n
    for r, i in enumerate(order):
        quart[i] = 4 * r // n
    print(f"== evidence {name}")
    for k in range(4):
        idx = [i for i in range(n) if quart[i] == k]
        if not idx:
            continue
        f = sum(failed[i] for i in idx)
        t = [ttr[i] for i in idx if failed[i] and ttr[i] is not None]
        c = sum(commits[i] for i in idx)
        rc = sum(reverted[i] for i in idx)
        print(f"  q{k + 1}: min {min(sizes[i] for i in idx)} max {max(sizes[i] for i in idx)} "
              f"releases {len(idx)} failed {f} rate {f / len(idx)!r} "
              f"ttr_median {None if not t else float(np.median(t))!r} restored {len(t)} "
              f"commits {c} reverted {rc} per_commit {rc / c if c else None!r}")
    x = [s for s, f in zip(sizes, failed) if f]
    y = [s for s, f in zip(sizes, failed) if not f]
    if x and y:
        r = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                               use_continuity=True)
        show("  auc", float(r.statistic) / (len(x) * len(y)))
        show("  p", float(r.pvalue))
    show("  spearman size~failed", float(stats.spearmanr(sizes, [int(f) for f in failed]).statistic))
    pairs = [(s, t) for s, f, t in zip(sizes, failed, ttr) if f and t is not None]
    if len(pairs) >= 2:
        show("  spearman size~ttr", float(stats.spearmanr([p[0] for p in pairs], [p[1] for p in pairs]).statistic))
    q1 = [i for i in range(n) if quart[i] == 0]
    q4 = [i for i in range(n) if quart[i] == 3]
    a, c = sum(failed[i] for i in q4), sum(failed[i] for i in q1)
    if a and c:
        rr = relative_risk(a, len(q4), c, len(q1))
        ci = rr.confidence_interval(0.95)
        show("  rr", (float(rr.relative_risk), float(ci.low), float(ci.high)))
    elif a or c:
        show("  rr (haldane)", haldane(a, len(q4), c, len(q1)))


# A: the Mann-Whitney "larger" samples above, interleaved in release order.
A_SIZES = [40, 120, 300, 4500, 120, 75, 880, 2200, 510, 2300, 96, 1800, 33, 15000, 410, 260,
           640, 880, 150, 3100, 5, 640, 910, 1200]
A_FAILED = [i in (1, 3, 6, 9, 13, 16, 19, 22) for i in range(24)]
evidence(
    "A",
    A_SIZES,
    A_FAILED,
    [s // 100 + 2 for s in A_SIZES],
    [(3 if i == 13 else 1) if A_FAILED[i] else 0 for i in range(24)],
    [None if i == 22 else (s * 30 if A_FAILED[i] else None) for i, s in enumerate(A_SIZES)],
)
# B: failures spread evenly over sizes (AUC 0.5).
B_SIZES = [700, 100, 1200, 300, 500, 900, 200, 1100, 800, 400, 1000, 600]
B_FAILED = [s in (100, 500, 800, 1200) for s in B_SIZES]
evidence("B", B_SIZES, B_FAILED, [5] * 12, [int(f) for f in B_FAILED],
         [3600 * (i + 1) if f else None for i, f in enumerate(B_FAILED)])
# C: the smallest releases fail.
C_SIZES = [10, 70, 20, 120, 30, 60, 40, 110, 50, 90, 80, 100]
C_FAILED = [s <= 50 for s in C_SIZES]
evidence("C", C_SIZES, C_FAILED, [3] * 12, [int(f) for f in C_FAILED],
         [86400 if f else None for f in C_FAILED])
# D: the biggest releases fail, and per commit too (every release holds 4 commits).
D_SIZES = [30, 160, 10, 140, 60, 20, 120, 90, 150, 40, 110, 70, 130, 50, 100, 80]
D_FAILED = [s in (20, 110, 120, 130, 140, 150, 160) for s in D_SIZES]
evidence("D", D_SIZES, D_FAILED, [4] * 16, [int(f) for f in D_FAILED],
         [s * 60 if f else None for s, f in zip(D_SIZES, D_FAILED)])
# E: the smallest releases fail, one of the largest too (a plain risk ratio).
E_SIZES = [100 * (i + 1) for i in range(16)]
E_FAILED = [s <= 500 or s == 1600 for s in E_SIZES]
evidence("E", E_SIZES, E_FAILED, [2] * 16, [int(f) for f in E_FAILED], [None] * 16)
# F: a null result with enough failures: 6 of 16 spread over every quartile.
F_SIZES = [100 * (i + 1) for i in range(16)]
F_FAILED = [s in (100, 400, 700, 1000, 1300, 1600) for s in F_SIZES]
evidence("F", F_SIZES, F_FAILED, [2] * 16, [int(f) for f in F_FAILED], [None] * 16)
# G: failures gather in the third quartile (4 of 5), as on tokio's crate stream.
G_SIZES = [100 * (i + 1) for i in range(16)]
G_FAILED = [s in (300, 900, 1000, 1100, 1200) for s in G_SIZES]
evidence("G", G_SIZES, G_FAILED, [2] * 16, [int(f) for f in G_FAILED], [None] * 16)
# H: a null result with no failure in the smallest quartile (a zero cell).
H_SIZES = [100 * (i + 1) for i in range(16)]
H_FAILED = [s in (500, 800, 1000, 1400, 1600) for s in H_SIZES]
evidence("H", H_SIZES, H_FAILED, [2] * 16, [int(f) for f in H_FAILED], [None] * 16)
