//! Puzzles, pure and deterministic: the course content, the Blockly program parser, the maze
//! and artist interpreters, and the grader that decides every verdict on the server.

mod artist;
mod content;
mod maze;
mod program;

pub use artist::Segment;
pub use content::{Catalog, Course, Lesson, Level, LevelKind, Text, catalog};
pub use program::KNOWN_BLOCKS;
use program::Program;
use serde::{Deserialize, Serialize};

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

/// One thing that happened while the program ran, for the page to animate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TraceStep {
    Move {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        x: i32,
        y: i32,
    },
    Turn {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        direction: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        heading: Option<f64>,
    },
    Crash {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        x: i32,
        y: i32,
    },
    Goal,
    Line {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        from: [f64; 2],
        to: [f64; 2],
        colour: String,
    },
    Jump {
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<String>,
        to: [f64; 2],
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub reason: Option<Reason>,
    pub blocks_used: Option<u32>,
    pub ideal_blocks: Option<u32>,
    pub trace: Vec<TraceStep>,
}

pub enum Submission<'a> {
    Program(&'a serde_json::Value),
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

/// The longest written answer a prompt takes.
pub const ANSWER_LIMIT: usize = 10_000;

fn failed(reason: Reason, program: &Program, level: &Level, trace: Vec<TraceStep>) -> Verdict {
    Verdict {
        status: Status::Failed,
        reason: Some(reason),
        blocks_used: Some(program.blocks_used),
        ideal_blocks: level.ideal_blocks,
        trace,
    }
}

/// Decides a submission's verdict by running it. The client's word is never taken.
pub fn judge(level: &Level, submission: Submission<'_>) -> Result<Verdict, Invalid> {
    match (level.kind, submission) {
        (LevelKind::Prompt, Submission::Answer(a)) => {
            let a = a.trim();
            if a.is_empty() || a.chars().count() > ANSWER_LIMIT {
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
                trace: vec![],
            })
        }
        (LevelKind::Prompt, Submission::Program(_)) => Err(Invalid {
            code: "invalid_answer",
            message: "answer: this level asks for a written answer".into(),
        }),
        (_, Submission::Answer(_)) => Err(invalid("program: this level asks for a program")),
        (kind, Submission::Program(json)) => {
            let program = program::parse(json)?;
            if program.types.iter().any(|t| !level.toolbox.contains(t)) {
                return Ok(failed(Reason::BlockNotAllowed, &program, level, vec![]));
            }
            if level
                .required_blocks
                .iter()
                .any(|r| !program.types.contains(r))
            {
                return Ok(failed(
                    Reason::MissingRequiredBlock,
                    &program,
                    level,
                    vec![],
                ));
            }
            let ranked = |solved: bool, trace| {
                let status = match (solved, level.ideal_blocks) {
                    (false, _) => Status::Failed,
                    (true, Some(ideal)) if program.blocks_used > ideal => Status::Passed,
                    (true, _) => Status::Perfect,
                };
                Verdict {
                    status,
                    reason: None,
                    blocks_used: Some(program.blocks_used),
                    ideal_blocks: level.ideal_blocks,
                    trace,
                }
            };
            match kind {
                LevelKind::Maze => {
                    let spec = level
                        .maze
                        .as_ref()
                        .ok_or_else(|| invalid("level has no maze"))?;
                    let (end, trace) = maze::run(spec, &program.body);
                    Ok(match end {
                        maze::End::Goal => ranked(true, trace),
                        maze::End::Stopped(reason) => failed(reason, &program, level, trace),
                    })
                }
                LevelKind::Artist | LevelKind::FreePlay => {
                    let spec = level
                        .artist
                        .as_ref()
                        .ok_or_else(|| invalid("level has no canvas"))?;
                    let drawing = artist::run(spec, &program.body);
                    if drawing.too_many_steps {
                        return Ok(failed(Reason::TooManySteps, &program, level, drawing.trace));
                    }
                    if kind == LevelKind::FreePlay {
                        return Ok(Verdict {
                            status: Status::Completed,
                            reason: None,
                            blocks_used: Some(program.blocks_used),
                            ideal_blocks: None,
                            trace: drawing.trace,
                        });
                    }
                    if artist::same_drawing(&drawing.segments, &spec.target, spec.check_colour) {
                        Ok(ranked(true, drawing.trace))
                    } else {
                        Ok(failed(Reason::WrongDrawing, &program, level, drawing.trace))
                    }
                }
                LevelKind::Prompt => Err(invalid("this level asks for a written answer")),
            }
        }
    }
}
