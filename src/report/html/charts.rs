//! The charts of the HTML report, one function each. Every chart is a `<figure>` with a title,
//! a one-line reading, an SVG with `<title>` and `<desc>` (the text alternative), axis titles
//! with units and an HTML legend. Colours are the Okabe–Ito palette (readable with every
//! common colour-vision deficiency) and every series also differs by shape, dash or hatch.

use maud::{html, Markup};

use super::svg::{
    axes, decade_ticks, duration_ticks, hatch, legend_key, linear_ticks, marker, n, time_ticks,
    Axis, Frame, Scale, Shape,
};
use crate::report::model::{Quartile, ReleaseRow, Report};
use crate::report::text::{duration, opt_duration, opt_float, percent, thousands};

const DAY: f64 = 86_400.0;

/// The signals that fail a release, as the charts draw them: name, shape, CSS class.
const SIGNALS: [(&str, Shape, &str); 3] = [
    ("revert", Shape::Cross, "sig-revert"),
    ("fix", Shape::Triangle, "sig-fix"),
    ("incident", Shape::Diamond, "sig-incident"),
];

/// Shapes of clean releases, one per stream (with a colour per stream).
const STREAM_SHAPES: [Shape; 2] = [Shape::Circle, Shape::Square];
/// Stream colour classes (Okabe–Ito blue, bluish green, sky blue, black, grey).
const STREAM_CLASSES: usize = 5;

/// A chart: its parts, put together by [`figure`].
struct Chart<'a> {
    id: &'a str,
    title: &'a str,
    reading: String,
    alt: String,
    height: f64,
    body: Markup,
    legend: Markup,
}

fn figure(c: &Chart<'_>) -> Markup {
    html! {
        figure.chart id=(c.id) {
            h2 { (c.title) }
            p.reading { (c.reading) }
            svg role="img" viewBox=(format!("0 0 {} {}", n(super::svg::WIDTH), n(c.height)))
                aria-labelledby=(format!("{}-t {}-d", c.id, c.id)) {
                title id=(format!("{}-t", c.id)) { (c.title) }
                desc id=(format!("{}-d", c.id)) { (c.alt) }
                (c.body)
            }
            figcaption.legend { (c.legend) }
        }
    }
}

/// The signals that failed a release.
fn signals(r: &ReleaseRow) -> Vec<&'static (&'static str, Shape, &'static str)> {
    SIGNALS
        .iter()
        .filter(|(name, _, _)| r.failure_signals.iter().any(|s| s == name))
        .collect()
}

/// Release to the release that shipped its remedy, in seconds.
fn remedy(r: &ReleaseRow) -> Option<i64> {
    r.time_to_remedy_seconds
}

/// Median time to remedy of a quartile, and how many releases it is over.
fn quartile_remedy(q: &Quartile) -> (Option<i64>, u64) {
    (q.time_to_remedy_median_seconds, q.remedied)
}

/// Seconds since the epoch of a release, as an f64 for scales.
fn t(r: &ReleaseRow) -> f64 {
    r.time.timestamp() as f64
}

/// The time span of the releases, padded by 2% on each side.
fn time_scale(report: &Report, extra: &[f64]) -> Scale {
    let times = report.releases.iter().map(t).chain(extra.iter().copied());
    let (lo, hi) = times.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.02).max(DAY);
    Scale::linear(lo - pad, hi + pad)
}

fn stream_names(report: &Report) -> Vec<&str> {
    let mut names: Vec<&str> = report.releases.iter().map(|r| r.stream.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn stream_label(name: &str) -> &str {
    if name.is_empty() {
        "releases"
    } else {
        name
    }
}

fn signal_legend() -> Markup {
    html! {
        @for (name, shape, class) in SIGNALS {
            span { (legend_key(Some(shape), class)) "failed: " (name) }
        }
    }
}

/// Chart 1: Release size over time, log scale, one series per stream, failures marked by signal.
#[must_use]
pub fn sizes_over_time(report: &Report) -> Markup {
    let frame = Frame::new(300.0);
    let sized: Vec<&ReleaseRow> = report
        .releases
        .iter()
        .filter(|r| r.lines_changed.is_some())
        .collect();
    let max = sized
        .iter()
        .filter_map(|r| r.lines_changed)
        .max()
        .unwrap_or(1);
    let y = Scale::log_decades(1.0, max.max(1) as f64);
    let x = time_scale(report, &[]);
    let streams = stream_names(report);
    let stream_of = |r: &ReleaseRow| streams.iter().position(|s| *s == r.stream).unwrap_or(0);
    let body = html! {
        (axes(&frame, &Axis { scale: x, ticks: time_ticks(x), title: "release date".into() },
            &Axis { scale: y, ticks: decade_ticks(y), title: "lines changed (log scale)".into() }))
        g.marks {
            @for r in &sized {
                @let (px, py) = (frame.x(x.frac(t(r))), frame.y(y.frac(r.lines_changed.unwrap_or(0) as f64)));
                @let s = stream_of(r);
                g {
                    title { (r.tag) " · " (r.time.format("%Y-%m-%d")) " · " (thousands(r.lines_changed.unwrap_or(0))) " lines" }
                    (marker(STREAM_SHAPES[s % STREAM_SHAPES.len()], px, py, 5.0, &format!("st{} clean", s % STREAM_CLASSES)))
                    @for (_, shape, class) in signals(r) {
                        (marker(*shape, px, py, 11.0, class))
                    }
                }
            }
        }
    };
    let sv = &report.summary.size_vs_failure;
    let range = match (sv.quartiles.first(), sv.quartiles.last()) {
        (Some(a), Some(b)) => format!(
            "from {} to {} lines changed",
            thousands(a.min_lines),
            thousands(b.max_lines)
        ),
        _ => "none has a previous release to measure against".to_string(),
    };
    figure(&Chart {
        id: "chart-sizes",
        title: "Release size over time",
        reading: "Each mark is a release, placed by date and lines changed on a log scale; a \
                  failed release carries the mark of each signal that failed it."
            .into(),
        alt: format!(
            "Scatter plot of {} releases by date; sizes range {range}; change failure rate {}. \
             The release table below lists every value.",
            thousands(report.summary.releases),
            report
                .summary
                .change_failure_rate
                .map_or_else(|| "not measurable".to_string(), percent),
        ),
        height: frame.height,
        body,
        legend: html! {
            @for (i, name) in streams.iter().enumerate() {
                span { (legend_key(Some(STREAM_SHAPES[i % STREAM_SHAPES.len()]), &format!("st{} clean", i % STREAM_CLASSES))) (stream_label(name)) }
            }
            (signal_legend())
        },
    })
}

/// Chart 2: Failure rate by size quartile (with counts), and the median clocks per quartile.
#[must_use]
pub fn quartiles(report: &Report) -> Markup {
    let sv = &report.summary.size_vs_failure;
    let rate_frame = Frame::new(230.0);
    let clock_frame = Frame {
        top: 12.0 + rate_frame.height,
        height: rate_frame.height * 2.0,
        ..rate_frame
    };
    let body = html! {
        (rate_panel(&sv.quartiles, &rate_frame))
        (clock_panel(&sv.quartiles, &clock_frame))
    };
    let alt = sv
        .quartiles
        .iter()
        .map(|q| {
            format!(
                "Q{} ({}–{} lines): {} of {} failed ({}), median time to remedy {}",
                q.quartile,
                thousands(q.min_lines),
                thousands(q.max_lines),
                thousands(q.failed),
                thousands(q.releases),
                q.failure_rate.map_or_else(|| "–".into(), percent),
                opt_duration(quartile_remedy(q).0),
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    figure(&Chart {
        id: "chart-quartiles",
        title: "Failure rate and time to remedy by release size",
        reading: format!(
            "Releases split into four equal groups by size: top, the share that failed (failed \
             of all); bottom, the median time from release to the release that shipped its \
             remedy. Risk ratio of the largest to the smallest quarter: {}.",
            sv.risk_ratio_ci95.map_or_else(
                || opt_float(sv.risk_ratio),
                |[lo, hi]| format!("{} (95% CI {lo:.2}–{hi:.2})", opt_float(sv.risk_ratio))
            )
        ),
        alt: if alt.is_empty() {
            "No release has a previous release, so there are no size quartiles.".into()
        } else {
            alt
        },
        height: clock_frame.height,
        body,
        legend: html! {
            span { svg.key width="16" height="12" aria-hidden="true" { rect.bar.q-rate width="16" height="12" {} } "failure rate" }
            span { svg.key width="16" height="12" aria-hidden="true" { (hatch("hatch-k", "hatch-line")) rect.bar.q-clock width="16" height="12" fill="url(#hatch-k)" {} } "median time to remedy (log scale)" }
        },
    })
}

/// Where quartile `i`'s bar sits in `frame`: left edge and width.
fn quartile_slot(frame: &Frame, count: usize, i: usize) -> (f64, f64) {
    let slot = frame.inner_width() / count.max(1) as f64;
    (frame.left + slot * i as f64 + slot * 0.2, slot * 0.6)
}

/// The quartile's name and size range, under its bar.
fn quartile_label(q: &Quartile, frame: &Frame, center: f64) -> Markup {
    html! {
        text x=(n(center)) y=(n(frame.y(0.0) + 16.0)) text-anchor="middle" {
            "Q" (q.quartile) ": " (thousands(q.min_lines)) "–" (thousands(q.max_lines))
        }
    }
}

fn quartile_axis() -> Axis {
    Axis {
        scale: Scale::linear(0.0, 1.0),
        ticks: Vec::new(),
        title: "release size quartile (lines changed)".into(),
    }
}

/// Failure rate per quartile, labelled with failed of all.
fn rate_panel(quartiles: &[Quartile], frame: &Frame) -> Markup {
    let max_rate = quartiles
        .iter()
        .filter_map(|q| q.failure_rate)
        .fold(0.0, f64::max);
    let y = Scale::linear(0.0, (max_rate * 1.15).max(0.05));
    let axis = Axis {
        scale: y,
        ticks: linear_ticks(y, percent),
        title: "failed releases".into(),
    };
    html! {
        (axes(frame, &quartile_axis(), &axis))
        @for (i, q) in quartiles.iter().enumerate() {
            @let (left, w) = quartile_slot(frame, quartiles.len(), i);
            @let top = frame.y(y.frac(q.failure_rate.unwrap_or(0.0)));
            rect.bar.q-rate x=(n(left)) y=(n(top)) width=(n(w)) height=(n(frame.y(0.0) - top)) {}
            text.label x=(n(left + w / 2.0)) y=(n(top - 5.0)) text-anchor="middle" {
                (thousands(q.failed)) " of " (thousands(q.releases)) " · " (q.failure_rate.map_or_else(|| "–".into(), percent))
            }
            (quartile_label(q, frame, left + w / 2.0))
        }
    }
}

/// Median time to remedy per quartile (log scale), labelled with how many releases it is over.
fn clock_panel(quartiles: &[Quartile], frame: &Frame) -> Markup {
    let max_days = quartiles
        .iter()
        .filter_map(|q| quartile_remedy(q).0)
        .map(|s| s as f64 / DAY)
        .fold(1.0, f64::max);
    let y = Scale::log_decades(1.0 / 24.0, max_days);
    let axis = Axis {
        scale: y,
        ticks: duration_ticks(y),
        title: "median time to remedy".into(),
    };
    html! {
        (hatch("hatch-q", "hatch-line"))
        (axes(frame, &quartile_axis(), &axis))
        @for (i, q) in quartiles.iter().enumerate() {
            @let (left, w) = quartile_slot(frame, quartiles.len(), i);
            @if let (Some(s), remedied) = quartile_remedy(q) {
                @let top = frame.y(y.frac(s as f64 / DAY));
                rect.bar.q-clock x=(n(left)) y=(n(top)) width=(n(w)) height=(n(frame.y(0.0) - top)) fill="url(#hatch-q)" {}
                text.label x=(n(left + w / 2.0)) y=(n(top - 5.0)) text-anchor="middle" { (duration(s)) " (n = " (remedied) ")" }
            } @else {
                text.label x=(n(left + w / 2.0)) y=(n(frame.y(0.0) - 5.0)) text-anchor="middle" { "no remedy" }
            }
            (quartile_label(q, frame, left + w / 2.0))
        }
    }
}

/// Chart 3: Size against time to remedy, one mark per failed release.
#[must_use]
pub fn size_vs_remedy(report: &Report) -> Markup {
    let frame = Frame::new(300.0);
    let points: Vec<(&ReleaseRow, u64, f64)> = report
        .releases
        .iter()
        .filter_map(|r| Some((r, r.lines_changed?, remedy(r)? as f64 / DAY)))
        .collect();
    let max_lines = points.iter().map(|p| p.1).max().unwrap_or(10).max(10);
    let max_days = points.iter().map(|p| p.2).fold(1.0, f64::max);
    let x = Scale::log_decades(1.0, max_lines as f64);
    let y = Scale::log_decades(1.0 / 24.0, max_days);
    let body = html! {
        (axes(&frame, &Axis { scale: x, ticks: decade_ticks(x), title: "lines changed in the release (log scale)".into() },
            &Axis { scale: y, ticks: duration_ticks(y), title: "time to remedy (log scale)".into() }))
        g.marks {
            @for (r, lines, days) in &points {
                @let (px, py) = (frame.x(x.frac(*lines as f64)), frame.y(y.frac(*days)));
                g {
                    title { (r.tag) " · " (thousands(*lines)) " lines · remedied in " (opt_duration(remedy(r))) }
                    @let sig = signals(r);
                    @match sig.first() {
                        Some((_, shape, class)) => (marker(*shape, px, py, 10.0, class)),
                        None => (marker(Shape::Circle, px, py, 6.0, "st0 clean")),
                    }
                }
            }
        }
    };
    let rho = opt_float(report.summary.size_vs_failure.remedy_vs_size_rho);
    figure(&Chart {
        id: "chart-remedy",
        title: "Release size and time to remedy",
        reading: format!(
            "Each mark is a failed release: how big it was, and how long until a release \
             shipped its revert or fix. Spearman's rho between the two: {rho} (above 0: bigger \
             releases took longer to remedy)."
        ),
        alt: format!(
            "Scatter plot of failed releases by size and time to remedy (both log scales); \
             median time to remedy {}; Spearman's rho {rho}.",
            opt_duration(report.summary.time_to_remedy_median_seconds)
        ),
        height: frame.height,
        body,
        legend: signal_legend(),
    })
}

/// Chart 4: Intervals between releases over time with the median interval per window; below them,
/// releases per week per window and the trend (the last year against the year before).
#[must_use]
pub fn cadence(report: &Report) -> Markup {
    let c = &report.summary.cadence;
    let ends: Vec<f64> = c
        .windows
        .iter()
        .flat_map(|w| [w.start.timestamp() as f64, w.end.timestamp() as f64])
        .collect();
    let x = time_scale(report, &ends);
    let top = Frame::new(260.0);
    let intervals: Vec<(&ReleaseRow, f64)> = report
        .releases
        .iter()
        .filter_map(|r| Some((r, r.interval_seconds? as f64 / DAY)))
        .collect();
    let max_days = intervals.iter().map(|p| p.1).fold(1.0, f64::max);
    let y = Scale::log_decades(1.0 / 24.0, max_days);
    let bottom = Frame {
        top: top.height + 12.0,
        height: top.height + 200.0,
        ..top
    };
    let max_rate = c
        .windows
        .iter()
        .map(|w| w.releases_per_week)
        .chain(c.trend.recent_releases_per_week)
        .chain(c.trend.year_ago_releases_per_week)
        .fold(0.0, f64::max);
    let ry = Scale::linear(0.0, (max_rate * 1.1).max(0.1));
    let end = c.windows.last().map(|w| w.end.timestamp() as f64);
    let year = 365.0 * DAY;
    let body = html! {
        (axes(&top, &Axis { scale: x, ticks: time_ticks(x), title: "release date".into() },
            &Axis { scale: y, ticks: duration_ticks(y), title: "interval (log scale)".into() }))
        (axes(&bottom, &Axis { scale: x, ticks: time_ticks(x), title: "window end date".into() },
            &Axis { scale: ry, ticks: linear_ticks(ry, |v| format!("{v:.1}")), title: "releases per week".into() }))
        g.marks {
            @for (r, days) in &intervals {
                (marker(Shape::Circle, top.x(x.frac(t(r))), top.y(y.frac(*days)), 4.0, "st0 clean"))
            }
        }
        @for w in &c.windows {
            @let (x0, x1) = (top.x(x.frac(w.start.timestamp() as f64)), top.x(x.frac(w.end.timestamp() as f64)));
            @if let Some(m) = w.median_interval_seconds {
                @let py = top.y(y.frac(m as f64 / DAY));
                line.median x1=(n(x0)) x2=(n(x1)) y1=(n(py)) y2=(n(py)) { title { "median interval " (duration(m)) } }
            }
            @let by = bottom.y(ry.frac(w.releases_per_week));
            rect.bar.q-rate x=(n(x0 + 0.5)) y=(n(by)) width=(n((x1 - x0 - 1.0).max(0.5))) height=(n(bottom.y(0.0) - by)) {
                title { (w.start.format("%Y-%m-%d")) " to " (w.end.format("%Y-%m-%d")) ": " (thousands(w.releases)) " releases" }
            }
        }
        @if let (Some(end), Some(recent), Some(before)) = (end, c.trend.recent_releases_per_week, c.trend.year_ago_releases_per_week) {
            @for (from, to, rate) in [(end - 2.0 * year, end - year, before), (end - year, end, recent)] {
                line.trend x1=(n(bottom.x(x.frac(from)))) x2=(n(bottom.x(x.frac(to)))) y1=(n(bottom.y(ry.frac(rate)))) y2=(n(bottom.y(ry.frac(rate)))) {}
            }
        }
    };
    let trend = &c.trend;
    let trend_words = match trend.direction.as_str() {
        "more_often" => "more often than",
        "less_often" => "less often than",
        "steady" => "about as often as",
        _ => "too rarely to compare with",
    };
    figure(&Chart {
        id: "chart-cadence",
        title: "Cadence: intervals between releases",
        reading: format!(
            "Top: each dot is the wait since a release's previous release, the bars the \
             median per {}-day window. Bottom: releases per week per window; the dashed lines \
             are the last year ({} a week) and the year before ({}): releasing {trend_words} \
             a year ago.",
            report.settings.window_days,
            opt_float(trend.recent_releases_per_week),
            opt_float(trend.year_ago_releases_per_week),
        ),
        alt: format!(
            "Intervals between releases over time on a log scale, median interval {}; \
             releases per week per {}-day window; {} releases a week overall; trend: {}.",
            opt_duration(report.summary.median_interval_seconds),
            report.settings.window_days,
            opt_float(report.summary.releases_per_week),
            trend.direction.replace('_', " "),
        ),
        height: bottom.height,
        body,
        legend: html! {
            span { (legend_key(Some(Shape::Circle), "st0 clean")) "interval" }
            span { (legend_key(None, "median")) "median interval per window" }
            span { svg.key width="16" height="12" aria-hidden="true" { rect.bar.q-rate width="16" height="12" {} } "releases per week per window" }
            span { (legend_key(None, "trend")) "releases per week: last year, year before" }
        },
    })
}

/// Chart 5: Repeat failures per year (novel and repeat, stacked) and the components hit most.
#[must_use]
pub fn repeats(report: &Report) -> Markup {
    let rep = &report.summary.repeat_incidents;
    let years = &rep.per_year;
    let top_frame = Frame::new(240.0);
    let max_events = years.iter().map(|y| y.events).max().unwrap_or(1).max(1);
    let y = Scale::linear(0.0, max_events as f64 * 1.1);
    let slot = top_frame.inner_width() / years.len().max(1) as f64;
    let count_ticks: Vec<_> = linear_ticks(y, |v| format!("{v:.0}"))
        .into_iter()
        .filter(|(v, _)| v.fract() == 0.0)
        .collect();
    let row = 22.0;
    let comps = &rep.top_components;
    let comp_frame = Frame {
        top: top_frame.height + 28.0,
        height: top_frame.height + 28.0 + row * comps.len() as f64 + 40.0,
        left: 230.0,
        ..top_frame
    };
    let max_hits = comps.iter().map(|c| c.incidents).max().unwrap_or(1).max(1);
    let cx = Scale::linear(0.0, max_hits as f64 * 1.15);
    let none = |title: &str| Axis {
        scale: Scale::linear(0.0, 1.0),
        ticks: Vec::new(),
        title: title.to_string(),
    };
    let body = html! {
        (hatch("hatch-r", "hatch-line"))
        (axes(&top_frame, &none("year"), &Axis { scale: y, ticks: count_ticks, title: "failures".into() }))
        @for (i, yr) in years.iter().enumerate() {
            @let left = top_frame.left + slot * i as f64 + slot * 0.15;
            @let w = slot * 0.7;
            @let novel_top = top_frame.y(y.frac(yr.novel as f64));
            @let all_top = top_frame.y(y.frac(yr.events as f64));
            rect.bar.novel x=(n(left)) y=(n(novel_top)) width=(n(w)) height=(n(top_frame.y(0.0) - novel_top)) {}
            rect.bar.repeat x=(n(left)) y=(n(all_top)) width=(n(w)) height=(n(novel_top - all_top)) fill="url(#hatch-r)" {}
            @if slot >= 28.0 || i % 2 == 0 {
                text x=(n(left + w / 2.0)) y=(n(top_frame.y(0.0) + 16.0)) text-anchor="middle" { (yr.year) }
            }
            @if slot >= 40.0 {
                text.label x=(n(left + w / 2.0)) y=(n(all_top - 4.0)) text-anchor="middle" { (yr.repeats) "/" (yr.events) }
            }
        }
        @if !comps.is_empty() {
            text.title x=(n(comp_frame.left)) y=(n(comp_frame.top - 8.0)) { "Components hit most (failures touching each)" }
            @for (i, c) in comps.iter().enumerate() {
                @let ty = comp_frame.top + row * i as f64;
                @let w = comp_frame.x(cx.frac(c.incidents as f64)) - comp_frame.left;
                text x=(n(comp_frame.left - 6.0)) y=(n(ty + 14.0)) text-anchor="end" { (crate::report::text::truncate(&c.component, 36)) }
                rect.bar.novel x=(n(comp_frame.left)) y=(n(ty + 3.0)) width=(n(w)) height=(n(row - 6.0)) {}
                text.label x=(n(comp_frame.left + w + 4.0)) y=(n(ty + 14.0)) { (c.incidents) }
            }
        }
    };
    let alt_years = years
        .iter()
        .map(|y| format!("{}: {} of {} repeats", y.year, y.repeats, y.events))
        .collect::<Vec<_>>()
        .join("; ");
    let alt_comps = comps
        .iter()
        .map(|c| format!("{} ({})", c.component, c.incidents))
        .collect::<Vec<_>>()
        .join(", ");
    figure(&Chart {
        id: "chart-repeats",
        title: "Repeat failures",
        reading: format!(
            "Each year's post-release failures, split into novel ones and repeats (an earlier \
             failure within {} days touched a common component); {} of {} were repeats ({}).",
            report.settings.lookback_days,
            thousands(rep.repeats),
            thousands(rep.incidents),
            rep.rate.map_or_else(|| "–".into(), percent),
        ),
        alt: if years.is_empty() {
            "No post-release failure to count.".into()
        } else {
            format!("Per year: {alt_years}. Components hit most: {alt_comps}.")
        },
        height: if comps.is_empty() {
            top_frame.height
        } else {
            comp_frame.height
        },
        body,
        legend: html! {
            span { svg.key width="16" height="12" aria-hidden="true" { rect.bar.novel width="16" height="12" {} } "novel" }
            span { svg.key width="16" height="12" aria-hidden="true" { (hatch("hatch-rk", "hatch-line")) rect.bar.repeat width="16" height="12" fill="url(#hatch-rk)" {} } "repeat" }
        },
    })
}
