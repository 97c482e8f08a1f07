//! `git cadence generate man|completions SHELL [--out DIR]` (hidden): the man page that
//! `git cadence --help` opens, and shell completions, generated from the clap types.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, Generate};
use crate::error::{Error, Result};
use crate::Outcome;

/// Writes what was asked for to `--out DIR` (created if missing) or to stdout.
pub fn run(what: Generate) -> Result<Outcome> {
    let mut cmd = Cli::command();
    match what {
        Generate::Man { out } => {
            // `git cadence --help` runs `man git-cadence`: the page must be named so.
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd.clone().name("git-cadence"))
                .render(&mut page)
                .map_err(Error::Output)?;
            write(out.as_deref(), "git-cadence.1", &page)?;
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                if let Some(dir) = &out {
                    let name = format!("git-cadence-{}", sub.get_name());
                    let mut page = Vec::new();
                    clap_mangen::Man::new(sub.clone().display_name(name.clone()))
                        .render(&mut page)
                        .map_err(Error::Output)?;
                    write(Some(dir), &format!("{name}.1"), &page)?;
                }
            }
        }
        Generate::Completions { shell, out } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "git-cadence", &mut script);
            let file = match shell {
                clap_complete::Shell::Bash => "git-cadence.bash".to_string(),
                clap_complete::Shell::Zsh => "_git-cadence".to_string(),
                clap_complete::Shell::Fish => "git-cadence.fish".to_string(),
                clap_complete::Shell::PowerShell => "_git-cadence.ps1".to_string(),
                clap_complete::Shell::Elvish => "git-cadence.elv".to_string(),
                other => format!("git-cadence.{other}"),
            };
            write(out.as_deref(), &file, &script)?;
        }
    }
    Ok(Outcome::Success)
}

fn write(dir: Option<&Path>, file: &str, bytes: &[u8]) -> Result<()> {
    match dir {
        None => crate::emit(|out| std::io::Write::write_all(out, bytes)),
        Some(dir) => {
            let path = dir.join(file);
            std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(&path, bytes))
                .map_err(|e| Error::UnreadableFile {
                    path,
                    message: format!("cannot write: {e}"),
                })?;
            crate::stderr_line(&format!("git-cadence: wrote {}", dir.join(file).display()));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_page_names_every_command_and_option() {
        let mut page = Vec::new();
        clap_mangen::Man::new(Cli::command().name("git-cadence"))
            .render(&mut page)
            .expect("render");
        let page = String::from_utf8(page).expect("utf-8");
        assert!(page.starts_with(".ie"), "{}", &page[..40]);
        assert!(page.contains(".TH git-cadence 1"));
        for word in ["check", "pr", "hook", "releases"] {
            let entry = format!("git\\-cadence\\-{word}(1)");
            assert!(page.contains(&entry), "man page lacks {entry}");
        }
        for option in ["tag\\-pattern", "exclude", "since"] {
            assert!(page.contains(option), "man page lacks {option}");
        }
        assert!(
            !page.contains("git\\-cadence\\-generate"),
            "hidden command in the man page"
        );
    }

    #[test]
    fn completions_are_generated_for_every_shell() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
            clap_complete::Shell::Elvish,
        ] {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "git-cadence", &mut script);
            let script = String::from_utf8(script).expect("utf-8");
            assert!(script.contains("max-unreleased-lines"), "{shell}");
        }
    }
}
