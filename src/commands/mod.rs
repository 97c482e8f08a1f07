//! Commands other than the report views: `check`, `pr` and the hidden `generate`. (`hook`
//! lives in [`crate::hook`].)

pub mod batch;
pub mod check;
pub mod fleet;
pub mod generate;
pub mod pr;

use crate::cli::SharedArgs;
use crate::config::Config;
use crate::config_file::FileConfig;
use crate::error::Result;
use crate::git::Repo;

/// Opens the repository the arguments name, reads its `.git-cadence.toml` (work tree root,
/// or the git directory of a bare repository) and resolves the settings: flags win.
pub fn load(args: SharedArgs) -> Result<(Repo, Config, Option<FileConfig>)> {
    let repo = Repo::discover(crate::config::one_repo(&args)?.as_deref())?;
    let file = FileConfig::load(&repo.display_path)?;
    let config = Config::resolve(args, file.as_ref())?;
    Ok((repo, config, file))
}
