//! Puzzles, pure and deterministic: the course content, the Blockly program parser, the maze
//! and artist interpreters, and the grader that decides every verdict on the server.

mod artist;
mod canvas;
mod content;
pub mod creations;
mod drawing;
pub mod json;
mod maze;
mod program;
mod stored;

pub use canvas::{Colour, Segment};
pub use content::{Catalog, Course, Lesson, Level, LevelKind, Text, add_courses_from, catalog};
pub use json::{Doc, JsonError, ProgramJson};
use program::Program;
pub use program::{KNOWN_BLOCKS, MAX_BLOCKS, MAX_DEPTH};
use serde::{Deserialize, Serialize};
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
    MissingRequiredBlock,
    Crashed,
    NotReachedGoal,
    TooManySteps,
    WrongDrawing,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::BlockNotAllowed => "block_not_allowed",
            Reason::MissingRequiredBlock => "missing_required_block",
            Reason::Crashed => "crashed",
            Reason::NotReachedGoal => "not_reached_goal",
            Reason::TooManySteps => "too_many_steps",
            Reason::WrongDrawing => "wrong_drawing",
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

/// What the server decided about one attempt; `reason` is set exactly when it failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub reason: Option<Reason>,
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
        blocks_used: Some(blocks),
        ideal_blocks: level.ideal_blocks,
        trace: Vec::new(),
    }
}

fn failed(reason: Reason, program: &Program, level: &Level, trace: Vec<TraceStep>) -> Verdict {
    Verdict {
        trace,
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
        blocks_used: None,
        ideal_blocks: None,
        trace: Vec::new(),
    })
}

/// Decides a submission's verdict by running it: the client's word is never taken (PROG-2).
/// The checks come in the order of the API: an invalid program is refused; then the toolbox,
/// then the required blocks; then the program runs.
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
    if !program.types.is_subset(level.toolbox_set) {
        return Ok(failed(Reason::BlockNotAllowed, &program, level, Vec::new()));
    }
    if !level.required_set.is_subset(program.types) {
        return Ok(failed(
            Reason::MissingRequiredBlock,
            &program,
            level,
            Vec::new(),
        ));
    }
    if let Some(maze) = &level.maze {
        let (end, trace) = maze::run(maze, &program.body);
        return Ok(match end {
            maze::End::Goal => solved(&program, level, trace),
            maze::End::Stopped(reason) => failed(reason, &program, level, trace),
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
        return Ok(failed(Reason::TooManySteps, &program, level, drawing.trace));
    }
    if level.kind == LevelKind::FreePlay {
        return Ok(Verdict {
            status: Status::Completed,
            reason: None,
            blocks_used: Some(program.blocks_used),
            ideal_blocks: None,
            trace: drawing.trace,
        });
    }
    if canvas.target.matches(&drawing.segments) {
        Ok(solved(&program, level, drawing.trace))
    } else {
        Ok(failed(Reason::WrongDrawing, &program, level, drawing.trace))
    }
}
