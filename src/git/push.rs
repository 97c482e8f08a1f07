//! What a push sends: whether a pushed commit brings anything the remote does not have yet,
//! and which branch is a remote's default.

use crate::error::Result;
use crate::facts::CommitId;

use super::{git_error, to_oid, Repo};

impl Repo {
    /// Whether the commit exists in this repository.
    #[must_use]
    pub fn has_commit(&self, id: CommitId) -> bool {
        self.repo.find_commit(to_oid(id)).is_ok()
    }

    /// Whether pushing `local` sends commits the remote lacks: `git rev-list local --not
    /// <remote_old> --remotes=<remote>` is not empty. `remote_old` (the remote's current
    /// commit for that ref) is left out when this repository does not have it.
    pub fn sends_new_commits(
        &self,
        local: CommitId,
        remote_old: Option<CommitId>,
        remote: Option<&str>,
    ) -> Result<bool> {
        let error = |e: &git2::Error| git_error("walking the pushed commits", e);
        let mut walk = self.repo.revwalk().map_err(|e| error(&e))?;
        walk.push(to_oid(local)).map_err(|e| error(&e))?;
        if let Some(old) = remote_old.filter(|&id| self.has_commit(id)) {
            walk.hide(to_oid(old)).map_err(|e| error(&e))?;
        }
        if let Some(remote) = remote.filter(|r| self.repo.find_remote(r).is_ok()) {
            walk.hide_glob(&format!("refs/remotes/{remote}/*"))
                .map_err(|e| error(&e))?;
        }
        match walk.next() {
            None => Ok(false),
            Some(Ok(_)) => Ok(true),
            Some(Err(e)) => Err(error(&e)),
        }
    }

    /// The default branch of `remote` (where `refs/remotes/<remote>/HEAD` points, as `git
    /// clone` and `git remote set-head` leave it), if known.
    #[must_use]
    pub fn remote_default_branch(&self, remote: &str) -> Option<String> {
        let head = self
            .repo
            .find_reference(&format!("refs/remotes/{remote}/HEAD"))
            .ok()?;
        let target = head.symbolic_target().ok()??;
        target
            .strip_prefix(&format!("refs/remotes/{remote}/"))
            .map(str::to_string)
    }

    /// The branch HEAD is on, if any.
    #[must_use]
    pub fn current_branch(&self) -> Option<String> {
        let head = self.repo.head().ok()?;
        if !head.is_branch() {
            return None;
        }
        head.shorthand().ok().map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::testing::commit_files;

    #[test]
    fn a_push_sends_only_what_the_remote_lacks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let raw = git2::Repository::init(dir.path()).expect("init");
        let a = commit_files(
            &raw,
            1_000,
            "a",
            &[("a.txt", Some(("a\n", 0o100_644)))],
            &[],
        );
        let b = commit_files(
            &raw,
            2_000,
            "b",
            &[("b.txt", Some(("b\n", 0o100_644)))],
            &[a],
        );
        raw.remote("origin", "/nowhere").expect("remote");
        raw.reference("refs/remotes/origin/main", a, true, "test")
            .expect("ref");
        raw.reference_symbolic(
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main",
            true,
            "test",
        )
        .expect("symref");
        let repo = Repo::discover(Some(dir.path())).expect("open");
        let (a, b) = (super::super::to_id(a), super::super::to_id(b));
        assert!(repo
            .sends_new_commits(b, Some(a), Some("origin"))
            .expect("walk"));
        assert!(!repo.sends_new_commits(b, Some(b), None).expect("walk"));
        // A new branch at a commit the remote has: nothing new.
        assert!(!repo
            .sends_new_commits(a, None, Some("origin"))
            .expect("walk"));
        // Without the remote's refs, the same commit is new.
        assert!(repo.sends_new_commits(a, None, None).expect("walk"));
        // A remote commit this repository lacks is ignored, not an error.
        assert!(repo
            .sends_new_commits(b, Some(CommitId([7; 20])), Some("origin"))
            .expect("walk"));
        assert_eq!(
            repo.remote_default_branch("origin").as_deref(),
            Some("main")
        );
        assert_eq!(repo.remote_default_branch("upstream"), None);
    }
}
