//! SQL text that SQLite and PostgreSQL accept word for word, written once for both.

// Most statements bind parameters, written `?` on SQLite and `$1` on PostgreSQL, so they stay
// in each backend's file of the same feature.

/// Answers when the database can be reached.
pub const PING: &str = "SELECT 1";

/// A section's members, with what their teachers may see of each student's account, before
/// each backend's own `WHERE` (`m` is the membership, `a` the student's account).
pub const SECTION_MEMBERS: &str = "SELECT a.id, a.display_name, a.age_years, a.age_stated_at, \
     a.gender, a.managed_by_teacher, m.joined_at \
     FROM section_students m JOIN accounts a ON a.id = m.student_id";

/// An account's notices with the summary of what each is about, before each backend's own
/// `WHERE` (`n` is the notice).
pub const ACCOUNT_NOTICES: &str = "SELECT n.kind, COALESCE(i.summary, v.summary) AS summary, \
     n.created_at FROM account_notices n \
     LEFT JOIN incidents i ON n.kind = 'incident' AND i.id = n.ref_id \
     LEFT JOIN notice_versions v ON n.kind = 'notice_version' \
     AND CAST(v.version AS TEXT) = n.ref_id";
