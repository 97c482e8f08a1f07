//! `.git-cadence.toml`: the repository's own settings, read from the work tree root (for a
//! bare repository, the git directory). It sets the same things as the shared flags, plus the
//! analysis knobs and the `[check]` thresholds; a flag given on the command line wins.
//!
//! ```toml
//! tag_pattern = '^v(?P<version>\d+\.\d+\.\d+)$'
//! prereleases = false
//! since = "2023-01-01"          # or an unquoted TOML date: 2023-01-01
//! exclude = ["docs/**", "*.snap"]
//! failure = "revert,fix,incident"   # or "incident-linked"
//! non_production = ["tests/", "docs/", "*.md"]   # replaces the default list
//! component_depth = 2
//!
//! [streams.tokio-util]        # a release stream bound to the paths it owns
//! paths = ["tokio-util/"]
//!
//! [check]
//! max_unreleased_commits = 50
//! max_unreleased_lines = 5000
//! max_unreleased_days = 14
//! ```
//!
//! An unknown key or a value of the wrong kind is an error (exit 2) that names the file, the
//! line and the key. Relative paths (`incidents`, `deploys`) are relative to the directory that
//! holds the file, not to the current directory. `exclude` globs from the file and from
//! `--exclude` both apply (an exclude only narrows what is counted). A stream that
//! `--stream-path` binds takes its paths from the flags only.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::cli::{ColorChoice, Format, SharedArgs};
use crate::config::{compile, parse_date, Config};
use crate::error::{Error, Result};
use crate::failure::{FailureSignals, NonProduction};
use crate::scope::PathScope;

/// The file name looked for at the repository root.
pub const FILE_NAME: &str = ".git-cadence.toml";

/// Thresholds of `git cadence check` (and of `hook install --enforce`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckThresholds {
    pub max_unreleased_lines: Option<u64>,
    pub max_unreleased_commits: Option<u64>,
    pub max_unreleased_days: Option<u64>,
}

impl CheckThresholds {
    /// These thresholds, each replaced by `flags`' where a flag was given.
    #[must_use]
    pub fn overridden_by(self, flags: CheckThresholds) -> Self {
        Self {
            max_unreleased_lines: flags.max_unreleased_lines.or(self.max_unreleased_lines),
            max_unreleased_commits: flags.max_unreleased_commits.or(self.max_unreleased_commits),
            max_unreleased_days: flags.max_unreleased_days.or(self.max_unreleased_days),
        }
    }
}

/// `[check]` as written: the thresholds and the release branches `hook run --enforce` gates.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    max_unreleased_lines: Option<u64>,
    max_unreleased_commits: Option<u64>,
    max_unreleased_days: Option<u64>,
    branches: Option<Vec<Spanned<String>>>,
}

impl RawCheck {
    fn thresholds(&self) -> CheckThresholds {
        CheckThresholds {
            max_unreleased_lines: self.max_unreleased_lines,
            max_unreleased_commits: self.max_unreleased_commits,
            max_unreleased_days: self.max_unreleased_days,
        }
    }
}

/// A date, written as a string or as a TOML date or date-time.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateValue {
    fn text(&self) -> String {
        match self {
            DateValue::Text(s) => s.clone(),
            DateValue::Toml(d) => d.to_string(),
        }
    }
}

/// The keys of the file, exactly as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: Option<Format>,
    tag_pattern: Option<Spanned<String>>,
    prereleases: Option<bool>,
    since: Option<Spanned<DateValue>>,
    until: Option<Spanned<DateValue>>,
    exclude: Option<Vec<Spanned<String>>>,
    include_all: Option<bool>,
    incidents: Option<Spanned<String>>,
    incident_pattern: Option<Spanned<String>>,
    deploys: Option<Spanned<String>>,
    failure: Option<FailureSignals>,
    non_production: Option<Vec<Spanned<String>>>,
    no_cache: Option<bool>,
    churn: Option<bool>,
    color: Option<ColorChoice>,
    quiet: Option<bool>,
    component_depth: Option<Spanned<usize>>,
    lookback_days: Option<u32>,
    window_days: Option<Spanned<u32>>,
    check: Option<RawCheck>,
    streams: Option<Spanned<BTreeMap<String, RawStream>>>,
}

/// `[streams.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStream {
    paths: Vec<String>,
}

/// A parsed and checked `.git-cadence.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileConfig {
    /// Where it was read from.
    pub path: PathBuf,
    pub format: Option<Format>,
    pub tag_pattern: Option<String>,
    pub prereleases: Option<bool>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub exclude: Vec<String>,
    pub include_all: Option<bool>,
    /// Resolved against the file's directory.
    pub incidents: Option<PathBuf>,
    pub incident_pattern: Option<String>,
    /// Resolved against the file's directory.
    pub deploys: Option<PathBuf>,
    pub failure: Option<FailureSignals>,
    /// Replaces the default non-production paths.
    pub non_production: Option<Vec<String>>,
    pub no_cache: Option<bool>,
    pub churn: Option<bool>,
    pub color: Option<ColorChoice>,
    pub quiet: Option<bool>,
    pub component_depth: Option<usize>,
    pub lookback_days: Option<u32>,
    pub window_days: Option<u32>,
    pub check: CheckThresholds,
    /// `[check] branches`: the branches whose pushes `hook run --enforce` gates (globs).
    pub release_branches: Option<Vec<String>>,
    /// `[streams.NAME] paths`, checked.
    pub streams: BTreeMap<String, Vec<String>>,
}

impl FileConfig {
    /// Reads `.git-cadence.toml` from `root` (the work tree root, or the git directory of a
    /// bare repository). `None` when there is no such file.
    pub fn load(root: &Path) -> Result<Option<Self>> {
        let path = root.join(FILE_NAME);
        if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            return Ok(None);
        }
        let named_by = crate::input::NamedBy::Repository { root };
        let text = crate::input::read_text(&path, named_by, crate::input::MAX_CONFIG_BYTES)?;
        Self::parse(&path, &text).map(Some)
    }

    /// Parses and checks the text of a config file; errors name `path` and the line.
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        Self::parse_shown(path, path, text)
    }

    /// As [`FileConfig::parse`] for a file at `path` whose errors name it `shown` (a file
    /// read from a revision: `main:.git-cadence.toml`).
    pub fn parse_shown(path: &Path, shown: &Path, text: &str) -> Result<Self> {
        let raw: RawFile = toml::from_str(text).map_err(|e| Error::BadFileLine {
            path: shown.to_path_buf(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().trim_end().to_string(),
        })?;
        let bad = |span: Range<usize>, key: &str, message: String| Error::BadFileLine {
            path: shown.to_path_buf(),
            line: line_of(text, span.start),
            message: format!("{key}: {message}"),
        };
        let dir = path.parent().unwrap_or(Path::new("."));

        check_patterns(&raw, &bad)?;
        let date = |key: &str,
                    v: &Option<Spanned<DateValue>>,
                    end: bool|
         -> Result<Option<String>> {
            v.as_ref()
                .map(|v| {
                    let text = v.get_ref().text();
                    match parse_date(key, &text, end) {
                        Ok(_) => Ok(text),
                        Err(_) => Err(bad(
                            v.span(),
                            key,
                            format!("`{text}` is not a date; use YYYY-MM-DD or RFC 3339 (2024-05-01T12:00:00Z)"),
                        )),
                    }
                })
                .transpose()
        };
        let since = date("since", &raw.since, false)?;
        let until = date("until", &raw.until, true)?;
        let exclude = globs(raw.exclude.unwrap_or_default(), |span, e| {
            bad(span, "exclude", format!("bad glob: {e}"))
        })?;
        let non_production = raw
            .non_production
            .map(|list| non_production_list(list, &bad))
            .transpose()?;
        for (key, value) in [("deploys", &raw.deploys), ("incidents", &raw.incidents)] {
            if let Some(v) = value {
                crate::input::check_relative(v.get_ref()).map_err(|m| bad(v.span(), key, m))?;
            }
        }
        let depth = raw
            .component_depth
            .as_ref()
            .map(|d| (d.span(), *d.get_ref() as u64));
        let window = raw
            .window_days
            .as_ref()
            .map(|w| (w.span(), u64::from(*w.get_ref())));
        for (key, value) in [("component_depth", depth), ("window_days", window)] {
            if let Some((span, 0)) = value {
                return Err(bad(span, key, "must be at least 1".into()));
            }
        }
        let check = raw.check.unwrap_or_default();
        let thresholds = check.thresholds();
        let release_branches = check
            .branches
            .map(|list| {
                globs(list, |span, e| {
                    bad(span, "branches", format!("bad glob: {e}"))
                })
            })
            .transpose()?;
        let streams = stream_paths(raw.streams, |span, e| bad(span, "streams", e))?;
        Ok(Self {
            path: path.to_path_buf(),
            format: raw.format,
            tag_pattern: raw.tag_pattern.map(Spanned::into_inner),
            prereleases: raw.prereleases,
            since,
            until,
            exclude,
            include_all: raw.include_all,
            incidents: raw.incidents.map(|p| dir.join(p.into_inner())),
            incident_pattern: raw.incident_pattern.map(Spanned::into_inner),
            deploys: raw.deploys.map(|p| dir.join(p.into_inner())),
            failure: raw.failure,
            non_production,
            no_cache: raw.no_cache,
            churn: raw.churn,
            color: raw.color,
            quiet: raw.quiet,
            component_depth: raw.component_depth.map(Spanned::into_inner),
            lookback_days: raw.lookback_days,
            window_days: raw.window_days.map(Spanned::into_inner),
            check: thresholds,
            release_branches,
            streams,
        })
    }

    /// Fills every option the command line left unset with this file's value. A boolean
    /// flag can only turn an option on, so the file's `true` stands when the flag is absent.
    #[must_use]
    pub fn fill(&self, mut args: SharedArgs) -> SharedArgs {
        args.format = args.format.or(self.format);
        args.tag_pattern = args.tag_pattern.or_else(|| self.tag_pattern.clone());
        args.prereleases |= self.prereleases.unwrap_or(false);
        args.since = args.since.or_else(|| self.since.clone());
        args.until = args.until.or_else(|| self.until.clone());
        let mut exclude = self.exclude.clone();
        exclude.append(&mut args.exclude);
        args.exclude = exclude;
        args.include_all |= self.include_all.unwrap_or(false);
        args.deploys = args.deploys.or_else(|| self.deploys.clone());
        args.incidents = args.incidents.or_else(|| self.incidents.clone());
        args.failure = args.failure.or(self.failure);
        args.incident_pattern = args
            .incident_pattern
            .or_else(|| self.incident_pattern.clone());
        args.no_cache |= self.no_cache.unwrap_or(false);
        args.churn |= self.churn.unwrap_or(false);
        args.color = args.color.or(self.color);
        args.quiet |= self.quiet.unwrap_or(false);
        args.component_depth = args
            .component_depth
            .or(self.component_depth.map(|d| d as u32));
        args.lookback_days = args.lookback_days.or(self.lookback_days);
        args.window_days = args.window_days.or(self.window_days);
        args
    }
}

impl Config {
    /// Resolves the command line and the repository's config file (if any) into settings:
    /// flags win over the file, the file over the defaults.
    pub fn resolve(args: SharedArgs, file: Option<&FileConfig>) -> Result<Self> {
        let Some(file) = file else {
            return Self::from_args(&args);
        };
        let root = file.path.parent().map(Path::to_path_buf);
        let deploys_from_file = args.deploys.is_none() && file.deploys.is_some();
        let incidents_from_file = args.incidents.is_none() && file.incidents.is_some();
        let mut config = Self::from_args(&file.fill(args))?;
        if deploys_from_file {
            config.deploys_confined_to.clone_from(&root);
        }
        if incidents_from_file {
            config.incidents_confined_to = root;
        }
        if let Some(list) = &file.non_production {
            config.non_production = NonProduction::new(list)?;
        }
        for (name, paths) in &file.streams {
            if !config.streams.contains_key(name) {
                config
                    .streams
                    .insert(name.clone(), PathScope::new(name, paths)?);
            }
        }
        Ok(config)
    }
}

/// `[streams.NAME] paths`, each list checked; `bad` words the error.
fn stream_paths(
    raw: Option<Spanned<BTreeMap<String, RawStream>>>,
    bad: impl Fn(Range<usize>, String) -> Error,
) -> Result<BTreeMap<String, Vec<String>>> {
    let mut streams = BTreeMap::new();
    if let Some(raw) = raw {
        let span = raw.span();
        for (name, stream) in raw.into_inner() {
            PathScope::new(&name, &stream.paths).map_err(|e| bad(span.clone(), e.to_string()))?;
            streams.insert(name, stream.paths);
        }
    }
    Ok(streams)
}

/// Checks that each string is a glob; `bad` words the error for the first that is not.
fn globs(
    list: Vec<Spanned<String>>,
    bad: impl Fn(Range<usize>, globset::Error) -> Error,
) -> Result<Vec<String>> {
    list.into_iter()
        .map(|g| match globset::Glob::new(g.get_ref()) {
            Ok(_) => Ok(g.into_inner()),
            Err(e) => Err(bad(g.span(), e)),
        })
        .collect()
}

/// The tag and incident patterns compile (an error names the line).
fn check_patterns(raw: &RawFile, bad: &dyn Fn(Range<usize>, &str, String) -> Error) -> Result<()> {
    for (key, what, value) in [
        ("tag_pattern", "tag", &raw.tag_pattern),
        ("incident_pattern", "incident", &raw.incident_pattern),
    ] {
        if let Some(v) = value {
            let compiled = if what == "incident" {
                crate::config::compile_incident_pattern(v.get_ref())
            } else {
                compile(what, v.get_ref())
            };
            compiled.map_err(|e| bad(v.span(), key, e.to_string()))?;
        }
    }
    Ok(())
}

/// The `non_production` entries, each checked (a bad glob names its line).
fn non_production_list(
    list: Vec<Spanned<String>>,
    bad: &dyn Fn(Range<usize>, &str, String) -> Error,
) -> Result<Vec<String>> {
    list.into_iter()
        .map(|entry| {
            NonProduction::new(std::slice::from_ref(entry.get_ref()))
                .map_err(|e| bad(entry.span(), "non_production", e.to_string()))?;
            Ok(entry.into_inner())
        })
        .collect()
}

/// The 1-based line of byte offset `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig> {
        FileConfig::parse(Path::new("/repo/.git-cadence.toml"), text)
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(c) => panic!("expected an error, got {c:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_key_is_read() {
        let c = parse(
            r#"
format = "json"
tag_pattern = '^cli-v(?P<version>\d+\.\d+\.\d+)$'
prereleases = true
since = "2023-01-01"
until = 2024-06-30
exclude = ["docs/**", "*.snap"]
include_all = true
incidents = "ops/incidents.csv"
incident_pattern = "SEV-[0-9]"
deploys = "deploys.csv"
failure = "incident-linked"
non_production = ["bench/", "*.snap"]
no_cache = true
churn = true
color = "never"
quiet = true
component_depth = 3
lookback_days = 90
window_days = 30

[check]
max_unreleased_lines = 5000
max_unreleased_commits = 50
max_unreleased_days = 14
branches = ["main", "release/*"]
"#,
        )
        .expect("valid file");
        assert_eq!(c.format, Some(Format::Json));
        assert_eq!(
            c.tag_pattern.as_deref(),
            Some(r"^cli-v(?P<version>\d+\.\d+\.\d+)$")
        );
        assert_eq!(c.prereleases, Some(true));
        assert_eq!(c.since.as_deref(), Some("2023-01-01"));
        assert_eq!(c.until.as_deref(), Some("2024-06-30"));
        assert_eq!(c.exclude, ["docs/**", "*.snap"]);
        assert_eq!(c.incidents, Some(PathBuf::from("/repo/ops/incidents.csv")));
        assert_eq!(c.deploys, Some(PathBuf::from("/repo/deploys.csv")));
        assert_eq!(c.failure, FailureSignals::parse("incident-linked").ok());
        assert_eq!(
            c.non_production,
            Some(vec!["bench/".to_string(), "*.snap".to_string()])
        );
        assert_eq!(c.color, Some(ColorChoice::Never));
        assert_eq!(c.churn, Some(true));
        assert_eq!(c.component_depth, Some(3));
        assert_eq!(c.lookback_days, Some(90));
        assert_eq!(c.window_days, Some(30));
        assert_eq!(
            c.release_branches.as_deref(),
            Some(&["main".to_string(), "release/*".to_string()][..])
        );
        assert_eq!(
            c.check,
            CheckThresholds {
                max_unreleased_lines: Some(5000),
                max_unreleased_commits: Some(50),
                max_unreleased_days: Some(14),
            }
        );
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let e = err("prereleases = true\n\ntag_patern = 'v.*'\n");
        assert!(e.contains(".git-cadence.toml:3:"), "{e}");
        assert!(e.contains("tag_patern"), "{e}");
        let e = err("[check]\nmax_unreleased_line = 3\n");
        assert!(
            e.contains(":2:") && e.contains("max_unreleased_line"),
            "{e}"
        );
        let e = err("[chek]\n");
        assert!(e.contains(":1:") && e.contains("chek"), "{e}");
    }

    #[test]
    fn bad_values_name_the_key_and_line() {
        let e = err("\nfailure = \"sometimes\"\n");
        assert!(e.contains(":2:") && e.contains("sometimes"), "{e}");
        let e = err("\n\nnon_production = [\"ok/\", \"[\"]\n");
        assert!(e.contains(":3:") && e.contains("non_production"), "{e}");
        let e = err("\n\ntag_pattern = '(unclosed'\n");
        assert!(e.contains(":3:") && e.contains("tag_pattern"), "{e}");
        let e = err("since = \"last week\"\n");
        assert!(e.contains(":1:") && e.contains("since"), "{e}");
        let e = err("component_depth = 0\n");
        assert!(e.contains(":1:") && e.contains("component_depth"), "{e}");
        let e = err("window_days = -3\n");
        assert!(e.contains(":1:"), "{e}");
        let e = err("exclude = \"docs/**\"\n");
        assert!(e.contains(":1:"), "{e}");
        let e = err("exclude = [\"a\", \"b[\"]\n");
        assert!(e.contains(":1:") && e.contains("exclude"), "{e}");
        let e = err("prereleases = \"yes\"\n");
        assert!(e.contains(":1:"), "{e}");
        let e = err("[check]\nmax_unreleased_days = -1\n");
        assert!(e.contains(":2:"), "{e}");
        let e = err("this is not toml");
        assert!(e.contains(":1:"), "{e}");
    }

    #[test]
    fn flags_win_over_the_file() {
        let file = parse(
            "tag_pattern = '^r(?P<version>\\d+\\.\\d+)$'\nsince = \"2020-01-01\"\nexclude = [\"docs/**\"]\nformat = \"json\"\ncomponent_depth = 1\nfailure = \"incident-linked\"\n",
        )
        .expect("valid file");
        let args = SharedArgs {
            since: Some("2021-01-01".into()),
            exclude: vec!["*.md".into()],
            ..SharedArgs::default()
        };
        let config = Config::resolve(args, Some(&file)).expect("resolves");
        assert_eq!(config.since, Some(1_609_459_200)); // the flag's 2021-01-01
        assert_eq!(config.excludes, ["docs/**", "*.md"]);
        assert_eq!(config.format, Format::Json);
        assert!(!config.tag_pattern_is_default);
        assert!(config.tag_pattern.is_match("r1.2"));
        assert_eq!(config.component_depth, 1);
        assert_eq!(config.failure.to_string(), "incident-linked");
        assert_eq!(config.incidents, None);

        let args = SharedArgs {
            tag_pattern: Some("^x(?P<version>\\d+\\.\\d+)$".into()),
            format: Some(Format::Csv),
            failure: Some(FailureSignals::default()),
            ..SharedArgs::default()
        };
        let config = Config::resolve(args, Some(&file)).expect("resolves");
        assert!(config.tag_pattern.is_match("x1.2"));
        assert!(!config.tag_pattern.is_match("r1.2"));
        assert_eq!(config.format, Format::Csv);
        assert_eq!(config.failure, FailureSignals::default());
    }

    #[test]
    fn streams_bind_paths_and_flags_win_per_stream() {
        let file = parse(
            "[streams.cli]\npaths = [\"cli/\", \"tools/cli/\"]\n\n[streams.\"lib\"]\npaths = [\"lib/\"]\n",
        )
        .expect("valid file");
        assert_eq!(file.streams["cli"], ["cli/", "tools/cli/"]);
        let config = Config::resolve(SharedArgs::default(), Some(&file)).expect("resolves");
        assert_eq!(config.streams["cli"].paths(), ["cli/", "tools/cli/"]);
        assert_eq!(config.streams["lib"].paths(), ["lib/"]);
        let args = SharedArgs {
            stream_path: vec!["cli=apps/cli/".into()],
            ..SharedArgs::default()
        };
        let config = Config::resolve(args, Some(&file)).expect("resolves");
        assert_eq!(config.streams["cli"].paths(), ["apps/cli/"]);
        assert_eq!(config.streams["lib"].paths(), ["lib/"]);

        let e = err("\n[streams.cli]\npaths = [\"../cli/\"]\n");
        assert!(e.contains(":2:") && e.contains("stream `cli`"), "{e}");
        let e = err("[streams.cli]\npath = [\"cli/\"]\n");
        assert!(e.contains("path"), "{e}");
        let e = err("[streams.cli]\npaths = []\n");
        assert!(e.contains("no paths"), "{e}");
    }

    #[test]
    fn no_file_keeps_the_defaults() {
        let config = Config::resolve(SharedArgs::default(), None).expect("resolves");
        assert!(config.tag_pattern_is_default);
        assert_eq!(config.component_depth, 2);
        assert_eq!(config.lookback_days, 180);
        assert_eq!(config.window_days, 90);
        assert_eq!(
            FileConfig::load(Path::new("/nonexistent-dir")).ok(),
            Some(None)
        );
    }

    #[test]
    fn check_flags_override_file_thresholds() {
        let file = CheckThresholds {
            max_unreleased_lines: Some(10),
            max_unreleased_commits: Some(5),
            max_unreleased_days: None,
        };
        let flags = CheckThresholds {
            max_unreleased_lines: Some(99),
            ..CheckThresholds::default()
        };
        let t = file.overridden_by(flags);
        assert_eq!(t.max_unreleased_lines, Some(99));
        assert_eq!(t.max_unreleased_commits, Some(5));
        assert_eq!(t.max_unreleased_days, None);
    }

    // Reported: `deploys = "/home/…/.env"` in a pull request's config read a file outside
    // the repository and echoed its first line.
    #[test]
    fn a_config_naming_a_file_outside_the_repository_is_refused() {
        let e = err("\ndeploys = \"/home/me/.env\"\n");
        assert!(
            e.contains(":2:") && e.contains("deploys") && e.contains("absolute"),
            "{e}"
        );
        let e = err("incidents = \"../../../etc/passwd\"\n");
        assert!(
            e.contains(":1:") && e.contains("incidents") && e.contains("leaves"),
            "{e}"
        );
        let c = parse("deploys = \"ops/../deploys.csv\"\n").expect("inside");
        let config = Config::resolve(SharedArgs::default(), Some(&c)).expect("resolves");
        assert_eq!(
            config.deploys_confined_to.as_deref(),
            Some(Path::new("/repo"))
        );
        // A flag names files anywhere, and is not confined.
        let args = SharedArgs {
            deploys: Some(PathBuf::from("/elsewhere/d.csv")),
            ..SharedArgs::default()
        };
        let config = Config::resolve(args, Some(&c)).expect("resolves");
        assert_eq!(config.deploys_confined_to, None);
    }

    // Reported: `.git-cadence.toml` a symlink to /dev/zero was OOM-killed at 24 GB.
    #[cfg(unix)]
    #[test]
    fn a_config_file_that_is_a_symlink_out_of_the_repository_is_not_read() {
        let repo = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink("/dev/zero", repo.path().join(FILE_NAME)).expect("symlink");
        let e = FileConfig::load(repo.path()).expect_err("refused");
        assert!(e.to_string().contains("outside the repository"), "{e}");
    }
}
