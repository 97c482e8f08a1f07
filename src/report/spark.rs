//! Unicode pictures for the terminal report: sparklines (`▁▂▃▄▅▆▇█`) and horizontal bars in
//! eighths of a cell. Layout only: the values come from the report model.

/// The eight sparkline levels, lowest first.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Partial cells of a horizontal bar, one to seven eighths.
const EIGHTHS: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// One character per value, scaled from the smallest to the largest value given; on a log
/// scale (base 10, values below 1 read as 1) when `log` is set, so that one huge release does
/// not flatten the rest. A missing value is a space.
#[must_use]
pub fn sparkline(values: &[Option<f64>], log: bool) -> Vec<char> {
    let scaled: Vec<Option<f64>> = values
        .iter()
        .map(|v| v.map(|v| if log { v.max(1.0).log10() } else { v }))
        .collect();
    let present = scaled.iter().flatten();
    let lo = present.clone().copied().fold(f64::INFINITY, f64::min);
    let hi = present.copied().fold(f64::NEG_INFINITY, f64::max);
    scaled
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if hi <= lo => LEVELS[3],
            Some(v) => {
                let level = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                LEVELS[level.min(7)]
            }
        })
        .collect()
}

/// A bar `frac` (0 to 1) of `width` cells long, in eighths of a cell; padded with spaces to
/// `width` so that columns stay aligned.
#[must_use]
pub fn bar(frac: f64, width: usize) -> String {
    let eighths = (frac.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut out: String = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        out.push(EIGHTHS[eighths % 8 - 1]);
    }
    let len = out.chars().count();
    out.push_str(&" ".repeat(width.saturating_sub(len)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(chars: &[char]) -> String {
        chars.iter().collect()
    }

    #[test]
    fn sparklines_span_the_lowest_to_the_highest_level() {
        assert_eq!(
            s(&sparkline(&[Some(1.0), Some(8.0), None, Some(4.5)], false)),
            "▁█ ▅"
        );
        // Log scale: 10, 100, 1000 are evenly spaced.
        assert_eq!(
            s(&sparkline(&[Some(10.0), Some(100.0), Some(1000.0)], true)),
            "▁▅█"
        );
        assert_eq!(s(&sparkline(&[Some(3.0), Some(3.0)], false)), "▄▄");
        assert!(sparkline(&[], true).is_empty());
    }

    #[test]
    fn bars_count_eighths_and_keep_their_width() {
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 4), "██  ");
        assert_eq!(bar(0.0, 3), "   ");
        assert_eq!(bar(1.0 / 32.0, 4), "▏   ");
        assert_eq!(bar(0.3, 10), "███       ");
        assert_eq!(bar(0.35, 10), "███▌      ");
        assert_eq!(bar(2.0, 2), "██");
    }
}
