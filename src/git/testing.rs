//! Test support: builds commits with git2 at fixed times, for the git layer's unit tests.

#![allow(clippy::missing_panics_doc)] // test helpers panic on any failure, by design

use git2::{Oid, Repository};

/// Commits `files` (path → `Some((content, mode))`, or `None` to delete) on the tree of
/// `parents[0]` (empty without parents), at time `t`, without moving any reference.
#[must_use]
pub fn commit_files(
    repo: &Repository,
    t: i64,
    message: &str,
    files: &[(&str, Option<(&str, u32)>)],
    parents: &[Oid],
) -> Oid {
    let sig = git2::Signature::new("A U Thor", "a@example.com", &git2::Time::new(t, 0))
        .expect("signature");
    let mut index = git2::Index::new().expect("index");
    if let Some(first) = parents.first() {
        let tree = repo
            .find_commit(*first)
            .and_then(|c| c.tree())
            .expect("tree");
        index.read_tree(&tree).expect("read tree");
    }
    for (path, content) in files {
        match content {
            Some((text, mode)) => {
                let blob = repo.blob(text.as_bytes()).expect("blob");
                let entry = git2::IndexEntry {
                    ctime: git2::IndexTime::new(0, 0),
                    mtime: git2::IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode: *mode,
                    uid: 0,
                    gid: 0,
                    file_size: 0,
                    id: blob,
                    flags: 0,
                    flags_extended: 0,
                    path: path.as_bytes().to_vec(),
                };
                index.add(&entry).expect("add");
            }
            None => index
                .remove_path(std::path::Path::new(path))
                .expect("remove"),
        }
    }
    let tree_id = index.write_tree_to(repo).expect("write tree");
    let tree = repo.find_tree(tree_id).expect("tree");
    let parents: Vec<git2::Commit<'_>> = parents
        .iter()
        .map(|p| repo.find_commit(*p).expect("parent"))
        .collect();
    let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(None, &sig, &sig, message, &tree, &refs)
        .expect("commit")
}
