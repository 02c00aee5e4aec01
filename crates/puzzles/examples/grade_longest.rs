//! Grades one reference solution once, as the server grades an attempt, for counting
//! instructions under callgrind. Without an argument it takes the level whose reference solution
//! has the most blocks; with a level id, that level.
//!
//! ```sh
//! export CARGO_TARGET_DIR=/var/tmp/kodlek-target
//! cargo build --release -p kodlek-puzzles --example grade_longest
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     --toggle-collect='grade_longest::grade' $CARGO_TARGET_DIR/release/examples/grade_longest
//! callgrind_annotate --inclusive=yes /tmp/cg.out | grep -E 'grade_longest|kodlek_puzzles::judge'
//! ```
//!
//! `grade` starts from the request body's bytes, `{"program": ...}`, and does what the server
//! does with them (`kodlek_web::extract::parse_json` and `kodlek_web::puzzles::attempt`): checks
//! UTF-8, reads the typed body (the program kept as text, its syntax checked while skipping
//! over it), reads the program with [`Doc::parse`], judges it, and drops it all. `store_text` is the
//! canonical text a signed-in attempt stores, counted apart: it is storing, not grading.

use kodlek_puzzles::{Doc, Level, ProgramJson, Submission, Verdict, catalog};
use serde::Deserialize;
use serde_json::Value;

/// The fields of `kodlek_web::puzzles::AttemptBody`, with its rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AttemptBody {
    program: Option<ProgramJson>,
    answer: Option<String>,
    client_attempt_id: Option<String>,
}

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
fn parse_body(bytes: &[u8]) -> AttemptBody {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    // Read to its end without an error, the text is JSON: the server checks the syntax with
    // `IgnoredAny` only when this fails.
    serde_json::from_str(text).expect("an attempt body")
}

#[inline(never)]
fn judge_once(level: &Level, program: &ProgramJson) -> Verdict {
    let doc = Doc::parse(program.text()).expect("valid JSON");
    kodlek_puzzles::judge(level, Submission::Json(doc.root())).expect("a valid program")
}

/// What the server does with an attempt's body: parse, judge, and drop what was parsed.
#[inline(never)]
fn grade(level: &Level, body: &[u8]) -> Verdict {
    let body = parse_body(body);
    judge_once(level, body.program.as_ref().expect("a program"))
}

#[inline(never)]
fn store_text(body: &[u8]) -> String {
    let body = parse_body(body);
    let program = body.program.expect("a program");
    Doc::parse(program.text()).expect("valid JSON").canonical()
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
    let body = format!(r#"{{"program":{text}}}"#);
    let verdict = std::hint::black_box(grade(level, std::hint::black_box(body.as_bytes())));
    let stored = std::hint::black_box(store_text(std::hint::black_box(body.as_bytes())));
    assert_eq!(stored, text, "the stored text is serde_json's");
    println!(
        "{}: {} blocks counted ({} with when_run), {} bytes of JSON ({} of body): {} ({} trace steps)",
        level.id,
        verdict.blocks_used.unwrap_or(0),
        blocks(program),
        text.len(),
        body.len(),
        verdict.status.as_str(),
        verdict.trace.len()
    );
}
