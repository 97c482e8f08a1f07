//! An incidents file (CSV or JSON): parsed or refused, never a panic; accepted incidents have
//! unique ids, resolved not before opened, and hex commit prefixes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(inc) = git_cadence::incidents::parse_incidents(std::path::Path::new("i.csv"), text) {
        let mut ids = std::collections::HashSet::new();
        for i in &inc.incidents {
            assert!(ids.insert(i.id.clone()));
            assert!(i.resolved.is_none_or(|r| r >= i.opened));
            assert!(i.commits.iter().all(|c| c.bytes().all(|b| b.is_ascii_hexdigit())));
        }
    }
});
