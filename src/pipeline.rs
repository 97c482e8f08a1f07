//! The run of one analysis: opens the repository, reads facts through [`crate::git`], measures
//! sizes in parallel, and hands everything to [`crate::analysis`].

use crate::analysis::releases::{place_releases, release_points, sort_release_order, ReleasePoint};
use crate::analysis::{self, reverts, Facts};
use crate::config::Config;
use crate::error::Result;
use std::collections::HashMap;

use crate::facts::{CommitId, DiffStats, Warning};
use crate::git::diff::DiffRequest;
use crate::git::{self, Repo};
use crate::report::model::Report;

/// Analyses the opened repository as of `now` (seconds).
pub fn analyse(repo: &Repo, config: &Config, now: i64) -> Result<Report> {
    let facts = read_facts(repo, config)?;
    let mut report = analysis::analyse(&facts, config, now);
    // Analysis decides; the report words the decision.
    report.summary.headline = crate::report::headline::headline(&report.summary);
    Ok(report)
}

/// Reads every fact the analysis needs.
pub fn read_facts(repo: &Repo, config: &Config) -> Result<Facts> {
    let mut warnings = Vec::new();
    // Built first: a bad --exclude glob stops the run before any work.
    let rules = crate::exclude::SizeRules::new(&config.excludes, config.include_all)?;
    let cache = if config.no_cache {
        None
    } else {
        git::cache::default_cache_path(&repo.git_dir)
    };
    let head = repo.head()?;
    let (points, point_warnings) = release_points_of(repo, config)?;
    warnings.extend(point_warnings);

    let mut tips: Vec<_> = points.iter().map(|p| p.commit).collect();
    tips.extend(head);
    tips.sort();
    tips.dedup();
    let history = git::history::read_history(repo, &tips)?;
    let releases = place_releases(points, &history);

    // Sizes: each release against its previous one; churn: each non-merge commit of a
    // release against its first parent, with the release's attributes deciding exclusions.
    let mut requests = Vec::new();
    let mut size_slot = vec![None; releases.releases.len()];
    let mut churn_slots: Vec<(usize, usize)> = Vec::new();
    for (i, r) in releases.releases.iter().enumerate() {
        if !config.in_window(r.point.time) {
            continue;
        }
        if let Some(p) = r.previous {
            size_slot[i] = Some(requests.len());
            requests.push(DiffRequest {
                old: Some(releases.releases[p].point.commit),
                new: r.point.commit,
                rules_from: r.point.commit,
            });
        }
        for &c in &r.commits {
            let commit = &history.commits[c as usize];
            if commit.is_merge() {
                continue;
            }
            churn_slots.push((i, requests.len()));
            requests.push(DiffRequest {
                old: commit
                    .parents
                    .first()
                    .map(|&p| history.commits[p as usize].id),
                new: commit.id,
                rules_from: r.point.commit,
            });
        }
    }
    let bar = crate::progress::bar(requests.len() as u64, "measuring", config.quiet);
    let (stats, diff_warnings) =
        git::diff::measure(&repo.git_dir, &requests, &rules, cache.as_deref(), &bar)?;
    bar.finish_and_clear();
    warnings.extend(diff_warnings);

    let sizes = size_slot.iter().map(|s| s.map(|k| stats[k])).collect();
    let mut churn = vec![DiffStats::default(); releases.releases.len()];
    for (release, k) in churn_slots {
        churn[release] += stats[k];
    }

    let (revert_analysis, reverted_paths) =
        read_failures(repo, config, &history, &releases, cache.as_deref())?;
    warnings.extend(revert_analysis.warnings.iter().cloned().map(Warning));

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
    releases: &crate::analysis::releases::ReleaseSet,
    cache: Option<&std::path::Path>,
) -> Result<(reverts::RevertAnalysis, HashMap<CommitId, Vec<String>>)> {
    let incidents = match &config.incidents {
        Some(path) => crate::incidents::read_incidents(path)?,
        None => crate::incidents::Incidents::default(),
    };
    let bar = crate::progress::bar(git::inverse::work(history), "reverts", config.quiet);
    let digest_cache = cache.map(git::cache::digest_cache_path);
    let digests =
        git::inverse::change_digests(&repo.git_dir, history, digest_cache.as_deref(), &bar)?;
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

/// The release points of the repository in release order: its release tags, or the deploys
/// of `--deploys`.
pub fn release_points_of(
    repo: &Repo,
    config: &Config,
) -> Result<(Vec<ReleasePoint>, Vec<Warning>)> {
    if let Some(path) = &config.deploys {
        return Ok((deploy_points(repo, path)?, Vec::new()));
    }
    let pattern = &config.tag_pattern;
    let (tags, warnings) = git::tags::read_tags(repo, |name| pattern.is_match(name))?;
    Ok((release_points(&tags, pattern, config.prereleases), warnings))
}

/// Deploys from a file, resolved to commits, as release points in release order.
pub fn deploy_points(repo: &Repo, path: &std::path::Path) -> Result<Vec<ReleasePoint>> {
    let deploys = crate::deploys::read(path)?;
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
    sort_release_order(&mut points);
    Ok(points)
}

/// Prints warnings to stderr unless quiet.
pub fn print_warnings(warnings: &[String], quiet: bool) {
    if quiet {
        return;
    }
    for w in warnings {
        eprintln!("git-cadence: warning: {w}");
    }
}
