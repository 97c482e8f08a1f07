//! Reads the `.gitattributes` files (root and nested) of a commit's tree into
//! [`AttrRules`], memoised per tree id: consecutive releases share most subtrees, so each
//! distinct subtree is read once.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::exclude::AttrRules;
use crate::facts::CommitId;

use super::{git_error, to_oid};

/// A `.gitattributes` file found in a subtree: its directory relative to that subtree
/// (empty for the subtree itself) and its contents.
type Found = Arc<Vec<(String, Arc<Vec<u8>>)>>;

/// A `.gitattributes` blob that the object database lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingAttributes {
    pub blob: git2::Oid,
    pub path: String,
    pub commit: CommitId,
}

/// Finds the `.gitattributes` files of trees, remembering every subtree it has read.
#[derive(Default)]
pub struct AttributeReader {
    memo: HashMap<git2::Oid, Found>,
    empty: Found,
}

const FILE_NAME: &[u8] = b".gitattributes";

impl AttributeReader {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The attribute rules of `commit`'s tree, and the `.gitattributes` blobs it could not
    /// read (those are skipped). A missing commit or tree is an error.
    pub fn rules_for(
        &mut self,
        repo: &git2::Repository,
        commit: CommitId,
    ) -> Result<(AttrRules, Vec<MissingAttributes>)> {
        let tree = repo
            .find_commit(to_oid(commit))
            .map_err(|e| git_error(format!("reading commit {commit}"), &e))?
            .tree_id();
        let mut missing = Vec::new();
        let found = self.walk(repo, tree, commit, "", 0, &mut missing)?;
        let files: Vec<(String, Vec<u8>)> = found
            .iter()
            .map(|(dir, content)| (dir.clone(), content.as_ref().clone()))
            .collect();
        Ok((AttrRules::parse(&files), missing))
    }

    fn walk(
        &mut self,
        repo: &git2::Repository,
        tree_id: git2::Oid,
        commit: CommitId,
        at: &str,
        depth: usize,
        missing: &mut Vec<MissingAttributes>,
    ) -> Result<Found> {
        if let Some(found) = self.memo.get(&tree_id) {
            return Ok(Arc::clone(found));
        }
        let tree = repo.find_tree(tree_id).map_err(|e| {
            missing_tree(&e, tree_id, commit, at)
                .unwrap_or_else(|| git_error(format!("reading tree {tree_id}"), &e))
        })?;
        let mut out: Vec<(String, Arc<Vec<u8>>)> = Vec::new();
        let mut complete = true;
        for entry in &tree {
            let name = entry.name_bytes();
            match entry.kind() {
                Some(git2::ObjectType::Tree) => {
                    let name = String::from_utf8_lossy(name);
                    let child_at = format!("{at}{name}/");
                    if depth >= super::MAX_TREE_DEPTH {
                        return Err(super::too_deep(commit, child_at.as_bytes()));
                    }
                    let child =
                        self.walk(repo, entry.id(), commit, &child_at, depth + 1, missing)?;
                    for (dir, content) in child.iter() {
                        let dir = if dir.is_empty() {
                            name.to_string()
                        } else {
                            format!("{name}/{dir}")
                        };
                        out.push((dir, Arc::clone(content)));
                    }
                }
                // git reads `.gitattributes` only from regular files, never through a symlink.
                Some(git2::ObjectType::Blob)
                    if name == FILE_NAME && entry.filemode() & 0o170_000 == 0o100_000 =>
                {
                    match repo.find_blob(entry.id()) {
                        Ok(blob) => out.push((String::new(), Arc::new(blob.content().to_vec()))),
                        Err(e) if e.code() == git2::ErrorCode::NotFound => {
                            complete = false;
                            missing.push(MissingAttributes {
                                blob: entry.id(),
                                path: format!("{at}.gitattributes"),
                                commit,
                            });
                        }
                        Err(e) => return Err(git_error(format!("reading {at}.gitattributes"), &e)),
                    }
                }
                _ => {}
            }
        }
        // Root first: the order AttrRules expects does not depend on it, but it keeps the
        // list readable when debugging.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        let found = if out.is_empty() {
            Arc::clone(&self.empty)
        } else {
            Arc::new(out)
        };
        // A subtree with a missing blob is not memoised, so each commit that has it warns.
        if complete {
            self.memo.insert(tree_id, Arc::clone(&found));
        }
        Ok(found)
    }
}

/// A missing tree becomes [`Error::MissingObject`] naming it and the commit.
pub(crate) fn missing_tree(
    e: &git2::Error,
    tree: git2::Oid,
    commit: CommitId,
    at: &str,
) -> Option<Error> {
    (e.code() == git2::ErrorCode::NotFound).then(|| Error::MissingObject {
        id: tree.to_string(),
        what: if at.is_empty() {
            format!("root tree of commit {commit}")
        } else {
            format!("tree {at} of commit {commit}")
        },
    })
}
