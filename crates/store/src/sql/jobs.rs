//! The job queue's SQL for both backends: enqueueing, finishing, failing and listing jobs.

// Claiming due jobs stays in each backend's file, built from `JOB_COLUMNS` and `DUE`:
// PostgreSQL locks the chosen rows and skips those other servers hold, SQLite has one
// writer and looks with a reader first.

/// A job's columns.
macro_rules! job_columns {
    () => {
        "id, kind, key, payload, run_at, attempts, lease_until, last_error, created_at, dead_at"
    };
}

/// A job's columns, for the statements that read whole jobs.
pub const JOB_COLUMNS: &str = job_columns!();

/// The condition of a job that is live, due and not held by an unexpired lease; `$1` is now.
pub const DUE: &str =
    "dead_at IS NULL AND run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)";

/// Queues a job, unless a live one of the same kind and key is queued already.
pub const ENQUEUE_JOB: &str = "INSERT INTO jobs (id, kind, key, payload, run_at, attempts, \
     created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) \
     ON CONFLICT (kind, key) WHERE dead_at IS NULL DO NOTHING";

/// Deletes a finished job, unless it was claimed again since (its attempts changed).
pub const DELETE_FINISHED_JOB: &str = "DELETE FROM jobs WHERE id = $1 AND attempts = $2";

/// Puts a finished recurring job back for its next run at `$1`, unless it was claimed again
/// since.
pub const RESCHEDULE_JOB: &str = "UPDATE jobs SET run_at = $1, attempts = 0, \
     lease_until = NULL, last_error = NULL WHERE id = $2 AND attempts = $3";

/// Records a live job's failure `$1`: it is retried at `$2`, or without a retry time it is
/// dead as of `$3`; unless it was claimed again since. The casts name the type, which `IS NULL`
/// and a `CASE` without `ELSE` do not tell PostgreSQL; SQLite keeps an integer as it is.
pub const FAIL_JOB: &str = "UPDATE jobs SET lease_until = NULL, last_error = $1, \
     run_at = COALESCE($2, run_at), \
     dead_at = CASE WHEN CAST($2 AS BIGINT) IS NULL THEN CAST($3 AS BIGINT) END \
     WHERE id = $4 AND attempts = $5 AND dead_at IS NULL";

/// Every job, dead ones too, by id.
pub const JOBS: &str = concat!("SELECT ", job_columns!(), " FROM jobs ORDER BY id");

/// Deletes the jobs dead since before the given time.
pub const PURGE_DEAD_JOBS: &str = "DELETE FROM jobs WHERE dead_at < $1";
