//! Data migrations' SQL for both backends: the ones that need Rust, each run only once.

// Counting the storage each account uses stays in each backend's file: the dialects measure
// text in bytes differently.

/// A row when the data migration of this name is done.
pub const DATA_MIGRATION_DONE: &str = "SELECT 1 FROM data_migrations WHERE name = $1";

/// Records that the data migration `$1` was done at `$2`.
pub const MARK_DATA_MIGRATION_DONE: &str = "INSERT INTO data_migrations (name, done_at) \
     VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";

/// The next `$2` programs after hash `$1`, in the order of their hashes.
pub const PROGRAMS_AFTER: &str =
    "SELECT hash, body, created_at FROM programs WHERE hash > $1 ORDER BY hash LIMIT $2";

/// Stores a program, unless one with its hash is stored already.
pub const INSERT_PROGRAM: &str = "INSERT INTO programs (hash, body, created_at) \
     VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING";

/// Points the attempts at program `$2` to program `$1` instead.
pub const REPOINT_ATTEMPTS: &str = "UPDATE attempts SET program_hash = $1 WHERE program_hash = $2";

/// Deletes a program.
pub const DELETE_PROGRAM: &str = "DELETE FROM programs WHERE hash = $1";

/// Forgets the storage every account uses, before it is counted again.
pub const FORGET_STORAGE_USE: &str = "DELETE FROM storage_use";
