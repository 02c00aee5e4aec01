//! Accounts' SQL for both backends: accounts, sessions, mail tokens, unsubscribes and erasure.

/// The account with this id.
pub const ACCOUNT_BY_ID: &str = "SELECT * FROM accounts WHERE id = $1";

/// The account whose email lookup key is this one.
pub const ACCOUNT_BY_EMAIL_LOOKUP: &str = "SELECT * FROM accounts WHERE email_lookup = $1";

/// The account with this username.
pub const ACCOUNT_BY_USERNAME: &str = "SELECT * FROM accounts WHERE username = $1";

/// Stores a new account, every column bound in the order of the list.
pub const INSERT_ACCOUNT: &str = "INSERT INTO accounts (id, role, display_name, username, \
     age_years, age_stated_at, gender, email_lookup, email_ciphertext, email_verified, \
     password_hash, school_name, school_address_ciphertext, managed_by_teacher, created_at, \
     updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

/// Writes every column of an account but its id and creation time; the id is bound last.
pub const UPDATE_ACCOUNT: &str = "UPDATE accounts SET role = $1, display_name = $2, \
     username = $3, age_years = $4, age_stated_at = $5, gender = $6, email_lookup = $7, \
     email_ciphertext = $8, email_verified = $9, password_hash = $10, school_name = $11, \
     school_address_ciphertext = $12, managed_by_teacher = $13, updated_at = $14 WHERE id = $15";

/// Stores a new session.
pub const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, account_id, created_at, \
     last_seen_at, expires_at, persistent) VALUES ($1, $2, $3, $4, $5, $6)";

/// The session with this token hash.
pub const SESSION: &str = "SELECT * FROM sessions WHERE token_hash = $1";

/// The session with this token hash and its account in one row: the account's columns, then
/// the session's, its creation time as `session_created_at`.
pub const SESSION_WITH_ACCOUNT: &str = "SELECT a.*, s.token_hash, \
     s.created_at AS session_created_at, s.last_seen_at, s.expires_at, s.persistent \
     FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1";

/// Records that a session was used and when it now expires.
pub const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3";

/// Ends one session.
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";

/// Ends an account's sessions but the one with the second token hash.
pub const DELETE_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2";

/// Deletes the sessions expired by the given time.
pub const PURGE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

/// Stores a new mail token.
pub const INSERT_MAIL_TOKEN: &str = "INSERT INTO mail_tokens (token_hash, account_id, purpose, \
     created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";

/// Deletes a mail token of this purpose and gives back its account and expiry, so that a
/// token is used once at most.
pub const TAKE_MAIL_TOKEN: &str = "DELETE FROM mail_tokens WHERE token_hash = $1 \
     AND purpose = $2 RETURNING account_id, expires_at";

/// Records that an address wants no more mail; recording it again changes nothing.
pub const ADD_UNSUBSCRIBE: &str = "INSERT INTO unsubscribes (address_key, created_at) \
     VALUES ($1, $2) ON CONFLICT DO NOTHING";

/// A row when this address key has unsubscribed.
pub const IS_UNSUBSCRIBED: &str = "SELECT 1 FROM unsubscribes WHERE address_key = $1";

/// Deletes the programs of an account's attempts that no other account's attempt uses.
pub const ERASE_OWN_PROGRAMS: &str = "DELETE FROM programs WHERE hash IN \
     (SELECT program_hash FROM attempts WHERE account_id = $1) \
     AND NOT EXISTS (SELECT 1 FROM attempts o WHERE o.program_hash = programs.hash \
     AND o.account_id <> $1)";

/// Deletes an account; its sessions, tokens, attempts, progress, memberships and secrets
/// go with it (the foreign keys cascade).
pub const DELETE_ACCOUNT: &str = "DELETE FROM accounts WHERE id = $1";
