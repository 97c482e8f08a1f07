//! A deploys file (CSV, JSON lines or a JSON array): parsed or refused, never a panic, and
//! every row it accepts has a time in range and a line inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rows) = git_cadence::deploys::parse(std::path::Path::new("d.csv"), text) {
        let lines = text.split('\n').count().max(1);
        for r in rows {
            assert!((0..=253_402_300_799).contains(&r.time));
            assert!(r.line >= 1 && r.line <= lines, "line {} of {lines}", r.line);
        }
    }
});
