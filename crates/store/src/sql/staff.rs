//! Staff's SQL for both backends: staff members, their one-time code steps and the audit log.

/// A staff member's own row, beside the account row written in the same transaction.
pub const INSERT_STAFF: &str = "INSERT INTO staff_members \
     (account_id, roles, totp_secret_ciphertext, totp_last_step, created_at) \
     VALUES ($1, $2, $3, $4, $5)";

/// The staff columns, named so that they can sit beside an account's in one row.
macro_rules! staff_columns {
    () => {
        "m.account_id, m.roles, m.totp_secret_ciphertext, m.totp_last_step, \
         m.created_at AS staff_created_at"
    };
}

/// One staff member by account id.
pub const STAFF_MEMBER: &str = concat!(
    "SELECT ",
    staff_columns!(),
    " FROM staff_members m WHERE m.account_id = $1"
);

/// Every staff member with their account, oldest first.
pub const STAFF_MEMBERS: &str = concat!(
    "SELECT a.*, ",
    staff_columns!(),
    " FROM staff_members m JOIN accounts a ON a.id = m.account_id \
     ORDER BY m.created_at, m.account_id"
);

/// Takes a one-time code's time step, only if it is later than the last one used: a code
/// cannot be used twice, also when two sign-ins send it at once.
pub const CLAIM_TOTP_STEP: &str = "UPDATE staff_members SET totp_last_step = $1 \
     WHERE account_id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)";

/// The end of the audit chain, read inside the append's transaction.
pub const LAST_AUDIT_ENTRY: &str = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";

/// Appends one entry to the audit log (the database refuses any other change to it).
pub const INSERT_AUDIT_ENTRY: &str = "INSERT INTO audit_log \
     (seq, at, actor_id, action, subject_id, reason, ticket, detail, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// A page of the audit log after a `seq`, for one subject or for all.
pub const AUDIT_ENTRIES: &str = "SELECT * FROM audit_log \
     WHERE seq > $1 AND (CAST($2 AS TEXT) IS NULL OR subject_id = $2) \
     ORDER BY seq LIMIT $3";
