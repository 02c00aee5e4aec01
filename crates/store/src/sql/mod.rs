//! SQL text that SQLite and PostgreSQL accept word for word, written once, a file per feature.

// `sql/<feature>.rs` holds the statements of the backends' `<feature>.rs` that both dialects
// accept as they are, a `pub const` each; this file holds what belongs to no feature. Both
// backends call the same constant with the same binds. Parameters are written `$1`, `$2`, ...:
// PostgreSQL's own form, which sqlx's SQLite driver accepts too, binding `$N` to the N-th
// bound value, so a value used twice in a statement is bound once. SQLite's driver reads a
// `$N` left unbound as NULL instead of failing: the binds must match the numbers exactly.
// What the dialects write differently (rows passed as arrays or as JSON, locking while
// claiming, aggregating text, measuring bytes, each database's catalogue and upkeep) stays
// in each backend's file.

pub mod accounts;
pub mod consents;
pub mod data;
pub mod families;
pub mod identities;
pub mod jobs;
pub mod limits;
pub mod media;
pub mod notices;
pub mod progress;
pub mod projects;
pub mod sections;
pub mod staff;
pub mod support;

/// Answers when the database can be reached.
pub const PING: &str = "SELECT 1";
