//! Fuzzes the server's JSON reader against serde_json: the same texts taken and refused, the
//! same canonical text, and the same verdict as judging the `Value`. Any nesting depth must be
//! read without a stack overflow (serde_json stops at 128, and those texts are only read).
#![no_main]

use kodlek_puzzles::{Doc, Submission, catalog, judge};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = Doc::parse(text);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => {
            let doc = ours.expect("serde_json takes it, so must the reader");
            assert_eq!(doc.canonical(), v.to_string());
            for id in ["maze-9", "artist-3"] {
                let Some((_, level)) = catalog().level(id) else {
                    panic!("{id} is shipped");
                };
                let by_value = judge(level, Submission::Program(&v));
                let by_doc = judge(level, Submission::Json(doc.root()));
                assert_eq!(format!("{by_value:?}"), format!("{by_doc:?}"));
            }
        }
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {}
        Err(_) => assert!(ours.is_err(), "serde_json refuses it, so must the reader"),
    }
});
