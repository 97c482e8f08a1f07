//! The unreleased batch: the commits on a line that no release has shipped yet, measured
//! cheaply (no whole-history analysis) so that `check`, `pr` and the hook answer fast on large
//! repositories:
//! - commits: reachable from HEAD and from no release (`git rev-list HEAD --not <releases>`);
//! - lines: the diff from the batch's base to HEAD with the release size rules (lock files,
//!   generated and vendored paths and `exclude` globs left out); the base is the latest
//!   release that borders the batch, see [`crate::git::unreleased::unreleased`];
//! - days: how long the longest-waiting unreleased change has waited, in whole days: now
//!   minus the later of the oldest unreleased commit's author time and the base's time (the
//!   base release's time; for an untagged base, its committer time). Author times can be
//!   years old (a branch merged long after it was written, as on Rails' main), but a change
//!   has not waited for a release longer than since the last release of its line.

use serde::Serialize;
use std::fmt::Write as _;

use crate::analysis::releases::ReleasePoint;
use crate::config::Config;
use crate::error::Result;
use crate::exclude::SizeRules;
use crate::facts::{CommitId, DiffStats, Warning};
use crate::git::diff::DiffRequest;
use crate::git::Repo;
use crate::report::model::UnmatchedTags;
use crate::report::streams;
use crate::report::text::{percent, thousands};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The unreleased batch, measured.
#[derive(Clone, Debug, Serialize)]
pub struct Unreleased {
    /// The commit measured (HEAD, or the pushed branch in the hook).
    pub head: CommitId,
    /// Tag of the release the batch grows from; `null` when the base is released history
    /// no tag names (then `base_commit` is the newest released commit on this line), or when
    /// there is no release at all.
    pub base_release: Option<String>,
    pub base_commit: Option<CommitId>,
    pub commits: u64,
    pub merges: u64,
    /// Size from the base to HEAD; `null` when there is no release yet.
    pub files_changed: Option<u64>,
    pub lines_added: Option<u64>,
    pub lines_deleted: Option<u64>,
    pub lines_changed: Option<u64>,
    /// Author time of the oldest unreleased commit.
    pub oldest_commit_time: Option<chrono::DateTime<chrono::Utc>>,
    /// How long the oldest unreleased change has waited: now minus the later of
    /// `oldest_commit_time` and the base's time. `null` when nothing is unreleased.
    pub age_seconds: Option<i64>,
    /// `age_seconds` in whole days.
    pub days: Option<u64>,
    /// Share of past releases smaller than this batch (lines changed), from the sizes an
    /// earlier run left in the size cache; `null` when none are cached.
    pub larger_than_share_of_releases: Option<f64>,
    /// Share of those past releases larger than this batch.
    pub smaller_than_share_of_releases: Option<f64>,
    /// How many cached past release sizes that share compares with.
    pub releases_compared: Option<u64>,
    /// Tags the release pattern left out that look like releases of prefixed streams (see
    /// `report`); `null` when there are none.
    pub unmatched_tags: Option<UnmatchedTags>,
}

/// Measures the unreleased batch at `head` as of `now`.
pub fn measure(
    repo: &Repo,
    config: &Config,
    head: CommitId,
    now: i64,
) -> Result<(Unreleased, Vec<Warning>)> {
    let rules = SizeRules::new(&config.excludes, config.include_all)?;
    let read = crate::pipeline::release_points_of(repo, config)?;
    let (points, mut warnings) = (read.points, read.warnings);
    let unmatched_tags = crate::analysis::unmatched::unmatched_tags(&read.unselected);
    let Measured {
        batch,
        size,
        past,
        warnings: w,
    } = measure_through_cache(repo, config, &rules, head, &points)?;
    warnings.extend(w);
    let waiting_since = match (batch.oldest_author_time, &batch.base) {
        (Some(t), Some(base)) => Some(t.max(base.time)),
        (t, _) => t,
    };
    let age = waiting_since.map(|t| (now - t).max(0));
    let unreleased = Unreleased {
        head,
        base_release: batch
            .base
            .as_ref()
            .and_then(|b| b.release)
            .map(|i| points[i].name.clone()),
        base_commit: batch.base.as_ref().map(|b| b.commit),
        commits: batch.commits,
        merges: batch.merges,
        files_changed: size.map(|s| s.files_changed),
        lines_added: size.map(|s| s.lines_added),
        lines_deleted: size.map(|s| s.lines_deleted),
        lines_changed: size.as_ref().map(DiffStats::lines_changed),
        oldest_commit_time: batch
            .oldest_author_time
            .map(crate::analysis::cadence::to_time),
        age_seconds: age,
        days: age.map(|a| (a / DAY) as u64),
        larger_than_share_of_releases: match (&past, size) {
            (Some(p), Some(s)) => larger_than_share(p, s.lines_changed()),
            _ => None,
        },
        smaller_than_share_of_releases: match (&past, size) {
            (Some(p), Some(s)) => smaller_than_share(p, s.lines_changed()),
            _ => None,
        },
        releases_compared: past.as_ref().map(|p| p.len() as u64),
        unmatched_tags,
    };
    Ok((unreleased, warnings))
}

/// The batch, its size and the past release sizes, as [`measure_through_cache`] finds them.
struct Measured {
    batch: crate::git::unreleased::Batch,
    size: Option<DiffStats>,
    past: Option<Vec<u64>>,
    warnings: Vec<Warning>,
}

/// Reads the batch at `head` through the batch cache (none with `--no-cache`):
/// - a tip measured before (same releases, rules and window): its commits and size are
///   stored, so nothing is diffed and only the release tips are read;
/// - a tip that descends from one measured before: only the commits new since then are
///   walked (`rev-list HEAD --not <releases> OLD`), and the size is measured again (one diff;
///   the base may have moved);
/// - otherwise the whole batch is walked and measured.
///
/// Past release sizes come from the size cache (10 MB on rails, slow to load) only when it
/// changed since they were last read.
fn measure_through_cache(
    repo: &Repo,
    config: &Config,
    rules: &SizeRules,
    head: CommitId,
    points: &[ReleasePoint],
) -> Result<Measured> {
    use crate::git::cache::{
        batch_cache_path, default_cache_path, BatchCache, BatchEntry, BatchKey,
    };
    let diff_cache = (!config.no_cache)
        .then(|| default_cache_path(&repo.git_dir))
        .flatten();
    let mut store = diff_cache
        .as_deref()
        .map(|p| BatchCache::load(&batch_cache_path(p)));
    let key = BatchKey {
        tip: head,
        releases: releases_fingerprint(points),
        settings: settings_fingerprint(config, rules),
    };
    let known: Option<(CommitId, BatchEntry)> = store.as_ref().and_then(|s| {
        s.candidates(key.releases, key.settings)
            .into_iter()
            .find(|(k, _)| k.tip == head || repo.is_ancestor(k.tip, head))
            .map(|(k, e)| (k.tip, e.clone()))
    });
    let (batch, commits) = crate::git::unreleased::unreleased_since(
        repo,
        head,
        points,
        known.as_ref().map(|(t, e)| (*t, e.commits.as_slice())),
    )?;
    let stored_size = known
        .as_ref()
        .filter(|(t, _)| *t == head)
        .and_then(|(_, e)| e.size.clone());
    let size = match (&batch.base, stored_size) {
        (Some(_), Some(entry)) => Some(entry),
        (Some(base), None) => {
            let request = DiffRequest {
                old: Some(base.commit),
                new: head,
                rules_from: head,
            };
            let hidden = indicatif::ProgressBar::hidden();
            crate::git::diff::measure_entries(&repo.git_dir, &[request], rules, None, &hidden)?
                .pop()
        }
        (None, _) => None,
    };
    let stamp = diff_cache.as_deref().and_then(file_stamp);
    let past = match known.as_ref().and_then(|(_, e)| e.past.clone()) {
        Some((len, mtime, sizes)) if stamp == Some((len, mtime)) => {
            (!sizes.is_empty()).then_some(sizes)
        }
        _ => cached_release_sizes(repo, config, rules, points),
    };
    if let Some(store) = store.as_mut() {
        store.insert_newest(
            key,
            BatchEntry {
                seq: 0,
                commits,
                size: size.clone(),
                past: stamp.map(|(len, mtime)| (len, mtime, past.clone().unwrap_or_default())),
            },
        );
        store.save();
    }
    Ok(Measured {
        batch,
        warnings: crate::git::diff::missing_warnings(size.as_slice()),
        size: size.map(|e| e.stats),
        past,
    })
}

/// A hash of the release commits in release order.
fn releases_fingerprint(points: &[ReleasePoint]) -> u64 {
    let mut h = crate::exclude::Fnv::new();
    for p in points {
        h.write(&p.commit.0);
        h.write(&p.time.to_le_bytes());
        h.write(p.name.as_bytes());
        h.write(&[0]);
    }
    h.finish()
}

/// A hash of the size rules and the release window.
fn settings_fingerprint(config: &Config, rules: &SizeRules) -> u64 {
    let mut h = crate::exclude::Fnv::new();
    h.write(&rules.fingerprint().to_le_bytes());
    for bound in [config.since, config.until] {
        h.write(&bound.map_or([0xff; 9], |t| {
            let mut b = [0; 9];
            b[1..].copy_from_slice(&t.to_le_bytes());
            b
        }));
    }
    h.finish()
}

/// The length and modification time (nanoseconds) of a file, to tell whether it changed.
fn file_stamp(path: &std::path::Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos() as u64;
    Some((meta.len(), mtime))
}

/// Measures diffs with the release size rules, optionally through the size cache.
pub fn measure_diffs(
    repo: &Repo,
    rules: &SizeRules,
    requests: &[DiffRequest],
    cache: Option<&std::path::Path>,
) -> Result<(Vec<DiffStats>, Vec<Warning>)> {
    let hidden = indicatif::ProgressBar::hidden();
    crate::git::diff::measure(&repo.git_dir, requests, rules, cache, &hidden)
}

/// Sizes (lines changed) of past releases as an earlier run measured them, from the size
/// cache: for each release in the `--since`/`--until` window, its diff against the latest
/// earlier release for which one is cached (the analysis measures each release against its
/// previous release, so that is the one it finds). `None` without a cache or without any
/// cached release size: computing them would take the whole analysis, which `hook run` and
/// `check` must not.
fn cached_release_sizes(
    repo: &Repo,
    config: &Config,
    rules: &SizeRules,
    points: &[ReleasePoint],
) -> Option<Vec<u64>> {
    if config.no_cache {
        return None;
    }
    let path = crate::git::cache::default_cache_path(&repo.git_dir)?;
    if !path.exists() {
        return None;
    }
    let cache = crate::git::cache::Cache::load(&path);
    let fingerprint = rules.fingerprint();
    let mut sizes = Vec::new();
    for (i, r) in points.iter().enumerate() {
        if !config.in_window(r.time) {
            continue;
        }
        let found = points[..i].iter().rev().find_map(|p| {
            cache.get(&crate::git::cache::Key {
                old: Some(p.commit),
                new: r.commit,
                rules_from: r.commit,
                rules: fingerprint,
            })
        });
        if let Some(entry) = found {
            sizes.push(entry.stats.lines_changed());
        }
    }
    (!sizes.is_empty()).then_some(sizes)
}

/// Share of `sizes` strictly larger than `value`.
#[must_use]
pub fn smaller_than_share(sizes: &[u64], value: u64) -> Option<f64> {
    if sizes.is_empty() {
        return None;
    }
    let above = sizes.iter().filter(|&&s| s > value).count();
    Some(above as f64 / sizes.len() as f64)
}

/// Share of `sizes` strictly smaller than `value`.
#[must_use]
pub fn larger_than_share(sizes: &[u64], value: u64) -> Option<f64> {
    if sizes.is_empty() {
        return None;
    }
    let below = sizes.iter().filter(|&&s| s < value).count();
    Some(below as f64 / sizes.len() as f64)
}

/// `since v4.2.0`, `since 1a2b3c4 (newest released commit)`, or why there is no release:
/// no tag matches the pattern, or tags that look like prefixed releases do not (then with the
/// `--tag-pattern` that selects them, through `tag`, which escapes or quotes it).
fn since(u: &Unreleased, tag: impl Fn(&str) -> String, sha: impl Fn(&str) -> String) -> String {
    match (&u.base_release, &u.base_commit, &u.unmatched_tags) {
        (Some(t), _, _) => format!("since {}", tag(t)),
        (None, Some(c), _) => format!("since {} (newest released commit)", sha(&c.short())),
        (None, None, Some(m)) => format!(
            "(no release: {}; pass {})",
            streams::unmatched_clause(m),
            tag(&streams::tag_pattern_flag(m)),
        ),
        (None, None, None) => "(no tag matches the release tag pattern)".to_string(),
    }
}

/// One line about the batch, without the thresholds.
#[must_use]
pub fn summary_line(
    u: &Unreleased,
    tag: impl Fn(&str) -> String,
    sha: impl Fn(&str) -> String,
) -> String {
    if u.commits == 0 {
        return format!("nothing unreleased {}", since(u, tag, sha));
    }
    let mut line = format!(
        "{} {}",
        thousands(u.commits),
        if u.commits == 1 { "commit" } else { "commits" }
    );
    if let Some(l) = u.lines_changed {
        let _ = write!(
            line,
            " / {} {}",
            thousands(l),
            if l == 1 { "line" } else { "lines" }
        );
    }
    line.push_str(" unreleased ");
    line.push_str(&since(u, tag, sha));
    if let Some(d) = u.days {
        let _ = write!(line, " ({d} {})", if d == 1 { "day" } else { "days" });
    }
    if let (Some(larger), Some(smaller)) = (
        u.larger_than_share_of_releases,
        u.smaller_than_share_of_releases,
    ) {
        let _ = write!(line, " — {}", share_phrase(larger, smaller));
    }
    line
}

/// How a size stands among past releases, said from the side that is true of most of them:
/// `larger than 87% of past releases`, `smaller than 99% of past releases`, `larger than
/// every past release`, `the size of every past release`. `larger` is the share of past
/// releases strictly smaller, `smaller` the share strictly larger (ties are in neither).
#[must_use]
pub fn share_phrase(larger: f64, smaller: f64) -> String {
    // A share short of all of them never rounds up to "100%".
    let shown = |share: f64| percent(if share < 1.0 { share.min(0.99) } else { share });
    if larger >= 1.0 {
        "larger than every past release".to_string()
    } else if smaller >= 1.0 {
        "smaller than every past release".to_string()
    } else if larger <= 0.0 && smaller <= 0.0 {
        "the size of every past release".to_string()
    } else if larger >= smaller {
        format!("larger than {} of past releases", shown(larger))
    } else {
        format!("smaller than {} of past releases", shown(smaller))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn batch(lines: Option<u64>, commits: u64, days: Option<u64>) -> Unreleased {
        Unreleased {
            head: CommitId([1; 20]),
            base_release: Some("v4.2.0".into()),
            base_commit: Some(CommitId([2; 20])),
            commits,
            merges: 0,
            files_changed: lines.map(|_| 3),
            lines_added: lines,
            lines_deleted: lines.map(|_| 0),
            lines_changed: lines,
            oldest_commit_time: None,
            age_seconds: days.map(|d| d as i64 * DAY),
            days,
            larger_than_share_of_releases: None,
            smaller_than_share_of_releases: None,
            releases_compared: None,
            unmatched_tags: None,
        }
    }

    #[test]
    fn the_summary_line_reads_naturally() {
        let u = batch(Some(2140), 23, Some(9));
        assert_eq!(
            summary_line(&u, str::to_string, str::to_string),
            "23 commits / 2,140 lines unreleased since v4.2.0 (9 days)"
        );
        let one = batch(Some(1), 1, Some(1));
        assert_eq!(
            summary_line(&one, str::to_string, str::to_string),
            "1 commit / 1 line unreleased since v4.2.0 (1 day)"
        );
        let mut untagged = batch(Some(5), 2, Some(0));
        untagged.base_release = None;
        assert_eq!(
            summary_line(&untagged, str::to_string, str::to_string),
            "2 commits / 5 lines unreleased since 0202020 (newest released commit) (0 days)"
        );
        let mut big = batch(Some(2140), 23, Some(9));
        big.larger_than_share_of_releases = Some(0.81);
        big.smaller_than_share_of_releases = Some(0.1);
        assert_eq!(
            summary_line(&big, str::to_string, str::to_string),
            "23 commits / 2,140 lines unreleased since v4.2.0 (9 days) — larger than 81% of past releases"
        );
        let nothing = batch(Some(0), 0, None);
        assert_eq!(
            summary_line(&nothing, str::to_string, str::to_string),
            "nothing unreleased since v4.2.0"
        );
        let mut no_release = batch(None, 7, Some(3));
        no_release.base_release = None;
        no_release.base_commit = None;
        assert_eq!(
            summary_line(&no_release, str::to_string, str::to_string),
            "7 commits unreleased (no tag matches the release tag pattern) (3 days)"
        );
        // Bug (issue 8): tokio's hook said "no tag matches" over 389 `tokio-*` tags.
        no_release.unmatched_tags = Some(UnmatchedTags {
            tags: 389,
            prereleases: 5,
            streams: 23,
            examples: vec!["tokio-1.47.1".into()],
            suggested_tag_pattern: "^(?P<stream>.+?)-(?P<version>.+)$".into(),
        });
        assert_eq!(
            summary_line(&no_release, str::to_string, |s| format!("`{s}`")),
            "7 commits unreleased (no release: 389 tags look like releases of 23 prefixed \
             streams but do not match the release tag pattern; pass --tag-pattern \
             '^(?P<stream>.+?)-(?P<version>.+)$') (3 days)"
        );
    }

    #[test]
    fn shares_count_strictly_smaller_releases() {
        assert_eq!(larger_than_share(&[], 5), None);
        assert_eq!(larger_than_share(&[1, 5, 10, 20], 5), Some(0.25));
        assert_eq!(larger_than_share(&[1, 5, 10, 20], 21), Some(1.0));
        assert_eq!(larger_than_share(&[1, 5, 10, 20], 0), Some(0.0));
        assert_eq!(smaller_than_share(&[], 5), None);
        assert_eq!(smaller_than_share(&[1, 5, 10, 20], 5), Some(0.5));
        assert_eq!(smaller_than_share(&[1, 5, 10, 20], 0), Some(1.0));
        assert_eq!(smaller_than_share(&[1, 5, 10, 20], 20), Some(0.0));
    }

    // Issue 10: "larger than 0.6% of past releases" read oddly; the phrase takes the side that
    // is true of most past releases.
    #[test]
    fn the_share_is_said_from_the_true_side() {
        assert_eq!(share_phrase(0.87, 0.1), "larger than 87% of past releases");
        assert_eq!(
            share_phrase(0.006, 0.99),
            "smaller than 99% of past releases"
        );
        assert_eq!(share_phrase(0.5, 0.5), "larger than 50% of past releases");
        assert_eq!(share_phrase(0.4, 0.5), "smaller than 50% of past releases");
        assert_eq!(share_phrase(1.0, 0.0), "larger than every past release");
        assert_eq!(share_phrase(0.0, 1.0), "smaller than every past release");
        assert_eq!(share_phrase(0.0, 0.0), "the size of every past release");
        // 299 of 300 smaller is not "100%".
        assert_eq!(
            share_phrase(299.0 / 300.0, 0.0),
            "larger than 99% of past releases"
        );
        assert_eq!(
            share_phrase(0.0, 0.996),
            "smaller than 99% of past releases"
        );
    }
}
