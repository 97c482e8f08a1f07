//! The caches of a repository: measured diffs keyed by (old, new, rules commit, rules
//! fingerprint), so a warm run does not diff at all, and the change digests of commits keyed
//! by commit id (a commit fixes its tree and its first parent's), so a warm run does not walk
//! trees to find inverse commits.
//!
//! It lives outside the user's repository (git-cadence never writes there):
//! `$XDG_CACHE_HOME/git-cadence/` (else `$HOME/.cache/git-cadence/`), one file per repository
//! and kind named by a hash of its canonical git directory (`.diffcache`, `.digestcache`). The key holds the commit whose
//! `.gitattributes` were read, not the rules read from it: a commit id fixes its tree and so
//! its attributes, and a change in how git-cadence reads them bumps [`FORMAT_VERSION`].
//! Both files share one layout ([`Store`]): a 16-byte magic naming the kind, a format
//! version, the entry count, the entries sorted by key, and an FNV-1a checksum of it all.
//! The cache is only a cache: a corrupt or foreign file is ignored (and rewritten), an
//! unwritable directory is skipped silently, writes are atomic (temporary file + rename).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::exclude::Fnv;
use crate::facts::{ChangeDigest, CommitId, DiffStats};

/// Bumped whenever the meaning of a stored diff entry changes (diff rules, attribute reading,
/// layout).
pub const FORMAT_VERSION: u32 = 1;

/// Bumped whenever the meaning of a stored change digest changes (what
/// [`crate::git::inverse`] hashes, layout).
pub const DIGEST_FORMAT_VERSION: u32 = 1;

/// What one kind of cache file holds and how its entries are written: the key and value
/// types, the magic and version of its header, and the encoding of one entry.
pub trait Format {
    type Key: Copy + Eq + std::hash::Hash + Ord + std::fmt::Debug;
    type Value: std::fmt::Debug;
    const MAGIC: &'static [u8; 16];
    const VERSION: u32;
    /// Bytes per entry, to size the output buffer.
    const SIZE_HINT: usize;
    fn encode(key: &Self::Key, value: &Self::Value, out: &mut Vec<u8>);
    /// One entry, or `None` when the bytes do not hold one (a corrupt file).
    fn decode(r: &mut Reader<'_>) -> Option<(Self::Key, Self::Value)>;
}

/// A cache file of one [`Format`], in memory.
#[derive(Debug)]
pub struct Store<F: Format> {
    path: PathBuf,
    entries: HashMap<F::Key, F::Value>,
    dirty: bool,
}

/// The size cache: measured diffs.
pub type Cache = Store<Diffs>;

/// The digest cache: each commit's change digest against its first parent, `None` for a
/// commit that changes nothing.
pub type DigestCache = Store<Digests>;

/// The [`Format`] of the size cache.
#[derive(Debug)]
pub enum Diffs {}

/// The [`Format`] of the digest cache.
#[derive(Debug)]
pub enum Digests {}

/// What one measured diff is stored under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub old: Option<CommitId>,
    pub new: CommitId,
    pub rules_from: CommitId,
    /// [`crate::exclude::SizeRules::fingerprint`].
    pub rules: u64,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.new, self.old, self.rules_from, self.rules).cmp(&(
            other.new,
            other.old,
            other.rules_from,
            other.rules,
        ))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
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

/// The digest cache beside the size cache at `diff_cache` (from [`default_cache_path`]): the
/// same directory and name, extension `.digestcache`.
#[must_use]
pub fn digest_cache_path(diff_cache: &Path) -> PathBuf {
    diff_cache.with_extension("digestcache")
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

impl<F: Format> Store<F> {
    /// Reads the cache file at `path`; a missing, corrupt or foreign-version file gives an
    /// empty cache (which the next [`Store::save`] replaces).
    #[must_use]
    pub fn load(path: &Path) -> Self {
        let entries = std::fs::read(path)
            .ok()
            .and_then(|bytes| decode::<F>(&bytes))
            .unwrap_or_default();
        Self {
            path: path.to_path_buf(),
            entries,
            dirty: false,
        }
    }

    #[must_use]
    pub fn get(&self, key: &F::Key) -> Option<&F::Value> {
        self.entries.get(key)
    }

    pub fn insert(&mut self, key: F::Key, value: F::Value) {
        self.entries.insert(key, value);
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
        let bytes = encode::<F>(&self.entries);
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

fn encode<F: Format>(entries: &HashMap<F::Key, F::Value>) -> Vec<u8> {
    let mut out = Vec::with_capacity(36 + entries.len() * F::SIZE_HINT);
    out.extend_from_slice(F::MAGIC);
    out.extend_from_slice(&F::VERSION.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    // Sorted, so that the same cache always gives the same bytes.
    let mut keys: Vec<&F::Key> = entries.keys().collect();
    keys.sort_unstable();
    for key in keys {
        F::encode(key, &entries[key], &mut out);
    }
    let mut h = Fnv::new();
    h.write(&out);
    out.extend_from_slice(&h.finish().to_le_bytes());
    out
}

/// A cursor over the cache bytes; every read is bounds-checked.
pub struct Reader<'a> {
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
    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn hash(&mut self) -> Option<[u8; 20]> {
        self.take(20)?.try_into().ok()
    }
    fn id(&mut self) -> Option<CommitId> {
        Some(CommitId(self.hash()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

fn decode<F: Format>(bytes: &[u8]) -> Option<HashMap<F::Key, F::Value>> {
    let (body, sum) = bytes.split_at(bytes.len().checked_sub(8)?);
    let mut h = Fnv::new();
    h.write(body);
    if h.finish().to_le_bytes() != sum {
        return None;
    }
    let mut r = Reader { bytes: body };
    if r.take(F::MAGIC.len())? != F::MAGIC || r.u32()? != F::VERSION {
        return None;
    }
    let count = r.u64()?;
    let mut entries = HashMap::with_capacity(usize::try_from(count).ok()?.min(1 << 24));
    for _ in 0..count {
        let (key, value) = F::decode(&mut r)?;
        entries.insert(key, value);
    }
    r.bytes.is_empty().then_some(entries)
}

impl Format for Diffs {
    type Key = Key;
    type Value = Entry;
    const MAGIC: &'static [u8; 16] = b"git-cadence-diff";
    const VERSION: u32 = FORMAT_VERSION;
    const SIZE_HINT: usize = 120;

    fn encode(key: &Key, e: &Entry, out: &mut Vec<u8>) {
        out.push(u8::from(key.old.is_some()));
        out.extend_from_slice(&key.old.unwrap_or_default().0);
        out.extend_from_slice(&key.new.0);
        out.extend_from_slice(&key.rules_from.0);
        out.extend_from_slice(&key.rules.to_le_bytes());
        encode_entry(e, out);
    }

    fn decode(r: &mut Reader<'_>) -> Option<(Key, Entry)> {
        let has_old = r.byte()? == 1;
        let old = r.id()?;
        let key = Key {
            old: has_old.then_some(old),
            new: r.id()?,
            rules_from: r.id()?,
            rules: r.u64()?,
        };
        Some((key, decode_entry(r)?))
    }
}

/// One measured diff's stats and missing blobs.
fn encode_entry(e: &Entry, out: &mut Vec<u8>) {
    {
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
}

fn decode_entry(r: &mut Reader<'_>) -> Option<Entry> {
    {
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
        Some(Entry { stats, missing })
    }
}

/// Bumped whenever the meaning of a stored batch changes.
pub const BATCH_FORMAT_VERSION: u32 = 1;

/// How many batches the batch cache keeps (the newest): a few branches pushed in turn.
pub const BATCHES_KEPT: usize = 16;

/// The batch cache: the unreleased batch of the tips `check` and the hook measured lately,
/// so that the next run walks only commits new since then and, for the same tip, measures
/// nothing.
pub type BatchCache = Store<Batches>;

/// The [`Format`] of the batch cache.
#[derive(Debug)]
pub enum Batches {}

/// What one batch is stored under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BatchKey {
    pub tip: CommitId,
    /// A hash of the release points (commits, in release order): other releases, other batch.
    pub releases: u64,
    /// A hash of the size rules and the `--since`/`--until` window.
    pub settings: u64,
}

/// One stored batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchEntry {
    /// Stored by the run with this number (one more than the file's highest), to keep the
    /// newest [`BATCHES_KEPT`].
    pub seq: u64,
    /// Every unreleased commit.
    pub commits: Vec<crate::git::unreleased::BatchCommit>,
    /// The size from the base to the tip; `None` when there is no release.
    pub size: Option<Entry>,
    /// Past release sizes read from the size cache, with the size cache file's length and
    /// modification time (nanoseconds) when they were read: valid while those are the same.
    pub past: Option<(u64, u64, Vec<u64>)>,
}

/// The batch cache beside the size cache at `diff_cache`: extension `.batchcache`.
#[must_use]
pub fn batch_cache_path(diff_cache: &Path) -> PathBuf {
    diff_cache.with_extension("batchcache")
}

impl Store<Batches> {
    /// Stores `entry` as the newest, and forgets all but the newest [`BATCHES_KEPT`].
    pub fn insert_newest(&mut self, key: BatchKey, mut entry: BatchEntry) {
        entry.seq = self.entries.values().map(|e| e.seq + 1).max().unwrap_or(0);
        self.insert(key, entry);
        while self.entries.len() > BATCHES_KEPT {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.seq)
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                self.entries.remove(&k);
            }
        }
    }

    /// The stored batches with these releases and settings, newest first.
    #[must_use]
    pub fn candidates(&self, releases: u64, settings: u64) -> Vec<(BatchKey, &BatchEntry)> {
        let mut out: Vec<(BatchKey, &BatchEntry)> = self
            .entries
            .iter()
            .filter(|(k, _)| k.releases == releases && k.settings == settings)
            .map(|(k, e)| (*k, e))
            .collect();
        out.sort_by_key(|(_, e)| std::cmp::Reverse(e.seq));
        out
    }
}

impl Format for Batches {
    type Key = BatchKey;
    type Value = BatchEntry;
    const MAGIC: &'static [u8; 16] = b"git-cadence-btch";
    const VERSION: u32 = BATCH_FORMAT_VERSION;
    const SIZE_HINT: usize = 4096;

    fn encode(key: &BatchKey, e: &BatchEntry, out: &mut Vec<u8>) {
        out.extend_from_slice(&key.tip.0);
        out.extend_from_slice(&key.releases.to_le_bytes());
        out.extend_from_slice(&key.settings.to_le_bytes());
        out.extend_from_slice(&e.seq.to_le_bytes());
        out.extend_from_slice(&(e.commits.len() as u32).to_le_bytes());
        for c in &e.commits {
            out.extend_from_slice(&c.id.0);
            out.extend_from_slice(&c.author_time.to_le_bytes());
            out.push(c.parents.len().min(255) as u8);
            for p in c.parents.iter().take(255) {
                out.extend_from_slice(&p.0);
            }
        }
        out.push(u8::from(e.size.is_some()));
        if let Some(size) = &e.size {
            encode_entry(size, out);
        }
        out.push(u8::from(e.past.is_some()));
        if let Some((len, mtime, sizes)) = &e.past {
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&mtime.to_le_bytes());
            out.extend_from_slice(&(sizes.len() as u32).to_le_bytes());
            for s in sizes {
                out.extend_from_slice(&s.to_le_bytes());
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Option<(BatchKey, BatchEntry)> {
        let key = BatchKey {
            tip: r.id()?,
            releases: r.u64()?,
            settings: r.u64()?,
        };
        let seq = r.u64()?;
        let n = r.u32()?;
        let mut commits = Vec::new();
        for _ in 0..n {
            let id = r.id()?;
            let author_time = r.u64()? as i64;
            let parents = (0..r.byte()?).map(|_| r.id()).collect::<Option<Vec<_>>>()?;
            commits.push(crate::git::unreleased::BatchCommit {
                id,
                parents,
                author_time,
            });
        }
        let size = match r.byte()? {
            0 => None,
            1 => Some(decode_entry(r)?),
            _ => return None,
        };
        let past = match r.byte()? {
            0 => None,
            1 => {
                let (len, mtime) = (r.u64()?, r.u64()?);
                let n = r.u32()?;
                Some((
                    len,
                    mtime,
                    (0..n).map(|_| r.u64()).collect::<Option<Vec<_>>>()?,
                ))
            }
            _ => return None,
        };
        Some((
            key,
            BatchEntry {
                seq,
                commits,
                size,
                past,
            },
        ))
    }
}

/// One digest entry: the commit id, then a tag byte — 0: the commit changes nothing (no
/// digest); 1: a digest; 2: a digest whose changes all delete — and for 1 and 2 the forward
/// and inverse digests (20 bytes each). 61 bytes per commit that changes something.
impl Format for Digests {
    type Key = CommitId;
    type Value = Option<ChangeDigest>;
    const MAGIC: &'static [u8; 16] = b"git-cadence-dgst";
    const VERSION: u32 = DIGEST_FORMAT_VERSION;
    const SIZE_HINT: usize = 61;

    fn encode(key: &CommitId, value: &Option<ChangeDigest>, out: &mut Vec<u8>) {
        out.extend_from_slice(&key.0);
        match value {
            None => out.push(0),
            Some(d) => {
                out.push(if d.deletes_only { 2 } else { 1 });
                out.extend_from_slice(&d.forward);
                out.extend_from_slice(&d.inverse);
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Option<(CommitId, Option<ChangeDigest>)> {
        let commit = r.id()?;
        let value = match r.byte()? {
            0 => None,
            tag @ (1 | 2) => Some(ChangeDigest {
                commit,
                forward: r.hash()?,
                inverse: r.hash()?,
                deletes_only: tag == 2,
            }),
            _ => return None,
        };
        Some((commit, value))
    }
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
    fn digests_survive_a_round_trip_and_bad_tags_are_corrupt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = digest_cache_path(&dir.path().join("repo-0123.diffcache"));
        assert_eq!(
            path.file_name().and_then(|n| n.to_str()),
            Some("repo-0123.digestcache")
        );
        let digest = |n: u8, deletes_only| ChangeDigest {
            commit: id(n),
            forward: [n; 20],
            inverse: [n + 100; 20],
            deletes_only,
        };
        let mut c = DigestCache::load(&path);
        c.insert(id(1), Some(digest(1, false)));
        c.insert(id(2), Some(digest(2, true)));
        c.insert(id(3), None);
        assert!(c.save());
        let back = DigestCache::load(&path);
        assert_eq!(back.len(), 3);
        assert_eq!(back.get(&id(1)), Some(&Some(digest(1, false))));
        assert_eq!(back.get(&id(2)), Some(&Some(digest(2, true))));
        assert_eq!(back.get(&id(3)), Some(&None));
        assert_eq!(back.get(&id(4)), None);
        // 28 header bytes, 20 id bytes, then the tag; an unknown tag with a valid checksum
        // still reads as corrupt.
        let mut bytes = std::fs::read(&path).expect("written");
        bytes[48] = 7;
        let body = bytes.len() - 8;
        let mut h = Fnv::new();
        h.write(&bytes[..body]);
        bytes[body..].copy_from_slice(&h.finish().to_le_bytes());
        std::fs::write(&path, &bytes).expect("write");
        assert!(DigestCache::load(&path).is_empty());
        // A diff cache is not a digest cache.
        let mut diffs = Cache::load(&path.with_extension("diffcache"));
        let (k, e) = sample();
        diffs.insert(k, e);
        assert!(diffs.save());
        assert!(DigestCache::load(&path.with_extension("diffcache")).is_empty());
    }

    #[test]
    fn batches_survive_a_round_trip_and_only_the_newest_are_kept() {
        use crate::git::unreleased::BatchCommit;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = batch_cache_path(&dir.path().join("repo-0123.diffcache"));
        let key = |n: u8| BatchKey {
            tip: id(n),
            releases: 7,
            settings: 9,
        };
        let entry = |n: u8| BatchEntry {
            seq: 0,
            commits: vec![BatchCommit {
                id: id(n),
                parents: vec![id(n + 1), id(n + 2)],
                author_time: -5,
            }],
            size: (n % 2 == 0).then(|| sample().1),
            past: (n % 3 == 0).then(|| (10, 20, vec![1, 2, 3])),
        };
        let mut c = BatchCache::load(&path);
        for n in 0..(BATCHES_KEPT as u8 + 3) {
            c.insert_newest(key(n), entry(n));
        }
        assert!(c.save());
        let back = BatchCache::load(&path);
        assert_eq!(back.len(), BATCHES_KEPT);
        let newest = BATCHES_KEPT as u8 + 2;
        let got = back.get(&key(newest)).expect("newest kept");
        assert_eq!(got.commits, entry(newest).commits);
        assert_eq!(got.size, entry(newest).size);
        assert_eq!(got.past, entry(newest).past);
        assert!(back.get(&key(0)).is_none(), "oldest dropped");
        let candidates = back.candidates(7, 9);
        assert_eq!(candidates[0].0, key(newest));
        assert!(back.candidates(7, 8).is_empty());
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
