//! SQL text that SQLite and PostgreSQL accept word for word, written once, a file per feature.

// Each feature's file holds the statements of the backends' file of the same name that both
// dialects accept as they are. Parameters are written `$1`, `$2`, ...: PostgreSQL's own form,
// which sqlx's SQLite driver accepts too, binding `$N` to the N-th bound value (so a value
// used twice is bound once). What the dialects write differently (array parameters, locking,
// aggregation of text, statements sent together) stays in each backend's file.

pub mod accounts;
pub mod data;
pub mod jobs;
pub mod limits;
pub mod progress;
pub mod sections;

/// Answers when the database can be reached.
pub const PING: &str = "SELECT 1";
