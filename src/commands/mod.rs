//! Commands other than the report views: `check`, `pr`, `demo`, `config`, `generate`. (`hook`
//! lives in [`crate::hook`].)

pub mod check;
pub mod config;
pub mod demo;
pub mod generate;
pub mod hook_run;
pub mod pr;
pub mod pr_table;

use crate::cli::SharedArgs;
use crate::config::Config;
use crate::config_file::FileConfig;
use crate::error::Result;
use crate::git::Repo;

/// Opens the repository the arguments name, reads its `.git-cadence.toml` (work tree root,
/// or the git directory of a bare repository) and resolves the settings: flags win.
pub fn load(args: SharedArgs) -> Result<(Repo, Config, Option<FileConfig>)> {
    let repo = Repo::discover(args.repo.as_deref())?;
    let file = FileConfig::load(&repo.display_path)?;
    let config = Config::resolve(args, file.as_ref())?;
    Ok((repo, config, file))
}
