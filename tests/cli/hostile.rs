//! Terminal injection (reported: U+202E and escape sequences from tag names, config values,
//! deploy environments and error messages reached the terminal raw; only the release grid
//! escaped them). Every output place is fed hostile text, and no control or bidi character
//! may come out on stdout or stderr.

use crate::check::TestRepo;
use crate::common::{cadence, text};

const RLO: char = '\u{202E}';
const ESC: char = '\u{1b}';

/// Nothing that drives a terminal: no C0/C1 control but the line break, no bidi control.
fn assert_clean(what: &str, out: &std::process::Output) {
    let (stdout, stderr) = text(out);
    for (name, s) in [("stdout", &stdout), ("stderr", &stderr)] {
        let bad: Vec<char> = s
            .chars()
            .filter(|&c| {
                (c.is_control() && c != '\n')
                    || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
            })
            .collect();
        assert!(bad.is_empty(), "{what}: {name} has {bad:?}:\n{s}");
    }
}

/// Releases whose tags, paths, subjects and authors carry a bidi override and (where git
/// allows) an escape sequence, plus a revert.
fn hostile_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    let path = format!("src/{ESC}[2Jevil{RLO}/a.rs");
    repo.commit(&path, &TestRepo::lines(10, "a"), "Initial");
    repo.git(&["tag", &format!("app{RLO}-v1.0.0")]);
    let bad = repo.commit(
        &path,
        &TestRepo::lines(20, "a"),
        &format!("Add {ESC}]0;pwned{ESC}\\ title {RLO}txet"),
    );
    repo.git(&["tag", &format!("app{RLO}-v1.1.0")]);
    repo.git(&["revert", "--no-edit", &bad]);
    repo.git(&["tag", &format!("app{RLO}-v1.2.0")]);
    repo.commit(
        "src/b.rs",
        &TestRepo::lines(3, "b"),
        &format!("More {ESC}[31m red"),
    );
    repo
}

#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let repo = hostile_repo();
    let pattern = format!("^(?P<stream>app{RLO})-v(?P<version>\\d+\\.\\d+\\.\\d+)$");
    let base = ["--tag-pattern", pattern.as_str(), "--color", "never"];
    for cmd in [
        &["report"][..],
        &["releases"],
        &["reverts"],
        &["check", "--max-unreleased-commits", "0"],
        &["pr", "--base", "HEAD~1", "--format", "table"],
    ] {
        let mut args = cmd.to_vec();
        args.extend(base);
        assert_clean(&args.join(" "), &cadence(&repo.root, &args));
    }
    // With colour, the only escape sequences are git-cadence's own colours.
    let plain = cadence(&repo.root, &["report", "--tag-pattern", &pattern]);
    let coloured = cadence(
        &repo.root,
        &["report", "--tag-pattern", &pattern, "--color", "always"],
    );
    let sgr = regex::Regex::new("\x1b\\[[0-9;]*m").expect("regex");
    assert_eq!(
        sgr.replace_all(&text(&coloured).0, ""),
        text(&plain).0,
        "colour adds nothing but colour"
    );

    // Config values: an exclude glob and a since date carrying an escape and an override.
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        format!("exclude = [\"x{ESC}[2J{RLO}*\"]\nincident_pattern = \"a{RLO}b\"\n"),
    )
    .expect("write");
    assert_clean("report with config", &cadence(&repo.root, &["report"]));
    std::fs::write(
        repo.root.join(".git-cadence.toml"),
        format!("since = \"{ESC}[2J{RLO}\"\n"),
    )
    .expect("write");
    let out = cadence(&repo.root, &["report"]);
    assert_eq!(out.status.code(), Some(2));
    assert_clean("bad since in config", &out);
    std::fs::remove_file(repo.root.join(".git-cadence.toml")).expect("rm");

    // Error messages: a bad flag value and a bad pattern echo what was given.
    for args in [
        &["report", "--since", "\u{1b}[2J\u{202E}"][..],
        &["report", "--tag-pattern", "(\u{1b}[2J\u{202E}"],
        &["report", "--exclude", "[\u{1b}[2J\u{202E}"],
        &["pr", "--base", "\u{1b}[2J\u{202E}"],
    ] {
        let out = cadence(&repo.root, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_clean(&format!("{args:?}"), &out);
    }

    // Deploy environments, and a deploys file whose bad row holds an escape sequence.
    let head = repo.git(&["rev-parse", "HEAD"]);
    let first = repo.git(&["rev-list", "--max-parents=0", "HEAD"]);
    let deploys = repo.sibling("deploys.csv");
    std::fs::write(
        &deploys,
        format!(
            "commit,time,environment\n{},2024-01-01,\"prod{ESC}[2J{RLO}\"\n{},2024-01-20,\"prod{ESC}[2J{RLO}\"\n",
            first.trim(),
            head.trim()
        ),
    )
    .expect("write");
    let d = deploys.to_str().expect("utf-8");
    for cmd in ["report", "releases", "reverts"] {
        assert_clean(cmd, &cadence(&repo.root, &[cmd, "--deploys", d]));
    }
    std::fs::write(&deploys, format!("{ESC}[2J{RLO}nope,2024-01-01\n")).expect("write");
    let out = cadence(&repo.root, &["report", "--deploys", d]);
    assert_eq!(out.status.code(), Some(2));
    assert_clean("bad deploy row", &out);

    // The hook's line.
    let out = cadence(&repo.root, &["hook", "run", "--tag-pattern", &pattern]);
    assert_clean("hook run", &out);
}

// Reported: writing a warning to a full stderr panicked (exit 101).
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_or_stderr_never_panics() {
    use crate::common::cadence_cmd;
    let repo = hostile_repo();
    let full = || std::fs::File::create("/dev/full").expect("/dev/full");
    // stdout full: an error on stderr, exit 2.
    let out = cadence_cmd(&repo.root, &["report"])
        .stdout(full())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("cannot write output"),
        "{:?}",
        text(&out)
    );
    // stderr full while warning (check with no threshold warns): the run goes on.
    let out = cadence_cmd(&repo.root, &["check"])
        .stderr(full())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    // Both full, and an error to report: exit 2, no panic.
    let out = cadence_cmd(&repo.root, &["report", "--since", "nope"])
        .stdout(full())
        .stderr(full())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    // The hook's line to a full stderr.
    let out = cadence_cmd(&repo.root, &["hook", "run"])
        .stderr(full())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
}

// Reported: deploys dated the same day were ordered by short sha, so commits, previous
// release and sizes came out wrong.
#[test]
fn deploys_of_one_day_are_ordered_by_ancestry_not_by_sha() {
    let mut repo = TestRepo::new();
    let shas: Vec<String> = (1..=4)
        .map(|k| repo.commit("a.txt", &TestRepo::lines(k * 10, "a"), &format!("c{k}")))
        .collect();
    let deploys = repo.sibling("deploys.csv");
    // Newest first in the file; one day for all.
    let rows: Vec<String> = shas
        .iter()
        .rev()
        .map(|s| format!("{s},2024-01-10,prod"))
        .collect();
    let rows = rows.join("\n");
    std::fs::write(&deploys, format!("commit,time,environment\n{rows}\n")).expect("write");
    let out = cadence(
        &repo.root,
        &[
            "releases",
            "--format",
            "json",
            "--deploys",
            deploys.to_str().expect("utf-8"),
        ],
    );
    let v = crate::common::json(&out);
    let releases = v["releases"].as_array().expect("releases");
    let commits: Vec<&str> = releases
        .iter()
        .map(|r| r["commit"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(commits, shas.iter().map(String::as_str).collect::<Vec<_>>());
    for r in &releases[1..] {
        assert_eq!(r["commits"], 1, "{r}");
        assert_eq!(r["lines_added"], 10, "{r}");
    }
}

/// A repository whose second commit (tagged v1.1.0) adds a file `depth` directories deep.
fn deep_tree_repo(depth: usize) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = git2::Repository::init(dir.path()).expect("init");
    let sig = git2::Signature::new("A", "a@example.com", &git2::Time::new(1_704_067_200, 0))
        .expect("sig");
    let blob = repo.blob(b"x\n").expect("blob");
    let mut b = repo.treebuilder(None).expect("tb");
    b.insert("f", blob, 0o100_644).expect("insert");
    let first_tree = b.write().expect("tree");
    let mut tree = first_tree;
    for _ in 0..depth {
        let mut b = repo.treebuilder(None).expect("tb");
        b.insert("d", tree, 0o040_000).expect("insert");
        tree = b.write().expect("tree");
    }
    let mut b = repo
        .treebuilder(Some(&repo.find_tree(first_tree).expect("tree")))
        .expect("tb");
    b.insert("deep", tree, 0o040_000).expect("insert");
    let second_tree = b.write().expect("tree");
    let c1 = repo
        .commit(
            Some("HEAD"),
            &sig,
            &sig,
            "one",
            &repo.find_tree(first_tree).expect("tree"),
            &[],
        )
        .expect("commit");
    let parent = repo.find_commit(c1).expect("c1");
    let c2 = repo
        .commit(
            Some("HEAD"),
            &sig,
            &sig,
            "two",
            &repo.find_tree(second_tree).expect("tree"),
            &[&parent],
        )
        .expect("commit");
    repo.tag_lightweight("v1.0.0", parent.as_object(), false)
        .expect("tag");
    repo.tag_lightweight("v1.1.0", &repo.find_object(c2, None).expect("obj"), false)
        .expect("tag");
    (dir, c2.to_string())
}

// Reported: a tree deeper than git allows crashed with a stack overflow.
#[test]
fn a_tree_deeper_than_git_allows_is_an_error_naming_the_commit() {
    let (dir, commit) = deep_tree_repo(2100);
    let out = cadence(dir.path(), &["report", "--no-cache"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&commit) && stderr.contains("deeper than git allows"),
        "{stderr}"
    );
    // As deep as git allows: measured, no overflow.
    let (dir, _) = deep_tree_repo(2047);
    let out = cadence(dir.path(), &["report", "--no-cache", "--format", "json"]);
    let v = crate::common::json(&out);
    assert_eq!(v["releases"][1]["lines_added"], 1, "{v}");
}
