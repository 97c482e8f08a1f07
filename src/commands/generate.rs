//! `git cadence generate man|completions SHELL|schema [--out DIR]`: the man page that `git
//! cadence --help` opens, shell completions, and the JSON Schema of the report — all generated
//! from the code (the clap types, the README's definitions, the report model), never written
//! by hand.

use std::fmt::Write as _;
use std::path::Path;

use crate::cli::Generate;
use crate::error::{Error, Result};
use crate::Outcome;

/// The README, whose "What the numbers mean" section the man page carries as DEFINITIONS.
const README: &str = include_str!("../../README.md");

/// Writes what was asked for to `--out DIR` (created if missing) or to stdout.
pub fn run(what: Generate) -> Result<Outcome> {
    match what {
        Generate::Man { out } => {
            write(out.as_deref(), "git-cadence.1", man_page().as_bytes())?;
            if let Some(dir) = &out {
                let cmd = crate::cli::command();
                for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                    let name = format!("git-cadence-{}", sub.get_name());
                    let mut page = Vec::new();
                    clap_mangen::Man::new(sub.clone().display_name(name.clone()))
                        .render(&mut page)
                        .map_err(Error::Output)?;
                    write(Some(dir), &format!("{name}.1"), &page)?;
                }
            }
        }
        Generate::Completions { shell, out } => {
            let file = match shell {
                clap_complete::Shell::Bash => "git-cadence".to_string(),
                clap_complete::Shell::Zsh => "_git-cadence".to_string(),
                clap_complete::Shell::Fish => "git-cadence.fish".to_string(),
                clap_complete::Shell::PowerShell => "_git-cadence.ps1".to_string(),
                clap_complete::Shell::Elvish => "git-cadence.elv".to_string(),
                other => format!("git-cadence.{other}"),
            };
            write(out.as_deref(), &file, completions(shell).as_bytes())?;
        }
        Generate::Schema { out } => {
            write(out.as_deref(), "schema.json", schema().as_bytes())?;
        }
    }
    Ok(Outcome::Success)
}

/// The JSON Schema (draft 2020-12) of `report --format json`, derived from the report model.
#[must_use]
pub fn schema() -> String {
    let mut schema = schemars::schema_for!(crate::report::model::Report);
    schema.insert(
        "title".into(),
        "git-cadence report (schema_version 1)".into(),
    );
    let mut value = schema.to_value();
    require_every_field(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Marks every property of every object as required: the JSON always has each field, with
/// `null` for "does not apply" (schemars leaves `Option` fields optional). A field that
/// `#[serde(default)]` lets go missing keeps its `default` and stays optional.
fn require_every_field(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                let required: Vec<serde_json::Value> = props
                    .iter()
                    .filter(|(_, p)| p.get("default").is_none())
                    .map(|(k, _)| serde_json::Value::String(k.clone()))
                    .collect();
                map.insert("required".into(), serde_json::Value::Array(required));
            }
            for v in map.values_mut() {
                require_every_field(v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(require_every_field),
        _ => {}
    }
}

/// Completions for `shell`. They complete `git-cadence …`, and `git cadence …` through git's
/// own completion: bash's calls `_git_cadence`, zsh's `_git-cadence`, and fish hands `git
/// cadence` to the completions of `git-cadence`.
#[must_use]
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut cmd = crate::cli::command();
    let mut script = Vec::new();
    if shell == clap_complete::Shell::Bash {
        // clap_complete's bash script names a subcommand's case `git__cadence__subcmd__pr`
        // in one place and `git__subcmd__cadence__subcmd__pr` in another when the binary's
        // name has a hyphen, and then completes nothing after a subcommand. Generated for a
        // name without one, then renamed, the two agree.
        clap_complete::generate(shell, &mut cmd, "gitcadence", &mut script);
        let script = String::from_utf8_lossy(&script)
            .replace("-o default gitcadence", "-o default git-cadence")
            .replace("gitcadence", "git__cadence");
        return format!("{script}{BASH_GIT_SUBCOMMAND}");
    }
    clap_complete::generate(shell, &mut cmd, "git-cadence", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// git's bash completion calls `_git_<command>` for `git <command> <TAB>`, with the whole
/// command line in `words` (and, in recent git, the command's index in `__git_cmd_idx`).
/// This hands the words from `cadence` on to the clap-generated `_git__cadence` (clap's name
/// for the completion of the `git-cadence` binary).
const BASH_GIT_SUBCOMMAND: &str = r#"
# `git cadence <TAB>`: git's completion calls _git_cadence.
_git_cadence() {
    local i=${__git_cmd_idx:-}
    if [ -z "$i" ]; then
        i=1
        while [ "$i" -lt "$cword" ] && [ "${words[i]}" != cadence ]; do i=$((i + 1)); done
    fi
    local -a COMP_WORDS=("git-cadence" "${words[@]:i+1}")
    local COMP_CWORD=$((cword - i))
    _git__cadence git-cadence "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
}
"#;

/// The man page `git-cadence(1)`: the options and commands from the clap types, then what
/// every number means (the README's definitions), exit status, files, environment, examples.
#[must_use]
pub fn man_page() -> String {
    let cmd = crate::cli::command().name("git-cadence");
    let man = clap_mangen::Man::new(cmd);
    let mut page = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render_title(&mut page);
    let _ = man.render_name_section(&mut page);
    let _ = man.render_synopsis_section(&mut page);
    let _ = man.render_description_section(&mut page);
    let _ = man.render_options_section(&mut page);
    let _ = man.render_subcommands_section(&mut page);
    let mut page = String::from_utf8_lossy(&page).into_owned();
    page.push_str(".SH DEFINITIONS\n");
    page.push_str(&markdown_to_roff(&readme_section(
        "## What the numbers mean",
    )));
    page.push_str(".SH CONFIGURATION\n");
    page.push_str(&markdown_to_roff(&readme_paragraph(
        "**Configuration file.**",
    )));
    page.push_str(EXIT_STATUS);
    page.push_str(FILES);
    page.push_str(ENVIRONMENT);
    page.push_str(EXAMPLES);
    page.push_str(".SH SEE ALSO\n\\fBgit\\fR(1), \\fBgithooks\\fR(5)\n");
    let mut version = Vec::new();
    let _ = man.render_version_section(&mut version);
    page.push_str(&String::from_utf8_lossy(&version));
    page
}

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success. A closed pipe (\fBgit cadence | head\fR) is success too.
.TP
\fB1\fR
\fBcheck\fR (or \fBpr \-\-check\fR) found a threshold exceeded; \fBhook run \-\-enforce\fR stops a push to a release branch.
.TP
\fB2\fR
Bad input: not a repository, a shallow clone, a repository owned by another user, a bad pattern, date or value, an unreadable or malformed file, a missing object. The message names the fix.
"#;

const FILES: &str = r".SH FILES
.TP
\fI.git\-cadence.toml\fR
At the root of the work tree (the git directory of a bare repository): the repository's settings, the same as the flags (flags win). \fBgit cadence config\fR prints the settings in force and where each came from. \fBpr\fR reads it from the base revision, never from the change.
.TP
\fI$XDG_CACHE_HOME/git\-cadence/\fR (else \fI~/.cache/git\-cadence/\fR)
The size cache: measured diffs (\fI<repo>\-<hash>.diffcache\fR) and inverse\-diff digests (\fI<repo>\-<hash>.digestcache\fR), never inside the repository. Safe to delete; \fB\-\-no\-cache\fR neither reads nor writes it.
";

const ENVIRONMENT: &str = r".SH ENVIRONMENT
.TP
\fBSOURCE_DATE_EPOCH\fR
Seconds since 1970; when set, used as ``now'', which makes a report reproducible.
.TP
\fBNO_COLOR\fR
When set and not empty, tables are not coloured (unless \fB\-\-color always\fR).
.TP
\fBXDG_CACHE_HOME\fR
Where the size cache lives.
";

const EXAMPLES: &str = r".SH EXAMPLES
.TP
\fBgit cadence demo\fR
The full report on a sample history built in a temporary directory.
.TP
\fBgit cadence\fR
The whole report on the repository in the current directory.
.TP
\fBgit cadence releases \-\-since 2024\-01\-01\fR
One row per release since a date.
.TP
\fBgit cadence \-\-tag\-pattern '^cli\-v(?P<version>\ed+\e.\ed+\e.\ed+)$'\fR
A monorepo stream.
.TP
\fBgit cadence check \-\-max\-unreleased\-lines 2000\fR
Exit 1 when the unreleased batch is over 2,000 changed lines.
.TP
\fBgit cadence pr \-\-base origin/main \-\-format markdown\fR
The release\-health summary of the checked\-out change, for a pull request comment.
.TP
\fBgit cadence hook install\fR
A pre\-push hook that prints one line about the batch a push sends.
.TP
\fBgit cadence \-\-format json | jq .summary.headline\fR
The headline, from the JSON report (see \fBgit cadence generate schema\fR).
";

/// The README's lines from `heading` to the next heading of the same or a higher level.
fn readme_section(heading: &str) -> String {
    let level = heading.chars().take_while(|&c| c == '#').count();
    let mut out = String::new();
    let mut inside = false;
    for line in README.lines() {
        if line.trim_end() == heading {
            inside = true;
            continue;
        }
        if inside {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
                break;
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The README's paragraph that starts with `start`, with the code block that follows it, up
/// to the blank line after that block.
fn readme_paragraph(start: &str) -> String {
    let mut out = String::new();
    let (mut inside, mut fence, mut closed) = (false, false, false);
    for line in README.lines() {
        inside |= line.starts_with(start);
        if !inside {
            continue;
        }
        if closed && line.trim().is_empty() {
            break;
        }
        if line.starts_with("```") {
            closed = fence;
            fence = !fence;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Escapes text for roff: backslashes, hyphens (so they stay minus signs), and a leading
/// dot or quote (which would start a request).
fn roff_escape(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

/// Protects lines that would start a roff request (a leading dot or quote).
fn protect_lines(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// Inline Markdown to roff: `**bold**` and `` `code` `` in bold, `*emphasis*` in italics,
/// links as their text.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (open, close, font) = if rest.starts_with("**") {
            ("**", "**", "\\fB")
        } else if c == '`' {
            ("`", "`", "\\fB")
        } else if c == '*' {
            ("*", "*", "\\fI")
        } else {
            let next = rest
                .find(['*', '`'])
                .filter(|&i| i > 0)
                .unwrap_or(rest.len());
            out.push_str(&roff_escape(&rest[..next]));
            rest = &rest[next..];
            continue;
        };
        if let Some(end) = rest[open.len()..].find(close) {
            let inner = &rest[open.len()..open.len() + end];
            let _ = write!(out, "{font}{}\\fR", roff_escape(inner));
            rest = &rest[open.len() + end + close.len()..];
        } else {
            out.push_str(&roff_escape(open));
            rest = &rest[open.len()..];
        }
    }
    out
}

/// Block Markdown (paragraphs, `-` lists, `###` headings, code blocks, tables) to roff.
fn markdown_to_roff(markdown: &str) -> String {
    let mut out = String::new();
    let mut para = String::new();
    let mut in_code = false;
    let flush = |para: &mut String, out: &mut String| {
        if !para.trim().is_empty() {
            out.push_str(&protect_lines(&inline(para.trim())));
        }
        para.clear();
    };
    for line in markdown.lines() {
        if line.starts_with("```") {
            flush(&mut para, &mut out);
            out.push_str(if in_code {
                ".fi\n.RE\n"
            } else {
                ".RS 4\n.nf\n"
            });
            in_code = !in_code;
            continue;
        }
        if in_code {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&protect_lines(&roff_escape(line)));
            }
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(h) = trimmed.strip_prefix("### ") {
            flush(&mut para, &mut out);
            let _ = writeln!(out, ".SS \"{}\"", roff_escape(h));
        } else if trimmed.starts_with('|') {
            flush(&mut para, &mut out);
            if !trimmed.starts_with("|--")
                && !trimmed.starts_with("|---")
                && !trimmed.contains("---|")
            {
                let cells: Vec<String> = trimmed
                    .trim_matches('|')
                    .split('|')
                    .map(|c| inline(c.trim()))
                    .collect();
                let _ = writeln!(out, ".br\n{}", cells.join(" \\(em "));
            }
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            flush(&mut para, &mut out);
            out.push_str(".IP \\(bu 2\n");
            para.push_str(item);
            para.push('\n');
        } else if trimmed.is_empty() {
            flush(&mut para, &mut out);
            out.push_str(".PP\n");
        } else {
            para.push_str(trimmed);
            para.push('\n');
        }
    }
    flush(&mut para, &mut out);
    if in_code {
        out.push_str(".fi\n.RE\n");
    }
    out
}

fn write(dir: Option<&Path>, file: &str, bytes: &[u8]) -> Result<()> {
    match dir {
        None => crate::emit(|out| std::io::Write::write_all(out, bytes)),
        Some(dir) => {
            let path = dir.join(file);
            std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(&path, bytes))
                .map_err(|e| Error::UnreadableFile {
                    path,
                    message: format!("cannot write: {e}"),
                })?;
            crate::stderr_line(&format!("git-cadence: wrote {}", dir.join(file).display()));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_man_page_has_the_definitions_and_the_sections_a_man_page_needs() {
        let page = man_page();
        assert!(page.contains(".TH git-cadence 1"), "{}", &page[..200]);
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH OPTIONS",
            ".SH DEFINITIONS",
            ".SH CONFIGURATION",
            ".SH \"EXIT STATUS\"",
            ".SH FILES",
            ".SH ENVIRONMENT",
            ".SH EXAMPLES",
        ] {
            assert!(page.contains(section), "man page lacks {section}");
        }
        for word in ["check", "pr", "hook", "releases", "demo", "config"] {
            let entry = format!("git\\-cadence\\-{word}(1)");
            assert!(page.contains(&entry), "man page lacks {entry}");
        }
        // The definitions come from the README: a few of the numbers it defines.
        for term in ["Release", "Size", "Lead time", "Change failure rate", "AUC"] {
            assert!(page.contains(term), "man page does not define {term}");
        }
        assert!(page.contains("\\fI.git\\-cadence.toml\\fR"));
        assert!(page.contains("XDG_CACHE_HOME"));
        // No line of prose starts a roff request by accident.
        for line in page.lines() {
            assert!(
                !line.starts_with('\'') && !line.starts_with(".\\-"),
                "stray request: {line}"
            );
        }
    }

    #[test]
    fn markdown_becomes_roff() {
        let roff = markdown_to_roff(
            "Intro with `code` and **bold**.\n\n- **Term**: a *word* -x\n  more\n\n```sh\n.hidden -a\n```\n",
        );
        assert_eq!(
            roff,
            "Intro with \\fBcode\\fR and \\fBbold\\fR.\n.PP\n.IP \\(bu 2\n\\fBTerm\\fR: a \\fIword\\fR \\-x\nmore\n.PP\n.RS 4\n.nf\n\\&.hidden \\-a\n.fi\n.RE\n"
        );
    }

    #[test]
    fn bash_completion_serves_git_cadence_and_git_space_cadence() {
        let script = completions(clap_complete::Shell::Bash);
        assert!(
            script.contains("_git_cadence() {"),
            "git's bash completion calls _git_cadence"
        );
        assert!(
            script.contains(
                "complete -F _git__cadence -o nosort -o bashdefault -o default git-cadence"
            ),
            "and git-cadence itself"
        );
        let zsh = completions(clap_complete::Shell::Zsh);
        assert!(zsh.starts_with("#compdef git-cadence"), "{}", &zsh[..40]);
        assert!(
            zsh.contains("_git-cadence() {"),
            "zsh's _git calls _git-cadence"
        );
        let fish = completions(clap_complete::Shell::Fish);
        assert!(fish.contains("complete -c git-cadence"));
        for s in [&script, &zsh, &fish] {
            assert!(s.contains("max-unreleased-lines"));
            assert!(s.contains("component-depth"));
        }
    }
}
