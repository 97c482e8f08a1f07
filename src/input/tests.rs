//! Each test is named after the attack it stops (issue: "The repository's `.git-cadence.toml`
//! can hang a push, exhaust memory, and read any file on the machine").

use super::*;

/// Runs `f` on a thread and fails the test if it takes more than a few seconds (a hang).
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("finished without hanging")
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[test]
fn a_config_cannot_name_an_absolute_path() {
    let e = check_relative("/home/me/.env").expect_err("absolute");
    assert!(e.contains("absolute"), "{e}");
}

#[test]
fn a_config_cannot_climb_out_with_dot_dot() {
    assert!(check_relative("../../home/me/.env").is_err());
    assert!(check_relative("ops/../../x").is_err());
    assert!(check_relative("ops/../deploys.csv").is_ok());
    assert!(check_relative("./ops/deploys.csv").is_ok());
}

// Reported: `deploys = "/home/…/.env"` echoed `GITHUB_TOKEN=ghp_…` in a public CI log.
#[test]
fn a_symlink_out_of_the_repository_is_not_read() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join(".env");
    std::fs::write(&secret, "GITHUB_TOKEN=ghp_secret\n").expect("write");
    let repo = tempfile::tempdir().expect("tempdir");
    let link = repo.path().join("deploys.csv");
    std::os::unix::fs::symlink(&secret, &link).expect("symlink");
    let e = read_text(
        &link,
        NamedBy::Repository { root: repo.path() },
        MAX_DATA_BYTES,
    )
    .expect_err("outside");
    let e = e.to_string();
    assert!(e.contains("outside the repository"), "{e}");
    assert!(!e.contains("ghp_"), "{e}");
    // A flag may name it: the person running git-cadence chose it.
    assert!(read_text(&link, NamedBy::Flag, MAX_DATA_BYTES).is_ok());
    // A symlink that stays inside is fine.
    std::fs::write(repo.path().join("real.csv"), "x\n").expect("write");
    let inner = repo.path().join("inner.csv");
    std::os::unix::fs::symlink("real.csv", &inner).expect("symlink");
    assert_eq!(
        read_text(
            &inner,
            NamedBy::Repository { root: repo.path() },
            MAX_DATA_BYTES
        )
        .expect("inside"),
        "x\n"
    );
}

// Reported: `deploys` pointing at a FIFO hung a push.
#[test]
fn a_fifo_named_by_the_config_does_not_hang_the_run() {
    let repo = tempfile::tempdir().expect("tempdir");
    let fifo = repo.path().join("deploys.csv");
    mkfifo(&fifo);
    let root = repo.path().to_path_buf();
    let e = within_seconds(move || {
        read_text(&fifo, NamedBy::Repository { root: &root }, MAX_DATA_BYTES)
            .map_err(|e| e.to_string())
    })
    .expect_err("not a regular file");
    assert!(e.contains("not a regular file"), "{e}");
}

#[test]
fn a_fifo_named_by_a_flag_with_no_writer_does_not_hang_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("deploys.csv");
    mkfifo(&fifo);
    let text = within_seconds(move || {
        read_text(&fifo, NamedBy::Flag, MAX_DATA_BYTES).map_err(|e| e.to_string())
    })
    .expect("a FIFO no one writes reads as empty");
    assert_eq!(text, "");
}

#[test]
fn a_pipe_named_by_a_flag_is_read_to_its_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("deploys.csv");
    mkfifo(&fifo);
    let mut writer = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec 3>'{}'; sleep 0.3; echo abc,2024-01-01 >&3",
            fifo.display()
        ))
        .spawn()
        .expect("writer");
    std::thread::sleep(std::time::Duration::from_millis(100));
    let text = within_seconds(move || {
        read_text(&fifo, NamedBy::Flag, MAX_DATA_BYTES).map_err(|e| e.to_string())
    })
    .expect("read");
    let _ = writer.wait();
    assert_eq!(text, "abc,2024-01-01\n");
}

// Reported: the config a symlink to `/dev/zero` was OOM-killed at 24 GB.
#[test]
fn a_symlink_to_dev_zero_does_not_exhaust_memory() {
    let repo = tempfile::tempdir().expect("tempdir");
    let link = repo.path().join(".git-cadence.toml");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
    let named = NamedBy::Repository { root: repo.path() };
    assert!(read_text(&link, named, MAX_CONFIG_BYTES).is_err());
    // Even from a flag, a device is not a file to read.
    let e = within_seconds(|| {
        read_text(Path::new("/dev/zero"), NamedBy::Flag, MAX_DATA_BYTES).map_err(|e| e.to_string())
    })
    .expect_err("device");
    assert!(e.contains("not a regular file"), "{e}");
}

#[test]
fn a_file_over_the_size_cap_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.csv");
    std::fs::write(&big, vec![b'a'; 3 << 20]).expect("write");
    let e = read_text(&big, NamedBy::Flag, 2 << 20).expect_err("too big");
    assert!(e.to_string().contains("larger than 2 MiB"), "{e}");
    assert!(read_text(&big, NamedBy::Flag, 3 << 20).is_ok());
}

#[test]
fn a_directory_is_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = read_text(dir.path(), NamedBy::Flag, MAX_DATA_BYTES).expect_err("directory");
    assert!(e.to_string().contains("not a regular file"), "{e}");
}

#[test]
fn binary_content_is_not_echoed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("x.csv");
    std::fs::write(&f, b"SECRET=1\xff\xfe").expect("write");
    let e = read_text(&f, NamedBy::Flag, MAX_DATA_BYTES).expect_err("not utf-8");
    assert!(!e.to_string().contains("SECRET"), "{e}");
}

#[test]
fn an_excerpt_is_short_one_line_and_escaped() {
    let long = format!("GITHUB_TOKEN=ghp_{}\x1b[2J\u{202E}", "x".repeat(100));
    let e = excerpt(&long);
    assert!(e.chars().count() <= EXCERPT_CHARS + 1, "{e}");
    assert!(e.ends_with('…'));
    assert!(!excerpt("a\x1b[31mb\u{202E}c\nd").contains(['\x1b', '\u{202E}', '\n']));
    assert_eq!(excerpt("short"), "short");
}
