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
use std::path::{Path, PathBuf};

use crate::cli::{HookAction, SharedArgs};
use crate::error::{Error, Result};
use crate::report::escape::terminal_text;
use crate::Outcome;

pub mod install;

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
            let dir = hooks_dir(&shared, &name, force, enforce)?;
            let exe = std::env::current_exe().ok();
            let message = install::install(&dir, &name, force, enforce, exe.as_deref())?;
            crate::stderr_line(&format!("git-cadence: {}", terminal_text(&message)));
            Ok(Outcome::Success)
        }
        HookAction::Uninstall { name, force } => {
            let dir = crate::git::Repo::discover(crate::config::one_repo(&shared)?.as_deref())?
                .hooks_dir()?;
            let message = install::uninstall(&dir, &name, force)?;
            crate::stderr_line(&format!("git-cadence: {}", terminal_text(&message)));
            Ok(Outcome::Success)
        }
        HookAction::Run(args) => Ok(crate::commands::hook_run::run(shared, &args, now)),
    }
}

/// Where `hook install` writes: git's hooks directory, unless that is a directory inside the
/// work tree (husky's `core.hooksPath=.husky`), whose files are the project's own and often
/// tracked: then, unless `force`, nothing is written and the line to add to that tool's hook
/// file is given instead.
fn hooks_dir(shared: &SharedArgs, name: &str, force: bool, enforce: bool) -> Result<PathBuf> {
    install::check_name(name)?;
    let repo = crate::git::Repo::discover(crate::config::one_repo(shared)?.as_deref())?;
    let dir = repo.hooks_dir()?;
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
    if let Some(workdir) = repo.repo.workdir() {
        let git_dirs = [repo.repo.path(), repo.repo.commondir()];
        if !force && install::in_work_tree(&dir, workdir, &git_dirs) {
            return Err(Error::BadValue {
                what: "the hooks directory".into(),
                message: format!(
                    "git runs hooks from {}, inside the work tree (core.hooksPath), where \
                     another tool (such as husky) keeps its hook files; git-cadence does not \
                     edit or add files there. Add this line to {}:\n    {}\n  or run again \
                     with --force to write the hook there anyway",
                    dir.display(),
                    dir.join(name).display(),
                    install::line_for_other_tool(name, enforce)
                ),
            });
        }
    }
    Ok(dir)
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

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
}
