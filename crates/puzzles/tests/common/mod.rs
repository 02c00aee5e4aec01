//! Builders for test programs in Blockly's JSON, shared by the integration tests.
#![allow(dead_code)]

use kodlek_puzzles::{Level, catalog};
use serde_json::{Value, json};

pub fn level(id: &str) -> &'static Level {
    match catalog().level(id) {
        Some((_, l)) => l,
        None => panic!("no level {id}"),
    }
}

/// Puts `inner` at `path` in `outer` by moving it. (`json!` would serialise it: a copy, and a
/// recursion as deep as the value, which the hostile shapes must not need.)
pub fn nest(mut outer: Value, path: &[&str], inner: Value) -> Value {
    let mut slot = &mut outer;
    for k in path {
        slot = &mut slot[*k];
    }
    *slot = inner;
    outer
}

pub fn workspace(tops: Vec<Value>) -> Value {
    nest(
        json!({"blocks": {"languageVersion": 0}}),
        &["blocks", "blocks"],
        Value::Array(tops),
    )
}

/// A program whose `when_run` stack is `first` (and whatever follows it).
pub fn program(first: Value) -> Value {
    let start = json!({"type": "when_run", "id": "start", "x": 20, "y": 20});
    workspace(vec![nest(start, &["next", "block"], first)])
}

/// Blocks linked by `next`, in order.
pub fn chain(blocks: Vec<Value>) -> Value {
    let mut next: Option<Value> = None;
    for b in blocks.into_iter().rev() {
        next = Some(match next.take() {
            Some(n) => nest(b, &["next", "block"], n),
            None => b,
        });
    }
    next.unwrap_or(Value::Null)
}

pub fn fwd() -> Value {
    json!({"type": "maze_move_forward"})
}

pub fn left() -> Value {
    json!({"type": "maze_turn", "fields": {"DIR": "turnLeft"}})
}

pub fn right() -> Value {
    json!({"type": "maze_turn", "fields": {"DIR": "turnRight"}})
}

pub fn repeat(times: u32, body: Value) -> Value {
    nest(
        json!({"type": "controls_repeat", "fields": {"TIMES": times}}),
        &["inputs", "DO", "block"],
        body,
    )
}

pub fn forever(body: Value) -> Value {
    nest(
        json!({"type": "maze_forever"}),
        &["inputs", "DO", "block"],
        body,
    )
}

pub fn if_path(dir: &str, then: Value) -> Value {
    nest(
        json!({"type": "maze_if", "fields": {"DIR": dir}}),
        &["inputs", "DO", "block"],
        then,
    )
}

pub fn if_else(dir: &str, then: Value, otherwise: Value) -> Value {
    let b = nest(
        json!({"type": "maze_ifElse", "fields": {"DIR": dir}}),
        &["inputs", "DO", "block"],
        then,
    );
    nest(b, &["inputs", "ELSE", "block"], otherwise)
}

pub fn draw(d: f64) -> Value {
    json!({"type": "artist_move_forward", "fields": {"DISTANCE": d}})
}

pub fn back(d: f64) -> Value {
    json!({"type": "artist_move_backward", "fields": {"DISTANCE": d}})
}

pub fn rotate(dir: &str, a: f64) -> Value {
    json!({"type": "artist_turn", "fields": {"DIR": dir, "ANGLE": a}})
}

pub fn with_id(mut b: Value, id: &str) -> Value {
    b["id"] = json!(id);
    b
}

/// serde_json drops a `Value` recursively, so a value nested thousands deep is dropped on a
/// thread with room for that; the judging itself runs on the test's own small stack.
pub fn drop_deep(v: Value) {
    let t = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || drop(v));
    assert!(t.is_ok_and(|t| t.join().is_ok()));
}
