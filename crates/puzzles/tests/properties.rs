//! Properties over generated input: arbitrary JSON and random block trees never panic, finish
//! quickly and are judged the same way every time; the verdicts keep their invariants.

mod common;

use common::*;
use kodlek_puzzles::{
    Level, LevelKind, MAX_NESTING, Status, Submission, Verdict, canonical_program, catalog, judge,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

fn levels() -> Vec<&'static Level> {
    catalog()
        .courses()
        .iter()
        .flat_map(|c| c.levels())
        .collect()
}

/// Words a Blockly program is made of, so that generated objects often look nearly right.
const WORDS: [&str; 30] = [
    "blocks",
    "languageVersion",
    "type",
    "id",
    "next",
    "block",
    "shadow",
    "inputs",
    "fields",
    "DO",
    "ELSE",
    "TIMES",
    "DIR",
    "DISTANCE",
    "ANGLE",
    "COLOUR",
    "enabled",
    "disabledReasons",
    "when_run",
    "maze_move_forward",
    "maze_turn",
    "controls_repeat",
    "maze_forever",
    "maze_ifElse",
    "artist_move_forward",
    "artist_turn",
    "artist_colour",
    "turnLeft",
    "isPathLeft",
    "#dc2626",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(&WORDS[..]).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-500.0..500.0f64).prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(8, 128, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((word(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Blocks that are mostly valid, with some broken ones mixed in.
fn block() -> impl Strategy<Value = Value> {
    prop_oneof![9 => shaped_block(), 1 => Just(Value::Null)].prop_recursive(3, 16, 2, |inner| {
        (inner.clone(), inner).prop_map(|(a, b)| {
            if a.is_object() {
                nest(a, &["inputs", "DO", "block"], b)
            } else {
                a
            }
        })
    })
}

/// Trees in Blockly's shape, of known and unknown types, valid fields and invalid ones.
fn shaped_block() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(fwd()),
        Just(left()),
        Just(right()),
        Just(json!({"type": "maze_turn", "fields": {"DIR": "sideways"}})),
        Just(json!({"type": "artist_pen_up"})),
        Just(json!({"type": "artist_pen_down"})),
        Just(json!({"type": "artist_colour", "fields": {"COLOUR": "#dc2626"}})),
        (0.0..450.0f64).prop_map(draw),
        (0.0..450.0f64).prop_map(back),
        (0.0..400.0f64, any::<bool>())
            .prop_map(|(a, r)| rotate(if r { "turnRight" } else { "turnLeft" }, a)),
        word().prop_map(|t| json!({"type": t})),
        any::<i64>().prop_map(|n| json!({"type": "controls_repeat", "fields": {"TIMES": n}})),
    ];
    leaf.prop_recursive(6, 64, 4, |inner| {
        prop_oneof![
            (inner.clone(), 0u32..120).prop_map(|(b, n)| repeat(n, b)),
            inner.clone().prop_map(forever),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| if_else("isPathLeft", a, b)),
            inner.clone().prop_map(|b| if_path("isPathForward", b)),
            (inner.clone(), any::<bool>()).prop_map(|(mut b, off)| {
                if b.is_object() {
                    b["enabled"] = json!(!off);
                }
                b
            }),
            (inner.clone(), inner).prop_map(|(a, b)| nest(a, &["next", "block"], b)),
        ]
    })
}

/// Judges twice and checks what every verdict must satisfy.
fn check(l: &Level, p: &Value) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let first = judge(l, Submission::Program(p));
    prop_assert!(
        started.elapsed() < Duration::from_secs(1),
        "{}: {:?}",
        l.id,
        started.elapsed()
    );
    let again = judge(l, Submission::Program(p));
    prop_assert_eq!(format!("{first:?}"), format!("{again:?}"), "deterministic");
    // The server's reader gives the verdict and the stored text that a `Value` read from the
    // same text gives (serde_json's float parser may land one bit away from the generated
    // float, so the comparison is with the `Value` read back, not with `p`).
    let text = p.to_string();
    let doc = kodlek_puzzles::Doc::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Value =
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(doc.canonical(), back.to_string());
    let by_value = judge(l, Submission::Program(&back));
    let read = judge(l, Submission::Json(doc.root()));
    prop_assert_eq!(format!("{by_value:?}"), format!("{read:?}"), "as text");
    match first {
        Err(e) => prop_assert!(matches!(e.code, "invalid_program" | "invalid_answer")),
        Ok(v) => invariants(l, &v)?,
    }
    canonical_keeps_the_verdict(l, &doc)
}

/// The deepest nesting of lists and objects in a JSON text.
fn depth(text: &str) -> usize {
    let (mut d, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for c in text.bytes() {
        match (in_str, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_str = false,
            (true, ..) => {}
            (false, _, b'"') => in_str = true,
            (false, _, b'[' | b'{') => {
                d += 1;
                max = max.max(d);
            }
            (false, _, b']' | b'}') => d -= 1,
            _ => {}
        }
    }
    max
}

/// A verdict with the block ids left out of its trace: the canonical program has none.
fn without_ids(v: &Result<Verdict, kodlek_puzzles::Invalid>) -> String {
    match v {
        Err(e) => format!("invalid {}", e.code),
        Ok(v) => {
            let mut trace = serde_json::to_value(&v.trace).unwrap();
            for step in trace.as_array_mut().unwrap() {
                step.as_object_mut().unwrap().remove("block");
            }
            format!("{:?} {:?} {:?} {trace}", v.status, v.reason, v.blocks_used)
        }
    }
}

/// The stored form of a program: written again it is the same text, it is never deeper than
/// its blocks make it, serde_json reads it, and it is judged as the program that was sent.
// promise PROG-2
fn canonical_keeps_the_verdict(
    l: &Level,
    doc: &kodlek_puzzles::Doc<'_>,
) -> Result<(), TestCaseError> {
    let Ok(canonical) = canonical_program(doc.root()) else {
        return Ok(());
    };
    let again =
        kodlek_puzzles::Doc::parse(&canonical).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let twice = canonical_program(again.root()).ok();
    prop_assert_eq!(twice.as_ref(), Some(&canonical), "idempotent");
    let blocks = canonical.matches("\"type\":").count();
    prop_assert!(
        depth(&canonical) <= 2 * blocks + MAX_NESTING + 4,
        "{} blocks, depth {}: {}",
        blocks,
        depth(&canonical),
        canonical
    );
    prop_assert!(canonical.len() <= kodlek_puzzles::MAX_PROGRAM_BYTES);
    let read: Value =
        serde_json::from_str(&canonical).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        read.to_string(),
        canonical.clone(),
        "keys in serde_json's order"
    );
    let sent = judge(l, Submission::Json(doc.root()));
    let stored = judge(l, Submission::Json(again.root()));
    prop_assert_eq!(without_ids(&sent), without_ids(&stored), "{}", canonical);
    Ok(())
}

fn invariants(l: &Level, v: &Verdict) -> Result<(), TestCaseError> {
    prop_assert_eq!(v.reason.is_some(), v.status == Status::Failed);
    prop_assert!(v.trace.len() <= 10_001);
    prop_assert!(v.blocks_used.is_some_and(|b| b <= 500));
    prop_assert_eq!(v.ideal_blocks, l.ideal_blocks);
    match l.kind {
        LevelKind::FreePlay => prop_assert!(matches!(v.status, Status::Completed | Status::Failed)),
        _ => prop_assert!(v.status != Status::Completed),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_json_never_panics(v in any_json(), wrap in 0usize..3, ix in 0usize..64) {
        let ls = levels();
        let l = ls[ix % ls.len()];
        // As it is, as a workspace's top-level list, and as the stack under a start.
        let p = match wrap {
            0 => v,
            1 => workspace(vec![json!({"type": "when_run"}), v]),
            _ => program(v),
        };
        check(l, &p)?;
    }

    #[test]
    fn random_block_trees_are_judged_quickly_and_deterministically(b in block(), strays in proptest::collection::vec(block(), 0..3), ix in 0usize..64) {
        let ls = levels();
        let l = ls[ix % ls.len()];
        let mut tops = vec![nest(json!({"type": "when_run"}), &["next", "block"], b)];
        tops.extend(strays);
        check(l, &workspace(tops))?;
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
        if let Ok(v) = serde_json::from_str::<Value>(&s) {
            for id in ["maze-1", "artist-3", "artist-free"] {
                check(level(id), &v)?;
            }
        }
        let _ = judge(level("maze-reflect"), Submission::Answer(&s));
    }

    // Stray stacks and disabled blocks change nothing: each reference solution stays perfect.
    #[test]
    fn strays_and_disabled_blocks_do_not_change_a_verdict(
        // A second `when_run` at the top is no stray: it makes the program invalid.
        stray in shaped_block().prop_filter("not a start", |b| b["type"] != "when_run"),
        ix in 0usize..64,
    ) {
        let ls: Vec<_> = levels().into_iter().filter(|l| l.reference_solution().is_some()).collect();
        let l = ls[ix % ls.len()];
        let reference = l.reference_solution().unwrap().clone();
        let perfect = |p: &Value| -> Result<(), TestCaseError> {
            let v = judge(l, Submission::Program(p)).map_err(|e| TestCaseError::fail(e.message))?;
            prop_assert_eq!((v.status, v.reason), (Status::Perfect, None), "{}", l.id);
            Ok(())
        };
        let mut with_stray = reference.clone();
        if let Some(tops) = with_stray["blocks"]["blocks"].as_array_mut() {
            tops.push(stray.clone());
        }
        perfect(&with_stray)?;
        // The same tree disabled at the top of the start's stack, the solution after it.
        let mut off = stray;
        off["enabled"] = json!(false);
        off["next"] = json!({});
        let mut with_off = reference;
        let first = with_off["blocks"]["blocks"][0]["next"]["block"].take();
        with_off["blocks"]["blocks"][0]["next"]["block"] = nest(off, &["next", "block"], first);
        perfect(&with_off)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    // The server's JSON reader takes exactly the texts serde_json takes, and writes what
    // serde_json writes for them.
    #[test]
    fn the_json_reader_agrees_with_serde_json(text in r#"[\[\]{}",:0-9eE.+\- tfnrulsa\\/"]{0,40}"#) {
        let ours = kodlek_puzzles::Doc::parse(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?} / {:?}", text, ours, theirs);
        if let (Ok(d), Ok(v)) = (ours, theirs) {
            prop_assert_eq!(d.canonical(), v.to_string());
        }
    }

    #[test]
    fn the_json_reader_reads_any_value_serde_json_writes(v in any_json()) {
        let text = serde_json::to_string_pretty(&v).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(kodlek_puzzles::Doc::parse(&text).unwrap().canonical(), back.to_string());
    }
}
