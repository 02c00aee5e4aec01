//! Puzzles, pure and deterministic: the course content, the Blockly program parser, the maze
//! and artist interpreters, and the grader that decides every verdict on the server.

mod artist;
mod canvas;
mod content;
pub mod creations;
mod drawing;
pub mod json;
mod maze;
mod notation;
mod program;
#[cfg(test)]
mod rule_tests;
mod stored;

pub use canvas::{Colour, Segment};
pub use content::{
    BlockSpec, Catalog, Course, Lesson, Level, LevelKind, Text, add_courses_from, catalog,
};
pub use drawing::Mismatch;
pub use json::{Doc, JsonError, ProgramJson};
use program::{BlockType, Program};
pub use program::{KNOWN_BLOCKS, MAX_BLOCKS, MAX_DEPTH};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
pub use stored::{
    EMPTY_PROGRAM, MAX_NESTING, MAX_PROGRAM_BYTES, MAX_STORED_BLOCKS, MAX_STRING_CHARS,
    canonical_program, stored_form,
};

/// The most steps a program may take; the next one fails the attempt.
pub const STEP_LIMIT: u32 = 10_000;

/// A verdict, in the order of "best so far": failed < completed < passed < perfect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Failed,
    Completed,
    Passed,
    Perfect,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failed => "failed",
            Status::Completed => "completed",
            Status::Passed => "passed",
            Status::Perfect => "perfect",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Failed,
            Status::Completed,
            Status::Passed,
            Status::Perfect,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    BlockNotAllowed,
    /// More blocks of a type than the level's toolbox limit.
    TooManyBlocks,
    /// A block the level placed and locked is gone (or changed).
    MissingLockedBlock,
    MissingRequiredBlock,
    /// A loop or decision with nothing inside (or an empty `else`).
    EmptyBlock,
    Crashed,
    NotReachedGoal,
    TooManySteps,
    WrongDrawing,
}

impl Reason {
    pub const ALL: [Reason; 9] = [
        Reason::BlockNotAllowed,
        Reason::TooManyBlocks,
        Reason::MissingLockedBlock,
        Reason::MissingRequiredBlock,
        Reason::EmptyBlock,
        Reason::Crashed,
        Reason::NotReachedGoal,
        Reason::TooManySteps,
        Reason::WrongDrawing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::BlockNotAllowed => "block_not_allowed",
            Reason::TooManyBlocks => "too_many_blocks",
            Reason::MissingLockedBlock => "missing_locked_block",
            Reason::MissingRequiredBlock => "missing_required_block",
            Reason::EmptyBlock => "empty_block",
            Reason::Crashed => "crashed",
            Reason::NotReachedGoal => "not_reached_goal",
            Reason::TooManySteps => "too_many_steps",
            Reason::WrongDrawing => "wrong_drawing",
        }
    }
}

/// What a failure is about, so that its message can name it: a block (with the field values
/// that matter), or a cell of the maze. Only the keys that apply are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Detail {
    /// The block type: the one not offered, over its limit, missing, empty, or the loop that
    /// ran too long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<&'static str>,
    /// The field values the missing block must have (`{"DIR": "turnRight"}`, say).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// The empty input of a block: `DO`, or `ELSE` of an if-else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<&'static str>,
    /// The most blocks of `block` the level allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The maze cell: column `x` and row `y`, counted from 0 at the top left, as in the trace.
    /// The cell hit on a crash, the cell where the explorer stopped short of the goal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<i64>,
    /// What the explorer hit: `wall` (also off the grid) or `obstacle`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<&'static str>,
    /// How a drawing differs from the picture: `extra` (a line the picture has not) or
    /// `missing` (part of the picture not drawn yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drawing: Option<Mismatch>,
}

impl Detail {
    pub(crate) fn block(name: &'static str) -> Detail {
        Detail {
            block: Some(name),
            ..Detail::default()
        }
    }
    pub(crate) fn at(x: i64, y: i64) -> Detail {
        Detail {
            x: Some(x),
            y: Some(y),
            ..Detail::default()
        }
    }
}

/// One thing that happened while the program ran, for the page to animate. `block` is the id
/// of the block that did it, when the block had one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TraceStep {
    /// The avatar moved one cell, to column `x`, row `y`.
    Move {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        x: i64,
        y: i64,
    },
    /// In a maze the new facing (`direction`); on the canvas the new heading in degrees,
    /// clockwise from up, in 0..360.
    Turn {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        direction: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        heading: Option<f64>,
    },
    /// The avatar tried to walk into the wall cell at `x`, `y` (possibly off the grid).
    Crash {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        x: i64,
        y: i64,
    },
    /// The goal was entered: always the last step.
    Goal,
    /// A move with the pen down.
    Line {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        from: [f64; 2],
        to: [f64; 2],
        colour: Colour,
    },
    /// A move with the pen up.
    Jump {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        to: [f64; 2],
    },
}

/// What the server decided about one attempt; `reason` is set exactly when it failed, and
/// `detail` says what the failure is about when that is a block or a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub reason: Option<Reason>,
    pub detail: Option<Detail>,
    pub blocks_used: Option<u32>,
    pub ideal_blocks: Option<u32>,
    pub trace: Vec<TraceStep>,
}

/// What a learner hands in: a Blockly program for puzzle levels, a written answer for prompts.
#[derive(Debug, Clone, Copy)]
pub enum Submission<'a> {
    Program(&'a serde_json::Value),
    /// A program read by [`Doc::parse`]: what the server judges, without a `Value` tree.
    Json(json::Node<'a>),
    Answer(&'a str),
}

/// Why a submission could not be judged at all (422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// `invalid_program` or `invalid_answer`.
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn invalid(message: impl Into<String>) -> Invalid {
    Invalid {
        code: "invalid_program",
        message: message.into(),
    }
}

/// The longest written answer a prompt takes, in characters: a few paragraphs, far more than
/// a child's reflection needs, and small enough that answers cannot fill the storage budget.
pub const ANSWER_LIMIT: usize = 2_000;

fn verdict(status: Status, reason: Option<Reason>, blocks: u32, level: &Level) -> Verdict {
    Verdict {
        status,
        reason,
        detail: None,
        blocks_used: Some(blocks),
        ideal_blocks: level.ideal_blocks,
        trace: Vec::new(),
    }
}

fn failed(
    (reason, detail): (Reason, Option<Detail>),
    program: &Program,
    level: &Level,
    trace: Vec<TraceStep>,
) -> Verdict {
    Verdict {
        trace,
        detail,
        ..verdict(Status::Failed, Some(reason), program.blocks_used, level)
    }
}

/// Solved: perfect within the ideal block count (or with none set), passed above it.
fn solved(program: &Program, level: &Level, trace: Vec<TraceStep>) -> Verdict {
    let status = match level.ideal_blocks {
        Some(ideal) if program.blocks_used > ideal => Status::Passed,
        _ => Status::Perfect,
    };
    Verdict {
        trace,
        ..verdict(status, None, program.blocks_used, level)
    }
}

fn judge_answer(answer: &str) -> Result<Verdict, Invalid> {
    let a = answer.trim();
    // Counted in characters, not bytes, so that Swedish letters cost what English ones do.
    if a.is_empty() || a.chars().nth(ANSWER_LIMIT).is_some() {
        return Err(Invalid {
            code: "invalid_answer",
            message: format!("answer: write 1 to {ANSWER_LIMIT} characters"),
        });
    }
    Ok(Verdict {
        status: Status::Completed,
        reason: None,
        detail: None,
        blocks_used: None,
        ideal_blocks: None,
        trace: Vec::new(),
    })
}

/// What the level's own rules say of a program before it runs: the toolbox, its limits, the
/// locked blocks, the required blocks, and no empty loop or decision, in that order.
fn broken_rule(program: &Program, level: &Level) -> Option<(Reason, Option<Detail>)> {
    if let Some(t) = program.types.first_not_in(level.toolbox_set) {
        return Some((Reason::BlockNotAllowed, Some(Detail::block(t.name()))));
    }
    for (t, limit) in &level.limits {
        if program.counts[*t as usize] > *limit {
            let detail = Detail {
                limit: Some(*limit),
                ..Detail::block(t.name())
            };
            return Some((Reason::TooManyBlocks, Some(detail)));
        }
    }
    let statements = program.statements();
    if let Some(spec) = content::missing(&level.locked, &statements) {
        return Some((Reason::MissingLockedBlock, Some(spec.detail())));
    }
    if let Some(spec) = content::missing(&level.required, &statements) {
        return Some((Reason::MissingRequiredBlock, Some(spec.detail())));
    }
    statements.iter().find_map(|s| {
        let (then, otherwise) = match s {
            program::Stmt::Repeat { body, .. } | program::Stmt::Forever { body } => (body, None),
            program::Stmt::If {
                then, otherwise, ..
            } => (then, otherwise.as_ref()),
            _ => return None,
        };
        let input = if then.is_empty() {
            "DO"
        } else if otherwise.is_some_and(Vec::is_empty) {
            "ELSE"
        } else {
            return None;
        };
        let detail = Detail {
            input: Some(input),
            ..Detail::block(s.kind().name())
        };
        Some((Reason::EmptyBlock, Some(detail)))
    })
}

/// Decides a submission's verdict by running it: the client's word is never taken (PROG-2).
/// The checks come in the order of the API: an invalid program is refused; then the level's
/// rules (see `broken_rule`); then the program runs.
pub fn judge(level: &Level, submission: Submission<'_>) -> Result<Verdict, Invalid> {
    let program = match (level.kind, submission) {
        (LevelKind::Prompt, Submission::Answer(a)) => return judge_answer(a),
        (LevelKind::Prompt, Submission::Program(_) | Submission::Json(_)) => {
            return Err(Invalid {
                code: "invalid_answer",
                message: "answer: this level asks for a written answer".into(),
            });
        }
        (_, Submission::Answer(_)) => {
            return Err(invalid("program: this level asks for a program"));
        }
        (_, Submission::Program(json)) => program::parse(json)?,
        (_, Submission::Json(json)) => program::parse(json)?,
    };
    if let Some(broken) = broken_rule(&program, level) {
        return Ok(failed(broken, &program, level, Vec::new()));
    }
    if let Some(maze) = &level.maze {
        let (end, trace) = maze::run(maze, &program.body);
        return Ok(match end {
            maze::End::Goal => solved(&program, level, trace),
            maze::End::Stopped(reason, detail) => {
                failed((reason, Some(detail)), &program, level, trace)
            }
        });
    }
    let Some(canvas) = &level.artist else {
        // The content tests make this unreachable: every puzzle level has a maze or a canvas.
        return Err(invalid(
            "program: this level has nothing to run a program on",
        ));
    };
    let drawing = artist::run(canvas, &program.body);
    if drawing.too_many_steps {
        let detail = drawing
            .stopped_in_loop
            .then(|| Detail::block(BlockType::Repeat.name()));
        return Ok(failed(
            (Reason::TooManySteps, detail),
            &program,
            level,
            drawing.trace,
        ));
    }
    if level.kind == LevelKind::FreePlay {
        return Ok(Verdict {
            status: Status::Completed,
            reason: None,
            detail: None,
            blocks_used: Some(program.blocks_used),
            ideal_blocks: None,
            trace: drawing.trace,
        });
    }
    match canvas.target.mismatch(&drawing.segments) {
        None => Ok(solved(&program, level, drawing.trace)),
        Some(mismatch) => {
            let detail = Detail {
                drawing: Some(mismatch),
                ..Detail::default()
            };
            Ok(failed(
                (Reason::WrongDrawing, Some(detail)),
                &program,
                level,
                drawing.trace,
            ))
        }
    }
}
