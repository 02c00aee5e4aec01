//! The artist interpreter: a turtle on a 400 × 400 canvas (y grows downward, heading 0 is up,
//! clockwise) that draws a line wherever it moves with the pen down.

use crate::canvas::{Colour, Segment};
use crate::drawing::Target;
use crate::program::Stmt;
use crate::{STEP_LIMIT, TraceStep};

#[derive(Debug, Clone)]
pub struct ArtistSpec {
    pub width: u32,
    pub height: u32,
    pub start: [f64; 2],
    pub heading: f64,
    /// The drawing to make: what the level's reference solution draws, and whether colours
    /// count.
    pub target: Target,
}

pub const CANVAS: u32 = 400;

pub struct Drawing {
    pub segments: Vec<Segment>,
    pub trace: Vec<TraceStep>,
    pub too_many_steps: bool,
    /// The step limit ran out inside a repeat block (the only loop a canvas has): the one to
    /// name when the learner is told the program ran too long.
    pub stopped_in_loop: bool,
}

/// Rounds to two decimals, and never to a negative zero (which JSON would show as `-0.0`).
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

/// A heading for the trace: two decimals, in 0..360 (359.999 rounds to 0, not 360).
fn shown_heading(h: f64) -> f64 {
    let r = round2(h);
    if r >= 360.0 { 0.0 } else { r }
}

struct Turtle {
    at: [f64; 2],
    heading: f64,
    pen: bool,
    colour: Colour,
    steps: u32,
    out: Drawing,
}

impl Turtle {
    /// Counts one step: an executed block or a round of a loop. The 10,001st stops the run.
    fn step(&mut self) -> bool {
        self.steps += 1;
        if self.steps > STEP_LIMIT {
            self.out.too_many_steps = true;
            return false;
        }
        true
    }

    /// Runs statements; false when the step limit stopped the run. Recursion follows the
    /// program's nesting, which the parser has bounded.
    fn exec(&mut self, stmts: &[Stmt]) -> bool {
        for s in stmts {
            if !self.step() {
                return false;
            }
            match s {
                Stmt::Draw { id, distance } => {
                    let r = self.heading.to_radians();
                    // The exact position is kept; only what is shown and compared is rounded,
                    // so that rounding errors do not add up over a long program.
                    let to = [
                        self.at[0] + distance * r.sin(),
                        self.at[1] - distance * r.cos(),
                    ];
                    let from = [round2(self.at[0]), round2(self.at[1])];
                    let shown = [round2(to[0]), round2(to[1])];
                    if self.pen {
                        self.out.segments.push(Segment {
                            from,
                            to: shown,
                            colour: self.colour,
                        });
                        self.out.trace.push(TraceStep::Line {
                            block: id.clone(),
                            from,
                            to: shown,
                            colour: self.colour,
                        });
                    } else {
                        self.out.trace.push(TraceStep::Jump {
                            block: id.clone(),
                            to: shown,
                        });
                    }
                    self.at = to;
                }
                Stmt::Rotate { id, degrees } => {
                    self.heading = (self.heading + degrees).rem_euclid(360.0);
                    self.out.trace.push(TraceStep::Turn {
                        block: id.clone(),
                        direction: None,
                        heading: Some(shown_heading(self.heading)),
                    });
                }
                Stmt::Pen { down } => self.pen = *down,
                Stmt::Colour { colour } => self.colour = *colour,
                Stmt::Repeat { times, body } => {
                    for _ in 0..*times {
                        if !self.step() || !self.exec(body) {
                            self.out.stopped_in_loop = true;
                            return false;
                        }
                    }
                }
                // Maze blocks never reach the canvas (no artist toolbox offers them); if one
                // did, it would only take its step.
                Stmt::Move { .. } | Stmt::Turn { .. } | Stmt::Forever { .. } | Stmt::If { .. } => {}
            }
        }
        true
    }
}

/// Runs a program on the canvas: the lines it drew and what happened on the way.
pub fn run(spec: &ArtistSpec, body: &[Stmt]) -> Drawing {
    let mut t = Turtle {
        at: spec.start,
        heading: spec.heading.rem_euclid(360.0),
        pen: true,
        colour: Colour::START,
        steps: 0,
        out: Drawing {
            segments: Vec::new(),
            trace: Vec::new(),
            too_many_steps: false,
            stopped_in_loop: false,
        },
    };
    t.exec(body);
    t.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ArtistSpec {
        ArtistSpec {
            width: CANVAS,
            height: CANVAS,
            start: [200.0, 200.0],
            heading: 0.0,
            target: Target::new(vec![], false),
        }
    }

    #[test]
    fn heading_zero_is_up_and_turns_are_clockwise() {
        let d = run(
            &spec(),
            &[
                Stmt::Draw {
                    id: Some("a".into()),
                    distance: 100.0,
                },
                Stmt::Rotate {
                    id: None,
                    degrees: 90.0,
                },
                Stmt::Draw {
                    id: None,
                    distance: 50.0,
                },
                Stmt::Pen { down: false },
                Stmt::Draw {
                    id: None,
                    distance: -150.0,
                },
            ],
        );
        assert_eq!(d.segments.len(), 2);
        assert_eq!(d.segments[0].from, [200.0, 200.0]);
        assert_eq!(d.segments[0].to, [200.0, 100.0], "up is y smaller");
        assert_eq!(d.segments[1].to, [250.0, 100.0], "a right turn faces east");
        assert_eq!(
            d.trace[1],
            TraceStep::Turn {
                block: None,
                direction: None,
                heading: Some(90.0)
            }
        );
        assert_eq!(
            d.trace[3],
            TraceStep::Jump {
                block: None,
                to: [100.0, 100.0]
            },
            "backward with the pen up jumps"
        );
        assert_eq!(d.segments[0].colour, Colour::START);
        assert_eq!(
            serde_json::to_value(&d.segments[0]).unwrap()["colour"],
            "#1d4ed8"
        );
    }

    #[test]
    fn headings_stay_in_range_and_never_show_negative_zero() {
        assert_eq!(shown_heading(359.999), 0.0);
        assert_eq!(shown_heading(-0.0).to_string(), "0");
        assert_eq!(round2(-0.001).to_string(), "0");
        let d = run(
            &spec(),
            &[Stmt::Rotate {
                id: None,
                degrees: -90.0,
            }],
        );
        assert_eq!(
            d.trace[0],
            TraceStep::Turn {
                block: None,
                direction: None,
                heading: Some(270.0)
            }
        );
    }

    #[test]
    fn the_step_limit_stops_the_turtle() {
        let d = run(
            &spec(),
            &[Stmt::Repeat {
                times: 100,
                body: vec![Stmt::Repeat {
                    times: 100,
                    body: vec![Stmt::Pen { down: true }],
                }],
            }],
        );
        assert!(d.too_many_steps);
        assert!(d.stopped_in_loop);
    }
}
