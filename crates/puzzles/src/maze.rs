//! The maze interpreter: the avatar walks the grid; a wall ends the run, the goal solves it.

use crate::program::{Side, Stmt};
use crate::{Reason, STEP_LIMIT, TraceStep};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    North,
    East,
    South,
    West,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::North => "north",
            Direction::East => "east",
            Direction::South => "south",
            Direction::West => "west",
        }
    }
    fn turned(self, right: bool) -> Direction {
        use Direction::*;
        match (self, right) {
            (North, true) | (South, false) => East,
            (East, true) | (West, false) => South,
            (South, true) | (North, false) => West,
            (West, true) | (East, false) => North,
        }
    }
    fn delta(self) -> (i32, i32) {
        match self {
            Direction::North => (0, -1),
            Direction::East => (1, 0),
            Direction::South => (0, 1),
            Direction::West => (-1, 0),
        }
    }
}

/// A maze: rows top to bottom; 0 wall, 1 open, 2 start, 3 goal. Off the grid is wall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MazeSpec {
    pub grid: Vec<Vec<u8>>,
    pub start_direction: Direction,
}

impl MazeSpec {
    fn cell(&self, x: i32, y: i32) -> u8 {
        if x < 0 || y < 0 {
            return 0;
        }
        self.grid
            .get(y as usize)
            .and_then(|r| r.get(x as usize))
            .copied()
            .unwrap_or(0)
    }
    pub fn find(&self, value: u8) -> Option<(i32, i32)> {
        self.grid.iter().enumerate().find_map(|(y, row)| {
            row.iter()
                .position(|c| *c == value)
                .map(|x| (x as i32, y as i32))
        })
    }
}

pub enum End {
    Goal,
    Stopped(Reason),
}

struct Run<'a> {
    maze: &'a MazeSpec,
    x: i32,
    y: i32,
    facing: Direction,
    steps: u32,
    trace: Vec<TraceStep>,
}

impl Run<'_> {
    fn step(&mut self) -> Result<(), End> {
        self.steps += 1;
        if self.steps > STEP_LIMIT {
            return Err(End::Stopped(Reason::TooManySteps));
        }
        Ok(())
    }

    fn open(&self, side: Side) -> bool {
        let d = match side {
            Side::Forward => self.facing,
            Side::Left => self.facing.turned(false),
            Side::Right => self.facing.turned(true),
        };
        let (dx, dy) = d.delta();
        self.maze.cell(self.x + dx, self.y + dy) != 0
    }

    fn exec(&mut self, stmts: &[Stmt]) -> Result<(), End> {
        for s in stmts {
            self.step()?;
            match s {
                Stmt::Move { id } => {
                    let (dx, dy) = self.facing.delta();
                    let (nx, ny) = (self.x + dx, self.y + dy);
                    match self.maze.cell(nx, ny) {
                        0 => {
                            self.trace.push(TraceStep::Crash {
                                block: id.clone(),
                                x: nx,
                                y: ny,
                            });
                            return Err(End::Stopped(Reason::Crashed));
                        }
                        cell => {
                            (self.x, self.y) = (nx, ny);
                            self.trace.push(TraceStep::Move {
                                block: id.clone(),
                                x: nx,
                                y: ny,
                            });
                            if cell == 3 {
                                self.trace.push(TraceStep::Goal);
                                return Err(End::Goal);
                            }
                        }
                    }
                }
                Stmt::Turn { id, right } => {
                    self.facing = self.facing.turned(*right);
                    self.trace.push(TraceStep::Turn {
                        block: id.clone(),
                        direction: Some(self.facing.as_str()),
                        heading: None,
                    });
                }
                Stmt::Repeat { times, body, .. } => {
                    for _ in 0..*times {
                        self.step()?;
                        self.exec(body)?;
                    }
                }
                Stmt::Forever { body, .. } => loop {
                    self.step()?;
                    self.exec(body)?;
                },
                Stmt::If {
                    side,
                    then,
                    otherwise,
                    ..
                } => {
                    if self.open(*side) {
                        self.exec(then)?;
                    } else if let Some(o) = otherwise {
                        self.exec(o)?;
                    }
                }
                // Artist blocks never reach a maze: the toolbox check refuses them first.
                _ => {}
            }
        }
        Ok(())
    }
}

/// Runs a program on a maze; how it ended, and what happened on the way.
pub fn run(maze: &MazeSpec, body: &[Stmt]) -> (End, Vec<TraceStep>) {
    let (x, y) = maze.find(2).unwrap_or((0, 0));
    let mut r = Run {
        maze,
        x,
        y,
        facing: maze.start_direction,
        steps: 0,
        trace: Vec::new(),
    };
    let end = match r.exec(body) {
        Ok(()) => End::Stopped(Reason::NotReachedGoal),
        Err(e) => e,
    };
    (end, r.trace)
}
