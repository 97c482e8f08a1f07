//! Reading the files a run is pointed at (`.git-cadence.toml`, deploys, incidents) as
//! untrusted input: the repository may be a stranger's pull request.
//!
//! - A file named by the repository's own config must resolve inside the repository: no
//!   absolute path, no `..` that leaves it, no symlink out of it. Files outside come only
//!   from command-line flags.
//! - Only regular files are read from the repository's config (a FIFO would hang the run, a
//!   symlink to `/dev/zero` would exhaust memory); a flag may also name a pipe (`<(cmd)`).
//!   Nothing is ever opened in a way that blocks before its kind is known.
//! - Every read has a size cap.
//! - Errors never echo more than a short, escaped excerpt of what was read ([`excerpt`]).

use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Largest `.git-cadence.toml` read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Largest deploys or incidents file read (a million incident rows is about 60 MiB).
pub const MAX_DATA_BYTES: u64 = 512 << 20;

/// Longest excerpt of a file's content shown in an error, in characters.
pub const EXCERPT_CHARS: usize = 40;

/// Who named a file: a flag (the person running git-cadence) or the repository's own config
/// (anyone who can open a pull request), which confines it to `root`.
#[derive(Clone, Copy, Debug)]
pub enum NamedBy<'a> {
    Flag,
    Repository { root: &'a Path },
}

/// A short, escaped excerpt of text read from a file, for an error message: one line, no
/// control or bidi characters, at most [`EXCERPT_CHARS`] characters (then `…`).
#[must_use]
pub fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    let more = chars.next().is_some();
    let mut out = crate::report::escape::terminal_text(&head);
    if more {
        out.push('…');
    }
    out
}

/// Checks, without touching the file system, that `relative` (as written in the config)
/// stays inside the directory it is relative to: not absolute, and no `..` that climbs out.
pub fn check_relative(relative: &str) -> std::result::Result<(), String> {
    let path = Path::new(relative);
    if path.is_absolute() || path.has_root() {
        return Err(format!(
            "`{}` is an absolute path; a file named by the repository's config must be inside \
             the repository (pass a file outside it with a command-line flag)",
            excerpt(relative)
        ));
    }
    let mut depth: usize = 0;
    for c in path.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::ParentDir if depth == 0 => {
                return Err(format!(
                    "`{}` leaves the repository; a file named by the repository's config must \
                     be inside it (pass a file outside it with a command-line flag)",
                    excerpt(relative)
                ))
            }
            Component::ParentDir => depth -= 1,
            _ => {}
        }
    }
    Ok(())
}

fn unreadable(path: &Path, message: impl Into<String>) -> Error {
    Error::UnreadableFile {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Where `path` really is once symlinks are resolved, if that is inside `root`.
fn confine(path: &Path, root: &Path) -> Result<PathBuf> {
    let real = path
        .canonicalize()
        .map_err(|e| unreadable(path, e.to_string()))?;
    let root = root
        .canonicalize()
        .map_err(|e| unreadable(root, e.to_string()))?;
    if real.starts_with(&root) {
        Ok(real)
    } else {
        Err(unreadable(
            path,
            "it resolves outside the repository (a symlink out of it); a file named by the \
             repository's config must be inside it (pass a file outside it with a command-line \
             flag)",
        ))
    }
}

/// Opens `path` for reading without blocking (a FIFO with no writer would otherwise hang
/// here) and without following a final symlink when `no_follow`.
fn open_nonblocking(path: &Path, no_follow: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let follow = if no_follow { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | follow);
    }
    #[cfg(not(unix))]
    let _ = no_follow;
    options.open(path)
}

/// Whether a file of this type may be read: regular files always; pipes (process
/// substitution, `/dev/stdin` from a pipe) only when a flag named them.
fn readable_kind(meta: &std::fs::Metadata, named_by: NamedBy) -> bool {
    if meta.is_file() {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if matches!(named_by, NamedBy::Flag) && meta.file_type().is_fifo() {
            return true;
        }
    }
    let _ = named_by;
    false
}

/// Reads a whole file as bytes, as untrusted input (see the module documentation). `cap` is
/// the largest size accepted.
pub fn read_bytes(path: &Path, named_by: NamedBy, cap: u64) -> Result<Vec<u8>> {
    let real = match named_by {
        NamedBy::Repository { root } => confine(path, root)?,
        NamedBy::Flag => path.to_path_buf(),
    };
    let confined = matches!(named_by, NamedBy::Repository { .. });
    let file = open_nonblocking(&real, confined).map_err(|e| unreadable(path, e.to_string()))?;
    let meta = file
        .metadata()
        .map_err(|e| unreadable(path, e.to_string()))?;
    if !readable_kind(&meta, named_by) {
        return Err(unreadable(
            path,
            "not a regular file (a directory, device, FIFO or socket); nothing was read",
        ));
    }
    let bytes = read_capped(file, cap).map_err(|e| unreadable(path, e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(unreadable(
            path,
            format!("larger than {} MiB; nothing was read", cap >> 20),
        ));
    }
    Ok(bytes)
}

/// Reads up to `cap + 1` bytes. The file was opened non-blocking: a pipe a flag named may
/// have no data yet (waited for in short sleeps) and ends when its writer closes it (a FIFO
/// that no one writes to reads as empty instead of hanging).
fn read_capped(mut file: std::fs::File, cap: u64) -> std::io::Result<Vec<u8>> {
    let limit = usize::try_from(cap.saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    while bytes.len() < limit {
        let want = chunk.len().min(limit - bytes.len());
        match file.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(bytes)
}

/// As [`read_bytes`], then UTF-8 (a byte-order mark is kept for the parser to skip). The
/// error names what to do, never the content.
pub fn read_text(path: &Path, named_by: NamedBy, cap: u64) -> Result<String> {
    let bytes = read_bytes(path, named_by, cap)?;
    String::from_utf8(bytes).map_err(|e| {
        unreadable(
            path,
            format!(
                "not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

#[cfg(all(test, unix))]
mod tests;
