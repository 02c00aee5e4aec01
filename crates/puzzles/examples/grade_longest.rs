//! Grades one reference solution once, as the server grades an attempt (JSON text parsed into a
//! `serde_json::Value`, then judged), for counting instructions under callgrind. Without an
//! argument it takes the level whose reference solution has the most blocks; with a level id,
//! that level.
//!
//! ```sh
//! export CARGO_TARGET_DIR=/var/tmp/kodlek-target
//! cargo build --release -p kodlek-puzzles --example grade_longest
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     --toggle-collect='grade_longest::grade' $CARGO_TARGET_DIR/release/examples/grade_longest
//! callgrind_annotate --inclusive=yes /tmp/cg.out | grep -E 'grade_longest|kodlek_puzzles::judge'
//! ```
//!
//! `grade` is the whole (parse, judge, drop); `parse_text` and `judge_once` are its parts.

use kodlek_puzzles::{Level, Submission, Verdict, catalog};
use serde_json::Value;

/// The number of blocks in a Blockly program: every object with a `type`.
fn blocks(v: &Value) -> usize {
    let mut n = 0;
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(m) => {
                n += usize::from(m.contains_key("type"));
                todo.extend(m.values());
            }
            Value::Array(a) => todo.extend(a),
            _ => {}
        }
    }
    n
}

#[inline(never)]
fn parse_text(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[inline(never)]
fn judge_once(level: &Level, program: &Value) -> Verdict {
    kodlek_puzzles::judge(level, Submission::Program(program)).expect("a valid program")
}

/// What the server does with an attempt's program: parse, judge, and drop the parsed value.
#[inline(never)]
fn grade(level: &Level, text: &str) -> Verdict {
    let program = parse_text(text);
    judge_once(level, &program)
}

fn main() {
    let wanted = std::env::args().nth(1);
    let (level, program) = catalog()
        .courses()
        .iter()
        .flat_map(|c| c.levels())
        .filter(|l| wanted.as_deref().is_none_or(|w| l.id == w))
        .filter_map(|l| Some((l, l.reference_solution()?)))
        .max_by_key(|(l, r)| (blocks(r), std::cmp::Reverse(l.id.clone())))
        .expect("a level with a reference solution");
    let text = serde_json::to_string(program).expect("serialisable");
    let verdict = std::hint::black_box(grade(level, std::hint::black_box(&text)));
    println!(
        "{}: {} blocks counted ({} with when_run), {} bytes of JSON: {} ({} trace steps)",
        level.id,
        verdict.blocks_used.unwrap_or(0),
        blocks(program),
        text.len(),
        verdict.status.as_str(),
        verdict.trace.len()
    );
}
