//! `git cadence fleet`: the report of many repositories, one JSON line each.
//!
//! Each repository is analysed as `report --format json` would analyse it (its own
//! `.git-cadence.toml`, the shared flags on top) and written as that object on one line, as
//! soon as it is done; a repository that fails becomes `{"repository": {"path": …}, "error":
//! {"message": …}}` and the others go on. Lines come in the order repositories finish.
//!
//! Splitting across machines needs no coordination: `--shard I/N` keeps the paths whose FNV-1a
//! hash (of the path as listed) is I modulo N, so N machines given the same list cover it
//! exactly once and their outputs concatenate. `--resume FILE` skips a repository when FILE
//! already has a report line with its path, its current HEAD and the same settings.

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::cli::{FleetArgs, Format, SharedArgs};
use crate::error::{Error, Result};
use crate::exclude::Fnv;
use crate::Outcome;

/// Runs `fleet`.
pub fn run(shared: &SharedArgs, args: &FleetArgs, now: i64) -> Result<Outcome> {
    if let Some(f) = shared.format.filter(|f| *f != Format::Jsonl) {
        return Err(Error::BadValue {
            what: "--format".into(),
            message: format!(
                "`fleet` writes JSON Lines (`--format jsonl`), not {}",
                format!("{f:?}").to_lowercase()
            ),
        });
    }
    let mut paths = read_list(args.repos_from.as_deref())?;
    paths.extend(shared.repo.iter().map(|p| p.display().to_string()));
    let paths = dedup(paths);
    if paths.is_empty() {
        return Err(Error::BadValue {
            what: "fleet".into(),
            message: "no repositories: give --repos-from FILE (one path per line, `-` for \
                      stdin) or --repo PATH, several times"
                .into(),
        });
    }
    let listed = paths.len();
    let paths = match &args.shard {
        Some(text) => {
            let (i, n) = parse_shard(text)?;
            paths.into_iter().filter(|p| shard_of(p, n) == i).collect()
        }
        None => paths,
    };
    if args.list {
        crate::emit(|out| paths.iter().try_for_each(|p| writeln!(out, "{p}")))?;
        return Ok(Outcome::Success);
    }
    let done = match &args.resume {
        Some(file) => read_resume(file)?,
        None => HashSet::new(),
    };
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        usize::from,
    );
    let quiet = shared.quiet;
    let bar = crate::progress::bar(paths.len() as u64, "repositories", quiet);
    let tally = run_all(&paths, shared, &done, jobs, now, &bar)?;
    bar.finish_and_clear();
    if !quiet {
        crate::stderr_line(&format!(
            "git-cadence: fleet: {} analysed, {} failed, {} already in the resume file, {} in \
             other shards",
            tally.reports,
            tally.errors,
            tally.skipped,
            listed - paths.len()
        ));
    }
    Ok(Outcome::Success)
}

/// What became of the repositories of one run.
#[derive(Debug, Default)]
struct Tally {
    reports: usize,
    errors: usize,
    skipped: usize,
}

/// One repository's outcome.
enum Line {
    Report(String),
    Error(String),
    /// Already in the resume file.
    Skipped,
}

/// Analyses `paths` on `jobs` threads, writing each line to stdout as it is done.
fn run_all(
    paths: &[String],
    shared: &SharedArgs,
    done: &HashSet<ResumeKey>,
    jobs: usize,
    now: i64,
    bar: &indicatif::ProgressBar,
) -> Result<Tally> {
    let next = AtomicUsize::new(0);
    let out = Mutex::new((std::io::stdout(), Tally::default(), None::<std::io::Error>));
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(paths.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(i) else { break };
                let line = analyse_guarded(path, shared, done, now);
                let mut guard = out
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (stdout, tally, failed) = &mut *guard;
                let text = match line {
                    Line::Report(t) => {
                        tally.reports += 1;
                        Some(t)
                    }
                    Line::Error(t) => {
                        tally.errors += 1;
                        Some(t)
                    }
                    Line::Skipped => {
                        tally.skipped += 1;
                        None
                    }
                };
                if let (Some(text), None) = (text, failed.as_ref()) {
                    let mut lock = stdout.lock();
                    if let Err(e) = lock
                        .write_all(text.as_bytes())
                        .and_then(|()| lock.write_all(b"\n"))
                        .and_then(|()| lock.flush())
                    {
                        *failed = Some(e);
                    }
                }
                bar.inc(1);
                if failed.is_some() {
                    // Nowhere to write: stop taking repositories.
                    next.store(paths.len(), Ordering::Relaxed);
                }
            });
        }
    });
    let (_, tally, failed) = out
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match failed {
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(tally),
        Some(e) => Err(Error::Output(e)),
        None => Ok(tally),
    }
}

/// [`analyse_one`], with a panic turned into an error line: one repository never stops the
/// rest.
fn analyse_guarded(path: &str, shared: &SharedArgs, done: &HashSet<ResumeKey>, now: i64) -> Line {
    let run = std::panic::AssertUnwindSafe(|| analyse_one(path, shared, done, now));
    match std::panic::catch_unwind(run) {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => error_line(path, &e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            error_line(path, &format!("internal error: {what}"))
        }
    }
}

/// The report line of one repository, or `Skipped` when the resume file has it.
fn analyse_one(
    path: &str,
    shared: &SharedArgs,
    done: &HashSet<ResumeKey>,
    now: i64,
) -> Result<Line> {
    let mut args = shared.clone();
    args.repo = vec![PathBuf::from(path)];
    args.format = Some(Format::Json);
    // Warnings are in each line's `warnings`; per-repository progress would garble the bar.
    args.quiet = true;
    let (repo, config, _) = super::load(args)?;
    if !done.is_empty() {
        let key = ResumeKey {
            path: repo.display_path.display().to_string(),
            head: repo.head()?.map(|h| h.to_hex()),
            settings: serde_json::to_value(crate::analysis::report_settings(&config))
                .map_err(|e| Error::Output(e.into()))?
                .to_string(),
        };
        if done.contains(&key) {
            return Ok(Line::Skipped);
        }
    }
    let report = crate::pipeline::analyse(&repo, &config, now)?;
    let text = serde_json::to_string(&report).map_err(|e| Error::Output(e.into()))?;
    Ok(Line::Report(text))
}

fn error_line(path: &str, message: &str) -> Line {
    Line::Error(
        serde_json::json!({
            "repository": { "path": path },
            "error": { "message": message },
        })
        .to_string(),
    )
}

/// The paths of `--repos-from` (a file, or `-` for stdin): one per line, blank lines skipped,
/// surrounding spaces and a trailing CR trimmed.
fn read_list(file: Option<&Path>) -> Result<Vec<String>> {
    let Some(file) = file else {
        return Ok(Vec::new());
    };
    let unreadable = |e: std::io::Error| Error::UnreadableFile {
        path: file.to_path_buf(),
        message: e.to_string(),
    };
    let lines: Vec<String> = if file == Path::new("-") {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<std::io::Result<_>>()
            .map_err(unreadable)?
    } else {
        std::fs::read_to_string(file)
            .map_err(unreadable)?
            .lines()
            .map(str::to_string)
            .collect()
    };
    Ok(lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// The paths in their first order, each once.
fn dedup(paths: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    paths
        .into_iter()
        .filter(|p| seen.insert(p.clone()))
        .collect()
}

/// `I/N` with `0 <= I < N`.
fn parse_shard(text: &str) -> Result<(u64, u64)> {
    let bad = || Error::BadValue {
        what: "--shard".into(),
        message: format!("`{text}` is not I/N with 0 <= I < N (e.g. 0/4 .. 3/4 for four machines)"),
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: u64 = i.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// The shard of `path` among `n`: its FNV-1a hash modulo `n` (the same on every machine and
/// every version of git-cadence).
fn shard_of(path: &str, n: u64) -> u64 {
    let mut h = Fnv::new();
    h.write(path.as_bytes());
    h.finish() % n
}

/// What makes a report line in the resume file stand for a repository now.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ResumeKey {
    path: String,
    head: Option<String>,
    /// The `settings` object, as compact JSON.
    settings: String,
}

/// The report lines of an earlier run's output. Error lines, and lines that are not JSON (a
/// run killed mid-line), are not done: those repositories run again.
fn read_resume(file: &Path) -> Result<HashSet<ResumeKey>> {
    let text = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => {
            return Err(Error::UnreadableFile {
                path: file.to_path_buf(),
                message: e.to_string(),
            })
        }
    };
    Ok(text
        .split(|&b| b == b'\n')
        .filter_map(|line| serde_json::from_slice::<serde_json::Value>(line).ok())
        .filter(|v| v.get("error").is_none())
        .filter_map(|v| {
            Some(ResumeKey {
                path: v.pointer("/repository/path")?.as_str()?.to_string(),
                head: v
                    .pointer("/repository/head")
                    .and_then(|h| h.as_str())
                    .map(str::to_string),
                settings: v.get("settings")?.to_string(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_any_list() {
        let paths: Vec<String> = (0..500).map(|i| format!("/srv/git/repo-{i}.git")).collect();
        for n in [1, 2, 3, 7] {
            let mut seen = vec![0usize; paths.len()];
            let mut sizes = Vec::new();
            for i in 0..n {
                let mine: Vec<usize> = (0..paths.len())
                    .filter(|&k| shard_of(&paths[k], n) == i)
                    .collect();
                sizes.push(mine.len());
                for k in mine {
                    seen[k] += 1;
                }
            }
            assert!(seen.iter().all(|&s| s == 1), "n = {n}");
            // Balanced within reason: no shard under half its fair share.
            let fair = paths.len() / n as usize;
            assert!(sizes.iter().all(|&s| s * 2 >= fair), "{sizes:?}");
        }
        // Stable: the value is fixed, not a per-process hash.
        assert_eq!(shard_of("/srv/git/repo-0.git", 1_000_003), {
            let mut h = Fnv::new();
            h.write(b"/srv/git/repo-0.git");
            h.finish() % 1_000_003
        });
    }

    #[test]
    fn shard_text_is_checked() {
        assert_eq!(parse_shard("0/4").ok(), Some((0, 4)));
        assert_eq!(parse_shard(" 3 / 4 ").ok(), Some((3, 4)));
        for bad in ["4/4", "1/0", "x/2", "1", "-1/2", ""] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_skip_blanks_and_duplicates_keep_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("list");
        std::fs::write(&f, "b\n\n  a  \r\nb\nc\n").expect("write");
        let paths = dedup(read_list(Some(&f)).expect("list"));
        assert_eq!(paths, ["b", "a", "c"]);
        assert!(read_list(Some(&dir.path().join("nope"))).is_err());
    }

    #[test]
    fn resume_keeps_report_lines_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("out.jsonl");
        std::fs::write(
            &f,
            "{\"repository\":{\"path\":\"/a\",\"head\":\"ab\"},\"settings\":{\"x\":1}}\n\
             {\"repository\":{\"path\":\"/b\"},\"error\":{\"message\":\"no\"}}\n\
             {\"repository\":{\"path\":\"/c\",\"he",
        )
        .expect("write");
        let keys = read_resume(&f).expect("read");
        assert_eq!(keys.len(), 1);
        assert!(keys.contains(&ResumeKey {
            path: "/a".into(),
            head: Some("ab".into()),
            settings: "{\"x\":1}".into(),
        }));
        assert!(read_resume(&dir.path().join("missing"))
            .expect("empty")
            .is_empty());
    }
}
