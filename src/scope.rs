//! Which paths a release stream owns when it is bound to paths (`--stream-path NAME=PATH`,
//! `[streams.NAME] paths = [...]`). Pure: the diff walk asks it which subtrees to enter and
//! which files to count.
//!
//! How a path reads (the README states it):
//! - a path ending in `/` is that directory, from the repository root (`tokio/` is the root's
//!   `tokio` directory, not a `tokio` directory at any depth);
//! - anything else is a glob as `--exclude` reads it: without `/` it matches a file or
//!   directory name at any depth (`*.proto`); with `/` it matches the path from the root, or a
//!   directory on it (`crates/ignore` owns everything below `crates/ignore/`); `*` stops at
//!   `/`, `**` crosses it.
//!
//! A stream owns a file when any of its paths matches it.

use std::fmt;

use globset::GlobMatcher;

use crate::error::{Error, Result};
use crate::exclude::{build_glob, prefixes, Fnv};
use crate::report::escape::terminal_text;

/// The paths one stream owns.
#[derive(Clone)]
pub struct PathScope {
    /// The paths as given, for people and for the cache key.
    given: Vec<String>,
    /// Directories, from the root, each with a trailing `/`.
    dirs: Vec<String>,
    /// Globs without `/`: a file or directory name at any depth.
    name_globs: Vec<GlobMatcher>,
    /// Globs with `/`, each with its literal leading directories (up to the first wildcard),
    /// which bound the subtrees it can match in.
    path_globs: Vec<(GlobMatcher, String)>,
}

impl fmt::Debug for PathScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PathScope").field(&self.given).finish()
    }
}

impl PartialEq for PathScope {
    fn eq(&self, other: &Self) -> bool {
        self.given == other.given
    }
}

impl PathScope {
    /// Reads a stream's paths. An empty path, one with `.` or `..` components, or a bad glob
    /// is an error naming `stream` and the path.
    pub fn new(stream: &str, paths: &[String]) -> Result<Self> {
        let mut scope = Self {
            given: Vec::new(),
            dirs: Vec::new(),
            name_globs: Vec::new(),
            path_globs: Vec::new(),
        };
        for raw in paths {
            // Repository text (a config file's) reaches the terminal: no control characters.
            let bad = |message: &str| Error::BadValue {
                what: format!("the paths of stream `{}`", terminal_text(stream)),
                message: format!("`{}`: {message}", terminal_text(raw)),
            };
            let path = raw.trim_start_matches("./").trim_start_matches('/');
            let trimmed = path.trim_end_matches('/');
            if trimmed.is_empty() {
                return Err(bad(
                    "names no path; give a directory such as `crates/core/` or a glob",
                ));
            }
            if trimmed.split('/').any(|part| part == "." || part == "..") {
                return Err(bad(
                    "paths are read from the repository root; `.` and `..` are not allowed",
                ));
            }
            if path.ends_with('/') {
                scope.dirs.push(format!("{trimmed}/"));
            } else {
                let glob = build_glob(trimmed).map_err(|e| bad(&format!("bad glob: {e}")))?;
                if trimmed.contains('/') {
                    scope.path_globs.push((glob, literal_dirs(trimmed)));
                } else {
                    scope.name_globs.push(glob);
                }
            }
            scope.given.push(raw.clone());
        }
        if scope.given.is_empty() {
            return Err(Error::BadValue {
                what: format!("the paths of stream `{}`", terminal_text(stream)),
                message: "no paths given".to_string(),
            });
        }
        Ok(scope)
    }

    /// The paths as given.
    #[must_use]
    pub fn paths(&self) -> &[String] {
        &self.given
    }

    /// Whether the file at `path` (from the root, `/`-separated) belongs to the stream.
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.dirs.iter().any(|d| path.starts_with(d.as_str()))
            || (!self.name_globs.is_empty()
                && path
                    .split('/')
                    .any(|part| self.name_globs.iter().any(|g| g.is_match(part))))
            || (!self.path_globs.is_empty()
                && prefixes(path).any(|p| self.path_globs.iter().any(|(g, _)| g.is_match(p))))
    }

    /// Whether some file below the directory `dir` (from the root, with a trailing `/`) can
    /// belong to the stream; a walk need not enter a directory for which this is false.
    #[must_use]
    pub fn may_enter(&self, dir: &str) -> bool {
        let related = |owned: &str| owned.starts_with(dir) || dir.starts_with(owned);
        !self.name_globs.is_empty()
            || self.dirs.iter().any(|d| related(d))
            || self.path_globs.iter().any(|(_, lit)| related(lit))
    }

    /// Feeds the paths into a fingerprint (the size cache key).
    pub fn fingerprint(&self, h: &mut Fnv) {
        h.write(b"scope-1\0");
        for p in &self.given {
            h.write(p.as_bytes());
            h.write(b"\0");
        }
    }
}

/// The leading directories of a glob that hold no wildcard, with a trailing `/` (empty when
/// the first directory already has one): `crates/*/src/*.rs` → `crates/`.
fn literal_dirs(glob: &str) -> String {
    let wild = glob.find(['*', '?', '[', '\\']).unwrap_or(glob.len());
    match glob[..wild].rfind('/') {
        Some(slash) => glob[..=slash].to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(paths: &[&str]) -> PathScope {
        let owned: Vec<String> = paths.iter().map(ToString::to_string).collect();
        PathScope::new("s", &owned).expect("valid paths")
    }

    #[test]
    fn a_trailing_slash_is_that_directory_from_the_root() {
        let s = scope(&["tokio/"]);
        assert!(s.contains("tokio/src/lib.rs"));
        assert!(!s.contains("tokio-util/src/lib.rs"));
        assert!(!s.contains("tokio"));
        assert!(!s.contains("x/tokio/a.rs"));
        assert!(s.may_enter("tokio/"));
        assert!(s.may_enter("tokio/src/"));
        assert!(!s.may_enter("tokio-util/"));
        assert!(!s.may_enter("x/"));
        let nested = scope(&["crates/core/"]);
        assert!(nested.may_enter("crates/"));
        assert!(!nested.may_enter("crates/cli/"));
        assert!(nested.contains("crates/core/a.rs"));
        assert!(!nested.contains("crates/corelib/a.rs"));
    }

    #[test]
    fn globs_read_as_exclude_globs() {
        let s = scope(&["*.proto", "crates/*/src/**", "ignore"]);
        assert!(s.contains("api/v1/x.proto"));
        assert!(s.contains("crates/a/src/b/c.rs"));
        assert!(!s.contains("crates/a/tests/c.rs"));
        // A name glob matches a directory name at any depth.
        assert!(s.contains("ignore/lib.rs"));
        assert!(s.contains("crates/ignore/lib.rs"));
        assert!(!s.contains("README.md"));
        // A name glob can match anywhere, so every directory may hold a match.
        assert!(s.may_enter("docs/"));
        let p = scope(&["crates/*/src/**"]);
        assert!(p.may_enter("crates/"));
        assert!(p.may_enter("crates/a/"));
        assert!(!p.may_enter("docs/"));
        // A glob with `/` also owns the directories it matches.
        let d = scope(&["crates/ignore"]);
        assert!(d.contains("crates/ignore/src/lib.rs"));
        assert!(!d.contains("crates/ignore2/lib.rs"));
        assert!(d.may_enter("crates/ignore/src/"));
        assert!(!d.may_enter("ignore/"));
    }

    #[test]
    fn several_paths_own_their_union() {
        // A crate that moved: `ignore/` then `crates/ignore/`.
        let s = scope(&["ignore/", "crates/ignore/"]);
        assert!(s.contains("ignore/src/lib.rs"));
        assert!(s.contains("crates/ignore/src/lib.rs"));
        assert!(!s.contains("crates/core/src/lib.rs"));
        assert!(s.may_enter("crates/"));
        assert!(!s.may_enter("src/"));
    }

    #[test]
    fn bad_paths_are_errors_naming_the_stream_and_path() {
        for bad in ["", "/", "./", "../x/", "a/../b", "src/["] {
            let err = PathScope::new("cli", &[bad.to_string()]).expect_err(bad);
            let text = err.to_string();
            assert!(text.contains("stream `cli`"), "{text}");
            assert!(text.contains(&format!("`{bad}`")), "{text}");
        }
        assert!(PathScope::new("cli", &[]).is_err());
        let err = PathScope::new("c\x1b[2Jli", &["\x1b]0;x\x07/..".to_string()]).expect_err("..");
        assert!(!err.to_string().contains('\x1b'), "{err}");
        // A leading `./` or `/` is the root.
        assert!(scope(&["./cli/"]).contains("cli/main.rs"));
        assert!(scope(&["/cli/"]).contains("cli/main.rs"));
    }

    #[test]
    fn the_fingerprint_follows_the_paths() {
        let print = |s: &PathScope| {
            let mut h = Fnv::new();
            s.fingerprint(&mut h);
            h.finish()
        };
        assert_eq!(print(&scope(&["a/"])), print(&scope(&["a/"])));
        assert_ne!(print(&scope(&["a/"])), print(&scope(&["b/"])));
        assert_ne!(print(&scope(&["a/"])), print(&scope(&["a/", "b/"])));
    }
}
