//! Which paths are left out of release sizes: default lock files, `.gitattributes`
//! (`linguist-generated`, `linguist-vendored`, `-diff`), and `--exclude` globs. Pure: the
//! git layer hands in file contents, nothing here reads a repository.
//!
//! The rules, as the README states them:
//! - By default these lock file names are left out at any depth: [`LOCK_FILES`].
//! - By default, paths that the `.gitattributes` files of the release's tree (the root one and
//!   nested ones) mark `linguist-generated` or `linguist-vendored` (set, or `=true`), or `-diff`
//!   (also through the `binary` macro), are left out. The patterns follow gitattributes(5):
//!   a pattern without `/` matches the file name at any depth below the `.gitattributes` file
//!   that holds it; a pattern with `/` is relative to that file's directory; `*` stops at `/`,
//!   `**` crosses it; a later line overrides an earlier one and a deeper file a shallower one;
//!   `!pattern` lines and `dir/` patterns match nothing (as in git: use `dir/**`); `[attr]`
//!   macros are honoured in the root file. `=false`, `-attr` and `!attr` mean "not marked".
//! - `--exclude GLOB` adds more. A glob without `/` matches a file name, or a directory name,
//!   at any depth (`--exclude vendor` leaves out everything under any `vendor/` directory,
//!   `--exclude '*.min.js'` every minified file); a glob with `/` matches the path from the
//!   repository root, or a directory on it (`--exclude docs/api` leaves out everything under
//!   `docs/api/`). `*` stops at `/`, `**` crosses it — the way `.gitignore` reads them.
//! - `--include-all` turns the defaults (lock files and attributes) off; `--exclude` globs
//!   still apply.

use std::collections::HashMap;
use std::fmt;

use globset::{GlobBuilder, GlobMatcher};

use crate::error::{Error, Result};
use crate::scope::PathScope;

/// Lock file names left out of sizes by default, at any depth.
pub const LOCK_FILES: &[&str] = &[
    "Cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "Gemfile.lock",
    "composer.lock",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "go.sum",
    "mix.lock",
    "pubspec.lock",
    "Podfile.lock",
    "flake.lock",
    "packages.lock.json",
];

/// Why a path was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    LockFile,
    Generated,
    Vendored,
    NoDiff,
    Glob,
}

/// The exclusion rules of one run (everything but the per-release `.gitattributes`).
#[derive(Clone, Debug)]
pub struct SizeRules {
    include_all: bool,
    excludes: Vec<String>,
    name_globs: Vec<GlobMatcher>,
    path_globs: Vec<GlobMatcher>,
    /// For a stream bound to paths: the only paths that count at all (see [`crate::scope`]).
    scope: Option<PathScope>,
}

impl SizeRules {
    /// Builds the rules from `--exclude` globs and `--include-all`.
    pub fn new(excludes: &[String], include_all: bool) -> Result<Self> {
        let mut name_globs = Vec::new();
        let mut path_globs = Vec::new();
        for glob in excludes {
            let trimmed = glob.trim_start_matches('/').trim_end_matches('/');
            let bad = |message: String| Error::BadPattern {
                what: "--exclude",
                pattern: glob.clone(),
                message,
            };
            if trimmed.is_empty() {
                return Err(bad(
                    "the glob matches nothing; give a file name or a path".into()
                ));
            }
            let matcher = build_glob(trimmed).map_err(bad)?;
            // As in .gitignore, a trailing slash alone does not anchor the glob.
            if glob.trim_end_matches('/').contains('/') {
                path_globs.push(matcher);
            } else {
                name_globs.push(matcher);
            }
        }
        Ok(Self {
            include_all,
            excludes: excludes.to_vec(),
            name_globs,
            path_globs,
            scope: None,
        })
    }

    /// These rules restricted to a stream's paths: files outside them are not part of the
    /// diff at all (not counted, not "left out").
    #[must_use]
    pub fn within(mut self, scope: PathScope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Whether a diff walk enters the directory `dir` (from the root, with a trailing `/`).
    #[must_use]
    pub fn enters(&self, dir: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.may_enter(dir))
    }

    /// Whether the file at `path` is part of the diff at all.
    #[must_use]
    pub fn covers(&self, path: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(path))
    }

    /// Whether the rules hold a stream's paths (then [`Self::enters`] and [`Self::covers`]
    /// need the path).
    #[must_use]
    pub fn is_scoped(&self) -> bool {
        self.scope.is_some()
    }

    /// Whether `.gitattributes` are consulted: always, since even `--include-all` counts a
    /// `-diff` (or `binary`) file as git does, as a file without lines.
    #[must_use]
    pub fn uses_attributes(&self) -> bool {
        true
    }

    /// The rules in force, one line each, for people.
    #[must_use]
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.include_all {
            out.push(format!("lock files: {}", LOCK_FILES.join(", ")));
            out.push(
                ".gitattributes of each release: linguist-generated, linguist-vendored, -diff"
                    .to_string(),
            );
        }
        for glob in &self.excludes {
            out.push(format!("--exclude {glob}"));
        }
        out
    }

    /// A stable fingerprint of these rules (for the cache key); it changes whenever the set
    /// of excluded paths could.
    #[must_use]
    pub fn fingerprint(&self) -> u64 {
        let mut h = Fnv::new();
        // 2: `-diff` files count no lines under --include-all too.
        h.write(b"size-rules-2\0");
        h.write(&[u8::from(self.include_all)]);
        if !self.include_all {
            for name in LOCK_FILES {
                h.write(name.as_bytes());
                h.write(b"\0");
            }
        }
        h.write(b"\x01");
        for glob in &self.excludes {
            h.write(glob.as_bytes());
            h.write(b"\0");
        }
        if let Some(scope) = &self.scope {
            scope.fingerprint(&mut h);
        }
        h.finish()
    }

    /// Whether `path` (from the repository root, `/`-separated) is left out, and why, given
    /// the attribute rules of the release's tree.
    #[must_use]
    pub fn excluded(&self, path: &str, attrs: &AttrRules) -> Option<Reason> {
        let name = path.rsplit('/').next().unwrap_or(path);
        if !self.include_all {
            if LOCK_FILES.contains(&name) {
                return Some(Reason::LockFile);
            }
            if let Some(reason) = attrs.excluded(path) {
                return Some(reason);
            }
        }
        if !self.name_globs.is_empty()
            && path
                .split('/')
                .any(|part| self.name_globs.iter().any(|g| g.is_match(part)))
        {
            return Some(Reason::Glob);
        }
        if !self.path_globs.is_empty()
            && prefixes(path).any(|p| self.path_globs.iter().any(|g| g.is_match(p)))
        {
            return Some(Reason::Glob);
        }
        None
    }

    /// Whether no path can ever be excluded (lets the caller skip building paths).
    #[must_use]
    pub fn excludes_nothing(&self) -> bool {
        self.include_all && self.excludes.is_empty()
    }
}

/// `a/b/c` → `a`, `a/b`, `a/b/c`.
pub(crate) fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/')
        .map(move |(i, _)| &path[..i])
        .chain(std::iter::once(path))
}

/// Compiles a glob the way git's wildmatch reads it with `WM_PATHNAME`: `*`, `?` and `[...]`
/// never match `/`; `**` between slashes (or at an end) crosses directories, elsewhere it is
/// `*`; braces are literal (git has no `{a,b}`).
pub(crate) fn build_glob(pattern: &str) -> std::result::Result<GlobMatcher, String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let bytes: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            '\\' if i + 1 < bytes.len() => {
                out.push(c);
                out.push(bytes[i + 1]);
                i += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // `[!` / `[^` and a leading `]` belong to the class.
                if i + 1 < bytes.len() && (bytes[i + 1] == '!' || bytes[i + 1] == '^') {
                    out.push('!');
                    i += 1;
                }
                if i + 1 < bytes.len() && bytes[i + 1] == ']' {
                    out.push(']');
                    i += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' | '}' if !in_class => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            '*' if !in_class && i + 1 < bytes.len() && bytes[i + 1] == '*' => {
                let mut j = i;
                while j < bytes.len() && bytes[j] == '*' {
                    j += 1;
                }
                let start_ok = i == 0 || bytes[i - 1] == '/';
                let end_ok = j == bytes.len() || bytes[j] == '/';
                out.push_str(if start_ok && end_ok { "**" } else { "*" });
                i = j;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    GlobBuilder::new(&out)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| e.to_string())
}

/// The state of one attribute for a path, as gitattributes(5) defines it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Set,
    Unset,
    Unspecified,
    Value(String),
}

/// One `attr`, `-attr`, `!attr` or `attr=value` on an attributes line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Assign {
    name: String,
    state: State,
}

/// How one line's pattern matches.
#[derive(Clone, Debug)]
enum Pattern {
    /// No `/` in the pattern: the file name, at any depth below the file's directory.
    Name(GlobMatcher),
    /// A `/` in the pattern: the path relative to the file's directory.
    Path(GlobMatcher),
}

#[derive(Clone, Debug)]
struct Line {
    pattern: Pattern,
    assigns: Vec<Assign>,
}

/// One parsed `.gitattributes` file.
#[derive(Clone, Debug)]
struct AttrFile {
    /// Its directory, from the root, with a trailing `/` (empty for the root).
    dir: String,
    lines: Vec<Line>,
}

/// The attribute rules of one tree: its `.gitattributes` files, root first, deeper later.
#[derive(Clone, Debug, Default)]
pub struct AttrRules {
    files: Vec<AttrFile>,
    macros: HashMap<String, Vec<Assign>>,
}

const GENERATED: &str = "linguist-generated";
const VENDORED: &str = "linguist-vendored";
const DIFF: &str = "diff";

impl AttrRules {
    /// Parses the `.gitattributes` files of one tree, each as (its directory from the root,
    /// `/`-separated without trailing slash, empty for the root; its contents). Lines git would
    /// ignore (negative patterns, bad patterns) are ignored; nothing here fails.
    #[must_use]
    pub fn parse(files: &[(String, Vec<u8>)]) -> Self {
        /// git's `ATTR_MAX_LINE_LENGTH`.
        const MAX_LINE_BYTES: usize = 2048;
        let mut macros: HashMap<String, Vec<Assign>> = HashMap::new();
        macros.insert(
            "binary".to_string(),
            ["-diff", "-merge", "-text"]
                .iter()
                .filter_map(|a| parse_assign(a))
                .collect(),
        );
        let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
        sorted.sort_by_key(|(dir, _)| {
            (
                dir.matches('/').count() + usize::from(!dir.is_empty()),
                dir.clone(),
            )
        });
        let mut out = Vec::new();
        for (dir, content) in sorted {
            let text = String::from_utf8_lossy(content);
            let is_root = dir.is_empty();
            let mut lines = Vec::new();
            for raw in text.split('\n') {
                // git ignores (with a warning) a line of 2048 bytes or more.
                if raw.len() >= MAX_LINE_BYTES {
                    continue;
                }
                let line = raw
                    .trim_start_matches([' ', '\t'])
                    .trim_end_matches(['\r', ' ', '\t']);
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let Some((pattern, rest)) = split_pattern(line) else {
                    continue;
                };
                let assigns: Vec<Assign> = rest
                    .split([' ', '\t'])
                    .filter(|s| !s.is_empty())
                    .filter_map(parse_assign)
                    .collect();
                if let Some(name) = pattern.strip_prefix("[attr]") {
                    // git honours macro definitions only at the top level.
                    if is_root && !name.is_empty() {
                        macros.insert(name.to_string(), assigns);
                    }
                    continue;
                }
                if let Some(p) = compile_attr_pattern(&pattern) {
                    lines.push(Line {
                        pattern: p,
                        assigns,
                    });
                }
            }
            if !lines.is_empty() {
                out.push(AttrFile {
                    dir: if is_root {
                        String::new()
                    } else {
                        format!("{dir}/")
                    },
                    lines,
                });
            }
        }
        Self { files: out, macros }
    }

    /// Whether git treats `path` as binary by its attributes (`-diff`, or the `binary`
    /// macro): it then counts the file but no lines, whatever the content.
    #[must_use]
    pub fn no_diff(&self, path: &str) -> bool {
        !self.files.is_empty() && matches!(self.states(path).get(DIFF), Some(State::Unset))
    }

    /// Whether the attributes leave `path` out, and why.
    #[must_use]
    pub fn excluded(&self, path: &str) -> Option<Reason> {
        if self.files.is_empty() {
            return None;
        }
        let known = self.states(path);
        let truthy = |s: Option<&&State>| match s {
            Some(State::Set) => true,
            Some(State::Value(v)) => v.eq_ignore_ascii_case("true"),
            _ => false,
        };
        if truthy(known.get(GENERATED)) {
            Some(Reason::Generated)
        } else if truthy(known.get(VENDORED)) {
            Some(Reason::Vendored)
        } else if matches!(known.get(DIFF), Some(State::Unset)) {
            Some(Reason::NoDiff)
        } else {
            None
        }
    }

    /// The states of the attributes git-cadence reads, for `path`.
    fn states(&self, path: &str) -> HashMap<&str, &State> {
        let mut known: HashMap<&str, &State> = HashMap::new();
        'files: for file in self.files.iter().rev() {
            let Some(rel) = path.strip_prefix(file.dir.as_str()) else {
                continue;
            };
            let name = rel.rsplit('/').next().unwrap_or(rel);
            for line in file.lines.iter().rev() {
                let hit = match &line.pattern {
                    Pattern::Name(g) => g.is_match(name),
                    Pattern::Path(g) => g.is_match(rel),
                };
                if hit {
                    self.fill(&line.assigns, &mut known, 0);
                    if [GENERATED, VENDORED, DIFF]
                        .iter()
                        .all(|a| known.contains_key(a))
                    {
                        break 'files;
                    }
                }
            }
        }
        known
    }

    /// git's `fill_one`: walk a line's assignments right to left; the first value seen for
    /// an attribute wins (lines are visited last to first); a macro set to true expands.
    fn fill<'a>(
        &'a self,
        assigns: &'a [Assign],
        known: &mut HashMap<&'a str, &'a State>,
        depth: u8,
    ) {
        for a in assigns.iter().rev() {
            if known.contains_key(a.name.as_str()) {
                continue;
            }
            known.insert(a.name.as_str(), &a.state);
            if a.state == State::Set && depth < 8 {
                if let Some(expansion) = self.macros.get(&a.name) {
                    self.fill(expansion, known, depth + 1);
                }
            }
        }
    }

    /// Whether the tree has any rule at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Splits a line into its pattern (unquoted) and the rest.
fn split_pattern(line: &str) -> Option<(String, &str)> {
    if let Some(quoted) = line.strip_prefix('"') {
        let mut out = Vec::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Some((String::from_utf8_lossy(&out).into_owned(), &quoted[i + 1..])),
                '\\' => {
                    let (_, e) = chars.next()?;
                    match e {
                        'n' => out.push(b'\n'),
                        't' => out.push(b'\t'),
                        '0'..='3' => {
                            let (_, d2) = chars.next()?;
                            let (_, d3) = chars.next()?;
                            let v = u8::from_str_radix(&format!("{e}{d2}{d3}"), 8).ok()?;
                            out.push(v);
                        }
                        other => {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
                other => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        return None;
    }
    let end = line.find([' ', '\t']).unwrap_or(line.len());
    Some((line[..end].to_string(), &line[end..]))
}

fn parse_assign(text: &str) -> Option<Assign> {
    let (name, state) = if let Some(n) = text.strip_prefix('-') {
        (n, State::Unset)
    } else if let Some(n) = text.strip_prefix('!') {
        (n, State::Unspecified)
    } else if let Some((n, v)) = text.split_once('=') {
        (n, State::Value(v.to_string()))
    } else {
        (text, State::Set)
    };
    // git: an attribute name is letters, digits, `-`, `_` and `.`, not starting with `-`.
    let valid = !name.is_empty()
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    valid.then(|| Assign {
        name: name.to_string(),
        state,
    })
}

/// Compiles an attributes pattern; `None` for lines git ignores or cannot match a file.
fn compile_attr_pattern(pattern: &str) -> Option<Pattern> {
    // Negative patterns are forbidden in attributes files (git ignores the line).
    if pattern.starts_with('!') || pattern.is_empty() {
        return None;
    }
    // A trailing slash matches directories only, and attributes apply to files: nothing.
    if pattern.ends_with('/') {
        return None;
    }
    if pattern.contains('/') {
        build_glob(pattern.trim_start_matches('/'))
            .ok()
            .map(Pattern::Path)
    } else {
        build_glob(pattern).ok().map(Pattern::Name)
    }
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust versions and runs (the cache key
/// and the cache file name depend on it).
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Fnv {
    #[must_use]
    pub fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    #[must_use]
    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reason::LockFile => "lock file",
            Reason::Generated => "linguist-generated",
            Reason::Vendored => "linguist-vendored",
            Reason::NoDiff => "-diff",
            Reason::Glob => "--exclude",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(excludes: &[&str], include_all: bool) -> SizeRules {
        let ex: Vec<String> = excludes.iter().map(ToString::to_string).collect();
        SizeRules::new(&ex, include_all).expect("valid globs")
    }

    fn attrs(files: &[(&str, &str)]) -> AttrRules {
        let owned: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(d, c)| ((*d).to_string(), c.as_bytes().to_vec()))
            .collect();
        AttrRules::parse(&owned)
    }

    #[test]
    fn lock_files_are_excluded_at_any_depth_by_default() {
        let r = rules(&[], false);
        let none = AttrRules::default();
        assert_eq!(r.excluded("Cargo.lock", &none), Some(Reason::LockFile));
        assert_eq!(
            r.excluded("web/app/yarn.lock", &none),
            Some(Reason::LockFile)
        );
        assert_eq!(r.excluded("go.sum", &none), Some(Reason::LockFile));
        assert_eq!(r.excluded("src/main.rs", &none), None);
        assert_eq!(r.excluded("Cargo.lock.bak", &none), None);
        assert_eq!(r.excluded("cargo.lock", &none), None);
        assert_eq!(LOCK_FILES.len(), 17);
        for name in LOCK_FILES {
            assert_eq!(
                r.excluded(&format!("x/{name}"), &none),
                Some(Reason::LockFile)
            );
        }
    }

    #[test]
    fn include_all_turns_defaults_off_but_keeps_globs() {
        let r = rules(&["*.min.js"], true);
        let a = attrs(&[("", "gen/** linguist-generated\n")]);
        assert_eq!(r.excluded("Cargo.lock", &a), None);
        assert_eq!(r.excluded("gen/x.rs", &a), None);
        assert_eq!(r.excluded("web/a.min.js", &a), Some(Reason::Glob));
        assert!(!r.excludes_nothing());
        assert!(rules(&[], true).excludes_nothing());
    }

    #[test]
    fn exclude_globs_without_slash_match_names_and_directories_at_any_depth() {
        let r = rules(&["*.pb.go", "vendor"], true);
        let none = AttrRules::default();
        assert_eq!(r.excluded("api/v1/x.pb.go", &none), Some(Reason::Glob));
        assert_eq!(r.excluded("x.pb.go", &none), Some(Reason::Glob));
        assert_eq!(r.excluded("vendor/a/b.c", &none), Some(Reason::Glob));
        assert_eq!(r.excluded("third/vendor/b.c", &none), Some(Reason::Glob));
        assert_eq!(r.excluded("vendored/b.c", &none), None);
        assert_eq!(r.excluded("api/x.go", &none), None);
    }

    #[test]
    fn exclude_globs_with_slash_match_from_the_root() {
        let r = rules(&["docs/api", "/site/*.html", "gen/**/*.rs"], true);
        let none = AttrRules::default();
        assert_eq!(r.excluded("docs/api/index.md", &none), Some(Reason::Glob));
        assert_eq!(r.excluded("x/docs/api/index.md", &none), None);
        assert_eq!(r.excluded("site/a.html", &none), Some(Reason::Glob));
        // `*` stops at `/`.
        assert_eq!(r.excluded("site/sub/a.html", &none), None);
        assert_eq!(r.excluded("gen/a.rs", &none), Some(Reason::Glob));
        assert_eq!(r.excluded("gen/a/b/c.rs", &none), Some(Reason::Glob));
        assert_eq!(r.excluded("src/gen/a.rs", &none), None);
    }

    #[test]
    fn bad_glob_is_an_error_naming_it() {
        let err = SizeRules::new(&["src/[".to_string()], false).expect_err("bad glob");
        match err {
            Error::BadPattern { pattern, .. } => assert_eq!(pattern, "src/["),
            other => panic!("unexpected {other:?}"),
        }
        assert!(SizeRules::new(&["/".to_string()], false).is_err());
    }

    #[test]
    fn describe_lists_the_rules_in_force() {
        let d = rules(&["*.snap"], false).describe();
        assert_eq!(d.len(), 3);
        assert!(d[0].contains("Cargo.lock") && d[0].contains("packages.lock.json"));
        assert!(d[1].contains("linguist-generated"));
        assert_eq!(d[2], "--exclude *.snap");
        assert_eq!(rules(&[], true).describe(), Vec::<String>::new());
    }

    #[test]
    fn fingerprint_changes_with_the_rules() {
        let a = rules(&[], false).fingerprint();
        assert_eq!(a, rules(&[], false).fingerprint());
        assert_ne!(a, rules(&[], true).fingerprint());
        assert_ne!(a, rules(&["x"], false).fingerprint());
        assert_ne!(
            rules(&["ab"], false).fingerprint(),
            rules(&["a", "b"], false).fingerprint()
        );
        // The cache keys of a stream bound to paths hold its paths.
        let scoped = |paths: &[&str]| {
            let owned: Vec<String> = paths.iter().map(ToString::to_string).collect();
            rules(&[], false)
                .within(PathScope::new("s", &owned).expect("paths"))
                .fingerprint()
        };
        assert_ne!(a, scoped(&["a/"]));
        assert_ne!(scoped(&["a/"]), scoped(&["b/"]));
        assert_eq!(scoped(&["a/"]), scoped(&["a/"]));
    }

    #[test]
    fn a_scope_decides_what_the_walk_enters_and_counts() {
        let r = rules(&[], true);
        assert!(r.enters("anything/") && r.covers("any/file") && !r.is_scoped());
        let r = r.within(PathScope::new("s", &["lib/".to_string()]).expect("paths"));
        assert!(r.is_scoped());
        assert!(r.enters("lib/") && !r.enters("cli/"));
        assert!(r.covers("lib/a.rs") && !r.covers("README.md"));
    }

    #[test]
    fn attribute_values_follow_gitattributes() {
        let a = attrs(&[(
            "",
            "# comment\n\
             *.gen.rs linguist-generated\n\
             *.g2 linguist-generated=true\n\
             *.g3 linguist-generated=false\n\
             *.g4 -linguist-generated\n\
             third_party/** linguist-vendored\n\
             *.svg -diff\n\
             *.dat binary\n\
             *.txt diff\n",
        )]);
        assert_eq!(a.excluded("a/b.gen.rs"), Some(Reason::Generated));
        assert_eq!(a.excluded("b.g2"), Some(Reason::Generated));
        assert_eq!(a.excluded("b.g3"), None);
        assert_eq!(a.excluded("b.g4"), None);
        assert_eq!(a.excluded("third_party/x/y.c"), Some(Reason::Vendored));
        assert_eq!(a.excluded("src/third_party/y.c"), None);
        assert_eq!(a.excluded("icons/a.svg"), Some(Reason::NoDiff));
        assert_eq!(a.excluded("x.dat"), Some(Reason::NoDiff));
        assert_eq!(a.excluded("x.txt"), None);
    }

    #[test]
    fn later_lines_and_deeper_files_override() {
        let a = attrs(&[
            ("", "*.js linguist-generated\nkeep.js -linguist-generated\n"),
            ("web", "*.js -linguist-generated\n"),
            ("web/dist", "*.js linguist-generated=true\n"),
        ]);
        assert_eq!(a.excluded("a.js"), Some(Reason::Generated));
        assert_eq!(a.excluded("lib/keep.js"), None);
        assert_eq!(a.excluded("web/a.js"), None);
        assert_eq!(a.excluded("web/dist/a.js"), Some(Reason::Generated));
        assert_eq!(a.excluded("web/dist/sub/a.js"), Some(Reason::Generated));
        // Order of the input does not matter: deeper files always win.
        let b = attrs(&[
            ("web/dist", "*.js linguist-generated=true\n"),
            ("", "*.js linguist-generated\n"),
            ("web", "*.js -linguist-generated\n"),
        ]);
        assert_eq!(b.excluded("web/a.js"), None);
        assert_eq!(b.excluded("web/dist/a.js"), Some(Reason::Generated));
    }

    #[test]
    fn patterns_are_relative_to_their_file() {
        let a = attrs(&[
            (
                "pkg",
                "gen/*.go linguist-generated\n/top.go linguist-generated\n",
            ),
            ("", "**/fixtures/** linguist-vendored\ndocs/*.html -diff\n"),
        ]);
        assert_eq!(a.excluded("pkg/gen/a.go"), Some(Reason::Generated));
        assert_eq!(a.excluded("pkg/x/gen/a.go"), None);
        assert_eq!(a.excluded("gen/a.go"), None);
        assert_eq!(a.excluded("pkg/top.go"), Some(Reason::Generated));
        assert_eq!(a.excluded("pkg/x/top.go"), None);
        assert_eq!(a.excluded("fixtures/a"), Some(Reason::Vendored));
        assert_eq!(a.excluded("a/b/fixtures/c/d"), Some(Reason::Vendored));
        assert_eq!(a.excluded("docs/a.html"), Some(Reason::NoDiff));
        assert_eq!(a.excluded("docs/x/a.html"), None);
    }

    #[test]
    fn lines_git_ignores_are_ignored() {
        let a = attrs(&[(
            "",
            "!*.rs linguist-generated\nvendor/ linguist-vendored\n\"a b.txt\" -diff\n  \t\n[attr]gen linguist-generated\n*.pb gen\nodd** -diff\n",
        )]);
        assert_eq!(a.excluded("x.rs"), None);
        assert_eq!(a.excluded("vendor/x.rs"), None);
        assert_eq!(a.excluded("a b.txt"), Some(Reason::NoDiff));
        assert_eq!(a.excluded("api.pb"), Some(Reason::Generated));
        // `**` inside a name is `*`.
        assert_eq!(a.excluded("oddity"), Some(Reason::NoDiff));
        // Macros count only in the root file.
        let b = attrs(&[("sub", "[attr]gen linguist-generated\n*.pb gen\n")]);
        assert_eq!(b.excluded("sub/api.pb"), None);
    }

    #[test]
    fn macros_expand_like_git() {
        // Right to left within a line: `binary diff` leaves diff set, `diff binary` unsets it.
        let a = attrs(&[(
            "",
            "*.a binary diff\n*.b diff binary\n*.c binary\n*.c -binary\n",
        )]);
        assert_eq!(a.excluded("x.a"), None);
        assert_eq!(a.excluded("x.b"), Some(Reason::NoDiff));
        // Unsetting the macro later does not expand it, and masks the earlier expansion.
        assert_eq!(a.excluded("x.c"), None);
    }

    #[test]
    fn braces_are_literal_like_git() {
        let a = attrs(&[("", "{a,b}.js linguist-generated\n")]);
        assert_eq!(a.excluded("a.js"), None);
        assert_eq!(a.excluded("{a,b}.js"), Some(Reason::Generated));
    }

    // Reported: `.gitattributes` lines over 2048 bytes were applied where git ignores them.
    #[test]
    fn attribute_lines_of_2048_bytes_or_more_are_ignored_as_git_does() {
        let pad = |n: usize| format!("*.gen{} linguist-generated", " ".repeat(n));
        let short = pad(2047 - "*.gen linguist-generated".len());
        assert_eq!(short.len(), 2047);
        let a = attrs(&[("", &format!("{short}\n"))]);
        assert_eq!(a.excluded("x.gen"), Some(Reason::Generated));
        let long = pad(2048 - "*.gen linguist-generated".len());
        let a = attrs(&[("", &format!("{long}\n*.dat -diff\n"))]);
        assert_eq!(a.excluded("x.gen"), None);
        assert_eq!(a.excluded("x.dat"), Some(Reason::NoDiff));
        assert!(a.no_diff("x.dat"));
    }
}
