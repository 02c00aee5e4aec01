//! Figures about many learners and never about one: a group smaller than [`MIN_GROUP`] gives
//! no figure at all (promise PROG-5: courses are improved from aggregates only).

/// The fewest learners a figure may describe. Below it a figure could point at a child ("the
/// two who tried this level needed 40 tries"), so none is given.
pub const MIN_GROUP: u64 = 10;

/// So many `learners` made `tries` attempts at a level and reached this best status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallyRow {
    pub tries: u64,
    pub solved: bool,
    pub perfect: bool,
    pub learners: u64,
}

/// What the learners of one level did, as a whole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelFigures {
    pub learners: u64,
    /// The share (0 to 1, two decimals) who solved the level, perfectly or not.
    pub solved_share: f64,
    /// The share who solved it with the fewest blocks.
    pub perfect_share: f64,
    /// Tries per learner: the median and the 90th percentile (the long tail a puzzle's
    /// author wants to see).
    pub tries_median: u64,
    pub tries_p90: u64,
}

fn share(part: u64, whole: u64) -> f64 {
    (part as f64 / whole as f64 * 100.0).round() / 100.0
}

/// The smallest number of tries that at least `q` of the learners stayed within, from rows
/// sorted by tries (nearest rank).
fn percentile(sorted: &[TallyRow], total: u64, q: f64) -> u64 {
    let rank = ((q * total as f64).ceil() as u64).max(1);
    let mut seen = 0;
    for row in sorted {
        seen += row.learners;
        if seen >= rank {
            return row.tries;
        }
    }
    sorted.last().map_or(0, |r| r.tries)
}

/// The figures of one level from its tally, or None when fewer than [`MIN_GROUP`] learners
/// tried it.
pub fn level_figures(rows: &[TallyRow]) -> Option<LevelFigures> {
    let learners: u64 = rows.iter().map(|r| r.learners).sum();
    if learners < MIN_GROUP {
        return None;
    }
    let count = |f: fn(&TallyRow) -> bool| rows.iter().filter(|r| f(r)).map(|r| r.learners).sum();
    let mut sorted = rows.to_vec();
    sorted.sort_by_key(|r| r.tries);
    Some(LevelFigures {
        learners,
        solved_share: share(count(|r| r.solved), learners),
        perfect_share: share(count(|r| r.perfect), learners),
        tries_median: percentile(&sorted, learners, 0.5),
        tries_p90: percentile(&sorted, learners, 0.9),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tries: u64, solved: bool, perfect: bool, learners: u64) -> TallyRow {
        TallyRow {
            tries,
            solved,
            perfect,
            learners,
        }
    }

    #[test]
    fn a_small_group_gives_no_figure() {
        assert_eq!(level_figures(&[]), None);
        assert_eq!(level_figures(&[row(3, true, true, MIN_GROUP - 1)]), None);
        assert!(level_figures(&[row(3, true, true, MIN_GROUP)]).is_some());
    }

    #[test]
    fn shares_and_tries_come_from_every_learner() {
        // 20 learners: 10 solved in 1 try (6 perfectly), 8 solved in 4, 2 gave up after 30.
        let f = level_figures(&[
            row(30, false, false, 2),
            row(1, true, true, 6),
            row(1, true, false, 4),
            row(4, true, false, 8),
        ])
        .unwrap();
        assert_eq!(f.learners, 20);
        assert_eq!(f.solved_share, 0.9);
        assert_eq!(f.perfect_share, 0.3);
        assert_eq!(f.tries_median, 1, "the 10th of 20 learners needed 1 try");
        assert_eq!(f.tries_p90, 4, "the 18th needed 4");
        let tail = level_figures(&[row(1, true, true, 9), row(50, false, false, 2)]).unwrap();
        assert_eq!(
            (tail.tries_median, tail.tries_p90),
            (1, 50),
            "the 10th of 11 is in the tail"
        );
    }
}
