//! SQL text that SQLite and PostgreSQL accept word for word, written once, a file per feature.

// Each feature's file holds the statements of the backends' file of the same name that both
// dialects accept as they are. Parameters are written `$1`, `$2`, ...: PostgreSQL's own form,
// which sqlx's SQLite driver accepts too, binding `$N` to the N-th bound value (so a value
// used twice is bound once). What the dialects write differently (array parameters, locking,
// aggregation of text, statements sent together) stays in each backend's file.

pub mod accounts;
pub mod limits;
pub mod progress;

/// Answers when the database can be reached.
pub const PING: &str = "SELECT 1";

/// A section's members, with what their teachers may see of each student's account, before
/// each backend's own `WHERE` (`m` is the membership, `a` the student's account).
pub const SECTION_MEMBERS: &str = "SELECT a.id, a.display_name, a.age_years, a.age_stated_at, \
     a.gender, a.managed_by_teacher, m.joined_at \
     FROM section_students m JOIN accounts a ON a.id = m.student_id";
