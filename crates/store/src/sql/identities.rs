//! Sign-in identities' SQL for both backends.

pub const INSERT_IDENTITY: &str = "INSERT INTO identities \
     (account_id, provider, subject, token_ciphertext, token_kind, linked_at, checked_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub const IDENTITY_BY_SUBJECT: &str =
    "SELECT * FROM identities WHERE provider = $1 AND subject = $2";

pub const IDENTITY_OF_ACCOUNT: &str =
    "SELECT 1 FROM identities WHERE account_id = $1 AND provider = $2";

pub const IDENTITIES_OF: &str =
    "SELECT * FROM identities WHERE account_id = $1 ORDER BY linked_at, provider";

/// A sign-in or a passed re-check; a token is replaced only when the provider gave a new one.
pub const IDENTITY_CHECKED: &str = "UPDATE identities SET checked_at = $3, \
     token_ciphertext = COALESCE($4, token_ciphertext), token_kind = COALESCE($5, token_kind) \
     WHERE account_id = $1 AND provider = $2";

/// The sessions made through an identity (before the identity goes, or once it is refused).
pub const DELETE_SESSIONS_OF_IDENTITY: &str = "DELETE FROM sessions WHERE token_hash IN \
     (SELECT session_token_hash FROM identity_sessions WHERE account_id = $1 AND provider = $2)";

pub const DELETE_IDENTITY: &str = "DELETE FROM identities WHERE account_id = $1 AND provider = $2";

pub const FORGET_TOKEN: &str = "UPDATE identities SET token_ciphertext = NULL, token_kind = NULL \
     WHERE account_id = $1 AND provider = $2";

pub const INSERT_IDENTITY_SESSION: &str = "INSERT INTO identity_sessions \
     (session_token_hash, account_id, provider, signed_in_at) VALUES ($1, $2, $3, $4)";

pub const IDENTITY_SESSION: &str =
    "SELECT provider, signed_in_at FROM identity_sessions WHERE session_token_hash = $1";

/// Identities with a live session through them, the longest unchecked first.
pub const IDENTITIES_DUE: &str = "SELECT * FROM identities i WHERE i.checked_at < $1 \
     AND EXISTS (SELECT 1 FROM identity_sessions s \
     WHERE s.account_id = i.account_id AND s.provider = i.provider) \
     ORDER BY i.checked_at, i.account_id LIMIT $2";
