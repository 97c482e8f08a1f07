//! Reads the commit graph reachable from a set of tips into [`History`].

use crate::error::Result;
use crate::facts::{CommitFacts, CommitId, History};

use super::{git_error, to_id, to_oid, Repo};

/// Reads every commit reachable from `tips`, children before parents.
///
/// A commit or parent that is missing from the object database is an error naming it.
pub fn read_history(repo: &Repo, tips: &[CommitId]) -> Result<History> {
    let repo = &repo.repo;
    let mut walk = repo
        .revwalk()
        .map_err(|e| git_error("walking history", &e))?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL)
        .map_err(|e| git_error("walking history", &e))?;
    for tip in tips {
        walk.push(to_oid(*tip))
            .map_err(|e| git_error(format!("walking history from {tip}"), &e))?;
    }
    let mut raw = Vec::new();
    for oid in walk {
        let oid = oid.map_err(|e| git_error("walking history", &e))?;
        let commit = repo
            .find_commit(oid)
            .map_err(|e| git_error(format!("reading commit {oid}"), &e))?;
        let author = commit.author();
        let parents: Vec<CommitId> = commit.parent_ids().map(to_id).collect();
        raw.push((
            CommitFacts {
                id: to_id(oid),
                parents: Vec::new(),
                author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
                author_time: author.when().seconds(),
                committer_time: commit.committer().when().seconds(),
                message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
            },
            parents,
        ));
    }
    let mut history = History::new(raw.iter().map(|(c, _)| c.clone()).collect());
    for (i, (_, parents)) in raw.into_iter().enumerate() {
        let idx: Vec<u32> = parents.iter().filter_map(|p| history.idx(p)).collect();
        history.commits[i].parents = idx;
    }
    Ok(history)
}
