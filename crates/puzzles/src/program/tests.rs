//! The parser's tests: every block, every refusal, and the limits.

use super::*;
use serde_json::json;

fn workspace(tops: Vec<Value>) -> Value {
    nest(
        json!({"blocks": {"languageVersion": 0}}),
        &["blocks", "blocks"],
        Value::Array(tops),
    )
}

fn prog(next: Value) -> Value {
    let start = json!({"type": "when_run", "id": "start", "x": 10, "y": 10});
    workspace(vec![nest(start, &["next", "block"], next)])
}

fn fwd() -> Value {
    json!({"type": "maze_move_forward"})
}

fn repeat(times: Value, body: Value) -> Value {
    json!({"type": "controls_repeat", "fields": {"TIMES": times}, "inputs": {"DO": {"block": body}}})
}

fn is_invalid(p: &Value) -> bool {
    parse(p).is_err_and(|e| e.code == "invalid_program")
}

/// Puts `inner` at `path` in `outer` by moving it: `json!` would serialise it, which recurses
/// and copies, too slow and too deep for the hostile shapes below.
fn nest(mut outer: Value, path: &[&str], inner: Value) -> Value {
    let mut slot = &mut outer;
    for k in path {
        slot = &mut slot[*k];
    }
    *slot = inner;
    outer
}

/// serde_json drops a `Value` recursively, so a test value nested thousands deep is
/// dropped on a thread with room for that. Parsing it stays on the test's own small stack,
/// which shows that the parser's stack use does not grow with the input.
fn drop_deep(v: Value) {
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || drop(v))
        .and_then(|t| t.join().map_err(|_| std::io::Error::other("drop panicked")))
        .unwrap();
}

#[test]
fn exactly_one_when_run() {
    assert!(is_invalid(&workspace(vec![])), "none");
    assert!(
        is_invalid(&workspace(vec![
            json!({"type": "when_run"}),
            json!({"type": "when_run"})
        ])),
        "two"
    );
    let one = parse(&workspace(vec![json!({"type": "when_run"})])).unwrap();
    assert!(one.body.is_empty());
    assert_eq!(one.blocks_used, 0, "when_run itself does not count");
    for not_a_workspace in [
        json!([1, 2]),
        json!("blocks"),
        json!({}),
        json!({"blocks": 3}),
        json!({"blocks": {"blocks": {}}}),
        Value::Null,
    ] {
        assert!(is_invalid(&not_a_workspace), "{not_a_workspace}");
    }
    // Blockly's other keys are allowed and ignored, languageVersion included.
    let extra = json!({"blocks": {"blocks": [{"type": "when_run", "next": {"block": fwd()}}]},
        "variables": [{"name": "x", "id": "v"}], "scroll": 3});
    assert_eq!(parse(&extra).unwrap().blocks_used, 1);
}

#[test]
fn stray_stacks_are_ignored_but_must_be_shaped_like_blocks() {
    let p = workspace(vec![
        json!({"type": "when_run"}),
        json!({"type": "mystery_block", "fields": {"TIMES": "lots"},
            "inputs": {"X": {"block": {"type": "maze_forever"}}},
            "next": {"block": {"type": "controls_repeat", "fields": {"TIMES": 1000}}}}),
        json!({"type": "maze_move_forward", "next": {"block": fwd()}}),
    ]);
    let parsed = parse(&p).unwrap();
    assert_eq!(parsed.blocks_used, 0, "strays neither count");
    assert_eq!(parsed.types, TypeSet::default(), "nor meet the toolbox");
    assert!(parsed.body.is_empty(), "nor run");
    for bad in [
        json!({"no_type": 1}),
        json!(7),
        json!({"type": 7}),
        json!({"type": "x", "inputs": []}),
        json!({"type": "x", "inputs": {"DO": 3}}),
        json!({"type": "x", "inputs": {"DO": {"block": {"type": null}}}}),
        json!({"type": "x", "next": {"block": "y"}}),
        json!({"type": "x", "next": []}),
        json!({"type": "x", "fields": [1]}),
        json!({"type": "x", "inputs": {"DO": {"shadow": {"oops": true}}}}),
    ] {
        assert!(
            is_invalid(&workspace(vec![json!({"type": "when_run"}), bad.clone()])),
            "{bad}"
        );
    }
    // A stray stack may be as deep as it likes: it is walked without recursion.
    let mut deep = json!({"type": "anything"});
    for _ in 0..1_000 {
        deep = nest(
            json!({"type": "anything"}),
            &["inputs", "DO", "block"],
            deep,
        );
    }
    let p = workspace(vec![json!({"type": "when_run"}), deep]);
    assert!(parse(&p).is_ok());
    drop_deep(p);
}

#[test]
fn disabled_blocks_and_all_inside_them_neither_run_nor_count() {
    let p = prog(
        json!({"type": "maze_move_forward", "enabled": false, "next": {"block":
        {"type": "maze_move_forward", "next": {"block":
            {"type": "controls_repeat", "disabledReasons": ["MANUALLY_DISABLED"],
             "fields": {"TIMES": 3}, "inputs": {"DO": {"block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}}},
             "next": {"block": {"type": "maze_turn", "fields": {"DIR": "turnRight"}}}}}}}}),
    );
    let parsed = parse(&p).unwrap();
    assert_eq!(
        parsed.blocks_used, 2,
        "the enabled move and the turn after the repeat"
    );
    assert_eq!(
        parsed.body,
        vec![
            Stmt::Move { id: None },
            Stmt::Turn {
                id: None,
                right: true
            }
        ],
        "the chain goes on after a disabled block"
    );
    assert!(!parsed.types.contains(BlockType::Repeat));
    // An empty list of reasons is not disabled.
    let p = prog(json!({"type": "maze_move_forward", "disabledReasons": [], "enabled": true}));
    assert_eq!(parse(&p).unwrap().blocks_used, 1);
    // A disabled block is not judged, like a stray stack: neither its type nor its fields,
    // but it must still be shaped like a block.
    let p = prog(
        json!({"type": "launch_rocket", "enabled": false, "fields": {"TIMES": -1},
        "inputs": {"DO": {"block": {"type": "controls_repeat", "fields": {"TIMES": 900}}}}}),
    );
    assert_eq!(parse(&p).unwrap().blocks_used, 0);
    let p = prog(
        json!({"type": "maze_move_forward", "enabled": false, "inputs": {"DO": {"block": 1}}}),
    );
    assert!(is_invalid(&p));
    // A disabled loop's body is disabled with it, however big.
    let mut body = fwd();
    for _ in 0..2_000 {
        body = nest(fwd(), &["next", "block"], body);
    }
    let p = prog(nest(
        json!({"type": "maze_forever", "enabled": false}),
        &["inputs", "DO", "block"],
        body,
    ));
    assert_eq!(parse(&p).unwrap().blocks_used, 0);
    drop_deep(p);
}

#[test]
fn a_shadow_fills_an_input_only_when_no_block_does() {
    let shadow_only = prog(
        json!({"type": "controls_repeat", "fields": {"TIMES": 2}, "inputs": {"DO": {"shadow": fwd()}}}),
    );
    let parsed = parse(&shadow_only).unwrap();
    assert_eq!(parsed.blocks_used, 2);
    assert!(parsed.types.contains(BlockType::MazeMoveForward));
    let both = prog(
        json!({"type": "controls_repeat", "fields": {"TIMES": 2}, "inputs": {"DO": {
        "shadow": fwd(), "block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}}}}),
    );
    let parsed = parse(&both).unwrap();
    assert!(parsed.types.contains(BlockType::MazeTurn));
    assert!(!parsed.types.contains(BlockType::MazeMoveForward));
    assert_eq!(parsed.blocks_used, 2);
    // The unused shadow must still be a block.
    let broken = prog(
        json!({"type": "controls_repeat", "fields": {"TIMES": 2}, "inputs": {"DO": {"shadow": 5, "block": fwd()}}}),
    );
    assert!(is_invalid(&broken));
    // The same holds for the next connection.
    let next_shadow = prog(json!({"type": "maze_move_forward", "next": {"shadow": fwd()}}));
    assert_eq!(parse(&next_shadow).unwrap().blocks_used, 2);
}

#[test]
fn fields_of_the_wrong_type_or_out_of_range_are_invalid() {
    for times in [
        json!(101),
        json!(-1),
        json!(2.5),
        json!("3"),
        json!(true),
        json!([3]),
        Value::Null,
    ] {
        assert!(
            is_invalid(&prog(repeat(times.clone(), fwd()))),
            "TIMES {times}"
        );
    }
    assert!(
        is_invalid(&prog(json!({"type": "controls_repeat"}))),
        "no TIMES"
    );
    for times in [json!(0), json!(3), json!(3.0), json!(100)] {
        assert!(
            parse(&prog(repeat(times.clone(), fwd()))).is_ok(),
            "TIMES {times}"
        );
    }
    let p = parse(&prog(repeat(json!(3.0), fwd()))).unwrap();
    assert!(matches!(p.body[0], Stmt::Repeat { times: 3, .. }));
    let turn = |dir: Value| json!({"type": "maze_turn", "fields": {"DIR": dir}});
    assert!(is_invalid(&prog(turn(json!("turnAround")))));
    assert!(is_invalid(&prog(turn(json!(1)))));
    assert!(is_invalid(&prog(json!({"type": "maze_turn"}))));
    assert!(is_invalid(&prog(
        json!({"type": "maze_if", "fields": {"DIR": "isPathBehind"}})
    )));
    assert!(is_invalid(&prog(
        json!({"type": "maze_if", "fields": "isPathLeft"})
    )));
    let draw = |d: Value| json!({"type": "artist_move_backward", "fields": {"DISTANCE": d}});
    assert!(parse(&prog(draw(json!(400)))).is_ok());
    assert!(parse(&prog(draw(json!(0.5)))).is_ok());
    for d in [json!(400.01), json!(-1), json!("10")] {
        assert!(is_invalid(&prog(draw(d))));
    }
    let rot =
        |dir: &str, a: Value| json!({"type": "artist_turn", "fields": {"DIR": dir, "ANGLE": a}});
    assert!(parse(&prog(rot("turnLeft", json!(360)))).is_ok());
    assert!(is_invalid(&prog(rot("turnLeft", json!(361)))));
    assert!(is_invalid(&prog(rot("left", json!(90)))));
    let colour = |c: Value| json!({"type": "artist_colour", "fields": {"COLOUR": c}});
    for c in [
        json!("red"),
        json!("#12345"),
        json!("#12345g"),
        json!("##12345"),
        json!(0x123456),
        json!("#1234567"),
    ] {
        assert!(is_invalid(&prog(colour(c.clone()))), "{c}");
    }
    let p = parse(&prog(colour(json!("#ABCdef")))).unwrap();
    assert_eq!(
        p.body,
        vec![Stmt::Colour {
            colour: Colour::parse("#abcdef").unwrap()
        }]
    );
}

#[test]
fn unknown_blocks_are_invalid() {
    assert!(is_invalid(&prog(json!({"type": "launch_rocket"}))));
    assert!(
        is_invalid(&prog(json!({"type": "when_run"}))),
        "a second start inside"
    );
    assert!(is_invalid(&prog(repeat(
        json!(2),
        json!({"type": "controls_whileUntil"})
    ))));
    let e = parse(&prog(json!({"type": "x".repeat(10_000)}))).unwrap_err();
    assert!(
        e.message.len() < 100,
        "the message does not echo the whole input"
    );
}

#[test]
fn nesting_is_limited_before_it_is_walked() {
    let nested = |levels: usize| {
        let mut b = fwd();
        for _ in 1..levels {
            b = nest(repeat(json!(1), Value::Null), &["inputs", "DO", "block"], b);
        }
        prog(b)
    };
    assert!(parse(&nested(MAX_DEPTH)).is_ok(), "{MAX_DEPTH} levels");
    assert!(is_invalid(&nested(MAX_DEPTH + 1)), "one more");
    let p = nested(1_000);
    assert!(is_invalid(&p));
    drop_deep(p);
    // A thousand levels inside a disabled block or a stray stack cost no recursion either.
    let mut deep = fwd();
    for _ in 0..1_000 {
        deep = nest(
            repeat(json!(1), Value::Null),
            &["inputs", "DO", "block"],
            deep,
        );
    }
    let disabled = prog(nest(
        json!({"type": "maze_forever", "enabled": false}),
        &["inputs", "DO", "block"],
        deep,
    ));
    assert_eq!(parse(&disabled).unwrap().blocks_used, 0);
    drop_deep(disabled);
}

#[test]
fn enabled_blocks_are_limited() {
    let chain = |n: usize| {
        let mut b = fwd();
        for _ in 1..n {
            b = nest(fwd(), &["next", "block"], b);
        }
        prog(b)
    };
    let p = chain(500);
    assert_eq!(parse(&p).unwrap().blocks_used, 500);
    drop_deep(p);
    assert!(is_invalid(&chain(501)));
    let long = chain(100_000);
    assert!(is_invalid(&long));
    drop_deep(long);
    // Unknown inputs are checked for shape and ignored.
    let p = prog(json!({"type": "maze_move_forward", "inputs": {"DO": {"block": fwd()}}}));
    assert_eq!(parse(&p).unwrap().blocks_used, 1);
    let p = prog(json!({"type": "maze_move_forward", "inputs": {"DO": {"block": [fwd()]}}}));
    assert!(is_invalid(&p));
}

#[test]
fn block_ids_are_kept_and_cut_when_huge() {
    let p = prog(
        json!({"type": "maze_move_forward", "id": "a1!", "next": {"block":
        {"type": "maze_move_forward", "id": "é".repeat(1_000)}}}),
    );
    let parsed = parse(&p).unwrap();
    let Stmt::Move { id: Some(first) } = &parsed.body[0] else {
        panic!("{:?}", parsed.body)
    };
    assert_eq!(first, "a1!");
    let Stmt::Move { id: Some(second) } = &parsed.body[1] else {
        panic!("{:?}", parsed.body)
    };
    assert_eq!(second.chars().count(), 64);
    let p = prog(json!({"type": "maze_move_forward", "id": 5}));
    assert_eq!(parse(&p).unwrap().body, vec![Stmt::Move { id: None }]);
}
