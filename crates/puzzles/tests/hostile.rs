//! Hostile programs: deep nesting, loops multiplied to astronomical step counts, endless loops,
//! megabytes of blocks and huge ids. Each must fail or be refused, quickly, without a panic.

mod common;

use common::*;
use kodlek_puzzles::{
    Doc, MAX_BLOCKS, MAX_DEPTH, Reason, Status, Submission, TraceStep, Verdict, judge,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Judges on the test's own (small) stack and checks the time: well under a second even in an
/// unoptimised build, so a request can never hold a core for long.
fn timed(level_id: &str, p: &Value) -> Result<Verdict, kodlek_puzzles::Invalid> {
    let started = Instant::now();
    let v = judge(level(level_id), Submission::Program(p));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{level_id}: {took:?}");
    v
}

#[test]
fn a_thousand_levels_of_nesting_are_refused() {
    for wrap in [
        |b| repeat(2, b),
        |b| forever(b),
        |b| if_else("isPathLeft", b, fwd()),
    ] as [fn(Value) -> Value; 3]
    {
        let mut deep = fwd();
        for _ in 0..1_000 {
            deep = wrap(deep);
        }
        let p = program(deep);
        assert_eq!(timed("maze-15", &p).unwrap_err().code, "invalid_program");
        drop_deep(p);
    }
    // Exactly at the limit is fine.
    let mut deep = left();
    for _ in 1..MAX_DEPTH {
        deep = repeat(1, deep);
    }
    assert_eq!(
        timed("maze-7", &program(deep)).unwrap().reason,
        Some(Reason::NotReachedGoal)
    );
    // Text nested deeper than serde_json's limit of 128 never becomes a Value at all.
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[test]
fn multiplied_loops_stop_at_the_step_limit() {
    // 100^10 rounds, if nothing stopped it.
    let mut deep = left();
    for _ in 0..10 {
        deep = repeat(100, deep);
    }
    let v = timed("maze-7", &program(deep)).unwrap();
    assert_eq!(v.reason, Some(Reason::TooManySteps));
    assert!(v.trace.len() <= 10_000);
    let mut empty = json!({"type": "controls_repeat", "fields": {"TIMES": 100}});
    for _ in 0..20 {
        empty = repeat(100, empty);
    }
    let v = timed("maze-7", &program(empty)).unwrap();
    assert_eq!(
        v.reason,
        Some(Reason::EmptyBlock),
        "an empty body is named before anything runs, however deep"
    );
    assert!(v.trace.is_empty());
    let mut spiral = chain(vec![draw(400.0), rotate("turnRight", 1.0)]);
    for _ in 0..6 {
        spiral = repeat(100, spiral);
    }
    let v = timed("artist-free", &program(spiral.clone())).unwrap();
    assert_eq!(v.reason, Some(Reason::TooManySteps));
    let v = timed("artist-3", &program(spiral)).unwrap();
    assert_eq!(v.reason, Some(Reason::TooManySteps));
}

#[test]
fn endless_loops_without_moves_run_out_of_steps() {
    for body in [
        left(),
        forever(forever(left())),
        if_path("isPathLeft", fwd()),
        forever(right()),
        repeat(0, fwd()),
    ] {
        let v = timed("maze-15", &program(forever(body))).unwrap();
        assert_eq!(
            (v.status, v.reason),
            (Status::Failed, Some(Reason::TooManySteps))
        );
    }
}

#[test]
fn megabytes_of_blocks_are_refused_or_ignored_quickly() {
    // About 10 MB of JSON text: a hundred thousand stray blocks beside the start.
    let stray = format!(
        r#"{{"type":"maze_move_forward","id":"{}","x":1,"y":2}}"#,
        "i".repeat(60)
    );
    let mut text = String::from(r#"{"blocks":{"languageVersion":0,"blocks":[{"type":"when_run"}"#);
    for _ in 0..100_000 {
        text.push(',');
        text.push_str(&stray);
    }
    text.push_str("]}}");
    assert!(text.len() > 9_000_000);
    let started = Instant::now();
    let p: Value = serde_json::from_str(&text).unwrap();
    let v = timed("maze-1", &p).unwrap();
    assert_eq!(
        (v.reason, v.blocks_used),
        (Some(Reason::NotReachedGoal), Some(0))
    );
    // The same hundred thousand as starts: refused.
    let starts = text.replace("maze_move_forward", "when_run");
    let p: Value = serde_json::from_str(&starts).unwrap();
    assert_eq!(timed("maze-1", &p).unwrap_err().code, "invalid_program");
    assert!(started.elapsed() < Duration::from_secs(10));

    // A wide tree that JSON text can carry (ten levels of if-else, 2,047 blocks): too many.
    let mut tree = fwd();
    for _ in 0..10 {
        tree = if_else("isPathLeft", tree.clone(), tree);
    }
    let text = serde_json::to_string(&program(tree)).unwrap();
    let p: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(timed("maze-15", &p).unwrap_err().code, "invalid_program");

    // A chain of 200,000 blocks, as a Value built in memory: refused at block 501.
    let long = chain(vec![fwd(); 200_000]);
    let p = program(long);
    let e = timed("maze-1", &p).unwrap_err();
    assert!(e.message.contains(&MAX_BLOCKS.to_string()), "{}", e.message);
    drop_deep(p);
    // The same chain disabled block by block is walked, and counts nothing.
    let mut off = fwd();
    off["enabled"] = json!(false);
    let p = program(chain(vec![off; 200_000]));
    assert_eq!(timed("maze-1", &p).unwrap().blocks_used, Some(0));
    drop_deep(p);
}

#[test]
fn huge_ids_are_cut_before_they_fill_a_trace() {
    let id = "x".repeat(1 << 20);
    let p = program(repeat(99, repeat(49, with_id(left(), &id))));
    let v = timed("maze-7", &p).unwrap();
    assert_eq!(v.trace.len(), 99 * 49);
    let TraceStep::Turn { block: Some(b), .. } = &v.trace[0] else {
        panic!("{:?}", v.trace[0]);
    };
    assert_eq!(b.len(), 64);
}

#[test]
fn drawings_of_thousands_of_lines_are_compared_quickly() {
    // The flower of artist-7 drawn a hundred times over: 2,400 lines, all on the target.
    let flower = || {
        repeat(
            6,
            chain(vec![
                repeat(4, chain(vec![draw(60.0), rotate("turnRight", 90.0)])),
                rotate("turnRight", 60.0),
            ]),
        )
    };
    let v = timed("artist-7", &program(repeat(100, flower()))).unwrap();
    assert_eq!((v.status, v.reason), (Status::Passed, None));
    // Thousands of tiny zigzags that never merge into longer lines, near and far from it.
    let zigzag = repeat(
        100,
        repeat(
            16,
            chain(vec![
                rotate("turnRight", 30.0),
                draw(0.5),
                rotate("turnLeft", 60.0),
                draw(0.5),
                rotate("turnRight", 30.0),
            ]),
        ),
    );
    for id in ["artist-3", "artist-5", "artist-7"] {
        let v = timed(id, &program(zigzag.clone())).unwrap();
        assert_eq!(v.reason, Some(Reason::WrongDrawing), "{id}");
    }
}

/// serde_json refuses text nested 128 levels deep, and each block of a `next` chain nests two
/// levels (`"next": {"block": ...}`), so a `Value` carries a chain of at most 61 blocks under
/// `when_run`. The server reads programs with [`Doc`], which has no such limit: the program's
/// own limits decide, and text nested a hundred thousand levels deep is refused by them on the
/// test's own small stack.
#[test]
fn the_servers_reader_carries_any_chain_the_limits_allow() {
    let judged = |text: &str| {
        let doc = Doc::parse(text).expect("JSON");
        judge(level("maze-15"), Submission::Json(doc.root()))
    };
    for n in [62, MAX_BLOCKS as usize] {
        let text = serde_json::to_string(&program(chain(vec![fwd(); n]))).unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{n}: a Value cannot"
        );
        let v = judged(&text).unwrap();
        assert_eq!(v.blocks_used, Some(n as u32));
    }
    let text =
        serde_json::to_string(&program(chain(vec![fwd(); MAX_BLOCKS as usize + 1]))).unwrap();
    assert_eq!(judged(&text).unwrap_err().code, "invalid_program");
    // Text written by hand, nested far deeper than any Value could be.
    let n = 100_000;
    let start = r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":"#;
    let open = r#"{"type":"controls_repeat","fields":{"TIMES":2},"inputs":{"DO":{"block":"#;
    let deep = format!(
        "{start}{}{}{}]}}}}",
        open.repeat(n),
        r#"{"type":"maze_move_forward"}"#,
        "}}}".repeat(n) + "}}"
    );
    assert_eq!(judged(&deep).unwrap_err().code, "invalid_program");
    let chain_text = format!(
        "{start}{}{}{}]}}}}",
        r#"{"type":"maze_move_forward","next":{"block":"#.repeat(n),
        r#"{"type":"maze_move_forward"}"#,
        "}}".repeat(n) + "}}"
    );
    assert_eq!(judged(&chain_text).unwrap_err().code, "invalid_program");
}
