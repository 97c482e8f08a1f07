//! Words about release streams: the tags a pattern left out (with the `--tag-pattern` that
//! selects them), the `--stream-path` flags workspace packages suggest, and the
//! `releases --streams` listing in every format.

use std::io::{self, Write};

use super::escape::{csv_record, csv_text, md_code, md_text, terminal_text};
use super::grid::{Align, Grid};
use super::model::{Report, StreamListing, StreamPaths, UnmatchedTags};
use super::text::{plural, thousands};

/// `389 tags look like releases of 23 prefixed streams but do not match the release tag
/// pattern`.
#[must_use]
pub fn unmatched_clause(u: &UnmatchedTags) -> String {
    let one = u.tags == 1;
    format!(
        "{} {} like releases of {} but {} not match the release tag pattern",
        plural(u.tags, "tag", "tags"),
        if one { "looks" } else { "look" },
        plural(u.streams, "prefixed stream", "prefixed streams"),
        if one { "does" } else { "do" },
    )
}

/// What the unmatched tags are, in one sentence (tag names through `name`, which escapes them
/// for the output).
#[must_use]
pub fn unmatched_sentence(u: &UnmatchedTags, name: impl Fn(&str) -> String) -> String {
    let mut named: Vec<String> = u.examples.iter().map(|t| name(t)).collect();
    if u.tags > named.len() as u64 {
        named.push("…".to_string());
    }
    let pre = if u.prereleases > 0 {
        format!(
            "; {} {} pre-releases, counted only with --prereleases",
            thousands(u.prereleases),
            if u.prereleases == 1 { "is a" } else { "are" }
        )
    } else {
        String::new()
    };
    format!("{} ({}{pre})", unmatched_clause(u), named.join(", "))
}

/// The flag that selects the unmatched tags as streams, ready to paste.
#[must_use]
pub fn tag_pattern_flag(u: &UnmatchedTags) -> String {
    format!("--tag-pattern '{}'", u.suggested_tag_pattern)
}

/// The warning (stderr and the JSON `warnings`) about unmatched tags.
#[must_use]
pub fn unmatched_warning(u: &UnmatchedTags) -> String {
    format!(
        "{}; to analyse them as release streams, pass {}",
        unmatched_sentence(u, terminal_text),
        tag_pattern_flag(u)
    )
}

/// `--stream-path NAME=DIR` for every stream a workspace package suggests; `None` when
/// there is none. Text is escaped with `name`, and quoted for a shell where it needs it.
#[must_use]
pub fn stream_path_flags(streams: &[StreamPaths], name: impl Fn(&str) -> String) -> Option<String> {
    let flags: Vec<String> = streams
        .iter()
        .flat_map(|s| {
            s.suggested_paths.iter().map(|dir| {
                format!(
                    "--stream-path {}",
                    shell_word(&name(&format!("{}={dir}", s.stream)))
                )
            })
        })
        .collect();
    (!flags.is_empty()).then(|| flags.join(" "))
}

/// `word`, single-quoted when a shell would read anything in it specially.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.,/@=:+%".contains(c);
    if word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The lines a human-readable output adds about streams: unmatched tags and the flag that
/// selects them, then the suggested `--stream-path` flags. Each item is (sentence, flag).
#[must_use]
pub fn notices(
    unmatched: Option<&UnmatchedTags>,
    streams: &[StreamPaths],
    name: impl Fn(&str) -> String,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(u) = unmatched {
        out.push((
            format!(
                "{}. To analyse them as release streams:",
                unmatched_sentence(u, &name)
            ),
            tag_pattern_flag(u),
        ));
    }
    if let Some(flags) = stream_path_flags(streams, &name) {
        out.push((
            "Streams named like workspace packages own the whole tree; to count only each \
             package's own paths (sizes, commits, failures):"
                .to_string(),
            flags,
        ));
    }
    out
}

/// `releases --streams` as a table.
pub fn write_table(r: &StreamListing, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let mut g = Grid::new(&[
        ("Stream", Align::Left),
        ("Releases", Align::Right),
        ("Paths", Align::Left),
    ]);
    for s in &r.streams {
        g.row(vec![
            stream_name(&terminal_text(&s.stream)),
            thousands(s.releases),
            paths_cell(s, terminal_text),
        ]);
    }
    g.write(out, color)?;
    terminal_notices(r.unmatched_tags.as_ref(), &r.streams, out)
}

/// The report's stream notices, indented, for the terminal.
pub fn write_notices(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    terminal_notices(r.unmatched_tags.as_ref(), &r.streams, out)
}

fn terminal_notices(
    unmatched: Option<&UnmatchedTags>,
    streams: &[StreamPaths],
    out: &mut dyn Write,
) -> io::Result<()> {
    for (sentence, flag) in notices(unmatched, streams, terminal_text) {
        writeln!(out)?;
        for line in super::text::wrap(&sentence, 96) {
            writeln!(out, "  {line}")?;
        }
        writeln!(out, "    {flag}")?;
    }
    Ok(())
}

/// `releases --streams` as Markdown.
pub fn write_markdown(r: &StreamListing, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "| Stream | Releases | Paths |")?;
    writeln!(out, "|---|---:|---|")?;
    for s in &r.streams {
        writeln!(
            out,
            "| {} | {} | {} |",
            stream_name(&md_text(&s.stream)),
            thousands(s.releases),
            paths_cell(s, md_text)
        )?;
    }
    writeln!(out)?;
    markdown_notices(r.unmatched_tags.as_ref(), &r.streams, out)
}

/// The report's stream notices as Markdown paragraphs (each followed by a blank line), each
/// flag in a code span.
pub fn write_markdown_notices(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    markdown_notices(r.unmatched_tags.as_ref(), &r.streams, out)
}

fn markdown_notices(
    unmatched: Option<&UnmatchedTags>,
    streams: &[StreamPaths],
    out: &mut dyn Write,
) -> io::Result<()> {
    for (sentence, flag) in notices(unmatched, streams, md_text) {
        writeln!(out, "{sentence} {}", md_code(&flag))?;
        writeln!(out)?;
    }
    Ok(())
}

/// `releases --streams` as CSV.
pub fn write_csv(r: &StreamListing, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "stream,releases,paths,suggested_paths")?;
    for s in &r.streams {
        let record = csv_record(&[
            csv_text(&s.stream),
            s.releases.to_string(),
            csv_text(&s.paths.join(" ")),
            csv_text(&s.suggested_paths.join(" ")),
        ]);
        writeln!(out, "{record}")?;
    }
    Ok(())
}

fn stream_name(name: &str) -> String {
    if name.is_empty() {
        "(unprefixed)".to_string()
    } else {
        name.to_string()
    }
}

fn paths_cell(s: &StreamPaths, escape: fn(&str) -> String) -> String {
    if !s.paths.is_empty() {
        escape(&s.paths.join(" "))
    } else if s.suggested_paths.is_empty() {
        "whole tree".to_string()
    } else {
        format!(
            "whole tree (workspace package at {})",
            escape(&s.suggested_paths.join(", "))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unmatched() -> UnmatchedTags {
        UnmatchedTags {
            tags: 389,
            prereleases: 5,
            streams: 23,
            examples: vec!["tokio-1.47.1".into(), "tokio-util-0.7.16".into()],
            suggested_tag_pattern: "^(?P<stream>.+?)-(?P<version>\\d+)$".into(),
        }
    }

    #[test]
    fn unmatched_tags_are_counted_named_and_given_a_pattern() {
        let u = unmatched();
        assert_eq!(
            unmatched_sentence(&u, str::to_string),
            "389 tags look like releases of 23 prefixed streams but do not match the release \
             tag pattern (tokio-1.47.1, tokio-util-0.7.16, …; 5 are pre-releases, \
             counted only with --prereleases)"
        );
        assert_eq!(
            tag_pattern_flag(&u),
            "--tag-pattern '^(?P<stream>.+?)-(?P<version>\\d+)$'"
        );
        let one = UnmatchedTags {
            tags: 1,
            prereleases: 0,
            streams: 1,
            examples: vec!["cli-v1.0.0".into()],
            ..u
        };
        assert_eq!(
            unmatched_sentence(&one, str::to_string),
            "1 tag looks like releases of 1 prefixed stream but does not match the release tag \
             pattern (cli-v1.0.0)"
        );
    }

    #[test]
    fn suggested_stream_paths_are_ready_flags() {
        let s = |stream: &str, suggested: &[&str], paths: &[&str]| StreamPaths {
            stream: stream.into(),
            releases: 1,
            paths: paths.iter().map(ToString::to_string).collect(),
            suggested_paths: suggested.iter().map(ToString::to_string).collect(),
        };
        let streams = [
            s("tokio", &["tokio/"], &[]),
            s("tokio-util", &[], &["tokio-util/"]),
            s("ignore", &["crates/ignore/", "ignore/"], &[]),
            s("@acme/ui", &["packages/ui/"], &[]),
            s("we ird", &["w/"], &[]),
        ];
        assert_eq!(
            stream_path_flags(&streams, str::to_string).as_deref(),
            Some(
                "--stream-path tokio=tokio/ --stream-path ignore=crates/ignore/ \
                 --stream-path ignore=ignore/ --stream-path @acme/ui=packages/ui/ \
                 --stream-path 'we ird=w/'"
            )
        );
        assert_eq!(stream_path_flags(&streams[1..2], str::to_string), None);
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
