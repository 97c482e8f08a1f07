//! `git cadence hook run`: what the pre-push hook (or pre-commit, husky, lefthook) calls. One
//! line on stderr about the batch a push sends to a branch, and nothing at all when the push
//! deletes a branch or sends nothing new ("Everything up-to-date").
//!
//! Which commits a push sends comes from pre-push's stdin (`--stdin-refs`: lines `<local
//! ref> <local sha> <remote ref> <remote sha>`), or from pre-commit's `PRE_COMMIT_TO_REF`
//! and friends; without either (run by hand) it describes HEAD.
//!
//! `--enforce` exits 1 when a `check` threshold is exceeded, but only on a push to a release
//! branch (`--release-branch`, `[check] branches`, else the remote's default branch): a
//! feature branch cannot change the unreleased batch of the branch it grew from. git-cadence's
//! own trouble never blocks a push: it warns and exits 0.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};

use crate::cli::{CheckArgs, HookRunArgs, SharedArgs};
use crate::error::Result;
use crate::facts::CommitId;
use crate::git::Repo;
use crate::report::escape::terminal_text;
use crate::Outcome;

/// One branch a push updates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Push {
    /// The commit pushed.
    pub local: CommitId,
    /// The remote branch, without `refs/heads/`.
    pub branch: String,
    /// What the remote branch points at now; `None` when it is new.
    pub remote_old: Option<CommitId>,
}

/// What a hook is told about a push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// Run by hand: describe HEAD.
    Unknown,
    /// The branches pushed that have a commit (deletions and tags left out); may be empty.
    Branches(Vec<Push>),
}

/// Parses pre-push's stdin. Deletions (an all-zero local sha) and refs other than branches
/// are left out.
#[must_use]
pub fn parse_refs(lines: &[String]) -> Vec<Push> {
    lines
        .iter()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (_local_ref, local, remote_ref, remote) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let branch = remote_ref.strip_prefix("refs/heads/")?;
            let local = CommitId::from_hex(local).filter(|id| id.0 != [0; 20])?;
            Some(Push {
                local,
                branch: branch.to_string(),
                remote_old: CommitId::from_hex(remote).filter(|id| id.0 != [0; 20]),
            })
        })
        .collect()
}

/// What pre-commit tells a `pre-push` stage hook (it leaves deletions and pushes with nothing
/// new out itself): `PRE_COMMIT_TO_REF` and `PRE_COMMIT_REMOTE_BRANCH`, with
/// `PRE_COMMIT_FROM_REF`.
#[must_use]
pub fn pre_commit_push(var: impl Fn(&str) -> Option<String>) -> Option<Push> {
    let local = CommitId::from_hex(var("PRE_COMMIT_TO_REF")?.trim())?;
    let branch = var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default();
    Some(Push {
        local,
        branch: branch
            .strip_prefix("refs/heads/")
            .unwrap_or(&branch)
            .to_string(),
        remote_old: var("PRE_COMMIT_FROM_REF")
            .and_then(|s| CommitId::from_hex(s.trim()))
            .filter(|id| id.0 != [0; 20]),
    })
}

/// Runs `hook run`: never an error exit, except `--enforce` over a threshold on a push to a
/// release branch.
pub fn run(shared: SharedArgs, args: &HookRunArgs, now: i64) -> Outcome {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let pushed = if args.stdin_refs {
        let lines: Vec<String> = if std::io::stdin().is_terminal() {
            Vec::new()
        } else {
            std::io::stdin()
                .lock()
                .lines()
                .map_while(std::io::Result::ok)
                .collect()
        };
        Pushed::Branches(parse_refs(&lines))
    } else if let Some(push) = pre_commit_push(env) {
        Pushed::Branches(vec![push])
    } else {
        Pushed::Unknown
    };
    if pushed == Pushed::Branches(Vec::new()) {
        return Outcome::Success;
    }
    let remote = args
        .hook_args
        .first()
        .cloned()
        .or_else(|| env("PRE_COMMIT_REMOTE_NAME"));
    match lines(shared, args, &pushed, remote.as_deref(), now) {
        Ok((lines, blocked)) => {
            for line in lines {
                crate::stderr_line(&line);
            }
            if blocked {
                Outcome::ThresholdExceeded
            } else {
                Outcome::Success
            }
        }
        Err(e) => {
            let first = e.to_string();
            let first = first.lines().next().unwrap_or_default();
            crate::stderr_line(&format!(
                "git-cadence: warning: {} (the hook goes on)",
                terminal_text(first)
            ));
            Outcome::Success
        }
    }
}

/// The branches `--enforce` gates, as globs.
fn release_branches(
    args: &HookRunArgs,
    file: Option<&crate::config_file::FileConfig>,
    repo: &Repo,
    remote: Option<&str>,
) -> Vec<String> {
    if !args.release_branches.is_empty() {
        return args.release_branches.clone();
    }
    if let Some(b) = file.and_then(|f| f.release_branches.clone()) {
        return b;
    }
    match repo.remote_default_branch(remote.unwrap_or("origin")) {
        Some(b) => vec![b],
        // No `refs/remotes/<remote>/HEAD` (a remote added by hand, never `set-head`): the two
        // names git and its hosts use by default.
        None => vec!["main".into(), "master".into()],
    }
}

/// Whether `branch` is one of `globs`.
#[must_use]
pub fn is_release_branch(branch: &str, globs: &[String]) -> bool {
    globs
        .iter()
        .any(|g| globset::Glob::new(g).is_ok_and(|g| g.compile_matcher().is_match(branch)))
}

/// The lines to print, and whether the push is blocked.
fn lines(
    shared: SharedArgs,
    args: &HookRunArgs,
    pushed: &Pushed,
    remote: Option<&str>,
    now: i64,
) -> Result<(Vec<String>, bool)> {
    use crate::commands::check;
    let (repo, config, file) = crate::commands::load(shared)?;
    let sending: Vec<Push> = match pushed {
        Pushed::Branches(list) => {
            let mut new = Vec::new();
            for p in list {
                if repo.has_commit(p.local)
                    && repo.sends_new_commits(p.local, p.remote_old, remote)?
                {
                    new.push(p.clone());
                }
            }
            new
        }
        Pushed::Unknown => match repo.head()? {
            Some(local) => vec![Push {
                local,
                branch: repo.current_branch().unwrap_or_default(),
                remote_old: None,
            }],
            None => return Ok((vec!["git-cadence: no commits yet".into()], false)),
        },
    };
    let thresholds = check::thresholds(file.as_ref(), CheckArgs::default());
    let release = release_branches(args, file.as_ref(), &repo, remote);
    let mut out = Vec::new();
    let mut blocked = false;
    for push in sending {
        let (unreleased, _warnings) =
            crate::commands::batch::measure(&repo, &config, push.local, now)?;
        let over: Vec<String> = check::limits(&unreleased, thresholds)
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
        let mut line = format!(
            "git-cadence: {}",
            crate::commands::batch::summary_line(&unreleased, terminal_text, str::to_string)
        );
        let gate = args.enforce && is_release_branch(&push.branch, &release);
        if !over.is_empty() {
            let _ = write!(line, " — over the check limit ({})", over.join(", "));
            if args.enforce && !gate {
                let _ = write!(
                    line,
                    "; not enforced: {} is not a release branch",
                    terminal_text(&push.branch)
                );
            }
        }
        out.push(line);
        if gate && !over.is_empty() {
            blocked = true;
            out.push(format!(
                "git-cadence: push to {} stopped (hook run --enforce); release first, or push anyway with `git push --no-verify`",
                terminal_text(&push.branch)
            ));
        }
    }
    Ok((out, blocked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_branches_are_read_from_stdin() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let zero = "0".repeat(40);
        let lines = vec![
            format!("refs/tags/v1.0 {a} refs/tags/v1.0 {zero}"),
            format!("(delete) {zero} refs/heads/gone {a}"),
            format!("refs/heads/topic {a} refs/heads/main {b}"),
            format!("refs/heads/new {b} refs/heads/new {zero}"),
            "garbage".to_string(),
        ];
        assert_eq!(
            parse_refs(&lines),
            vec![
                Push {
                    local: CommitId::from_hex(&a).expect("hex"),
                    branch: "main".into(),
                    remote_old: CommitId::from_hex(&b),
                },
                Push {
                    local: CommitId::from_hex(&b).expect("hex"),
                    branch: "new".into(),
                    remote_old: None,
                },
            ]
        );
        // Only a deletion: nothing to describe.
        assert!(parse_refs(&lines[1..2]).is_empty());
    }

    #[test]
    fn pre_commit_tells_the_push_through_its_environment() {
        let a = "a".repeat(40);
        let b = "c".repeat(40);
        let vars = |name: &str| match name {
            "PRE_COMMIT_TO_REF" => Some(a.clone()),
            "PRE_COMMIT_FROM_REF" => Some(b.clone()),
            "PRE_COMMIT_REMOTE_BRANCH" => Some("refs/heads/main".to_string()),
            _ => None,
        };
        assert_eq!(
            pre_commit_push(vars),
            Some(Push {
                local: CommitId::from_hex(&a).expect("hex"),
                branch: "main".into(),
                remote_old: CommitId::from_hex(&b),
            })
        );
        assert_eq!(pre_commit_push(|_| None), None);
    }

    #[test]
    fn release_branches_match_as_globs() {
        let globs = vec!["main".to_string(), "release/*".to_string()];
        assert!(is_release_branch("main", &globs));
        assert!(is_release_branch("release/1.2", &globs));
        assert!(!is_release_branch("feature/main", &globs));
        assert!(!is_release_branch("mainline", &globs));
        assert!(!is_release_branch("", &globs));
    }
}
