//! Runs the revert analysis over a real repository and checks it against `git log --grep`.
//!
//! `cargo run --example revert_census -- PATH [--all-refs] [--no-inverse]`
//!
//! History is read from HEAD and every tag (with `--all-refs`: every ref, as `git log --all`);
//! releases are the tags matching the default release pattern. Prints the counts by method
//! and kind, the change failure rate and the median time to remedy, the time each step took,
//! and every commit that `git log --no-merges --grep='This reverts commit'` over the same tips
//! finds but the analysis does not (there should be none).

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use git_cadence::analysis::releases::{place_releases, release_points};
use git_cadence::analysis::reverts::{analyse_reverts, find_remedies, inverse_pairs, FailureRules};
use git_cadence::config::{
    compile, compile_incident_pattern, DEFAULT_INCIDENT_PATTERN, DEFAULT_TAG_PATTERN,
};
use git_cadence::facts::CommitId;
use git_cadence::failure::{FailureSignals, NonProduction};
use git_cadence::git::{self, Repo};
use git_cadence::incidents::Incidents;
use git_cadence::report::model::RevertKind;

#[allow(clippy::too_many_lines)] // a linear script: read, analyse, print, check
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = PathBuf::from(
        args.first()
            .ok_or("usage: revert_census PATH [--all-refs] [--no-inverse]")?,
    );
    let all_refs = args.iter().any(|a| a == "--all-refs");
    let no_inverse = args.iter().any(|a| a == "--no-inverse");
    let rows = args.iter().any(|a| a == "--rows");
    let failure = if args.iter().any(|a| a == "--incident-linked") {
        FailureSignals::parse("incident-linked")?
    } else {
        FailureSignals::default()
    };
    let incidents = match args.iter().position(|a| a == "--incidents") {
        Some(i) => git_cadence::incidents::read_incidents(
            std::path::Path::new(args.get(i + 1).ok_or("--incidents FILE")?),
            git_cadence::input::NamedBy::Flag,
        )?,
        None => Incidents::default(),
    };

    let t = Instant::now();
    let repo = Repo::discover(Some(&path))?;
    let git::tags::Tags { tags, warnings, .. } = git::tags::read_tags(&repo, |_| true)?;
    let mut tips: Vec<CommitId> = tags.iter().map(|t| t.commit).collect();
    tips.extend(repo.head()?);
    if all_refs {
        for r in repo.repo.references()? {
            let r = r?;
            if let Ok(c) = r.peel_to_commit() {
                tips.push(git::to_id(c.id()));
            }
        }
    }
    tips.sort();
    tips.dedup();
    let history = git::history::read_history(&repo, &tips)?;
    let points = release_points(&tags, &compile("tag", DEFAULT_TAG_PATTERN)?, false);
    let releases = place_releases(points, &history);
    eprintln!(
        "read {} commits, {} tags ({} warnings), {} releases in {:.1}s",
        history.commits.len(),
        tags.len(),
        warnings.len(),
        releases.releases.len(),
        t.elapsed().as_secs_f64()
    );

    let pairs = if no_inverse {
        Vec::new()
    } else {
        let t = Instant::now();
        let digests = git::inverse::change_digests(
            &repo.git_dir,
            &history,
            None, // uncached: this census times the walk itself
            &indicatif::ProgressBar::hidden(),
        )?;
        let pairs = inverse_pairs(&history, &digests);
        eprintln!(
            "inverse diffs: {} digests, {} pairs in {:.1}s ({} threads)",
            digests.len(),
            pairs.len(),
            t.elapsed().as_secs_f64(),
            rayon::current_num_threads()
        );
        pairs
    };

    let t = Instant::now();
    let pattern = compile_incident_pattern(DEFAULT_INCIDENT_PATTERN)?;
    let remedies = find_remedies(&history, &releases, &pairs, &incidents, &pattern);
    let paths =
        git::paths::changed_paths(&repo.git_dir, &remedies.commits_needing_paths(&history))?;
    let analysis = analyse_reverts(
        &history,
        &releases,
        &remedies,
        &incidents,
        &paths,
        FailureRules {
            signals: failure,
            non_production: &NonProduction::default(),
        },
    );
    eprintln!("analysis in {:.2}s", t.elapsed().as_secs_f64());
    println!("{:#?}", analysis.counts);
    let failed = analysis.per_release.iter().filter(|p| p.failed).count();
    println!(
        "releases {} (with previous {}), failed {failed}, change failure rate {:?}, median time to remedy {:?} s, set aside {} reverts",
        releases.releases.len(),
        releases.releases.iter().filter(|r| r.previous.is_some()).count(),
        analysis.change_failure_rate,
        analysis.time_to_remedy_median_seconds,
        analysis.counts.reverts_set_aside
    );
    if rows {
        for r in &analysis.reverts {
            println!(
                "{} {:<40} {:?} {:?} reverted={:?} linked={:?} in={:?} shipped={:?} pick={:?} unresolved={:?}",
                r.commit.short(),
                r.subject,
                r.kind,
                r.method,
                r.reverted.iter().map(CommitId::short).collect::<Vec<_>>(),
                r.incident_refs,
                r.introduced_in,
                r.shipped_in,
                r.cherry_pick_of.map(|c| c.short()),
                r.unresolved_targets
            );
        }
        for f in &analysis.fixes {
            println!(
                "fix {} {} post={} {:?}",
                f.commit.short(),
                f.subject,
                f.post_release,
                f.introduced_in
            );
        }
        for (rel, p) in releases.releases.iter().zip(&analysis.per_release) {
            println!(
                "{} failed={} reverts={:?} fixes={:?} ttr={:?} reverted_commits={}",
                rel.point.name,
                p.failed,
                p.reverts.iter().map(CommitId::short).collect::<Vec<_>>(),
                p.fixes.iter().map(CommitId::short).collect::<Vec<_>>(),
                p.time_to_restore_seconds,
                p.reverted_commits
            );
        }
    }
    for kind in [RevertKind::Unresolved] {
        for r in analysis.reverts.iter().filter(|r| r.kind == kind).take(5) {
            println!(
                "  {:?} {} {:?} {:?}",
                kind,
                r.commit.short(),
                r.subject,
                r.unresolved_targets
            );
        }
    }
    for r in analysis
        .reverts
        .iter()
        .filter(|r| r.method == git_cadence::report::model::RevertMethod::PatchId)
        .take(8)
    {
        println!(
            "  patch_id {} {:?} reverts {:?}",
            r.commit.short(),
            r.subject,
            r.reverted.iter().map(CommitId::short).collect::<Vec<_>>()
        );
    }

    // The check against git itself, over the same tips.
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(&repo.git_dir).args([
        "log",
        "--no-merges",
        "--grep=This reverts commit",
        "--format=%H",
    ]);
    if all_refs {
        cmd.arg("--all");
    } else {
        cmd.args(["HEAD", "--tags"]);
    }
    let out = cmd.output()?;
    let detected: HashSet<CommitId> = analysis.reverts.iter().map(|r| r.commit).collect();
    let mut git_found = 0;
    let mut missed = Vec::new();
    for line in String::from_utf8(out.stdout)?.lines() {
        git_found += 1;
        let id = CommitId::from_hex(line.trim()).ok_or("bad sha from git")?;
        if !detected.contains(&id) {
            missed.push(id);
        }
    }
    println!(
        "git log --grep finds {git_found}; analysis misses {}",
        missed.len()
    );
    for id in missed.iter().take(10) {
        println!("  missed {id}");
    }
    Ok(())
}
