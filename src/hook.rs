//! `git cadence hook install|uninstall|run`: a git hook (pre-push by default) that says, in
//! one line on stderr, how big the unreleased batch is.
//!
//! Install keeps whatever hook was there: it is moved aside to `<hook>.git-cadence-orig`
//! (a rename, so its bytes and mode are kept) and a small `sh` wrapper takes its place. The
//! wrapper runs the original exactly once, with the same arguments and the same stdin
//! (pre-push's ref lines are saved to a temporary file and given to both), stops with the
//! original's exit status if it failed, then runs `git-cadence hook run`. Uninstall removes
//! the wrapper and renames the original back. Nothing of the user's is overwritten without
//! `--force`.
//!
//! The hook never blocks a push because of git-cadence's own trouble (not installed, not a
//! repository it understands, a bug): it warns on stderr and exits 0. Only with `--enforce`
//! does it exit 1, when a `check` threshold (`[check]` in `.git-cadence.toml`) is exceeded.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use crate::cli::{HookAction, SharedArgs};
use crate::error::{Error, Result};
use crate::facts::CommitId;
use crate::report::escape::terminal_text;
use crate::Outcome;

/// The line that marks a hook file as git-cadence's wrapper.
pub const MARKER: &str = "# git-cadence-hook-wrapper";

/// Suffix of the moved-aside original hook.
pub const ORIG_SUFFIX: &str = ".git-cadence-orig";

/// Hooks that git feeds on stdin; their wrapper saves stdin to give it to both.
const STDIN_HOOKS: &[&str] = &[
    "pre-push",
    "pre-receive",
    "post-receive",
    "post-rewrite",
    "reference-transaction",
];

/// Runs a `hook` subcommand.
pub fn run(shared: SharedArgs, action: HookAction, now: i64) -> Result<Outcome> {
    match action {
        HookAction::Install {
            name,
            force,
            enforce,
        } => {
            let dir = hooks_dir(&shared)?;
            let exe = std::env::current_exe().ok();
            let message = install(&dir, &name, force, enforce, exe.as_deref())?;
            eprintln!("git-cadence: {message}");
            Ok(Outcome::Success)
        }
        HookAction::Uninstall { name } => {
            let dir = hooks_dir(&shared)?;
            let message = uninstall(&dir, &name)?;
            eprintln!("git-cadence: {message}");
            Ok(Outcome::Success)
        }
        HookAction::Run {
            enforce,
            stdin_refs,
            hook_args: _,
        } => {
            let refs = if stdin_refs && !std::io::stdin().is_terminal() {
                std::io::stdin()
                    .lock()
                    .lines()
                    .map_while(std::io::Result::ok)
                    .collect()
            } else {
                Vec::new()
            };
            Ok(run_hook(shared, enforce, &refs, now))
        }
    }
}

fn hooks_dir(shared: &SharedArgs) -> Result<PathBuf> {
    let repo = crate::config::one_repo(shared)?;
    let dir = crate::git::Repo::discover(repo.as_deref())?.hooks_dir()?;
    if dir.exists() && !dir.is_dir() {
        // `core.hooksPath=/dev/null` is a common way to turn hooks off.
        return Err(Error::BadValue {
            what: "the hooks directory".into(),
            message: format!(
                "git runs hooks from {} (core.hooksPath), which is not a directory, so hooks \
                 are turned off; unset core.hooksPath or point it at a directory",
                dir.display()
            ),
        });
    }
    Ok(dir)
}

fn check_name(name: &str) -> Result<()> {
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

/// Quotes `text` for `sh` in single quotes.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The wrapper script for hook `name`. `exe` is where git-cadence was installed from, used
/// when `git-cadence` is not on `PATH` (git runs hooks with the user's `PATH`).
#[must_use]
pub fn wrapper(name: &str, enforce: bool, exe: Option<&Path>) -> String {
    let stdin = STDIN_HOOKS.contains(&name);
    let fallback = exe.map_or_else(|| "''".to_string(), |p| sh_quote(&p.to_string_lossy()));
    let mut s = String::new();
    s.push_str("#!/bin/sh\n");
    s.push_str(MARKER);
    s.push('\n');
    let _ = write!(
        s,
        "# Installed by `git cadence hook install --hook {name}`. Remove it with\n\
         # `git cadence hook uninstall --hook {name}`, which puts back the hook it replaced.\n\
         # It runs the replaced hook ({name}{ORIG_SUFFIX}) first, exactly once, then\n\
         # git-cadence, which never blocks {verb} unless installed with --enforce.\n",
        verb = if name == "pre-push" { "a push" } else { "git" }
    );
    let _ = writeln!(s, "orig=\"$0{ORIG_SUFFIX}\"");
    // stdin is saved to a file (when a temporary file can be made) so that both the original
    // hook and git-cadence read it; without one, the original gets the real stdin.
    if stdin {
        s.push_str(
            "input=\n\
             if input=$(mktemp \"${TMPDIR:-/tmp}/git-cadence.XXXXXX\" 2>/dev/null); then\n\
             \x20   trap 'rm -f \"$input\"' EXIT\n\
             \x20   cat > \"$input\"\n\
             else\n\
             \x20   input=\n\
             fi\n",
        );
    } else {
        s.push_str("input=\n");
    }
    s.push_str(
        "if [ -f \"$orig\" ] && [ -x \"$orig\" ]; then\n\
         \x20   if [ -n \"$input\" ]; then \"$orig\" \"$@\" < \"$input\"; else \"$orig\" \"$@\"; fi\n\
         \x20   status=$?\n\
         \x20   [ \"$status\" -eq 0 ] || exit \"$status\"\n\
         fi\n",
    );
    let _ = write!(
        s,
        "cadence=git-cadence\n\
         command -v git-cadence >/dev/null 2>&1 || cadence={fallback}\n\
         if [ -z \"$cadence\" ] || ! command -v \"$cadence\" >/dev/null 2>&1; then\n\
         \x20   echo 'git-cadence: not found on PATH; skipped (install it, or run `git cadence hook uninstall`)' >&2\n\
         \x20   exit 0\n\
         fi\n"
    );
    let flags = format!(
        "{}{}",
        if enforce { " --enforce" } else { "" },
        if name == "pre-push" {
            " --stdin-refs"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "[ -n \"$input\" ] || input=/dev/null\n\"$cadence\" hook run{flags} -- \"$@\" < \"$input\""
    );
    if enforce {
        s.push_str("[ $? -eq 1 ] && exit 1\n");
    }
    s.push_str("exit 0\n");
    s
}

fn is_ours(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| {
        String::from_utf8_lossy(&bytes)
            .lines()
            .any(|l| l.trim_end() == MARKER)
    })
}

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Error {
    Error::UnreadableFile {
        path: path.to_path_buf(),
        message: format!("cannot {what}: {e}"),
    }
}

/// Whether something (a file, or a dangling symlink) is at `path`.
fn present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
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
    let hook = dir.join(name);
    let orig = dir.join(format!("{name}{ORIG_SUFFIX}"));
    let script = wrapper(name, enforce, exe);
    let mut kept = false;
    if present(&hook) && is_ours(&hook) {
        if std::fs::read(&hook).is_ok_and(|b| b == script.as_bytes()) {
            return Ok(format!(
                "{} is already installed; nothing changed",
                hook.display()
            ));
        }
    } else if present(&hook) {
        if present(&orig) && !force {
            return Err(Error::BadValue {
                what: format!("hook {}", hook.display()),
                message: format!(
                    "{} is already there from an earlier install, so the current hook cannot be \
                     moved aside; look at both, then run again with --force to move the current \
                     hook over it",
                    orig.display()
                ),
            });
        }
        std::fs::rename(&hook, &orig)
            .map_err(|e| io_error(&hook, "move the existing hook aside", &e))?;
        kept = true;
    } else if present(&orig) && !force {
        return Err(Error::BadValue {
            what: format!("hook {}", hook.display()),
            message: format!(
                "{} is left from an earlier install but no hook runs it now; remove it, or run \
                 again with --force to have the new hook run it first",
                orig.display()
            ),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the hooks directory", &e))?;
    write_executable(&hook, script.as_bytes())?;
    let mut message = format!("installed {}", hook.display());
    if kept {
        let _ = write!(
            message,
            "; the hook that was there runs first (kept as {})",
            orig.display()
        );
    } else if present(&orig) {
        let _ = write!(message, "; it runs {} first", orig.display());
    }
    Ok(message)
}

/// Writes `bytes` to `path` through a temporary file, mode 0755.
fn write_executable(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("git-cadence-tmp");
    std::fs::write(&tmp, bytes).map_err(|e| io_error(&tmp, "write", &e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error(&tmp, "make executable", &e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| io_error(path, "write", &e))
}

/// Uninstalls hook `name` from `dir`: the original comes back byte for byte (a rename), or
/// the hook goes away if there was none. A hook that is not ours is left alone.
pub fn uninstall(dir: &Path, name: &str) -> Result<String> {
    check_name(name)?;
    let hook = dir.join(name);
    let orig = dir.join(format!("{name}{ORIG_SUFFIX}"));
    if !present(&hook) {
        return Ok(format!(
            "no {} hook installed; nothing changed",
            hook.display()
        ));
    }
    if !is_ours(&hook) {
        return Ok(format!(
            "{} is not git-cadence's hook; left alone",
            hook.display()
        ));
    }
    if present(&orig) {
        std::fs::rename(&orig, &hook)
            .map_err(|e| io_error(&orig, "restore the original hook", &e))?;
        Ok(format!(
            "removed git-cadence from {}; the original hook is back",
            hook.display()
        ))
    } else {
        std::fs::remove_file(&hook).map_err(|e| io_error(&hook, "remove the hook", &e))?;
        Ok(format!("removed {}", hook.display()))
    }
}

/// The commit a push describes: the first branch pushed (pre-push's stdin lines are
/// `<local ref> <local sha> <remote ref> <remote sha>`), if any; deletions are skipped.
#[must_use]
pub fn pushed_commit(lines: &[String]) -> Option<CommitId> {
    lines.iter().find_map(|line| {
        let mut parts = line.split_whitespace();
        let (local_ref, local_sha) = (parts.next()?, parts.next()?);
        if !local_ref.starts_with("refs/heads/") {
            return None;
        }
        CommitId::from_hex(local_sha).filter(|id| id.0 != [0; 20])
    })
}

/// What `hook run` does: one line to stderr, never an error exit unless `enforce` and a
/// threshold is exceeded.
fn run_hook(shared: SharedArgs, enforce: bool, refs: &[String], now: i64) -> Outcome {
    match hook_line(shared, refs, now) {
        Ok((line, exceeded)) => {
            eprintln!("{line}");
            if enforce && exceeded {
                Outcome::ThresholdExceeded
            } else {
                Outcome::Success
            }
        }
        Err(e) => {
            let first = e.to_string();
            let first = first.lines().next().unwrap_or_default();
            eprintln!(
                "git-cadence: warning: {} (the hook goes on)",
                terminal_text(first)
            );
            Outcome::Success
        }
    }
}

/// The hook's line and whether a `[check]` threshold is exceeded.
fn hook_line(shared: SharedArgs, refs: &[String], now: i64) -> Result<(String, bool)> {
    use crate::commands::check;
    let (repo, config, file) = crate::commands::load(shared)?;
    let head = match pushed_commit(refs)
        .filter(|id| repo.repo.find_commit(crate::git::to_oid(*id)).is_ok())
    {
        Some(id) => id,
        None => match repo.head()? {
            Some(id) => id,
            None => return Ok(("git-cadence: no commits yet".into(), false)),
        },
    };
    let (unreleased, _warnings) = check::measure(&repo, &config, head, now)?;
    let mut line = format!(
        "git-cadence: {}",
        check::summary_line(&unreleased, terminal_text, str::to_string)
    );
    let limits = check::limits(
        &unreleased,
        check::thresholds(file.as_ref(), crate::cli::CheckArgs::default()),
    );
    let over: Vec<String> = limits
        .iter()
        .filter(|l| l.exceeded)
        .map(|l| {
            format!(
                "{} {}",
                l.threshold.trim_start_matches("max_unreleased_"),
                l.max
            )
        })
        .collect();
    if !over.is_empty() {
        let _ = write!(line, " — over the check limit ({})", over.join(", "));
    }
    Ok((line, !over.is_empty()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn install_keeps_the_original_and_uninstall_restores_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let hook = dir.path().join("pre-push");
        let original = b"#!/bin/sh\necho original \"$@\"\n\xff binary-ish\n";
        std::fs::write(&hook, original).expect("write");
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).expect("chmod");

        let msg = install(dir.path(), "pre-push", false, false, None).expect("install");
        assert!(msg.contains("runs first"), "{msg}");
        let orig = dir.path().join("pre-push.git-cadence-orig");
        assert_eq!(std::fs::read(&orig).expect("orig"), original);
        assert_eq!(mode(&orig), 0o750);
        assert!(is_ours(&hook));
        assert_eq!(mode(&hook), 0o755);

        // Idempotent: a second install changes nothing.
        let before = std::fs::read(&hook).expect("hook");
        let msg = install(dir.path(), "pre-push", false, false, None).expect("again");
        assert!(msg.contains("nothing changed"), "{msg}");
        assert_eq!(std::fs::read(&hook).expect("hook"), before);
        assert_eq!(std::fs::read(&orig).expect("orig"), original);

        uninstall(dir.path(), "pre-push").expect("uninstall");
        assert_eq!(std::fs::read(&hook).expect("hook"), original);
        assert_eq!(mode(&hook), 0o750);
        assert!(!present(&orig));
    }

    #[test]
    fn uninstall_without_an_original_removes_the_hook() {
        let dir = tempfile::tempdir().expect("tempdir");
        install(dir.path(), "pre-push", false, true, None).expect("install");
        assert!(std::fs::read_to_string(dir.path().join("pre-push"))
            .expect("hook")
            .contains("--enforce"));
        uninstall(dir.path(), "pre-push").expect("uninstall");
        assert!(!present(&dir.path().join("pre-push")));
        // Nothing installed: nothing to do, no error.
        let msg = uninstall(dir.path(), "pre-push").expect("uninstall");
        assert!(msg.contains("nothing changed"), "{msg}");
    }

    #[test]
    fn nothing_of_the_users_is_overwritten_without_force() {
        let dir = tempfile::tempdir().expect("tempdir");
        let hook = dir.path().join("pre-push");
        let orig = dir.path().join("pre-push.git-cadence-orig");
        std::fs::write(&hook, "#!/bin/sh\necho mine\n").expect("write");
        std::fs::write(&orig, "#!/bin/sh\necho older\n").expect("write");
        let e = install(dir.path(), "pre-push", false, false, None).expect_err("refuses");
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&hook).expect("hook"),
            "#!/bin/sh\necho mine\n"
        );
        assert_eq!(
            std::fs::read_to_string(&orig).expect("orig"),
            "#!/bin/sh\necho older\n"
        );
        install(dir.path(), "pre-push", true, false, None).expect("forced");
        assert_eq!(
            std::fs::read_to_string(&orig).expect("orig"),
            "#!/bin/sh\necho mine\n"
        );

        // A stray moved-aside file with no wrapper: refused without --force too.
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("pre-push.git-cadence-orig"), "x").expect("write");
        assert!(install(dir.path(), "pre-push", false, false, None).is_err());
        assert!(!present(&dir.path().join("pre-push")));

        // A hook that is not ours is never removed by uninstall.
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("pre-push"), "#!/bin/sh\n").expect("write");
        let msg = uninstall(dir.path(), "pre-push").expect("uninstall");
        assert!(msg.contains("left alone"), "{msg}");
        assert!(present(&dir.path().join("pre-push")));
    }

    #[test]
    fn bad_hook_names_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["", "../x", "a/b", "pre-push.git-cadence-orig"] {
            assert!(
                install(dir.path(), name, false, false, None).is_err(),
                "{name}"
            );
        }
    }

    #[test]
    fn the_wrapper_quotes_the_fallback_path() {
        let w = wrapper(
            "pre-push",
            false,
            Some(Path::new("/opt/it's here/git-cadence")),
        );
        assert!(
            w.contains(r"cadence='/opt/it'\''s here/git-cadence'"),
            "{w}"
        );
        assert!(w.contains("--stdin-refs"));
        assert!(w.contains("cat > \"$input\""));
        assert!(
            !w.contains("exit 1"),
            "only --enforce may fail the hook: {w}"
        );
        let w = wrapper("pre-commit", false, None);
        assert!(!w.contains("cat >"), "no stdin capture for pre-commit: {w}");
    }

    #[test]
    fn the_pushed_branch_is_read_from_stdin() {
        let a = "a".repeat(40);
        let zero = "0".repeat(40);
        let lines = vec![
            format!("refs/tags/v1.0 {a} refs/tags/v1.0 {zero}"),
            format!("refs/heads/gone {zero} refs/heads/gone {a}"),
            format!("refs/heads/main {a} refs/heads/main {zero}"),
        ];
        assert_eq!(pushed_commit(&lines), CommitId::from_hex(&a));
        assert_eq!(pushed_commit(&lines[..2]), None);
        assert_eq!(pushed_commit(&["garbage".to_string()]), None);
    }
}
