//! Property tests of the message parsers: revert lists and `Fixes:` trailers. The case
//! count is modest in CI (`PROPTEST_CASES`, default 64); `fuzz/` runs the same parsers
//! for as long as one likes.

use proptest::prelude::*;

use super::claims::{fixes_shas, message_shas, MIN_SHA};

fn config() -> ProptestConfig {
    crate::proptest_config()
}

/// A sha as people write it: 7 to 40 hex digits, any case.
fn sha() -> impl Strategy<Value = String> {
    "[0-9a-fA-F]{7,40}"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_sha_of_a_revert_list_is_read_once_in_order(
        shas in prop::collection::vec(sha(), 1..20),
        seps in prop::collection::vec(prop::sample::select(vec![", ", " and ", ",\n", "\n * ", " "]), 20),
    ) {
        let mut list = String::new();
        for (i, s) in shas.iter().enumerate() {
            if i > 0 {
                list.push_str(seps[i]);
            }
            list.push_str(s);
        }
        let message = format!("Revert \"x\"\n\nThis reverts commits {list}.\n");
        let mut want: Vec<String> = Vec::new();
        for s in &shas {
            let lower = s.to_ascii_lowercase();
            if !want.contains(&lower) {
                want.push(lower);
            }
        }
        prop_assert_eq!(message_shas(&message), Some(want));
    }

    #[test]
    fn any_message_yields_only_shas(message in "\\PC{0,300}") {
        if let Some(shas) = message_shas(&message) {
            for s in shas {
                prop_assert!((MIN_SHA..=40).contains(&s.len()));
                prop_assert!(s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            }
        }
        for s in fixes_shas(&message) {
            prop_assert!(s.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn every_fixes_trailer_is_read(
        shas in prop::collection::vec("[0-9a-f]{12,40}", 1..10),
        body in "[a-z ]{0,40}",
    ) {
        let trailers: Vec<String> = shas.iter().map(|s| format!("Fixes: {s} (\"subject\")")).collect();
        let message = format!("Fix it\n\n{body}\n\n{}\n", trailers.join("\n"));
        let got = fixes_shas(&message);
        for s in &shas {
            prop_assert!(got.contains(s), "{s} missing from {got:?}");
        }
    }
}
