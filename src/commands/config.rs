//! `git cadence config`: the settings in force and where each came from — the built-in
//! default, `.git-cadence.toml`, or a flag — so a user can see why a run did what it did.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::{Format, SharedArgs};
use crate::config::{
    DEFAULT_COMPONENT_DEPTH, DEFAULT_INCIDENT_PATTERN, DEFAULT_LOOKBACK_DAYS, DEFAULT_TAG_PATTERN,
    DEFAULT_WINDOW_DAYS,
};
use crate::config_file::FileConfig;
use crate::error::Result;
use crate::report::escape::terminal_text;
use crate::Outcome;

/// One setting, its value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setting {
    /// The config-file key (`[check]` keys as `check.<key>`).
    pub key: &'static str,
    /// The value in force, as the file would spell it; `null` when unset.
    pub value: Option<String>,
    /// `default`, `file`, `flag`, or `file + flag` for a list both add to.
    pub source: &'static str,
}

/// What `config --format json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub schema_version: u32,
    /// The `.git-cadence.toml` read, if any.
    pub file: Option<String>,
    pub settings: Vec<Setting>,
}

/// The name a value has on the command line and in the file.
fn name(v: &impl clap::ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

fn source(flag: bool, file: bool) -> &'static str {
    match (flag, file) {
        (true, _) => "flag",
        (false, true) => "file",
        (false, false) => "default",
    }
}

/// One row: the flag's value wins over the file's, the file's over the default.
fn row(
    key: &'static str,
    flag: Option<String>,
    file: Option<String>,
    default: Option<&str>,
) -> Setting {
    let source = source(flag.is_some(), file.is_some());
    Setting {
        key,
        value: flag.or(file).or(default.map(str::to_string)),
        source,
    }
}

/// A switch given on the command line (flags can only turn one on).
fn on(flag: bool) -> Option<String> {
    flag.then(|| "true".to_string())
}

fn text<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

fn path(p: Option<&std::path::PathBuf>) -> Option<String> {
    p.map(|p| p.display().to_string())
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|g| format!("{g:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The settings in force for `flags` and `file` (pure: both are already read), in the
/// order of the config file's keys.
#[must_use]
pub fn settings(flags: &SharedArgs, file: Option<&FileConfig>) -> Vec<Setting> {
    let f = file.cloned().unwrap_or_default();
    let mut exclude = f.exclude.clone();
    exclude.extend(flags.exclude.iter().cloned());
    let exclude_source = match (!flags.exclude.is_empty(), !f.exclude.is_empty()) {
        (true, true) => "file + flag",
        (flag, file) => source(flag, file),
    };
    let mut rows = vec![
        row(
            "format",
            flags.format.map(|v| name(&v)),
            f.format.map(|v| name(&v)),
            Some("table"),
        ),
        row(
            "tag_pattern",
            flags.tag_pattern.clone(),
            f.tag_pattern.clone(),
            Some(DEFAULT_TAG_PATTERN),
        ),
        row(
            "streams",
            (!flags.stream_path.is_empty()).then(|| list(&flags.stream_path)),
            (!f.streams.is_empty()).then(|| {
                let bound: Vec<String> = f
                    .streams
                    .iter()
                    .flat_map(|(name, paths)| paths.iter().map(move |p| format!("{name}={p}")))
                    .collect();
                list(&bound)
            }),
            Some("[] (every stream owns the whole tree)"),
        ),
        row(
            "prereleases",
            on(flags.prereleases),
            text(f.prereleases),
            Some("false"),
        ),
        row("since", flags.since.clone(), f.since.clone(), None),
        row("until", flags.until.clone(), f.until.clone(), None),
        Setting {
            key: "exclude",
            value: Some(list(&exclude)),
            source: exclude_source,
        },
        row(
            "include_all",
            on(flags.include_all),
            text(f.include_all),
            Some("false"),
        ),
        row(
            "deploys",
            path(flags.deploys.as_ref()),
            path(f.deploys.as_ref()),
            None,
        ),
        row(
            "incidents",
            path(flags.incidents.as_ref()),
            path(f.incidents.as_ref()),
            None,
        ),
        row(
            "incident_pattern",
            flags.incident_pattern.clone(),
            f.incident_pattern.clone(),
            Some(DEFAULT_INCIDENT_PATTERN.trim_start_matches("(?i)")),
        ),
        row(
            "failure",
            flags.failure.map(|v| v.to_string()),
            f.failure.map(|v| v.to_string()),
            Some(&crate::failure::FailureSignals::default().to_string()),
        ),
        row(
            "non_production",
            None,
            f.non_production.as_ref().map(|list| list.join(", ")),
            Some("tests, docs, CI files, changelogs, spelling lists"),
        ),
        row(
            "no_cache",
            on(flags.no_cache),
            text(f.no_cache),
            Some("false"),
        ),
        row(
            "color",
            flags.color.map(|v| name(&v)),
            f.color.map(|v| name(&v)),
            Some("auto"),
        ),
        row("quiet", on(flags.quiet), text(f.quiet), Some("false")),
    ];
    rows.extend(knobs(flags, &f));
    rows
}

/// The analysis knobs and the `[check]` table.
fn knobs(flags: &SharedArgs, f: &FileConfig) -> Vec<Setting> {
    let depth = DEFAULT_COMPONENT_DEPTH.to_string();
    let lookback = DEFAULT_LOOKBACK_DAYS.to_string();
    let window = DEFAULT_WINDOW_DAYS.to_string();
    let t = f.check;
    vec![
        row(
            "component_depth",
            text(flags.component_depth),
            text(f.component_depth),
            Some(&depth),
        ),
        row(
            "lookback_days",
            text(flags.lookback_days),
            text(f.lookback_days),
            Some(&lookback),
        ),
        row(
            "window_days",
            text(flags.window_days),
            text(f.window_days),
            Some(&window),
        ),
        row(
            "check.max_unreleased_lines",
            None,
            text(t.max_unreleased_lines),
            None,
        ),
        row(
            "check.max_unreleased_commits",
            None,
            text(t.max_unreleased_commits),
            None,
        ),
        row(
            "check.max_unreleased_days",
            None,
            text(t.max_unreleased_days),
            None,
        ),
        row(
            "check.branches",
            None,
            f.release_branches.as_deref().map(list),
            Some("the remote's default branch"),
        ),
    ]
}

/// Runs `config`: checks that the settings resolve (a bad value is exit 2, as in any run),
/// then prints them.
pub fn run(flags: &SharedArgs) -> Result<Outcome> {
    let (_repo, config, file) = super::load(flags.clone())?;
    let out = Settings {
        schema_version: crate::report::model::SCHEMA_VERSION,
        file: file.as_ref().map(|f| f.path.display().to_string()),
        settings: settings(flags, file.as_ref()),
    };
    crate::emit(|w| match config.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, &out).map_err(std::io::Error::from)?;
            writeln!(w)
        }
        _ => w.write_all(table(&out).as_bytes()),
    })?;
    Ok(Outcome::Success)
}

/// The settings as a terminal table.
fn table(s: &Settings) -> String {
    let mut out = match &s.file {
        Some(f) => format!("Settings (file: {})\n", terminal_text(f)),
        None => "Settings (no .git-cadence.toml at the repository root)\n".to_string(),
    };
    let width = s.settings.iter().map(|r| r.key.len()).max().unwrap_or(0);
    for r in &s.settings {
        let value = r
            .value
            .as_deref()
            .map_or_else(|| "(not set)".to_string(), terminal_text);
        let _ = writeln!(out, "  {:width$}  {:8}  {value}", r.key, r.source);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn find<'a>(rows: &'a [Setting], key: &str) -> &'a Setting {
        rows.iter().find(|r| r.key == key).expect(key)
    }

    #[test]
    fn each_setting_names_where_it_came_from() {
        let file = FileConfig::parse(
            Path::new("/repo/.git-cadence.toml"),
            "component_depth = 3\nexclude = [\"docs/**\"]\nwindow_days = 30\n[streams.cli]\npaths = [\"cli/\"]\n[check]\nmax_unreleased_lines = 500\nbranches = [\"main\"]\n",
        )
        .expect("valid");
        let flags = SharedArgs {
            window_days: Some(7),
            exclude: vec!["*.snap".into()],
            failure: Some(crate::failure::FailureSignals::parse("incident-linked").expect("valid")),
            ..SharedArgs::default()
        };
        let rows = settings(&flags, Some(&file));
        let r = find(&rows, "component_depth");
        assert_eq!((r.value.as_deref(), r.source), (Some("3"), "file"));
        let r = find(&rows, "window_days");
        assert_eq!((r.value.as_deref(), r.source), (Some("7"), "flag"));
        let r = find(&rows, "lookback_days");
        assert_eq!((r.value.as_deref(), r.source), (Some("180"), "default"));
        let r = find(&rows, "exclude");
        assert_eq!(
            (r.value.as_deref(), r.source),
            (Some("[\"docs/**\", \"*.snap\"]"), "file + flag")
        );
        let r = find(&rows, "failure");
        assert_eq!(
            (r.value.as_deref(), r.source),
            (Some("incident-linked"), "flag")
        );
        let r = find(&rows, "check.max_unreleased_lines");
        assert_eq!((r.value.as_deref(), r.source), (Some("500"), "file"));
        let r = find(&rows, "check.max_unreleased_days");
        assert_eq!((r.value.as_deref(), r.source), (None, "default"));
        let r = find(&rows, "check.branches");
        assert_eq!((r.value.as_deref(), r.source), (Some("[\"main\"]"), "file"));
        let r = find(&rows, "streams");
        assert_eq!(
            (r.value.as_deref(), r.source),
            (Some("[\"cli=cli/\"]"), "file")
        );
        let r = find(&rows, "tag_pattern");
        assert_eq!(
            (r.value.as_deref(), r.source),
            (Some(DEFAULT_TAG_PATTERN), "default")
        );
    }
}
