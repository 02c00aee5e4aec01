//! Consent answers' SQL for both backends.

/// Records an answer, replacing an earlier one to the same purpose.
pub const ANSWER: &str = "INSERT INTO consents (account_id, purpose, granted, answered_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, purpose) DO UPDATE \
     SET granted = excluded.granted, answered_at = excluded.answered_at";

/// An account's answers.
pub const ANSWERS_OF: &str = "SELECT * FROM consents WHERE account_id = $1 ORDER BY purpose";

/// The accounts that said yes to a purpose (and have not withdrawn).
pub const ACCOUNTS_THAT_SAID_YES: &str =
    "SELECT account_id FROM consents WHERE purpose = $1 AND granted ORDER BY account_id";
