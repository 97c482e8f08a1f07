//! Command-line types (clap derive) and nothing else: they are turned once into a
//! [`crate::config::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::failure::FailureSignals;

/// Do our big releases hurt us more than our small ones? git-cadence answers from the
/// repository's own history: release sizes, cadence, reverts, and how they relate.
#[derive(Debug, Parser)]
#[command(name = "git-cadence", bin_name = "git cadence", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub shared: SharedArgs,
}

/// The subcommands. Without one, `report` runs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The whole analysis: releases, cadence, reverts and the size-versus-failure evidence.
    /// `--format html` writes it as one self-contained page with charts.
    Report,
    /// One row per release: size, interval, commits, lead time.
    Releases(ReleasesArgs),
    /// Every revert found: what it undid, whether it was post-release, incident-linked, a repeat.
    Reverts,
    /// Exit 1, with the reasons, when the unreleased batch is over a threshold; 0 otherwise.
    Check(CheckArgs),
    /// Release-health summary of a change, for a pull request comment.
    Pr(PrArgs),
    /// Install or remove the git hook (pre-push by default), or run what it runs.
    Hook(HookArgs),
    /// Many repositories in parallel: one JSON line per repository (`--format jsonl`, the
    /// only format), the `report --format json` object or an error; a bad one never stops
    /// the rest.
    Fleet(FleetArgs),
    /// Build a sample history in a temporary directory and print the full report on it.
    Demo(DemoArgs),
    /// Print the settings in force and where each came from (default, file or flag).
    Config,
    /// Generate the man page, shell completions or the JSON Schema of the report.
    Generate(GenerateArgs),
}

/// What `releases` lists.
#[derive(Debug, Args, Default, Clone, Copy)]
pub struct ReleasesArgs {
    /// List the release streams instead: each stream, its release count and the paths it
    /// is bound to (what the tag pattern selects).
    #[arg(long)]
    pub streams: bool,
}

/// Thresholds of `check`; each also comes from `[check]` in `.git-cadence.toml`.
#[derive(Debug, Args, Default, Clone, Copy)]
pub struct CheckArgs {
    /// Most lines changed (latest release to HEAD) allowed unreleased.
    #[arg(long, value_name = "N")]
    pub max_unreleased_lines: Option<u64>,
    /// Most commits allowed unreleased.
    #[arg(long, value_name = "N")]
    pub max_unreleased_commits: Option<u64>,
    /// Most days the oldest unreleased commit may wait.
    #[arg(long, value_name = "N")]
    pub max_unreleased_days: Option<u64>,
}

/// The repositories of `fleet` and how to split them; `--repo` may also be given several
/// times.
#[derive(Debug, Args, Clone, Default)]
pub struct FleetArgs {
    /// File with one repository path per line; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub repos_from: Option<PathBuf>,
    /// Repositories analysed at once (default: the number of cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Keep only shard I of N (0 <= I < N), by a stable hash of each path as listed: N
    /// machines given the same list split it with no coordination.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Skip repositories whose HEAD and settings already have a line in FILE (an earlier
    /// run's output; a missing file is empty).
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Print the paths this run (this shard) would analyse, one per line, and stop: to
    /// clone only a shard's repositories.
    #[arg(long)]
    pub list: bool,
}

/// What `pr` compares.
#[derive(Debug, Args)]
pub struct PrArgs {
    /// The branch the change goes into, e.g. `origin/main`.
    #[arg(long, value_name = "REF")]
    pub base: String,
    /// The change (default: HEAD).
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    pub head: String,
    /// Exit 1 when the next release with this change merged would be over a `check`
    /// threshold (the flags below, else `[check]` in `.git-cadence.toml`).
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub thresholds: CheckArgs,
}

/// `hook install|uninstall|run`.
#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub action: HookAction,
}

/// What to do with the hook.
#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Install the hook; an existing hook is kept and still runs first.
    Install {
        /// Which git hook.
        #[arg(long = "hook", value_name = "NAME", default_value = "pre-push")]
        name: String,
        /// Replace a file that is in the way (a previous moved-aside hook, a wrapper you
        /// edited), or write into a hooks directory inside the work tree.
        #[arg(long)]
        force: bool,
        /// Fail the hook (exit 1) when a `check` threshold is exceeded.
        #[arg(long)]
        enforce: bool,
    },
    /// Remove the hook and put back the one it replaced, byte for byte.
    Uninstall {
        /// Which git hook.
        #[arg(long = "hook", value_name = "NAME", default_value = "pre-push")]
        name: String,
        /// Remove the wrapper even when it was edited since install.
        #[arg(long)]
        force: bool,
    },
    /// Print one line about the pushed batch to stderr (what the hook runs). Silent when the
    /// push deletes a branch or sends nothing new.
    Run(HookRunArgs),
}

/// `demo`: where the sample history goes.
#[derive(Debug, Args, Default)]
pub struct DemoArgs {
    /// Keep the sample repository in DIR (a new or empty directory) to try other commands
    /// on it; without it, the history is built in a temporary directory and removed.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `hook run`: what the pre-push hook (or pre-commit, husky, lefthook) calls.
#[derive(Debug, Args, Default)]
pub struct HookRunArgs {
    /// Exit 1 when a `check` threshold is exceeded on a push to a release branch.
    #[arg(long)]
    pub enforce: bool,
    /// Read pre-push's ref lines from stdin and describe the pushed branch.
    #[arg(long)]
    pub stdin_refs: bool,
    /// A release branch that --enforce gates (repeatable; a glob such as `release/*` works).
    /// Default: `[check] branches` in `.git-cadence.toml`, else the remote's default branch.
    #[arg(long = "release-branch", value_name = "NAME")]
    pub release_branches: Vec<String>,
    /// The hook's own arguments: the remote's name and URL.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "HOOK_ARGS"
    )]
    pub hook_args: Vec<String>,
}

/// `generate man|completions|schema`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: Generate,
}

/// What to generate.
#[derive(Debug, Subcommand)]
pub enum Generate {
    /// The man page `git-cadence.1` (what `git cadence --help` opens).
    Man {
        /// Directory to write into (default: stdout), e.g. ~/.local/share/man/man1.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Completions for a shell; they complete `git cadence …` as well as `git-cadence …`.
    Completions {
        shell: clap_complete::Shell,
        /// Directory to write into (default: stdout).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// The JSON Schema of `report --format json` (also in docs/schema.json).
    Schema {
        /// Directory to write `schema.json` into (default: stdout).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Tables for a terminal.
    Table,
    /// JSON, `schema_version` 1.
    Json,
    /// Markdown, for pull requests and wikis.
    Markdown,
    /// CSV, one row per item.
    Csv,
    /// One self-contained HTML page with charts (`report` only).
    #[value(hide = true)]
    Html,
    /// JSON Lines: the JSON object on one line (what `fleet` writes).
    #[value(hide = true)]
    Jsonl,
}

/// When to colour the table output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options every command takes. A `.git-cadence.toml` at the repository root sets the same
/// things; flags win.
#[derive(Debug, Args, Default, Clone)]
pub struct SharedArgs {
    /// The repository (default: discovered from the current directory, like git); `fleet`
    /// takes it several times.
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Vec<PathBuf>,

    /// Output format.
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,

    /// Regex that selects release tags; a named group `stream` (or the text before the
    /// version) names a release stream, analysed on its own.
    #[arg(long, global = true, value_name = "REGEX")]
    pub tag_pattern: Option<String>,

    /// Bind a release stream to the paths it owns (repeatable; several paths per stream):
    /// its sizes, commits and failures then count only those paths. PATH ending in `/` is
    /// that directory from the root; otherwise a glob as in --exclude.
    #[arg(long, global = true, value_name = "NAME=PATH")]
    pub stream_path: Vec<String>,

    /// Count pre-release tags (-rc.1, -beta, .rc1...) as releases.
    #[arg(long, global = true)]
    pub prereleases: bool,

    /// Only releases at or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, global = true, value_name = "DATE")]
    pub since: Option<String>,

    /// Only releases at or before this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, global = true, value_name = "DATE")]
    pub until: Option<String>,

    /// Leave paths matching GLOB out of release sizes (repeatable).
    #[arg(long, global = true, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Count lock files and generated/vendored paths in release sizes too.
    #[arg(long, global = true)]
    pub include_all: bool,

    /// Deploys instead of tags: CSV or JSON lines of commit,time[,environment].
    #[arg(long, global = true, value_name = "FILE")]
    pub deploys: Option<PathBuf>,

    /// Incidents: CSV (`id,opened,resolved[,commits][,stream]`) or JSON (array or lines) with
    /// `id`, `opened`, `resolved` and optional `commits` (shas) and `stream`. Each incident
    /// fails the releases it hits (the `incident` signal), and resolved − opened is their time
    /// to restore; without incidents only a time to remedy is reported (release → the first
    /// release that shipped its revert or fix). Reverts and fixes that name an incident id or
    /// are listed in it are incident-linked.
    #[arg(long, global = true, value_name = "FILE")]
    pub incidents: Option<PathBuf>,

    /// What makes a release failed, comma-separated: `revert` (a post-release revert undid one
    /// of its commits), `fix` (a later commit's `Fixes: <sha>` trailer names one), `incident`
    /// (an incident of --incidents lists one of its commits, or was opened while it was the
    /// live release). Reverts and fixes of tests, docs, CI files and changelogs only are
    /// listed but do not count (`non_production` in .git-cadence.toml sets which paths).
    /// `incident-linked`: only incident-linked reverts and fixes, and incidents.
    /// [default: revert,fix,incident]
    #[arg(long, global = true, value_name = "SIGNALS", value_parser = parse_failure)]
    pub failure: Option<FailureSignals>,

    /// Regex (case-insensitive; `(?-i)` turns that off) that marks a revert message as
    /// incident-linked. Default: incident|outage|sev[0-9]|postmortem|post-mortem|hotfix|rollback|INC-[0-9]+
    #[arg(long, global = true, value_name = "REGEX")]
    pub incident_pattern: Option<String>,

    /// Also measure churn: each release's non-merge commits against their first parents
    /// (`churn_lines_added`/`_deleted`). Off by default: it is most of a first run's cost.
    #[arg(long, global = true)]
    pub churn: bool,

    /// Do not read or write the size cache (kept in $XDG_CACHE_HOME/git-cadence, never in the
    /// repository).
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Colour the table output.
    #[arg(long, global = true, value_enum)]
    pub color: Option<ColorChoice>,

    /// Print no warnings and no progress.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Directories of a path that name its component, for repeat failures (default 2).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub component_depth: Option<u32>,

    /// How far back a failure looks for an earlier one in the same component, in days
    /// (default 180).
    #[arg(long, global = true, value_name = "DAYS")]
    pub lookback_days: Option<u32>,

    /// Width of the rolling cadence windows, in days (default 90).
    #[arg(long, global = true, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..))]
    pub window_days: Option<u32>,
}

/// The formats each command produces; a command's `--format` offers only these. Commands
/// not listed take every [`Format`] (the report and the demo, which prints the report).
const FORMATS: &[(&str, &[&str])] = &[
    ("releases", &["table", "json", "markdown", "csv"]),
    ("reverts", &["table", "json", "markdown", "csv"]),
    ("check", &["table", "json", "markdown", "csv"]),
    ("pr", &["table", "json", "markdown"]),
    ("config", &["table", "json"]),
    ("hook", &[]),
    ("generate", &[]),
    ("fleet", &["jsonl"]),
];

/// The command line as parsed and documented (help, man page, completions): the derived
/// [`Cli`] with each command's `--format` narrowed to the formats it produces.
#[must_use]
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    for (name, formats) in FORMATS {
        cmd = cmd.mut_subcommand(name, |sub| narrow_format(sub, formats));
    }
    cmd
}

/// Gives `sub` (and, for a command with no formats, its subcommands) its own `--format`,
/// which the global one then does not replace.
fn narrow_format(sub: clap::Command, formats: &'static [&'static str]) -> clap::Command {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    let arg = clap::Arg::new("format")
        .long("format")
        .value_name("FORMAT")
        .help("Output format")
        .value_parser(
            PossibleValuesParser::new(formats.iter().copied())
                .try_map(|s| <Format as ValueEnum>::from_str(&s, true)),
        );
    if formats.is_empty() {
        // Writes no report: no --format at all (hidden so that parsing still has the id).
        let names: Vec<String> = sub
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        let mut sub = sub.arg(arg.hide(true));
        for name in names {
            sub = sub.mut_subcommand(name, |s| s.arg(arg_hidden()));
        }
        sub
    } else {
        sub.arg(arg)
    }
}

/// A `--format` that accepts nothing, for commands that print no report.
fn arg_hidden() -> clap::Arg {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    clap::Arg::new("format")
        .long("format")
        .hide(true)
        .value_parser(
            PossibleValuesParser::new(Vec::<&str>::new())
                .try_map(|s| <Format as ValueEnum>::from_str(&s, true)),
        )
}

/// `--failure` as clap reads it.
fn parse_failure(text: &str) -> Result<FailureSignals, String> {
    FailureSignals::parse(text).map_err(|e| match e {
        crate::error::Error::BadValue { message, .. } => message,
        other => other.to_string(),
    })
}
