//! Media rows' SQL for both backends.

/// A new file's row.
pub const INSERT_MEDIA: &str = "INSERT INTO media \
     (id, owner_id, kind, content_type, bytes, object_key, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// The bytes of all the owner's files (`$1`).
pub const BYTES_USED: &str =
    "SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM media WHERE owner_id = $1";

/// The owner's files, newest first.
pub const MEDIA_OF: &str =
    "SELECT * FROM media WHERE owner_id = $1 ORDER BY created_at DESC, id DESC";

pub const MEDIA_BY_ID: &str = "SELECT * FROM media WHERE id = $1";

/// Deletes the owner's file; a trigger queues its object key for erasure.
pub const DELETE_MEDIA: &str = "DELETE FROM media WHERE id = $1 AND owner_id = $2 RETURNING *";

/// Object keys whose bytes are still to be erased, oldest first.
pub const ERASURES: &str =
    "SELECT object_key FROM media_erasures ORDER BY queued_at, object_key LIMIT $1";

pub const FORGET_ERASURE: &str = "DELETE FROM media_erasures WHERE object_key = $1";
