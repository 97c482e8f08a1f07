//! Tag names and versions: read with the default release pattern and a stream pattern,
//! never a panic; a version read prints back as numbers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    static PATTERNS: std::sync::OnceLock<[regex::Regex; 2]> = std::sync::OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            regex::Regex::new(git_cadence::config::DEFAULT_TAG_PATTERN).expect("pattern"),
            regex::Regex::new(r"^(?P<stream>[a-z-]+)-v(?P<version>\d+\.\d+\.\d+)$").expect("pattern"),
        ]
    });
    for p in patterns {
        let _ = git_cadence::analysis::releases::parse_tag(name, p);
    }
    if let Some(v) = git_cadence::analysis::releases::Version::parse(name) {
        assert!(v.to_string().bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    }
});
