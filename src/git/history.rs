//! Reads the commit graph reachable from a set of tips into [`History`].

use std::collections::HashMap;

use crate::error::Result;
use crate::facts::{CommitFacts, CommitId, CommitIdx, History};

use super::{git_error, to_id, to_oid, Repo};

/// Reads every commit reachable from `tips`, children before parents.
///
/// Each commit object is read and parsed once (a libgit2 revwalk would parse it a second
/// time), then ordered with Kahn's algorithm. A commit or parent missing from the object
/// database is an error naming it.
pub fn read_history(repo: &Repo, tips: &[CommitId]) -> Result<History> {
    Ok(read_history_and_trees(repo, tips)?.0)
}

/// The root tree of each commit of a [`History`], by index; opaque outside [`crate::git`].
#[derive(Debug, Default)]
pub struct RootTrees(pub(crate) Vec<git2::Oid>);

/// [`read_history`], and the root tree of each commit (by index in [`History::commits`]),
/// read from the same parse: the inverse-diff walk then reads no commit again.
pub fn read_history_and_trees(repo: &Repo, tips: &[CommitId]) -> Result<(History, RootTrees)> {
    let repo = &repo.repo;
    let mut found: Vec<(CommitFacts, Vec<CommitId>, git2::Oid)> = Vec::new();
    let mut seen: HashMap<CommitId, usize> = HashMap::new();
    let mut stack: Vec<CommitId> = tips.to_vec();
    while let Some(id) = stack.pop() {
        if seen.contains_key(&id) {
            continue;
        }
        let commit = repo
            .find_commit(to_oid(id))
            .map_err(|e| git_error(format!("reading commit {id}"), &e))?;
        let author = commit.author();
        let parents: Vec<CommitId> = commit.parent_ids().map(to_id).collect();
        for p in parents.iter().rev() {
            if !seen.contains_key(p) {
                stack.push(*p);
            }
        }
        seen.insert(id, found.len());
        found.push((
            CommitFacts {
                id,
                parents: Vec::new(),
                author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
                author_time: super::checked_time(author.when().seconds(), || {
                    format!("the author date of commit {id}")
                })?,
                committer_time: super::checked_time(commit.committer().when().seconds(), || {
                    format!("the committer date of commit {id}")
                })?,
                message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
            },
            parents,
            commit.tree_id(),
        ));
    }

    // Kahn's algorithm: a commit is emitted once all its children are.
    let parent_idx: Vec<Vec<usize>> = found
        .iter()
        .map(|(_, parents, _)| {
            parents
                .iter()
                .filter_map(|p| seen.get(p).copied())
                .collect()
        })
        .collect();
    let mut children = vec![0u32; found.len()];
    for ps in &parent_idx {
        for &p in ps {
            children[p] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..found.len())
        .rev()
        .filter(|&i| children[i] == 0)
        .collect();
    let mut order = Vec::with_capacity(found.len());
    while let Some(i) = ready.pop() {
        order.push(i);
        for &p in parent_idx[i].iter().rev() {
            children[p] -= 1;
            if children[p] == 0 {
                ready.push(p);
            }
        }
    }
    let mut position = vec![0 as CommitIdx; found.len()];
    for (pos, &i) in order.iter().enumerate() {
        position[i] = pos as CommitIdx;
    }
    let trees: Vec<git2::Oid> = order.iter().map(|&i| found[i].2).collect();
    let mut slots: Vec<Option<CommitFacts>> = found.into_iter().map(|(c, _, _)| Some(c)).collect();
    let commits = order
        .iter()
        .filter_map(|&i| {
            let mut c = slots[i].take()?;
            c.parents = parent_idx[i].iter().map(|&p| position[p]).collect();
            Some(c)
        })
        .collect();
    Ok((History::new(commits), RootTrees(trees)))
}
