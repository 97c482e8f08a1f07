//! The `git-cadence` binary: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = git_cadence::cli::Cli::parse();
    match git_cadence::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            git_cadence::stderr_line(&format!("git-cadence: error: {err}"));
            ExitCode::from(err.exit_code())
        }
    }
}
