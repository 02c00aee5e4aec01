//! The dashboards' copy of their students' progress, per student and course, kept in memory
//! and checked against the stored version of each student's progress on every read.
//!
//! A teacher's dashboard of 40 students over a long course has thousands of cells; reading
//! them all from the database on every visit is most of the page's cost. The attempt writer
//! raises a student's version in the same transaction as every change of their progress, so
//! one small row per student tells whether the copy here is current; only the students who
//! played since are read again. That holds with several servers on one database too: the
//! version lives in the database, not here.

use kodlek_domain::Millis;
use kodlek_store::{PackedCell, packed_cells, status_rank};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Cells kept at most, over all entries (a cell is about 32 bytes). Past it the copy starts
/// again from nothing: simple, and a busy server refills what is in use within one visit.
const MAX_CELLS: usize = 400_000;
/// A copy not read for this long is dropped at the next sweep, so that the progress of a
/// student who left (or whose account was erased) does not stay in memory.
const IDLE: Duration = Duration::from_secs(10 * 60);
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The statuses by rank, as `kodlek_store::status_rank` orders them.
const STATUS_BY_RANK: [&str; 4] = ["failed", "completed", "passed", "perfect"];

/// One level of one student: what the grid shows and what "needs help" is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    rank: u8,
    pub attempts: i64,
    pub first_attempt_at: Millis,
    pub last_attempt_at: Millis,
}

impl Cell {
    fn of(c: &PackedCell) -> Cell {
        Cell {
            rank: status_rank(c.best_status),
            attempts: c.attempts,
            first_attempt_at: c.first_attempt_at,
            last_attempt_at: c.last_attempt_at,
        }
    }

    /// The best status so far.
    pub fn status(&self) -> &'static str {
        STATUS_BY_RANK[usize::from(self.rank.min(3))]
    }

    /// Passed, perfect or (a level without a right answer) completed.
    pub fn solved(&self) -> bool {
        self.rank >= status_rank("completed")
    }
}

/// A student's cells in one course, by the level's position in the course.
#[derive(Debug, Default)]
pub struct CourseCells {
    version: i64,
    /// Sorted by column.
    cells: Vec<(u16, Cell)>,
}

impl CourseCells {
    /// Reads a packed progress text, keeping the levels of the course: `column` gives a level
    /// id's position in it.
    pub fn parse(
        version: i64,
        packed: &str,
        column: &HashMap<&str, u16>,
    ) -> kodlek_store::StoreResult<CourseCells> {
        let mut cells = Vec::new();
        for c in packed_cells(packed) {
            let c = c?;
            if let Some(&i) = column.get(c.level_id) {
                cells.push((i, Cell::of(&c)));
            }
        }
        cells.sort_unstable_by_key(|(i, _)| *i);
        Ok(CourseCells { version, cells })
    }

    /// The cells that exist, in course order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Cell)> {
        self.cells.iter().map(|(i, c)| (usize::from(*i), c))
    }

    pub fn get(&self, column: usize) -> Option<&Cell> {
        let i = u16::try_from(column).ok()?;
        let at = self.cells.binary_search_by_key(&i, |(c, _)| *c).ok()?;
        Some(&self.cells[at].1)
    }
}

struct Entry {
    cells: Arc<CourseCells>,
    used_at: Instant,
}

#[derive(Default)]
struct Inner {
    /// By (student id, course id).
    entries: HashMap<(String, String), Entry>,
    total_cells: usize,
    swept_at: Option<Instant>,
}

#[derive(Default)]
pub struct ProgressCache {
    inner: Mutex<Inner>,
}

impl ProgressCache {
    /// The copy of this student's cells in this course, if it is at `version`.
    pub fn get(&self, student_id: &str, course_id: &str, version: i64) -> Option<Arc<CourseCells>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        inner.sweep(now);
        let e = inner
            .entries
            .get_mut(&(student_id.to_owned(), course_id.to_owned()))?;
        if e.cells.version != version {
            return None;
        }
        e.used_at = now;
        Some(e.cells.clone())
    }

    pub fn put(&self, student_id: &str, course_id: &str, cells: Arc<CourseCells>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.total_cells + cells.cells.len() > MAX_CELLS {
            inner.entries.clear();
            inner.total_cells = 0;
        }
        inner.total_cells += cells.cells.len();
        let old = inner.entries.insert(
            (student_id.to_owned(), course_id.to_owned()),
            Entry {
                cells,
                used_at: Instant::now(),
            },
        );
        if let Some(old) = old {
            inner.total_cells -= old.cells.cells.len();
        }
    }

    /// Drops every copy of this student's progress: they left a section, or were erased.
    pub fn forget(&self, student_id: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut dropped = 0;
        inner.entries.retain(|(s, _), e| {
            let keep = s != student_id;
            if !keep {
                dropped += e.cells.cells.len();
            }
            keep
        });
        inner.total_cells -= dropped;
    }

    /// How many copies are kept (for tests).
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops the copies not used for `IDLE` by `now`, whenever it was last swept. The server
    /// calls it every minute, so that nothing stays because no dashboard was opened since.
    pub fn sweep(&self, now: Instant) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.swept_at = None;
        inner.sweep(now);
    }
}

impl Inner {
    fn sweep(&mut self, now: Instant) {
        if self
            .swept_at
            .is_some_and(|t| now.saturating_duration_since(t) < SWEEP_EVERY)
        {
            return;
        }
        self.swept_at = Some(now);
        let mut dropped = 0;
        self.entries.retain(|_, e| {
            let keep = now.saturating_duration_since(e.used_at) < IDLE;
            if !keep {
                dropped += e.cells.cells.len();
            }
            keep
        });
        self.total_cells -= dropped;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column() -> HashMap<&'static str, u16> {
        [("m-1", 0), ("m-2", 1), ("m-3", 2)].into_iter().collect()
    }

    #[test]
    fn parsing_keeps_the_course_in_order() {
        let c = CourseCells::parse(
            3,
            "m-3,failed,failed,7,10,20;other-1,perfect,perfect,1,5,5;m-1,passed,perfect,2,1,2",
            &column(),
        )
        .unwrap();
        let got: Vec<(usize, &str, i64)> =
            c.iter().map(|(i, c)| (i, c.status(), c.attempts)).collect();
        assert_eq!(got, vec![(0, "perfect", 2), (2, "failed", 7)]);
        assert_eq!(c.get(2).map(|c| c.solved()), Some(false));
        assert!(c.get(1).is_none());
        assert!(c.get(70_000).is_none());
    }

    #[test]
    fn a_malformed_text_is_an_error() {
        for bad in [
            "m-1,passed,passed,1,2",
            "m-1,passed,passed,1,2,3,4",
            "m-1,passed,passed,x,2,3",
        ] {
            assert!(CourseCells::parse(1, bad, &column()).is_err(), "{bad}");
        }
        assert!(
            CourseCells::parse(1, "", &column())
                .unwrap()
                .iter()
                .next()
                .is_none()
        );
    }

    #[test]
    fn a_copy_is_only_given_at_its_version() {
        let cache = ProgressCache::default();
        let cells = CourseCells::parse(2, "m-1,passed,passed,1,2,3", &column()).unwrap();
        cache.put("s", "maze", Arc::new(cells));
        assert!(cache.get("s", "maze", 2).is_some());
        assert!(cache.get("s", "maze", 3).is_none());
        assert!(cache.get("s", "artist", 2).is_none());
        assert!(cache.get("t", "maze", 2).is_none());
    }

    #[test]
    fn idle_copies_are_dropped() {
        let cache = ProgressCache::default();
        cache.put("s", "maze", Arc::default());
        cache.sweep(Instant::now() + IDLE / 2);
        assert_eq!(cache.len(), 1);
        cache.sweep(Instant::now() + IDLE * 2);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_student_can_be_forgotten() {
        let cache = ProgressCache::default();
        let cells =
            || Arc::new(CourseCells::parse(1, "m-1,passed,passed,1,2,3", &column()).unwrap());
        cache.put("s", "maze", cells());
        cache.put("s", "artist", cells());
        cache.put("t", "maze", cells());
        cache.forget("s");
        assert_eq!(cache.len(), 1);
        assert!(cache.get("t", "maze", 1).is_some());
    }

    #[test]
    fn the_copy_is_bounded() {
        let cache = ProgressCache::default();
        let many = CourseCells {
            version: 1,
            cells: vec![
                (
                    0,
                    Cell::of(
                        &packed_cells("m-1,failed,failed,1,1,1")
                            .next()
                            .unwrap()
                            .unwrap()
                    )
                );
                MAX_CELLS / 2 + 1
            ],
        };
        let many = Arc::new(many);
        cache.put("a", "maze", many.clone());
        cache.put("b", "maze", many.clone());
        // The second did not fit beside the first: the copy started again.
        assert_eq!(cache.len(), 1);
        assert!(cache.get("b", "maze", 1).is_some());
    }
}
