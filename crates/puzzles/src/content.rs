//! The course content: courses, lessons and levels from the TOML files in `content/`, embedded
//! at build time, with every text in English and Swedish.

use crate::artist::ArtistSpec;
use crate::maze::{Direction, MazeSpec};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::OnceLock;

const FILES: [&str; 2] = [
    include_str!("../../../content/maze-intro.toml"),
    include_str!("../../../content/artist-intro.toml"),
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub sv: String,
}

impl Text {
    pub fn get(&self, lang: &str) -> &str {
        if lang == "sv" { &self.sv } else { &self.en }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelKind {
    Maze,
    Artist,
    Prompt,
    FreePlay,
}

impl LevelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LevelKind::Maze => "maze",
            LevelKind::Artist => "artist",
            LevelKind::Prompt => "prompt",
            LevelKind::FreePlay => "free_play",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelFile {
    id: String,
    kind: LevelKind,
    title: Text,
    instructions: Text,
    #[serde(default)]
    toolbox: Vec<String>,
    #[serde(default)]
    required_blocks: Vec<String>,
    ideal_blocks: Option<u32>,
    /// The reference solution in a short notation (see `to_blockly`).
    solution: Option<String>,
    grid: Option<Vec<Vec<u8>>>,
    start_direction: Option<Direction>,
    start: Option<[f64; 2]>,
    heading: Option<f64>,
    #[serde(default)]
    check_colour: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    title: Text,
    levels: Vec<LevelFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    id: String,
    title: Text,
    description: Text,
    lessons: Vec<LessonFile>,
}

#[derive(Debug, Clone)]
pub struct Level {
    pub id: String,
    pub kind: LevelKind,
    pub title: Text,
    pub instructions: Text,
    pub toolbox: Vec<String>,
    pub required_blocks: Vec<String>,
    pub ideal_blocks: Option<u32>,
    pub(crate) maze: Option<MazeSpec>,
    pub(crate) artist: Option<ArtistSpec>,
    reference: Option<Value>,
}

impl Level {
    /// The reference solution, as a Blockly program. Not for learners' eyes.
    pub fn reference_solution(&self) -> Option<&Value> {
        self.reference.as_ref()
    }

    /// The API's `Level` in a language.
    pub fn to_json(&self, lang: &str) -> Value {
        let mut v = json!({
            "id": self.id,
            "kind": self.kind.as_str(),
            "title": self.title.get(lang),
            "instructions": self.instructions.get(lang),
            "toolbox": self.toolbox,
            "required_blocks": self.required_blocks,
            "ideal_blocks": self.ideal_blocks,
        });
        if let Some(m) = &self.maze {
            v["maze"] = json!({"grid": m.grid, "start_direction": m.start_direction});
        }
        if let Some(a) = &self.artist {
            v["artist"] = json!({"width": a.width, "height": a.height, "start": a.start, "heading": a.heading, "target": a.target});
        }
        if self.kind == LevelKind::Prompt {
            v["prompt"] = json!({"max_length": crate::ANSWER_LIMIT});
        }
        v
    }
}

#[derive(Debug, Clone)]
pub struct Lesson {
    pub title: Text,
    pub levels: Vec<Level>,
}

#[derive(Debug, Clone)]
pub struct Course {
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub lessons: Vec<Lesson>,
}

impl Course {
    pub fn level_count(&self) -> usize {
        self.lessons.iter().map(|l| l.levels.len()).sum()
    }
    pub fn levels(&self) -> impl Iterator<Item = &Level> {
        self.lessons.iter().flat_map(|l| l.levels.iter())
    }
}

#[derive(Debug, Clone)]
pub struct Catalog {
    courses: Vec<Course>,
}

impl Catalog {
    pub fn courses(&self) -> &[Course] {
        &self.courses
    }
    pub fn course(&self, id: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.id == id)
    }
    pub fn level(&self, id: &str) -> Option<(&Course, &Level)> {
        self.courses
            .iter()
            .find_map(|c| c.levels().find(|l| l.id == id).map(|l| (c, l)))
    }
    pub fn next_level(&self, level_id: &str) -> Option<&Level> {
        let (course, _) = self.level(level_id)?;
        let mut it = course.levels().skip_while(|l| l.id != level_id);
        it.next();
        it.next()
    }
    pub fn levels_of(&self, course_id: &str) -> Vec<&Level> {
        self.course(course_id)
            .map(|c| c.levels().collect())
            .unwrap_or_default()
    }
}

/// The shipped content, parsed once. A broken content file fails the build's tests, not a request.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog {
        courses: FILES
            .iter()
            .map(|f| load(f).unwrap_or_else(|e| panic!("content: {e}")))
            .collect(),
    })
}

fn load(text: &str) -> Result<Course, String> {
    let file: CourseFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let lessons = file
        .lessons
        .into_iter()
        .map(|l| {
            Ok(Lesson {
                title: l.title,
                levels: l
                    .levels
                    .into_iter()
                    .map(level)
                    .collect::<Result<_, String>>()?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Course {
        id: file.id,
        title: file.title,
        description: file.description,
        lessons,
    })
}

fn level(f: LevelFile) -> Result<Level, String> {
    let reference = f
        .solution
        .as_deref()
        .map(to_blockly)
        .transpose()
        .map_err(|e| format!("{}: {e}", f.id))?;
    let maze = match (f.kind, f.grid) {
        (LevelKind::Maze, Some(grid)) => Some(MazeSpec {
            grid,
            start_direction: f.start_direction.unwrap_or(Direction::East),
        }),
        (LevelKind::Maze, None) => return Err(format!("{}: a maze needs a grid", f.id)),
        _ => None,
    };
    let artist = match f.kind {
        LevelKind::Artist | LevelKind::FreePlay => {
            let mut spec = ArtistSpec {
                width: 400,
                height: 400,
                start: f.start.unwrap_or([200.0, 200.0]),
                heading: f.heading.unwrap_or(0.0),
                target: Vec::new(),
                check_colour: f.check_colour,
            };
            if let Some(r) = &reference {
                let program =
                    crate::program::parse(r).map_err(|e| format!("{}: {}", f.id, e.message))?;
                spec.target = crate::artist::run(&spec, &program.body).segments;
            }
            Some(spec)
        }
        _ => None,
    };
    Ok(Level {
        id: f.id,
        kind: f.kind,
        title: f.title,
        instructions: f.instructions,
        toolbox: f.toolbox,
        required_blocks: f.required_blocks,
        ideal_blocks: f.ideal_blocks,
        maze,
        artist,
        reference,
    })
}

/// Turns the short notation of reference solutions into a Blockly program:
/// `F` forward, `L`/`R` turn, `repeat N { … }`, `forever { … }`,
/// `if forward|left|right { … } [else { … }]`; artist: `fd N`, `bk N`, `lt N`, `rt N`, `up`,
/// `down`, `colour #rrggbb`.
pub fn to_blockly(src: &str) -> Result<Value, String> {
    let tokens: Vec<String> = src
        .replace('{', " { ")
        .replace('}', " } ")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut pos = 0;
    let mut ids = 0;
    let body = stack(&tokens, &mut pos, &mut ids)?;
    if pos != tokens.len() {
        return Err(format!("unexpected {}", tokens[pos]));
    }
    let mut start =
        json!({"type": "when_run", "id": "start", "x": 20, "y": 20, "deletable": false});
    if let Some(first) = body {
        start["next"] = json!({"block": first});
    }
    Ok(json!({"blocks": {"languageVersion": 0, "blocks": [start]}}))
}

fn stack(t: &[String], pos: &mut usize, ids: &mut u32) -> Result<Option<Value>, String> {
    let mut blocks = Vec::new();
    while *pos < t.len() && t[*pos] != "}" {
        blocks.push(one(t, pos, ids)?);
    }
    let mut next: Option<Value> = None;
    for mut b in blocks.into_iter().rev() {
        if let Some(n) = next.take() {
            b["next"] = json!({"block": n});
        }
        next = Some(b);
    }
    Ok(next)
}

fn braced(t: &[String], pos: &mut usize, ids: &mut u32) -> Result<Option<Value>, String> {
    if t.get(*pos).map(String::as_str) != Some("{") {
        return Err("expected {".into());
    }
    *pos += 1;
    let body = stack(t, pos, ids)?;
    if t.get(*pos).map(String::as_str) != Some("}") {
        return Err("expected }".into());
    }
    *pos += 1;
    Ok(body)
}

fn with_input(mut b: Value, name: &str, body: Option<Value>) -> Value {
    if let Some(body) = body {
        b["inputs"][name] = json!({"block": body});
    }
    b
}

fn one(t: &[String], pos: &mut usize, ids: &mut u32) -> Result<Value, String> {
    *ids += 1;
    let id = format!("b{ids}");
    let word = t[*pos].clone();
    *pos += 1;
    let arg = |pos: &mut usize| -> Result<String, String> {
        let a = t
            .get(*pos)
            .cloned()
            .ok_or_else(|| format!("{word} needs a value"))?;
        *pos += 1;
        Ok(a)
    };
    let num = |s: String| s.parse::<f64>().map_err(|_| format!("not a number: {s}"));
    Ok(match word.as_str() {
        "F" => json!({"type": "maze_move_forward", "id": id}),
        "L" | "R" => {
            json!({"type": "maze_turn", "id": id, "fields": {"DIR": if word == "L" { "turnLeft" } else { "turnRight" }}})
        }
        "repeat" => {
            let n = num(arg(pos)?)?;
            let b =
                json!({"type": "controls_repeat", "id": id, "fields": {"TIMES": n}, "inputs": {}});
            with_input(b, "DO", braced(t, pos, ids)?)
        }
        "forever" => with_input(
            json!({"type": "maze_forever", "id": id, "inputs": {}}),
            "DO",
            braced(t, pos, ids)?,
        ),
        "if" => {
            let side = match arg(pos)?.as_str() {
                "forward" => "isPathForward",
                "left" => "isPathLeft",
                "right" => "isPathRight",
                other => return Err(format!("if {other}?")),
            };
            let then = braced(t, pos, ids)?;
            if t.get(*pos).map(String::as_str) == Some("else") {
                *pos += 1;
                let otherwise = braced(t, pos, ids)?;
                let b = with_input(
                    json!({"type": "maze_ifElse", "id": id, "fields": {"DIR": side}, "inputs": {}}),
                    "DO",
                    then,
                );
                with_input(b, "ELSE", otherwise)
            } else {
                with_input(
                    json!({"type": "maze_if", "id": id, "fields": {"DIR": side}, "inputs": {}}),
                    "DO",
                    then,
                )
            }
        }
        "fd" | "bk" => {
            let ty = if word == "fd" {
                "artist_move_forward"
            } else {
                "artist_move_backward"
            };
            json!({"type": ty, "id": id, "fields": {"DISTANCE": num(arg(pos)?)?}})
        }
        "lt" | "rt" => {
            let dir = if word == "lt" {
                "turnLeft"
            } else {
                "turnRight"
            };
            json!({"type": "artist_turn", "id": id, "fields": {"DIR": dir, "ANGLE": num(arg(pos)?)?}})
        }
        "up" => json!({"type": "artist_pen_up", "id": id}),
        "down" => json!({"type": "artist_pen_down", "id": id}),
        "colour" => json!({"type": "artist_colour", "id": id, "fields": {"COLOUR": arg(pos)?}}),
        other => return Err(format!("unknown word {other}")),
    })
}
