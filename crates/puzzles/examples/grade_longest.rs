//! Grades the longest reference solution of the maze levels once, for measuring the cost of
//! one grading (parse + judge) under callgrind:
//!
//! ```sh
//! cargo build --release -p kodlek-puzzles --example grade_longest
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     --toggle-collect='grade_longest::grade*' target/release/examples/grade_longest
//! ```

use kodlek_puzzles::{Level, LevelKind, Submission, catalog};

/// The number of blocks in a Blockly program: every object with a `type`.
fn blocks(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => {
            usize::from(m.contains_key("type")) + m.values().map(blocks).sum::<usize>()
        }
        serde_json::Value::Array(a) => a.iter().map(blocks).sum(),
        _ => 0,
    }
}

/// Parses the program's JSON text and judges it: what the server does with an attempt's body.
#[inline(never)]
fn grade(level: &Level, text: &str) -> kodlek_puzzles::Verdict {
    let program: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    kodlek_puzzles::judge(level, Submission::Program(&program)).expect("a valid program")
}

fn main() {
    let (level, text) = catalog()
        .courses()
        .iter()
        .flat_map(|c| c.levels())
        .filter(|l| l.kind == LevelKind::Maze)
        .filter_map(|l| {
            let r = l.reference_solution()?;
            Some((l, r, serde_json::to_string(r).expect("serialisable")))
        })
        .max_by_key(|(_, r, text)| (blocks(r), text.len()))
        .map(|(l, _, text)| (l, text))
        .expect("a maze level with a reference solution");
    let verdict = std::hint::black_box(grade(level, std::hint::black_box(&text)));
    println!(
        "{}: {} blocks in the program, {} bytes of JSON: {} ({} trace steps)",
        level.id,
        verdict.blocks_used.unwrap_or(0),
        text.len(),
        verdict.status.as_str(),
        verdict.trace.len()
    );
}
