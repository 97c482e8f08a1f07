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
    Report,
    /// One row per release: size, interval, commits, lead time.
    Releases,
    /// Every revert found: what it undid, whether it was post-release, incident-linked, a repeat.
    Reverts,
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
