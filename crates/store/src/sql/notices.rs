//! Notices' SQL for both backends: what an account has been told (incidents, notice versions).

/// An account's notices, newest first, with the summary of what each is about.
pub const ACCOUNT_NOTICES: &str = "SELECT n.kind, COALESCE(i.summary, v.summary) AS summary, \
     n.created_at FROM account_notices n \
     LEFT JOIN incidents i ON n.kind = 'incident' AND i.id = n.ref_id \
     LEFT JOIN notice_versions v ON n.kind = 'notice_version' \
     AND CAST(v.version AS TEXT) = n.ref_id \
     WHERE n.account_id = $1 ORDER BY n.created_at DESC, n.ref_id DESC LIMIT $2";
