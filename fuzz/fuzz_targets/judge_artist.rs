//! Fuzzes the program parser, the artist interpreter and the drawing comparison.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(program) = serde_json::from_slice::<serde_json::Value>(data) {
        for id in ["artist-3", "artist-8", "artist-free"] {
            let (_, level) = kodlek_puzzles::catalog().level(id).expect("shipped level");
            let _ = kodlek_puzzles::judge(level, kodlek_puzzles::Submission::Program(&program));
        }
    }
});
