//! The course content: courses, lessons and levels from the TOML files in `content/`, embedded
//! at build time, with every text in English and Swedish.

use crate::Detail;
use crate::artist::{ArtistSpec, CANVAS};
use crate::drawing::Target;
use crate::maze::{Direction, GOAL, MazeSpec, OBSTACLE, START};
use crate::notation;
use crate::program::{BlockType, Stmt, TypeSet};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const FILES: [&str; 2] = [
    include_str!("../../../content/maze-intro.toml"),
    include_str!("../../../content/artist-intro.toml"),
];

/// A text in both of the platform's languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub sv: String,
}

impl Text {
    /// Swedish for `sv`, English for anything else.
    pub fn get(&self, lang: &str) -> &str {
        if lang == "sv" { &self.sv } else { &self.en }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Shown to the learner one at a time, after a failed try or on request.
    #[serde(default)]
    hints: Vec<Text>,
    #[serde(default)]
    toolbox: Vec<String>,
    /// The most blocks of a type a program may hold, by block type.
    #[serde(default)]
    toolbox_limits: BTreeMap<String, u32>,
    #[serde(default)]
    required_blocks: Vec<RequiredFile>,
    ideal_blocks: Option<u32>,
    /// The reference solution in a short notation (see `notation`).
    solution: Option<String>,
    /// The program the workspace opens with, in the same notation; `!` before a block locks
    /// it in place.
    start_blocks: Option<String>,
    grid: Option<Vec<Vec<u8>>>,
    start_direction: Option<Direction>,
    start: Option<[f64; 2]>,
    heading: Option<f64>,
    #[serde(default)]
    check_colour: bool,
}

/// A required block: a type (any fields), or a type with the field values it must have.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RequiredFile {
    Type(String),
    With {
        block: String,
        fields: BTreeMap<String, Value>,
    },
}

/// A block a level asks for: a type, and the field values it must have (none: any).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockSpec {
    pub(crate) kind: BlockType,
    pub(crate) fields: BTreeMap<String, Value>,
}

impl BlockSpec {
    /// The block type, as the API names it.
    pub fn block(&self) -> &'static str {
        self.kind.name()
    }
    /// The field values the block must have.
    pub fn fields(&self) -> &BTreeMap<String, Value> {
        &self.fields
    }
    pub(crate) fn matches(&self, s: &Stmt) -> bool {
        s.kind() == self.kind
            && self.fields.iter().all(|(name, want)| {
                s.field(name)
                    .is_some_and(|have| match (want.as_f64(), have.as_f64()) {
                        (Some(a), Some(b)) => a == b,
                        _ => *want == have,
                    })
            })
    }
    pub(crate) fn detail(&self) -> Detail {
        Detail {
            fields: self.fields.clone(),
            ..Detail::block(self.block())
        }
    }
    fn to_json(&self) -> Value {
        json!({"type": self.block(), "fields": self.fields})
    }
}

/// The first spec the statements do not hold: each spec needs a block of its own, so a spec
/// listed twice needs two.
pub(crate) fn missing<'s>(specs: &'s [BlockSpec], statements: &[&Stmt]) -> Option<&'s BlockSpec> {
    specs.iter().find(|spec| {
        let need = specs.iter().filter(|s| s == spec).count();
        statements.iter().filter(|s| spec.matches(s)).count() < need
    })
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

/// One level of a course. Its maze or canvas, and its reference solution, stay private: the
/// page gets what `to_json` shows, the judge the rest.
#[derive(Debug, Clone)]
pub struct Level {
    pub id: String,
    pub kind: LevelKind,
    pub title: Text,
    pub instructions: Text,
    /// Up to three hints, the gentlest first (every shipped puzzle level has one or more).
    pub hints: Vec<Text>,
    pub toolbox: Vec<String>,
    /// The types of the required blocks, each once.
    pub required_blocks: Vec<String>,
    pub ideal_blocks: Option<u32>,
    pub(crate) maze: Option<MazeSpec>,
    pub(crate) artist: Option<ArtistSpec>,
    /// The toolbox as a set, for a check without allocation.
    pub(crate) toolbox_set: TypeSet,
    /// The required blocks, with the field values they must have.
    pub(crate) required: Vec<BlockSpec>,
    /// The start blocks that are locked: every program must still hold them.
    pub(crate) locked: Vec<BlockSpec>,
    /// The toolbox limits: at most this many blocks of the type.
    pub(crate) limits: Vec<(BlockType, u32)>,
    /// The program the workspace opens with, locks included.
    start: Option<Value>,
    reference: Option<Value>,
}

impl Level {
    /// The reference solution, as a Blockly program. Not for learners' eyes.
    pub fn reference_solution(&self) -> Option<&Value> {
        self.reference.as_ref()
    }

    /// The required blocks, with the field values each must have.
    pub fn required(&self) -> &[BlockSpec] {
        &self.required
    }

    /// The locked start blocks, which every program must still hold.
    pub fn locked_blocks(&self) -> &[BlockSpec] {
        &self.locked
    }

    /// The program the workspace opens with, as Blockly loads it; none: an empty "when run".
    pub fn start_blocks(&self) -> Option<&Value> {
        self.start.as_ref()
    }

    /// The API's `Level` in a language.
    pub fn to_json(&self, lang: &str) -> Value {
        let limits: serde_json::Map<String, Value> = self
            .limits
            .iter()
            .map(|(t, n)| (t.name().to_owned(), json!(n)))
            .collect();
        let with_fields: Vec<Value> = self
            .required
            .iter()
            .filter(|r| !r.fields.is_empty())
            .map(BlockSpec::to_json)
            .collect();
        let mut v = json!({
            "id": self.id,
            "kind": self.kind.as_str(),
            "title": self.title.get(lang),
            "instructions": self.instructions.get(lang),
            "hints": self.hints.iter().map(|h| h.get(lang)).collect::<Vec<_>>(),
            "toolbox": self.toolbox,
            "toolbox_limits": limits,
            "required_blocks": self.required_blocks,
            "required_fields": with_fields,
            "ideal_blocks": self.ideal_blocks,
            "start_blocks": self.start,
            "locked_blocks": self.locked.iter().map(BlockSpec::to_json).collect::<Vec<_>>(),
        });
        if let Some(m) = &self.maze {
            v["maze"] = json!({"grid": m.grid, "start_direction": m.start_direction});
        }
        if let Some(a) = &self.artist {
            v["artist"] = json!({"width": a.width, "height": a.height, "start": a.start, "heading": a.heading, "target": a.target.segments()});
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
    /// The levels of all lessons, in order.
    pub fn levels(&self) -> impl Iterator<Item = &Level> {
        self.lessons.iter().flat_map(|l| l.levels.iter())
    }
}

/// Every shipped course, in order.
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
    /// The level after this one in its course, across lessons; none after the last.
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

/// The shipped content, parsed once. It is part of the build, not input: a broken content
/// file fails the test suite (which loads it first thing), so this cannot fail in service.
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| match Catalog::from_toml(&FILES) {
        Ok(c) => c,
        Err(e) => panic!("content: {e}"),
    })
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// Adds an operator's own courses (every `*.toml` file of `dir`, in the format of `content/`)
/// to the shipped ones. Called once at start-up, before anything reads the catalog. Each file
/// is checked as the shipped ones are, and every reference solution must be judged perfect:
/// a course that its own solutions fail would only confuse children. Returns how many courses
/// were added.
pub fn add_courses_from(dir: &std::path::Path) -> Result<usize, String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut texts: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    for p in &paths {
        texts.push(std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let catalog = Catalog::from_toml(&refs)?;
    for level in catalog.courses.iter().flat_map(Course::levels) {
        if let Some(solution) = level.reference_solution() {
            let verdict = crate::judge(level, crate::Submission::Program(solution))
                .map_err(|e| format!("level {}: {}", level.id, e.message))?;
            if verdict.status != crate::Status::Perfect {
                return Err(format!(
                    "level {}: its reference solution is not perfect",
                    level.id
                ));
            }
        }
    }
    CATALOG
        .set(catalog)
        .map_err(|_| "the courses were already loaded".to_owned())?;
    Ok(paths.len())
}

impl Catalog {
    /// Builds a catalog from course files, checking every level and that ids are unique.
    pub(crate) fn from_toml(files: &[&str]) -> Result<Catalog, String> {
        let courses = files
            .iter()
            .map(|f| load(f))
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids = std::collections::BTreeSet::new();
        for c in &courses {
            if !ids.insert(c.id.as_str()) {
                return Err(format!("course {} twice", c.id));
            }
            if !text_ok(&c.title)
                || !text_ok(&c.description)
                || !c.lessons.iter().all(|l| text_ok(&l.title))
            {
                return Err(format!("{}: every text needs English and Swedish", c.id));
            }
            if c.lessons.iter().any(|l| l.levels.is_empty()) {
                return Err(format!("{}: a lesson without levels", c.id));
            }
        }
        let mut level_ids = std::collections::BTreeSet::new();
        for l in courses.iter().flat_map(Course::levels) {
            if !level_ids.insert(l.id.as_str()) {
                return Err(format!("level {} twice", l.id));
            }
        }
        Ok(Catalog { courses })
    }
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

fn type_set(id: &str, names: &[String]) -> Result<TypeSet, String> {
    let mut set = TypeSet::default();
    for n in names {
        set.insert(BlockType::from_name(n).ok_or_else(|| format!("{id}: unknown block {n}"))?);
    }
    Ok(set)
}

/// The most hints a level may carry: more would give the solution away.
const MAX_HINTS: usize = 3;

fn text_ok(t: &Text) -> bool {
    !t.en.trim().is_empty() && !t.sv.trim().is_empty()
}

/// Builds a level and checks what the tests and the judge rely on, so that a mistake in a
/// content file fails the test suite rather than an attempt.
fn level(f: LevelFile) -> Result<Level, String> {
    let id = f.id.clone();
    let err = |m: &str| Err(format!("{id}: {m}"));
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return err("a level id is a slug of a-z, 0-9 and -");
    }
    if !text_ok(&f.title) || !text_ok(&f.instructions) {
        return err("every text needs English and Swedish");
    }
    let toolbox_set = type_set(&id, &f.toolbox)?;
    let required = f
        .required_blocks
        .iter()
        .map(|r| required_spec(&id, r, toolbox_set))
        .collect::<Result<Vec<_>, _>>()?;
    let mut required_blocks: Vec<String> = Vec::new();
    for r in &required {
        if !required_blocks.iter().any(|b| b == r.block()) {
            required_blocks.push(r.block().to_owned());
        }
    }
    let mut limits = Vec::new();
    for (name, limit) in &f.toolbox_limits {
        let t = BlockType::from_name(name)
            .filter(|t| f.toolbox.iter().any(|n| n == t.name()))
            .ok_or_else(|| format!("{id}: a toolbox limit names a block of the toolbox"))?;
        if *limit == 0 {
            return err(
                "a toolbox limit is at least 1: leave the block out of the toolbox instead",
            );
        }
        limits.push((t, *limit));
    }
    let puzzle = matches!(f.kind, LevelKind::Maze | LevelKind::Artist);
    // Hints are optional for an operator's own courses; the shipped ones give every puzzle
    // at least one (a test checks), so that a stuck child gets help from the level itself.
    if f.hints.len() > MAX_HINTS {
        return err("a level has at most three hints");
    }
    if !f.hints.iter().all(text_ok) {
        return err("every hint needs English and Swedish");
    }
    if puzzle != f.solution.is_some() || puzzle != f.ideal_blocks.is_some() {
        return err("maze and artist levels, and only they, have a solution and ideal_blocks");
    }
    if (f.kind == LevelKind::Prompt) != f.toolbox.is_empty() {
        return err("every puzzle level, and no prompt, has a toolbox");
    }
    if f.kind == LevelKind::Prompt && f.start_blocks.is_some() {
        return err("a prompt has no start_blocks");
    }
    let for_kind = |ok: fn(BlockType) -> bool| {
        f.toolbox
            .iter()
            .all(|n| BlockType::from_name(n).is_some_and(ok))
    };
    let fits = match f.kind {
        LevelKind::Maze => for_kind(BlockType::is_maze),
        LevelKind::Artist | LevelKind::FreePlay => for_kind(BlockType::is_artist),
        LevelKind::Prompt => true,
    };
    if !fits {
        return err("the toolbox offers a block of the other kind of puzzle");
    }
    if (f.kind == LevelKind::Maze) != f.grid.is_some() {
        return err("maze levels, and only they, have a grid");
    }
    if f.kind != LevelKind::Maze && f.start_direction.is_some() {
        return err("only a maze has a start_direction");
    }
    let artist_kind = matches!(f.kind, LevelKind::Artist | LevelKind::FreePlay);
    if !artist_kind && (f.start.is_some() || f.heading.is_some() || f.check_colour) {
        return err("only artist levels have start, heading and check_colour");
    }
    let reference = f
        .solution
        .as_deref()
        .map(notation::to_blockly)
        .transpose()
        .map_err(|e| format!("{id}: {e}"))?;
    let (start, locked) = match f.start_blocks.as_deref() {
        Some(src) => {
            let (program, locked) =
                start_program(src).map_err(|e| format!("{id}: start_blocks: {e}"))?;
            let parsed = crate::program::parse(&program)
                .map_err(|e| format!("{id}: start_blocks: {}", e.message))?;
            if !parsed.types.is_subset(toolbox_set) {
                return err("start_blocks use only blocks of the toolbox");
            }
            (Some(program), locked)
        }
        None => (None, Vec::new()),
    };
    let maze = match f.grid {
        Some(grid) => {
            let spec = MazeSpec {
                grid,
                start_direction: f.start_direction.unwrap_or(Direction::East),
            };
            let width = spec.grid.first().map_or(0, Vec::len);
            if width == 0 || spec.grid.iter().any(|r| r.len() != width) {
                return err("a grid is a rectangle of at least one cell");
            }
            if spec.grid.iter().flatten().any(|c| *c > OBSTACLE) {
                return err("grid cells are 0 wall, 1 open, 2 start, 3 goal, 4 obstacle");
            }
            if spec.cells(START).count() != 1 || spec.cells(GOAL).count() != 1 {
                return err("a grid has one start and one goal");
            }
            Some(spec)
        }
        None => None,
    };
    let artist = if artist_kind {
        let start = f.start.unwrap_or([200.0, 200.0]);
        let on_canvas = |v: f64| v.is_finite() && (0.0..=f64::from(CANVAS)).contains(&v);
        if !start.iter().all(|v| on_canvas(*v)) || !f.heading.unwrap_or(0.0).is_finite() {
            return err("the start lies on the canvas");
        }
        let mut spec = ArtistSpec {
            width: CANVAS,
            height: CANVAS,
            start,
            heading: f.heading.unwrap_or(0.0).rem_euclid(360.0),
            target: Target::new(Vec::new(), f.check_colour),
        };
        if let Some(r) = &reference {
            let program = crate::program::parse(r).map_err(|e| format!("{id}: {}", e.message))?;
            let drawing = crate::artist::run(&spec, &program.body);
            if drawing.too_many_steps || drawing.segments.is_empty() {
                return err("the reference solution must draw something");
            }
            spec.target = Target::new(drawing.segments, f.check_colour);
        }
        Some(spec)
    } else {
        None
    };
    Ok(Level {
        id: f.id,
        kind: f.kind,
        title: f.title,
        instructions: f.instructions,
        hints: f.hints,
        toolbox: f.toolbox,
        required_blocks,
        ideal_blocks: f.ideal_blocks,
        maze,
        artist,
        toolbox_set,
        required,
        locked,
        limits,
        start,
        reference,
    })
}

/// A required block of a content file, checked: a block of the toolbox, and field values
/// that the block takes.
fn required_spec(id: &str, r: &RequiredFile, toolbox: TypeSet) -> Result<BlockSpec, String> {
    let (name, fields) = match r {
        RequiredFile::Type(name) => (name, BTreeMap::new()),
        RequiredFile::With { block, fields } => (block, fields.clone()),
    };
    let kind = BlockType::from_name(name).ok_or_else(|| format!("{id}: unknown block {name}"))?;
    let mut one = TypeSet::default();
    one.insert(kind);
    if !one.is_subset(toolbox) {
        return Err(format!("{id}: a required block must be in the toolbox"));
    }
    if let Some((field, value)) = fields.iter().find(|(f, v)| !kind.field_ok(f, v)) {
        return Err(format!("{id}: {name} has no field {field} = {value}"));
    }
    Ok(BlockSpec { kind, fields })
}

/// The program a level opens with, from the same notation, where `!` before a block locks it:
/// it cannot be deleted, moved or changed. Its "when run" stays in place. Also gives the
/// locked blocks, which the judge requires.
fn start_program(src: &str) -> Result<(Value, Vec<BlockSpec>), String> {
    let (mut program, locked) = notation::workspace(src, "s")?;
    program["blocks"]["blocks"][0]["movable"] = json!(false);
    let locked = locked
        .iter()
        .map(|b| BlockSpec {
            kind: BlockType::from_name(b["type"].as_str().unwrap_or_default())
                .unwrap_or(BlockType::MazeMoveForward),
            fields: b["fields"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        })
        .collect();
    Ok((program, locked))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "c"
title = { en = "Course", sv = "Kurs" }
description = { en = "About", sv = "Om" }
[[lessons]]
title = { en = "Lesson", sv = "Lektion" }
[[lessons.levels]]
id = "c-1"
kind = "maze"
title = { en = "One", sv = "Ett" }
instructions = { en = "Go", sv = "Gå" }
hints = [{ en = "One step", sv = "Ett steg" }]
toolbox = ["maze_move_forward"]
ideal_blocks = 1
solution = "F"
grid = [[2, 3]]
"#;

    fn refused(from: &str, to: &str) -> String {
        let text = GOOD.replace(from, to);
        assert_ne!(text, GOOD, "{from}");
        match Catalog::from_toml(&[&text]) {
            Ok(_) => panic!("accepted with {to}"),
            Err(e) => e,
        }
    }

    #[test]
    fn good_content_loads_and_its_solution_is_blockly() {
        let c = Catalog::from_toml(&[GOOD]).unwrap();
        let l = c.level("c-1").unwrap().1;
        assert_eq!(
            l.reference_solution().unwrap(),
            &json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "start",
                "x": 20, "y": 20, "deletable": false, "next": {"block": {"type": "maze_move_forward", "id": "b1"}}}]}})
        );
    }

    #[test]
    fn every_shipped_puzzle_level_has_hints_in_both_languages() {
        let mut puzzles = 0;
        for course in catalog().courses() {
            for level in course.levels() {
                let json = level.to_json("sv");
                let hints = json["hints"].as_array().unwrap();
                if matches!(level.kind, LevelKind::Maze | LevelKind::Artist) {
                    puzzles += 1;
                    assert!(!hints.is_empty(), "{} has no hint", level.id);
                    for h in &level.hints {
                        assert!(
                            !h.en.trim().is_empty() && !h.sv.trim().is_empty(),
                            "{}",
                            level.id
                        );
                        assert_ne!(h.en, h.sv, "{}: the Swedish hint is a copy", level.id);
                    }
                }
            }
        }
        assert!(puzzles >= 20, "{puzzles} puzzle levels");
    }

    #[test]
    fn broken_content_is_refused_at_load() {
        assert!(refused(r#"sv = "Ett""#, r#"sv = " ""#).contains("Swedish"));
        assert!(refused(r#"sv = "Lektion""#, r#"sv = """#).contains("Swedish"));
        assert!(refused(r#"sv = "Ett steg""#, r#"sv = """#).contains("hint"));
        let four =
            r#"hints = [{ en = "a", sv = "a" }, { en = "b", sv = "b" }, { en = "c", sv = "c" }, "#;
        assert!(refused("hints = [", four).contains("at most three hints"));
        assert!(refused(r#"id = "c-1""#, r#"id = "C 1""#).contains("slug"));
        assert!(refused(r#"["maze_move_forward"]"#, r#"["maze_jump"]"#).contains("unknown block"));
        assert!(refused(r#"["maze_move_forward"]"#, r#"["artist_pen_up"]"#).contains("other kind"));
        assert!(
            refused(
                "ideal_blocks = 1",
                "ideal_blocks = 1\nrequired_blocks = [\"maze_turn\"]"
            )
            .contains("required")
        );
        assert!(refused("[[2, 3]]", "[[2, 2, 3]]").contains("one start"));
        assert!(refused("[[2, 3]]", "[[2, 3], [1]]").contains("rectangle"));
        assert!(refused("[[2, 3]]", "[[2, 3, 7]]").contains("0 wall"));
        assert!(refused(r#"solution = "F""#, r#"solution = "F jump""#).contains("unknown word"));
        assert!(
            refused(r#"solution = "F""#, r#"solution = "repeat 2 { F""#).contains("expected }")
        );
        assert!(refused("ideal_blocks = 1\n", "").contains("ideal_blocks"));
        assert!(refused("grid = [[2, 3]]", "").contains("grid"));
        assert!(refused(r#"kind = "maze""#, r#"kind = "puzzle""#).contains("unknown variant"));
        assert!(refused("solution", "answer = 1\nsolution").contains("unknown field"));
        let twice = format!(
            "{GOOD}{}",
            &GOOD[GOOD.find("[[lessons.levels]]").unwrap()..]
        );
        assert!(Catalog::from_toml(&[&twice]).unwrap_err().contains("twice"));
        assert!(
            Catalog::from_toml(&[GOOD, GOOD])
                .unwrap_err()
                .contains("twice")
        );
    }
}
