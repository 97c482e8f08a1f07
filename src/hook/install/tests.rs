//! Each test is named after the attack or accident it stops (issue: "A failed `hook install`
//! disables the user's own hook").

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;

use super::*;

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

fn present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Everything in a directory (one level): name → kind, mode and content or link target.
fn snapshot(dir: &Path) -> BTreeMap<String, (String, u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let e = e.expect("entry");
        let path = e.path();
        let meta = std::fs::symlink_metadata(&path).expect("meta");
        let (kind, content) = if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).expect("link");
            ("link", target.to_string_lossy().as_bytes().to_vec())
        } else if meta.is_dir() {
            ("dir", Vec::new())
        } else {
            ("file", std::fs::read(&path).expect("read"))
        };
        out.insert(
            e.file_name().to_string_lossy().into_owned(),
            (kind.to_string(), mode(&path), content),
        );
    }
    out
}

fn user_hook(dir: &Path) -> PathBuf {
    let hook = dir.join("pre-push");
    std::fs::write(&hook, b"#!/bin/sh\necho blocking check\nexit 1\n").expect("write");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).expect("chmod");
    hook
}

fn script() -> String {
    stamped_wrapper("pre-push", false, None)
}

#[test]
fn install_keeps_the_original_and_uninstall_restores_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hook = dir.path().join("pre-push");
    let original = b"#!/bin/sh\necho original \"$@\"\n\xff binary-ish\n";
    std::fs::write(&hook, original).expect("write");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).expect("chmod");

    let msg = install(dir.path(), "pre-push", false, false, None).expect("install");
    assert!(msg.contains("runs first"), "{msg}");
    let orig = dir.path().join("pre-push.git-cadence-orig");
    assert_eq!(std::fs::read(&orig).expect("orig"), original);
    assert_eq!(mode(&orig), 0o750);
    assert!(matches!(entry(&hook), Ok(Entry::Wrapper(_))));
    assert_eq!(mode(&hook), 0o755);

    // Idempotent: a second install changes nothing.
    let before = snapshot(dir.path());
    let msg = install(dir.path(), "pre-push", false, false, None).expect("again");
    assert!(msg.contains("nothing changed"), "{msg}");
    assert_eq!(snapshot(dir.path()), before);

    uninstall(dir.path(), "pre-push", false).expect("uninstall");
    assert_eq!(std::fs::read(&hook).expect("hook"), original);
    assert_eq!(mode(&hook), 0o750);
    assert!(!present(&orig));
    assert_eq!(snapshot(dir.path()).len(), 1, "no temporary file is left");
}

#[test]
fn uninstall_without_an_original_removes_the_hook() {
    let dir = tempfile::tempdir().expect("tempdir");
    install(dir.path(), "pre-push", false, true, None).expect("install");
    assert!(std::fs::read_to_string(dir.path().join("pre-push"))
        .expect("hook")
        .contains("--enforce"));
    uninstall(dir.path(), "pre-push", false).expect("uninstall");
    assert!(!present(&dir.path().join("pre-push")));
    let msg = uninstall(dir.path(), "pre-push", false).expect("uninstall");
    assert!(msg.contains("nothing changed"), "{msg}");
}

#[test]
fn a_reinstall_with_other_flags_replaces_an_unedited_wrapper() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hook = user_hook(dir.path());
    install(dir.path(), "pre-push", false, false, None).expect("install");
    install(dir.path(), "pre-push", false, true, None).expect("reinstall with --enforce");
    assert!(std::fs::read_to_string(&hook)
        .expect("hook")
        .contains("--enforce"));
    // The user's hook is still the one kept, not the first wrapper.
    assert_eq!(
        std::fs::read(dir.path().join("pre-push.git-cadence-orig")).expect("orig"),
        b"#!/bin/sh\necho blocking check\nexit 1\n"
    );
}

#[test]
fn nothing_of_the_users_is_overwritten_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hook = dir.path().join("pre-push");
    let orig = dir.path().join("pre-push.git-cadence-orig");
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").expect("write");
    std::fs::write(&orig, "#!/bin/sh\necho older\n").expect("write");
    let e = install(dir.path(), "pre-push", false, false, None).expect_err("refuses");
    assert!(e.to_string().contains("--force"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        "#!/bin/sh\necho mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(&orig).expect("orig"),
        "#!/bin/sh\necho older\n"
    );
    install(dir.path(), "pre-push", true, false, None).expect("forced");
    assert_eq!(
        std::fs::read_to_string(&orig).expect("orig"),
        "#!/bin/sh\necho mine\n"
    );
    assert_eq!(snapshot(dir.path()).len(), 2, "the backup is gone");

    // A stray moved-aside file with no wrapper: refused without --force too.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pre-push.git-cadence-orig"), "x").expect("write");
    assert!(install(dir.path(), "pre-push", false, false, None).is_err());
    assert!(!present(&dir.path().join("pre-push")));

    // A hook that is not ours is never removed by uninstall.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pre-push"), "#!/bin/sh\n").expect("write");
    let msg = uninstall(dir.path(), "pre-push", true).expect("uninstall");
    assert!(msg.contains("left alone"), "{msg}");
    assert!(present(&dir.path().join("pre-push")));
}

#[test]
fn bad_hook_names_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["", "../x", "a/b", "pre-push.git-cadence-orig"] {
        assert!(
            install(dir.path(), name, false, false, None).is_err(),
            "{name}"
        );
    }
}

// Reported: the original was moved aside before the wrapper was written; a failed write (disk
// full) left no pre-push at all, and the next push skipped the user's blocking hook.
#[test]
fn a_disk_full_while_writing_the_wrapper_leaves_the_users_hook_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    user_hook(dir.path());
    let before = snapshot(dir.path());
    let faults = Faults {
        stage: true,
        place: false,
    };
    let e = install_with(dir.path(), "pre-push", false, &script(), faults).expect_err("fails");
    assert!(e.to_string().contains("No space left"), "{e}");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_failure_after_the_original_is_kept_restores_the_hooks_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    user_hook(dir.path());
    let before = snapshot(dir.path());
    let faults = Faults {
        stage: false,
        place: true,
    };
    install_with(dir.path(), "pre-push", false, &script(), faults).expect_err("fails");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_failed_forced_install_puts_the_older_original_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    user_hook(dir.path());
    let orig = dir.path().join("pre-push.git-cadence-orig");
    std::fs::write(&orig, "#!/bin/sh\necho older\n").expect("write");
    let before = snapshot(dir.path());
    let faults = Faults {
        stage: false,
        place: true,
    };
    install_with(dir.path(), "pre-push", true, &script(), faults).expect_err("fails");
    assert_eq!(snapshot(dir.path()), before);
}

// Reported: a directory at `pre-push.git-cadence-tmp` made the write fail after the user's
// hook had been moved aside.
#[test]
fn a_directory_at_the_old_temporary_name_does_not_disable_the_users_hook() {
    let dir = tempfile::tempdir().expect("tempdir");
    user_hook(dir.path());
    std::fs::create_dir(dir.path().join("pre-push.git-cadence-tmp")).expect("mkdir");
    install(dir.path(), "pre-push", false, false, None).expect("install");
    assert!(matches!(
        entry(&dir.path().join("pre-push")),
        Ok(Entry::Wrapper(_))
    ));
    assert!(dir.path().join("pre-push.git-cadence-tmp").is_dir());
}

// Reported: a symlink at the temporary name was followed, so the wrapper overwrote a file
// outside the hooks directory and changed its mode.
#[test]
fn a_symlink_at_a_temporary_name_is_never_written_through() {
    let outside = tempfile::tempdir().expect("tempdir");
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious\n").expect("write");
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let dir = tempfile::tempdir().expect("tempdir");
    user_hook(dir.path());
    std::os::unix::fs::symlink(&victim, dir.path().join("pre-push.git-cadence-tmp"))
        .expect("symlink");
    install(dir.path(), "pre-push", false, false, None).expect("install");
    uninstall(dir.path(), "pre-push", false).expect("uninstall");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious\n"
    );
    assert_eq!(mode(&victim), 0o600);
}

#[test]
fn a_symlinked_hook_is_kept_as_a_link_and_its_target_never_touched() {
    let outside = tempfile::tempdir().expect("tempdir");
    let target = outside.path().join("shared-hook");
    // It even looks like a wrapper: it is still not ours, because it is a link.
    let fake = format!("#!/bin/sh\n{MARKER}\n");
    std::fs::write(&target, &fake).expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    let hook = dir.path().join("pre-push");
    std::os::unix::fs::symlink(&target, &hook).expect("symlink");
    assert_eq!(entry(&hook).ok(), Some(Entry::Other));
    let msg = uninstall(dir.path(), "pre-push", true).expect("uninstall");
    assert!(msg.contains("left alone"), "{msg}");

    install(dir.path(), "pre-push", false, false, None).expect("install");
    let orig = dir.path().join("pre-push.git-cadence-orig");
    assert_eq!(std::fs::read_link(&orig).expect("a link"), target);
    uninstall(dir.path(), "pre-push", false).expect("uninstall");
    assert_eq!(std::fs::read_link(&hook).expect("a link again"), target);
    assert_eq!(std::fs::read_to_string(&target).expect("target"), fake);
}

// Reported: a `pre-push` directory was lost on uninstall.
#[test]
fn a_pre_push_directory_survives_install_and_uninstall() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hook = dir.path().join("pre-push");
    std::fs::create_dir(&hook).expect("mkdir");
    std::fs::write(hook.join("inside"), "x").expect("write");
    let e = install(dir.path(), "pre-push", true, false, None).expect_err("refused");
    assert!(e.to_string().contains("directory"), "{e}");
    let msg = uninstall(dir.path(), "pre-push", true).expect("uninstall");
    assert!(msg.contains("left alone"), "{msg}");
    assert_eq!(std::fs::read(hook.join("inside")).expect("kept"), b"x");

    // A directory someone put at the moved-aside name comes back as it was.
    let dir = tempfile::tempdir().expect("tempdir");
    install(dir.path(), "pre-push", false, false, None).expect("install");
    let orig = dir.path().join("pre-push.git-cadence-orig");
    std::fs::create_dir(&orig).expect("mkdir");
    std::fs::write(orig.join("inside"), "y").expect("write");
    uninstall(dir.path(), "pre-push", false).expect("uninstall");
    assert_eq!(
        std::fs::read(dir.path().join("pre-push/inside")).expect("back"),
        b"y"
    );
}

// Reported: a user's edit to the wrapper was silently dropped by a reinstall.
#[test]
fn a_user_edited_wrapper_is_not_overwritten_by_a_reinstall() {
    let dir = tempfile::tempdir().expect("tempdir");
    install(dir.path(), "pre-push", false, false, None).expect("install");
    let hook = dir.path().join("pre-push");
    let mut edited = std::fs::read_to_string(&hook).expect("hook");
    edited = edited.replace("#!/bin/sh\n", "#!/bin/sh\nexport MY_SETTING=1\n");
    std::fs::write(&hook, &edited).expect("edit");
    let e = install(dir.path(), "pre-push", false, true, None).expect_err("refused");
    assert!(e.to_string().contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&hook).expect("hook"), edited);
    install(dir.path(), "pre-push", true, true, None).expect("forced");
    assert!(matches!(entry(&hook), Ok(Entry::Wrapper(_))));
}

// Reported: a user's edit to the wrapper was deleted by uninstall.
#[test]
fn a_user_edited_wrapper_is_not_deleted_by_uninstall() {
    let dir = tempfile::tempdir().expect("tempdir");
    install(dir.path(), "pre-push", false, false, None).expect("install");
    let hook = dir.path().join("pre-push");
    let mut edited = std::fs::read_to_string(&hook).expect("hook");
    edited.push_str("echo my addition\n");
    std::fs::write(&hook, &edited).expect("edit");
    let e = uninstall(dir.path(), "pre-push", false).expect_err("refused");
    assert!(e.to_string().contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&hook).expect("hook"), edited);
    uninstall(dir.path(), "pre-push", true).expect("forced");
    assert!(!present(&hook));
}

#[test]
fn the_digest_tells_an_edit_from_the_wrapper_as_written() {
    let s = script();
    assert!(is_pristine(s.as_bytes()));
    assert!(!is_pristine(s.replace("exit 0", "exit 1").as_bytes()));
    assert!(!is_pristine(b""));
    assert!(!is_pristine(b"# git-cadence-digest: 0\n"));
}

#[test]
fn a_hooks_directory_inside_the_work_tree_is_recognised() {
    let root = tempfile::tempdir().expect("tempdir");
    let work = root.path();
    let git = work.join(".git");
    std::fs::create_dir_all(git.join("hooks")).expect("mkdir");
    assert!(in_work_tree(&work.join(".husky"), work, &[&git]));
    assert!(in_work_tree(&work.join("a/../.githooks"), work, &[&git]));
    assert!(!in_work_tree(&git.join("hooks"), work, &[&git]));
    assert!(!in_work_tree(Path::new("/etc/hooks"), work, &[&git]));
    assert_eq!(
        line_for_other_tool("pre-push", false),
        "git cadence hook run --stdin-refs -- \"$@\""
    );
}
