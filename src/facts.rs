//! Plain, owned facts read from a repository: what `git` layer hands to `analysis`.
//!
//! Nothing here knows about git2; every type is `Send` and cheap to test with hand-built values.

use std::collections::HashMap;
use std::fmt;

/// A 20-byte object id (SHA-1), printed as 40 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct CommitId(pub [u8; 20]);

impl CommitId {
    /// Parses 40 hex digits.
    #[must_use]
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 40 {
            return None;
        }
        let mut out = [0u8; 20];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self(out))
    }

    /// The full 40-digit lowercase hex form.
    #[must_use]
    pub fn to_hex(&self) -> String {
        use fmt::Write;
        let mut s = String::with_capacity(40);
        for b in self.0 {
            let _ = write!(s, "{b:02x}");
        }
        s
    }

    /// Whether `prefix` (lowercase or uppercase hex, any length) is a prefix of this id.
    #[must_use]
    pub fn starts_with_hex(&self, prefix: &str) -> bool {
        let full = self.to_hex();
        prefix.len() <= 40 && full.starts_with(&prefix.to_ascii_lowercase())
    }

    /// The customary 7-digit short form, for people.
    #[must_use]
    pub fn short(&self) -> String {
        self.to_hex()[..7].to_string()
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommitId({})", self.short())
    }
}

impl serde::Serialize for CommitId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

/// In JSON a commit id is its 40 lowercase hex digits.
impl schemars::JsonSchema for CommitId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CommitId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9a-f]{40}$",
            "description": "A full commit id: 40 lowercase hex digits."
        })
    }
}

/// Index of a commit in [`History::commits`].
pub type CommitIdx = u32;

/// One commit, as analysis needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitFacts {
    pub id: CommitId,
    /// Parents in order (first parent first), as indices into [`History::commits`].
    pub parents: Vec<CommitIdx>,
    pub author_name: String,
    pub author_email: String,
    /// Author time, seconds since the Unix epoch.
    pub author_time: i64,
    /// Committer time, seconds since the Unix epoch.
    pub committer_time: i64,
    /// The whole message (subject, blank line, body, trailers).
    pub message: String,
}

impl CommitFacts {
    /// The first line of the message.
    #[must_use]
    pub fn subject(&self) -> &str {
        self.message.lines().next().unwrap_or("").trim_end()
    }

    /// A merge has two or more parents.
    #[must_use]
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }
}

/// The commit graph: every commit reachable from the tips that were asked for.
///
/// `commits` is in an order where every commit comes before its parents (children first),
/// which lets analysis propagate facts over the graph in one pass.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub commits: Vec<CommitFacts>,
    pub index: HashMap<CommitId, CommitIdx>,
}

impl History {
    /// Builds the index from a children-first list of commits.
    #[must_use]
    pub fn new(commits: Vec<CommitFacts>) -> Self {
        let index = commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i as CommitIdx))
            .collect();
        Self { commits, index }
    }

    /// The commit with this id, if it is in the history.
    #[must_use]
    pub fn get(&self, id: &CommitId) -> Option<&CommitFacts> {
        self.index.get(id).map(|&i| &self.commits[i as usize])
    }

    /// Index of the commit with this id.
    #[must_use]
    pub fn idx(&self, id: &CommitId) -> Option<CommitIdx> {
        self.index.get(id).copied()
    }
}

/// A tag that points (maybe through a chain of annotated tags) at a commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFacts {
    /// The tag's short name, e.g. `v1.4.3` (without `refs/tags/`).
    pub name: String,
    /// The commit it finally points at.
    pub commit: CommitId,
    /// Tagger time of the outermost annotated tag that has a tagger line; `None` for a
    /// lightweight tag or an annotated tag without tagger.
    pub tagger_time: Option<i64>,
    /// Committer time of the tagged commit.
    pub commit_time: i64,
}

impl TagFacts {
    /// Release time as PRODUCT.md defines it: tagger time, else the commit's committer time.
    #[must_use]
    pub fn time(&self) -> i64 {
        self.tagger_time.unwrap_or(self.commit_time)
    }
}

/// Line and file counts of one diff, as `git diff --shortstat --no-renames` prints them, plus
/// what was left out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DiffStats {
    pub files_changed: u64,
    pub lines_added: u64,
    pub lines_deleted: u64,
    /// Files left out of the counts by the exclusion rules.
    pub excluded_files: u64,
    /// Lines (added + deleted) in the files that were left out.
    pub excluded_lines: u64,
}

impl DiffStats {
    /// `lines_added + lines_deleted`.
    #[must_use]
    pub fn lines_changed(&self) -> u64 {
        self.lines_added + self.lines_deleted
    }

    /// Whether the diff changed any path at all, counted or left out (a mode-only change
    /// counts; an empty diff does not).
    #[must_use]
    pub fn touches_anything(&self) -> bool {
        self.files_changed + self.excluded_files > 0
    }
}

impl std::ops::AddAssign for DiffStats {
    fn add_assign(&mut self, o: Self) {
        self.files_changed += o.files_changed;
        self.lines_added += o.lines_added;
        self.lines_deleted += o.lines_deleted;
        self.excluded_files += o.excluded_files;
        self.excluded_lines += o.excluded_lines;
    }
}

/// A problem that did not stop the run, for stderr and the JSON `warnings` list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Warning(pub String);

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a non-merge commit changed against its first parent, reduced to two digests: of the
/// set of `(path, old blob, new blob, old mode, new mode)` changes, and of the same set with
/// old and new swapped. A commit whose `forward` equals another's `inverse` undid it exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeDigest {
    pub commit: CommitId,
    pub forward: [u8; 20],
    pub inverse: [u8; 20],
    /// Every change deletes a path (nothing added or modified).
    pub deletes_only: bool,
}

/// One package a workspace manifest declares (a Cargo workspace member, an npm workspace).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspacePackage {
    /// The package's name (`[package] name`, or `name` in `package.json`).
    pub name: String,
    /// Its directory from the root, with a trailing `/`.
    pub dir: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_touches_paths_when_it_changes_or_leaves_out_a_file() {
        assert!(!DiffStats::default().touches_anything());
        // A mode-only change: a file, no lines.
        let mode_only = DiffStats {
            files_changed: 1,
            ..DiffStats::default()
        };
        assert!(mode_only.touches_anything());
        // Only a lock file of the stream changed: left out of the size, but the commit
        // still touched the stream's paths.
        let lock_only = DiffStats {
            excluded_files: 1,
            excluded_lines: 3,
            ..DiffStats::default()
        };
        assert!(lock_only.touches_anything());
    }
}
