//! The artist interpreter (a turtle that draws lines) and the comparison of drawings by their
//! segments, not their pixels.

use crate::program::Stmt;
use crate::{STEP_LIMIT, TraceStep};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub from: [f64; 2],
    pub to: [f64; 2],
    pub colour: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtistSpec {
    pub width: u32,
    pub height: u32,
    pub start: [f64; 2],
    pub heading: f64,
    /// The drawing to make: computed from the level's reference solution.
    #[serde(default)]
    pub target: Vec<Segment>,
    #[serde(default)]
    pub check_colour: bool,
}

pub const START_COLOUR: &str = "#1d4ed8";
/// How far (in pixels) a drawn line may be from the target and still count.
const TOLERANCE: f64 = 1.5;

pub struct Drawing {
    pub segments: Vec<Segment>,
    pub trace: Vec<TraceStep>,
    pub too_many_steps: bool,
}

struct Turtle {
    at: [f64; 2],
    heading: f64,
    pen: bool,
    colour: String,
    steps: u32,
    out: Drawing,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl Turtle {
    fn exec(&mut self, stmts: &[Stmt]) -> bool {
        for s in stmts {
            self.steps += 1;
            if self.steps > STEP_LIMIT {
                self.out.too_many_steps = true;
                return false;
            }
            match s {
                Stmt::Draw { id, distance } => {
                    let r = self.heading.to_radians();
                    let to = [
                        self.at[0] + distance * r.sin(),
                        self.at[1] - distance * r.cos(),
                    ];
                    let (from, to_r) = (
                        [round2(self.at[0]), round2(self.at[1])],
                        [round2(to[0]), round2(to[1])],
                    );
                    if self.pen {
                        self.out.segments.push(Segment {
                            from,
                            to: to_r,
                            colour: self.colour.clone(),
                        });
                        self.out.trace.push(TraceStep::Line {
                            block: id.clone(),
                            from,
                            to: to_r,
                            colour: self.colour.clone(),
                        });
                    } else {
                        self.out.trace.push(TraceStep::Jump {
                            block: id.clone(),
                            to: to_r,
                        });
                    }
                    self.at = to;
                }
                Stmt::Rotate { id, degrees } => {
                    self.heading = (self.heading + degrees).rem_euclid(360.0);
                    self.out.trace.push(TraceStep::Turn {
                        block: id.clone(),
                        direction: None,
                        heading: Some(round2(self.heading)),
                    });
                }
                Stmt::Pen { down, .. } => self.pen = *down,
                Stmt::Colour { colour, .. } => self.colour = colour.clone(),
                Stmt::Repeat { times, body, .. } => {
                    for _ in 0..*times {
                        self.steps += 1;
                        if self.steps > STEP_LIMIT {
                            self.out.too_many_steps = true;
                            return false;
                        }
                        if !self.exec(body) {
                            return false;
                        }
                    }
                }
                // Maze blocks never reach the canvas: the toolbox check refuses them first.
                _ => {}
            }
        }
        true
    }
}

pub fn run(spec: &ArtistSpec, body: &[Stmt]) -> Drawing {
    let mut t = Turtle {
        at: spec.start,
        heading: spec.heading,
        pen: true,
        colour: START_COLOUR.to_owned(),
        steps: 0,
        out: Drawing {
            segments: Vec::new(),
            trace: Vec::new(),
            too_many_steps: false,
        },
    };
    t.exec(body);
    t.out
}

fn distance_to(p: [f64; 2], s: &Segment) -> f64 {
    let (ax, ay, bx, by) = (s.from[0], s.from[1], s.to[0], s.to[1]);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - ax) * dx + (p[1] - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    ((p[0] - ax - t * dx).powi(2) + (p[1] - ay - t * dy).powi(2)).sqrt()
}

/// Whether every part of every segment of `a` lies on some segment of `b` (of the same colour
/// when colours count). Points are taken along each segment; lines may be split or merged.
fn covered(a: &[Segment], b: &[Segment], colour: bool) -> bool {
    a.iter().all(|s| {
        let len = ((s.to[0] - s.from[0]).powi(2) + (s.to[1] - s.from[1]).powi(2)).sqrt();
        let n = ((len / 2.0).ceil() as usize).clamp(1, 400);
        (0..=n).all(|i| {
            let t = i as f64 / n as f64;
            let p = [
                s.from[0] + t * (s.to[0] - s.from[0]),
                s.from[1] + t * (s.to[1] - s.from[1]),
            ];
            b.iter()
                .any(|o| (!colour || o.colour == s.colour) && distance_to(p, o) <= TOLERANCE)
        })
    })
}

/// Two drawings are the same when each covers the other: nothing missing, no extra ink.
pub fn same_drawing(drawn: &[Segment], target: &[Segment], check_colour: bool) -> bool {
    let ink = |s: &&Segment| s.from != s.to;
    let drawn: Vec<Segment> = drawn.iter().filter(ink).cloned().collect();
    let target: Vec<Segment> = target.iter().filter(ink).cloned().collect();
    // Bounded work: a drawing of thousands of segments is compared coarsely but still finishes.
    if drawn.len() > 2000 {
        return false;
    }
    covered(&target, &drawn, check_colour) && covered(&drawn, &target, check_colour)
}
