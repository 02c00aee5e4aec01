//! The shipped content: every level complete in both languages, every reference solution
//! judged perfect, toolboxes that grow, and the Level JSON the API promises.

mod common;

use common::level;
use kodlek_puzzles::{
    KNOWN_BLOCKS, LevelKind, Reason, Status, Submission, TraceStep, catalog, judge,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn all_levels() -> Vec<&'static kodlek_puzzles::Level> {
    catalog()
        .courses()
        .iter()
        .flat_map(|c| c.levels())
        .collect()
}

/// Every object with a `type` in a Blockly program.
fn blocks(v: &Value) -> Vec<&serde_json::Map<String, Value>> {
    let mut out = Vec::new();
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(m) => {
                if m.contains_key("type") {
                    out.push(m);
                }
                todo.extend(m.values());
            }
            Value::Array(a) => todo.extend(a),
            _ => {}
        }
    }
    out
}

// promise PROG-2: a level is solved, and solved optimally, when running the program says so;
// each level's own reference solution is judged perfect by the same code as any attempt.
#[test]
fn every_reference_solution_is_judged_perfect() {
    let mut judged = 0;
    for l in all_levels() {
        let Some(r) = l.reference_solution() else {
            assert!(
                matches!(l.kind, LevelKind::Prompt | LevelKind::FreePlay),
                "{} has no reference solution",
                l.id
            );
            continue;
        };
        let v = judge(l, Submission::Program(r)).unwrap();
        assert_eq!(
            (v.status, v.reason),
            (Status::Perfect, None),
            "{}: {v:?}",
            l.id
        );
        assert!(v.blocks_used <= l.ideal_blocks, "{}", l.id);
        if l.kind == LevelKind::Maze {
            assert_eq!(v.trace.last(), Some(&TraceStep::Goal), "{}", l.id);
        }
        // A full Blockly program: one start, and an id on every block.
        let bs = blocks(r);
        assert_eq!(
            bs.iter().filter(|b| b["type"] == "when_run").count(),
            1,
            "{}",
            l.id
        );
        let ids: BTreeSet<&str> = bs.iter().filter_map(|b| b["id"].as_str()).collect();
        assert_eq!(ids.len(), bs.len(), "{}: every block has its own id", l.id);
        judged += 1;
    }
    assert!(judged >= 44, "{judged}");
}

#[test]
fn every_text_is_in_english_and_swedish() {
    for c in catalog().courses() {
        let mut texts = vec![&c.title, &c.description];
        for lesson in &c.lessons {
            texts.push(&lesson.title);
            for l in &lesson.levels {
                texts.push(&l.title);
                texts.push(&l.instructions);
            }
        }
        for t in texts {
            assert!(!t.en.trim().is_empty() && !t.sv.trim().is_empty(), "{t:?}");
            assert_ne!(t.en, t.sv, "a translation, not a copy: {t:?}");
            assert_eq!(t.get("sv"), t.sv);
            assert_eq!(t.get("en"), t.en);
            assert_eq!(t.get("de"), t.en, "English when the language is not ours");
        }
    }
}

#[test]
fn toolboxes_offer_known_blocks_and_hold_the_required_ones() {
    let mut ids = BTreeSet::new();
    for l in all_levels() {
        assert!(ids.insert(l.id.as_str()), "{} twice", l.id);
        assert!(
            l.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{} is a slug",
            l.id
        );
        for b in l.toolbox.iter().chain(&l.required_blocks) {
            assert!(
                KNOWN_BLOCKS.contains(&b.as_str()) && b != "when_run",
                "{}: {b}",
                l.id
            );
        }
        assert!(
            l.required_blocks.iter().all(|r| l.toolbox.contains(r)),
            "{}",
            l.id
        );
        let distinct: BTreeSet<&String> = l.toolbox.iter().collect();
        assert_eq!(distinct.len(), l.toolbox.len(), "{}", l.id);
        match l.kind {
            LevelKind::Maze | LevelKind::Artist => assert!(l.ideal_blocks.is_some(), "{}", l.id),
            LevelKind::Prompt => assert!(l.toolbox.is_empty()),
            LevelKind::FreePlay => assert!(l.ideal_blocks.is_none()),
        }
    }
}

#[test]
fn the_maze_course_grows_from_moves_to_loops_to_decisions() {
    let course = catalog().course("maze-intro").unwrap();
    let titles: Vec<&str> = course.lessons.iter().map(|l| l.title.en.as_str()).collect();
    assert_eq!(
        titles,
        ["Moving", "Loops", "Forever", "Decisions", "Looking back"]
    );
    let mazes: Vec<_> = course
        .levels()
        .filter(|l| l.kind == LevelKind::Maze)
        .collect();
    assert!(mazes.len() >= 20, "a full hour: {}", mazes.len());
    // The first fifteen keep their ids (progress is stored under them) and their order; the
    // levels added since have ids of their own, wherever they fit in the course.
    let numbered: Vec<&str> = mazes
        .iter()
        .map(|l| l.id.as_str())
        .filter(|id| {
            id.strip_prefix("maze-")
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .collect();
    let first: Vec<String> = (1..=15).map(|i| format!("maze-{i}")).collect();
    assert_eq!(numbered, first);
    assert!(mazes.iter().all(|l| l.id.starts_with("maze-")));
    // Each toolbox holds the one before it.
    for w in mazes.windows(2) {
        assert!(
            w[0].toolbox.iter().all(|b| w[1].toolbox.contains(b)),
            "{} → {}",
            w[0].id,
            w[1].id
        );
    }
    // New blocks come in the order of the course.
    let first = |b: &str| mazes.iter().position(|l| l.toolbox.iter().any(|t| t == b));
    let order = [
        "maze_move_forward",
        "controls_repeat",
        "maze_forever",
        "maze_if",
        "maze_ifElse",
    ]
    .map(|b| first(b).unwrap());
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(
        course.lessons[0]
            .levels
            .iter()
            .flat_map(|l| &l.toolbox)
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([&"maze_move_forward".to_owned(), &"maze_turn".to_owned()]),
        "sequence only first"
    );
    let prompt = course.levels().last().unwrap();
    assert_eq!(
        (prompt.id.as_str(), prompt.kind),
        ("maze-reflect", LevelKind::Prompt)
    );
    assert_eq!(course.level_count(), mazes.len() + 1);
}

#[test]
fn the_artist_course_draws_lines_shapes_and_patterns_then_frees_the_pencil() {
    let course = catalog().course("artist-intro").unwrap();
    let levels = catalog().levels_of("artist-intro");
    let artist: Vec<_> = levels
        .iter()
        .filter(|l| l.kind == LevelKind::Artist)
        .collect();
    assert!(artist.len() >= 20, "a full hour: {}", artist.len());
    let last = levels.last().unwrap();
    assert_eq!(
        (last.id.as_str(), last.kind),
        ("artist-free", LevelKind::FreePlay)
    );
    assert!(last.reference_solution().is_none());
    assert_eq!(last.to_json("en")["artist"]["target"], json!([]));
    // A pattern with a loop inside a loop.
    assert!(artist.iter().any(|l| {
        blocks(l.reference_solution().unwrap())
            .iter()
            .filter(|b| b["type"] == "controls_repeat")
            .count()
            >= 2
    }));
    assert_eq!(course.level_count(), levels.len());
    // Every target is drawn on the canvas.
    for l in artist {
        let j = l.to_json("en");
        for s in j["artist"]["target"].as_array().unwrap() {
            for p in [&s["from"], &s["to"]] {
                for v in p.as_array().unwrap() {
                    let v = v.as_f64().unwrap();
                    assert!((0.0..=400.0).contains(&v), "{}: {v}", l.id);
                }
            }
        }
    }
}

#[test]
fn level_json_is_the_apis() {
    let maze = level("maze-2").to_json("sv");
    let keys: BTreeSet<&str> = maze
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "id",
            "kind",
            "title",
            "instructions",
            "hints",
            "toolbox",
            "toolbox_limits",
            "required_blocks",
            "required_fields",
            "ideal_blocks",
            "start_blocks",
            "locked_blocks",
            "maze"
        ])
    );
    assert_eq!(maze["start_blocks"], Value::Null);
    assert_eq!(maze["locked_blocks"], json!([]));
    assert_eq!(maze["toolbox_limits"], json!({}));
    assert_eq!(maze["kind"], "maze");
    assert_eq!(maze["title"], "Runt hörnet");
    assert_eq!(maze["ideal_blocks"], 5);
    assert_eq!(maze["maze"]["start_direction"], "east");
    assert_eq!(maze["maze"]["grid"][1], json!([0, 2, 1, 1, 0]));
    assert_eq!(maze["toolbox"], json!(["maze_move_forward", "maze_turn"]));
    assert_eq!(maze["required_blocks"], json!([]));
    assert!(
        maze["hints"][0]
            .as_str()
            .unwrap()
            .starts_with("Räkna rutorna")
    );

    let art = level("artist-8").to_json("en");
    assert_eq!(art["kind"], "artist");
    assert!(art.get("maze").is_none());
    assert_eq!(art["artist"]["width"], 400);
    assert_eq!(art["artist"]["height"], 400);
    assert_eq!(art["artist"]["start"], json!([150.0, 260.0]));
    assert_eq!(art["artist"]["heading"], 72.0);
    let target = art["artist"]["target"].as_array().unwrap();
    assert_eq!(target.len(), 5);
    assert_eq!(target[0]["colour"], "#dc2626");
    assert_eq!(target[0]["from"], json!([150.0, 260.0]));

    let prompt = level("maze-reflect").to_json("en");
    assert_eq!(prompt["kind"], "prompt");
    assert_eq!(prompt["prompt"], json!({"max_length": 2_000}));
    assert_eq!(prompt["ideal_blocks"], Value::Null);
    assert_eq!(level("artist-free").to_json("en")["kind"], "free_play");

    // The answer key stays on the server: only a level's start blocks are a program.
    for l in all_levels() {
        let mut j = l.to_json("en");
        let start = j["start_blocks"].take();
        let text = j.to_string();
        assert!(
            !text.contains("\"b1\"") && !text.contains("when_run"),
            "{}",
            l.id
        );
        assert!(!start.to_string().contains("\"b1\""), "{}", l.id);
    }
}

#[test]
fn the_catalog_finds_courses_levels_and_what_comes_next() {
    let c = catalog();
    assert!(c.course("maze-intro").is_some() && c.course("nope").is_none());
    let (course, l) = c.level("maze-7").unwrap();
    assert_eq!(
        (course.id.as_str(), l.id.as_str()),
        ("maze-intro", "maze-7")
    );
    assert!(c.level("maze-99").is_none());
    assert_eq!(c.next_level("maze-1").unwrap().id, "maze-2");
    assert_eq!(
        c.next_level("maze-rocks").unwrap().id,
        "maze-first-loop",
        "across lessons"
    );
    assert_eq!(c.next_level("maze-first-loop").unwrap().id, "maze-4");
    assert_eq!(c.next_level("maze-rocky-maze").unwrap().id, "maze-reflect");
    assert!(c.next_level("maze-reflect").is_none(), "the end");
    assert!(c.next_level("artist-free").is_none());
    assert!(c.next_level("unknown").is_none());
    let ids: Vec<&str> = c
        .levels_of("maze-intro")
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(ids[..4], ["maze-1", "maze-2", "maze-3", "maze-rocks"]);
    assert!(c.levels_of("nope").is_empty());
    assert_eq!(c.courses().len(), 2);
}

#[test]
fn statuses_and_reasons_have_their_api_names() {
    use Status::*;
    assert!(Failed < Completed && Completed < Passed && Passed < Perfect);
    for s in [Failed, Completed, Passed, Perfect] {
        assert_eq!(Status::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    assert_eq!(Status::parse("solved"), None);
    for (r, name) in [
        (Reason::BlockNotAllowed, "block_not_allowed"),
        (Reason::MissingRequiredBlock, "missing_required_block"),
        (Reason::Crashed, "crashed"),
        (Reason::NotReachedGoal, "not_reached_goal"),
        (Reason::TooManySteps, "too_many_steps"),
        (Reason::WrongDrawing, "wrong_drawing"),
    ] {
        assert_eq!(r.as_str(), name);
        assert_eq!(serde_json::to_value(r).unwrap(), name);
    }
    for (k, name) in [
        (LevelKind::Maze, "maze"),
        (LevelKind::Artist, "artist"),
        (LevelKind::Prompt, "prompt"),
        (LevelKind::FreePlay, "free_play"),
    ] {
        assert_eq!(k.as_str(), name);
        assert_eq!(serde_json::to_value(k).unwrap(), name);
    }
}
