//! `pr --format table`: the pull-request summary as terminal text — the same numbers as the
//! Markdown comment, without its marker, HTML or Markdown syntax. Repository text is made safe
//! for a terminal ([`terminal_text`]).

use std::fmt::Write as _;

use crate::report::escape::terminal_text;
use crate::report::grid::{Align, Grid};
use crate::report::text::{thousands, wrap};

use super::pr::{context_lines, hot_heading, limits_line, opt_share, PrSummary};

/// Width the text is wrapped to.
const WIDTH: usize = 100;

/// The summary as terminal text.
#[must_use]
pub fn table(s: &PrSummary) -> String {
    let c = &s.change;
    let w = &s.with_change;
    let mut out = String::new();
    for line in wrap(&format!("git-cadence — {}", s.verdict), WIDTH) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(line) = limits_line(s) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    let mut grid = Grid::new(&[
        ("", Align::Left),
        ("Lines", Align::Right),
        ("Commits", Align::Right),
        ("Larger than past releases", Align::Right),
    ]);
    grid.row(vec![
        format!(
            "This change ({} → {})",
            terminal_text(&c.base),
            terminal_text(&c.head_ref)
        ),
        thousands(c.lines_changed),
        thousands(c.commits),
        opt_share(c.larger_than_share_of_releases),
    ]);
    grid.row(vec![
        format!(
            "Unreleased on base since {}",
            w.base_release
                .as_deref()
                .map_or_else(|| "the last released commit".to_string(), terminal_text)
        ),
        w.unreleased_lines_on_base
            .map_or_else(|| "–".to_string(), thousands),
        thousands(w.unreleased_commits_on_base),
        String::new(),
    ]);
    grid.row(vec![
        "Next release with this change".to_string(),
        thousands(w.lines_changed),
        thousands(w.commits),
        opt_share(w.larger_than_share_of_releases),
    ]);
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = grid.write(&mut buf, false);
    out.push_str(&String::from_utf8_lossy(&buf));
    out.push('\n');
    for line in context_lines(s) {
        for l in wrap(&line, WIDTH) {
            let _ = writeln!(out, "{l}");
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", hot_heading(s));
    for h in &s.hot_components {
        let _ = writeln!(out, "  {}", terminal_text(&h.component));
        for (id, subject) in h.reverts.iter().zip(&h.subjects) {
            let _ = writeln!(out, "    {} {}", id.short(), terminal_text(subject));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 10: `pr --format table` printed Markdown with an HTML comment.
    #[test]
    fn the_table_is_terminal_text_not_markdown() {
        let mut s = crate::commands::pr::snapshot_tests::sample();
        s.hot_components[0].subjects[0].push_str("\u{1b}[31m\u{202e}");
        let text = table(&s);
        assert!(!text.contains("<!--"), "{text}");
        assert!(!text.contains("<details>"), "{text}");
        assert!(!text.contains("**"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(
            text.starts_with("git-cadence — This change: 1,234 lines"),
            "{text}"
        );
        assert!(text.contains("Next release with this change"), "{text}");
        assert!(
            text.contains("app/<script>"),
            "repository text is shown as it is: {text}"
        );
        insta::assert_snapshot!(text);
    }
}
