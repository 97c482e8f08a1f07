//! Release sizes and per-commit churn: line and file counts of tree-to-tree diffs, as
//! `git diff --shortstat --no-renames` prints them, computed in parallel.

use std::path::Path;

use rayon::prelude::*;

use crate::error::Result;
use crate::facts::{CommitId, DiffStats, Warning};

use super::{git_error, to_oid, Repo};

/// One diff to measure: `old` (none: the empty tree) to `new`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DiffRequest {
    pub old: Option<CommitId>,
    pub new: CommitId,
    /// The commit whose `.gitattributes` decide which paths are generated or vendored.
    pub rules_from: CommitId,
}

/// Measures every request, in parallel, in the order given.
pub fn measure(
    git_dir: &Path,
    requests: &[DiffRequest],
    progress: &indicatif::ProgressBar,
) -> Result<(Vec<DiffStats>, Vec<Warning>)> {
    let stats = requests
        .par_iter()
        .map_init(
            || Repo::reopen(git_dir),
            |repo, req| {
                let repo = repo
                    .as_ref()
                    .map_err(|e| crate::error::Error::OpenRepository {
                        path: git_dir.to_path_buf(),
                        message: e.to_string(),
                    })?;
                let out = measure_one(repo, req);
                progress.inc(1);
                out
            },
        )
        .collect::<Result<Vec<_>>>()?;
    Ok((stats, Vec::new()))
}

fn measure_one(repo: &git2::Repository, req: &DiffRequest) -> Result<DiffStats> {
    let tree_of = |id: CommitId| {
        repo.find_commit(to_oid(id))
            .and_then(|c| c.tree())
            .map_err(|e| git_error(format!("reading commit {id}"), &e))
    };
    let new = tree_of(req.new)?;
    let old = req.old.map(tree_of).transpose()?;
    let diff = repo
        .diff_tree_to_tree(old.as_ref(), Some(&new), None)
        .map_err(|e| git_error(format!("diffing {}", req.new), &e))?;
    let s = diff
        .stats()
        .map_err(|e| git_error(format!("diffing {}", req.new), &e))?;
    Ok(DiffStats {
        files_changed: s.files_changed() as u64,
        lines_added: s.insertions() as u64,
        lines_deleted: s.deletions() as u64,
        excluded_files: 0,
        excluded_lines: 0,
    })
}
