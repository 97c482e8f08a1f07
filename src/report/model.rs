//! The report model: one serde structure that every output format renders. Field names of
//! the JSON output (schema version 1) are fixed by PRODUCT.md; fields may be added, never
//! renamed. Times are RFC 3339, durations are seconds, `null` means "does not apply".

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use crate::facts::CommitId;

/// JSON schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole analysis of one repository.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub repository: RepositoryInfo,
    pub generated_at: DateTime<Utc>,
    pub settings: Settings,
    pub releases: Vec<ReleaseRow>,
    pub reverts: Vec<RevertRow>,
    /// Post-release fixes (`Fixes: <sha>` trailers), a second failure signal kept apart from
    /// reverts in every number.
    pub fixes: Vec<FixRow>,
    /// The incidents of the incidents file and the releases they hit.
    pub incidents: Vec<IncidentRow>,
    pub summary: Summary,
    /// What release sizes left out, and how much.
    pub excluded: Excluded,
    /// Problems that did not stop the run (also printed to stderr).
    pub warnings: Vec<String>,
    /// Tags the release pattern did not select that look like releases of prefixed streams;
    /// `null` when there are none.
    pub unmatched_tags: Option<UnmatchedTags>,
    /// Every release stream: its releases and the paths it is bound to.
    pub streams: Vec<StreamPaths>,
}

/// Tags that look like versions with a prefix but that the release pattern did not select.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UnmatchedTags {
    /// How many.
    pub tags: u64,
    /// How many of them are pre-releases (selected only with `--prereleases`).
    pub prereleases: u64,
    /// How many stream prefixes they have.
    pub streams: u64,
    /// A few of them: the highest version of the streams with most tags.
    pub examples: Vec<String>,
    /// A `--tag-pattern` that selects them (and unprefixed versions) as release streams.
    pub suggested_tag_pattern: String,
}

/// What `releases --streams` prints.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StreamListing {
    pub schema_version: u32,
    pub repository: RepositoryInfo,
    pub streams: Vec<StreamPaths>,
    pub unmatched_tags: Option<UnmatchedTags>,
}

/// One release stream and the paths it owns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct StreamPaths {
    /// The stream's name (`""` for unprefixed tags).
    pub stream: String,
    /// Its releases (in the `--since`/`--until` window).
    pub releases: u64,
    /// The paths it is bound to; empty: it owns the whole tree.
    pub paths: Vec<String>,
    /// When the stream is not bound: the directories a workspace package of that name had at
    /// HEAD or at a release, offered as `--stream-path NAME=DIR` (never applied unasked).
    pub suggested_paths: Vec<String>,
}

/// Where the report came from.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RepositoryInfo {
    pub path: String,
    /// The commit HEAD points at; `null` in an empty repository.
    pub head: Option<CommitId>,
}

/// The settings the analysis used.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Settings {
    /// `tags` or `deploys`.
    pub source: String,
    pub tag_pattern: String,
    pub prereleases: bool,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub exclude: Vec<String>,
    pub include_all: bool,
    pub deploys: Option<String>,
    pub incidents: Option<String>,
    pub incident_pattern: String,
    /// The failure signals looked for: `revert,fix,incident` (the default), a subset, or
    /// `incident-linked`.
    pub failure: String,
    /// Paths whose reverts and fixes do not fail a release.
    pub non_production: Vec<String>,
    pub component_depth: usize,
    pub lookback_days: u32,
    pub window_days: u32,
    /// Whether per-release churn was measured (`--churn`); without it the churn fields are
    /// `null`.
    pub churn: bool,
    /// Streams bound to paths: stream name → its paths.
    pub stream_paths: std::collections::BTreeMap<String, Vec<String>>,
}

/// One release (or deploy).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReleaseRow {
    pub tag: String,
    /// Other tags on the same commit, merged into this release.
    pub other_tags: Vec<String>,
    pub version: Option<String>,
    pub stream: String,
    pub commit: CommitId,
    pub time: DateTime<Utc>,
    /// Tag of the previous release on this release's line.
    pub previous: Option<String>,
    pub interval_seconds: Option<i64>,
    pub commits: u64,
    pub merges: u64,
    pub authors: u64,
    /// Size: `git diff --shortstat --no-renames PREVIOUS TAG`, less excluded paths.
    /// `null` for the first release of a line.
    pub files_changed: Option<u64>,
    pub lines_added: Option<u64>,
    pub lines_deleted: Option<u64>,
    pub lines_changed: Option<u64>,
    /// Lines left out of the size by the exclusion rules.
    pub excluded_lines: Option<u64>,
    /// Churn: the same counts summed over the release's non-merge commits.
    /// `null` unless churn was measured (`--churn`; `settings.churn` says which).
    pub churn_lines_added: Option<u64>,
    pub churn_lines_deleted: Option<u64>,
    pub lead_time_median_seconds: Option<i64>,
    pub lead_time_p90_seconds: Option<i64>,
    pub failed: bool,
    /// The signals that failed it, sorted: a subset of `fix`, `incident`, `revert`.
    pub failure_signals: Vec<String>,
    /// Post-release reverts that undid commits of this release (counted or not).
    pub reverts: Vec<CommitId>,
    /// Post-release fixes (`Fixes:` trailers) of commits of this release (counted or not).
    pub fixes: Vec<CommitId>,
    /// Ids of the incidents charged to this release.
    pub incidents: Vec<String>,
    /// From an incident that hit it: resolved − opened (the DORA time to restore).
    pub time_to_restore_seconds: Option<i64>,
    /// From the release to the first release of its stream that carries a counted revert or
    /// fix of it (or, while none does, that remedy's committer time).
    pub time_to_remedy_seconds: Option<i64>,
    /// Whether the release is inside `--since`/`--until` (releases outside are kept only as
    /// previous releases and are not listed).
    #[serde(skip)]
    pub in_window: bool,
}

/// Kind of a revert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevertKind {
    PostRelease,
    PreRelease,
    Reapply,
    Unresolved,
}

/// How a revert was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevertMethod {
    /// `This reverts commit <sha>`.
    Message,
    /// `Revert "…"` with `Reverts owner/repo#N` or `(#N)`.
    PullRequest,
    /// `Revert "<subject>"` alone, matched by subject.
    Subject,
    /// The diff is the exact inverse of an earlier commit (patch id).
    PatchId,
}

/// One revert commit.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RevertRow {
    pub commit: CommitId,
    pub time: DateTime<Utc>,
    pub subject: String,
    pub reverted: Vec<CommitId>,
    pub kind: RevertKind,
    pub method: RevertMethod,
    pub incident_linked: bool,
    pub incident_refs: Vec<String>,
    pub introduced_in: Option<String>,
    pub shipped_in: Option<String>,
    pub components: Vec<String>,
    pub repeat: bool,
    /// For a post-release revert: whether what it undoes touches production paths (not only
    /// tests, docs, CI files, changelogs or spelling lists); `null` otherwise.
    pub production: Option<bool>,
    /// Whether it fails the releases it hit under the failure signals looked for.
    pub counted: bool,
    /// For a revert cherry-picked (`-x`) from another revert: that revert. Both are listed,
    /// each undoing the commit on its own line; count incidents once per original.
    pub cherry_pick_of: Option<CommitId>,
    /// Targets named in the message that could not be found (with the reason), e.g.
    /// `1a2b3c4 (ambiguous: 2 commits)` or `"Old subject" (no earlier commit has it)`.
    pub unresolved_targets: Vec<String>,
}

/// One `Fixes: <sha>` commit.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FixRow {
    pub commit: CommitId,
    pub time: DateTime<Utc>,
    pub subject: String,
    pub fixed: Vec<CommitId>,
    /// Whether the fixed commit had shipped before the fix was written.
    pub post_release: bool,
    pub introduced_in: Option<String>,
    pub incident_linked: bool,
    pub incident_refs: Vec<String>,
    /// For a post-release fix: whether what it names touches production paths; `null`
    /// otherwise.
    pub production: Option<bool>,
    /// Whether it fails the releases it hit under the failure signals looked for.
    pub counted: bool,
    pub components: Vec<String>,
    pub repeat: bool,
    /// `Fixes:` targets that could not be found, with the reason.
    pub unresolved_targets: Vec<String>,
}

/// One incident of the incidents file.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct IncidentRow {
    pub id: String,
    pub opened: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
    /// The `stream` column, when given.
    pub stream: Option<String>,
    /// The commits it lists that were found.
    pub commits: Vec<CommitId>,
    /// Tags of the releases it hit: those that shipped a commit it lists, or, when it lists
    /// none, the release of its stream that was live when it was opened.
    pub releases: Vec<String>,
    pub counted: bool,
    /// resolved − opened.
    pub time_to_restore_seconds: Option<i64>,
    pub components: Vec<String>,
    pub repeat: bool,
    /// Why it hit no release, when it hit none.
    pub unattributed: Option<String>,
}

/// Totals and the findings.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Summary {
    pub releases: u64,
    /// Failed releases / releases that have a previous release; `null` when there is none,
    /// or when failures cannot be seen (the history offers none of the signals looked for).
    pub change_failure_rate: Option<f64>,
    /// Releases (in the report) that have a previous release, and how many of them failed.
    pub releases_with_previous: u64,
    pub failed_releases: u64,
    /// The failure signals looked for, sorted.
    pub failure_signals: Vec<String>,
    /// Of those, the ones this history offers: a revert was found, a `Fixes:` trailer was
    /// found, an incidents file was given. Empty: failures cannot be seen.
    pub failure_signals_seen: Vec<String>,
    /// Only incident-linked reverts and fixes count (`--failure incident-linked`).
    pub incident_linked_only: bool,
    pub median_interval_seconds: Option<i64>,
    pub releases_per_week: Option<f64>,
    /// Median over failed releases of the time to restore (incidents: resolved − opened).
    pub time_to_restore_median_seconds: Option<i64>,
    /// Median over failed releases of the time to remedy (release → release with the fix).
    pub time_to_remedy_median_seconds: Option<i64>,
    pub size_vs_failure: SizeVsFailure,
    pub repeat_incidents: RepeatIncidents,
    pub cadence: Cadence,
    /// Per release stream, when there is more than one.
    pub streams: Vec<StreamSummary>,
    /// How many reverts and fixes were found, and how.
    pub revert_counts: RevertCounts,
    pub headline: String,
}

/// Counts of reverts by how they were found and what they were, and of `Fixes:` commits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RevertCounts {
    pub total: u64,
    pub by_message: u64,
    pub by_pull_request: u64,
    pub by_subject: u64,
    pub by_patch_id: u64,
    /// Reverts with at least one target found in history.
    pub resolved: u64,
    pub unresolved: u64,
    pub post_release: u64,
    pub pre_release: u64,
    pub reapply: u64,
    pub incident_linked: u64,
    /// Post-release reverts that are incident-linked.
    pub post_release_incident_linked: u64,
    /// Reverts that are cherry-picks of another revert (not counted twice as incidents).
    pub cherry_picked: u64,
    pub fixes: u64,
    pub fixes_post_release: u64,
    /// `Fixes:` commits that are incident-linked.
    pub fixes_incident_linked: u64,
    /// Post-release reverts and fixes set aside because what they undo or name touches only
    /// non-production paths.
    pub reverts_set_aside: u64,
    pub fixes_set_aside: u64,
    /// Incidents of the incidents file, and those that hit no release.
    pub incidents: u64,
    pub incidents_unattributed: u64,
}

/// Cadence of one stream.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StreamSummary {
    pub stream: String,
    pub releases: u64,
    pub median_interval_seconds: Option<i64>,
    pub releases_per_week: Option<f64>,
    pub cadence: Cadence,
}

/// The small-changes argument (PRODUCT.md).
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct SizeVsFailure {
    pub quartiles: Vec<Quartile>,
    pub auc: Option<f64>,
    pub p_value: Option<f64>,
    pub spearman_rho: Option<f64>,
    pub risk_ratio: Option<f64>,
    pub risk_ratio_ci95: Option<[f64; 2]>,
    /// The ratio needed a continuity correction: a quartile it compares had no failure (or
    /// every release failed).
    pub risk_ratio_corrected: bool,
    /// A middle quartile (2 or 3) where failures gather: the highest failure rate, above both
    /// ends, and at least half of the failures. The headline then speaks of it.
    pub peak_quartile: Option<u8>,
    pub per_commit_revert_rate: Vec<Option<f64>>,
    pub restore_vs_size_rho: Option<f64>,
    pub remedy_vs_size_rho: Option<f64>,
    pub verdict: Verdict,
}

/// What the size-versus-failure evidence supports (decided in [`crate::analysis::evidence`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Failed releases were larger than clean ones (AUC > 0.5, p < 0.05).
    BiggerRiskier,
    /// No difference the test can tell at this sample size.
    NoClearDifference,
    /// Failed releases were smaller than clean ones (AUC < 0.5, p < 0.05).
    SmallerRiskier,
    /// Too few releases, too few failures, or no clean release.
    #[default]
    InsufficientEvidence,
}

/// One size quartile of releases.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Quartile {
    pub quartile: u8,
    pub min_lines: u64,
    pub max_lines: u64,
    pub releases: u64,
    pub failed: u64,
    pub failure_rate: Option<f64>,
    pub time_to_restore_median_seconds: Option<i64>,
    pub restored: u64,
    pub time_to_remedy_median_seconds: Option<i64>,
    pub remedied: u64,
    pub commits: u64,
    pub reverted_commits: u64,
}

/// Repeat failures: counted failure events that hit a component an earlier one hit.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct RepeatIncidents {
    /// `repeat_incidents` when the events are incidents or incident-linked, else
    /// `repeat_failures`.
    pub label: String,
    pub rate: Option<f64>,
    /// How many events (counted reverts, fixes and incidents with commits).
    pub incidents: u64,
    pub repeats: u64,
    pub top_components: Vec<ComponentCount>,
    /// Per calendar year (UTC) with events, oldest first.
    pub per_year: Vec<RepeatYear>,
}

/// Repeat failures of one calendar year.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RepeatYear {
    pub year: i32,
    pub events: u64,
    pub novel: u64,
    pub repeats: u64,
    /// repeats / events.
    pub rate: f64,
}

/// A component and how many failure events touched it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ComponentCount {
    pub component: String,
    pub incidents: u64,
}

/// Release cadence over time.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Cadence {
    pub windows: Vec<CadenceWindow>,
    pub trend: Trend,
}

/// One rolling window.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CadenceWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub releases: u64,
    pub releases_per_week: f64,
    pub median_interval_seconds: Option<i64>,
}

/// Releasing more or less often than a year ago.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Trend {
    /// `more_often`, `less_often`, `steady` or `insufficient_data`.
    pub direction: String,
    /// Releases per week over the last 365 days.
    pub recent_releases_per_week: Option<f64>,
    /// Releases per week over the 365 days before that.
    pub year_ago_releases_per_week: Option<f64>,
}

/// What sizes left out.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Excluded {
    /// The rules in force: lock file names, `.gitattributes` attributes, `--exclude` globs.
    pub rules: Vec<String>,
    pub files: u64,
    pub lines: u64,
}
