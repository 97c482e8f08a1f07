//! SVG building blocks for the HTML report's charts: a plot frame, linear, logarithmic and time
//! scales with their ticks, axes with labelled units, and marker shapes. Layout only: every
//! value drawn comes from the report model.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use maud::{html, Markup};

/// Width of every chart, in SVG user units (it scales to the page).
pub const WIDTH: f64 = 760.0;

/// The plotting area inside a chart of `width × height`.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    /// A chart `height` high with room for tick labels on the left and below.
    #[must_use]
    pub fn new(height: f64) -> Self {
        Self {
            width: WIDTH,
            height,
            left: 64.0,
            right: 16.0,
            top: 12.0,
            bottom: 44.0,
        }
    }

    /// The frame's x pixel for a fraction of its width.
    #[must_use]
    pub fn x(&self, frac: f64) -> f64 {
        self.left + frac.clamp(0.0, 1.0) * (self.width - self.left - self.right)
    }

    /// The frame's y pixel for a fraction of its height (0 at the bottom).
    #[must_use]
    pub fn y(&self, frac: f64) -> f64 {
        self.height - self.bottom - frac.clamp(0.0, 1.0) * (self.height - self.top - self.bottom)
    }

    /// Width of the plotting area.
    #[must_use]
    pub fn inner_width(&self) -> f64 {
        self.width - self.left - self.right
    }
}

/// Maps values to fractions of an axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Linear {
        min: f64,
        max: f64,
    },
    /// Base 10; values at or below `min` sit on the axis.
    Log {
        min: f64,
        max: f64,
    },
}

impl Scale {
    /// A linear scale from `min` to `max` (a zero span is widened so nothing divides by 0).
    #[must_use]
    pub fn linear(min: f64, max: f64) -> Self {
        if max > min {
            Scale::Linear { min, max }
        } else {
            Scale::Linear {
                min: min - 1.0,
                max: min + 1.0,
            }
        }
    }

    /// A log scale over whole powers of ten that hold `lo..=hi` (both above 0).
    #[must_use]
    pub fn log_decades(lo: f64, hi: f64) -> Self {
        let lo = lo.max(1e-9);
        let min = 10f64.powf(lo.log10().floor());
        let mut max = 10f64.powf(hi.max(lo).log10().ceil());
        if max <= min {
            max = min * 10.0;
        }
        Scale::Log { min, max }
    }

    /// Where `v` falls, 0 at `min` and 1 at `max`.
    #[must_use]
    pub fn frac(&self, v: f64) -> f64 {
        match *self {
            Scale::Linear { min, max } => (v - min) / (max - min),
            Scale::Log { min, max } => {
                (v.max(min).log10() - min.log10()) / (max.log10() - min.log10())
            }
        }
    }
}

/// A tick: where, and its label.
pub type Tick = (f64, String);

/// Ticks at the powers of ten of a log scale, labelled `1`, `10`, `1k`, `10k`, `1M`.
#[must_use]
pub fn decade_ticks(scale: Scale) -> Vec<Tick> {
    let Scale::Log { min, max } = scale else {
        return Vec::new();
    };
    let mut ticks = Vec::new();
    let mut v = min;
    while v <= max * 1.000_001 {
        ticks.push((v, si(v)));
        v *= 10.0;
    }
    ticks
}

/// `1500` → `1.5k`, `2000000` → `2M`, `0.5` → `0.5`.
#[must_use]
pub fn si(v: f64) -> String {
    let (value, unit) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let s = format!("{value:.1}");
    format!("{}{unit}", s.strip_suffix(".0").unwrap_or(&s))
}

/// Ticks of a duration log scale in days: 1 hour, 1 day, 1 week, 30 days, 1 year, 10 years,
/// those inside the scale.
#[must_use]
pub fn duration_ticks(scale: Scale) -> Vec<Tick> {
    let marks = [
        (1.0 / 1440.0, "1 min"),
        (1.0 / 24.0, "1 h"),
        (1.0, "1 d"),
        (7.0, "1 wk"),
        (30.0, "30 d"),
        (365.0, "1 yr"),
        (3650.0, "10 yr"),
    ];
    // 30 days sits close to a week on a log scale: shown only on short scales.
    let wide = match scale {
        Scale::Log { min, max } => max / min > 1000.0,
        Scale::Linear { .. } => false,
    };
    marks
        .iter()
        .filter(|(v, _)| (-1e-9..=1.0 + 1e-9).contains(&scale.frac(*v)) && *v >= lower(scale))
        .filter(|(v, _)| !(wide && (*v - 30.0).abs() < 1e-9))
        .map(|&(v, l)| (v, l.to_string()))
        .collect()
}

fn lower(scale: Scale) -> f64 {
    match scale {
        Scale::Linear { min, .. } | Scale::Log { min, .. } => min,
    }
}

/// About five ticks at round steps (1, 2 or 5 × 10ⁿ) over a linear scale.
#[must_use]
pub fn linear_ticks(scale: Scale, label: impl Fn(f64) -> String) -> Vec<Tick> {
    let Scale::Linear { min, max } = scale else {
        return Vec::new();
    };
    let raw = (max - min) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(magnitude * 10.0);
    let mut ticks = Vec::new();
    let mut v = (min / step).ceil() * step;
    while v <= max + step * 1e-6 {
        ticks.push((v, label(v)));
        v += step;
    }
    ticks
}

/// Ticks on a time scale (seconds since the epoch): years, every 1, 2, 5 or 10 years so that
/// at most about eight show; months when the span is under two years.
#[must_use]
pub fn time_ticks(scale: Scale) -> Vec<Tick> {
    let Scale::Linear { min, max } = scale else {
        return Vec::new();
    };
    let at = |s: f64| DateTime::from_timestamp(s as i64, 0).unwrap_or_default();
    let (from, to) = (at(min), at(max));
    let years = to.year() - from.year();
    let mut ticks = Vec::new();
    if years >= 2 {
        let step = [1, 2, 5, 10, 20]
            .into_iter()
            .find(|s| years / s <= 8)
            .unwrap_or(50);
        let mut y = from.year() + 1;
        y += (step - y.rem_euclid(step)) % step;
        while y <= to.year() {
            if let Some(t) = Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single() {
                ticks.push((t.timestamp() as f64, y.to_string()));
            }
            y += step;
        }
    } else {
        let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
        let step = [1, 2, 3, 6]
            .into_iter()
            .find(|s| months / s <= 8)
            .unwrap_or(6);
        let (mut y, mut m) = (from.year(), from.month() as i32 + 1);
        while (y, m) <= (to.year(), to.month() as i32) {
            if m > 12 {
                y += 1;
                m -= 12;
                continue;
            }
            if (m - 1) % step == 0 {
                if let Some(t) = Utc.with_ymd_and_hms(y, m as u32, 1, 0, 0, 0).single() {
                    ticks.push((t.timestamp() as f64, format!("{y}-{m:02}")));
                }
            }
            m += 1;
        }
    }
    ticks
}

/// One axis: its scale, ticks and title (with the unit).
#[derive(Clone, Debug)]
pub struct Axis {
    pub scale: Scale,
    pub ticks: Vec<Tick>,
    pub title: String,
}

/// Formats a coordinate with one decimal.
#[must_use]
pub fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// Grid lines, tick labels and axis titles of a frame.
#[must_use]
pub fn axes(frame: &Frame, x: &Axis, y: &Axis) -> Markup {
    let (x0, x1) = (frame.x(0.0), frame.x(1.0));
    let (y0, y1) = (frame.y(0.0), frame.y(1.0));
    html! {
        g.grid {
            @for (v, _) in &y.ticks {
                line x1=(n(x0)) x2=(n(x1)) y1=(n(frame.y(y.scale.frac(*v)))) y2=(n(frame.y(y.scale.frac(*v)))) {}
            }
        }
        g.axis {
            line x1=(n(x0)) x2=(n(x1)) y1=(n(y0)) y2=(n(y0)) {}
            line x1=(n(x0)) x2=(n(x0)) y1=(n(y0)) y2=(n(y1)) {}
            @for (v, label) in &x.ticks {
                @let px = frame.x(x.scale.frac(*v));
                line x1=(n(px)) x2=(n(px)) y1=(n(y0)) y2=(n(y0 + 4.0)) {}
                text x=(n(px)) y=(n(y0 + 16.0)) text-anchor="middle" { (label) }
            }
            @for (v, label) in &y.ticks {
                @let py = frame.y(y.scale.frac(*v));
                text x=(n(x0 - 6.0)) y=(n(py + 4.0)) text-anchor="end" { (label) }
            }
            text.title x=(n(f64::midpoint(x0, x1))) y=(n(frame.height - 6.0)) text-anchor="middle" { (x.title) }
            text.title transform=(format!("translate(14 {}) rotate(-90)", n(f64::midpoint(y0, y1)))) text-anchor="middle" { (y.title) }
        }
    }
}

/// Marker shapes; each series or signal gets a shape as well as a colour, so that the charts
/// read without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Cross,
    Triangle,
    Diamond,
    Square,
}

/// A marker of `shape` centred on (x, y), `size` across, with CSS class `class`.
#[must_use]
pub fn marker(shape: Shape, x: f64, y: f64, size: f64, class: &str) -> Markup {
    let r = size / 2.0;
    match shape {
        Shape::Circle => html! { circle class=(class) cx=(n(x)) cy=(n(y)) r=(n(r)) {} },
        Shape::Square => {
            html! { rect class=(class) x=(n(x - r)) y=(n(y - r)) width=(n(size)) height=(n(size)) {} }
        }
        Shape::Cross => html! {
            path class=(class) d=(format!("M{} {}L{} {}M{} {}L{} {}", n(x - r), n(y - r), n(x + r), n(y + r), n(x - r), n(y + r), n(x + r), n(y - r))) {}
        },
        Shape::Triangle => html! {
            polygon class=(class) points=(format!("{},{} {},{} {},{}", n(x), n(y - r), n(x + r), n(y + r), n(x - r), n(y + r))) {}
        },
        Shape::Diamond => html! {
            polygon class=(class) points=(format!("{},{} {},{} {},{} {},{}", n(x), n(y - r), n(x + r), n(y), n(x), n(y + r), n(x - r), n(y))) {}
        },
    }
}

/// A legend entry drawn as a tiny SVG: the marker (or a line when `line` is set) in `class`.
#[must_use]
pub fn legend_key(shape: Option<Shape>, class: &str) -> Markup {
    html! {
        svg.key width="16" height="12" viewBox="0 0 16 12" aria-hidden="true" {
            @match shape {
                Some(s) => (marker(s, 8.0, 6.0, 9.0, class)),
                None => line class=(class) x1="1" x2="15" y1="6" y2="6" {},
            }
        }
    }
}

/// A hatch pattern (diagonal lines in `class`'s stroke) that bars can use as a second cue
/// next to colour; `id` must be unique in the page.
#[must_use]
pub fn hatch(id: &str, class: &str) -> Markup {
    html! {
        defs {
            pattern id=(id) width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                rect class="hatch-bg" width="6" height="6" {}
                line class=(class) x1="0" y1="0" x2="0" y2="6" {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_scales_cover_whole_decades() {
        let s = Scale::log_decades(16.0, 246_213.0);
        assert_eq!(
            s,
            Scale::Log {
                min: 10.0,
                max: 1e6
            }
        );
        assert!((s.frac(1000.0) - 0.4).abs() < 1e-9);
        assert!(s.frac(1.0).abs() < 1e-12);
        let labels: Vec<String> = decade_ticks(s).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["10", "100", "1k", "10k", "100k", "1M"]);
        assert_eq!(si(1500.0), "1.5k");
    }

    #[test]
    fn linear_ticks_fall_on_round_steps() {
        let t = linear_ticks(Scale::linear(0.0, 0.34), |v| format!("{v:.1}"));
        let labels: Vec<&str> = t.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0.0", "0.1", "0.2", "0.3"]);
        let t = linear_ticks(Scale::linear(0.0, 12.0), |v| format!("{v}"));
        let labels: Vec<&str> = t.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "5", "10"]);
    }

    #[test]
    fn time_ticks_are_years_or_months() {
        let s = |a: &str, b: &str| {
            let p = |d: &str| {
                DateTime::parse_from_rfc3339(d)
                    .map(|t| t.timestamp() as f64)
                    .unwrap_or_default()
            };
            Scale::linear(p(a), p(b))
        };
        let long: Vec<String> = time_ticks(s("2008-04-11T00:00:00Z", "2026-07-29T00:00:00Z"))
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(long, ["2010", "2015", "2020", "2025"]);
        let short: Vec<String> = time_ticks(s("2024-01-15T00:00:00Z", "2024-05-02T00:00:00Z"))
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(short, ["2024-02", "2024-03", "2024-04", "2024-05"]);
    }

    #[test]
    fn frames_map_fractions_inside_their_margins() {
        let f = Frame::new(200.0);
        let px = |v: f64| v.round() as i64;
        assert_eq!(px(f.x(0.0)), 64);
        assert_eq!(px(f.x(1.0)), px(WIDTH) - 16);
        assert_eq!(px(f.y(0.0)), 200 - 44);
        assert_eq!(px(f.y(1.0)), 12);
        assert_eq!(px(f.x(2.0)), px(f.x(1.0)));
    }
}
