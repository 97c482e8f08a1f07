//! Command-line types (clap derive) and nothing else: they are turned once into a
//! [`crate::config::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Generate the man page or shell completions.
    #[command(hide = true)]
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

/// What `pr` compares.
#[derive(Debug, Args)]
pub struct PrArgs {
    /// The branch the change goes into, e.g. `origin/main`.
    #[arg(long, value_name = "REF")]
    pub base: String,
    /// The change (default: HEAD).
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    pub head: String,
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
    /// Print one line about the unreleased batch to stderr (what the hook runs).
    Run {
        /// Exit 1 when a `check` threshold is exceeded.
        #[arg(long)]
        enforce: bool,
        /// Read pre-push's ref lines from stdin and describe the pushed branch.
        #[arg(long)]
        stdin_refs: bool,
        /// The hook's own arguments (ignored).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        hook_args: Vec<String>,
    },
}

/// `generate man|completions`.
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
    /// Completions for a shell.
    Completions {
        shell: clap_complete::Shell,
        /// Directory to write into (default: stdout).
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
}

/// When to colour the table output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Which post-release reverts make a release count as failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureMode {
    /// Every post-release revert.
    Any,
    /// Only reverts whose message or incidents file links them to an incident.
    IncidentLinked,
}

/// Options every command takes. A `.git-cadence.toml` at the repository root sets the same
/// things; flags win.
#[derive(Debug, Args, Default)]
pub struct SharedArgs {
    /// The repository (default: discovered from the current directory, like git).
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,

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

    /// Incidents: CSV (`id,opened,resolved[,commits]`) or JSON (array or lines) with `id`,
    /// `opened`, `resolved` and optional `commits` (shas); reverts that name an incident id or
    /// are listed in it are incident-linked.
    #[arg(long, global = true, value_name = "FILE")]
    pub incidents: Option<PathBuf>,

    /// Which post-release reverts make a release count as failed.
    #[arg(long, global = true, value_enum)]
    pub failure: Option<FailureMode>,

    /// Regex (case-insensitive; `(?-i)` turns that off) that marks a revert message as
    /// incident-linked. Default: incident|outage|sev[0-9]|postmortem|post-mortem|hotfix|rollback|INC-[0-9]+
    #[arg(long, global = true, value_name = "REGEX")]
    pub incident_pattern: Option<String>,

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
}
