//! Notices' SQL for both backends: what an account has been told (incidents, notice versions).

/// An account's notices, newest first, with the summary of what each is about.
pub const ACCOUNT_NOTICES: &str = "SELECT n.kind, COALESCE(i.summary, v.summary) AS summary, \
     n.created_at FROM account_notices n \
     LEFT JOIN incidents i ON n.kind = 'incident' AND i.id = n.ref_id \
     LEFT JOIN notice_versions v ON n.kind = 'notice_version' \
     AND CAST(v.version AS TEXT) = n.ref_id \
     WHERE n.account_id = $1 ORDER BY n.created_at DESC, n.ref_id DESC LIMIT $2";

/// A reported incident.
pub const INSERT_INCIDENT: &str = "INSERT INTO incidents \
     (id, summary, details, created_by, created_at) VALUES ($1, $2, $3, $4, $5)";

/// A notice of kind `$1` about `$2` for every account. The casts tell PostgreSQL the types of
/// values that reach a column only through the SELECT.
pub const NOTICE_FOR_EVERY_ACCOUNT: &str = "INSERT INTO account_notices \
     (account_id, kind, ref_id, created_at) \
     SELECT id, CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS BIGINT) FROM accounts";

/// The number the next notice version gets (version 1 is the notice as shipped).
pub const NEXT_VERSION: &str = "SELECT COALESCE(MAX(version), 1) + 1 AS v FROM notice_versions";

/// A published notice version.
pub const INSERT_VERSION: &str = "INSERT INTO notice_versions \
     (version, revised_on, summary, significant, email_users, created_by, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Every published version, oldest first.
pub const VERSIONS: &str = "SELECT * FROM notice_versions ORDER BY version";

/// One email owed to every account with a confirmed address, marked as sent one by one.
pub const MAILING_FOR_EVERY_VERIFIED: &str = "INSERT INTO notice_mailings \
     (kind, ref_id, account_id) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), id \
     FROM accounts WHERE email_ciphertext IS NOT NULL AND email_verified";

/// The next batch of a mailing's recipients not yet sent to.
pub const UNSENT_MAILINGS: &str = "SELECT account_id FROM notice_mailings \
     WHERE kind = $1 AND ref_id = $2 AND sent_at IS NULL ORDER BY account_id LIMIT $3";

/// Marks one recipient's email as sent.
pub const MARK_MAILED: &str = "UPDATE notice_mailings SET sent_at = $1 \
     WHERE kind = $2 AND ref_id = $3 AND account_id = $4";
