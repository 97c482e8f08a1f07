//! Number and duration formatting shared by the human-readable formats.

use super::model::RevertKind;

/// `1234567` → `1,234,567`.
#[must_use]
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// An optional count, `–` when it does not apply.
#[must_use]
pub fn opt_count(n: Option<u64>) -> String {
    n.map_or_else(|| "–".to_string(), thousands)
}

/// A duration in seconds, in the two largest units that matter: `3d 4h`, `5h 12m`, `42s`.
#[must_use]
pub fn duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let sign = if seconds < 0 { "-" } else { "" };
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    let body = if d >= 100 {
        format!("{d}d")
    } else if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    };
    format!("{sign}{body}")
}

/// An optional duration, `–` when it does not apply.
#[must_use]
pub fn opt_duration(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "–".to_string(), duration)
}

/// A proportion as a percentage: whole percents from 10% up, one decimal below (`8.3%`,
/// `0.4%`, a trailing `.0` dropped), `<0.1%` for a small non-zero rate.
#[must_use]
pub fn percent(rate: f64) -> String {
    let pct = rate * 100.0;
    if pct == 0.0 {
        "0%".to_string()
    } else if pct < 0.05 {
        "<0.1%".to_string()
    } else if pct.round() >= 10.0 {
        format!("{}%", thousands(pct.round() as u64))
    } else {
        let s = format!("{pct:.1}");
        format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
    }
}

/// A ratio for people: one decimal below 10, whole numbers (with separators) from 10 up, two
/// or three significant decimals below 1.
#[must_use]
pub fn ratio(x: f64) -> String {
    if x >= 9.95 {
        thousands(x.round() as u64)
    } else if x >= 0.995 {
        format!("{x:.1}")
    } else if x >= 0.1 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// `p = 0.41`, `p = 0.002`, `p < 0.001`: two significant digits, three when two would round a
/// value below 0.05 up to `0.050`.
#[must_use]
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        return "p < 0.001".to_string();
    }
    let sig = |digits: i32| {
        let decimals = (digits - 1 - p.log10().floor() as i32).max(0) as usize;
        format!("{p:.decimals$}")
    };
    let two = sig(2);
    if p < crate::analysis::evidence::ALPHA && two == "0.050" {
        format!("p = {}", sig(3))
    } else {
        format!("p = {two}")
    }
}

/// An optional rate, `–` when it does not apply.
#[must_use]
pub fn opt_percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_string(), percent)
}

/// A float with two decimals, `–` when it does not apply.
#[must_use]
pub fn opt_float(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |x| format!("{x:.2}"))
}

/// `1 revert`, `3 reverts`.
#[must_use]
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The signals looked for (`revert`, `fix`, `incident`, any order) as a noun phrase:
/// `a revert, fix or incident`, `a revert`, `an incident-linked revert or fix, or an
/// incident`.
#[must_use]
pub fn signals_words(signals: &[String], incident_linked_only: bool) -> String {
    let has = |s: &str| signals.iter().any(|x| x == s);
    let remedies: Vec<&str> = ["revert", "fix"].into_iter().filter(|s| has(s)).collect();
    let incident = has("incident");
    if incident_linked_only && !remedies.is_empty() {
        let linked = format!("an incident-linked {}", remedies.join(" or "));
        return if incident {
            format!("{linked}, or an incident")
        } else {
            linked
        };
    }
    let mut words = remedies;
    if incident {
        words.push("incident");
    }
    match words.as_slice() {
        [] => "a failure".to_string(),
        ["incident"] => "an incident".to_string(),
        [one] => format!("a {one}"),
        [init @ .., last] => format!("a {} or {last}", init.join(", ")),
    }
}

/// What a failed release is, for a count of them: `had a revert, fix or incident after
/// shipping`.
#[must_use]
pub fn failed_phrase(signals: &[String], incident_linked_only: bool) -> String {
    let words = signals_words(signals, incident_linked_only);
    if words.ends_with(", or an incident") {
        format!("had {words}, after shipping")
    } else {
        format!("had {words} after shipping")
    }
}

/// Why failures cannot be seen: `no revert, no Fixes: trailer and no incidents file`.
#[must_use]
pub fn unseen_signals(signals: &[String], incident_linked_only: bool) -> String {
    let linked = if incident_linked_only {
        "incident-linked "
    } else {
        ""
    };
    let has = |s: &str| signals.iter().any(|x| x == s);
    let mut missing = Vec::new();
    if has("revert") {
        missing.push(format!("no {linked}revert"));
    }
    if has("fix") {
        missing.push(if incident_linked_only {
            "no incident-linked fix".to_string()
        } else {
            "no Fixes: trailer".to_string()
        });
    }
    if has("incident") {
        missing.push("no incidents file".to_string());
    }
    match missing.as_slice() {
        [] => "no failure signal is looked for".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A failure rate for people, naming what it rests on: `3 of 51 releases (5.9%) had a
/// revert, fix or incident after shipping`; where the history offers none of the signals,
/// `failures cannot be seen (no revert, no Fixes: trailer and no incidents file)` — never
/// "0%".
#[must_use]
pub fn failure_rate_text(
    failed: u64,
    of: u64,
    signals: &[String],
    seen: &[String],
    incident_linked_only: bool,
) -> String {
    if seen.is_empty() {
        return format!(
            "failures cannot be seen ({})",
            unseen_signals(signals, incident_linked_only)
        );
    }
    let rate = if of == 0 {
        String::new()
    } else {
        format!(" ({})", percent(failed as f64 / of as f64))
    };
    format!(
        "{} of {} {}{rate} {}",
        thousands(failed),
        thousands(of),
        if of == 1 { "release" } else { "releases" },
        failed_phrase(signals, incident_linked_only)
    )
}

/// Whether a revert or fix fails releases: `yes`, `set aside` (non-production paths only),
/// `no` (not a signal looked for, or not incident-linked), empty (not post-release).
#[must_use]
pub fn counted_word(counted: bool, production: Option<bool>) -> &'static str {
    match (counted, production) {
        (true, _) => "yes",
        (false, Some(false)) => "set aside",
        (false, Some(true)) => "no",
        (false, None) => "",
    }
}

/// A revert kind in words.
#[must_use]
pub fn kind_word(kind: RevertKind) -> &'static str {
    match kind {
        RevertKind::PostRelease => "post-release",
        RevertKind::PreRelease => "pre-release",
        RevertKind::Reapply => "reapply",
        RevertKind::Unresolved => "unresolved",
    }
}

/// Splits `text` into lines of at most `width` characters at spaces (a longer word gets a
/// line of its own).
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts `text` to `width` characters, ending in `…` when cut.
#[must_use]
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_900), "1,900");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(duration(3 * 86_400 + 4 * 3_600 + 5), "3d 4h");
        assert_eq!(duration(5 * 3_600 + 12 * 60), "5h 12m");
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(400 * 86_400), "400d");
        assert_eq!(percent(0.31), "31%");
        assert_eq!(percent(0.083), "8.3%");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(wrap("aa bb cc dd", 5), ["aa bb", "cc dd"]);
        assert_eq!(wrap("a verylongword b", 4), ["a", "verylongword", "b"]);
    }

    fn list(names: &[&str]) -> Vec<String> {
        names.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn failure_words_name_the_signals() {
        let all = list(&["fix", "incident", "revert"]);
        assert_eq!(signals_words(&all, false), "a revert, fix or incident");
        assert_eq!(signals_words(&list(&["revert"]), false), "a revert");
        assert_eq!(
            signals_words(&list(&["fix", "revert"]), false),
            "a revert or fix"
        );
        assert_eq!(signals_words(&list(&["incident"]), false), "an incident");
        assert_eq!(
            signals_words(&all, true),
            "an incident-linked revert or fix, or an incident"
        );
        assert_eq!(
            failed_phrase(&all, false),
            "had a revert, fix or incident after shipping"
        );
        assert_eq!(
            failed_phrase(&all, true),
            "had an incident-linked revert or fix, or an incident, after shipping"
        );
        assert_eq!(
            unseen_signals(&all, false),
            "no revert, no Fixes: trailer and no incidents file"
        );
        assert_eq!(
            failure_rate_text(0, 51, &all, &list(&["revert"]), false),
            "0 of 51 releases (0%) had a revert, fix or incident after shipping"
        );
        assert_eq!(
            failure_rate_text(0, 51, &all, &[], false),
            "failures cannot be seen (no revert, no Fixes: trailer and no incidents file)"
        );
    }

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(52_310), "52,310");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(0.31), "31%");
        assert_eq!(percent(0.083), "8.3%");
        assert_eq!(percent(0.08), "8%");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.0996), "10%");
        assert_eq!(ratio(3.8), "3.8");
        assert_eq!(ratio(9.0), "9.0");
        assert_eq!(ratio(9.96), "10");
        assert_eq!(ratio(1234.4), "1,234");
        assert_eq!(ratio(0.61), "0.61");
        assert_eq!(ratio(0.0104), "0.010");
        assert_eq!(p_value(0.41), "p = 0.41");
        assert_eq!(p_value(0.002_04), "p = 0.0020");
        assert_eq!(p_value(0.0496), "p = 0.0496");
        assert_eq!(p_value(0.051), "p = 0.051");
        assert_eq!(p_value(1.0), "p = 1.0");
        assert_eq!(p_value(0.000_2), "p < 0.001");
    }
}
