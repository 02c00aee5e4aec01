//! Whether a drawing matches a level's target: compared by segments, not pixels, after both are
//! normalised (undirected, zero-length pieces dropped, collinear touching pieces merged).

use crate::canvas::Segment;
use serde::Serialize;

/// How far (in pixels) ink may lie from the other drawing and still count as on it. Generous
/// enough for rounding (coordinates have two decimals), far too small to pass a wrong shape.
pub const TOLERANCE: f64 = 1.0;
/// Pieces whose directions differ by less than this (radians) may lie on one line.
const MERGE_ANGLE: f64 = 1e-4;
/// Pieces this close (pixels) across or along a line are merged into one.
const MERGE_GAP: f64 = 0.02;
/// Rounding slack when checking that spans cover a whole segment (fraction of its length).
const SPAN_SLACK: f64 = 1e-9;

/// A normalised piece of ink: a stretch of a line, the line given by its direction and offset.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Line {
    /// 0 for every line when colours do not count.
    colour: u32,
    /// Direction in radians, in `[-MERGE_ANGLE, π - MERGE_ANGLE)`: undirected, and a line
    /// that is nearly horizontal is always near 0, never sometimes near π.
    angle: f64,
    /// Signed distance of the line from the origin, along its normal.
    offset: f64,
    /// The stretch along the direction, `from < to`.
    from: f64,
    to: f64,
}

fn normalise(segments: &[Segment], check_colour: bool) -> Vec<Line> {
    let mut lines: Vec<Line> = segments
        .iter()
        .filter_map(|s| {
            let (dx, dy) = (s.to[0] - s.from[0], s.to[1] - s.from[1]);
            if dx * dx + dy * dy < 1e-12 || !(dx.is_finite() && dy.is_finite()) {
                return None;
            }
            let mut angle = dy.atan2(dx);
            if angle < 0.0 {
                angle += std::f64::consts::PI;
            }
            if angle >= std::f64::consts::PI - MERGE_ANGLE {
                angle -= std::f64::consts::PI;
            }
            let (sin, cos) = angle.sin_cos();
            let along = |p: [f64; 2]| p[0] * cos + p[1] * sin;
            let (a, b) = (along(s.from), along(s.to));
            Some(Line {
                colour: if check_colour { s.colour.value() } else { 0 },
                angle,
                offset: s.from[1] * cos - s.from[0] * sin,
                from: a.min(b),
                to: a.max(b),
            })
        })
        .collect();
    lines.sort_by(|a, b| {
        a.colour
            .cmp(&b.colour)
            .then(a.angle.total_cmp(&b.angle))
            .then(a.offset.total_cmp(&b.offset))
            .then(a.from.total_cmp(&b.from))
    });
    // Sweep: a piece joins the one before when it lies on the same line and touches it. A
    // merge missed because another line sorted in between only costs time, never the verdict:
    // the comparison below works on pieces just as well.
    let mut merged: Vec<Line> = Vec::with_capacity(lines.len());
    for l in lines {
        match merged.last_mut() {
            Some(m)
                if m.colour == l.colour
                    && (l.angle - m.angle).abs() <= MERGE_ANGLE
                    && (l.offset - m.offset).abs() <= MERGE_GAP
                    && l.from <= m.to + MERGE_GAP =>
            {
                m.to = m.to.max(l.to);
            }
            _ => merged.push(l),
        }
    }
    merged
}

/// A line stretch back as two end points, with its bounding box for quick rejection.
#[derive(Debug, Clone, Copy)]
struct Piece {
    colour: u32,
    a: [f64; 2],
    b: [f64; 2],
    min: [f64; 2],
    max: [f64; 2],
}

fn piece(l: &Line) -> Piece {
    let (sin, cos) = l.angle.sin_cos();
    let at = |t: f64| [t * cos - l.offset * sin, t * sin + l.offset * cos];
    let (a, b) = (at(l.from), at(l.to));
    Piece {
        colour: l.colour,
        a,
        b,
        min: [a[0].min(b[0]), a[1].min(b[1])],
        max: [a[0].max(b[0]), a[1].max(b[1])],
    }
}

fn sub(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

fn dot(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// Narrows `[lo, hi]` to the `t` with `min <= c0 + c1·t <= max`; false when nothing is left.
fn clip(lo: &mut f64, hi: &mut f64, c0: f64, c1: f64, min: f64, max: f64) -> bool {
    if c1 == 0.0 {
        return (min..=max).contains(&c0) && lo <= hi;
    }
    let (t1, t2) = ((min - c0) / c1, (max - c0) / c1);
    *lo = lo.max(t1.min(t2));
    *hi = hi.min(t1.max(t2));
    lo <= hi
}

/// The `t` in `[0, 1]` where `p + t·d` lies within the tolerance of the point `c`.
fn disc_span(p: [f64; 2], d: [f64; 2], c: [f64; 2]) -> Option<(f64, f64)> {
    let w = sub(p, c);
    let (qa, qb, qc) = (
        dot(d, d),
        2.0 * dot(d, w),
        dot(w, w) - TOLERANCE * TOLERANCE,
    );
    let disc = qb * qb - 4.0 * qa * qc;
    if disc < 0.0 || qa == 0.0 {
        return None;
    }
    let root = disc.sqrt();
    let lo = ((-qb - root) / (2.0 * qa)).max(0.0);
    let hi = ((-qb + root) / (2.0 * qa)).min(1.0);
    (lo <= hi).then_some((lo, hi))
}

/// The part of segment `s` (as `t` in `[0, 1]`) within the tolerance of segment `o`: the line
/// through `s` meets the capsule around `o` (a rectangle and two end discs) in one interval,
/// since the capsule is convex, so the union of the three parts is that interval.
fn span(s: &Piece, o: &Piece) -> Option<(f64, f64)> {
    let d = sub(s.b, s.a);
    let u = sub(o.b, o.a);
    let len = dot(u, u).sqrt();
    let mut best: Option<(f64, f64)> = None;
    let mut join = |iv: (f64, f64)| {
        best = Some(best.map_or(iv, |b| (b.0.min(iv.0), b.1.max(iv.1))));
    };
    if len > 0.0 {
        let (ux, uy) = (u[0] / len, u[1] / len);
        let w = sub(s.a, o.a);
        let (mut lo, mut hi) = (0.0, 1.0);
        let along = clip(
            &mut lo,
            &mut hi,
            dot(w, [ux, uy]),
            dot(d, [ux, uy]),
            0.0,
            len,
        );
        let across = along
            && clip(
                &mut lo,
                &mut hi,
                dot(w, [-uy, ux]),
                dot(d, [-uy, ux]),
                -TOLERANCE,
                TOLERANCE,
            );
        if across {
            join((lo, hi));
        }
    }
    for c in [o.a, o.b] {
        if let Some(iv) = disc_span(s.a, d, c) {
            join(iv);
        }
    }
    best
}

/// Whether all ink of `a` lies within the tolerance of the ink of `b` (of the same colour).
fn covered(a: &[Piece], b: &[Piece]) -> bool {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    a.iter().all(|s| {
        spans.clear();
        spans.extend(
            b.iter()
                .filter(|o| {
                    o.colour == s.colour
                        && o.min[0] <= s.max[0] + TOLERANCE
                        && o.max[0] >= s.min[0] - TOLERANCE
                        && o.min[1] <= s.max[1] + TOLERANCE
                        && o.max[1] >= s.min[1] - TOLERANCE
                })
                .filter_map(|o| span(s, o)),
        );
        spans.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut reach = 0.0_f64;
        for &(lo, hi) in &spans {
            if lo > reach + SPAN_SLACK {
                return false;
            }
            reach = reach.max(hi);
        }
        reach >= 1.0 - SPAN_SLACK
    })
}

/// A level's target drawing, normalised once when the content is loaded rather than at every
/// attempt.
#[derive(Debug, Clone)]
pub struct Target {
    segments: Vec<Segment>,
    lines: Vec<Line>,
    pieces: Vec<Piece>,
    check_colour: bool,
}

impl Target {
    pub fn new(segments: Vec<Segment>, check_colour: bool) -> Target {
        let lines = normalise(&segments, check_colour);
        let pieces = lines.iter().map(piece).collect();
        Target {
            segments,
            lines,
            pieces,
            check_colour,
        }
    }

    /// The target as drawn by the reference solution, for the page to show.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// How a drawing differs from the target, if it does (a drawing matches when each covers
    /// the other: nothing of the target missing, no ink beyond it): `Extra` when it has ink the target
    /// has not (a wrong turn or length usually shows there first), otherwise `Missing`. The
    /// cost is at most (drawn pieces × target pieces), and the target is small.
    pub fn mismatch(&self, drawn: &[Segment]) -> Option<Mismatch> {
        // The common cases first: the very lines of the reference solution, in its order; then
        // the same lines after normalising.
        if drawn == self.segments.as_slice() {
            return None;
        }
        let lines = normalise(drawn, self.check_colour);
        if lines == self.lines {
            return None;
        }
        let pieces: Vec<Piece> = lines.iter().map(piece).collect();
        if !covered(&pieces, &self.pieces) {
            Some(Mismatch::Extra)
        } else if !covered(&self.pieces, &pieces) {
            Some(Mismatch::Missing)
        } else {
            None
        }
    }
}

/// How a drawing differs from its target, for the learner's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mismatch {
    /// A line (or a colour) the picture does not have.
    Extra,
    /// Everything drawn is in the picture, but part of the picture is not drawn yet.
    Missing,
}

impl Mismatch {
    pub fn as_str(self) -> &'static str {
        match self {
            Mismatch::Extra => "extra",
            Mismatch::Missing => "missing",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::Colour;

    fn same_drawing(drawn: &[Segment], target: &[Segment], check_colour: bool) -> bool {
        Target::new(target.to_vec(), check_colour)
            .mismatch(drawn)
            .is_none()
    }

    fn seg(from: [f64; 2], to: [f64; 2]) -> Segment {
        Segment {
            from,
            to,
            colour: Colour::START,
        }
    }

    fn square(side: f64) -> Vec<Segment> {
        let (x, y) = (100.0, 100.0);
        vec![
            seg([x, y], [x + side, y]),
            seg([x + side, y], [x + side, y + side]),
            seg([x + side, y + side], [x, y + side]),
            seg([x, y + side], [x, y]),
        ]
    }

    #[test]
    fn direction_and_splitting_do_not_matter() {
        let target = square(100.0);
        let mut drawn: Vec<Segment> = square(100.0)
            .into_iter()
            .map(|s| seg(s.to, s.from))
            .collect();
        drawn.reverse();
        assert!(same_drawing(&drawn, &target, true));
        let split = vec![
            seg([100.0, 100.0], [130.0, 100.0]),
            seg([200.0, 100.0], [130.0, 100.0]),
            seg([150.0, 100.0], [160.0, 100.0]),
            seg([200.0, 100.0], [200.0, 200.0]),
            seg([200.0, 200.0], [100.0, 200.0]),
            seg([100.0, 200.0], [100.0, 100.0]),
            seg([100.0, 200.0], [100.0, 200.0]),
        ];
        assert!(same_drawing(&split, &target, true));
        assert_eq!(
            normalise(&split, true).len(),
            4,
            "merged back into four sides"
        );
    }

    #[test]
    fn missing_or_extra_ink_beyond_the_tolerance_fails() {
        let target = square(100.0);
        assert!(!same_drawing(&square(97.0), &target, false), "too small");
        assert!(
            same_drawing(&square(100.6), &target, false),
            "within a pixel"
        );
        let mut extra = square(100.0);
        extra.push(seg([200.0, 200.0], [203.0, 203.0]));
        assert!(!same_drawing(&extra, &target, false), "a stub of ink");
        let mut tiny = square(100.0);
        tiny.push(seg([200.0, 200.0], [200.5, 200.5]));
        assert!(same_drawing(&tiny, &target, false), "within the tolerance");
        assert!(
            !same_drawing(&target[..3], &target, false),
            "a side missing"
        );
        assert!(!same_drawing(&[], &target, false));
        let hatch: Vec<Segment> = (0..200)
            .map(|i| {
                seg(
                    [100.0 + f64::from(i) * 0.5, 99.5],
                    [100.0 + f64::from(i) * 0.5, 100.5],
                )
            })
            .collect();
        assert!(
            !same_drawing(&hatch, &target, false),
            "ink near one side does not cover the square"
        );
    }

    #[test]
    fn a_wrong_drawing_says_whether_it_has_too_much_or_too_little() {
        let target = Target::new(square(100.0), false);
        assert_eq!(target.mismatch(&square(100.0)), None);
        let three_sides = square(100.0)[..3].to_vec();
        assert_eq!(target.mismatch(&three_sides), Some(Mismatch::Missing));
        assert_eq!(target.mismatch(&[]), Some(Mismatch::Missing));
        let mut stub = square(100.0);
        stub.push(seg([200.0, 200.0], [203.0, 203.0]));
        assert_eq!(target.mismatch(&stub), Some(Mismatch::Extra));
        // A wrong turn both leaves a side out and draws one the picture has not: the line
        // that is there but should not be is what the learner can see and fix.
        let mut wrong_turn = three_sides.clone();
        wrong_turn.push(seg([100.0, 100.0], [0.0, 100.0]));
        assert_eq!(target.mismatch(&wrong_turn), Some(Mismatch::Extra));
    }

    #[test]
    fn colours_count_only_where_the_level_says_so() {
        let target = square(100.0);
        let red: Vec<Segment> = square(100.0)
            .into_iter()
            .map(|s| Segment {
                colour: Colour::parse("#dc2626").unwrap(),
                ..s
            })
            .collect();
        assert!(same_drawing(&red, &target, false));
        assert!(!same_drawing(&red, &target, true));
    }

    #[test]
    fn slanted_lines_and_near_horizontal_ones_merge() {
        // Rounding to two decimals tilts a horizontal line either way; both halves still merge.
        let lines = vec![
            seg([0.0, 100.0], [50.0, 100.01]),
            seg([50.0, 100.01], [100.0, 100.0]),
        ];
        let target = vec![seg([0.0, 100.0], [100.0, 100.0])];
        assert!(same_drawing(&lines, &target, true));
        let diagonal = vec![seg([0.0, 0.0], [70.71, 70.71])];
        let halves = vec![
            seg([35.36, 35.36], [0.0, 0.0]),
            seg([35.36, 35.36], [70.71, 70.71]),
        ];
        assert!(same_drawing(&halves, &diagonal, true));
        assert!(!same_drawing(&halves[..1], &diagonal, true));
    }
}
