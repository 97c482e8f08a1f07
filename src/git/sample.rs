//! Writes a planned history (commits with fixed times and identities, annotated tags) into a
//! new repository with git2, for `git cadence demo`. Nothing here reads the clock: every date
//! comes from the plan, so the same plan gives the same commit ids on every machine.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::facts::CommitId;

use super::{git_error, to_id};

/// One commit of a planned history.
#[derive(Clone, Debug)]
pub struct PlannedCommit {
    /// Author and committer time, seconds since the epoch (UTC).
    pub time: i64,
    pub author: (&'static str, &'static str),
    /// The message; `{sha N}` and `{short N}` stand for the full and 12-digit id of the
    /// planned commit number N (an earlier one).
    pub message: String,
    /// Files written by this commit: path and whole new content.
    pub files: Vec<(String, String)>,
}

/// One step of a planned history, on a single branch `main`.
#[derive(Clone, Debug)]
pub enum PlannedStep {
    Commit(PlannedCommit),
    /// An annotated tag on the latest commit, by the latest commit's author.
    Tag {
        name: String,
        time: i64,
    },
}

/// Writes `plan` into a new repository at `dir` (created; must not hold a repository) and
/// checks out `main`. Returns the id of every planned commit, in plan order.
pub fn write(dir: &Path, plan: &[PlannedStep]) -> Result<Vec<CommitId>> {
    let err =
        |what: &str, e: &git2::Error| git_error(format!("building the sample history: {what}"), e);
    std::fs::create_dir_all(dir).map_err(|e| Error::UnreadableFile {
        path: dir.to_path_buf(),
        message: format!("cannot create the directory: {e}"),
    })?;
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main").no_reinit(true);
    let repo = git2::Repository::init_opts(dir, &opts).map_err(|e| err("init", &e))?;
    let mut files: BTreeMap<String, git2::Oid> = BTreeMap::new();
    let mut ids: Vec<git2::Oid> = Vec::new();
    let mut last: Option<(git2::Oid, git2::Signature<'static>)> = None;
    for step in plan {
        match step {
            PlannedStep::Commit(c) => {
                let sig = signature(c.author, c.time).map_err(|e| err("signature", &e))?;
                for (path, content) in &c.files {
                    let blob = repo.blob(content.as_bytes()).map_err(|e| err("blob", &e))?;
                    files.insert(path.clone(), blob);
                }
                let tree = write_tree(&repo, &files).map_err(|e| err("tree", &e))?;
                let tree = repo.find_tree(tree).map_err(|e| err("tree", &e))?;
                let parent = match last.as_ref() {
                    Some((id, _)) => Some(repo.find_commit(*id).map_err(|e| err("parent", &e))?),
                    None => None,
                };
                let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
                let message = fill_ids(&c.message, &ids);
                let id = repo
                    .commit(None, &sig, &sig, &message, &tree, &parents)
                    .map_err(|e| err("commit", &e))?;
                ids.push(id);
                last = Some((id, sig));
            }
            PlannedStep::Tag { name, time } => {
                let Some((id, sig)) = last.as_ref() else {
                    continue;
                };
                let tagger = signature(
                    (
                        sig.name().unwrap_or("git-cadence"),
                        sig.email().unwrap_or("demo@example.com"),
                    ),
                    *time,
                )
                .map_err(|e| err("signature", &e))?;
                let target = repo.find_object(*id, None).map_err(|e| err("tag", &e))?;
                repo.tag(name, &target, &tagger, &format!("Release {name}\n"), false)
                    .map_err(|e| err("tag", &e))?;
            }
        }
    }
    if let Some((id, _)) = last {
        repo.reference("refs/heads/main", id, true, "git-cadence demo")
            .map_err(|e| err("branch", &e))?;
        repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .map_err(|e| err("checkout", &e))?;
    }
    Ok(ids.into_iter().map(to_id).collect())
}

fn signature(
    who: (&str, &str),
    time: i64,
) -> std::result::Result<git2::Signature<'static>, git2::Error> {
    git2::Signature::new(who.0, who.1, &git2::Time::new(time, 0))
}

/// Writes the tree of `files` (path → blob), nested directories included.
fn write_tree(
    repo: &git2::Repository,
    files: &BTreeMap<String, git2::Oid>,
) -> std::result::Result<git2::Oid, git2::Error> {
    let mut index = git2::Index::new()?;
    for (path, blob) in files {
        index.add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100_644,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: *blob,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        })?;
    }
    index.write_tree_to(repo)
}

/// Replaces `{sha N}` and `{short N}` with the ids of planned commit N.
fn fill_ids(message: &str, ids: &[git2::Oid]) -> String {
    let mut out = message.to_string();
    for (n, id) in ids.iter().enumerate().rev() {
        let hex = id.to_string();
        out = out
            .replace(&format!("{{sha {n}}}"), &hex)
            .replace(&format!("{{short {n}}}"), &hex[..12]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_written_with_its_dates_and_ids() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo_dir = dir.path().join("sample");
        let who = ("Ada", "ada@example.com");
        let plan = vec![
            PlannedStep::Commit(PlannedCommit {
                time: 1_700_000_000,
                author: who,
                message: "Add a\n".into(),
                files: vec![("src/a.rs".into(), "a\n".into())],
            }),
            PlannedStep::Tag {
                name: "v1.0.0".into(),
                time: 1_700_000_100,
            },
            PlannedStep::Commit(PlannedCommit {
                time: 1_700_086_400,
                author: who,
                message: "Revert \"Add a\"\n\nThis reverts commit {sha 0}.\nFixes: {short 0}\n"
                    .into(),
                files: vec![("src/a.rs".into(), String::new())],
            }),
        ];
        let ids = write(&repo_dir, &plan).expect("write");
        assert_eq!(ids.len(), 2);
        let again = write(&dir.path().join("again"), &plan).expect("write");
        assert_eq!(ids, again, "same plan, same ids");
        let repo = git2::Repository::open(&repo_dir).expect("open");
        let head = repo.head().expect("head").peel_to_commit().expect("commit");
        assert_eq!(head.time().seconds(), 1_700_086_400);
        let first = ids[0].to_string();
        assert!(head
            .message()
            .expect("utf-8")
            .contains(&format!("This reverts commit {first}.")));
        assert!(head
            .message()
            .expect("utf-8")
            .contains(&format!("Fixes: {}\n", &first[..12])));
        let tag = repo
            .find_reference("refs/tags/v1.0.0")
            .and_then(|r| r.peel_to_tag())
            .expect("annotated tag");
        assert_eq!(
            tag.tagger().expect("tagger").when().seconds(),
            1_700_000_100
        );
        assert!(repo_dir.join("src/a.rs").exists(), "main is checked out");
    }
}
