//! The packages a workspace declares at one commit (a Cargo workspace's `members`, a
//! `package.json`'s `workspaces`), with their directories: what the report offers as
//! `--stream-path` suggestions when a release stream is named like a package.
//!
//! Best effort and cheap: only the root manifest and each member's manifest are read, member
//! globs are expanded one `*` level at a time, and a manifest that is missing or does not
//! parse is passed over (a suggestion is never worth stopping a run for).

use std::path::Path;

use crate::facts::{CommitId, WorkspacePackage as Package};

use super::{to_oid, Repo};

/// The workspace packages declared in `commit`'s tree, sorted by directory.
#[must_use]
pub fn packages(repo: &Repo, commit: CommitId) -> Vec<Package> {
    let Ok(tree) = repo.repo.find_commit(to_oid(commit)).and_then(|c| c.tree()) else {
        return Vec::new();
    };
    let read = |path: &str| -> Option<String> {
        let entry = tree.get_path(Path::new(path)).ok()?;
        let blob = entry.to_object(&repo.repo).ok()?.into_blob().ok()?;
        // Manifests are small; a huge one is not a manifest worth reading.
        (blob.size() <= 1 << 20).then(|| String::from_utf8_lossy(blob.content()).into_owned())
    };
    let dirs_under = |dir: &str| -> Vec<String> {
        let sub = if dir.is_empty() {
            Some(tree.clone())
        } else {
            tree.get_path(Path::new(dir))
                .ok()
                .and_then(|e| e.to_object(&repo.repo).ok())
                .and_then(|o| o.into_tree().ok())
        };
        sub.map(|t| {
            t.iter()
                .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                .filter_map(|e| e.name().ok().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
    };
    let mut found = Vec::new();
    if let Some(members) = read("Cargo.toml").and_then(|t| cargo_members(&t)) {
        for dir in expand(&members, &dirs_under) {
            if let Some(name) = read(&format!("{dir}Cargo.toml")).and_then(|t| cargo_name(&t)) {
                found.push(Package { name, dir });
            }
        }
    }
    if let Some(members) = read("package.json").and_then(|t| npm_workspaces(&t)) {
        for dir in expand(&members, &dirs_under) {
            if let Some(name) = read(&format!("{dir}package.json")).and_then(|t| npm_name(&t)) {
                found.push(Package { name, dir });
            }
        }
    }
    found.sort_by(|a, b| (&a.dir, &a.name).cmp(&(&b.dir, &b.name)));
    found.dedup();
    found
}

/// `[workspace] members` of a root `Cargo.toml`.
fn cargo_members(text: &str) -> Option<Vec<String>> {
    let value: toml::Value = toml::from_str(text).ok()?;
    Some(strings(value.get("workspace")?.get("members")?.as_array()?))
}

/// `[package] name` of a member's `Cargo.toml`.
fn cargo_name(text: &str) -> Option<String> {
    let value: toml::Value = toml::from_str(text).ok()?;
    Some(value.get("package")?.get("name")?.as_str()?.to_string())
}

/// `workspaces` of a root `package.json`: an array, or `{"packages": [...]}` (Yarn).
fn npm_workspaces(text: &str) -> Option<Vec<String>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let w = value.get("workspaces")?;
    let list = w.as_array().or_else(|| w.get("packages")?.as_array())?;
    Some(
        list.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    )
}

/// `name` of a member's `package.json`.
fn npm_name(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(value.get("name")?.as_str()?.to_string())
}

fn strings(values: &[toml::Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Member patterns to directories (with a trailing `/`): a plain path as it is, a path whose
/// last part is `*` as every directory there. Other patterns are passed over.
fn expand(members: &[String], dirs_under: &dyn Fn(&str) -> Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for m in members {
        let m = m.trim_start_matches("./").trim_end_matches('/');
        if m.is_empty() || m.split('/').any(|p| p == "..") {
            continue;
        }
        match m.strip_suffix('*') {
            Some(parent) if parent.is_empty() || parent.ends_with('/') => {
                let parent = parent.trim_end_matches('/');
                if parent.contains(['*', '?', '[']) {
                    continue;
                }
                for d in dirs_under(parent) {
                    out.push(if parent.is_empty() {
                        format!("{d}/")
                    } else {
                        format!("{parent}/{d}/")
                    });
                }
            }
            Some(_) => {}
            None if m.contains(['*', '?', '[']) => {}
            None => out.push(format!("{m}/")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::testing::commit_files;

    #[test]
    fn manifests_are_read_and_bad_ones_passed_over() {
        assert_eq!(
            cargo_members("[workspace]\nmembers = [\"a\", \"crates/*\"]\n"),
            Some(vec!["a".to_string(), "crates/*".to_string()])
        );
        assert_eq!(cargo_members("[package]\nname = \"x\"\n"), None);
        assert_eq!(cargo_members("not toml ["), None);
        assert_eq!(
            cargo_name("[package]\nname = \"tokio-util\"\n").as_deref(),
            Some("tokio-util")
        );
        assert_eq!(
            npm_workspaces(r#"{"workspaces": ["packages/*"]}"#),
            Some(vec!["packages/*".to_string()])
        );
        assert_eq!(
            npm_workspaces(r#"{"workspaces": {"packages": ["apps/web"]}}"#),
            Some(vec!["apps/web".to_string()])
        );
        assert_eq!(
            npm_name(r#"{"name": "@acme/ui"}"#).as_deref(),
            Some("@acme/ui")
        );
        let dirs = |d: &str| match d {
            "crates" => vec!["core".to_string(), "cli".to_string()],
            "" => vec!["top".to_string()],
            _ => Vec::new(),
        };
        let members: Vec<String> = ["a/", "./b", "crates/*", "*", "x/**/y", "../up", "c*"]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            expand(&members, &dirs),
            ["a/", "b/", "crates/core/", "crates/cli/", "top/"]
        );
    }

    #[test]
    fn packages_of_a_cargo_and_an_npm_workspace() {
        let dir = tempfile::tempdir().expect("temp dir");
        let git = git2::Repository::init(dir.path()).expect("init");
        let file = |text| Some((text, 0o100_644));
        let head = commit_files(
            &git,
            1_700_000_000,
            "workspace",
            &[
                (
                    "Cargo.toml",
                    file("[workspace]\nmembers = [\"tokio\", \"crates/*\", \"missing\"]\n"),
                ),
                ("tokio/Cargo.toml", file("[package]\nname = \"tokio\"\n")),
                (
                    "crates/util/Cargo.toml",
                    file("[package]\nname = \"tokio-util\"\n"),
                ),
                ("crates/broken/Cargo.toml", file("[package\n")),
                ("package.json", file(r#"{"workspaces": ["web"]}"#)),
                ("web/package.json", file(r#"{"name": "@acme/web"}"#)),
            ],
            &[],
        );
        let repo = Repo::discover(Some(dir.path())).expect("open");
        let got = packages(&repo, crate::git::to_id(head));
        let pairs: Vec<(&str, &str)> = got
            .iter()
            .map(|p| (p.name.as_str(), p.dir.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("tokio-util", "crates/util/"),
                ("tokio", "tokio/"),
                ("@acme/web", "web/")
            ]
        );
        assert!(packages(&repo, CommitId([7; 20])).is_empty());
    }
}
