//! The size cache: measured diffs keyed by (old, new, rules commit, rules fingerprint), so a
//! warm run does not diff at all.
//!
//! It lives outside the user's repository (git-cadence never writes there):
//! `$XDG_CACHE_HOME/git-cadence/` (else `$HOME/.cache/git-cadence/`), one file per repository
//! named by a hash of its canonical git directory. The key holds the commit whose
//! `.gitattributes` were read, not the rules read from it: a commit id fixes its tree and so
//! its attributes, and a change in how git-cadence reads them bumps [`FORMAT_VERSION`].
//! The cache is only a cache: a corrupt or foreign file is ignored (and rewritten), an
//! unwritable directory is skipped silently, writes are atomic (temporary file + rename).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::exclude::Fnv;
use crate::facts::{CommitId, DiffStats};

/// Bumped whenever the meaning of a stored entry changes (diff rules, attribute reading,
/// layout).
pub const FORMAT_VERSION: u32 = 1;

const MAGIC: &[u8; 16] = b"git-cadence-diff";

/// What one measured diff is stored under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub old: Option<CommitId>,
    pub new: CommitId,
    pub rules_from: CommitId,
    /// [`crate::exclude::SizeRules::fingerprint`].
    pub rules: u64,
}

/// A blob the object database lacked while measuring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingBlob {
    /// The blob's id (20 bytes, like a commit id).
    pub blob: CommitId,
    pub path: String,
    /// The commit whose tree holds it.
    pub commit: CommitId,
}

/// One measured diff and the blobs it could not read.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Entry {
    pub stats: DiffStats,
    pub missing: Vec<MissingBlob>,
}

/// The cache of one repository, in memory.
#[derive(Debug, Default)]
pub struct Cache {
    path: PathBuf,
    entries: HashMap<Key, Entry>,
    dirty: bool,
}

/// Where the cache of the repository at `git_dir` lives by default, or `None` when no cache
/// directory can be found (no `XDG_CACHE_HOME`, `HOME` or `LOCALAPPDATA`).
#[must_use]
pub fn default_cache_path(git_dir: &Path) -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).map(PathBuf::from);
    cache_path_in(
        var("XDG_CACHE_HOME"),
        var("HOME"),
        var("LOCALAPPDATA"),
        git_dir,
    )
}

/// [`default_cache_path`] given the environment: the XDG base directory spec's order (a
/// relative value is ignored), then `LOCALAPPDATA` for Windows.
fn cache_path_in(
    xdg: Option<PathBuf>,
    home: Option<PathBuf>,
    local_app_data: Option<PathBuf>,
    git_dir: &Path,
) -> Option<PathBuf> {
    let base = xdg
        .filter(|p| p.is_absolute())
        .or_else(|| home.filter(|p| p.is_absolute()).map(|h| h.join(".cache")))
        .or_else(|| local_app_data.filter(|p| p.is_absolute()))?;
    let canonical = git_dir
        .canonicalize()
        .unwrap_or_else(|_| git_dir.to_path_buf());
    let mut h = Fnv::new();
    h.write(canonical.to_string_lossy().as_bytes());
    // A readable stem, so that people can tell the files apart: the repository's name.
    let stem: String = canonical
        .components()
        .rev()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .find(|c| c != ".git")
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect();
    Some(
        base.join("git-cadence")
            .join(format!("{stem}-{:016x}.diffcache", h.finish())),
    )
}

impl Cache {
    /// Reads the cache file at `path`; a missing, corrupt or foreign-version file gives an
    /// empty cache (which the next [`Cache::save`] replaces).
    #[must_use]
    pub fn load(path: &Path) -> Self {
        let entries = std::fs::read(path)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_default();
        Self {
            path: path.to_path_buf(),
            entries,
            dirty: false,
        }
    }

    #[must_use]
    pub fn get(&self, key: &Key) -> Option<&Entry> {
        self.entries.get(key)
    }

    pub fn insert(&mut self, key: Key, entry: Entry) {
        self.entries.insert(key, entry);
        self.dirty = true;
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes the cache if anything was added, atomically; failures are ignored (it is only
    /// a cache). Returns whether the file was written.
    pub fn save(&mut self) -> bool {
        if !self.dirty {
            return false;
        }
        let ok = self.try_save().is_ok();
        if ok {
            self.dirty = false;
        }
        ok
    }

    fn try_save(&self) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let bytes = encode(&self.entries);
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

fn encode(entries: &HashMap<Key, Entry>) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + entries.len() * 120);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    // Sorted, so that the same cache always gives the same bytes.
    let mut keys: Vec<&Key> = entries.keys().collect();
    keys.sort_by_key(|k| (k.new, k.old, k.rules_from, k.rules));
    for key in keys {
        let e = &entries[key];
        out.push(u8::from(key.old.is_some()));
        out.extend_from_slice(&key.old.unwrap_or_default().0);
        out.extend_from_slice(&key.new.0);
        out.extend_from_slice(&key.rules_from.0);
        out.extend_from_slice(&key.rules.to_le_bytes());
        let s = e.stats;
        for n in [
            s.files_changed,
            s.lines_added,
            s.lines_deleted,
            s.excluded_files,
            s.excluded_lines,
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&(e.missing.len() as u32).to_le_bytes());
        for m in &e.missing {
            out.extend_from_slice(&m.blob.0);
            out.extend_from_slice(&m.commit.0);
            out.extend_from_slice(&(m.path.len() as u32).to_le_bytes());
            out.extend_from_slice(m.path.as_bytes());
        }
    }
    let mut h = Fnv::new();
    h.write(&out);
    out.extend_from_slice(&h.finish().to_le_bytes());
    out
}

/// A cursor over the cache bytes; every read is bounds-checked.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Some(head)
    }
    fn id(&mut self) -> Option<CommitId> {
        Some(CommitId(self.take(20)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

fn decode(bytes: &[u8]) -> Option<HashMap<Key, Entry>> {
    let (body, sum) = bytes.split_at(bytes.len().checked_sub(8)?);
    let mut h = Fnv::new();
    h.write(body);
    if h.finish().to_le_bytes() != sum {
        return None;
    }
    let mut r = Reader { bytes: body };
    if r.take(MAGIC.len())? != MAGIC || r.u32()? != FORMAT_VERSION {
        return None;
    }
    let count = r.u64()?;
    let mut entries = HashMap::with_capacity(usize::try_from(count).ok()?.min(1 << 24));
    for _ in 0..count {
        let has_old = r.take(1)?[0] == 1;
        let old = r.id()?;
        let key = Key {
            old: has_old.then_some(old),
            new: r.id()?,
            rules_from: r.id()?,
            rules: r.u64()?,
        };
        let stats = DiffStats {
            files_changed: r.u64()?,
            lines_added: r.u64()?,
            lines_deleted: r.u64()?,
            excluded_files: r.u64()?,
            excluded_lines: r.u64()?,
        };
        let n = r.u32()?;
        let mut missing = Vec::new();
        for _ in 0..n {
            let blob = r.id()?;
            let commit = r.id()?;
            let len = r.u32()? as usize;
            let path = String::from_utf8(r.take(len)?.to_vec()).ok()?;
            missing.push(MissingBlob { blob, path, commit });
        }
        entries.insert(key, Entry { stats, missing });
    }
    r.bytes.is_empty().then_some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> CommitId {
        CommitId([n; 20])
    }

    fn sample() -> (Key, Entry) {
        (
            Key {
                old: Some(id(1)),
                new: id(2),
                rules_from: id(2),
                rules: 42,
            },
            Entry {
                stats: DiffStats {
                    files_changed: 3,
                    lines_added: 10,
                    lines_deleted: 4,
                    excluded_files: 1,
                    excluded_lines: 7,
                },
                missing: vec![MissingBlob {
                    blob: id(9),
                    path: "assets/big.bin".into(),
                    commit: id(2),
                }],
            },
        )
    }

    #[test]
    fn entries_survive_a_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/dir/repo.diffcache");
        let mut c = Cache::load(&path);
        assert!(c.is_empty());
        let (k, e) = sample();
        c.insert(k, e.clone());
        let root = Key { old: None, ..k };
        c.insert(root, Entry::default());
        assert!(c.save());
        assert!(!c.save(), "nothing new: no write");
        let back = Cache::load(&path);
        assert_eq!(back.len(), 2);
        assert_eq!(back.get(&k), Some(&e));
        assert_eq!(back.get(&root), Some(&Entry::default()));
        assert_eq!(back.get(&Key { rules: 43, ..k }), None);
    }

    #[test]
    fn corrupt_or_foreign_files_are_ignored_and_rewritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("repo.diffcache");
        let (k, e) = sample();
        let mut c = Cache::load(&path);
        c.insert(k, e.clone());
        assert!(c.save());
        let good = std::fs::read(&path).expect("written");
        // Truncated, flipped and foreign-version files all read as empty.
        for bad in [
            good[..good.len() - 3].to_vec(),
            {
                let mut b = good.clone();
                b[40] ^= 0xff;
                b
            },
            {
                let mut b = good.clone();
                b[16] = 99;
                b
            },
            b"garbage".to_vec(),
            Vec::new(),
        ] {
            std::fs::write(&path, &bad).expect("write");
            let mut c = Cache::load(&path);
            assert!(c.is_empty());
            c.insert(k, e.clone());
            assert!(c.save());
            assert_eq!(Cache::load(&path).get(&k), Some(&e));
        }
    }

    #[test]
    fn an_unwritable_directory_is_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").expect("write");
        // A path below a regular file cannot be created.
        let mut c = Cache::load(&blocker.join("repo.diffcache"));
        let (k, e) = sample();
        c.insert(k, e);
        assert!(!c.save());
    }

    #[test]
    fn default_path_follows_xdg_then_home_and_is_per_repository() {
        let one = Path::new("/srv/one/.git");
        let two = Path::new("/srv/two.git");
        let xdg = Some(PathBuf::from("/xdg"));
        let home = Some(PathBuf::from("/home/u"));
        let a = cache_path_in(xdg.clone(), home.clone(), None, one).expect("path");
        assert!(a.starts_with("/xdg/git-cadence"), "{a:?}");
        assert!(a
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("one-")));
        let b = cache_path_in(xdg, home.clone(), None, two).expect("path");
        assert_ne!(a, b);
        assert!(b
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("two.git-")));
        let h = cache_path_in(Some(PathBuf::from("relative")), home, None, one).expect("path");
        assert!(h.starts_with("/home/u/.cache/git-cadence"), "{h:?}");
        assert_eq!(cache_path_in(None, None, None, one), None);
        assert!(cache_path_in(None, None, Some(PathBuf::from("/lad")), one).is_some());
    }
}
