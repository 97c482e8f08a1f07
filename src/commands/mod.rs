//! Commands other than the report views: `check`, `pr`, `demo`, `config`, `generate`. (`hook`
//! lives in [`crate::hook`].)

pub mod batch;
pub mod check;
pub mod config;
pub mod demo;
pub mod fleet;
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
    let repo = Repo::discover(crate::config::one_repo(&args)?.as_deref())?;
    let file = FileConfig::load(&repo.display_path)?;
    let config = Config::resolve(args, file.as_ref())?;
    Ok((repo, config, file))
}

/// As [`load`], but the repository's `.git-cadence.toml` is read from revision `rev` (the
/// base of a pull request), not from the work tree: a change must not choose the settings
/// that judge it.
pub fn load_at(args: SharedArgs, rev: &str) -> Result<(Repo, Config, Option<FileConfig>)> {
    let repo = Repo::discover(crate::config::one_repo(&args)?.as_deref())?;
    let commit = repo.resolve_commit(rev)?;
    let path = repo.display_path.join(crate::config_file::FILE_NAME);
    let file = match repo.file_at(
        commit,
        crate::config_file::FILE_NAME,
        crate::input::MAX_CONFIG_BYTES,
    )? {
        None => None,
        Some(bytes) => {
            let shown = format!("{}:{}", rev, crate::config_file::FILE_NAME);
            let text =
                String::from_utf8(bytes).map_err(|_| crate::error::Error::UnreadableFile {
                    path: shown.clone().into(),
                    message: "not UTF-8 text".into(),
                })?;
            Some(FileConfig::parse_shown(
                &path,
                std::path::Path::new(&shown),
                &text,
            )?)
        }
    };
    let config = Config::resolve(args, file.as_ref())?;
    Ok((repo, config, file))
}
