//! Makes text taken from a repository (paths, commit subjects, tag names, author names) safe
//! to put into Markdown, CSV and a terminal.
//!
//! Repository text is written by anyone who can open a pull request, and git-cadence's
//! Markdown is posted as a comment by CI with the bot's permissions. So no text from the
//! repository may:
//! - inject HTML or hide text (`<`, `>` and `&` become entities; the hidden marker comment
//!   `<!-- git-cadence:pr-summary -->` therefore cannot be forged);
//! - notify people (`@name` → `@` + zero-width joiner + `name`) or link issues (`#123`,
//!   `GH-123` → a zero-width joiner after `#` / `GH`), which would spam other threads;
//! - break the layout: table cells (`|` is escaped, newlines become spaces), emphasis,
//!   links, images, strikethrough, math (`*`, `_`, `[`, `]`, `~`, `$`, `` ` `` are
//!   backslash-escaped), or a block construct at the start of a line (`#`, `>`, `-`, `+`,
//!   `=`, `1.`);
//! - write control characters (terminal escape sequences) or bidirectional overrides
//!   ("Trojan Source") into any output.
//!
//! CSV cells follow RFC 4180 and, for repository text, are neutralised against formula
//! injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
//! leading `'` (OWASP's advice), so a spreadsheet shows it as text. Numbers that git-cadence
//! computes itself are not repository text and are written plainly (a negative number stays
//! a number).

use std::fmt::Write;

/// Zero-width joiner: invisible, and breaks GitHub's `@mention` and `#123` detection.
const ZWJ: char = '\u{200D}';

/// Replacement shown for characters that must not reach the output (controls, bidi
/// overrides).
const REPLACEMENT: char = '\u{FFFD}';

/// Whether `c` is a bidirectional formatting character that can make text read differently
/// from what it is (CVE-2021-42574).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Folds line breaks and tabs into single spaces and replaces other control characters and
/// bidi overrides, so that a value stays on one line and cannot drive a terminal.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\n' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out
}

/// Plain text for a terminal (tables, the hook's line, warnings): one line, no control
/// characters (an ANSI escape sequence in a commit subject must not clear the screen or
/// recolour the output), no bidi overrides.
#[must_use]
pub fn terminal_text(text: &str) -> String {
    one_line(text)
}

/// Everything written to a terminal, as a whole (tables, warnings, errors): line breaks and
/// tabs are kept, every other control character and bidi override becomes U+FFFD. With
/// `color`, the two sequences git-cadence itself writes (bold on, reset) are kept; no other
/// escape sequence survives, so text from a repository cannot clear the screen, set the
/// window title, plant a hyperlink or reorder a line, whatever path it took.
#[must_use]
pub fn terminal_output(text: &str, color: bool) -> String {
    const OURS: [&str; 2] = ["\x1b[1m", "\x1b[0m"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' && color {
            if let Some(seq) = OURS.iter().find(|s| rest.starts_with(**s)) {
                out.push_str(seq);
                rest = &rest[seq.len()..];
                continue;
            }
        }
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Repository text for Markdown, as inline text: safe in a paragraph, a list item, a heading
/// and a table cell.
#[must_use]
pub fn md_text(text: &str) -> String {
    let text = one_line(text);
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                // `@name`, `@org/team`: GitHub notifies. Break it when a name could follow.
                if next.is_some_and(|n| n.is_alphanumeric() || n == '-' || n == '_') {
                    out.push(ZWJ);
                }
            }
            '#' => {
                // A `#` that opens the value could start a heading; escape it too.
                if i == 0 {
                    out.push('\\');
                }
                out.push('#');
                // `#123`, `owner/repo#123`: GitHub links (and back-links) the issue.
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    out.push(ZWJ);
                }
            }
            '-' if is_gh_reference(&chars, i) => {
                // `GH-123` is linked like `#123`: put the joiner before the dash.
                out.push(ZWJ);
                out.push('-');
            }
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')'
                if prev.is_some_and(|p| p.is_ascii_digit())
                    && chars[..i].iter().all(char::is_ascii_digit) =>
            {
                // `1. text` or `1) text` at the start would open an ordered list.
                out.push('\\');
                out.push(c);
            }
            // Four leading spaces would open an indented code block; a leading entity space
            // does not.
            ' ' if i == 0 => out.push_str("&#32;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether the `-` at `i` is the dash of a `GH-<digits>` reference (any case, not inside a
/// longer word).
fn is_gh_reference(chars: &[char], i: usize) -> bool {
    if i < 2 || !chars.get(i + 1).is_some_and(char::is_ascii_digit) {
        return false;
    }
    let (g, h) = (chars[i - 2], chars[i - 1]);
    let word_start = i == 2 || !chars[i - 3].is_alphanumeric();
    g.eq_ignore_ascii_case(&'g') && h.eq_ignore_ascii_case(&'h') && word_start
}

/// Repository text as a Markdown code span (for paths, tags and shas), outside a table.
///
/// The fence is one backtick longer than the longest run of backticks inside, and the
/// content is padded with a space when it starts or ends with a backtick or space, so any
/// text survives unchanged. Mentions, issue references, HTML and emphasis are inert inside
/// a code span. An empty value gives an empty string.
#[must_use]
pub fn md_code(text: &str) -> String {
    code_span(&one_line(text))
}

/// Repository text as a Markdown code span inside a table cell: as [`md_code`], and a `|`
/// is written `\|`, which GitHub Flavored Markdown requires even inside code in a table
/// (the cell is split before the code span is read, and the backslash is dropped).
///
/// A backslash right before a `|` cannot be written inside code in a cell (GitHub would
/// either split the cell or drop the backslash), so such a value falls back to [`md_text`].
#[must_use]
pub fn md_code_cell(text: &str) -> String {
    let text = one_line(text);
    if text.contains("\\|") {
        return md_text(&text);
    }
    code_span(&text.replace('|', "\\|"))
}

fn code_span(content: &str) -> String {
    if content.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = content.starts_with(['`', ' ']) || content.ends_with(['`', ' ']);
    let space = if pad { " " } else { "" };
    format!("{fence}{space}{content}{space}{fence}")
}

/// A CSV cell holding repository text: neutralised against formula injection (a leading
/// `=`, `+`, `-`, `@`, tab or carriage return gets a `'` before it), then quoted as RFC 4180
/// requires. Line breaks inside are kept (quoted), since CSV can carry them.
#[must_use]
pub fn csv_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(c) {
                REPLACEMENT
            } else {
                c
            }
        })
        .collect();
    if cleaned.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        csv_field(&format!("'{cleaned}"))
    } else {
        csv_field(&cleaned)
    }
}

/// A CSV cell holding git-cadence's own text (headers, RFC 3339 times, kinds, numbers): RFC
/// 4180 quoting only (a field with a comma, quote, CR or LF is quoted and its quotes
/// doubled). Not for repository text: use [`csv_text`].
#[must_use]
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
        out
    } else {
        text.to_string()
    }
}

/// A CSV cell for a number git-cadence computed (never repository text); `None` is an
/// empty cell.
#[must_use]
pub fn csv_number<T: std::fmt::Display>(value: Option<T>) -> String {
    let mut out = String::new();
    if let Some(v) = value {
        let _ = write!(out, "{v}");
    }
    out
}

/// One CSV record from cells that are already escaped (with [`csv_text`], [`csv_field`] or
/// [`csv_number`]), without the line terminator.
#[must_use]
pub fn csv_record(cells: &[String]) -> String {
    cells.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_inert() {
        assert_eq!(
            md_text("<img src=x onerror=alert(1)> & <!-- git-cadence:pr-summary -->"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;!-- git\u{2D}cadence:pr\u{2D}summary --&gt;"
        );
        assert!(!md_text("<script>").contains('<'));
        // An entity in the text is shown as written, not decoded.
        assert_eq!(md_text("&lt;"), "&amp;lt;");
    }

    #[test]
    fn mentions_do_not_notify() {
        let out = md_text("thanks @octocat and @rails/core, mail a@b.c");
        assert!(!out.contains("@octocat"));
        assert!(!out.contains("@rails"));
        assert_eq!(
            out,
            "thanks @\u{200D}octocat and @\u{200D}rails/core, mail a@\u{200D}b.c"
        );
        // A lone `@` is left alone.
        assert_eq!(md_text("a @ b"), "a @ b");
    }

    #[test]
    fn issue_references_do_not_link() {
        let out = md_text("Fix crash (#123), see rails/rails#45 and GH-7, gh-8");
        assert!(!out.contains("#123"));
        assert!(!out.contains("#45"));
        assert!(!out.contains("GH-7"));
        assert!(!out.contains("gh-8"));
        assert_eq!(
            out,
            "Fix crash (#\u{200D}123), see rails/rails#\u{200D}45 and GH\u{200D}-7, gh\u{200D}-8"
        );
        // Not a reference: `#` before a letter, `GH-` inside a word, a dash before a letter.
        assert_eq!(md_text("C# is not #x"), "C# is not #x");
        assert_eq!(md_text("SIGH-1"), "SIGH-1");
        assert_eq!(md_text("re-run"), "re-run");
    }

    #[test]
    fn tables_do_not_break() {
        let out = md_text("a | b\nc\r\nd\re");
        assert_eq!(out, "a \\| b c d e");
        assert!(!out.contains('\n'));
        assert!(!out.contains('\r'));
        assert_eq!(md_code_cell("x|y"), "`x\\|y`");
        assert_eq!(md_code("x|y"), "`x|y`");
    }

    #[test]
    fn emphasis_links_and_math_are_inert() {
        assert_eq!(
            md_text("*bold* _it_ [link](http://x) ![img](y) ~~s~~ $x$ \\"),
            "\\*bold\\* \\_it\\_ \\[link\\](http://x) !\\[img\\](y) \\~\\~s\\~\\~ \\$x\\$ \\\\"
        );
    }

    #[test]
    fn block_starts_are_escaped() {
        assert_eq!(md_text("# heading"), "\\# heading");
        assert_eq!(md_text("> quote"), "&gt; quote");
        assert_eq!(md_text("- item"), "\\- item");
        assert_eq!(md_text("+ item"), "\\+ item");
        assert_eq!(md_text("==="), "\\===");
        assert_eq!(md_text("12. item"), "12\\. item");
        assert_eq!(md_text("3) item"), "3\\) item");
        // Only at the start: inside text these are ordinary.
        assert_eq!(md_text("v1.2.3 - fix"), "v1.2.3 - fix");
        assert_eq!(md_text("a # b"), "a # b");
        assert_eq!(md_text("    indented"), "&#32;   indented");
    }

    #[test]
    fn backticks_in_text_are_escaped() {
        assert_eq!(md_text("run `rm -rf`"), "run \\`rm -rf\\`");
    }

    #[test]
    fn code_spans_use_a_longer_fence() {
        assert_eq!(md_code("src/a.rs"), "`src/a.rs`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("a``b`c"), "```a``b`c```");
        // Padding when the content starts or ends with a backtick or a space.
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_code("x`"), "`` x` ``");
        assert_eq!(md_code(" x"), "`  x `");
        assert_eq!(md_code(""), "");
        // Inside code, HTML and mentions are inert already and kept as they are.
        assert_eq!(md_code("<b>@x #1"), "`<b>@x #1`");
        assert_eq!(md_code("a\nb"), "`a b`");
    }

    #[test]
    fn control_and_bidi_characters_are_replaced() {
        assert_eq!(terminal_text("a\x1b[2Jb"), "a\u{FFFD}[2Jb");
        assert_eq!(terminal_text("x\u{202E}y\u{2066}z"), "x\u{FFFD}y\u{FFFD}z");
        assert_eq!(terminal_text("one\ntwo\tthree"), "one two three");
        assert_eq!(md_text("a\u{7f}b"), "a\u{FFFD}b");
        assert_eq!(csv_text("a\x1bb"), "a\u{FFFD}b");
    }

    #[test]
    fn terminal_output_keeps_lines_and_only_our_colours() {
        let text = "a\x1b[2Jb\n\x1b[1mbold\x1b[0m \x1b]8;;http://x\x1b\\ \u{202E}\r";
        assert_eq!(
            terminal_output(text, false),
            "a\u{FFFD}[2Jb\n\u{FFFD}[1mbold\u{FFFD}[0m \u{FFFD}]8;;http://x\u{FFFD}\\ \u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            terminal_output(text, true),
            "a\u{FFFD}[2Jb\n\x1b[1mbold\x1b[0m \u{FFFD}]8;;http://x\u{FFFD}\\ \u{FFFD}\u{FFFD}"
        );
        assert_eq!(terminal_output("日本\tok\n", false), "日本\tok\n");
    }

    #[test]
    fn unicode_passes_through() {
        assert_eq!(md_text("Ünïcödé 日本 — ok"), "Ünïcödé 日本 — ok");
        assert_eq!(csv_text("日本"), "日本");
    }

    #[test]
    fn csv_quotes_per_rfc_4180() {
        assert_eq!(csv_text("plain"), "plain");
        assert_eq!(csv_text("a,b"), "\"a,b\"");
        assert_eq!(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_text("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("x\ry"), "\"x\ry\"");
        assert_eq!(csv_text(""), "");
    }

    #[test]
    fn csv_neutralises_formulas() {
        assert_eq!(
            csv_text("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_text("+1"), "'+1");
        assert_eq!(csv_text("-2+3"), "'-2+3");
        assert_eq!(csv_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_text("\tx"), "'\tx");
        assert_eq!(csv_text("\rx"), "\"'\rx\"");
        // Not at the start: left alone.
        assert_eq!(csv_text("a=b"), "a=b");
        // Numbers git-cadence computes are not neutralised.
        assert_eq!(csv_number(Some(-3)), "-3");
        assert_eq!(csv_number(Some(0.25)), "0.25");
        assert_eq!(csv_number::<i64>(None), "");
    }

    #[test]
    fn csv_records_join_escaped_cells() {
        let row = csv_record(&[
            csv_text("a,b"),
            csv_number(Some(3)),
            csv_field("post_release"),
        ]);
        assert_eq!(row, "\"a,b\",3,post_release");
    }

    /// Every escaped text, read back as a table cell, must keep the cell boundaries:
    /// there is no unescaped `|` and no line break, whatever the input.
    #[test]
    fn no_input_breaks_a_cell() {
        assert_eq!(md_code_cell("a\\|b"), "a\\\\\\|b");
        let nasty = [
            "|",
            "\\|",
            "`|`",
            "a\n|b",
            "\r|",
            "||",
            "\\\\|",
            "x\u{2028}y",
        ];
        for s in nasty {
            for out in [md_text(s), md_code_cell(s)] {
                assert!(!out.contains(['\n', '\r', '\u{2028}']), "{s:?} -> {out:?}");
                let chars: Vec<char> = out.chars().collect();
                for (i, &c) in chars.iter().enumerate() {
                    if c == '|' {
                        let backslashes =
                            chars[..i].iter().rev().take_while(|&&b| b == '\\').count();
                        assert_eq!(backslashes % 2, 1, "unescaped pipe in {out:?} from {s:?}");
                    }
                }
            }
        }
    }
}
