//! The `git-cadence` binary: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::FromArgMatches;

fn main() -> ExitCode {
    let matches = git_cadence::cli::command().get_matches();
    let cli = match git_cadence::cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match git_cadence::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            git_cadence::stderr_line(&format!("git-cadence: error: {err}"));
            ExitCode::from(err.exit_code())
        }
    }
}
