//! git-cadence: do a team's big releases hurt it more than its small ones? Reads a
//! repository's release history and answers with evidence.
//!
//! Data flows one way: [`git`] (repository → [`facts`]) → [`analysis`] → [`report`].

pub mod analysis;
pub mod cli;
pub mod config;
pub mod error;
pub mod exclude;
pub mod facts;
pub mod git;
pub mod report;

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
    let config = config::Config::from_args(&cli.shared)?;
    let _ = config;
    Ok(Outcome::Success)
}
