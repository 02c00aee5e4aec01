//! The maze interpreter: the avatar walks the grid; a wall or an obstacle ends the run, the
//! goal solves it.

use crate::program::{BlockType, Side, Stmt};
use crate::{Detail, Reason, STEP_LIMIT, TraceStep};
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
    pub fn as_str(self) -> &'static str {
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
    /// One cell in this direction: north is the row above.
    fn delta(self) -> (i64, i64) {
        match self {
            Direction::North => (0, -1),
            Direction::East => (1, 0),
            Direction::South => (0, 1),
            Direction::West => (-1, 0),
        }
    }
}

pub const WALL: u8 = 0;
pub const START: u8 = 2;
pub const GOAL: u8 = 3;
/// A rock (or the like) on the floor: blocked like a wall, and drawn as a thing in the way,
/// so that a maze can be an open field with things to walk around.
pub const OBSTACLE: u8 = 4;

/// A maze: rows top to bottom; 0 wall, 1 open, 2 start, 3 goal, 4 obstacle. Off the grid is
/// wall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MazeSpec {
    pub grid: Vec<Vec<u8>>,
    pub start_direction: Direction,
}

impl MazeSpec {
    fn cell(&self, x: i64, y: i64) -> u8 {
        let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y)) else {
            return WALL;
        };
        self.grid
            .get(y)
            .and_then(|r| r.get(x))
            .copied()
            .unwrap_or(WALL)
    }

    /// Every cell holding `value`, as (column, row).
    pub fn cells(&self, value: u8) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.grid.iter().enumerate().flat_map(move |(y, row)| {
            row.iter()
                .enumerate()
                .filter(move |(_, c)| **c == value)
                .map(move |(x, _)| (x as i64, y as i64))
        })
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Goal,
    /// Failed, with what the failure is about: the cell hit or reached, or the loop.
    Stopped(Reason, Detail),
}

impl End {
    /// A run that took too many steps inside a loop of this kind. As the end passes out of
    /// nested loops, the outermost one is named: the loop the learner sees as never ending.
    fn in_loop(self, kind: BlockType) -> End {
        match self {
            End::Stopped(Reason::TooManySteps, d) => End::Stopped(
                Reason::TooManySteps,
                Detail {
                    block: Some(kind.name()),
                    ..d
                },
            ),
            other => other,
        }
    }
}

struct Run<'a> {
    maze: &'a MazeSpec,
    x: i64,
    y: i64,
    facing: Direction,
    steps: u32,
    trace: Vec<TraceStep>,
}

impl Run<'_> {
    /// Counts one step: an executed block or a round of a loop. The 10,001st fails the run.
    fn step(&mut self) -> Result<(), End> {
        self.steps += 1;
        if self.steps > STEP_LIMIT {
            return Err(End::Stopped(Reason::TooManySteps, Detail::default()));
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
        !matches!(self.maze.cell(self.x + dx, self.y + dy), WALL | OBSTACLE)
    }

    /// One round of a loop: a step, then the body.
    fn round(&mut self, body: &[Stmt]) -> Result<(), End> {
        self.step()?;
        self.exec(body)
    }

    /// Runs statements; `Err` carries the end when the run stops early (goal, crash, steps).
    /// Recursion follows the program's nesting, which the parser has bounded.
    fn exec(&mut self, stmts: &[Stmt]) -> Result<(), End> {
        for s in stmts {
            self.step()?;
            match s {
                Stmt::Move { id } => {
                    let (dx, dy) = self.facing.delta();
                    let (nx, ny) = (self.x + dx, self.y + dy);
                    let cell = self.maze.cell(nx, ny);
                    if matches!(cell, WALL | OBSTACLE) {
                        self.trace.push(TraceStep::Crash {
                            block: id.clone(),
                            x: nx,
                            y: ny,
                        });
                        let what = if cell == WALL { "wall" } else { "obstacle" };
                        let detail = Detail {
                            cell: Some(what),
                            ..Detail::at(nx, ny)
                        };
                        return Err(End::Stopped(Reason::Crashed, detail));
                    }
                    (self.x, self.y) = (nx, ny);
                    self.trace.push(TraceStep::Move {
                        block: id.clone(),
                        x: nx,
                        y: ny,
                    });
                    if cell == GOAL {
                        // Solved the moment the goal is entered: nothing after this runs.
                        self.trace.push(TraceStep::Goal);
                        return Err(End::Goal);
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
                Stmt::Repeat { times, body } => {
                    for _ in 0..*times {
                        self.round(body).map_err(|e| e.in_loop(BlockType::Repeat))?;
                    }
                }
                Stmt::Forever { body } => loop {
                    self.round(body)
                        .map_err(|e| e.in_loop(BlockType::Forever))?;
                },
                Stmt::If {
                    side,
                    then,
                    otherwise,
                } => {
                    if self.open(*side) {
                        self.exec(then)?;
                    } else if let Some(o) = otherwise {
                        self.exec(o)?;
                    }
                }
                // Artist blocks never reach a maze (no maze toolbox offers them); if one did,
                // it would only take its step.
                Stmt::Draw { .. }
                | Stmt::Rotate { .. }
                | Stmt::Pen { .. }
                | Stmt::Colour { .. } => {}
            }
        }
        Ok(())
    }
}

/// Runs a program on a maze: how it ended, and what happened on the way.
pub fn run(maze: &MazeSpec, body: &[Stmt]) -> (End, Vec<TraceStep>) {
    let (x, y) = maze.cells(START).next().unwrap_or((0, 0));
    let mut r = Run {
        maze,
        x,
        y,
        facing: maze.start_direction,
        steps: 0,
        trace: Vec::new(),
    };
    let end = match r.exec(body) {
        Ok(()) => End::Stopped(Reason::NotReachedGoal, Detail::at(r.x, r.y)),
        Err(e) => e,
    };
    (end, r.trace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corridor() -> MazeSpec {
        MazeSpec {
            grid: vec![vec![2, 1, 3]],
            start_direction: Direction::East,
        }
    }

    fn mv() -> Stmt {
        Stmt::Move { id: None }
    }

    #[test]
    fn off_the_grid_is_wall() {
        let m = corridor();
        assert_eq!(m.cell(-1, 0), WALL);
        assert_eq!(m.cell(0, -1), WALL);
        assert_eq!(m.cell(3, 0), WALL);
        assert_eq!(m.cell(0, 1), WALL);
        assert_eq!(m.cell(i64::MIN, i64::MAX), WALL);
        let (end, trace) = run(
            &m,
            &[
                Stmt::Turn {
                    id: Some("t".into()),
                    right: true,
                },
                mv(),
            ],
        );
        assert_eq!(
            end,
            End::Stopped(
                Reason::Crashed,
                Detail {
                    cell: Some("wall"),
                    ..Detail::at(0, 1)
                }
            )
        );
        assert_eq!(
            trace,
            vec![
                TraceStep::Turn {
                    block: Some("t".into()),
                    direction: Some("south"),
                    heading: None
                },
                TraceStep::Crash {
                    block: None,
                    x: 0,
                    y: 1
                }
            ]
        );
    }

    #[test]
    fn turning_goes_round_the_compass() {
        let mut d = Direction::North;
        for expected in [
            Direction::East,
            Direction::South,
            Direction::West,
            Direction::North,
        ] {
            d = d.turned(true);
            assert_eq!(d, expected);
        }
        for expected in [
            Direction::West,
            Direction::South,
            Direction::East,
            Direction::North,
        ] {
            d = d.turned(false);
            assert_eq!(d, expected);
        }
    }

    #[test]
    fn conditions_look_relative_to_the_facing() {
        // Facing east in the middle of a plus: open ahead, left (north) and right (south).
        let m = MazeSpec {
            grid: vec![vec![0, 1, 0], vec![1, 2, 1], vec![0, 0, 0]],
            start_direction: Direction::East,
        };
        let r = Run {
            maze: &m,
            x: 1,
            y: 1,
            facing: Direction::East,
            steps: 0,
            trace: vec![],
        };
        assert!(r.open(Side::Forward));
        assert!(r.open(Side::Left));
        assert!(!r.open(Side::Right));
    }

    #[test]
    fn an_obstacle_stops_the_explorer_and_closes_the_path() {
        let m = MazeSpec {
            grid: vec![vec![2, OBSTACLE, 3], vec![1, 1, 1]],
            start_direction: Direction::East,
        };
        let (end, trace) = run(&m, &[mv()]);
        assert_eq!(
            end,
            End::Stopped(
                Reason::Crashed,
                Detail {
                    cell: Some("obstacle"),
                    ..Detail::at(1, 0)
                }
            )
        );
        assert_eq!(
            trace,
            vec![TraceStep::Crash {
                block: None,
                x: 1,
                y: 0
            }]
        );
        let r = Run {
            maze: &m,
            x: 0,
            y: 0,
            facing: Direction::East,
            steps: 0,
            trace: vec![],
        };
        assert!(!r.open(Side::Forward), "an obstacle is no path");
        assert!(r.open(Side::Right));
    }

    #[test]
    fn a_loop_round_is_a_step() {
        // An empty body still costs its loop one step a round.
        let m = MazeSpec {
            grid: vec![vec![2, 1], vec![0, 3]],
            start_direction: Direction::North,
        };
        let (end, _) = run(
            &m,
            &[Stmt::Repeat {
                times: 100,
                body: vec![Stmt::Repeat {
                    times: 99,
                    body: vec![],
                }],
            }],
        );
        // 1 + 100 × (1 + 1 + 99) = 10,101 steps. The outer loop is the one named.
        assert_eq!(
            end,
            End::Stopped(Reason::TooManySteps, Detail::block("controls_repeat"))
        );
        let (end, _) = run(
            &m,
            &[Stmt::Repeat {
                times: 99,
                body: vec![Stmt::Repeat {
                    times: 99,
                    body: vec![],
                }],
            }],
        );
        // 1 + 99 × 101 = 10,000 steps: allowed. It ends where it began.
        assert_eq!(end, End::Stopped(Reason::NotReachedGoal, Detail::at(0, 0)));
    }
}
