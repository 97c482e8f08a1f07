//! Reads tags: follows chains of annotated tags down to a commit and records the times a
//! release needs. Tags that end at a tree or blob are skipped with a warning naming them.

use crate::error::Result;
use crate::facts::{TagFacts, Warning};

use super::{git_error, to_id, Repo};

/// The tags of a repository that a pattern selected, and the names of those it did not.
#[derive(Debug, Default)]
pub struct Tags {
    /// The selected tags that end at a commit, in name order.
    pub tags: Vec<TagFacts>,
    /// The names of the tags not selected, in name order (never read further).
    pub unselected: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Reads every tag whose short name passes `wanted`, and lists the names of the others.
///
/// Returned in name order. A tag that does not end at a commit is skipped with a warning; a
/// tag whose object is missing is an error naming the tag.
pub fn read_tags(repo: &Repo, wanted: impl Fn(&str) -> bool) -> Result<Tags> {
    let repo = &repo.repo;
    let mut names = Vec::new();
    repo.tag_foreach(|oid, name| {
        let name = String::from_utf8_lossy(name);
        let short = name.strip_prefix("refs/tags/").unwrap_or(&name).to_string();
        names.push((short, oid));
        true
    })
    .map_err(|e| git_error("listing tags", &e))?;
    names.sort();

    let mut tags = Vec::new();
    let mut warnings = Vec::new();
    let mut unselected = Vec::new();
    for (name, oid) in names {
        if !wanted(&name) {
            unselected.push(name);
            continue;
        }
        let mut object = repo
            .find_object(oid, None)
            .map_err(|e| git_error(format!("reading tag {name}"), &e))?;
        let mut tagger_time = None;
        // Bounded: a chain of tags cannot loop (ids are content hashes), but a corrupt
        // repository should not hang us either.
        let mut hops = 0;
        let commit = loop {
            hops += 1;
            match object.kind() {
                Some(git2::ObjectType::Commit) => {
                    break object.into_commit().ok();
                }
                Some(git2::ObjectType::Tag) if hops < 64 => {
                    let Ok(tag) = object.into_tag() else {
                        break None;
                    };
                    if tagger_time.is_none() {
                        tagger_time = tag
                            .tagger()
                            .map(|s| {
                                super::checked_time(s.when().seconds(), || {
                                    format!("the tagger date of tag {name}")
                                })
                            })
                            .transpose()?;
                    }
                    object = tag
                        .target()
                        .map_err(|e| git_error(format!("following tag {name}"), &e))?;
                }
                _ => break None,
            }
        };
        match commit {
            Some(c) => {
                let commit_time = super::checked_time(c.committer().when().seconds(), || {
                    format!("the committer date of commit {}, tagged {name}", c.id())
                })?;
                tags.push(TagFacts {
                    name,
                    commit: to_id(c.id()),
                    tagger_time,
                    commit_time,
                });
            }
            None => warnings.push(Warning(format!(
                "tag {name} does not point at a commit; skipped"
            ))),
        }
    }
    Ok(Tags {
        tags,
        unselected,
        warnings,
    })
}
