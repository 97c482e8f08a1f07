//! git-cadence: do a team's big releases hurt it more than its small ones? Reads a
//! repository's release history and answers with evidence.
//!
//! Data flows one way: [`git`] (repository → [`facts`]) → [`analysis`] → [`report`].

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod config;
pub mod config_file;
pub mod deploys;
pub mod error;
pub mod exclude;
pub mod facts;
pub mod failure;
pub mod git;
pub mod hook;
pub mod incidents;
pub mod input;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod scope;

use error::Result;

/// How a successful run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done; exit 0.
    Success,
    /// `check` found a threshold exceeded; exit 1.
    ThresholdExceeded,
}

impl Outcome {
    /// The process exit code.
    #[must_use]
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::ThresholdExceeded => 1,
        }
    }
}

/// Runs one command line.
pub fn run(cli: cli::Cli) -> Result<Outcome> {
    worker_stacks();
    let now = now()?;
    let command = cli.command.unwrap_or(cli::Command::Report);
    refuse_html_outside_report(&command, cli.shared.format)?;
    let view = match command {
        cli::Command::Report => report::View::Report,
        cli::Command::Releases(args) if args.streams => return list_streams(cli.shared),
        cli::Command::Releases(_) => report::View::Releases,
        cli::Command::Check(args) => return commands::check::run(cli.shared, args, now),
        cli::Command::Pr(args) => return commands::pr::run(cli.shared, &args, now),
        cli::Command::Hook(args) => return hook::run(cli.shared, args.action, now),
        cli::Command::Generate(args) => return commands::generate::run(args.what),
        cli::Command::Demo(args) => return commands::demo::run(cli.shared, &args),
        cli::Command::Config => return commands::config::run(&cli.shared),
        cli::Command::Fleet(args) => return commands::fleet::run(&cli.shared, &args, now),
        cli::Command::Reverts => report::View::Reverts,
    };
    let (repo, config, _) = commands::load(cli.shared)?;
    let report = pipeline::analyse(&repo, &config, now)?;
    pipeline::print_warnings(&report.warnings, config.quiet);
    write_report(&report, view, &config)?;
    Ok(Outcome::Success)
}

/// Writes `report` as `view` in the configured format to stdout, with colour and pictures
/// only where the terminal takes them.
pub(crate) fn write_report(
    report: &report::model::Report,
    view: report::View,
    config: &config::Config,
) -> Result<()> {
    let color = use_color(config.color);
    let style = report::table::Style {
        color,
        pictures: color && unicode_locale(),
    };
    emit_as(config.format, color, |out| {
        report::render(report, view, config.format, style, out)
    })
}

/// Only `report` (and `demo`, which prints it) writes HTML; every other command says so before doing any work. (A
/// `format = "html"` in the config file sets the report's format; the other commands then
/// write their default, so that a hook or a CI gate keeps working.)
fn refuse_html_outside_report(command: &cli::Command, format: Option<cli::Format>) -> Result<()> {
    let report = matches!(command, cli::Command::Report | cli::Command::Demo(_));
    if format == Some(cli::Format::Html) && !report {
        return Err(error::Error::BadValue {
            what: "--format".to_string(),
            message: "html is written by `git cadence report` only; this command writes table, \
                      json, markdown or csv"
                .to_string(),
        });
    }
    Ok(())
}

/// `releases --streams`: what the tag pattern selects, read without measuring anything.
fn list_streams(shared: cli::SharedArgs) -> Result<Outcome> {
    let (repo, config, _) = commands::load(shared)?;
    let (listing, warnings) = pipeline::list_streams(&repo, &config)?;
    let warnings: Vec<String> = warnings.into_iter().map(|w| w.0).collect();
    pipeline::print_warnings(&warnings, config.quiet);
    emit(|out| report::render_streams(&listing, config.format, use_color(config.color), out))?;
    Ok(Outcome::Success)
}

/// Tree walks recurse once per directory level, and git allows trees 2048 levels deep:
/// rayon's workers get stacks large enough for that (the memory is reserved, only touched
/// as deep as a walk goes). Deeper trees are an error before they reach this.
fn worker_stacks() {
    // Fails only when a pool already exists (a second `run` in one process): keep that one.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build_global();
}

/// The time the analysis is "as of": now, or `SOURCE_DATE_EPOCH` (seconds) when set, which
/// makes reports reproducible.
fn now() -> Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse().map_err(|_| error::Error::BadValue {
            what: "SOURCE_DATE_EPOCH".to_string(),
            message: format!("`{v}` is not a number of seconds"),
        }),
        Err(_) => Ok(chrono::Utc::now().timestamp()),
    }
}

/// Colour for tables: `always`, `never`, or with `auto` when stdout is a terminal and
/// `NO_COLOR` is unset.
pub(crate) fn use_color(choice: cli::ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Whether the locale says the terminal takes UTF-8 (the first of `LC_ALL`, `LC_CTYPE`,
/// `LANG` that is set decides, as in setlocale(3)).
fn unicode_locale() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

/// Writes to stdout through a buffer. A closed pipe (`| head`) is success, not an error; a
/// full disk (`> /dev/full`) is an error with a message, never a panic.
pub fn emit(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(error::Error::Output),
    }
}

/// Writes output in `format` to stdout like [`emit`]. A table, and anything when stdout is
/// a terminal, goes through [`report::escape::terminal_output`] as a whole: no control or
/// bidi character from any field reaches a terminal (`color`: keep our own bold).
pub fn emit_as(
    format: cli::Format,
    color: bool,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    use std::io::IsTerminal;
    if format != cli::Format::Table && !std::io::stdout().is_terminal() {
        return emit(write);
    }
    let mut buf = Vec::new();
    write(&mut buf).map_err(error::Error::Output)?;
    let text = report::escape::terminal_output(&String::from_utf8_lossy(&buf), color);
    emit(|out| out.write_all(text.as_bytes()))
}

/// Writes one message to stderr (a warning, an error, the hook's line), escaped for the
/// terminal. A closed or full stderr is ignored: there is nowhere left to say anything.
pub fn stderr_line(text: &str) {
    use std::io::Write;
    let mut line = report::escape::terminal_output(text, false);
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
