//! The terminal escape: whatever goes in, no control character but the line break and tab,
//! and no bidi control comes out; `terminal_text` is one line.
#![no_main]

use git_cadence::report::escape::{terminal_output, terminal_text};
use libfuzzer_sys::fuzz_target;

fn bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let out = terminal_output(&text, false);
    assert!(!out.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || bidi(c)));
    let one = terminal_text(&text);
    assert!(!one.chars().any(|c| c.is_control() || bidi(c)));
});
