//! What counts as a failure: the signals `--failure` selects, and the production-path rule
//! that sets aside reverts and fixes of tests, docs, CI files, changelogs and spelling lists.
//! Pure: plain settings and path matching, no repository.

use std::fmt;

use globset::GlobMatcher;

use crate::error::{Error, Result};

/// The failure signals looked for (`--failure`, `failure = "…"` in the config).
///
/// `incident-linked` keeps its older meaning: alone it looks for every signal but counts
/// only incident-linked reverts and fixes (and incidents, which are incidents by nature);
/// next to other signals it restricts those to the incident-linked ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailureSignals {
    /// A post-release revert undid a commit of the release.
    pub revert: bool,
    /// A post-release `Fixes: <sha>` trailer named a commit of the release.
    pub fix: bool,
    /// An incident of the incidents file hit the release.
    pub incident: bool,
    /// Only incident-linked reverts and fixes count.
    pub incident_linked: bool,
}

impl Default for FailureSignals {
    fn default() -> Self {
        Self {
            revert: true,
            fix: true,
            incident: true,
            incident_linked: false,
        }
    }
}

impl FailureSignals {
    /// The signal names looked for, sorted: a subset of `fix`, `incident`, `revert`.
    #[must_use]
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.fix, "fix"),
            (self.incident, "incident"),
            (self.revert, "revert"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Whether the repeat rate is over incidents (so may be called "repeat incidents"): only
    /// incidents or incident-linked remedies count.
    #[must_use]
    pub fn only_incidents(self) -> bool {
        self.incident_linked || (self.incident && !self.revert && !self.fix)
    }

    /// Parses `revert,fix,incident`, `incident-linked`, `any` (every signal; the older name
    /// of the default), with spaces and case ignored.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |message: String| Error::BadValue {
            what: "--failure".to_string(),
            message,
        };
        let mut out = Self {
            revert: false,
            fix: false,
            incident: false,
            incident_linked: false,
        };
        for word in text.split(',').map(str::trim) {
            match word.to_ascii_lowercase().as_str() {
                "revert" | "reverts" => out.revert = true,
                "fix" | "fixes" => out.fix = true,
                "incident" | "incidents" => out.incident = true,
                "incident-linked" => out.incident_linked = true,
                "any" | "all" => {
                    out.revert = true;
                    out.fix = true;
                    out.incident = true;
                }
                "" => {
                    return Err(bad(format!(
                    "`{text}` has an empty signal; give a comma-separated list of revert, fix, \
                     incident or incident-linked"
                )))
                }
                other => {
                    return Err(bad(format!(
                        "`{other}` is not a failure signal; use revert, fix, incident or \
                     incident-linked, comma-separated (default: revert,fix,incident)"
                    )))
                }
            }
        }
        if out.incident_linked && !(out.revert || out.fix || out.incident) {
            out.revert = true;
            out.fix = true;
            out.incident = true;
        }
        Ok(out)
    }
}

impl fmt::Display for FailureSignals {
    /// The canonical spelling: `revert,fix,incident`, `incident-linked`, `revert,incident-linked`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = self.revert && self.fix && self.incident;
        if self.incident_linked && all {
            return f.write_str("incident-linked");
        }
        let mut words: Vec<&str> = [
            (self.revert, "revert"),
            (self.fix, "fix"),
            (self.incident, "incident"),
            (self.incident_linked, "incident-linked"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if words.is_empty() {
            words.push("none");
        }
        f.write_str(&words.join(","))
    }
}

impl<'de> serde::Deserialize<'de> for FailureSignals {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(|e| match e {
            Error::BadValue { message, .. } => serde::de::Error::custom(message),
            other => serde::de::Error::custom(other.to_string()),
        })
    }
}

/// Paths that are not production code by default: tests, docs, CI and tooling, changelogs,
/// spelling lists. An entry ending in `/` is a directory; otherwise a glob (see
/// [`NonProduction`]).
pub const DEFAULT_NON_PRODUCTION: &[&str] = &[
    // tests (directories named like `tests-integration/` too: tokio keeps its integration
    // tests there)
    "test/",
    "tests/",
    "test-*/",
    "tests-*/",
    "test_*/",
    "tests_*/",
    "*-tests/",
    "*_tests/",
    "t/",
    "spec/",
    "specs/",
    "__tests__/",
    "testdata/",
    "fixtures/",
    "*_test.*",
    "*.test.*",
    "*_spec.*",
    "*.spec.*",
    "*Test.*",
    "*Tests.*",
    "test_*.py",
    // docs
    "doc/",
    "docs/",
    "Documentation/",
    "*.md",
    "*.rst",
    "*.adoc",
    // CI and tooling
    ".github/",
    ".gitlab-ci.yml",
    ".circleci/",
    ".ci/",
    ".travis.yml",
    "appveyor.yml",
    ".appveyor.yml",
    "azure-pipelines.yml",
    "Jenkinsfile",
    ".buildkite/",
    ".cirrus.yml",
    // changelogs
    "CHANGELOG*",
    "CHANGES*",
    "NEWS*",
    // spelling lists
    "*.dic",
];

/// The non-production path rule. Entries:
/// - `name/` (one name and a slash, which may hold `*`): a directory of that name at any
///   depth, in any case;
/// - `a/b/`: that directory, from the repository root;
/// - a glob without `/` (`*.md`, `Jenkinsfile`): a file name at any depth;
/// - a glob with `/` (`src/gen/**`): the path from the root (`*` stops at `/`, `**` crosses).
#[derive(Clone, Debug)]
pub struct NonProduction {
    entries: Vec<String>,
    dir_names: Vec<GlobMatcher>,
    dir_paths: Vec<String>,
    names: Vec<GlobMatcher>,
    paths: Vec<GlobMatcher>,
}

impl Default for NonProduction {
    fn default() -> Self {
        let entries: Vec<String> = DEFAULT_NON_PRODUCTION
            .iter()
            .map(ToString::to_string)
            .collect();
        Self::new(&entries).unwrap_or_else(|_| unreachable!("the default globs compile"))
    }
}

impl NonProduction {
    /// Compiles the entries; a bad glob is an error naming it.
    pub fn new(entries: &[String]) -> Result<Self> {
        let mut rule = Self {
            entries: entries.to_vec(),
            dir_names: Vec::new(),
            dir_paths: Vec::new(),
            names: Vec::new(),
            paths: Vec::new(),
        };
        for entry in entries {
            let glob = |p: &str| {
                crate::exclude::build_glob(p).map_err(|message| Error::BadPattern {
                    what: "non_production",
                    pattern: entry.clone(),
                    message,
                })
            };
            if let Some(dir) = entry.strip_suffix('/') {
                let dir = dir.trim_start_matches('/');
                if dir.contains('/') {
                    rule.dir_paths.push(format!("{dir}/"));
                } else {
                    let name = globset::GlobBuilder::new(dir)
                        .case_insensitive(true)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| Error::BadPattern {
                            what: "non_production",
                            pattern: entry.clone(),
                            message: e.to_string(),
                        })?;
                    rule.dir_names.push(name.compile_matcher());
                }
            } else if entry.contains('/') {
                rule.paths.push(glob(entry.trim_start_matches('/'))?);
            } else {
                rule.names.push(glob(entry)?);
            }
        }
        Ok(rule)
    }

    /// The entries in force, as given.
    #[must_use]
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Whether `path` (from the repository root, `/`-separated) is not production code.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        let mut parts: Vec<&str> = path.split('/').collect();
        let name = parts.pop().unwrap_or_default();
        parts
            .iter()
            .any(|d| self.dir_names.iter().any(|n| n.is_match(d)))
            || self.dir_paths.iter().any(|p| path.starts_with(p.as_str()))
            || self.names.iter().any(|g| g.is_match(name))
            || self.paths.iter().any(|g| g.is_match(path))
    }

    /// Whether a change to `paths` touches production code: some path is not set aside. A
    /// change that touched no path (or whose paths are unknown) is kept as production, so
    /// that nothing is set aside without evidence.
    #[must_use]
    pub fn touches_production(&self, paths: &[String]) -> bool {
        paths.is_empty() || paths.iter().any(|p| !self.matches(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_signals_parse_and_print() {
        let d = FailureSignals::default();
        assert_eq!(FailureSignals::parse("revert,fix,incident").ok(), Some(d));
        assert_eq!(
            FailureSignals::parse(" Incident , revert,FIX").ok(),
            Some(d)
        );
        assert_eq!(FailureSignals::parse("any").ok(), Some(d));
        assert_eq!(d.to_string(), "revert,fix,incident");
        assert_eq!(d.names(), ["fix", "incident", "revert"]);
        let linked = FailureSignals::parse("incident-linked").expect("linked");
        assert!(linked.revert && linked.fix && linked.incident && linked.incident_linked);
        assert_eq!(linked.to_string(), "incident-linked");
        assert!(linked.only_incidents());
        let revert = FailureSignals::parse("revert").expect("revert");
        assert_eq!(revert.names(), ["revert"]);
        assert!(!revert.only_incidents());
        let both = FailureSignals::parse("revert,incident-linked").expect("both");
        assert!(both.revert && !both.fix && !both.incident && both.incident_linked);
        assert_eq!(both.to_string(), "revert,incident-linked");
        assert!(FailureSignals::parse("incident")
            .expect("i")
            .only_incidents());
        for bad in ["", "revert,", "sometimes", "revert,crash"] {
            let e = FailureSignals::parse(bad).expect_err(bad).to_string();
            assert!(e.contains("--failure"), "{e}");
        }
    }

    #[test]
    fn default_non_production_paths() {
        let np = NonProduction::default();
        for path in [
            "tests/a.rs",
            "tokio/tests/io.rs",
            "Test/x.c",
            "src/Docs/guide.txt",
            "spec/models/user_spec.rb",
            "lib/foo_test.go",
            "web/button.test.tsx",
            "src/FooTest.java",
            "src/FooTests.cs",
            "pkg/test_util.py",
            "README.md",
            "guide/intro.rst",
            "x.adoc",
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            "sub/.travis.yml",
            "Jenkinsfile",
            ".buildkite/pipeline.yml",
            "CHANGELOG",
            "CHANGES.txt",
            "NEWS",
            "spellcheck.dic",
            "t/t0001-init.sh",
            "testdata/in.json",
            "src/__tests__/a.js",
            // tokio 94a7eae, the bug report's tests-only revert
            "tests-integration/Cargo.toml",
            "tests-integration/src/bin/test-cat.rs",
            "crates/ui_tests/a.rs",
        ] {
            assert!(np.matches(path), "{path} is not production");
        }
        for path in [
            "src/lib.rs",
            "src/latest.rs",
            "src/testing.rs",
            "lib/attest/x.rb",
            "tests.rs",
            "src/contest.py",
            "docs.rs",
            "Makefile",
            "tokio-test/src/io.rs",
            "src/attestation/x.rs",
        ] {
            assert!(!np.matches(path), "{path} is production");
        }
        assert!(np.touches_production(&["docs/a.md".into(), "src/a.rs".into()]));
        assert!(!np.touches_production(&["docs/a.md".into(), "tests/a.rs".into()]));
        assert!(np.touches_production(&[]), "unknown paths are kept");
    }

    #[test]
    fn a_configured_list_replaces_the_default() {
        let np = NonProduction::new(&["bench/".into(), "src/gen/**".into(), "*.snap".into()])
            .expect("compiles");
        assert!(np.matches("bench/a.rs"));
        assert!(np.matches("crates/x/Bench/a.rs"));
        assert!(np.matches("src/gen/deep/a.rs"));
        assert!(
            !np.matches("lib/src/gen/a.rs"),
            "a glob with / is from the root"
        );
        assert!(np.matches("x/y.snap"));
        assert!(!np.matches("tests/a.rs"), "the default list is replaced");
        let rooted = NonProduction::new(&["tools/ci/".into()]).expect("compiles");
        assert!(rooted.matches("tools/ci/run.sh"));
        assert!(!rooted.matches("x/tools/ci/run.sh"));
        let e = NonProduction::new(&["[".into()]).expect_err("bad glob");
        assert!(e.to_string().contains("non_production"), "{e}");
    }
}
