//! The only module that touches git2: opens the repository and reads tags, commits and diffs
//! into the plain facts of [`crate::facts`].

pub mod attributes;
pub mod cache;
pub mod diff;
pub mod history;
pub mod hooks;
pub mod inverse;
pub mod paths;
pub mod push;
pub mod sample;
pub mod tags;
#[cfg(test)]
pub mod testing;
pub mod unreleased;
pub mod workspace;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// An opened repository and where it lives.
pub struct Repo {
    pub repo: git2::Repository,
    /// The git directory (`.git`, or the bare repository itself).
    pub git_dir: PathBuf,
    /// The working tree, if any; otherwise the git directory. Shown to people.
    pub display_path: PathBuf,
}

impl Repo {
    /// Opens the repository at or above `start` (default: the current directory), like git.
    /// Linked worktrees and bare repositories work; shallow clones and repositories that git
    /// refuses for their owner are errors that say how to fix them.
    pub fn discover(start: Option<&Path>) -> Result<Self> {
        configure_libgit2();
        let start_is_default = start.is_none();
        let start = match start {
            Some(p) => p.to_path_buf(),
            None => std::env::current_dir().map_err(|e| Error::UnreadableFile {
                path: PathBuf::from("."),
                message: e.to_string(),
            })?,
        };
        if !start.exists() {
            return Err(Error::NotARepository { path: start });
        }
        // `git --git-dir=X cadence` (and a user's GIT_DIR) name the repository in the
        // environment; without --repo, honour it as git does.
        let from_env =
            start_is_default && std::env::var_os("GIT_DIR").is_some_and(|d| !d.is_empty());
        let opened = if from_env {
            git2::Repository::open_from_env()
        } else {
            git2::Repository::discover(&start)
        };
        let repo = opened.map_err(|e| match e.code() {
            git2::ErrorCode::NotFound => Error::NotARepository {
                path: start.clone(),
            },
            git2::ErrorCode::Owner => Error::UnsafeOwnership {
                path: start.clone(),
            },
            _ => Error::OpenRepository {
                path: start.clone(),
                message: e.message().to_string(),
            },
        })?;
        let git_dir = repo.path().to_path_buf();
        let display_path = repo.workdir().unwrap_or(repo.path());
        // libgit2 ends directory paths with a slash; people's paths do not.
        let display_path = display_path.components().collect::<PathBuf>();
        if repo.is_shallow() {
            let depth = shallow_depth(&repo);
            return Err(Error::ShallowClone {
                path: display_path,
                depth,
            });
        }
        Ok(Self {
            repo,
            git_dir,
            display_path,
        })
    }

    /// Reopens the same repository, for a worker thread (`Repository` is not `Sync`).
    pub fn reopen(git_dir: &Path) -> Result<git2::Repository> {
        git2::Repository::open(git_dir).map_err(|e| Error::OpenRepository {
            path: git_dir.to_path_buf(),
            message: e.message().to_string(),
        })
    }

    /// The commit HEAD points at, or `None` for an unborn branch (an empty repository).
    pub fn head(&self) -> Result<Option<crate::facts::CommitId>> {
        match self.repo.head() {
            Ok(r) => match r.peel_to_commit() {
                Ok(c) => Ok(Some(to_id(c.id()))),
                Err(e) => Err(git_error("reading HEAD", &e)),
            },
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                Ok(None)
            }
            Err(e) => Err(git_error("reading HEAD", &e)),
        }
    }
}

/// How many commits HEAD reaches in a shallow clone (its depth, as `git log` would show).
fn shallow_depth(repo: &git2::Repository) -> usize {
    let Ok(mut walk) = repo.revwalk() else {
        return 0;
    };
    if walk.push_head().is_err() {
        return 0;
    }
    walk.count()
}

/// Settings that make libgit2 fast for read-only analysis. Every object is still checked to
/// exist; what is turned off is re-hashing each object on read (git itself does not either).
fn configure_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        // SAFETY: sets a libgit2 global before any repository is opened in this process (we
        // are inside `Once`, at the start of `discover`); it only fails on libgit2 built
        // without caching, when the default stays, which is slower but correct.
        //
        // Memory: commits are read once each (the history is kept as facts), so caching their
        // parsed objects only grows the heap (~100 MB on rails); and pack windows are mapped
        // in 32 MiB pieces, at most 256 MiB at once, instead of whole packs (rails' 380 MB
        // pack was otherwise resident by the end of a warm run).
        #[allow(unsafe_code)]
        unsafe {
            let _ = git2::opts::set_cache_max_size(512 * 1024 * 1024);
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 0);
            let _ = git2::opts::set_mwindow_size(32 * 1024 * 1024);
            let _ = git2::opts::set_mwindow_mapped_limit(256 * 1024 * 1024);
        }
    });
}

/// The deepest tree git accepts (`core.maxTreeDepth`, default 2048): a deeper one is an error
/// naming the commit, never a stack overflow.
pub const MAX_TREE_DEPTH: usize = 2048;

/// The error for a tree deeper than [`MAX_TREE_DEPTH`] in `commit`, found at path `at`.
pub(crate) fn too_deep(commit: crate::facts::CommitId, at: &[u8]) -> Error {
    let at = String::from_utf8_lossy(at);
    let shown: String = at.chars().take(60).collect();
    Error::TreeTooDeep {
        commit: commit.to_hex(),
        max: MAX_TREE_DEPTH,
        at: if shown.len() < at.len() {
            format!("{shown}…")
        } else {
            shown
        },
    }
}

/// Converts a git2 id into the facts' id.
#[must_use]
pub fn to_id(oid: git2::Oid) -> crate::facts::CommitId {
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(&oid.as_bytes()[..20]);
    crate::facts::CommitId(bytes)
}

/// Converts the facts' id into a git2 id.
#[must_use]
pub fn to_oid(id: crate::facts::CommitId) -> git2::Oid {
    // A 20-byte slice is always a valid SHA-1 id.
    git2::Oid::from_bytes(&id.0).unwrap_or(git2::Oid::ZERO_SHA1)
}

/// Wraps a git2 error with what git-cadence was doing; a missing object becomes
/// [`Error::MissingObject`].
pub fn git_error(context: impl Into<String>, err: &git2::Error) -> Error {
    let context = context.into();
    if err.code() == git2::ErrorCode::NotFound && err.class() == git2::ErrorClass::Odb {
        return Error::MissingObject {
            id: extract_hex(err.message()).unwrap_or_default(),
            what: context,
        };
    }
    Error::Git {
        context,
        message: err.message().to_string(),
    }
}

/// The first 40-hex run in a libgit2 message (it names the missing object there).
fn extract_hex(message: &str) -> Option<String> {
    message
        .split(|c: char| !c.is_ascii_hexdigit())
        .find(|w| w.len() == 40)
        .map(str::to_string)
}

impl Repo {
    /// Whether `ancestor` is reachable from `descendant` (or is it); a commit that cannot be
    /// read counts as not.
    #[must_use]
    pub fn is_ancestor(
        &self,
        ancestor: crate::facts::CommitId,
        descendant: crate::facts::CommitId,
    ) -> bool {
        ancestor == descendant
            || self
                .repo
                .graph_descendant_of(to_oid(descendant), to_oid(ancestor))
                .unwrap_or(false)
    }

    /// Resolves a revision (full or abbreviated sha, tag, branch) to the commit it names.
    pub fn resolve_commit(&self, spec: &str) -> Result<crate::facts::CommitId> {
        // The spec may come from a file (a deploys row): name it by a short, escaped excerpt,
        // and keep libgit2's message from repeating it in full.
        let shown = crate::input::excerpt(spec);
        let bad = |e: &git2::Error, hint: &str| Error::BadValue {
            what: format!("revision `{shown}`"),
            message: if spec.is_empty() {
                format!("{}{hint}", e.message())
            } else {
                format!("{}{hint}", e.message().replace(spec, &shown))
            },
        };
        let object = self
            .repo
            .revparse_single(spec)
            .map_err(|e| bad(&e, " (is it fetched?)"))?;
        let commit = object.peel_to_commit().map_err(|e| bad(&e, ""))?;
        Ok(to_id(commit.id()))
    }
}

impl Repo {
    /// The bytes of the file at `path` in `commit`'s tree (`git show COMMIT:PATH`), or `None`
    /// when there is none (or it is not a regular file). A blob over `cap` bytes is an error,
    /// told before it is read.
    pub fn file_at(
        &self,
        commit: crate::facts::CommitId,
        path: &str,
        cap: u64,
    ) -> Result<Option<Vec<u8>>> {
        let context = || format!("reading {path} at {}", commit.short());
        let tree = self
            .repo
            .find_commit(to_oid(commit))
            .and_then(|c| c.tree())
            .map_err(|e| git_error(context(), &e))?;
        let entry = match tree.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(git_error(context(), &e)),
        };
        // Regular files only (0100644, 0100755): not a symlink, submodule or tree.
        if entry.kind() != Some(git2::ObjectType::Blob) || entry.filemode() & 0o170_000 != 0o100_000
        {
            return Ok(None);
        }
        let odb = self.repo.odb().map_err(|e| git_error(context(), &e))?;
        let (size, _) = odb
            .read_header(entry.id())
            .map_err(|e| git_error(context(), &e))?;
        if size as u64 > cap {
            return Err(Error::BadValue {
                what: format!("{path} at {}", commit.short()),
                message: format!("larger than {} MiB; not read", cap >> 20),
            });
        }
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(|e| git_error(context(), &e))?;
        Ok(Some(blob.content().to_vec()))
    }
}
