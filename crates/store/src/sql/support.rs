//! Support requests' SQL for both backends.

/// A new request, with its reply address already encrypted (or none).
pub const INSERT_REQUEST: &str = "INSERT INTO support_requests \
     (id, topic, message, account_id, reply_to_ciphertext, created_at, closed_at, closed_by, \
     close_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// The newest requests first, at most `$1`.
pub const LIST_REQUESTS: &str =
    "SELECT * FROM support_requests ORDER BY created_at DESC, id DESC LIMIT $1";

/// Closes an open request; a closed one keeps its first closing.
pub const CLOSE_REQUEST: &str = "UPDATE support_requests \
     SET closed_at = $1, closed_by = $2, close_note = $3 WHERE id = $4 AND closed_at IS NULL";

/// Whether a request exists (to tell "already closed" from "no such request").
pub const REQUEST_EXISTS: &str = "SELECT 1 FROM support_requests WHERE id = $1";

/// Erases the reply addresses of requests closed before `$1`.
pub const ERASE_OLD_REPLY_ADDRESSES: &str = "UPDATE support_requests \
     SET reply_to_ciphertext = NULL WHERE closed_at < $1 AND reply_to_ciphertext IS NOT NULL";
