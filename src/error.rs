//! The error type of git-cadence and the exit codes it maps to.
//!
//! Exit codes (documented in the README):
//! - 0: success;
//! - 1: `check` found a threshold exceeded (not an error: see [`crate::Outcome`]);
//! - 2: bad input — not a repository, shallow clone, bad pattern, unreadable file, missing
//!   object — with a message that names the fix.

use std::path::PathBuf;

/// Exit code for bad input.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Everything that can stop a run. Each variant names what failed and, where there is one,
/// the fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{path} is not inside a git repository\n  \
         run git-cadence inside a checkout, or point at one with --repo PATH"
    )]
    NotARepository { path: PathBuf },

    #[error(
        "{path} is a shallow clone ({depth} commits deep): release history is cut off, so sizes, \
         intervals and reverts would be wrong\n  \
         on a laptop: run `git fetch --unshallow --tags`\n  \
         in CI: fetch the whole history, e.g. `fetch-depth: 0` in actions/checkout, \
         or GIT_DEPTH: 0 in GitLab CI"
    )]
    ShallowClone { path: PathBuf, depth: usize },

    #[error(
        "git refuses to read {path}: the repository is owned by another user\n  \
         if you trust it, run `git config --global --add safe.directory {path}`"
    )]
    UnsafeOwnership { path: PathBuf },

    #[error("cannot open repository {path}: {message}")]
    OpenRepository { path: PathBuf, message: String },

    #[error(
        "object {id} ({what}) is missing from the repository\n  \
         the clone is incomplete; run `git fetch --refetch` or clone again"
    )]
    MissingObject { id: String, what: String },

    #[error("bad {what} pattern `{pattern}`: {message}")]
    BadPattern {
        what: &'static str,
        pattern: String,
        message: String,
    },

    #[error("cannot read {path}: {message}")]
    UnreadableFile { path: PathBuf, message: String },

    #[error("{path}:{line}: {message}")]
    BadFileLine {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("bad value for {what}: {message}")]
    BadValue { what: String, message: String },

    #[error("git error while {context}: {message}")]
    Git { context: String, message: String },

    #[error(
        "commit {commit} has a tree more than {max} directories deep (at {at}), deeper than \
         git allows; git-cadence stops rather than walk it"
    )]
    TreeTooDeep {
        commit: String,
        max: usize,
        at: String,
    },

    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

impl Error {
    /// The exit code for this error.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        EXIT_BAD_INPUT
    }
}

/// The result type used throughout git-cadence.
pub type Result<T, E = Error> = std::result::Result<T, E>;
