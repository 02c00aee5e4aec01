//! Attempts' SQL for both backends: a learner's progress, attempts, storage use and programs.

// Writing a batch of attempts stays in each backend's file: PostgreSQL takes the rows as
// arrays in one statement, SQLite as JSON in statements sent together.

/// A learner's progress rows, the least recently attempted level first.
pub const PROGRESS_OF: &str =
    "SELECT * FROM level_progress WHERE account_id = $1 ORDER BY last_attempt_at";

/// A learner's attempts at a level, oldest first, each with its program's text.
pub const ATTEMPTS_OF: &str = "SELECT a.at, a.status, a.answer, p.body FROM attempts a \
     LEFT JOIN programs p ON p.hash = a.program_hash \
     WHERE a.account_id = $1 AND a.level_id = $2 ORDER BY a.at, a.id";

/// The bytes a learner's attempts take, when any are stored.
pub const STORAGE_USED: &str = "SELECT bytes FROM storage_use WHERE account_id = $1";

/// A program's text, by its hash.
pub const PROGRAM: &str = "SELECT body FROM programs WHERE hash = $1";

/// How many learners made each number of tries at each level, by their best status: the
/// whole of what course figures are made from, with no account in it. Learners are students: a
/// teacher trying the level before a lesson is not one.
pub const LEVEL_TALLY: &str = "SELECT p.level_id, p.attempts, p.best_status, COUNT(*) AS learners \
     FROM level_progress p JOIN accounts a ON a.id = p.account_id WHERE a.role = 'student' \
     GROUP BY p.level_id, p.attempts, p.best_status \
     ORDER BY p.level_id, p.attempts, p.best_status";
