//! The level rules of the content format (start and locked blocks, toolbox limits, required
//! field values, empty blocks, obstacles), each with a good and a bad program, and the detail
//! every failure carries to name its block or cell.

use crate::content::Catalog;
use crate::{Detail, Level, Reason, Status, Submission, judge};
use serde_json::{Value, json};

const COURSE: &str = r#"
id = "rules"
title = { en = "Rules", sv = "Regler" }
description = { en = "Rules", sv = "Regler" }
[[lessons]]
title = { en = "Rules", sv = "Regler" }

[[lessons.levels]]
id = "locked"
kind = "maze"
title = { en = "Locked", sv = "Låst" }
instructions = { en = "Go", sv = "Gå" }
toolbox = ["maze_move_forward", "maze_turn", "controls_repeat"]
toolbox_limits = { maze_move_forward = 2 }
required_blocks = [{ block = "maze_turn", fields = { DIR = "turnRight" } }]
start_blocks = "!repeat 2 { } R"
ideal_blocks = 4
solution = "repeat 2 { F } R F"
grid = [[2, 1, 1], [0, 0, 3]]

[[lessons.levels]]
id = "rocks"
kind = "maze"
title = { en = "Rocks", sv = "Stenar" }
instructions = { en = "Go", sv = "Gå" }
toolbox = ["maze_move_forward", "maze_turn", "maze_forever", "maze_if", "maze_ifElse"]
ideal_blocks = 5
solution = "forever { if forward { F } else { R } }"
grid = [[2, 1, 4], [0, 3, 0]]
"#;

fn catalog() -> Catalog {
    Catalog::from_toml(&[COURSE]).unwrap()
}

fn with_level<T>(id: &str, f: impl FnOnce(&Level) -> T) -> T {
    let c = catalog();
    f(c.level(id).unwrap().1)
}

/// A program from the content notation.
fn program(src: &str) -> Value {
    crate::notation::to_blockly(src).unwrap()
}

fn verdict(id: &str, src: &str) -> (Status, Option<Reason>, Option<Detail>) {
    with_level(id, |l| {
        let v = judge(l, Submission::Program(&program(src))).unwrap();
        (v.status, v.reason, v.detail)
    })
}

fn failed(id: &str, src: &str) -> (Reason, Detail) {
    match verdict(id, src) {
        (Status::Failed, Some(r), Some(d)) => (r, d),
        other => panic!("{src}: {other:?}"),
    }
}

#[test]
fn the_level_json_carries_start_and_locked_blocks_limits_and_required_fields() {
    with_level("locked", |l| {
        let j = l.to_json("en");
        assert_eq!(j["toolbox_limits"], json!({"maze_move_forward": 2}));
        assert_eq!(j["required_blocks"], json!(["maze_turn"]));
        assert_eq!(
            j["required_fields"],
            json!([{"type": "maze_turn", "fields": {"DIR": "turnRight"}}])
        );
        assert_eq!(
            j["locked_blocks"],
            json!([{"type": "controls_repeat", "fields": {"TIMES": 2}}])
        );
        let start = &j["start_blocks"]["blocks"]["blocks"][0];
        assert_eq!(start["type"], "when_run");
        assert_eq!(start["movable"], false, "the start stays in place");
        let repeat = &start["next"]["block"];
        assert_eq!(repeat["type"], "controls_repeat");
        for key in ["deletable", "movable", "editable"] {
            assert_eq!(repeat[key], false, "{key}");
        }
        let turn = &repeat["next"]["block"];
        assert_eq!(turn["fields"]["DIR"], "turnRight");
        assert!(turn.get("deletable").is_none(), "only ! locks a block");
        assert_eq!(turn["id"], "s2");
    });
    with_level("rocks", |l| {
        let j = l.to_json("en");
        assert_eq!(j["start_blocks"], Value::Null);
        assert_eq!(j["locked_blocks"], json!([]));
        assert_eq!(j["toolbox_limits"], json!({}));
        assert_eq!(j["required_fields"], json!([]));
        assert_eq!(j["maze"]["grid"][0], json!([2, 1, 4]));
    });
}

#[test]
fn a_locked_block_must_stay() {
    assert_eq!(verdict("locked", "repeat 2 { F } R F").0, Status::Perfect);
    let (r, d) = failed("locked", "F F R F");
    assert_eq!(r, Reason::TooManyBlocks, "the limit comes first");
    assert_eq!((d.block, d.limit), (Some("maze_move_forward"), Some(2)));
    // Without the locked repeat, or with its number changed, the lock is missed.
    for src in ["R repeat 3 { F }", "repeat 3 { F } R"] {
        let (r, d) = failed("locked", src);
        assert_eq!(r, Reason::MissingLockedBlock, "{src}");
        assert_eq!(d.block, Some("controls_repeat"));
        assert_eq!(d.fields["TIMES"], json!(2));
    }
}

#[test]
fn a_required_block_must_have_its_field_values() {
    let (r, d) = failed("locked", "repeat 2 { F } L L L F");
    assert_eq!(r, Reason::MissingRequiredBlock);
    assert_eq!(d.block, Some("maze_turn"));
    assert_eq!(
        d.fields["DIR"], "turnRight",
        "a left turn is not the right one"
    );
    assert_eq!(
        serde_json::to_value(&d).unwrap(),
        json!({"block": "maze_turn", "fields": {"DIR": "turnRight"}})
    );
}

#[test]
fn an_empty_loop_or_decision_is_named() {
    let (r, d) = failed("locked", "repeat 2 { } R F");
    assert_eq!(r, Reason::EmptyBlock);
    assert_eq!((d.block, d.input), (Some("controls_repeat"), Some("DO")));
    let (r, d) = failed("rocks", "forever { }");
    assert_eq!((r, d.block), (Reason::EmptyBlock, Some("maze_forever")));
    let (r, d) = failed("rocks", "forever { if forward { F } else { } }");
    assert_eq!(
        (r, d.block, d.input),
        (Reason::EmptyBlock, Some("maze_ifElse"), Some("ELSE"))
    );
    let (r, d) = failed("rocks", "forever { if right { } F }");
    assert_eq!(
        (r, d.block, d.input),
        (Reason::EmptyBlock, Some("maze_if"), Some("DO"))
    );
}

#[test]
fn obstacles_stop_the_explorer_and_the_verdict_names_the_cell() {
    assert_eq!(
        verdict("rocks", "forever { if forward { F } else { R } }").0,
        Status::Perfect
    );
    let (r, d) = failed("rocks", "F F");
    assert_eq!(r, Reason::Crashed);
    assert_eq!((d.x, d.y, d.cell), (Some(2), Some(0), Some("obstacle")));
    let (r, d) = failed("rocks", "R F");
    assert_eq!(
        (r, d.x, d.y, d.cell),
        (Reason::Crashed, Some(0), Some(1), Some("wall"))
    );
    let (r, d) = failed("rocks", "F");
    assert_eq!(
        (r, d.x, d.y, d.cell),
        (Reason::NotReachedGoal, Some(1), Some(0), None)
    );
    let (r, d) = failed("rocks", "forever { R }");
    assert_eq!((r, d.block), (Reason::TooManySteps, Some("maze_forever")));
}

#[test]
fn a_block_not_offered_is_named() {
    let (r, d) = failed("rocks", "repeat 2 { F }");
    assert_eq!(
        (r, d.block),
        (Reason::BlockNotAllowed, Some("controls_repeat"))
    );
}

fn refused(from: &str, to: &str) -> String {
    let text = COURSE.replace(from, to);
    assert_ne!(text, COURSE, "{from}");
    match Catalog::from_toml(&[&text]) {
        Ok(_) => panic!("accepted with {to}"),
        Err(e) => e,
    }
}

#[test]
fn broken_rules_are_refused_at_load_naming_the_level() {
    let e = refused("{ maze_move_forward = 2 }", "{ maze_forever = 1 }");
    assert!(
        e.starts_with("locked: ") && e.contains("toolbox limit"),
        "{e}"
    );
    assert!(
        refused("{ maze_move_forward = 2 }", "{ maze_move_forward = 0 }").contains("at least 1")
    );
    assert!(refused(r#"DIR = "turnRight""#, r#"DIR = "turnBack""#).contains("no field DIR"));
    assert!(refused(r#"DIR = "turnRight""#, r#"TIMES = 3"#).contains("no field TIMES"));
    assert!(refused(r#"block = "maze_turn""#, r#"block = "maze_if""#).contains("in the toolbox"));
    let e = refused(r#""!repeat 2 { } R""#, r#""!forever { }""#);
    assert!(
        e.starts_with("locked: ") && e.contains("only blocks of the toolbox"),
        "{e}"
    );
    assert!(refused(r#""!repeat 2 { } R""#, r#""!jump""#).contains("start_blocks: unknown word"));
    assert!(
        refused(r#""repeat 2 { F } R F""#, r#""!repeat 2 { F } R F""#)
            .contains("only start_blocks")
    );
    assert!(refused("[2, 1, 4]", "[2, 1, 5]").contains("4 obstacle"));
}
