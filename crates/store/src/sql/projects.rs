//! Projects' SQL for both backends.

/// Who may see a shared project `p` now: shared, hidden by nobody, and its owner in no
/// section whose teacher has switched sharing off.
macro_rules! visible {
    () => {
        "p.sharing <> 'private' AND p.share_id IS NOT NULL AND NOT p.hidden_by_teacher \
         AND p.moderation IN ('none', 'restored') AND NOT EXISTS (SELECT 1 FROM section_students ss \
         JOIN sections s ON s.id = ss.section_id WHERE ss.student_id = p.owner_id \
         AND NOT s.sharing_allowed)"
    };
}

/// A shared project's columns, its author's display name and how many remixes it has.
macro_rules! shared_columns {
    () => {
        "SELECT p.*, a.display_name AS author_display_name, \
         (SELECT COUNT(*) FROM projects r WHERE r.remixed_from_share_id = p.share_id) AS remix_count \
         FROM projects p JOIN accounts a ON a.id = p.owner_id "
    };
}

pub const INSERT_PROJECT: &str = "INSERT INTO projects (id, owner_id, kind, title, program, \
     sharing, share_id, shared_at, remixed_from_share_id, remixed_from_title, \
     remixed_from_author_id, hidden_by_teacher, moderation, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

pub const PROJECT: &str = "SELECT * FROM projects WHERE id = $1";

pub const PROJECT_BY_SHARE_ID: &str = "SELECT * FROM projects WHERE share_id = $1";

pub const PROJECTS_OF: &str =
    "SELECT * FROM projects WHERE owner_id = $1 ORDER BY updated_at DESC, id DESC";

pub const COUNT_PROJECTS_OF: &str = "SELECT COUNT(*) AS n FROM projects WHERE owner_id = $1";

pub const UPDATE_PROJECT: &str = "UPDATE projects SET title = $1, program = $2, sharing = $3, \
     share_id = $4, shared_at = $5, updated_at = $6 WHERE id = $7 AND owner_id = $8";

pub const DELETE_PROJECT: &str = "DELETE FROM projects WHERE id = $1 AND owner_id = $2";

pub const SHARED_PROJECT: &str =
    concat!(shared_columns!(), "WHERE p.share_id = $1 AND ", visible!());

/// The gallery: `$1` a kind or NULL for all, `$2`/`$3` the cursor or NULL, `$4` the limit.
pub const GALLERY: &str = concat!(
    shared_columns!(),
    "WHERE p.sharing = 'gallery' AND ($1 IS NULL OR p.kind = $1) \
     AND ($2 IS NULL OR p.shared_at < $2 OR (p.shared_at = $2 AND p.share_id < $3)) AND ",
    visible!(),
    " ORDER BY p.shared_at DESC, p.share_id DESC LIMIT $4"
);

pub const SHARING_BLOCKED: &str = "SELECT 1 FROM section_students ss \
     JOIN sections s ON s.id = ss.section_id WHERE ss.student_id = $1 AND NOT s.sharing_allowed";

pub const SECTION_SHARING_ALLOWED: &str = "SELECT sharing_allowed FROM sections WHERE id = $1";

pub const SET_SECTION_SHARING: &str = "UPDATE sections SET sharing_allowed = $1 WHERE id = $2";

pub const SECTION_SHARES: &str = concat!(
    "SELECT p.*, a.display_name AS student_display_name, \
     CASE WHEN ",
    visible!(),
    " THEN TRUE ELSE FALSE END AS visible_now \
     FROM section_students m JOIN projects p ON p.owner_id = m.student_id \
     JOIN accounts a ON a.id = p.owner_id \
     WHERE m.section_id = $1 AND p.sharing <> 'private' \
     ORDER BY p.shared_at DESC, p.id DESC"
);

pub const SET_HIDDEN_BY_TEACHER: &str = "UPDATE projects SET hidden_by_teacher = $1 WHERE id = $2";

/// A report, unless the same reporter has one open on the project.
pub const INSERT_REPORT: &str = "INSERT INTO project_reports (project_id, reporter_account_id, \
     reporter_ip_hash, trusted, reason, details, created_at, decided_at) \
     SELECT $1, $2, $3, $4, $5, $6, $7, NULL WHERE NOT EXISTS (SELECT 1 FROM project_reports \
     WHERE project_id = $1 AND decided_at IS NULL \
     AND (reporter_account_id = $2 OR reporter_ip_hash = $3))";

/// How many different reporters have a report open on the project.
pub const OPEN_REPORTERS: &str = "SELECT COUNT(DISTINCT COALESCE(reporter_account_id, \
     reporter_ip_hash)) AS n FROM project_reports WHERE project_id = $1 AND decided_at IS NULL";

/// How many of the open reports on the project are trusted ones.
pub const OPEN_TRUSTED: &str = "SELECT COUNT(*) AS n FROM project_reports \
     WHERE project_id = $1 AND decided_at IS NULL AND trusted";

/// Hides a project by its reports, unless a moderator has hidden it already.
pub const HIDE_BY_REPORTS: &str = "UPDATE projects SET moderation = 'reported' \
     WHERE id = $1 AND moderation IN ('none', 'restored')";

pub const MODERATION: &str = "SELECT moderation FROM projects WHERE id = $1";

pub const OPEN_REPORTS: &str = "SELECT p.share_id, p.moderation, \
     COALESCE(r.reporter_account_id, r.reporter_ip_hash) AS reporter, r.reason, r.details, \
     r.created_at FROM project_reports r JOIN projects p ON p.id = r.project_id \
     WHERE r.decided_at IS NULL AND p.share_id IS NOT NULL \
     ORDER BY r.created_at DESC LIMIT $1";

pub const SET_MODERATION: &str = "UPDATE projects SET moderation = $1 WHERE id = $2";

pub const DECIDE_REPORTS: &str =
    "UPDATE project_reports SET decided_at = $1 WHERE project_id = $2 AND decided_at IS NULL";
