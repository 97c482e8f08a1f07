//! Where git looks for hooks: `core.hooksPath` (a relative path is taken from where hooks
//! run: the work tree root, or the git directory of a bare repository), else the `hooks`
//! directory of the common git directory (shared by linked worktrees).

use std::path::PathBuf;

use crate::error::Result;

use super::{git_error, Repo};

impl Repo {
    /// The directory git runs hooks from, as `git rev-parse --git-path hooks` prints it.
    pub fn hooks_dir(&self) -> Result<PathBuf> {
        let config = self
            .repo
            .config()
            .map_err(|e| git_error("reading git config", &e))?;
        match config.get_path("core.hooksPath") {
            Ok(path) if path.is_absolute() => Ok(path),
            Ok(path) => {
                let base = self.repo.workdir().unwrap_or_else(|| self.repo.path());
                Ok(base.join(path))
            }
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                Ok(self.repo.commondir().join("hooks"))
            }
            Err(e) => Err(git_error("reading core.hooksPath", &e)),
        }
    }
}
