//! The rules of API.md, "Courses, levels and attempts", judged end to end on shipped levels:
//! the order of the checks, running, counting, ranking, traces, drawings and prompts.

mod common;

use common::*;
use kodlek_puzzles::{Doc, Invalid, Reason, Status, Submission, Verdict, judge};
use serde_json::{Value, json};

/// Judges a `Value` and the same program as text, as the server reads it; both must agree.
fn both(level_id: &str, program: &Value) -> Result<Verdict, Invalid> {
    let v = judge(level(level_id), Submission::Program(program));
    let text = program.to_string();
    let doc = Doc::parse(&text).expect("serde_json wrote JSON");
    let back: Value = serde_json::from_str(&text).expect("shallow enough for a Value");
    assert_eq!(doc.canonical(), back.to_string());
    let t = judge(level(level_id), Submission::Json(doc.root()));
    assert_eq!(format!("{v:?}"), format!("{t:?}"), "{level_id}: {text}");
    v
}

fn run(level_id: &str, program: &Value) -> Verdict {
    both(level_id, program).unwrap()
}

fn refused(level_id: &str, program: &Value) -> Invalid {
    both(level_id, program).unwrap_err()
}

fn outcome(v: &Verdict) -> (Status, Option<Reason>) {
    (v.status, v.reason)
}

// promise PROG-2: solved and optimal are decided by running the submitted program.
#[test]
fn solved_within_the_ideal_is_perfect_and_above_it_passed() {
    // maze-1: a corridor of two cells east to the flag; ideal 2.
    let v = run("maze-1", &program(chain(vec![fwd(), fwd()])));
    assert_eq!(outcome(&v), (Status::Perfect, None));
    assert_eq!((v.blocks_used, v.ideal_blocks), (Some(2), Some(2)));
    let v = run(
        "maze-1",
        &program(chain(vec![left(), right(), fwd(), fwd()])),
    );
    assert_eq!(outcome(&v), (Status::Passed, None));
    assert_eq!(v.blocks_used, Some(4));
}

#[test]
fn the_goal_ends_the_run_at_once() {
    // Two more moves after the flag would walk into the wall: they never run.
    let v = run("maze-1", &program(chain(vec![fwd(), fwd(), fwd(), fwd()])));
    assert_eq!(outcome(&v), (Status::Passed, None));
    assert_eq!(
        serde_json::to_value(&v.trace).unwrap(),
        json!([{"op": "move", "x": 2, "y": 1}, {"op": "move", "x": 3, "y": 1}, {"op": "goal"}])
    );
    // Also from inside a forever loop.
    let v = run("maze-8", &program(forever(fwd())));
    assert_eq!(outcome(&v), (Status::Perfect, None));
    assert_eq!(v.trace.len(), 8, "seven moves and the goal");
}

#[test]
fn ending_elsewhere_has_not_reached_the_goal() {
    let v = run("maze-1", &program(fwd()));
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::NotReachedGoal)));
    assert_eq!(v.blocks_used, Some(1));
    let empty = workspace(vec![json!({"type": "when_run"})]);
    let v = run("maze-1", &empty);
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::NotReachedGoal)));
    assert_eq!(v.blocks_used, Some(0));
}

#[test]
fn walking_into_a_wall_crashes_at_once() {
    let p = program(chain(vec![
        with_id(left(), "t1"),
        with_id(fwd(), "m1"),
        fwd(),
    ]));
    let v = run("maze-1", &p);
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::Crashed)));
    assert_eq!(
        serde_json::to_value(&v.trace).unwrap(),
        json!([
            {"op": "turn", "block": "t1", "direction": "north"},
            {"op": "crash", "block": "m1", "x": 1, "y": 0}
        ])
    );
}

#[test]
fn the_checks_come_in_the_apis_order() {
    // maze-4 offers move, turn and repeat, and requires repeat.
    let unknown_and_disallowed = program(chain(vec![
        json!({"type": "maze_forever"}),
        json!({"type": "launch_rocket"}),
    ]));
    assert_eq!(
        refused("maze-4", &unknown_and_disallowed).code,
        "invalid_program"
    );
    let bad_field_and_disallowed = program(chain(vec![
        json!({"type": "maze_forever"}),
        json!({"type": "controls_repeat", "fields": {"TIMES": 101}}),
    ]));
    assert_eq!(
        refused("maze-4", &bad_field_and_disallowed).code,
        "invalid_program"
    );
    // Not offered, and the required repeat missing too: not offered decides.
    let disallowed_and_missing = program(chain(vec![fwd(), forever(fwd())]));
    let v = run("maze-4", &disallowed_and_missing);
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::BlockNotAllowed)));
    assert!(v.trace.is_empty(), "nothing ran");
    let missing = program(chain(vec![fwd(); 6]));
    let v = run("maze-4", &missing);
    assert_eq!(
        outcome(&v),
        (Status::Failed, Some(Reason::MissingRequiredBlock)),
        "even though these six moves would reach the flag"
    );
    assert!(v.trace.is_empty());
    assert_eq!(
        outcome(&run("maze-4", &program(repeat(6, fwd())))),
        (Status::Perfect, None)
    );
    // An artist block in a maze is known, so it is not invalid, only not offered.
    let v = run("maze-4", &program(draw(10.0)));
    assert_eq!(v.reason, Some(Reason::BlockNotAllowed));
}

#[test]
fn a_submission_of_the_wrong_kind_is_refused() {
    assert_eq!(
        judge(level("maze-1"), Submission::Answer("forward"))
            .unwrap_err()
            .code,
        "invalid_program"
    );
    assert_eq!(
        judge(level("artist-free"), Submission::Answer("a cat"))
            .unwrap_err()
            .code,
        "invalid_program"
    );
    let p = program(fwd());
    assert_eq!(
        judge(level("maze-reflect"), Submission::Program(&p))
            .unwrap_err()
            .code,
        "invalid_answer"
    );
}

#[test]
fn one_when_run_runs_and_other_stacks_are_ignored() {
    let two = workspace(vec![
        json!({"type": "when_run"}),
        json!({"type": "when_run"}),
    ]);
    assert_eq!(refused("maze-1", &two).code, "invalid_program");
    let none = workspace(vec![chain(vec![fwd(), fwd()])]);
    assert_eq!(refused("maze-1", &none).code, "invalid_program");
    // A stray stack of unknown and disallowed blocks neither runs nor counts nor meets the toolbox.
    let strays = workspace(vec![
        json!({"type": "launch_rocket", "next": {"block": {"type": "maze_forever"}}}),
        nest(
            json!({"type": "when_run"}),
            &["next", "block"],
            chain(vec![fwd(), fwd()]),
        ),
        chain(vec![fwd(), fwd(), fwd()]),
    ]);
    let v = run("maze-1", &strays);
    assert_eq!(outcome(&v), (Status::Perfect, None));
    assert_eq!(v.blocks_used, Some(2));
}

#[test]
fn disabled_blocks_neither_run_nor_count_and_shadows_fill_only_empty_inputs() {
    let mut off = repeat(3, fwd());
    off["enabled"] = json!(false);
    let mut also_off = forever(fwd());
    also_off["disabledReasons"] = json!(["MANUALLY_DISABLED"]);
    // The blocks after a disabled one still run.
    let p = program(chain(vec![fwd(), off, also_off, fwd()]));
    let v = run("maze-4", &p);
    assert_eq!(
        outcome(&v),
        (Status::Failed, Some(Reason::MissingRequiredBlock)),
        "a disabled repeat is not there, and a disabled forever is not disallowed"
    );
    assert_eq!(v.blocks_used, Some(2));
    let v = run(
        "maze-1",
        &program(chain(vec![fwd(), {
            let mut b = fwd();
            b["enabled"] = json!(false);
            b
        }])),
    );
    assert_eq!(v.reason, Some(Reason::NotReachedGoal));
    // A shadow in a repeat's body runs when no block covers it, and not when one does.
    let shadow = nest(
        json!({"type": "controls_repeat", "fields": {"TIMES": 6}}),
        &["inputs", "DO", "shadow"],
        fwd(),
    );
    assert_eq!(
        outcome(&run("maze-4", &program(shadow.clone()))),
        (Status::Perfect, None)
    );
    let covered = nest(shadow, &["inputs", "DO", "block"], left());
    assert_eq!(
        run("maze-4", &program(covered)).reason,
        Some(Reason::NotReachedGoal)
    );
}

#[test]
fn fields_out_of_range_make_the_program_invalid() {
    for times in [json!(101), json!(-1), json!(2.5), json!("6"), json!(null)] {
        let p = program(
            json!({"type": "controls_repeat", "fields": {"TIMES": times},
            "inputs": {"DO": {"block": fwd()}}}),
        );
        assert_eq!(refused("maze-4", &p).code, "invalid_program", "{times}");
    }
    let p = program(json!({"type": "controls_repeat", "fields": {"TIMES": 6.0},
        "inputs": {"DO": {"block": fwd()}}}));
    assert_eq!(outcome(&run("maze-4", &p)), (Status::Perfect, None));
}

#[test]
fn blocks_used_counts_every_branch_as_written() {
    // maze-12: forever { if ahead { move } else { turn right } }, ideal 4.
    let else_branch = chain(vec![right(), {
        let mut b = right();
        b["enabled"] = json!(false);
        b
    }]);
    let p = program(forever(if_else("isPathForward", fwd(), else_branch)));
    let v = run("maze-12", &p);
    assert_eq!(outcome(&v), (Status::Perfect, None));
    assert_eq!(v.blocks_used, Some(4), "the disabled turn does not count");
    // A branch the run never takes still counts: here the left test never finds a path.
    let unreached = program(forever(chain(vec![
        if_else("isPathForward", fwd(), right()),
        if_path("isPathLeft", chain(vec![left(), left()])),
    ])));
    let v = run("maze-12", &unreached);
    assert_eq!(outcome(&v), (Status::Passed, None));
    assert_eq!(v.blocks_used, Some(7));
    // Blocks after the goal count too.
    let v = run(
        "maze-4",
        &program(chain(vec![repeat(6, fwd()), fwd(), left()])),
    );
    assert_eq!((v.status, v.blocks_used), (Status::Passed, Some(4)));
}

#[test]
fn the_10001st_step_fails_and_the_10000th_does_not() {
    // Every executed block is a step, and so is every round of a loop:
    // repeat 99 { repeat 49 { turn } } is 1 + 99 × (1 + 1 + 49 × 2) = 9,901 steps;
    // repeat 49 { turn } is 1 + 49 × 2 = 99 more: 10,000 in all.
    let exact = vec![repeat(99, repeat(49, left())), repeat(49, left())];
    let v = run("maze-7", &program(chain(exact.clone())));
    assert_eq!(
        outcome(&v),
        (Status::Failed, Some(Reason::NotReachedGoal)),
        "10,000 steps are allowed"
    );
    assert_eq!(v.trace.len(), 99 * 49 + 49, "one turn each");
    let mut over = exact;
    over.push(left());
    let v = run("maze-7", &program(chain(over)));
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::TooManySteps)));
    // The same count holds for a maze_if (a step, whichever way it goes) and on the canvas.
    let ifs = vec![
        repeat(99, repeat(49, if_path("isPathRight", right()))),
        repeat(49, left()),
    ];
    // In maze-10's start cell facing east there is no path to the right: each if is one step.
    assert_eq!(
        run("maze-10", &program(chain(ifs))).reason,
        Some(Reason::NotReachedGoal)
    );
    let canvas = vec![
        repeat(99, repeat(49, rotate("turnRight", 1.0))),
        repeat(49, rotate("turnLeft", 1.0)),
    ];
    let v = run("artist-free", &program(chain(canvas.clone())));
    assert_eq!(v.status, Status::Completed);
    let mut canvas_over = canvas;
    canvas_over.push(draw(1.0));
    let v = run("artist-free", &program(chain(canvas_over)));
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::TooManySteps)));
}

#[test]
fn a_forever_loop_that_never_reaches_the_goal_runs_out_of_steps() {
    let spin = program(forever(left()));
    let v = run("maze-9", &spin);
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::TooManySteps)));
    // Step 1 is the loop block; each round is two more (the round and the turn), so the
    // 10,001st step is the turn of round 5,000: 4,999 turns happened.
    assert_eq!(v.trace.len(), 4_999);
    assert_eq!(
        v.detail.unwrap().block,
        Some("maze_forever"),
        "the loop is named"
    );
    // An empty loop does not run at all: it is named as empty.
    let empty = program(json!({"type": "maze_forever"}));
    let v = run("maze-9", &empty);
    assert_eq!(v.reason, Some(Reason::EmptyBlock));
    let d = v.detail.unwrap();
    assert_eq!((d.block, d.input), (Some("maze_forever"), Some("DO")));
}

#[test]
fn the_shipped_levels_use_the_new_rules_and_name_what_failed() {
    // An obstacle: the first move of maze-rocks hits the rock at row 2, column 3.
    let v = run("maze-rocks", &program(fwd()));
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::Crashed)));
    let d = v.detail.unwrap();
    assert_eq!((d.x, d.y, d.cell), (Some(2), Some(1), Some("obstacle")));
    // The start blocks of a first loop level run, and stop short of the flag.
    let first = level("maze-first-loop");
    let start = first.start_blocks().unwrap();
    let v = judge(first, Submission::Program(start)).unwrap();
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::NotReachedGoal)));
    assert_eq!(
        (v.detail.as_ref().unwrap().x, v.detail.unwrap().y),
        (Some(3), Some(1))
    );
    // A locked, empty loop: its start is judged empty; without it the lock is missed.
    let fill = level("maze-fill-the-loop");
    assert_eq!(fill.locked_blocks().len(), 1);
    let v = judge(fill, Submission::Program(fill.start_blocks().unwrap())).unwrap();
    assert_eq!(v.reason, Some(Reason::EmptyBlock));
    let v = run("maze-fill-the-loop", &program(chain(vec![fwd(), right()])));
    assert_eq!(v.reason, Some(Reason::MissingLockedBlock));
    assert_eq!(v.detail.unwrap().block, Some("maze_forever"));
    // A toolbox limit and a required turn direction.
    let v = run(
        "maze-few-moves",
        &program(chain(vec![
            fwd(),
            fwd(),
            fwd(),
            fwd(),
            right(),
            repeat(4, fwd()),
        ])),
    );
    assert_eq!(v.reason, Some(Reason::TooManyBlocks));
    assert_eq!(v.detail.unwrap().limit, Some(2));
    let two_turns = repeat(4, chain(vec![repeat(3, fwd()), right(), right()]));
    let v = run("maze-pond", &program(two_turns));
    assert_eq!(v.reason, Some(Reason::TooManyBlocks), "one turn block only");
    let v = run(
        "maze-pond",
        &program(repeat(4, chain(vec![repeat(3, fwd()), left()]))),
    );
    assert_eq!(v.reason, Some(Reason::MissingRequiredBlock));
    let d = v.detail.unwrap();
    assert_eq!(
        (d.block, d.fields["DIR"].as_str()),
        (Some("maze_turn"), Some("turnRight"))
    );
    // The artist: a locked colour, and a required angle.
    let v = run("artist-fence", &program(repeat(5, draw(60.0))));
    assert_eq!(v.reason, Some(Reason::MissingLockedBlock));
    assert_eq!(v.detail.unwrap().fields["COLOUR"], "#16a34a");
    let v = run(
        "artist-octagon",
        &program(repeat(
            8,
            chain(vec![draw(50.0), rotate("turnRight", 40.0)]),
        )),
    );
    assert_eq!(v.reason, Some(Reason::MissingRequiredBlock));
    assert_eq!(v.detail.unwrap().fields["ANGLE"], 45);
}

#[test]
fn the_artist_draws_and_the_drawing_is_compared_by_its_segments() {
    // artist-3: a square of 100, ideal 3.
    let square = program(repeat(
        4,
        chain(vec![draw(100.0), rotate("turnRight", 90.0)]),
    ));
    let v = run("artist-3", &square);
    assert_eq!(outcome(&v), (Status::Perfect, None));
    assert_eq!(v.trace.len(), 8);
    // The same square in pieces and another order is the same drawing.
    // Anticlockwise from the same corner, one side in two pieces, and a stretch drawn twice
    // (in a repeat of one, since the level requires a repeat).
    let pieces = program(repeat(
        1,
        chain(vec![
            rotate("turnRight", 90.0),
            draw(100.0),
            rotate("turnLeft", 90.0),
            draw(60.0),
            draw(40.0),
            rotate("turnLeft", 90.0),
            draw(100.0),
            rotate("turnLeft", 90.0),
            draw(100.0),
            rotate("turnLeft", 180.0),
            draw(30.0),
        ]),
    ));
    assert_eq!(outcome(&run("artist-3", &pieces)), (Status::Passed, None));
    let mirrored = program(repeat(
        4,
        chain(vec![draw(100.0), rotate("turnLeft", 90.0)]),
    ));
    assert_eq!(
        run("artist-3", &mirrored).reason,
        Some(Reason::WrongDrawing)
    );
    let small = program(repeat(
        4,
        chain(vec![draw(95.0), rotate("turnRight", 90.0)]),
    ));
    assert_eq!(run("artist-3", &small).reason, Some(Reason::WrongDrawing));
    let extra = program(chain(vec![
        repeat(4, chain(vec![draw(100.0), rotate("turnRight", 90.0)])),
        rotate("turnRight", 45.0),
        draw(30.0),
    ]));
    assert_eq!(run("artist-3", &extra).reason, Some(Reason::WrongDrawing));
    // Moves with the pen up leave no ink: artist-6's dashes, then a jump away, still match.
    let up = || json!({"type": "artist_pen_up"});
    let dashes = repeat(
        4,
        chain(vec![
            json!({"type": "artist_pen_down"}),
            draw(20.0),
            up(),
            draw(20.0),
        ]),
    );
    let v = run(
        "artist-6",
        &program(chain(vec![
            dashes.clone(),
            rotate("turnRight", 90.0),
            draw(100.0),
        ])),
    );
    assert_eq!(outcome(&v), (Status::Passed, None));
    // Without lifting the pen the gaps are ink where the target has none.
    let solid = program(repeat(4, chain(vec![draw(20.0), up(), draw(20.0)])));
    assert_eq!(run("artist-6", &solid).reason, Some(Reason::WrongDrawing));
}

#[test]
fn colour_counts_where_the_level_says_so() {
    // artist-8: a red star, check_colour = true.
    let star = |colour: &str| {
        program(chain(vec![
            json!({"type": "artist_colour", "fields": {"COLOUR": colour}}),
            repeat(5, chain(vec![draw(100.0), rotate("turnRight", 144.0)])),
        ]))
    };
    assert_eq!(
        outcome(&run("artist-8", &star("#DC2626"))),
        (Status::Perfect, None)
    );
    assert_eq!(
        run("artist-8", &star("#1d4ed8")).reason,
        Some(Reason::WrongDrawing)
    );
    // Where colour does not count, the same shape in another colour matches (see the drawing
    // module's tests: no shipped level with the colour block ignores colour).
}

#[test]
fn artist_traces_have_the_apis_shape() {
    let p = program(chain(vec![
        with_id(draw(100.0), "d1"),
        with_id(rotate("turnLeft", 90.0), "r1"),
        json!({"type": "artist_pen_up"}),
        with_id(draw(50.0), "d2"),
        json!({"type": "artist_pen_down"}),
        json!({"type": "artist_colour", "fields": {"COLOUR": "#16A34A"}}),
        rotate("turnRight", 45.0),
        back(10.0),
    ]));
    let v = run("artist-free", &p);
    assert_eq!(outcome(&v), (Status::Completed, None));
    assert_eq!((v.blocks_used, v.ideal_blocks), (Some(8), None));
    assert_eq!(
        serde_json::to_value(&v.trace).unwrap(),
        json!([
            {"op": "line", "block": "d1", "from": [200.0, 200.0], "to": [200.0, 100.0], "colour": "#1d4ed8"},
            {"op": "turn", "block": "r1", "heading": 270.0},
            {"op": "jump", "block": "d2", "to": [150.0, 100.0]},
            {"op": "turn", "heading": 315.0},
            {"op": "line", "from": [150.0, 100.0], "to": [157.07, 107.07], "colour": "#16a34a"}
        ])
    );
}

#[test]
fn free_play_completes_and_fails_only_for_the_toolbox_or_the_steps() {
    let v = run("artist-free", &workspace(vec![json!({"type": "when_run"})]));
    assert_eq!(outcome(&v), (Status::Completed, None));
    let v = run("artist-free", &program(fwd()));
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::BlockNotAllowed)));
    let busy = program(repeat(100, repeat(100, draw(1.0))));
    let v = run("artist-free", &busy);
    assert_eq!(outcome(&v), (Status::Failed, Some(Reason::TooManySteps)));
    assert!(!v.trace.is_empty(), "what was drawn until then");
}

#[test]
fn prompts_take_a_written_answer() {
    let l = level("maze-reflect");
    let ok = |a: &str| judge(l, Submission::Answer(a));
    let v = ok("  Loops save blocks.  ").unwrap();
    assert_eq!(outcome(&v), (Status::Completed, None));
    assert_eq!((v.blocks_used, v.ideal_blocks), (None, None));
    assert!(v.trace.is_empty());
    for bad in ["", "   ", "\n\t"] {
        assert_eq!(ok(bad).unwrap_err().code, "invalid_answer");
    }
    assert!(ok(&"x".repeat(2_000)).is_ok());
    assert!(ok(&"å".repeat(2_000)).is_ok(), "characters, not bytes");
    assert!(
        ok(&format!("  {}  ", "x".repeat(2_000))).is_ok(),
        "trimmed first"
    );
    assert_eq!(ok(&"x".repeat(2_001)).unwrap_err().code, "invalid_answer");
}

#[test]
fn verdicts_serialise_as_the_api_answers() {
    let v = run("maze-1", &program(left()));
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        json!({"status": "failed", "reason": "not_reached_goal", "detail": {"x": 1, "y": 1},
               "blocks_used": 1, "ideal_blocks": 2, "trace": [{"op": "turn", "direction": "north"}]})
    );
    let v = judge(level("maze-reflect"), Submission::Answer("ok")).unwrap();
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        json!({"status": "completed", "reason": null, "detail": null, "blocks_used": null,
               "ideal_blocks": null, "trace": []})
    );
}
