//! `.git-cadence.toml`: parsed or refused, never a panic; a file named by an accepted config
//! stays inside the repository.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("/r/.git-cadence.toml");
    if let Ok(c) = git_cadence::config_file::FileConfig::parse(path, text) {
        for p in [c.deploys, c.incidents].into_iter().flatten() {
            let mut depth = 0i64;
            for comp in p.strip_prefix("/r").expect("under the root").components() {
                match comp {
                    std::path::Component::ParentDir => depth -= 1,
                    std::path::Component::Normal(_) => depth += 1,
                    std::path::Component::CurDir => {}
                    _ => depth = -1,
                }
                assert!(depth >= 0, "{} leaves the repository", p.display());
            }
        }
    }
});
