//! An operator's own course files are checked like the shipped ones before they are added.

fn course(id: &str, solution: &str) -> String {
    format!(
        r#"id = "{id}"
title = {{ en = "Our own maze", sv = "Vår egen labyrint" }}
description = {{ en = "Made by our school.", sv = "Gjord av vår skola." }}

[[lessons]]
title = {{ en = "Walking", sv = "Att gå" }}

[[lessons.levels]]
id = "{id}-1"
kind = "maze"
title = {{ en = "Three steps", sv = "Tre steg" }}
instructions = {{ en = "Walk to the flag.", sv = "Gå till flaggan." }}
toolbox = ["maze_move_forward", "maze_turn"]
ideal_blocks = 3
solution = "{solution}"
start_direction = "east"
grid = [
  [0, 0, 0, 0, 0, 0],
  [0, 2, 1, 1, 3, 0],
  [0, 0, 0, 0, 0, 0],
]
"#
    )
}

#[test]
fn extra_courses_are_checked_then_added_once() {
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("ours.toml"), course("ours", "F F")).unwrap();
    let e = kodlek_puzzles::add_courses_from(bad.path()).unwrap_err();
    assert!(e.contains("not perfect"), "{e}");
    let clash = tempfile::tempdir().unwrap();
    std::fs::write(clash.path().join("a.toml"), course("maze-intro", "F F F")).unwrap();
    assert!(kodlek_puzzles::add_courses_from(clash.path()).is_err());

    let good = tempfile::tempdir().unwrap();
    std::fs::write(good.path().join("ours.toml"), course("ours", "F F F")).unwrap();
    std::fs::write(good.path().join("notes.txt"), "not a course").unwrap();
    assert_eq!(kodlek_puzzles::add_courses_from(good.path()), Ok(1));
    let c = kodlek_puzzles::catalog();
    assert!(c.course("ours").is_some());
    assert!(c.course("maze-intro").is_some(), "the shipped courses stay");
    assert!(
        kodlek_puzzles::add_courses_from(good.path()).is_err(),
        "only once"
    );
}
