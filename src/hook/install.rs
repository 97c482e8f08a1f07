//! `hook install` and `hook uninstall` as transactions on the hooks directory.
//!
//! The hooks directory holds the user's own hooks, and a failed install must never leave a
//! push unguarded by them. So:
//! - the wrapper is written in full to a fresh, exclusively created temporary file (never
//!   through a symlink or into a file something else made) before anything of the user's
//!   moves;
//! - the user's hook is kept as `<hook>.git-cadence-orig` by a hard link first, and only then
//!   does the wrapper replace `<hook>` by an atomic rename: at every moment `<hook>` is either
//!   the user's hook or the complete wrapper; on any failure what was there is put back;
//! - a symlink is never followed: one at `<hook>` is the user's (moved aside as a link, never
//!   read through), and nothing is written to a name that already exists;
//! - the wrapper carries a digest of itself: one the user has edited is neither overwritten
//!   nor removed without `--force`, and a directory or anything but a regular file at
//!   `<hook>` is left alone by uninstall.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::{wrapper, MARKER, ORIG_SUFFIX};

/// The last line of an installed wrapper: a digest of everything before it.
const DIGEST_PREFIX: &str = "# git-cadence-digest: ";

/// Largest file read to decide whether a hook is the wrapper (the wrapper is ~1.5 KiB).
const MAX_WRAPPER_BYTES: u64 = 64 * 1024;

/// FNV-1a, 64 bits: enough to tell an edited wrapper from the one written (an edit is not an
/// attack; the user can always `--force`), stable across Rust versions unlike `DefaultHasher`.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The wrapper for hook `name` with its digest line.
#[must_use]
pub fn stamped_wrapper(name: &str, enforce: bool, exe: Option<&Path>) -> String {
    let mut script = wrapper(name, enforce, exe);
    let _ = writeln!(script, "{DIGEST_PREFIX}{:016x}", digest(script.as_bytes()));
    script
}

/// What is at a hook's path, looked at without following a symlink.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Absent,
    /// The wrapper exactly as git-cadence wrote it.
    Wrapper(Vec<u8>),
    /// A file with the wrapper's marker whose digest no longer matches: the user edited it.
    EditedWrapper,
    /// A directory: git cannot run it, and it is not ours to move or remove.
    Directory,
    /// Anything else: the user's hook (a regular file or a symlink, which is never followed).
    Other,
}

fn entry(path: &Path) -> Result<Entry> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Entry::Absent),
        Err(e) => return Err(io_error(path, "look at", &e)),
    };
    if meta.is_dir() {
        return Ok(Entry::Directory);
    }
    if !meta.is_file() || meta.len() > MAX_WRAPPER_BYTES {
        return Ok(Entry::Other);
    }
    let bytes = read_no_follow(path).map_err(|e| io_error(path, "read", &e))?;
    let text = String::from_utf8_lossy(&bytes);
    if !text.lines().any(|l| l.trim_end() == MARKER) {
        return Ok(Entry::Other);
    }
    Ok(if is_pristine(&bytes) {
        Entry::Wrapper(bytes)
    } else {
        Entry::EditedWrapper
    })
}

/// Reads a regular file, refusing to follow a symlink put there since it was looked at.
fn read_no_follow(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut bytes = Vec::new();
    options
        .open(path)?
        .take(MAX_WRAPPER_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether `bytes` end with a digest line that matches everything before it.
fn is_pristine(bytes: &[u8]) -> bool {
    let Some(body_end) = bytes
        .strip_suffix(b"\n")
        .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
        .map(|i| i + 1)
    else {
        return false;
    };
    let last = String::from_utf8_lossy(&bytes[body_end..]);
    last.trim_end()
        .strip_prefix(DIGEST_PREFIX)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .is_some_and(|d| d == digest(&bytes[..body_end]))
}

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Error {
    Error::UnreadableFile {
        path: path.to_path_buf(),
        message: format!("cannot {what}: {e}"),
    }
}

fn refuse(hook: &Path, message: String) -> Error {
    Error::BadValue {
        what: format!("hook {}", hook.display()),
        message,
    }
}

/// Checks a hook name: letters, digits, `-` and `_` only, so it cannot leave the directory.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !name.ends_with(ORIG_SUFFIX);
    if ok {
        Ok(())
    } else {
        Err(Error::BadValue {
            what: "--hook".into(),
            message: format!("`{name}` is not a git hook name (e.g. pre-push, pre-commit)"),
        })
    }
}

/// The wrapper, written in full to a new temporary file in `dir` (exclusive create: a
/// random name that nothing is at, so no symlink or file of anyone else's is written
/// through), mode 0755.
fn staged_wrapper(dir: &Path, script: &str, fail: bool) -> Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix(".git-cadence-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, "create a temporary file in", &e))?;
    injected(fail)
        .and_then(|()| file.write_all(script.as_bytes()))
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| io_error(file.path(), "write", &e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error(file.path(), "make executable", &e))?;
    }
    Ok(file)
}

/// Failures to simulate, so that tests can check that a failure at each step of an install
/// leaves the hooks directory as it was (a full disk cannot be had on demand).
#[derive(Clone, Copy, Debug, Default)]
struct Faults {
    /// Writing the wrapper fails (disk full).
    stage: bool,
    /// Putting the wrapper in place fails, after the user's hook has been kept.
    place: bool,
}

fn injected(fail: bool) -> std::io::Result<()> {
    if fail {
        Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "No space left on device (simulated)",
        ))
    } else {
        Ok(())
    }
}

/// Installs hook `name` in `dir`; returns what was done, for people.
pub fn install(
    dir: &Path,
    name: &str,
    force: bool,
    enforce: bool,
    exe: Option<&Path>,
) -> Result<String> {
    check_name(name)?;
    let script = stamped_wrapper(name, enforce, exe);
    install_with(dir, name, force, &script, Faults::default())
}

fn install_with(
    dir: &Path,
    name: &str,
    force: bool,
    script: &str,
    faults: Faults,
) -> Result<String> {
    let hook = dir.join(name);
    let orig = dir.join(format!("{name}{ORIG_SUFFIX}"));
    let current = entry(&hook)?;
    let orig_present = entry(&orig)? != Entry::Absent;
    match &current {
        Entry::Wrapper(bytes) if bytes == script.as_bytes() => {
            return Ok(format!(
                "{} is already installed; nothing changed",
                hook.display()
            ));
        }
        Entry::EditedWrapper if !force => {
            return Err(refuse(
                &hook,
                "is git-cadence's wrapper with your edits; they would be lost, so nothing \
                 changed (run again with --force to replace it)"
                    .into(),
            ));
        }
        Entry::Directory => {
            return Err(refuse(
                &hook,
                "is a directory, which git cannot run as a hook; nothing changed (move it \
                 away first)"
                    .into(),
            ));
        }
        Entry::Other if orig_present && !force => {
            return Err(refuse(
                &hook,
                format!(
                    "{} is already there from an earlier install, so the current hook cannot \
                     be moved aside; look at both, then run again with --force to move the \
                     current hook over it",
                    orig.display()
                ),
            ));
        }
        Entry::Absent if orig_present && !force => {
            return Err(refuse(
                &hook,
                format!(
                    "{} is left from an earlier install but no hook runs it now; remove it, or \
                     run again with --force to have the new hook run it first",
                    orig.display()
                ),
            ));
        }
        _ => {}
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the hooks directory", &e))?;
    let staged = staged_wrapper(dir, script, faults.stage)?;
    let kept = matches!(current, Entry::Other);
    let backup = if kept {
        keep_original(dir, &hook, &orig, force)?
    } else {
        None
    };
    let placed = match injected(faults.place) {
        Err(e) => Err(e),
        Ok(()) if current == Entry::Absent => staged.persist_noclobber(&hook).map_err(|e| e.error),
        Ok(()) => staged.persist(&hook).map_err(|e| e.error),
    };
    if let Err(e) = placed {
        // The temporary file is removed when it drops; the user's hook is still at `hook`
        // (it was linked, not moved), so only the extra name goes.
        if kept {
            let _ = std::fs::remove_file(&orig);
            restore_backup(backup, &orig);
        }
        return Err(io_error(&hook, "put the wrapper in place at", &e));
    }
    drop(backup);
    let mut message = format!("installed {}", hook.display());
    if kept {
        let _ = write!(
            message,
            "; the hook that was there runs first (kept as {})",
            orig.display()
        );
    } else if orig_present {
        let _ = write!(message, "; it runs {} first", orig.display());
    }
    Ok(message)
}

/// A moved-aside original that `--force` replaced, kept under a temporary name until the
/// install is done (dropped: removed; on failure: put back).
type Backup = Option<tempfile::NamedTempFile<()>>;

/// Gives the user's hook a second name, `orig`, without moving it: a hard link (which never
/// follows a symlink and never replaces anything). With `force`, an `orig` already there is
/// first kept as a backup (see [`Backup`]). Where the file system has no hard links, a copy
/// of the bytes and mode is made instead (exclusively created too); a symlink is then
/// recreated as a symlink.
fn keep_original(dir: &Path, hook: &Path, orig: &Path, force: bool) -> Result<Backup> {
    let backup = if force && std::fs::symlink_metadata(orig).is_ok() {
        let backup = tempfile::Builder::new()
            .prefix(".git-cadence-")
            .suffix(".bak")
            .make_in(dir, |path| std::fs::hard_link(orig, path))
            .map_err(|e| io_error(orig, "keep a backup of", &e))?;
        std::fs::remove_file(orig).map_err(|e| io_error(orig, "replace (--force)", &e))?;
        Some(backup)
    } else {
        None
    };
    let linked = match std::fs::hard_link(hook, orig) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(refuse(
            hook,
            format!("{} appeared meanwhile; nothing changed", orig.display()),
        )),
        Err(_) => copy_original(hook, orig),
    };
    match linked {
        Ok(()) => Ok(backup),
        Err(e) => {
            restore_backup(backup, orig);
            Err(e)
        }
    }
}

/// Puts a backup of `orig` back under its name.
fn restore_backup(backup: Backup, orig: &Path) {
    if let Some(backup) = backup {
        let _ = backup.persist(orig);
    }
}

fn copy_original(hook: &Path, orig: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(hook).map_err(|e| io_error(hook, "look at", &e))?;
    #[cfg(unix)]
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(hook).map_err(|e| io_error(hook, "read the link", &e))?;
        return std::os::unix::fs::symlink(target, orig)
            .map_err(|e| io_error(orig, "keep the existing hook as", &e));
    }
    let bytes = std::fs::read(hook).map_err(|e| io_error(hook, "read", &e))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(orig)
        .map_err(|e| io_error(orig, "keep the existing hook as", &e))?;
    let written = file
        .write_all(&bytes)
        .and_then(|()| file.set_permissions(meta.permissions()))
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(orig);
        return Err(io_error(orig, "keep the existing hook as", &e));
    }
    Ok(())
}

/// Uninstalls hook `name` from `dir`: the original comes back byte for byte (a rename), or
/// the wrapper goes away if there was none. Anything that is not the wrapper as written —
/// the user's hook, a directory, a symlink, a wrapper the user edited (unless `force`) — is
/// left alone.
pub fn uninstall(dir: &Path, name: &str, force: bool) -> Result<String> {
    check_name(name)?;
    let hook = dir.join(name);
    let orig = dir.join(format!("{name}{ORIG_SUFFIX}"));
    let bytes = match entry(&hook)? {
        Entry::Absent => {
            return Ok(format!(
                "no {} hook installed; nothing changed",
                hook.display()
            ))
        }
        Entry::Directory | Entry::Other => {
            return Ok(format!(
                "{} is not git-cadence's hook; left alone",
                hook.display()
            ))
        }
        Entry::EditedWrapper if !force => {
            return Err(refuse(
                &hook,
                "is git-cadence's wrapper with your edits; nothing removed (run again with \
                 --force to remove it anyway)"
                    .into(),
            ))
        }
        Entry::EditedWrapper => std::fs::read(&hook).map_err(|e| io_error(&hook, "read", &e))?,
        Entry::Wrapper(bytes) => bytes,
    };
    match entry(&orig)? {
        Entry::Absent => {
            std::fs::remove_file(&hook).map_err(|e| io_error(&hook, "remove the hook", &e))?;
            Ok(format!("removed {}", hook.display()))
        }
        Entry::Directory => restore_directory(&hook, &orig, &bytes),
        _ => {
            std::fs::rename(&orig, &hook)
                .map_err(|e| io_error(&orig, "restore the original hook", &e))?;
            Ok(format!(
                "removed git-cadence from {}; the original hook is back",
                hook.display()
            ))
        }
    }
}

/// A directory cannot be renamed over a file: the wrapper goes first, and comes back if the
/// directory cannot be moved.
fn restore_directory(hook: &Path, orig: &Path, wrapper_bytes: &[u8]) -> Result<String> {
    std::fs::remove_file(hook).map_err(|e| io_error(hook, "remove the hook", &e))?;
    if let Err(e) = std::fs::rename(orig, hook) {
        let _ = restore_file(hook, wrapper_bytes);
        return Err(io_error(orig, "restore the original hook", &e));
    }
    Ok(format!(
        "removed git-cadence from {}; the directory that was there is back",
        hook.display()
    ))
}

fn restore_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

/// Whether `hooks` lies in the work tree `workdir` (and not in its git directory `git_dir`):
/// then hook files are the project's own files, often tracked (husky's `.husky/`), and an
/// install would edit or add files in the work tree.
#[must_use]
pub fn in_work_tree(hooks: &Path, workdir: &Path, git_dirs: &[&Path]) -> bool {
    let canon = |p: &Path| -> PathBuf { absolute(p) };
    let hooks = canon(hooks);
    hooks.starts_with(canon(workdir)) && !git_dirs.iter().any(|g| hooks.starts_with(canon(g)))
}

/// `path` made absolute and free of symlinks as far as it exists (the rest appended).
fn absolute(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    out.extend(rest.iter().rev());
    out
}

/// The line to add to another tool's hook file (husky's `.husky/pre-push`) to run
/// git-cadence from it.
#[must_use]
pub fn line_for_other_tool(name: &str, enforce: bool) -> String {
    let stdin = if name == "pre-push" {
        " --stdin-refs"
    } else {
        ""
    };
    let enforce = if enforce { " --enforce" } else { "" };
    format!("git cadence hook run{enforce}{stdin} -- \"$@\"")
}

#[cfg(all(test, unix))]
mod tests;
