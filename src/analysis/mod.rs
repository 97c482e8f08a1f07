//! Pure analysis: facts and a `now` in, the report model out. No I/O, no clock, no git2.

pub mod cadence;
pub mod evidence;
pub mod releases;
pub mod repeats;
pub mod reverts;
pub mod stats;
pub mod ties;
pub mod unmatched;
pub mod yearly;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::config::Config;
use crate::facts::{CommitId, DiffStats, History, Warning};
use crate::report::model::{
    Excluded, FixRow, IncidentRow, ReleaseRow, RepeatIncidents, Report, RepositoryInfo,
    RevertCounts, RevertRow, Settings, SizeVsFailure, StreamSummary, Summary, SCHEMA_VERSION,
};

use cadence::{to_time, Beat};
use evidence::{size_vs_failure, ReleaseEvidence};
use releases::ReleaseSet;
use repeats::RevertIncident;
use reverts::{RevertAnalysis, Signal};
use stats::{median_i64, percentile_i64};

/// Everything read from the repository that the analysis needs.
#[derive(Debug, Default)]
pub struct Facts {
    /// The repository as shown to people.
    pub path: String,
    pub head: Option<CommitId>,
    pub history: History,
    pub releases: ReleaseSet,
    /// Per release: its size against its previous release (`None` for the first of a line).
    pub sizes: Vec<Option<DiffStats>>,
    /// Per release: churn summed over its non-merge commits; `None` when churn was not
    /// measured (it is asked for with `--churn`).
    pub churn: Option<Vec<DiffStats>>,
    /// The size exclusion rules in force, described for people.
    pub excluded_rules: Vec<String>,
    /// Whether releases came from a deploys file rather than tags.
    pub from_deploys: bool,
    /// Reverts, fixes and what they did to each release.
    pub reverts: RevertAnalysis,
    /// Paths changed by each commit that a failure event undoes, names or lists (against its
    /// first parent): production paths and repeat-failure footprints.
    pub reverted_paths: HashMap<CommitId, Vec<String>>,
    /// Names of the tags the release pattern did not select.
    pub unmatched_tags: Vec<String>,
    /// The workspace packages declared at HEAD (for `--stream-path` suggestions).
    pub workspace_packages: Vec<crate::facts::WorkspacePackage>,
    /// The incidents file, as given.
    pub incidents_file: Option<String>,
    pub warnings: Vec<Warning>,
}

/// Builds the report from facts. `now` is seconds since the epoch.
#[must_use]
pub fn analyse(facts: &Facts, config: &Config, now: i64) -> Report {
    let rows = release_rows(facts, config);
    let mut excluded = Excluded {
        rules: facts.excluded_rules.clone(),
        ..Excluded::default()
    };
    for (row, size) in rows.iter().zip(&facts.sizes) {
        if let (true, Some(size)) = (row.in_window, size) {
            excluded.files += size.excluded_files;
            excluded.lines += size.excluded_lines;
        }
    }
    let mut lists = Lists {
        reverts: facts.reverts.reverts.clone(),
        fixes: facts.reverts.fixes.clone(),
        incidents: facts.reverts.incidents.clone(),
    };
    let repeats = repeat_failures(&mut lists, facts, config);
    let listed: Vec<&ReleaseRow> = rows.iter().filter(|r| r.in_window).collect();
    let end = config.until.map_or(now, |u| u.min(now));
    let mut summary = summarise(&listed, end, config.window_days);
    let seen = signals_seen(
        config,
        &facts.reverts.counts,
        facts.incidents_file.is_some(),
    );
    let visible = !seen.is_empty();
    let evidence: Vec<ReleaseEvidence> = rows
        .iter()
        .zip(&facts.reverts.per_release)
        .filter(|(r, _)| r.in_window)
        .filter_map(|(r, hit)| {
            Some(ReleaseEvidence {
                tag: r.tag.clone(),
                lines_changed: r.lines_changed?,
                failed: r.failed,
                time_to_restore: r.time_to_restore_seconds,
                time_to_remedy: r.time_to_remedy_seconds,
                commits: r.commits,
                reverted_commits: hit.reverted_commits,
            })
        })
        .collect();
    summary.size_vs_failure = size_vs_failure(&evidence, visible);
    summary.repeat_incidents = repeats;
    summary.revert_counts = facts.reverts.counts.clone();
    summary.failure_signals = config
        .failure
        .names()
        .iter()
        .map(ToString::to_string)
        .collect();
    summary.failure_signals_seen = seen;
    summary.incident_linked_only = config.failure.incident_linked;
    // Over the listed releases that have a previous release, as PRODUCT.md defines it; when
    // failures cannot be seen there is no rate to give (never "0%").
    let measured: Vec<&&ReleaseRow> = listed.iter().filter(|r| r.previous.is_some()).collect();
    summary.releases_with_previous = measured.len() as u64;
    summary.failed_releases = measured.iter().filter(|r| r.failed).count() as u64;
    summary.change_failure_rate = if visible {
        reverts::change_failure_rate(listed.iter().map(|r| (r.previous.is_some(), r.failed)))
    } else {
        None
    };
    let clock = |f: fn(&ReleaseRow) -> Option<i64>| {
        let values: Vec<i64> = listed.iter().filter_map(|r| f(r)).collect();
        median_i64(&values)
    };
    summary.time_to_restore_median_seconds = clock(|r| r.time_to_restore_seconds);
    summary.time_to_remedy_median_seconds = clock(|r| r.time_to_remedy_seconds);
    let mut settings = settings(config, facts.from_deploys);
    settings.incidents.clone_from(&facts.incidents_file);
    Report {
        schema_version: SCHEMA_VERSION,
        repository: RepositoryInfo {
            path: facts.path.clone(),
            head: facts.head,
        },
        generated_at: to_time(now),
        settings,
        releases: rows.into_iter().filter(|r| r.in_window).collect(),
        reverts: lists.reverts,
        fixes: lists.fixes,
        incidents: lists.incidents,
        summary,
        excluded,
        warnings: facts.warnings.iter().map(ToString::to_string).collect(),
        unmatched_tags: unmatched::unmatched_tags(&facts.unmatched_tags),
        streams: stream_paths(
            facts.releases.releases.iter().map(|r| &r.point),
            config,
            &facts.workspace_packages,
        ),
    }
}

/// Every release stream with its releases in the window, its paths, and — when it is not
/// bound — the directories a workspace package of its name had at HEAD or at a release.
pub fn stream_paths<'a>(
    points: impl IntoIterator<Item = &'a releases::ReleasePoint>,
    config: &Config,
    packages: &[crate::facts::WorkspacePackage],
) -> Vec<crate::report::model::StreamPaths> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for p in points {
        let n = counts.entry(p.stream.as_str()).or_default();
        *n += u64::from(config.in_window(p.time));
    }
    counts
        .into_iter()
        .map(|(stream, releases)| {
            let paths = config
                .streams
                .get(stream)
                .map(|s| s.paths().to_vec())
                .unwrap_or_default();
            let suggested_paths = if paths.is_empty() && !stream.is_empty() {
                packages
                    .iter()
                    .filter(|p| p.name == stream)
                    .map(|p| p.dir.clone())
                    .collect()
            } else {
                Vec::new()
            };
            crate::report::model::StreamPaths {
                stream: stream.to_string(),
                releases,
                paths,
                suggested_paths,
            }
        })
        .collect()
}

/// The revert, fix and incident rows of the report.
struct Lists {
    reverts: Vec<RevertRow>,
    fixes: Vec<FixRow>,
    incidents: Vec<IncidentRow>,
}

/// The failure signals looked for that this history offers: a revert (an incident-linked one
/// under `incident-linked`), a `Fixes:` trailer (likewise), an incidents file. Sorted.
fn signals_seen(config: &Config, counts: &RevertCounts, incidents_file: bool) -> Vec<String> {
    let f = config.failure;
    let (reverts, fixes) = if f.incident_linked {
        (counts.incident_linked, counts.fixes_incident_linked)
    } else {
        (counts.total, counts.fixes)
    };
    [
        (f.fix && fixes > 0, "fix"),
        (f.incident && incidents_file, "incident"),
        (f.revert && reverts > 0, "revert"),
    ]
    .into_iter()
    .filter(|(seen, _)| *seen)
    .map(|(_, name)| name.to_string())
    .collect()
}

/// Footprints and repeat flags of the counted failure events (a cherry-picked revert is the
/// same failure as its original and is left out; an incident that lists no commit has no
/// footprint and is left out), on production paths only, written into the rows.
fn repeat_failures(lists: &mut Lists, facts: &Facts, config: &Config) -> RepeatIncidents {
    let chosen: Vec<&reverts::FailureEvent> = facts
        .reverts
        .events
        .iter()
        // A counted event that no release answers for (it undid only commits outside every
        // bound stream's paths) is no failure, so it has no footprint either.
        .filter(|e| e.counts && e.hit && !e.cherry_pick && !e.targets.is_empty())
        .collect();
    let history = &facts.history;
    let events: Vec<RevertIncident> = chosen
        .iter()
        .map(|e| {
            let targets: Vec<CommitId> = e
                .targets
                .iter()
                .map(|&t| history.commits[t as usize].id)
                .collect();
            RevertIncident {
                commit: e
                    .remedy
                    .map_or(targets[0], |c| history.commits[c as usize].id),
                time: e.at,
                reverted: targets,
            }
        })
        .collect();
    let production: HashMap<CommitId, Vec<String>> = facts
        .reverted_paths
        .iter()
        .map(|(id, paths)| {
            let kept = paths
                .iter()
                .filter(|p| !config.non_production.matches(p))
                .cloned()
                .collect();
            (*id, kept)
        })
        .collect();
    let found = repeats::repeat_incidents(
        &events,
        &production,
        config.component_depth,
        config.lookback_days,
    );
    for (e, footprint) in chosen.iter().zip(found.incidents) {
        let (components, repeat) = match e.signal {
            Signal::Revert => {
                let r = &mut lists.reverts[e.row];
                (&mut r.components, &mut r.repeat)
            }
            Signal::Fix => {
                let r = &mut lists.fixes[e.row];
                (&mut r.components, &mut r.repeat)
            }
            Signal::Incident => {
                let r = &mut lists.incidents[e.row];
                (&mut r.components, &mut r.repeat)
            }
        };
        *components = footprint.components;
        *repeat = footprint.repeat;
    }
    let mut summary = found.summary;
    summary.per_year = yearly::per_year(chosen.iter().zip(&events).map(|(e, ev)| {
        let repeat = match e.signal {
            Signal::Revert => lists.reverts[e.row].repeat,
            Signal::Fix => lists.fixes[e.row].repeat,
            Signal::Incident => lists.incidents[e.row].repeat,
        };
        (ev.time, repeat)
    }));
    summary.label = if config.failure.only_incidents() {
        "repeat_incidents"
    } else {
        "repeat_failures"
    }
    .to_string();
    summary
}

/// One row per release, in release order, with `in_window` telling which to list.
fn release_rows(facts: &Facts, config: &Config) -> Vec<ReleaseRow> {
    let set = &facts.releases;
    set.releases
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let commits: Vec<&crate::facts::CommitFacts> = r
                .own_commits()
                .iter()
                .map(|&c| &facts.history.commits[c as usize])
                .collect();
            let authors: HashSet<String> = commits
                .iter()
                .map(|c| c.author_email.to_lowercase())
                .collect();
            // Author clocks can run ahead of the tagger's; a negative lead time means zero.
            let leads: Vec<i64> = commits
                .iter()
                .map(|c| (r.point.time - c.author_time).max(0))
                .collect();
            let previous = r.previous.map(|p| &set.releases[p]);
            let size = facts.sizes.get(i).copied().flatten();
            let churn = facts
                .churn
                .as_ref()
                .map(|c| c.get(i).copied().unwrap_or_default());
            let hit = facts
                .reverts
                .per_release
                .get(i)
                .cloned()
                .unwrap_or_default();
            let in_window = config.in_window(r.point.time);
            ReleaseRow {
                tag: r.point.name.clone(),
                other_tags: r.point.other_names.clone(),
                version: r.point.version.as_ref().map(ToString::to_string),
                stream: r.point.stream.clone(),
                commit: r.point.commit,
                time: to_time(r.point.time),
                previous: previous.map(|p| p.point.name.clone()),
                interval_seconds: previous.map(|p| r.point.time - p.point.time),
                commits: commits.len() as u64,
                merges: commits.iter().filter(|c| c.is_merge()).count() as u64,
                authors: authors.len() as u64,
                files_changed: size.map(|s| s.files_changed),
                lines_added: size.map(|s| s.lines_added),
                lines_deleted: size.map(|s| s.lines_deleted),
                lines_changed: size.map(|s| s.lines_changed()),
                excluded_lines: size.map(|s| s.excluded_lines),
                churn_lines_added: churn.map(|c| c.lines_added),
                churn_lines_deleted: churn.map(|c| c.lines_deleted),
                lead_time_median_seconds: median_i64(&leads),
                lead_time_p90_seconds: percentile_i64(&leads, 90.0),
                failed: hit.failed,
                failure_signals: hit.failure_signals.clone(),
                reverts: hit.reverts.clone(),
                fixes: hit.fixes.clone(),
                incidents: hit.incidents.clone(),
                time_to_restore_seconds: hit.time_to_restore_seconds,
                time_to_remedy_seconds: hit.time_to_remedy_seconds,
                in_window,
            }
        })
        .collect()
}

/// Totals, cadence overall and per stream.
fn summarise(rows: &[&ReleaseRow], end: i64, window_days: u32) -> Summary {
    let beats = |rows: &[&ReleaseRow]| -> Vec<Beat> {
        rows.iter()
            .map(|r| Beat {
                time: r.time.timestamp(),
                interval: r.interval_seconds,
            })
            .collect()
    };
    let all = beats(rows);
    let mut by_stream: BTreeMap<&str, Vec<&ReleaseRow>> = BTreeMap::new();
    for r in rows {
        by_stream.entry(r.stream.as_str()).or_default().push(r);
    }
    let streams = if by_stream.len() > 1 {
        by_stream
            .iter()
            .map(|(name, rows)| {
                let b = beats(rows);
                StreamSummary {
                    stream: (*name).to_string(),
                    releases: rows.len() as u64,
                    median_interval_seconds: cadence::median_interval(&b),
                    releases_per_week: cadence::releases_per_week(&b),
                    cadence: cadence::cadence(&b, end, window_days),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    // Overall, every release of every stream counts: how often the repository ships something.
    let releases_per_week = cadence::releases_per_week(&all);
    Summary {
        releases: rows.len() as u64,
        change_failure_rate: None,
        releases_with_previous: 0,
        failed_releases: 0,
        failure_signals: Vec::new(),
        failure_signals_seen: Vec::new(),
        incident_linked_only: false,
        median_interval_seconds: cadence::median_interval(&all),
        releases_per_week,
        time_to_restore_median_seconds: None,
        time_to_remedy_median_seconds: None,
        size_vs_failure: SizeVsFailure::default(),
        repeat_incidents: crate::report::model::RepeatIncidents::default(),
        revert_counts: crate::report::model::RevertCounts::default(),
        cadence: cadence::cadence(&all, end, window_days),
        streams,
        headline: String::new(),
    }
}

/// The settings a report made with `config` shows (what `fleet --resume` compares).
#[must_use]
pub fn report_settings(config: &Config) -> Settings {
    let mut s = settings(config, config.deploys.is_some());
    s.incidents = config.incidents.as_ref().map(|p| p.display().to_string());
    s
}

/// The settings as the report shows them.
fn settings(config: &Config, from_deploys: bool) -> Settings {
    Settings {
        source: if from_deploys { "deploys" } else { "tags" }.to_string(),
        tag_pattern: config.tag_pattern.as_str().to_string(),
        prereleases: config.prereleases,
        since: config.since.map(to_time),
        until: config.until.map(to_time),
        exclude: config.excludes.clone(),
        include_all: config.include_all,
        deploys: config.deploys.as_ref().map(|p| p.display().to_string()),
        incidents: None,
        incident_pattern: config.incident_pattern.as_str().to_string(),
        failure: config.failure.to_string(),
        non_production: config.non_production.entries().to_vec(),
        component_depth: config.component_depth,
        lookback_days: config.lookback_days,
        window_days: config.window_days,
        churn: config.churn,
        stream_paths: config
            .streams
            .iter()
            .map(|(name, scope)| (name.clone(), scope.paths().to_vec()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signals_a_history_offers() {
        let mut config =
            Config::from_args(&crate::cli::SharedArgs::default()).expect("default settings");
        let mut counts = RevertCounts {
            total: 3,
            ..RevertCounts::default()
        };
        assert_eq!(signals_seen(&config, &counts, false), ["revert"]);
        assert_eq!(signals_seen(&config, &counts, true), ["incident", "revert"]);
        counts.fixes = 1;
        assert_eq!(
            signals_seen(&config, &counts, true),
            ["fix", "incident", "revert"]
        );
        // Under incident-linked, only incident-linked reverts and fixes are offered.
        config.failure = crate::failure::FailureSignals::parse("incident-linked").expect("ok");
        assert!(signals_seen(&config, &counts, false).is_empty());
        counts.fixes_incident_linked = 1;
        assert_eq!(signals_seen(&config, &counts, false), ["fix"]);
        counts.incident_linked = 2;
        assert_eq!(signals_seen(&config, &counts, false), ["fix", "revert"]);
        // Signals not looked for are never offered.
        config.failure = crate::failure::FailureSignals::parse("incident").expect("ok");
        assert!(signals_seen(&config, &counts, false).is_empty());
        assert_eq!(signals_seen(&config, &counts, true), ["incident"]);
    }
}
