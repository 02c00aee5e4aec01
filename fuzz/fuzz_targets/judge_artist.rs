//! Fuzzes the program parser, the artist interpreter and the drawing comparison: any bytes,
//! never a panic or a hang, and every verdict keeps the rules' invariants.
#![no_main]

use kodlek_puzzles::{LevelKind, Status, Submission, catalog, judge};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(program) = serde_json::from_slice::<serde_json::Value>(data) {
        for id in [
            "artist-3",
            "artist-6",
            "artist-7",
            "artist-8",
            "artist-free",
        ] {
            let Some((_, level)) = catalog().level(id) else {
                panic!("{id} is shipped");
            };
            if let Ok(v) = judge(level, Submission::Program(&program)) {
                assert_eq!(v.reason.is_some(), v.status == Status::Failed);
                assert_eq!(
                    v.status == Status::Completed,
                    level.kind == LevelKind::FreePlay && v.reason.is_none()
                );
                assert!(v.trace.len() <= 10_001);
                assert!(v.blocks_used.is_some_and(|b| b <= 500));
            }
        }
    }
});
