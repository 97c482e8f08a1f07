//! `git cadence demo`: builds a realistic sample history — a service that released in big
//! batches for a year, then in small ones; reverts, `Fixes:` trailers, hotfix releases, an
//! incidents file, a docs-only revert and a pre-release revert — and prints the full report
//! on it. The plan is pure and seeded, its dates fixed (no clock), and "now" is the day after
//! its last commit, so the demo prints the same report on every machine.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::cli::{DemoArgs, SharedArgs};
use crate::error::{Error, Result};
use crate::git::sample::{PlannedCommit, PlannedStep};
use crate::Outcome;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// Monday 2024-01-08, 09:00 UTC: the first commit.
const START: i64 = 1_704_704_400;
/// Releases cut on the main line (hotfix releases come on top).
const RELEASES: u32 = 34;

const AUTHORS: [(&str, &str); 5] = [
    ("Ada Moreau", "ada@example.com"),
    ("Bilal Haddad", "bilal@example.com"),
    ("Chen Wei", "chen@example.com"),
    ("Dana Kowalski", "dana@example.com"),
    ("Eitan Levi", "eitan@example.com"),
];

/// Files of the sample service: path and what a subject calls it.
const FILES: [(&str, &str); 11] = [
    ("src/api/handlers.rs", "request handlers"),
    ("src/api/routes.rs", "routing"),
    ("src/billing/invoice.rs", "invoicing"),
    ("src/billing/tax.rs", "tax rules"),
    ("src/billing/refunds.rs", "refunds"),
    ("src/auth/session.rs", "sessions"),
    ("src/auth/tokens.rs", "token refresh"),
    ("src/db/pool.rs", "the connection pool"),
    ("src/db/migrations.rs", "migrations"),
    ("docs/guide.md", "the guide"),
    ("tests/api_test.rs", "API tests"),
];

const VERBS: [&str; 8] = [
    "Add", "Rework", "Speed up", "Simplify", "Extend", "Harden", "Refactor", "Tidy",
];

/// A small deterministic generator (xorshift64*), so the plan needs no crate and no seed
/// from the environment.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
}

/// An incident of the sample's incidents file.
#[derive(Clone, Debug)]
pub struct PlannedIncident {
    pub id: String,
    pub opened: i64,
    pub resolved: i64,
    /// Planned commit numbers it lists.
    pub commits: Vec<usize>,
}

/// The sample history: its steps and its incidents.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub steps: Vec<PlannedStep>,
    pub incidents: Vec<PlannedIncident>,
    /// Releases tagged.
    pub releases: usize,
}

/// A commit of the plan that appended a block of lines, which a revert can take out again.
#[derive(Clone, Debug)]
struct Shipped {
    number: usize,
    path: String,
    subject: String,
    block: Vec<String>,
}

/// Builds the plan.
struct Planner {
    rng: Rng,
    files: BTreeMap<String, Vec<String>>,
    plan: Plan,
    commits: usize,
    time: i64,
    incident_seq: u32,
    /// Failed releases so far: remedies take turns (revert, fix, incident).
    remedies: u32,
}

impl Planner {
    fn commit(&mut self, message: String, path: &str, content: Vec<String>) -> usize {
        let author = AUTHORS[self.rng.range(0, AUTHORS.len() as u64 - 1) as usize];
        let mut text = content.join("\n");
        text.push('\n');
        self.files.insert(path.to_string(), content);
        self.plan.steps.push(PlannedStep::Commit(PlannedCommit {
            time: self.time,
            author,
            message,
            files: vec![(path.to_string(), text)],
        }));
        self.commits += 1;
        self.commits - 1
    }

    /// A change that appends `lines` lines to one file (and now and then drops a few old ones).
    fn change(&mut self, lines: u64) -> Shipped {
        let (path, what) = FILES[self.rng.range(0, FILES.len() as u64 - 1) as usize];
        let verb = VERBS[self.rng.range(0, VERBS.len() as u64 - 1) as usize];
        let subject = format!("{verb} {what} ({})", self.commits + 1);
        let mut content = self.files.get(path).cloned().unwrap_or_default();
        if content.len() > 40 && self.rng.chance(0.3) {
            let drop = self.rng.range(1, 8) as usize;
            content.drain(..drop);
        }
        let block: Vec<String> = (0..lines).map(|i| line_of(path, self.commits, i)).collect();
        content.extend(block.iter().cloned());
        let number = self.commit(format!("{subject}\n"), path, content);
        Shipped {
            number,
            path: path.to_string(),
            subject,
            block,
        }
    }

    /// Undoes `target`: takes its block out of the file again.
    fn revert(&mut self, target: &Shipped, why: &str) -> usize {
        let content: Vec<String> = self.files[&target.path]
            .iter()
            .filter(|l| !target.block.contains(l))
            .cloned()
            .collect();
        let message = format!(
            "Revert \"{}\"\n\n{why}This reverts commit {{sha {}}}.\n",
            target.subject, target.number
        );
        self.commit(message, &target.path.clone(), content)
    }

    /// Fixes `target` forward: rewrites one of its lines, with a `Fixes:` trailer.
    fn fix(&mut self, target: &Shipped) -> usize {
        let mut content = self.files[&target.path].clone();
        if let Some(line) = content.iter_mut().find(|l| target.block.contains(l)) {
            line.push_str(" // fixed");
        }
        let message = format!(
            "Fix a regression in {}\n\nFixes: {{short {}}} (\"{}\")\n",
            target.subject.to_lowercase(),
            target.number,
            target.subject
        );
        self.commit(message, &target.path.clone(), content)
    }

    fn tag(&mut self, name: String) {
        self.time += 2 * HOUR;
        self.plan.steps.push(PlannedStep::Tag {
            name,
            time: self.time,
        });
        self.plan.releases += 1;
    }

    /// After a failed release: a revert, a fix or an incident with a hotfix revert, a day or
    /// two later, shipped in a patch release.
    fn remedy(&mut self, target: &Shipped, released: i64, version: &str) {
        self.time = released + self.rng.range(20, 44) as i64 * HOUR;
        self.remedies += 1;
        match self.remedies % 3 {
            1 => {
                self.revert(target, "It broke checkout for some customers.\n\n");
            }
            2 => {
                self.fix(target);
            }
            _ => {
                self.incident_seq += 1;
                let id = format!("INC-{}", 100 + self.incident_seq);
                let opened = released + self.rng.range(3, 18) as i64 * HOUR;
                self.time = self.time.max(opened + HOUR);
                self.revert(target, &format!("Hotfix for {id}.\n\n"));
                self.plan.incidents.push(PlannedIncident {
                    id,
                    opened,
                    resolved: self.time + self.rng.range(1, 3) as i64 * HOUR,
                    commits: vec![target.number],
                });
            }
        }
        self.tag(version.to_string());
    }
}

/// One line of sample code, unique to its commit.
fn line_of(path: &str, commit: usize, i: u64) -> String {
    if Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
    {
        format!("Step {commit}.{i}: see the examples for this part of the service.")
    } else {
        format!(
            "pub fn step_{commit}_{i}() -> u64 {{ {} }}",
            commit as u64 * 31 + i
        )
    }
}

/// The sample history. Big batches for the first half (many commits, long intervals), small
/// and frequent releases after; the chance that a release fails grows with its size.
#[must_use]
pub fn plan() -> Plan {
    let mut p = Planner {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        files: BTreeMap::new(),
        plan: Plan::default(),
        commits: 0,
        time: START,
        incident_seq: 0,
        remedies: 0,
    };
    p.change(40);
    p.tag("v1.0.0".into());
    for minor in 1..RELEASES {
        let big = minor < RELEASES / 2;
        let (days, commits, lines) = if big {
            (p.rng.range(18, 32), p.rng.range(8, 24), (20, 150))
        } else {
            (p.rng.range(4, 9), p.rng.range(2, 6), (8, 60))
        };
        let start = p.time;
        let step = days as i64 * DAY / (commits as i64 + 1);
        let mut shipped = Vec::new();
        for k in 0..commits {
            p.time = start + step * (k as i64 + 1) + p.rng.range(0, 6) as i64 * HOUR;
            let n = p.rng.range(lines.0, lines.1);
            shipped.push(p.change(n));
        }
        // Now and then a change is taken back before it ships: a pre-release revert.
        if p.rng.chance(0.15) {
            if let Some(t) = shipped.last().cloned() {
                p.time += 3 * HOUR;
                p.revert(&t, "Not ready for this release.\n\n");
                shipped.pop();
            }
        }
        p.time = start + days as i64 * DAY;
        let version = format!("v1.{minor}.0");
        p.tag(version);
        let released = p.time;
        let size: u64 = shipped.iter().map(|s| s.block.len() as u64).sum();
        let production: Vec<Shipped> = shipped
            .iter()
            .filter(|s| s.path.starts_with("src/"))
            .cloned()
            .collect();
        let fails = p.rng.chance((size as f64 / 3_000.0).clamp(0.04, 0.7));
        if fails && !production.is_empty() {
            let t = production[p.rng.range(0, production.len() as u64 - 1) as usize].clone();
            p.remedy(&t, released, &format!("v1.{minor}.1"));
        } else if minor == RELEASES - 3 {
            // A docs-only revert after release: listed, never a failure.
            if let Some(doc) = shipped
                .iter()
                .find(|s| s.path.starts_with("docs/"))
                .cloned()
            {
                p.time = released + DAY;
                p.revert(&doc, "The old wording was clearer.\n\n");
            }
        }
    }
    // Work in progress after the last release.
    for _ in 0..3 {
        p.time += DAY + p.rng.range(0, 6) as i64 * HOUR;
        let n = p.rng.range(10, 60);
        p.change(n);
    }
    p.plan
}

/// "Now" for the demo: the day after its last commit.
#[must_use]
pub fn now_of(plan: &Plan) -> i64 {
    plan.steps
        .iter()
        .map(|s| match s {
            PlannedStep::Commit(c) => c.time,
            PlannedStep::Tag { time, .. } => *time,
        })
        .max()
        .unwrap_or(START)
        + DAY
}

/// The incidents file (CSV) of the plan, given the ids the commits got.
#[must_use]
pub fn incidents_csv(plan: &Plan, ids: &[crate::facts::CommitId]) -> String {
    let time = |t: i64| crate::analysis::cadence::to_time(t).to_rfc3339();
    let mut out = String::from("id,opened,resolved,commits\n");
    for i in &plan.incidents {
        let commits: Vec<String> = i.commits.iter().map(|&n| ids[n].to_string()).collect();
        let _ = writeln!(
            out,
            "{},{},{},{}",
            i.id,
            time(i.opened),
            time(i.resolved),
            commits.join(" ")
        );
    }
    out
}

/// Runs `demo`: builds the sample, prints the report on it, removes it unless `--out`.
pub fn run(mut shared: SharedArgs, args: &DemoArgs) -> Result<Outcome> {
    let Some(dir) = &args.out else {
        // Removed when dropped, whatever happens in between.
        let temp = tempfile::Builder::new()
            .prefix("git-cadence-demo-")
            .tempdir()
            .map_err(|e| Error::UnreadableFile {
                path: std::env::temp_dir(),
                message: format!("cannot create a temporary directory: {e}"),
            })?;
        return build_and_report(&mut shared, temp.path(), false);
    };
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_some()) {
        return Err(Error::BadValue {
            what: "--out".into(),
            message: format!(
                "{} is not an empty directory; name a new one",
                dir.display()
            ),
        });
    }
    build_and_report(&mut shared, dir, true)
}

fn build_and_report(shared: &mut SharedArgs, dir: &Path, keep: bool) -> Result<Outcome> {
    let plan = plan();
    let repo_dir = dir.join("sample-service");
    let ids = crate::git::sample::write(&repo_dir, &plan.steps)?;
    let incidents = dir.join("incidents.csv");
    std::fs::write(&incidents, incidents_csv(&plan, &ids)).map_err(|e| Error::UnreadableFile {
        path: incidents.clone(),
        message: format!("cannot write: {e}"),
    })?;
    shared.repo = vec![repo_dir.clone()];
    shared.incidents = Some(incidents.clone());
    // A temporary repository leaves nothing in the user's cache.
    shared.no_cache |= !keep;
    let args = std::mem::take(shared);
    let quiet = args.quiet;
    let (repo, config, _) = super::load(args)?;
    if !quiet {
        crate::stderr_line(&format!(
            "git-cadence demo: a sample service with {} commits and {} releases{}",
            ids.len(),
            plan.releases,
            if keep {
                format!(
                    ", kept in {} (incidents: {}); try `git cadence --repo {} releases`",
                    repo_dir.display(),
                    incidents.display(),
                    repo_dir.display()
                )
            } else {
                " (built in a temporary directory, removed afterwards; keep it with --out DIR)"
                    .to_string()
            }
        ));
    }
    let report = crate::pipeline::analyse(&repo, &config, now_of(&plan))?;
    crate::pipeline::print_warnings(&report.warnings, config.quiet);
    crate::write_report(&report, crate::report::View::Report, &config)?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_the_same_every_time_and_realistic() {
        let a = plan();
        let b = plan();
        assert_eq!(format!("{:?}", a.steps), format!("{:?}", b.steps));
        assert!(a.releases >= 30, "{} releases", a.releases);
        let messages: Vec<&str> = a
            .steps
            .iter()
            .filter_map(|s| match s {
                PlannedStep::Commit(c) => Some(c.message.as_str()),
                PlannedStep::Tag { .. } => None,
            })
            .collect();
        let reverts = messages
            .iter()
            .filter(|m| m.contains("This reverts commit"))
            .count();
        let fixes = messages.iter().filter(|m| m.contains("\nFixes: ")).count();
        assert!(reverts >= 4, "{reverts} reverts");
        assert!(fixes >= 1, "{fixes} fixes");
        assert!(!a.incidents.is_empty());
        // Times only move forward, and every incident is resolved after it opened.
        let times: Vec<i64> = a
            .steps
            .iter()
            .map(|s| match s {
                PlannedStep::Commit(c) => c.time,
                PlannedStep::Tag { time, .. } => *time,
            })
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "time goes back");
        assert!(a.incidents.iter().all(|i| i.resolved > i.opened));
        assert_eq!(now_of(&a), times.last().copied().unwrap_or_default() + DAY);
    }
}
