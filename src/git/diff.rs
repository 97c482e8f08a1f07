//! Release sizes and per-commit churn: file and line counts of tree-to-tree diffs, exactly as
//! `git diff --shortstat --no-renames OLD NEW` prints them, less excluded paths, measured in
//! parallel and remembered in a cache.
//!
//! How git counts, and so how this counts (each case is pinned against git in the tests):
//! - every path whose blob id or mode differs is one changed file, with no rename detection
//!   (a rename is a deletion and an addition); a mode-only change (`chmod +x`) is one file
//!   with 0 lines; an added or deleted empty file is one file with 0 lines;
//! - a file that is binary on either side counts as a file with 0 lines; binary means a NUL
//!   byte in the first 8000 bytes (git's `buffer_is_binary`), or a blob over 512 MiB (git's
//!   `core.bigFileThreshold`); git-cadence never applies `.gitattributes` to this test, as
//!   `git diff` does not in a repository without attributes of its own (`-diff` paths are
//!   left out of sizes entirely instead, see [`crate::exclude`]);
//! - lines are those of git's line diff (xdiff, through libgit2, zero context lines):
//!   added = Σ new lines of the hunks, deleted = Σ old lines; a file without a trailing
//!   newline has a last line all the same; CRLF is just bytes;
//! - a symlink is a file whose one line is its target; a type change (file ↔ symlink, file ↔
//!   submodule) is one changed file whose lines are the diff of the two contents;
//! - a submodule (gitlink) reads as the one line `Subproject commit <sha>`, so moving it counts
//!   one line added and one deleted;
//! - a directory replaced by a file (or the reverse) is the deletion of everything below the
//!   directory plus the addition of the file.
//!
//! A blob missing from the object database (a partial or damaged clone) does not stop the
//! run: its file counts as changed with 0 lines, and one warning names the blob, the path and
//! the commit. A missing commit or tree is [`Error::MissingObject`].

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::exclude::{AttrRules, SizeRules};
use crate::facts::{CommitId, DiffStats, Warning};

use super::attributes::{missing_tree, AttributeReader};
use super::cache::{Cache, Entry, Key, MissingBlob};
use super::{git_error, to_id, to_oid, Repo};

/// One diff to measure: `old` (none: the empty tree) to `new`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DiffRequest {
    pub old: Option<CommitId>,
    pub new: CommitId,
    /// The commit whose `.gitattributes` decide which paths are generated or vendored.
    pub rules_from: CommitId,
}

/// git's `FIRST_FEW_BYTES`: how far `buffer_is_binary` looks for a NUL.
const BINARY_PROBE: usize = 8000;
/// git's default `core.bigFileThreshold`: larger blobs are binary without looking.
const BIG_FILE: usize = 512 * 1024 * 1024;

/// Measures every request in the order given, in parallel, and returns one [`DiffStats`] per
/// request plus warnings (one per missing blob). With `cache` (a file path, see
/// [`super::cache::default_cache_path`]) it reads known results from it and writes new ones
/// back; `None` is `--no-cache`. `progress` is ticked once per request.
pub fn measure(
    git_dir: &Path,
    requests: &[DiffRequest],
    rules: &SizeRules,
    cache: Option<&Path>,
    progress: &indicatif::ProgressBar,
) -> Result<(Vec<DiffStats>, Vec<Warning>)> {
    let entries = measure_entries(git_dir, requests, rules, cache, progress)?;
    let warnings = missing_warnings(&entries);
    Ok((entries.into_iter().map(|e| e.stats).collect(), warnings))
}

/// [`measure`], keeping each diff's missing blobs with it (for a cache of its own).
pub fn measure_entries(
    git_dir: &Path,
    requests: &[DiffRequest],
    rules: &SizeRules,
    cache: Option<&Path>,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<Entry>> {
    let fingerprint = rules.fingerprint();
    let key = |r: &DiffRequest| Key {
        old: r.old,
        new: r.new,
        rules_from: r.rules_from,
        rules: fingerprint,
    };
    let mut cache = cache.map(Cache::load);
    let mut results: Vec<Option<Entry>> = requests
        .iter()
        .map(|r| cache.as_ref().and_then(|c| c.get(&key(r)).cloned()))
        .collect();
    let todo: Vec<usize> = (0..requests.len())
        .filter(|&i| results[i].is_none())
        .collect();
    progress.inc((requests.len() - todo.len()) as u64);

    if !todo.is_empty() {
        let attrs = read_attributes(git_dir, requests, &todo, rules)?;
        let threads = rayon::current_num_threads().max(1);
        let chunk = (todo.len() / (threads * 8)).clamp(1, 64);
        let computed = todo
            .par_chunks(chunk)
            .map_init(
                || Repo::reopen(git_dir),
                |repo, chunk| -> Result<Vec<Entry>> {
                    let repo = repo.as_ref().map_err(|e| Error::OpenRepository {
                        path: git_dir.to_path_buf(),
                        message: e.to_string(),
                    })?;
                    let mut opts = git2::DiffOptions::new();
                    opts.context_lines(0).interhunk_lines(0).force_text(true);
                    chunk
                        .iter()
                        .map(|&i| {
                            let req = &requests[i];
                            let no_attrs = AttrRules::default();
                            let (attr, mut missing) = match attrs.get(&req.rules_from) {
                                Some((a, m)) => (a.as_ref(), m.clone()),
                                None => (&no_attrs, Vec::new()),
                            };
                            let mut m = Measurer {
                                repo,
                                opts: &mut opts,
                                rules,
                                attrs: attr,
                                req,
                                path: Vec::new(),
                                depth: 0,
                                entry: Entry::default(),
                            };
                            m.run()?;
                            missing.append(&mut m.entry.missing);
                            m.entry.missing = missing;
                            progress.inc(1);
                            Ok(m.entry)
                        })
                        .collect()
                },
            )
            .collect::<Result<Vec<Vec<Entry>>>>()?;
        for (i, entry) in todo.iter().zip(computed.into_iter().flatten()) {
            if let Some(c) = cache.as_mut() {
                c.insert(key(&requests[*i]), entry.clone());
            }
            results[*i] = Some(entry);
        }
        if let Some(c) = cache.as_mut() {
            c.save();
        }
    }

    Ok(results.into_iter().flatten().collect())
}

/// One warning per blob missing from any of `entries`.
#[must_use]
pub fn missing_warnings(entries: &[Entry]) -> Vec<Warning> {
    let mut seen = HashSet::new();
    let mut warnings = Vec::new();
    for entry in entries {
        for m in &entry.missing {
            if seen.insert(m.blob) {
                warnings.push(Warning(format!(
                    "blob {} ({} in commit {}) is missing from the repository: it counts as a \
                     changed file with 0 lines\n  the clone is incomplete; run `git fetch \
                     --refetch` or clone again for exact sizes",
                    m.blob, m.path, m.commit
                )));
            }
        }
    }
    warnings
}

/// The attribute rules of every `rules_from` commit among the requests still to measure
/// (none at all with `--include-all`), and the `.gitattributes` blobs each lacked.
type AttrMap = HashMap<CommitId, (Arc<AttrRules>, Vec<MissingBlob>)>;

fn read_attributes(
    git_dir: &Path,
    requests: &[DiffRequest],
    todo: &[usize],
    rules: &SizeRules,
) -> Result<AttrMap> {
    if !rules.uses_attributes() {
        return Ok(AttrMap::new());
    }
    let mut seen = HashSet::new();
    let distinct: Vec<CommitId> = todo
        .iter()
        .map(|&i| requests[i].rules_from)
        .filter(|c| seen.insert(*c))
        .collect();
    // Contiguous runs of commits per thread: neighbouring releases share most subtrees, and
    // each reader remembers the subtrees it has read.
    let per_thread = distinct
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let parts = distinct
        .par_chunks(per_thread)
        .map(|chunk| -> Result<Vec<_>> {
            let repo = Repo::reopen(git_dir)?;
            let mut reader = AttributeReader::new();
            chunk
                .iter()
                .map(|&from| {
                    let (attrs, missing) = reader.rules_for(&repo, from)?;
                    let missing = missing
                        .into_iter()
                        .map(|m| MissingBlob {
                            blob: to_id(m.blob),
                            path: m.path,
                            commit: m.commit,
                        })
                        .collect();
                    Ok((from, (Arc::new(attrs), missing)))
                })
                .collect()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(parts.into_iter().flatten().collect())
}

/// Which side of a diff an object belongs to (for naming its commit).
#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

/// A tree entry's canonical mode, as git reads it (`canon_mode`): odd permission bits from
/// old repositories (`100664`) are normalised, so they never count as mode changes.
fn canon_mode(mode: i32) -> u32 {
    let mode = mode as u32;
    match mode & 0o170_000 {
        0o040_000 => 0o040_000,
        0o120_000 => 0o120_000,
        0o160_000 => 0o160_000,
        _ if mode & 0o100 != 0 => 0o100_755,
        _ => 0o100_644,
    }
}

fn is_tree(mode: u32) -> bool {
    mode == 0o040_000
}

/// git's `base_name_compare`: names compare bytewise, a tree as if its name ended in `/`.
fn entry_cmp(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        other => return other,
    }
    let next = |name: &[u8], tree: bool| match name.get(n) {
        Some(&c) => c,
        None if tree => b'/',
        None => 0,
    };
    next(a, a_tree).cmp(&next(b, b_tree))
}

/// A file's contents on one side of a change.
enum Content<'r> {
    Blob(git2::Blob<'r>),
    /// A submodule: git diffs the text `Subproject commit <sha>\n`.
    Gitlink(Vec<u8>),
}

impl Content<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Content::Blob(b) => b.content(),
            Content::Gitlink(t) => t,
        }
    }

    fn is_binary(&self) -> bool {
        let bytes = self.bytes();
        bytes.len() > BIG_FILE || bytes[..bytes.len().min(BINARY_PROBE)].contains(&0)
    }
}

/// Lines in a file, as git counts an added or deleted file: a last line without a newline
/// counts too.
// The compiler vectorises this loop; a crate for it is not worth a dependency.
#[allow(clippy::naive_bytecount)]
fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

/// Measures one request: walks both trees, skipping equal subtrees.
struct Measurer<'a, 'r> {
    repo: &'r git2::Repository,
    opts: &'a mut git2::DiffOptions,
    rules: &'a SizeRules,
    attrs: &'a AttrRules,
    req: &'a DiffRequest,
    /// The path of the directory being walked, with a trailing `/` (empty at the root).
    path: Vec<u8>,
    /// How many directories deep `path` is.
    depth: usize,
    entry: Entry,
}

impl<'r> Measurer<'_, 'r> {
    fn run(&mut self) -> Result<()> {
        let new = self.root(self.req.new)?;
        let old = self.req.old.map(|c| self.root(c)).transpose()?;
        if old != Some(new) {
            self.walk(old, Some(new))?;
        }
        Ok(())
    }

    fn root(&self, commit: CommitId) -> Result<git2::Oid> {
        self.repo
            .find_commit(to_oid(commit))
            .map(|c| c.tree_id())
            .map_err(|e| {
                if e.code() == git2::ErrorCode::NotFound {
                    Error::MissingObject {
                        id: commit.to_hex(),
                        what: "commit".into(),
                    }
                } else {
                    git_error(format!("reading commit {commit}"), &e)
                }
            })
    }

    fn commit_of(&self, side: Side) -> CommitId {
        match side {
            Side::Old => self.req.old.unwrap_or(self.req.new),
            Side::New => self.req.new,
        }
    }

    fn tree(&self, id: git2::Oid, side: Side) -> Result<git2::Tree<'r>> {
        self.repo.find_tree(id).map_err(|e| {
            let at = String::from_utf8_lossy(&self.path).into_owned();
            missing_tree(&e, id, self.commit_of(side), &at)
                .unwrap_or_else(|| git_error(format!("reading tree {id}"), &e))
        })
    }

    fn walk(&mut self, old: Option<git2::Oid>, new: Option<git2::Oid>) -> Result<()> {
        let old = old.map(|id| self.tree(id, Side::Old)).transpose()?;
        let new = new.map(|id| self.tree(id, Side::New)).transpose()?;
        let mut o = old.iter().flat_map(git2::Tree::iter).peekable();
        let mut n = new.iter().flat_map(git2::Tree::iter).peekable();
        loop {
            let order = match (o.peek(), n.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => entry_cmp(
                    a.name_bytes(),
                    is_tree(canon_mode(a.filemode())),
                    b.name_bytes(),
                    is_tree(canon_mode(b.filemode())),
                ),
            };
            let (a, b) = match order {
                Ordering::Less => (o.next(), None),
                Ordering::Greater => (None, n.next()),
                Ordering::Equal => (o.next(), n.next()),
            };
            let side = |e: &Option<git2::TreeEntry<'_>>| {
                e.as_ref().map(|e| (e.id(), canon_mode(e.filemode())))
            };
            let (old_side, new_side) = (side(&a), side(&b));
            // Equal entries (most of them) are skipped before anything is copied.
            if old_side == new_side {
                continue;
            }
            // The name is borrowed from the trees, not copied per entry.
            let name = a
                .as_ref()
                .or(b.as_ref())
                .map_or(&[][..], |e| e.name_bytes());
            self.entry(name, old_side, new_side)?;
        }
        Ok(())
    }

    /// One name present on either side (both sides are trees, or both are not).
    fn entry(
        &mut self,
        name: &[u8],
        old: Option<(git2::Oid, u32)>,
        new: Option<(git2::Oid, u32)>,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let dir_len = self.path.len();
        self.path.extend_from_slice(name);
        let tree = old.or(new).is_some_and(|(_, m)| is_tree(m));
        if tree {
            self.path.push(b'/');
            if self.depth >= super::MAX_TREE_DEPTH {
                let side = if new.is_some() { Side::New } else { Side::Old };
                return Err(super::too_deep(self.commit_of(side), &self.path));
            }
        }
        // A stream bound to paths: subtrees and files outside them are not walked at all.
        let in_scope = !self.rules.is_scoped() || {
            let path = String::from_utf8_lossy(&self.path);
            if tree {
                self.rules.enters(&path)
            } else {
                self.rules.covers(&path)
            }
        };
        let result = match (in_scope, tree) {
            (false, _) => Ok(()),
            (true, true) => {
                self.depth += 1;
                let r = self.walk(old.map(|(id, _)| id), new.map(|(id, _)| id));
                self.depth -= 1;
                r
            }
            (true, false) => self.file(old, new),
        };
        self.path.truncate(dir_len);
        result
    }

    /// One changed file at `self.path`.
    fn file(&mut self, old: Option<(git2::Oid, u32)>, new: Option<(git2::Oid, u32)>) -> Result<()> {
        let (added, deleted) = match (old, new) {
            // Same contents: a mode or type change only.
            (Some((a, _)), Some((b, _))) if a == b => (0, 0),
            _ => self.lines(old, new)?,
        };
        let excluded = !self.rules.excludes_nothing() && {
            let path = String::from_utf8_lossy(&self.path);
            self.rules.excluded(&path, self.attrs).is_some()
        };
        let s = &mut self.entry.stats;
        if excluded {
            s.excluded_files += 1;
            s.excluded_lines += added + deleted;
        } else {
            s.files_changed += 1;
            s.lines_added += added;
            s.lines_deleted += deleted;
        }
        Ok(())
    }

    /// Reads one side; `None` when the blob is missing (recorded for a warning).
    fn content(&mut self, (id, mode): (git2::Oid, u32), side: Side) -> Result<Option<Content<'r>>> {
        if mode == 0o160_000 {
            return Ok(Some(Content::Gitlink(
                format!("Subproject commit {id}\n").into_bytes(),
            )));
        }
        match self.repo.find_blob(id) {
            Ok(b) => Ok(Some(Content::Blob(b))),
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                self.entry.missing.push(MissingBlob {
                    blob: to_id(id),
                    path: String::from_utf8_lossy(&self.path).into_owned(),
                    commit: self.commit_of(side),
                });
                Ok(None)
            }
            Err(e) => Err(git_error(
                format!(
                    "reading blob {id} ({}) of commit {}",
                    String::from_utf8_lossy(&self.path),
                    self.commit_of(side)
                ),
                &e,
            )),
        }
    }

    /// Added and deleted lines of one changed file whose contents differ.
    fn lines(
        &mut self,
        old: Option<(git2::Oid, u32)>,
        new: Option<(git2::Oid, u32)>,
    ) -> Result<(u64, u64)> {
        let a = old.map(|o| self.content(o, Side::Old)).transpose()?;
        let b = new.map(|n| self.content(n, Side::New)).transpose()?;
        // A missing blob: the file counts, its lines cannot.
        let (Some(a), Some(b)) = (
            a.map_or(Some(None), |c| c.map(Some)),
            b.map_or(Some(None), |c| c.map(Some)),
        ) else {
            return Ok((0, 0));
        };
        if a.as_ref().is_some_and(Content::is_binary) || b.as_ref().is_some_and(Content::is_binary)
        {
            return Ok((0, 0));
        }
        let context = || format!("diffing {}", String::from_utf8_lossy(&self.path));
        match (a, b) {
            (None, None) => Ok((0, 0)),
            (None, Some(b)) => Ok((count_lines(b.bytes()), 0)),
            (Some(a), None) => Ok((0, count_lines(a.bytes()))),
            // Not `trim_common_tail` first, as git does only for zero-context diffs: its
            // diffstat diffs with the default 3 lines of context, untrimmed, and trimming
            // changes xdiff's choices (and counts) on real histories.
            (Some(Content::Blob(a)), Some(Content::Blob(b))) => {
                let (mut added, mut deleted) = (0u64, 0u64);
                let mut hunk = |_: git2::DiffDelta<'_>, h: git2::DiffHunk<'_>| {
                    added += u64::from(h.new_lines());
                    deleted += u64::from(h.old_lines());
                    true
                };
                // An empty path keeps libgit2 from looking up `.gitattributes` diff drivers
                // (stats of the work tree for every file; git's tree diff reads none).
                let none = Some("");
                self.repo
                    .diff_blobs(
                        Some(&a),
                        none,
                        Some(&b),
                        none,
                        Some(self.opts),
                        None,
                        None,
                        Some(&mut hunk),
                        None,
                    )
                    .map_err(|e| git_error(context(), &e))?;
                Ok((added, deleted))
            }
            // A submodule on one side: its text is not a blob.
            (Some(a), Some(b)) => {
                let none = Some(Path::new(""));
                let patch =
                    git2::Patch::from_buffers(a.bytes(), none, b.bytes(), none, Some(self.opts))
                        .map_err(|e| git_error(context(), &e))?;
                let (_, added, deleted) =
                    patch.line_stats().map_err(|e| git_error(context(), &e))?;
                Ok((added as u64, deleted as u64))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;

    /// A scratch repository driven by the git command line under a pinned environment.
    struct Scratch {
        _dir: tempfile::TempDir,
        root: PathBuf,
        time: i64,
    }

    impl Scratch {
        fn new() -> Self {
            let dir = tempfile::tempdir().expect("tempdir");
            let root = dir.path().join("repo");
            std::fs::create_dir(&root).expect("mkdir");
            let s = Self {
                _dir: dir,
                root,
                time: 1_700_000_000,
            };
            s.git(&["-c", "init.defaultBranch=main", "init", "-q", "."]);
            s
        }

        fn git(&self, args: &[&str]) -> String {
            let out = Command::new("git")
                .args(args)
                .current_dir(&self.root)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_AUTHOR_NAME", "A")
                .env("GIT_AUTHOR_EMAIL", "a@example.com")
                .env("GIT_COMMITTER_NAME", "A")
                .env("GIT_COMMITTER_EMAIL", "a@example.com")
                .env("GIT_AUTHOR_DATE", format!("{} +0000", self.time))
                .env("GIT_COMMITTER_DATE", format!("{} +0000", self.time))
                .output()
                .expect("git runs");
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        }

        fn write(&self, path: &str, bytes: &[u8]) {
            let p = self.root.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            let _ = std::fs::remove_file(&p);
            std::fs::write(p, bytes).expect("write");
        }

        fn remove(&self, path: &str) {
            let p = self.root.join(path);
            if p.is_dir() {
                std::fs::remove_dir_all(p).expect("rm -r");
            } else {
                std::fs::remove_file(p).expect("rm");
            }
        }

        fn symlink(&self, path: &str, target: &str) {
            let p = self.root.join(path);
            let _ = std::fs::remove_file(&p);
            std::os::unix::fs::symlink(target, p).expect("symlink");
        }

        fn commit(&mut self, message: &str) -> CommitId {
            self.time += 60;
            self.git(&["add", "-A"]);
            self.git(&[
                "commit",
                "-q",
                "--allow-empty",
                "--no-verify",
                "-m",
                message,
            ]);
            self.head()
        }

        fn head(&self) -> CommitId {
            CommitId::from_hex(self.git(&["rev-parse", "HEAD"]).trim()).expect("sha")
        }

        fn git_dir(&self) -> PathBuf {
            self.root.join(".git")
        }

        /// What `git diff --shortstat --no-renames` says, as (files, added, deleted).
        fn shortstat(
            &self,
            old: Option<CommitId>,
            new: CommitId,
            extra: &[&str],
        ) -> (u64, u64, u64) {
            let old = old.map_or_else(
                || "4b825dc642cb6eb9a060e54bf8d69288fbee4904".to_string(),
                |c| c.to_hex(),
            );
            let new = new.to_hex();
            let mut args = vec![
                "diff",
                "--shortstat",
                "--no-renames",
                old.as_str(),
                new.as_str(),
            ];
            args.extend_from_slice(extra);
            parse_shortstat(&self.git(&args))
        }
    }

    fn parse_shortstat(text: &str) -> (u64, u64, u64) {
        let mut out = (0, 0, 0);
        for part in text.trim().split(", ").filter(|p| !p.is_empty()) {
            let (n, what) = part.split_once(' ').expect("count and word");
            let n: u64 = n.parse().expect("number");
            if what.starts_with("file") {
                out.0 = n;
            } else if what.starts_with("insertion") {
                out.1 = n;
            } else {
                out.2 = n;
            }
        }
        out
    }

    fn run(
        s: &Scratch,
        reqs: &[DiffRequest],
        rules: &SizeRules,
        cache: Option<&Path>,
    ) -> (Vec<DiffStats>, Vec<Warning>) {
        measure(
            &s.git_dir(),
            reqs,
            rules,
            cache,
            &indicatif::ProgressBar::hidden(),
        )
        .expect("measure")
    }

    fn all() -> SizeRules {
        SizeRules::new(&[], true).expect("rules")
    }

    fn req(old: Option<CommitId>, new: CommitId) -> DiffRequest {
        DiffRequest {
            old,
            new,
            rules_from: new,
        }
    }

    /// A long file of many repeated lines (where xdiff's heuristics matter), edited near the
    /// start and in the middle in version `v`, with a long common tail.
    fn big_text(v: u32) -> Vec<u8> {
        let mut out = String::new();
        for i in 0..6000u32 {
            let line = match i % 7 {
                0 => "}\n".to_string(),
                1 => "\n".to_string(),
                2 if i % 91 == v * 13 + 2 => format!("edited {v} {i}\n"),
                _ => format!("line {}\n", (i * 31 + v * (i % 5)) % 97),
            };
            if v > 0 && i > 100 && i < 100 + v * 40 && i % 3 == 0 {
                continue;
            }
            out.push_str(&line);
        }
        out.into_bytes()
    }

    /// Builds a history with every kind of change git counts in its own way; returns its
    /// commits, oldest first.
    fn every_kind_of_change() -> (Scratch, Vec<CommitId>) {
        let mut s = Scratch::new();
        let mut c = Vec::new();
        s.write("a.txt", b"one\ntwo\nthree\nfour\n");
        s.write("nonl.txt", b"no newline");
        s.write("empty", b"");
        s.write("crlf.txt", b"l1\r\nl2\r\nl3\r\n");
        s.write("bin.dat", b"bin\0ary\nmore\n");
        s.write("dir/sub/deep.rs", b"fn main() {}\n");
        s.write("dir/x.c", b"int x;\n");
        s.write(
            "late-nul.txt",
            &[b"x\n".repeat(5000).as_slice(), b"\0\n"].concat(),
        );
        s.symlink("link", "a.txt");
        s.write("big.txt", &big_text(0));
        c.push(s.commit("root"));
        // Plain edits: change, insert, delete; end-of-file newline; CRLF line changed.
        s.write("a.txt", b"one\nTWO\nthree\nthree and a half\n");
        s.write("nonl.txt", b"no newline\n");
        s.write("crlf.txt", b"l1\r\nL2\r\nl3\r\nl4\r\n");
        s.write("big.txt", &big_text(1));
        c.push(s.commit("edits"));
        // Add, delete, rename (no rename detection), empty file added.
        s.write("new.txt", b"a\nb\nc\n");
        s.remove("dir/x.c");
        std::fs::rename(
            s.root.join("dir/sub/deep.rs"),
            s.root.join("dir/sub/moved.rs"),
        )
        .expect("mv");
        s.write("empty2", b"");
        c.push(s.commit("add delete rename"));
        // Mode only.
        s.git(&["update-index", "--chmod=+x", "a.txt"]);
        s.git(&["commit", "-q", "-m", "chmod"]);
        c.push(s.head());
        // Binary both sides, text to binary, NUL past 8000 bytes stays text.
        s.write("bin.dat", b"bin\0ary2\n");
        s.write("new.txt", b"a\nb\0\nc\n");
        s.write(
            "late-nul.txt",
            &[b"y\n".repeat(4000).as_slice(), b"\0\n"].concat(),
        );
        c.push(s.commit("binary"));
        // Binary back to text (binary on the old side only).
        s.write("new.txt", b"a\nb\nc\nd\n");
        c.push(s.commit("binary to text"));
        // Symlink retarget, file to symlink, symlink to file.
        s.symlink("link", "nonl.txt");
        s.remove("empty2");
        s.symlink("empty2", "a.txt");
        c.push(s.commit("symlinks"));
        s.remove("link");
        s.write("link", b"now a file\nwith two lines\n");
        c.push(s.commit("symlink to file"));
        // Submodule added, moved, then replaced by a file.
        let first = c[0].to_hex();
        let second = c[1].to_hex();
        s.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{first},vendor/mod"),
        ]);
        s.git(&["commit", "-q", "-m", "submodule"]);
        c.push(s.head());
        s.git(&[
            "update-index",
            "--cacheinfo",
            &format!("160000,{second},vendor/mod"),
        ]);
        s.git(&["commit", "-q", "-m", "submodule moved"]);
        c.push(s.head());
        s.git(&["rm", "-q", "--cached", "vendor/mod"]);
        s.write("vendor/mod", b"a file now\n");
        c.push(s.commit("submodule to file"));
        // A directory replaced by a file, and a file by a directory.
        s.remove("dir");
        s.write("dir", b"was a directory\n");
        s.remove("nonl.txt");
        s.write("nonl.txt/inside", b"x\ny\n");
        c.push(s.commit("dir and file swap"));
        // CRLF to LF is a change of every line.
        s.write("crlf.txt", b"l1\nL2\nl3\nl4\n");
        s.write("empty", b"");
        c.push(s.commit("crlf to lf"));
        (s, c)
    }

    #[test]
    fn counts_equal_git_shortstat_for_every_kind_of_change() {
        let (s, c) = every_kind_of_change();
        let mut reqs = vec![req(None, c[0])];
        reqs.extend(c.windows(2).map(|w| req(Some(w[0]), w[1])));
        // Long spans and backwards diffs too.
        reqs.push(req(Some(c[0]), c[c.len() - 1]));
        reqs.push(req(Some(c[c.len() - 1]), c[0]));
        reqs.push(req(None, c[c.len() - 1]));
        reqs.push(req(Some(c[3]), c[3]));
        let (stats, warnings) = run(&s, &reqs, &all(), None);
        assert!(warnings.is_empty(), "{warnings:?}");
        for (r, got) in reqs.iter().zip(&stats) {
            let want = s.shortstat(r.old, r.new, &[]);
            assert_eq!(
                (got.files_changed, got.lines_added, got.lines_deleted),
                want,
                "{r:?}"
            );
            assert_eq!((got.excluded_files, got.excluded_lines), (0, 0));
        }
        // The cases above are not vacuous: spot-check what git itself says of a few.
        assert_eq!(
            stats[3],
            DiffStats {
                files_changed: 1,
                ..DiffStats::default()
            },
            "mode only"
        );
        assert_eq!(
            (
                stats[8].files_changed,
                stats[8].lines_added,
                stats[8].lines_deleted
            ),
            (1, 1, 0),
            "submodule"
        );
        assert_eq!(
            (
                stats[9].files_changed,
                stats[9].lines_added,
                stats[9].lines_deleted
            ),
            (1, 1, 1),
            "moved"
        );
    }

    #[test]
    fn lock_files_attributes_and_globs_are_counted_apart() {
        let mut s = Scratch::new();
        s.write(
            ".gitattributes",
            b"gen/** linguist-generated\n*.svg binary\n",
        );
        s.write(
            "web/.gitattributes",
            b"dist/* linguist-vendored=true\nkeep.min.js -linguist-vendored\n",
        );
        s.write("src/main.rs", b"fn main() {}\n");
        let root = s.commit("root");
        s.write("src/main.rs", b"fn main() {\n    run();\n}\n");
        s.write("Cargo.lock", b"a\nb\nc\n");
        s.write("sub/yarn.lock", b"a\n");
        s.write("gen/api.rs", b"1\n2\n");
        s.write("icons/a.svg", b"<svg/>\n");
        s.write("web/dist/app.js", b"x\ny\n");
        s.write("web/dist/keep.min.js", b"k\n");
        s.write("web/dist/deeper/b.js", b"z\n");
        s.write("notes.snap", b"s\ns\n");
        let new = s.commit("change");
        let reqs = [req(Some(root), new)];
        let rules = SizeRules::new(&["*.snap".to_string()], false).expect("rules");
        let (stats, _) = run(&s, &reqs, &rules, None);
        let want = s.shortstat(
            Some(root),
            new,
            &[
                "--",
                ".",
                ":!Cargo.lock",
                ":!sub/yarn.lock",
                ":!gen",
                ":!icons/a.svg",
                ":!web/dist/app.js",
                ":!notes.snap",
            ],
        );
        let got = stats[0];
        assert_eq!(
            (got.files_changed, got.lines_added, got.lines_deleted),
            want
        );
        assert_eq!(got.excluded_files, 6);
        assert_eq!(got.excluded_lines, 3 + 1 + 2 + 1 + 2 + 2);
        // --include-all keeps --exclude globs only.
        let rules = SizeRules::new(&["*.snap".to_string()], true).expect("rules");
        let (stats, _) = run(&s, &reqs, &rules, None);
        assert_eq!((stats[0].excluded_files, stats[0].excluded_lines), (1, 2));
        assert_eq!(stats[0].files_changed, got.files_changed + 5);
    }

    #[test]
    fn a_stream_scope_counts_only_its_paths_like_git_diff_with_pathspecs() {
        let mut s = Scratch::new();
        s.write("lib/a.rs", b"a\n");
        s.write("lib/Cargo.lock", b"x\n");
        s.write("libx/b.rs", b"b\n");
        s.write("cli/main.rs", b"m\n");
        s.write("README.md", b"r\n");
        let root = s.commit("root");
        s.write("lib/a.rs", b"a\na2\n");
        s.write("lib/deep/c.rs", b"c\nc\n");
        s.write("lib/Cargo.lock", b"x\ny\n");
        s.write("libx/b.rs", b"b\nb2\n");
        s.write("cli/main.rs", b"m\nm2\n");
        s.write("README.md", b"r\nr2\n");
        s.remove("cli/main.rs");
        s.write("proto/x.proto", b"p\n");
        let new = s.commit("change everywhere");
        let scope =
            crate::scope::PathScope::new("lib", &["lib/".to_string(), "*.proto".to_string()])
                .expect("paths");
        let rules = SizeRules::new(&[], false).expect("rules").within(scope);
        let (stats, _) = run(&s, &[req(Some(root), new)], &rules, None);
        let want = s.shortstat(
            Some(root),
            new,
            &["--", "lib/", ":(glob)**/*.proto", ":!lib/Cargo.lock"],
        );
        let got = stats[0];
        assert_eq!(
            (got.files_changed, got.lines_added, got.lines_deleted),
            want
        );
        assert_eq!((got.files_changed, got.lines_added), (3, 4));
        // The lock file inside the stream is left out as usual; nothing outside is counted.
        assert_eq!((got.excluded_files, got.excluded_lines), (1, 1));
        // A commit that touches none of the paths measures nothing.
        s.write("README.md", b"r\nr2\nr3\n");
        let outside = s.commit("outside");
        let (stats, _) = run(&s, &[req(Some(new), outside)], &rules, None);
        assert_eq!(stats[0], DiffStats::default());
    }

    #[test]
    fn attributes_come_from_the_rules_commit() {
        let mut s = Scratch::new();
        s.write("a.txt", b"1\n");
        let c1 = s.commit("one");
        s.write("a.txt", b"1\n2\n");
        let c2 = s.commit("two");
        s.write(".gitattributes", b"a.txt linguist-generated\n");
        let c3 = s.commit("mark generated");
        let rules = SizeRules::new(&[], false).expect("rules");
        let reqs = [
            DiffRequest {
                old: Some(c1),
                new: c2,
                rules_from: c2,
            },
            DiffRequest {
                old: Some(c1),
                new: c2,
                rules_from: c3,
            },
        ];
        let (stats, _) = run(&s, &reqs, &rules, None);
        assert_eq!((stats[0].files_changed, stats[0].lines_added), (1, 1));
        assert_eq!(
            (
                stats[1].files_changed,
                stats[1].excluded_files,
                stats[1].excluded_lines
            ),
            (0, 1, 1)
        );
    }

    #[test]
    fn attribute_rules_agree_with_git_check_attr() {
        let mut s = Scratch::new();
        s.write(
            ".gitattributes",
            b"[attr]gen linguist-generated\n*.pb.go gen\n*.svg binary\n*.txt diff\n\
              docs/**/*.html linguist-vendored\n/top.js linguist-generated=true\n\
              !neg.rs linguist-generated\nvendor/ linguist-vendored\n*.min.js -diff\n",
        );
        s.write(
            "web/.gitattributes",
            b"*.min.js diff\ndist/* linguist-generated\n*.g -linguist-generated\n",
        );
        s.write(
            "web/dist/.gitattributes",
            b"*.g linguist-generated\n[attr]gen -diff\n",
        );
        s.write("a.txt", b"x\n");
        // A symlinked .gitattributes is never read (git stopped following them in 2.32).
        s.write("lnk/target", b"*.rs linguist-generated\n");
        s.symlink("lnk/.gitattributes", "target");
        let c = s.commit("attributes");
        let paths = [
            "api.pb.go",
            "x/y/api.pb.go",
            "icon.svg",
            "x/icon.svg",
            "a.txt",
            "docs/a.html",
            "docs/x/y/a.html",
            "x/docs/a.html",
            "top.js",
            "x/top.js",
            "neg.rs",
            "vendor/a.c",
            "a.min.js",
            "web/a.min.js",
            "web/dist/app.js",
            "web/dist/sub/app.js",
            "web/x.g",
            "web/dist/x.g",
            "web/dist/y.pb.go",
            "lnk/a.rs",
            "plain.rs",
        ];
        let repo = git2::Repository::open(s.git_dir()).expect("open");
        let (rules, missing) = AttributeReader::new().rules_for(&repo, c).expect("rules");
        assert!(missing.is_empty());
        let mut args = vec![
            "check-attr",
            "linguist-generated",
            "linguist-vendored",
            "diff",
            "--",
        ];
        args.extend_from_slice(&paths);
        let out = s.git(&args);
        let mut excluded_by_git: HashMap<&str, bool> = paths.iter().map(|p| (*p, false)).collect();
        for line in out.lines() {
            let mut parts = line.rsplitn(3, ": ");
            let (value, attr, path) = (parts.next(), parts.next(), parts.next());
            let (Some(value), Some(attr), Some(path)) = (value, attr, path) else {
                continue;
            };
            let hit = match attr {
                "diff" => value == "unset",
                _ => value == "set" || value == "true",
            };
            if hit {
                if let Some(e) = excluded_by_git.get_mut(path) {
                    *e = true;
                }
            }
        }
        let mut hits = 0;
        for p in paths {
            assert_eq!(
                rules.excluded(p).is_some(),
                excluded_by_git[p],
                "{p}: git check-attr disagrees"
            );
            hits += usize::from(excluded_by_git[p]);
        }
        // Not vacuous: git marks a good part of them.
        assert!(hits >= 8, "{hits}");
    }

    fn object_path(s: &Scratch, id: &str) -> PathBuf {
        s.git_dir().join("objects").join(&id[..2]).join(&id[2..])
    }

    #[test]
    fn a_missing_blob_is_a_warning_and_a_file_with_no_lines() {
        let mut s = Scratch::new();
        s.write("keep.txt", b"k\n");
        let c1 = s.commit("one");
        s.write("big.bin", b"lost\ncontent\n");
        s.write("keep.txt", b"k\nk2\n");
        let c2 = s.commit("two");
        s.write("big.bin", b"lost again\n");
        let c3 = s.commit("three");
        let blob = s.git(&["rev-parse", &format!("{}:big.bin", c2.to_hex())]);
        let blob = blob.trim();
        std::fs::remove_file(object_path(&s, blob)).expect("delete loose blob");
        let reqs = [req(Some(c1), c2), req(Some(c2), c3), req(None, c2)];
        let (stats, warnings) = run(&s, &reqs, &all(), None);
        assert_eq!(
            (
                stats[0].files_changed,
                stats[0].lines_added,
                stats[0].lines_deleted
            ),
            (2, 1, 0)
        );
        assert_eq!(
            (
                stats[1].files_changed,
                stats[1].lines_added,
                stats[1].lines_deleted
            ),
            (1, 0, 0)
        );
        assert_eq!((stats[2].files_changed, stats[2].lines_added), (2, 2));
        // One warning for the blob, though three diffs met it.
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let w = &warnings[0].0;
        assert!(
            w.contains(blob) && w.contains("big.bin") && w.contains(&c2.to_hex()),
            "{w}"
        );
    }

    #[test]
    fn a_missing_tree_or_commit_is_an_error_naming_it() {
        let mut s = Scratch::new();
        s.write("d/a.txt", b"1\n");
        let c1 = s.commit("one");
        s.write("d/a.txt", b"2\n");
        let c2 = s.commit("two");
        let tree = s.git(&["rev-parse", &format!("{}:d", c2.to_hex())]);
        let tree = tree.trim().to_string();
        std::fs::remove_file(object_path(&s, &tree)).expect("delete loose tree");
        let err = measure(
            &s.git_dir(),
            &[req(Some(c1), c2)],
            &all(),
            None,
            &indicatif::ProgressBar::hidden(),
        )
        .expect_err("missing tree");
        match err {
            Error::MissingObject { id, what } => {
                assert_eq!(id, tree);
                assert!(what.contains("d/") && what.contains(&c2.to_hex()), "{what}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let ghost = CommitId([7; 20]);
        let err = measure(
            &s.git_dir(),
            &[req(Some(c1), ghost)],
            &all(),
            None,
            &indicatif::ProgressBar::hidden(),
        )
        .expect_err("missing commit");
        assert!(
            matches!(err, Error::MissingObject { ref id, .. } if *id == ghost.to_hex()),
            "{err:?}"
        );
    }

    #[test]
    fn a_warm_run_reads_the_cache_and_does_not_diff() {
        let (s, c) = every_kind_of_change();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cache = cache_dir.path().join("c/repo.diffcache");
        let reqs: Vec<DiffRequest> = c.windows(2).map(|w| req(Some(w[0]), w[1])).collect();
        let rules = SizeRules::new(&[], false).expect("rules");
        let (cold, _) = run(&s, &reqs, &rules, Some(&cache));
        assert!(cache.exists());
        // Take away every object a diff would read: the warm run must not need them.
        std::fs::rename(s.git_dir().join("objects"), s.root.join("objects-away")).expect("mv");
        std::fs::create_dir_all(s.git_dir().join("objects/pack")).expect("mkdir");
        std::fs::create_dir_all(s.git_dir().join("objects/info")).expect("mkdir");
        let (warm, warnings) = run(&s, &reqs, &rules, Some(&cache));
        assert_eq!(warm, cold);
        assert!(warnings.is_empty());
        // Other rules are another key: they must measure (and here fail, objects are gone).
        let other = SizeRules::new(&["*.c".to_string()], false).expect("rules");
        assert!(measure(
            &s.git_dir(),
            &reqs,
            &other,
            Some(&cache),
            &indicatif::ProgressBar::hidden()
        )
        .is_err());
        // Without the cache nothing is read from it either.
        assert!(measure(
            &s.git_dir(),
            &reqs,
            &rules,
            None,
            &indicatif::ProgressBar::hidden()
        )
        .is_err());
    }

    #[test]
    fn git_order_puts_a_tree_after_a_file_with_its_name_as_prefix() {
        assert_eq!(entry_cmp(b"foo", false, b"foo", true), Ordering::Less);
        assert_eq!(entry_cmp(b"foo.c", false, b"foo", true), Ordering::Less);
        assert_eq!(entry_cmp(b"foo", true, b"foo0", false), Ordering::Less);
        assert_eq!(entry_cmp(b"foo", false, b"foo.c", false), Ordering::Less);
        assert_eq!(canon_mode(0o100_664), 0o100_644);
        assert_eq!(canon_mode(0o100_775), 0o100_755);
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\nb\n"), 2);
    }
}

/// Measures real histories for `scripts/bench.sh` until the `report` command exists:
/// `GIT_CADENCE_BENCH_REPO` (a git dir) and `GIT_CADENCE_BENCH_PAIRS` (a file of `OLD NEW`
/// lines, `-` for the empty tree) in; one `files added deleted excluded_files excluded_lines`
/// line per pair to `GIT_CADENCE_BENCH_OUT`, the wall time and warnings to stderr.
/// `GIT_CADENCE_BENCH_CACHE` (a file) turns the cache on; `GIT_CADENCE_BENCH_DEFAULTS=1`
/// applies the default exclusions (else `--include-all`, comparable with git).
#[cfg(test)]
mod bench {
    use super::*;

    #[test]
    #[ignore = "reads a real repository named by GIT_CADENCE_BENCH_REPO"]
    fn bench_pairs_from_env() {
        let var = |n: &str| std::env::var(n).ok();
        let (Some(repo), Some(pairs), Some(out)) = (
            var("GIT_CADENCE_BENCH_REPO"),
            var("GIT_CADENCE_BENCH_PAIRS"),
            var("GIT_CADENCE_BENCH_OUT"),
        ) else {
            panic!("set GIT_CADENCE_BENCH_REPO, GIT_CADENCE_BENCH_PAIRS and GIT_CADENCE_BENCH_OUT");
        };
        let text = std::fs::read_to_string(pairs).expect("pairs file");
        let reqs: Vec<DiffRequest> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (old, new) = l.split_once(' ').expect("OLD NEW");
                let new = CommitId::from_hex(new.trim()).expect("sha");
                DiffRequest {
                    old: (old != "-").then(|| CommitId::from_hex(old).expect("sha")),
                    new,
                    rules_from: new,
                }
            })
            .collect();
        let rules =
            SizeRules::new(&[], var("GIT_CADENCE_BENCH_DEFAULTS").is_none()).expect("rules");
        let cache = var("GIT_CADENCE_BENCH_CACHE").map(std::path::PathBuf::from);
        let start = std::time::Instant::now();
        // Opening through discover applies the same libgit2 settings as a real run.
        let opened = Repo::discover(Some(Path::new(&repo))).expect("repository");
        let (stats, warnings) = measure(
            &opened.git_dir,
            &reqs,
            &rules,
            cache.as_deref(),
            &indicatif::ProgressBar::hidden(),
        )
        .expect("measure");
        let elapsed = start.elapsed();
        let mut text = String::new();
        for s in &stats {
            use std::fmt::Write;
            let _ = writeln!(
                text,
                "{} {} {} {} {}",
                s.files_changed, s.lines_added, s.lines_deleted, s.excluded_files, s.excluded_lines
            );
        }
        std::fs::write(out, text).expect("write results");
        for w in &warnings {
            eprintln!("warning: {w}");
        }
        eprintln!(
            "measured {} diffs in {:.2} s",
            reqs.len(),
            elapsed.as_secs_f64()
        );
    }
}
