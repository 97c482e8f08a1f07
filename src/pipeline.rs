//! The run of one analysis: opens the repository, reads facts through [`crate::git`], measures
//! sizes in parallel, and hands everything to [`crate::analysis`].

use std::collections::HashMap;

use crate::analysis::releases::{place_releases, release_points, ReleasePoint, ReleaseSet};
use crate::analysis::{self, reverts, Facts};
use crate::config::Config;
use crate::error::Result;

use crate::exclude::SizeRules;
use crate::facts::{CommitId, CommitIdx, DiffStats, History, Warning};
use crate::git::diff::DiffRequest;
use crate::git::{self, Repo};
use crate::report::escape::terminal_text;
use crate::report::model::{Report, StreamListing};

/// Analyses the opened repository as of `now` (seconds).
pub fn analyse(repo: &Repo, config: &Config, now: i64) -> Result<Report> {
    let facts = read_facts(repo, config)?;
    let mut report = analysis::analyse(&facts, config, now);
    // Analysis decides; the report words the decision.
    report.summary.headline = crate::report::headline::headline(&report.summary);
    if let Some(u) = &report.unmatched_tags {
        report
            .warnings
            .push(crate::report::streams::unmatched_warning(u));
    }
    Ok(report)
}

/// Reads every fact the analysis needs.
pub fn read_facts(repo: &Repo, config: &Config) -> Result<Facts> {
    let mut warnings = Vec::new();
    // Built first: a bad --exclude glob stops the run before any work.
    let rules = SizeRules::new(&config.excludes, config.include_all)?;
    let cache = if config.no_cache {
        None
    } else {
        git::cache::default_cache_path(&repo.git_dir)
    };
    let head = repo.head()?;
    let read = release_points_of(repo, config)?;
    warnings.extend(read.warnings);
    warnings.extend(unknown_bound_streams(config, &read.points));

    let mut tips: Vec<_> = read.points.iter().map(|p| p.commit).collect();
    tips.extend(head);
    tips.sort();
    tips.dedup();
    let (history, trees) = git::history::read_history_and_trees(repo, &tips)?;
    let mut releases = place_releases(read.points, &history);
    let (sizes, churn, diff_warnings) = measure_releases(
        repo,
        config,
        &rules,
        cache.as_deref(),
        &history,
        &mut releases,
    )?;
    warnings.extend(diff_warnings);

    let (revert_analysis, reverted_paths) =
        read_failures(repo, config, &history, &trees, &releases, cache.as_deref())?;
    warnings.extend(revert_analysis.warnings.iter().cloned().map(Warning));
    let workspace_packages = workspace_packages(
        repo,
        releases.releases.iter().map(|r| r.point.commit).chain(head),
    );

    Ok(Facts {
        path: repo.display_path.display().to_string(),
        head,
        history,
        releases,
        sizes,
        churn,
        excluded_rules: rules.describe(),
        from_deploys: config.deploys.is_some(),
        reverts: revert_analysis,
        reverted_paths,
        unmatched_tags: read.unselected,
        workspace_packages,
        incidents_file: config.incidents.as_ref().map(|p| p.display().to_string()),
        warnings,
    })
}

/// Reverts, fixes and incidents and what they did to the releases, with the paths changed by
/// the commits they undo, name or list (read from git between the two analysis stages).
fn read_failures(
    repo: &Repo,
    config: &Config,
    history: &crate::facts::History,
    trees: &git::history::RootTrees,
    releases: &crate::analysis::releases::ReleaseSet,
    cache: Option<&std::path::Path>,
) -> Result<(reverts::RevertAnalysis, HashMap<CommitId, Vec<String>>)> {
    let incidents = match &config.incidents {
        Some(path) => crate::incidents::read_incidents(path, config.incidents_named_by())?,
        None => crate::incidents::Incidents::default(),
    };
    let bar = crate::progress::bar(git::inverse::work(history), "reverts", config.quiet);
    let digest_cache = cache.map(git::cache::digest_cache_path);
    let digests = git::inverse::change_digests_with_trees(
        &repo.git_dir,
        history,
        Some(trees),
        digest_cache.as_deref(),
        &bar,
    )?;
    bar.finish_and_clear();
    let pairs = reverts::inverse_pairs(history, &digests);
    let remedies = reverts::find_remedies(
        history,
        releases,
        &pairs,
        &incidents,
        &config.incident_pattern,
    );
    let paths = git::paths::changed_paths(&repo.git_dir, &remedies.commits_needing_paths(history))?;
    let analysis = reverts::analyse_reverts(
        history,
        releases,
        &remedies,
        &incidents,
        &paths,
        reverts::FailureRules {
            signals: config.failure,
            non_production: &config.non_production,
        },
    );
    Ok((analysis, paths))
}

/// Diffs to measure, in groups that share size rules: group 0 counts the whole tree, and
/// each stream bound to paths has a group of its own restricted to its paths.
struct Batch {
    groups: Vec<(SizeRules, Vec<DiffRequest>)>,
}

/// Where a request sits in a [`Batch`]: its group, and its place in the group.
type Slot = (usize, usize);

impl Batch {
    fn push(&mut self, group: usize, request: DiffRequest) -> Slot {
        let list = &mut self.groups[group].1;
        list.push(request);
        (group, list.len() - 1)
    }

    /// Measures every group with its rules, under one progress bar; the stats by slot.
    fn measure(
        &self,
        repo: &Repo,
        cache: Option<&std::path::Path>,
        quiet: bool,
    ) -> Result<(Vec<Vec<DiffStats>>, Vec<Warning>)> {
        let total = self.groups.iter().map(|(_, r)| r.len() as u64).sum();
        let bar = crate::progress::bar(total, "measuring", quiet);
        let mut stats = Vec::with_capacity(self.groups.len());
        let mut warnings: Vec<Warning> = Vec::new();
        for (rules, requests) in &self.groups {
            if requests.is_empty() {
                stats.push(Vec::new());
                continue;
            }
            let (s, w) = git::diff::measure(&repo.git_dir, requests, rules, cache, &bar)?;
            stats.push(s);
            // A blob missing from the clone is named once, whichever group met it.
            for x in w {
                if !warnings.contains(&x) {
                    warnings.push(x);
                }
            }
        }
        bar.finish_and_clear();
        Ok((stats, warnings))
    }
}

/// Per release: its size (`None` for the first of a line, or outside the window) and its
/// churn; and the warnings measuring gave.
type Measured = (Vec<Option<DiffStats>>, Option<Vec<DiffStats>>, Vec<Warning>);

/// Sizes and churn per release (`None` / zero outside the window; churn `None` unless `--churn`), measured in parallel.
/// For each stream bound to paths, also which commits of each release touch its paths:
/// written into the releases' `bound_commits` (for every release of the stream, since
/// failures look at releases outside the window too).
///
/// Sizes: each release against its previous one; churn: each non-merge commit of a release
/// against its first parent, with the release's attributes deciding exclusions. A bound
/// stream measures both within its paths, and a merge of it against its first parent to tell
/// whether the merge brought changes to its paths.
fn measure_releases(
    repo: &Repo,
    config: &Config,
    rules: &SizeRules,
    cache: Option<&std::path::Path>,
    history: &History,
    releases: &mut ReleaseSet,
) -> Result<Measured> {
    let mut batch = Batch {
        groups: vec![(rules.clone(), Vec::new())],
    };
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (name, scope) in &config.streams {
        group_of.insert(name, batch.groups.len());
        batch
            .groups
            .push((rules.clone().within(scope.clone()), Vec::new()));
    }
    let n = releases.releases.len();
    let mut size_slot: Vec<Option<Slot>> = vec![None; n];
    let mut commit_slots: Vec<Vec<(CommitIdx, Slot)>> = vec![Vec::new(); n];
    for (i, r) in releases.releases.iter().enumerate() {
        let group = group_of.get(r.point.stream.as_str()).copied().unwrap_or(0);
        let in_window = config.in_window(r.point.time);
        if let (true, Some(p)) = (in_window, r.previous) {
            size_slot[i] = Some(batch.push(
                group,
                DiffRequest {
                    old: Some(releases.releases[p].point.commit),
                    new: r.point.commit,
                    rules_from: r.point.commit,
                },
            ));
        }
        // Unbound streams diff their commits only for churn, which is measured only when
        // asked for (it is most of a first run's cost); bound streams need them to know
        // which commits touch their paths.
        if group == 0 && !(in_window && config.churn) {
            continue;
        }
        for &c in &r.commits {
            let commit = &history.commits[c as usize];
            if commit.is_merge() && group == 0 {
                continue;
            }
            let request = DiffRequest {
                old: commit
                    .parents
                    .first()
                    .map(|&p| history.commits[p as usize].id),
                new: commit.id,
                rules_from: r.point.commit,
            };
            commit_slots[i].push((c, batch.push(group, request)));
        }
    }
    let (stats, warnings) = batch.measure(repo, cache, config.quiet)?;
    let at = |(g, k): Slot| stats[g][k];

    let sizes = size_slot.iter().map(|s| s.map(at)).collect();
    let mut churn = vec![DiffStats::default(); n];
    for (i, slots) in commit_slots.iter().enumerate() {
        let release = &mut releases.releases[i];
        if group_of.contains_key(release.point.stream.as_str()) {
            release.bound_commits = Some(
                slots
                    .iter()
                    .filter(|&&(_, s)| at(s).touches_anything())
                    .map(|&(c, _)| c)
                    .collect(),
            );
        }
        if config.in_window(release.point.time) {
            for &(c, s) in slots {
                if !history.commits[c as usize].is_merge() {
                    churn[i] += at(s);
                }
            }
        }
    }
    Ok((sizes, config.churn.then_some(churn), warnings))
}

/// The workspace packages declared at any of `commits` (HEAD and the releases), each (name,
/// directory) once: a package that moved (`ignore/`, later `crates/ignore/`) shows both
/// directories.
fn workspace_packages(
    repo: &Repo,
    commits: impl Iterator<Item = crate::facts::CommitId>,
) -> Vec<crate::facts::WorkspacePackage> {
    let mut commits: Vec<_> = commits.collect();
    commits.sort();
    commits.dedup();
    let mut all: Vec<_> = commits
        .into_iter()
        .flat_map(|c| git::workspace::packages(repo, c))
        .collect();
    all.sort_by(|a, b| (&a.name, &a.dir).cmp(&(&b.name, &b.dir)));
    all.dedup();
    all
}

/// What `releases --streams` shows: the streams the pattern selects, with their release
/// counts, paths and suggested paths, and the tags it leaves out — read without measuring
/// anything. Also the warnings reading them gave.
pub fn list_streams(repo: &Repo, config: &Config) -> Result<(StreamListing, Vec<Warning>)> {
    let read = release_points_of(repo, config)?;
    let mut warnings = read.warnings;
    warnings.extend(unknown_bound_streams(config, &read.points));
    let head = repo.head()?;
    let packages = workspace_packages(repo, read.points.iter().map(|p| p.commit).chain(head));
    let unmatched_tags = analysis::unmatched::unmatched_tags(&read.unselected);
    if let Some(u) = &unmatched_tags {
        warnings.push(Warning(crate::report::streams::unmatched_warning(u)));
    }
    let listing = StreamListing {
        schema_version: crate::report::model::SCHEMA_VERSION,
        repository: crate::report::model::RepositoryInfo {
            path: repo.display_path.display().to_string(),
            head,
        },
        streams: analysis::stream_paths(&read.points, config, &packages),
        unmatched_tags,
    };
    Ok((listing, warnings))
}

/// The release points of a repository, with what reading them found.
#[derive(Debug, Default)]
pub struct ReleasePoints {
    /// In release order.
    pub points: Vec<ReleasePoint>,
    pub warnings: Vec<Warning>,
    /// Names of the tags the release pattern did not select (none with deploys).
    pub unselected: Vec<String>,
}

/// The release points of the repository in release order: its release tags, or the deploys
/// of `--deploys`.
pub fn release_points_of(repo: &Repo, config: &Config) -> Result<ReleasePoints> {
    if let Some(path) = &config.deploys {
        return Ok(ReleasePoints {
            points: deploy_points(repo, path, config.deploys_named_by())?,
            ..ReleasePoints::default()
        });
    }
    let pattern = &config.tag_pattern;
    let tags = git::tags::read_tags(repo, |name| pattern.is_match(name))?;
    Ok(ReleasePoints {
        points: release_points(&tags.tags, pattern, config.prereleases),
        warnings: tags.warnings,
        unselected: tags.unselected,
    })
}

/// A warning for each stream bound to paths that no release belongs to (a typo, or a
/// pattern that names the stream otherwise).
fn unknown_bound_streams(config: &Config, points: &[ReleasePoint]) -> Vec<Warning> {
    let known: std::collections::BTreeSet<&str> =
        points.iter().map(|p| p.stream.as_str()).collect();
    config
        .streams
        .keys()
        .filter(|name| !known.contains(name.as_str()))
        .map(|name| {
            let streams: Vec<String> = known
                .iter()
                .take(8)
                .map(|s| {
                    if s.is_empty() {
                        "(unprefixed)".to_string()
                    } else {
                        format!("`{}`", terminal_text(s))
                    }
                })
                .collect();
            Warning(format!(
                "stream `{}` is bound to paths, but no release belongs to it (the \
                 release streams are: {}{})",
                terminal_text(name),
                if streams.is_empty() {
                    "none".to_string()
                } else {
                    streams.join(", ")
                },
                if known.len() > 8 { ", …" } else { "" }
            ))
        })
        .collect()
}

/// Deploys from a file, resolved to commits, as release points in release order.
pub fn deploy_points(
    repo: &Repo,
    path: &std::path::Path,
    named_by: crate::input::NamedBy,
) -> Result<Vec<ReleasePoint>> {
    let deploys = crate::deploys::read(path, named_by)?;
    let mut points: Vec<ReleasePoint> = Vec::new();
    let mut seen: std::collections::HashMap<(String, crate::facts::CommitId), usize> =
        std::collections::HashMap::new();
    for d in deploys {
        let commit =
            repo.resolve_commit(&d.commit)
                .map_err(|e| crate::error::Error::BadFileLine {
                    path: path.to_path_buf(),
                    line: d.line,
                    message: e.to_string(),
                })?;
        // The same commit deployed again to one environment is one release, dated by the
        // first deploy (like two tags on one commit).
        if let Some(&i) = seen.get(&(d.environment.clone(), commit)) {
            points[i].time = points[i].time.min(d.time);
            continue;
        }
        seen.insert((d.environment.clone(), commit), points.len());
        let name = if d.environment.is_empty() {
            commit.short()
        } else {
            format!("{}@{}", d.environment, commit.short())
        };
        points.push(ReleasePoint {
            name,
            other_names: Vec::new(),
            version: None,
            stream: d.environment,
            commit,
            time: d.time,
        });
    }
    // By time only, and stably: deploys at one time keep the file's order (never the short
    // sha's); `place_releases` then puts an ancestor first.
    points.sort_by_key(|p| p.time);
    Ok(points)
}

/// Prints warnings to stderr unless quiet.
pub fn print_warnings(warnings: &[String], quiet: bool) {
    if quiet {
        return;
    }
    for w in warnings {
        crate::stderr_line(&format!("git-cadence: warning: {w}"));
    }
}
