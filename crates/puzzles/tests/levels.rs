//! Every shipped level, judged: reference solutions are perfect, texts are complete, and the
//! rules of the program section hold on real levels.

use kodlek_puzzles::{LevelKind, Reason, Status, Submission, TraceStep, catalog, judge};
use serde_json::{Value, json};

fn level(id: &str) -> &'static kodlek_puzzles::Level {
    catalog().level(id).unwrap().1
}

fn program(next: Value) -> Value {
    json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s", "next": {"block": next}}]}})
}

fn chain(blocks: Vec<Value>) -> Value {
    let mut next: Option<Value> = None;
    for mut b in blocks.into_iter().rev() {
        if let Some(n) = next.take() {
            b["next"] = json!({"block": n});
        }
        next = Some(b);
    }
    next.unwrap()
}

fn fwd() -> Value {
    json!({"type": "maze_move_forward"})
}

fn turn() -> Value {
    json!({"type": "maze_turn", "fields": {"DIR": "turnLeft"}})
}

fn repeat(times: u32, body: Value) -> Value {
    json!({"type": "controls_repeat", "fields": {"TIMES": times}, "inputs": {"DO": {"block": body}}})
}

// promise PROG-2: the verdict comes from running the program, level by level.
#[test]
fn every_reference_solution_is_perfect() {
    let mut n = 0;
    for course in catalog().courses() {
        for l in course.levels() {
            if let Some(r) = l.reference_solution() {
                let v = judge(l, Submission::Program(r)).unwrap();
                assert_eq!(v.status, Status::Perfect, "{}: {:?}", l.id, v.reason);
                n += 1;
            } else {
                assert!(
                    matches!(l.kind, LevelKind::Prompt | LevelKind::FreePlay),
                    "{} has no reference solution",
                    l.id
                );
            }
        }
    }
    assert!(n >= 23);
}

#[test]
fn the_courses_are_complete_in_both_languages() {
    let maze = catalog().course("maze-intro").unwrap();
    assert!(maze.levels().filter(|l| l.kind == LevelKind::Maze).count() >= 15);
    let artist = catalog().course("artist-intro").unwrap();
    assert!(
        artist
            .levels()
            .filter(|l| l.kind == LevelKind::Artist)
            .count()
            >= 8
    );
    assert!(artist.levels().any(|l| l.kind == LevelKind::FreePlay));
    assert!(
        catalog()
            .courses()
            .iter()
            .flat_map(|c| c.levels())
            .any(|l| l.kind == LevelKind::Prompt)
    );
    let mut ids = std::collections::BTreeSet::new();
    for c in catalog().courses() {
        assert!(!c.title.en.is_empty() && !c.title.sv.is_empty());
        for l in c.levels() {
            assert!(ids.insert(l.id.clone()), "{} twice", l.id);
            for t in [&l.title, &l.instructions] {
                assert!(
                    !t.en.is_empty() && !t.sv.is_empty() && t.en != t.sv,
                    "{}",
                    l.id
                );
            }
            for b in l.toolbox.iter().chain(&l.required_blocks) {
                assert!(
                    kodlek_puzzles::KNOWN_BLOCKS.contains(&b.as_str()) && b != "when_run",
                    "{}: {b}",
                    l.id
                );
            }
            assert!(
                l.required_blocks.iter().all(|r| l.toolbox.contains(r)),
                "{}",
                l.id
            );
            let json = l.to_json("sv");
            assert_eq!(json["title"], l.title.sv.as_str());
            assert!(
                !json.to_string().contains("\"b1\""),
                "the reference solution is not public"
            );
        }
    }
    let sizes: Vec<usize> = maze
        .levels()
        .filter(|l| l.kind == LevelKind::Maze)
        .map(|l| l.toolbox.len())
        .collect();
    assert!(
        sizes.windows(2).all(|w| w[0] <= w[1]),
        "the toolbox grows: {sizes:?}"
    );
}

#[test]
fn maze_rules() {
    let l = level("maze-1");
    let v = judge(l, Submission::Program(&program(chain(vec![fwd(), fwd()])))).unwrap();
    assert_eq!(v.status, Status::Perfect);
    assert_eq!(v.trace.last(), Some(&TraceStep::Goal));
    // Nothing runs after the goal: the steps into the wall behind it never happen.
    let v = judge(
        l,
        Submission::Program(&program(chain(vec![fwd(), fwd(), fwd(), fwd()]))),
    )
    .unwrap();
    assert_eq!(
        v.status,
        Status::Passed,
        "solved, with more blocks than ideal"
    );
    assert_eq!(v.blocks_used, Some(4));
    let v = judge(l, Submission::Program(&program(fwd()))).unwrap();
    assert_eq!(
        (v.status, v.reason),
        (Status::Failed, Some(Reason::NotReachedGoal))
    );
    let v = judge(l, Submission::Program(&program(chain(vec![turn(), fwd()])))).unwrap();
    assert_eq!(v.reason, Some(Reason::Crashed));
    assert!(matches!(v.trace.last(), Some(TraceStep::Crash { .. })));
    let v = judge(l, Submission::Program(&program(repeat(2, fwd())))).unwrap();
    assert_eq!(v.reason, Some(Reason::BlockNotAllowed));
    let six = program(chain(vec![fwd(), fwd(), fwd(), fwd(), fwd(), fwd()]));
    assert_eq!(
        judge(level("maze-4"), Submission::Program(&six))
            .unwrap()
            .reason,
        Some(Reason::MissingRequiredBlock)
    );
    // Toolbox before required blocks.
    let both = program(chain(vec![fwd(), json!({"type": "maze_forever"})]));
    assert_eq!(
        judge(level("maze-4"), Submission::Program(&both))
            .unwrap()
            .reason,
        Some(Reason::BlockNotAllowed)
    );
    // An invalid program is refused before the toolbox is looked at.
    let bad = program(json!({"type": "controls_repeat", "fields": {"TIMES": 101}}));
    assert_eq!(
        judge(l, Submission::Program(&bad)).unwrap_err().code,
        "invalid_program"
    );
    assert_eq!(
        judge(l, Submission::Answer("hi")).unwrap_err().code,
        "invalid_program"
    );
}

#[test]
fn blocks_used_counts_unreached_branches_but_not_disabled_blocks() {
    let l = level("maze-12");
    let else_branch = json!({"type": "maze_turn", "fields": {"DIR": "turnRight"}, "next": {"block": {"type": "maze_turn", "fields": {"DIR": "turnRight"}, "enabled": false}}});
    let p = program(
        json!({"type": "maze_forever", "inputs": {"DO": {"block": {"type": "maze_ifElse", "fields": {"DIR": "isPathForward"},
        "inputs": {"DO": {"block": fwd()}, "ELSE": {"block": else_branch}}}}}}),
    );
    let v = judge(l, Submission::Program(&p)).unwrap();
    assert_eq!(v.status, Status::Perfect);
    assert_eq!(v.blocks_used, Some(4));
    let extra = program(chain(vec![
        json!({"type": "maze_forever", "inputs": {"DO": {"block": {"type": "maze_ifElse", "fields": {"DIR": "isPathForward"}, "inputs": {"DO": {"block": fwd()}, "ELSE": {"block": {"type": "maze_turn", "fields": {"DIR": "turnRight"}}}}}}}}),
        turn(),
    ]));
    let v = judge(l, Submission::Program(&extra)).unwrap();
    assert_eq!(
        (v.status, v.blocks_used),
        (Status::Passed, Some(5)),
        "an unreached block still counts"
    );
}

#[test]
fn the_step_limit_is_exactly_ten_thousand() {
    // repeat 99 { repeat 49 { turn } }: 1 + 99 × (1 + 1 + 49 × 2) = 9,901 steps;
    // then repeat 49 { turn }: 1 + 49 × 2 = 99 more, 10,000 in all: allowed.
    let exact = program(chain(vec![
        repeat(99, repeat(49, turn())),
        repeat(49, turn()),
    ]));
    let v = judge(level("maze-7"), Submission::Program(&exact)).unwrap();
    assert_eq!(
        v.reason,
        Some(Reason::NotReachedGoal),
        "10,000 steps are allowed"
    );
    // One more turn is the 10,001st step.
    let over = program(chain(vec![
        repeat(99, repeat(49, turn())),
        repeat(49, turn()),
        turn(),
    ]));
    let v = judge(level("maze-7"), Submission::Program(&over)).unwrap();
    assert_eq!(v.reason, Some(Reason::TooManySteps));
    let spin = program(json!({"type": "maze_forever", "inputs": {"DO": {"block": turn()}}}));
    assert_eq!(
        judge(level("maze-9"), Submission::Program(&spin))
            .unwrap()
            .reason,
        Some(Reason::TooManySteps)
    );
}

fn draw(d: u32) -> Value {
    json!({"type": "artist_move_forward", "fields": {"DISTANCE": d}})
}

fn rotate(dir: &str, a: u32) -> Value {
    json!({"type": "artist_turn", "fields": {"DIR": dir, "ANGLE": a}})
}

#[test]
fn artist_rules() {
    let l = level("artist-3");
    let square = program(repeat(4, chain(vec![draw(100), rotate("turnRight", 90)])));
    assert_eq!(
        judge(l, Submission::Program(&square)).unwrap().status,
        Status::Perfect
    );
    // The same square drawn as separate pieces, in another order, is the same drawing.
    let pieces = program(chain(vec![
        repeat(1, draw(50)),
        draw(50),
        rotate("turnRight", 90),
        draw(100),
        rotate("turnRight", 90),
        draw(100),
        rotate("turnRight", 90),
        draw(100),
    ]));
    let v = judge(l, Submission::Program(&pieces)).unwrap();
    assert_eq!(v.status, Status::Passed, "{v:?}");
    let mirrored = program(repeat(4, chain(vec![draw(100), rotate("turnLeft", 90)])));
    assert_eq!(
        judge(l, Submission::Program(&mirrored)).unwrap().reason,
        Some(Reason::WrongDrawing)
    );
    let small = program(repeat(4, chain(vec![draw(90), rotate("turnRight", 90)])));
    assert_eq!(
        judge(l, Submission::Program(&small)).unwrap().reason,
        Some(Reason::WrongDrawing)
    );
    let extra = program(chain(vec![
        repeat(4, chain(vec![draw(100), rotate("turnRight", 90)])),
        rotate("turnRight", 45),
        draw(30),
    ]));
    assert_eq!(
        judge(l, Submission::Program(&extra)).unwrap().reason,
        Some(Reason::WrongDrawing),
        "extra ink"
    );
    // Colour counts where the level says so.
    let blue = program(chain(vec![
        json!({"type": "artist_colour", "fields": {"COLOUR": "#1d4ed8"}}),
        repeat(5, chain(vec![draw(100), rotate("turnRight", 144)])),
    ]));
    assert_eq!(
        judge(level("artist-8"), Submission::Program(&blue))
            .unwrap()
            .reason,
        Some(Reason::WrongDrawing)
    );
    assert_eq!(
        judge(level("artist-free"), Submission::Program(&square))
            .unwrap()
            .status,
        Status::Completed
    );
}

#[test]
fn prompts_take_a_written_answer() {
    let l = level("maze-reflect");
    assert_eq!(
        judge(l, Submission::Answer("Loops save blocks."))
            .unwrap()
            .status,
        Status::Completed
    );
    assert_eq!(
        judge(l, Submission::Answer("   ")).unwrap_err().code,
        "invalid_answer"
    );
    assert_eq!(
        judge(l, Submission::Answer(&"x".repeat(10_001)))
            .unwrap_err()
            .code,
        "invalid_answer"
    );
    assert_eq!(
        judge(l, Submission::Program(&program(fwd())))
            .unwrap_err()
            .code,
        "invalid_answer"
    );
}

#[test]
fn hostile_programs_end_quickly() {
    let started = std::time::Instant::now();
    let mut deep = turn();
    for _ in 0..10 {
        deep = repeat(100, deep);
    }
    let v = judge(level("maze-7"), Submission::Program(&program(deep))).unwrap();
    assert_eq!(v.reason, Some(Reason::TooManySteps));
    let empty_if = program(
        json!({"type": "maze_forever", "inputs": {"DO": {"block": {"type": "maze_if", "fields": {"DIR": "isPathLeft"}}}}}),
    );
    assert_eq!(
        judge(level("maze-15"), Submission::Program(&empty_if))
            .unwrap()
            .reason,
        Some(Reason::TooManySteps)
    );
    let mut spiral = chain(vec![draw(400), rotate("turnRight", 1)]);
    for _ in 0..4 {
        spiral = repeat(100, spiral);
    }
    assert_eq!(
        judge(level("artist-free"), Submission::Program(&program(spiral)))
            .unwrap()
            .reason,
        Some(Reason::TooManySteps)
    );
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "serde_json refuses deep nesting itself"
    );
    assert!(started.elapsed().as_secs() < 10);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn block() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(fwd()),
            Just(turn()),
            Just(json!({"type": "maze_turn", "fields": {"DIR": "sideways"}})),
            Just(json!({"type": "artist_pen_up"})),
            Just(draw(50)),
            any::<String>().prop_map(|t| json!({"type": t})),
            any::<i64>().prop_map(|n| json!({"type": "controls_repeat", "fields": {"TIMES": n}})),
            Just(Value::Null),
        ];
        leaf.prop_recursive(6, 64, 4, |inner| {
            prop_oneof![
                (inner.clone(), 0u32..120).prop_map(|(b, n)| json!({"type": "controls_repeat", "fields": {"TIMES": n}, "inputs": {"DO": {"block": b}}})),
                inner.clone().prop_map(|b| json!({"type": "maze_forever", "inputs": {"DO": {"block": b}}})),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| json!({"type": "maze_ifElse", "fields": {"DIR": "isPathLeft"}, "inputs": {"DO": {"block": a}, "ELSE": {"block": b}}})),
                (inner.clone(), inner).prop_map(|(mut a, b)| {
                    if a.is_object() {
                        a["next"] = json!({"block": b});
                    }
                    a
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn judging_never_panics_and_is_deterministic(b in block(), ix in 0usize..64) {
            let levels: Vec<_> = catalog().courses().iter().flat_map(|c| c.levels()).collect();
            let l = levels[ix % levels.len()];
            let p = program(b);
            let first = format!("{:?}", judge(l, Submission::Program(&p)));
            let again = format!("{:?}", judge(l, Submission::Program(&p)));
            prop_assert_eq!(first, again);
        }

        #[test]
        fn arbitrary_json_never_panics(s in "\\PC{0,200}") {
            if let Ok(v) = serde_json::from_str::<Value>(&s) {
                let _ = judge(level("maze-1"), Submission::Program(&v));
            }
        }
    }
}
