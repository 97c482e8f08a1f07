//! Paths each commit changed, for the footprints of repeat incidents.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::facts::CommitId;

use super::{git_error, to_oid, Repo};

/// The paths each of `commits` changed against its first parent — what
/// `git diff --name-only --no-renames C^1 C` prints — sorted, without duplicates.
///
/// A root commit is compared with the empty tree (all its paths); a merge with its first
/// parent (what the merge brought in). There is no rename detection: a rename changes both its
/// old and its new path. Paths that are not UTF-8 are converted lossily. Commits are read in
/// parallel, one repository handle per worker; a commit that cannot be read is an error that
/// names it.
pub fn changed_paths(
    git_dir: &Path,
    commits: &[CommitId],
) -> Result<HashMap<CommitId, Vec<String>>> {
    let mut unique = commits.to_vec();
    unique.sort_unstable();
    unique.dedup();
    unique
        .par_iter()
        .map_init(
            || Repo::reopen(git_dir),
            |repo, &id| {
                let repo = repo.as_ref().map_err(|e| Error::OpenRepository {
                    path: git_dir.to_path_buf(),
                    message: e.to_string(),
                })?;
                Ok((id, paths_of(repo, id)?))
            },
        )
        .collect()
}

fn paths_of(repo: &git2::Repository, id: CommitId) -> Result<Vec<String>> {
    let context = || format!("reading the paths changed by commit {id}");
    let commit = repo
        .find_commit(to_oid(id))
        .map_err(|e| git_error(context(), &e))?;
    let tree = commit.tree().map_err(|e| git_error(context(), &e))?;
    let parent_tree = if commit.parent_count() > 0 {
        let parent = commit.parent(0).map_err(|e| git_error(context(), &e))?;
        Some(parent.tree().map_err(|e| git_error(context(), &e))?)
    } else {
        None
    };
    let diff = repo
        .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), None)
        .map_err(|e| git_error(context(), &e))?;
    let mut paths: Vec<String> = diff
        .deltas()
        .filter_map(|d| {
            d.new_file()
                .path_bytes()
                .or_else(|| d.old_file().path_bytes())
                .map(|p| String::from_utf8_lossy(p).into_owned())
        })
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::to_id;

    use std::process::Command;

    struct Fixture {
        dir: tempfile::TempDir,
        repo: git2::Repository,
        time: i64,
    }

    impl Fixture {
        fn new() -> Self {
            let dir = tempfile::TempDir::new().expect("temp dir");
            let repo = git2::Repository::init(dir.path()).expect("init");
            Self {
                dir,
                repo,
                time: 1_700_000_000,
            }
        }

        fn write(&self, path: &str, text: &str) {
            let full = self.dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }

        fn remove(&self, path: &str) {
            std::fs::remove_file(self.dir.path().join(path)).expect("remove");
        }

        /// Commits the work tree as it is (additions, changes and deletions) on `parents`,
        /// without moving any branch.
        fn commit(&mut self, message: &str, parents: &[git2::Oid]) -> git2::Oid {
            let mut index = self.repo.index().expect("index");
            index.clear().expect("clear");
            index
                .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
                .expect("add");
            let tree_id = index.write_tree().expect("tree");
            let tree = self.repo.find_tree(tree_id).expect("tree");
            self.time += 60;
            let sig =
                git2::Signature::new("A U Thor", "a@example.com", &git2::Time::new(self.time, 0))
                    .expect("signature");
            let parents: Vec<git2::Commit<'_>> = parents
                .iter()
                .map(|p| self.repo.find_commit(*p).expect("parent"))
                .collect();
            let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
            self.repo
                .commit(None, &sig, &sig, message, &tree, &refs)
                .expect("commit")
        }

        /// Puts the tree of `commit` back into the work tree (files only).
        fn checkout(&self, commit: git2::Oid) {
            let tree = self
                .repo
                .find_commit(commit)
                .expect("commit")
                .tree()
                .expect("tree");
            let mut opts = git2::build::CheckoutBuilder::new();
            opts.force().remove_untracked(true);
            self.repo
                .checkout_tree(tree.as_object(), Some(&mut opts))
                .expect("checkout");
        }

        /// What git itself says: `git diff --name-only --no-renames -z PARENT C`, or
        /// `git diff-tree -r --root --name-only --no-renames -z C` for a root commit.
        fn git_paths(&self, commit: git2::Oid, parent: Option<git2::Oid>) -> Vec<String> {
            let mut cmd = Command::new("git");
            cmd.current_dir(self.dir.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null");
            match parent {
                Some(p) => cmd
                    .args(["diff", "--name-only", "--no-renames", "-z"])
                    .args([p.to_string(), commit.to_string()]),
                None => cmd
                    .args(["diff-tree", "-r", "--root", "--no-commit-id", "--name-only"])
                    .args(["--no-renames", "-z"])
                    .arg(commit.to_string()),
            };
            let out = cmd.output().expect("git runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let mut paths: Vec<String> = String::from_utf8(out.stdout)
                .expect("utf-8")
                .split('\0')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            paths.sort();
            paths
        }
    }

    #[test]
    fn paths_against_first_parent_match_git() {
        let mut f = Fixture::new();
        f.write("README.md", "hello\n");
        f.write("src/main.rs", "fn main() {}\n");
        f.write("src/git/mod.rs", "mod x;\n");
        f.write("docs/ünïcode.md", "text\n");
        let root = f.commit("root", &[]);

        f.write("src/git/mod.rs", "mod x;\nmod y;\n");
        f.write("src/git/paths.rs", "// new\n");
        f.remove("docs/ünïcode.md");
        let second = f.commit("change, add, delete", &[root]);

        f.write("lib/a/b/c.rs", "side\n");
        let side = f.commit("side branch", &[second]);

        f.checkout(second);
        f.write("README.md", "hello again\n");
        let main = f.commit("main moves on", &[second]);

        f.write("lib/a/b/c.rs", "side\n");
        let merge = f.commit("merge side", &[main, side]);

        f.remove("src/main.rs");
        f.write("src/bin.rs", "fn main() {}\n");
        let rename = f.commit("rename", &[merge]);

        let empty = f.commit("empty", &[rename]);

        let ids: Vec<CommitId> = [root, second, side, main, merge, rename, empty, second]
            .iter()
            .map(|&o| to_id(o))
            .collect();
        let got = changed_paths(f.repo.path(), &ids).expect("paths");
        assert_eq!(got.len(), 7);
        let of = |o: git2::Oid| got[&to_id(o)].clone();

        assert_eq!(
            of(root),
            vec![
                "README.md",
                "docs/ünïcode.md",
                "src/git/mod.rs",
                "src/main.rs"
            ]
        );
        assert_eq!(
            of(second),
            vec!["docs/ünïcode.md", "src/git/mod.rs", "src/git/paths.rs"]
        );
        assert_eq!(of(side), vec!["lib/a/b/c.rs"]);
        assert_eq!(of(main), vec!["README.md"]);
        // A merge is compared with its first parent: it brought in the side branch's file.
        assert_eq!(of(merge), vec!["lib/a/b/c.rs"]);
        // No rename detection: both the old and the new path.
        assert_eq!(of(rename), vec!["src/bin.rs", "src/main.rs"]);
        assert!(of(empty).is_empty());

        // The gold standard: git's own output for every commit.
        for (commit, parent) in [
            (root, None),
            (second, Some(root)),
            (side, Some(second)),
            (main, Some(second)),
            (merge, Some(main)),
            (rename, Some(merge)),
            (empty, Some(rename)),
        ] {
            assert_eq!(of(commit), f.git_paths(commit, parent), "commit {commit}");
        }
    }

    #[test]
    fn a_missing_commit_is_an_error_that_names_it() {
        let mut f = Fixture::new();
        f.write("a.txt", "a\n");
        f.commit("one", &[]);
        let missing = CommitId([0xab; 20]);
        let err = changed_paths(f.repo.path(), &[missing]).expect_err("missing commit");
        assert!(
            err.to_string().contains(&missing.to_hex()),
            "error does not name the commit: {err}"
        );
        assert!(changed_paths(f.repo.path(), &[])
            .expect("nothing to read")
            .is_empty());
    }
}
