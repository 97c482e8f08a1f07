//! The plain, resolved settings of one run, built once from the command line (and the
//! repository's `.git-cadence.toml`). Everything downstream reads this, never clap types.

use std::path::PathBuf;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use regex::Regex;

use crate::cli::{ColorChoice, Format, SharedArgs};
use crate::error::{Error, Result};
use crate::failure::{FailureSignals, NonProduction};
use crate::scope::PathScope;

/// Default release pattern: an optional `v`, then two to four dot-separated numbers, then an
/// optional pre-release suffix (`-rc.1`, `.rc1`, `_RC1`, `-beta`, `-m01`), which is filtered out
/// unless `--prereleases` is given. Prefixed tags (`cli-v1.2.0`) need `--tag-pattern`.
pub const DEFAULT_TAG_PATTERN: &str =
    r"^v?(?P<version>\d+(?:\.\d+){1,3})(?P<pre>[-_.]?[A-Za-z][0-9A-Za-z.\-_]*)?$";

/// Default incident pattern (case-insensitive).
pub const DEFAULT_INCIDENT_PATTERN: &str =
    r"(?i)incident|outage|sev[0-9]|postmortem|post-mortem|hotfix|rollback|INC-[0-9]+";

/// Default directories of a path that name its component (repeat failures).
pub const DEFAULT_COMPONENT_DEPTH: usize = 2;
/// Default lookback of a repeat failure, in days.
pub const DEFAULT_LOOKBACK_DAYS: u32 = 180;
/// Default width of the rolling cadence windows, in days.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;

/// Resolved settings of one run.
#[derive(Debug, Clone)]
pub struct Config {
    pub repo: Option<PathBuf>,
    pub format: Format,
    /// The release tag pattern, compiled.
    pub tag_pattern: Regex,
    /// Whether `tag_pattern` is the default (streams then come only from a prefix).
    pub tag_pattern_is_default: bool,
    pub prereleases: bool,
    /// Streams bound to paths (`--stream-path`, `[streams.NAME]`), by stream name.
    pub streams: BTreeMap<String, PathScope>,
    /// Inclusive bounds on release time, seconds since the epoch.
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub excludes: Vec<String>,
    pub include_all: bool,
    pub deploys: Option<PathBuf>,
    /// `--incidents FILE`.
    pub incidents: Option<PathBuf>,
    /// The repository root that `deploys` must stay inside, when the repository's own
    /// config named it (not a flag).
    pub deploys_confined_to: Option<PathBuf>,
    /// The same for `incidents`.
    pub incidents_confined_to: Option<PathBuf>,
    pub no_cache: bool,
    /// Measure per-release churn (`--churn`, `churn = true`).
    pub churn: bool,
    pub color: ColorChoice,
    pub quiet: bool,
    /// The failure signals looked for.
    pub failure: FailureSignals,
    /// Paths whose reverts and fixes do not fail a release (`non_production` in the file).
    pub non_production: NonProduction,
    pub incident_pattern: Regex,
    /// Directories of a path that name its component (repeat incidents).
    pub component_depth: usize,
    /// How far back a repeat incident looks, in days.
    pub lookback_days: u32,
    /// Width of the rolling cadence windows, in days.
    pub window_days: u32,
}

impl Config {
    /// Resolves the command-line arguments into settings.
    pub fn from_args(args: &SharedArgs) -> Result<Self> {
        let (tag_pattern, tag_pattern_is_default) = match &args.tag_pattern {
            Some(p) => (compile("tag", p)?, false),
            None => (compile("tag", DEFAULT_TAG_PATTERN)?, true),
        };
        Ok(Self {
            repo: one_repo(args)?,
            format: args.format.unwrap_or(Format::Table),
            tag_pattern,
            tag_pattern_is_default,
            prereleases: args.prereleases,
            streams: stream_paths(&args.stream_path)?,
            since: args
                .since
                .as_deref()
                .map(|d| parse_date("--since", d, false))
                .transpose()?,
            until: args
                .until
                .as_deref()
                .map(|d| parse_date("--until", d, true))
                .transpose()?,
            excludes: args.exclude.clone(),
            include_all: args.include_all,
            deploys: args.deploys.clone(),
            incidents: args.incidents.clone(),
            deploys_confined_to: None,
            incidents_confined_to: None,
            no_cache: args.no_cache,
            churn: args.churn,
            color: args.color.unwrap_or(ColorChoice::Auto),
            quiet: args.quiet,
            failure: args.failure.unwrap_or_default(),
            non_production: NonProduction::default(),
            incident_pattern: compile_incident_pattern(
                args.incident_pattern
                    .as_deref()
                    .unwrap_or(DEFAULT_INCIDENT_PATTERN),
            )?,
            component_depth: args
                .component_depth
                .map_or(DEFAULT_COMPONENT_DEPTH, |d| d as usize),
            lookback_days: args.lookback_days.unwrap_or(DEFAULT_LOOKBACK_DAYS),
            window_days: args.window_days.unwrap_or(DEFAULT_WINDOW_DAYS),
        })
    }
}

/// The one `--repo` of a command other than `fleet` (`None`: discover from the current
/// directory); several are an error.
pub fn one_repo(args: &SharedArgs) -> Result<Option<PathBuf>> {
    match args.repo.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        more => Err(Error::BadValue {
            what: "--repo".to_string(),
            message: format!(
                "given {} times; only `git cadence fleet` takes several repositories",
                more.len()
            ),
        }),
    }
}

impl Config {
    /// Who named the deploys file, and so where it must be.
    #[must_use]
    pub fn deploys_named_by(&self) -> crate::input::NamedBy<'_> {
        named_by(self.deploys_confined_to.as_deref())
    }

    /// Who named the incidents file, and so where it must be.
    #[must_use]
    pub fn incidents_named_by(&self) -> crate::input::NamedBy<'_> {
        named_by(self.incidents_confined_to.as_deref())
    }
}

fn named_by(root: Option<&std::path::Path>) -> crate::input::NamedBy<'_> {
    root.map_or(crate::input::NamedBy::Flag, |root| {
        crate::input::NamedBy::Repository { root }
    })
}

impl Config {
    /// Whether a release at `time` (seconds) is inside `--since`/`--until`.
    #[must_use]
    pub fn in_window(&self, time: i64) -> bool {
        self.since.is_none_or(|s| time >= s) && self.until.is_none_or(|u| time <= u)
    }
}

/// Reads `--stream-path NAME=PATH` flags (several per name add up) into each stream's paths.
pub fn stream_paths(flags: &[String]) -> Result<BTreeMap<String, PathScope>> {
    let mut paths: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for flag in flags {
        match flag.split_once('=') {
            Some((name, path)) if !name.is_empty() && !path.is_empty() => {
                paths
                    .entry(name.to_string())
                    .or_default()
                    .push(path.to_string());
            }
            _ => {
                return Err(Error::BadValue {
                    what: "--stream-path".to_string(),
                    message: format!(
                        "`{flag}` is not NAME=PATH; e.g. --stream-path tokio-util=tokio-util/"
                    ),
                })
            }
        }
    }
    paths
        .into_iter()
        .map(|(name, p)| PathScope::new(&name, &p).map(|s| (name, s)))
        .collect()
}

/// Compiles a user-supplied regex, naming it in the error.
pub fn compile(what: &'static str, pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| Error::BadPattern {
        what,
        pattern: pattern.to_string(),
        message: e.to_string(),
    })
}

/// Compiles the incident pattern case-insensitively (as PRODUCT.md's default is); a user
/// pattern can turn that off with `(?-i)`.
pub fn compile_incident_pattern(pattern: &str) -> Result<Regex> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| Error::BadPattern {
            what: "incident",
            pattern: pattern.to_string(),
            message: e.to_string(),
        })
}

/// Parses `YYYY-MM-DD` (start of day UTC, or end of day when `end_of_day`) or RFC 3339.
pub fn parse_date(what: &str, text: &str, end_of_day: bool) -> Result<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let t = if end_of_day {
            d.and_hms_opt(23, 59, 59)
        } else {
            d.and_hms_opt(0, 0, 0)
        };
        if let Some(t) = t {
            return Ok(DateTime::<Utc>::from_naive_utc_and_offset(t, Utc).timestamp());
        }
    }
    Err(Error::BadValue {
        what: what.to_string(),
        message: format!(
            "`{text}` is not a date; use YYYY-MM-DD or RFC 3339 (2024-05-01T12:00:00Z)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_paths_add_up_per_name_and_bad_ones_say_how() {
        let flags: Vec<String> = ["cli=cli/", "lib=lib/", "cli=tools/cli/"]
            .iter()
            .map(ToString::to_string)
            .collect();
        let streams = stream_paths(&flags).expect("valid");
        assert_eq!(streams.len(), 2);
        assert_eq!(streams["cli"].paths(), ["cli/", "tools/cli/"]);
        assert_eq!(streams["lib"].paths(), ["lib/"]);
        for bad in ["cli", "=cli/", "cli=", "cli=../x/"] {
            let err = stream_paths(&[bad.to_string()]).expect_err(bad).to_string();
            assert!(err.contains(bad) || err.contains("../x/"), "{err}");
        }
    }

    #[test]
    fn dates_parse_as_utc_day_bounds() {
        assert_eq!(
            parse_date("x", "2024-01-02", false).ok(),
            Some(1_704_153_600)
        );
        assert_eq!(
            parse_date("x", "2024-01-02", true).ok(),
            Some(1_704_239_999)
        );
        assert_eq!(
            parse_date("x", "2024-01-02T00:00:00+01:00", false).ok(),
            Some(1_704_150_000)
        );
        assert!(parse_date("x", "yesterday", false).is_err());
    }
}
