//! Rate limits' SQL for both backends: one row per bucket, its hits and the start of its window.

/// Counts a hit in bucket `$1` at `$2` and gives back the bucket's hits and window start: a
/// window that began `$3` or longer ago starts again with this hit. In the update, the columns
/// named `rate_limits.` are the stored row's.
pub const HIT: &str = "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
     ON CONFLICT(bucket) DO UPDATE SET \
       hits = CASE WHEN rate_limits.window_start <= $2 - $3 THEN 1 \
         ELSE rate_limits.hits + 1 END, \
       window_start = CASE WHEN rate_limits.window_start <= $2 - $3 THEN $2 \
         ELSE rate_limits.window_start END \
     RETURNING hits, window_start";

/// A bucket's hits and window start, when its window began after the given time.
pub const PEEK: &str =
    "SELECT hits, window_start FROM rate_limits WHERE bucket = $1 AND window_start > $2";

/// Forgets a bucket's hits.
pub const CLEAR: &str = "DELETE FROM rate_limits WHERE bucket = $1";

/// Deletes the buckets whose window began before the given time.
pub const PURGE_LIMITS: &str = "DELETE FROM rate_limits WHERE window_start < $1";
