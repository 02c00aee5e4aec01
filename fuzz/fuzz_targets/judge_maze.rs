//! Fuzzes the program parser and the maze interpreter: any bytes, never a panic or a hang, and
//! every verdict keeps the rules' invariants. The same bytes also go to a prompt as an answer.
#![no_main]

use kodlek_puzzles::{Status, Submission, catalog, judge};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(program) = serde_json::from_slice::<serde_json::Value>(data) {
        for id in ["maze-1", "maze-9", "maze-12", "maze-15"] {
            let Some((_, level)) = catalog().level(id) else {
                panic!("{id} is shipped");
            };
            if let Ok(v) = judge(level, Submission::Program(&program)) {
                assert_eq!(v.reason.is_some(), v.status == Status::Failed);
                assert!(v.status != Status::Completed);
                assert!(v.trace.len() <= 10_001);
                assert!(v.blocks_used.is_some_and(|b| b <= 500));
            }
        }
    }
    if let (Ok(answer), Some((_, prompt))) =
        (std::str::from_utf8(data), catalog().level("maze-reflect"))
    {
        let _ = judge(prompt, Submission::Answer(answer));
    }
});
