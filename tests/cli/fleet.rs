//! `fleet`: many repositories, one JSON line each; a bad one never stops the rest; shards
//! partition the list; `--resume` skips what an earlier run already wrote.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use crate::common::{cadence, cadence_cmd, commit_all, fixture, git, json, scratch, text};

/// A small repository of its own (so tests may add commits), with two releases.
fn own_repo(name: &str) -> PathBuf {
    let dir = scratch().join("fleet").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["-c", "init.defaultBranch=main", "init", "-q", "."]);
    for (i, tag) in ["v1.0.0", "v1.1.0"].iter().enumerate() {
        std::fs::write(dir.join("a.txt"), "line\n".repeat(i + 1)).unwrap();
        commit_all(&dir, &format!("change {i}"));
        git(&dir, &["tag", tag]);
    }
    dir
}

/// A repository whose first commit's tree is gone from the object database.
fn broken_repo() -> PathBuf {
    let dir = own_repo("broken");
    let tree = git(&dir, &["rev-parse", "v1.0.0^{tree}"]);
    let tree = tree.trim();
    std::fs::remove_file(dir.join(".git/objects").join(&tree[..2]).join(&tree[2..])).unwrap();
    dir
}

/// Runs `fleet ARGS` with `list` as the `--repos-from` file; returns the parsed lines.
fn fleet(list: &[String], args: &[&str]) -> (Vec<Value>, String) {
    let file = scratch().join(format!("fleet-list-{}", std::process::id()));
    std::fs::write(&file, list.join("\n")).unwrap();
    let mut all = vec!["fleet", "--repos-from", file.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = cadence(scratch(), &all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let (stdout, stderr) = text(&out);
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (lines, stderr)
}

fn path_of(line: &Value) -> String {
    line["repository"]["path"].as_str().unwrap().to_string()
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

#[test]
fn bad_repositories_are_error_lines_and_the_others_are_their_reports() {
    let good = [
        fixture("releases.sh"),
        fixture("streams.sh"),
        own_repo("good"),
    ];
    let not_repo = scratch().join("fleet-not-a-repo");
    std::fs::create_dir_all(&not_repo).unwrap();
    let broken = broken_repo();
    let mut list: Vec<String> = vec![s(&not_repo), "/no/such/repository".to_string()];
    list.extend(good.iter().map(|p| s(p)));
    list.insert(2, s(&broken));
    let (lines, stderr) = fleet(&list, &["--jobs", "2"]);
    assert_eq!(lines.len(), 6, "{stderr}");
    assert!(stderr.contains("3 analysed, 3 failed"), "{stderr}");
    let errors: BTreeSet<String> = lines
        .iter()
        .filter(|l| l.get("error").is_some())
        .map(|l| {
            assert!(!l["error"]["message"].as_str().unwrap().is_empty(), "{l}");
            path_of(l)
        })
        .collect();
    let want: BTreeSet<String> = [s(&not_repo), "/no/such/repository".into(), s(&broken)]
        .into_iter()
        .collect();
    assert_eq!(errors, want);
    let broken_line = lines.iter().find(|l| path_of(l) == s(&broken)).unwrap();
    assert!(
        broken_line["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing"),
        "{broken_line}"
    );
    // Each report line is the object `report --format json` prints for that repository.
    for repo in &good {
        let report = json(&cadence(repo, &["report", "--format", "json"]));
        let line = lines
            .iter()
            .find(|l| l["repository"] == report["repository"])
            .unwrap_or_else(|| panic!("no line for {}", repo.display()));
        assert_eq!(line, &report);
    }
}

#[test]
fn shards_partition_the_list() {
    let list: Vec<String> = [
        fixture("releases.sh"),
        fixture("streams.sh"),
        own_repo("shard-a"),
        own_repo("shard-b"),
        own_repo("shard-c"),
    ]
    .iter()
    .map(|p| s(p))
    .chain((0..7).map(|i| format!("/no/such/repository-{i}")))
    .collect();
    let (all, _) = fleet(&list, &[]);
    let everything: BTreeSet<String> = all.iter().map(path_of).collect();
    assert_eq!(everything.len(), list.len());
    let mut union = BTreeSet::new();
    let mut nonempty = 0;
    for i in 0..3 {
        let (part, _) = fleet(&list, &["--shard", &format!("{i}/3")]);
        nonempty += usize::from(!part.is_empty());
        for p in part.iter().map(path_of) {
            assert!(union.insert(p.clone()), "{p} in two shards");
        }
    }
    assert_eq!(union, everything);
    // --list prints a shard's paths as listed, without opening them.
    let listed = cadence(
        scratch(),
        &[
            "fleet",
            "--repo",
            "/no/such/one",
            "--repo",
            "/no/such/two",
            "--list",
        ],
    );
    assert_eq!(text(&listed).0, "/no/such/one\n/no/such/two\n");
    assert!(nonempty >= 2, "the hash spreads 12 paths over the shards");
    let bad = cadence(scratch(), &["fleet", "--repo", "/x", "--shard", "3/3"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn resume_skips_repositories_whose_head_and_settings_have_a_line() {
    let a = own_repo("resume-a");
    let b = own_repo("resume-b");
    let list = vec![s(&a), s(&b), "/no/such/repository".to_string()];
    let (first, _) = fleet(&list, &[]);
    assert_eq!(first.len(), 3);
    let out = scratch().join("fleet-resume.jsonl");
    let text_of = |lines: &[Value]| {
        lines
            .iter()
            .map(|l| l.to_string() + "\n")
            .collect::<String>()
    };
    std::fs::write(&out, text_of(&first)).unwrap();
    let resume = ["--resume", out.to_str().unwrap()];

    // Nothing changed: only the failed one runs again.
    let (again, stderr) = fleet(&list, &resume);
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(again[0].get("error").is_some());
    assert!(stderr.contains("2 already in the resume file"), "{stderr}");

    // A new commit in one: that one runs again.
    commit_all(&b, "more");
    let (again, _) = fleet(&list, &resume);
    let paths: Vec<String> = again
        .iter()
        .filter(|l| l.get("error").is_none())
        .map(path_of)
        .collect();
    assert_eq!(paths.len(), 1);
    assert_eq!(
        again.iter().find(|l| l.get("error").is_none()).unwrap()["repository"]["head"],
        git(&b, &["rev-parse", "HEAD"]).trim()
    );

    // Other settings: everything runs again.
    let (again, _) = fleet(&list, &[&resume[..], &["--exclude", "*.md"]].concat());
    assert_eq!(again.len(), 3);

    // A file that does not exist yet is an empty one.
    let (fresh, _) = fleet(&list, &["--resume", "/no/such/file.jsonl"]);
    assert_eq!(fresh.len(), 3);
}

#[test]
fn repositories_come_from_stdin_or_several_repo_flags() {
    let a = own_repo("stdin-a");
    let b = own_repo("stdin-b");
    let mut child = cadence_cmd(scratch(), &["fleet", "--repos-from", "-", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n\n{}\n", a.display(), b.display()).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let out = cadence(
        scratch(),
        &[
            "fleet",
            "--repo",
            a.to_str().unwrap(),
            "--repo",
            b.to_str().unwrap(),
        ],
    );
    assert_eq!(text(&out).0.lines().count(), 2);
    // Other commands take one repository, and fleet writes only JSON Lines.
    let two = cadence(
        scratch(),
        &["--repo", a.to_str().unwrap(), "--repo", b.to_str().unwrap()],
    );
    assert_eq!(two.status.code(), Some(2));
    assert!(
        text(&two).1.contains("only `git cadence fleet`"),
        "{}",
        text(&two).1
    );
    let table = cadence(
        scratch(),
        &["fleet", "--repo", a.to_str().unwrap(), "--format", "table"],
    );
    assert_eq!(table.status.code(), Some(2));
    let none = cadence(scratch(), &["fleet"]);
    assert_eq!(none.status.code(), Some(2));
}
