//! Fuzzes the program parser and the maze interpreter: any bytes, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(program) = serde_json::from_slice::<serde_json::Value>(data) {
        for id in ["maze-1", "maze-9", "maze-15"] {
            let (_, level) = kodlek_puzzles::catalog().level(id).expect("shipped level");
            let _ = kodlek_puzzles::judge(level, kodlek_puzzles::Submission::Program(&program));
        }
    }
});
