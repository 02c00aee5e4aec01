//! Families' SQL for both backends.

pub const INSERT_CODE: &str = "INSERT INTO family_codes (code_hash, child_id, created_at, \
     expires_at) VALUES ($1, $2, $3, $4)";
/// A code links once: it is deleted as it is read.
pub const TAKE_CODE: &str =
    "DELETE FROM family_codes WHERE code_hash = $1 AND expires_at > $2 RETURNING child_id";
/// Expired codes go as a new one is made.
pub const DELETE_EXPIRED_CODES: &str = "DELETE FROM family_codes WHERE expires_at <= $1";
/// A child has at most `FAMILY_CODES_PER_CHILD` codes that work: a new one retires the oldest
/// beyond that (`$2` is one fewer, room for the new one).
pub const KEEP_NEWEST_CODES: &str = "DELETE FROM family_codes WHERE child_id = $1 AND \
     code_hash NOT IN (SELECT code_hash FROM family_codes WHERE child_id = $1 \
     ORDER BY created_at DESC, code_hash LIMIT $2)";

pub const INSERT_LINK: &str = "INSERT INTO family_links (parent_id, child_id, linked_at) \
     VALUES ($1, $2, $3) ON CONFLICT (parent_id, child_id) DO NOTHING";
pub const CHILDREN_OF: &str =
    "SELECT * FROM family_links WHERE parent_id = $1 ORDER BY linked_at, child_id";
pub const PARENTS_OF: &str =
    "SELECT * FROM family_links WHERE child_id = $1 ORDER BY linked_at, parent_id";
pub const DELETE_LINK: &str = "DELETE FROM family_links WHERE parent_id = $1 AND child_id = $2";

pub const CHILD_CONTROL: &str = "SELECT * FROM child_controls WHERE account_id = $1";
pub const SET_CHILD_CONTROL: &str = "INSERT INTO child_controls (account_id, status, \
     changed_at) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO UPDATE SET \
     status = excluded.status, changed_at = excluded.changed_at";
pub const DELETE_CHILD_CONTROL: &str = "DELETE FROM child_controls WHERE account_id = $1";

pub const INSERT_PERMISSION: &str = "INSERT INTO sign_up_permissions (account_id, token_hash, \
     parent_email_ciphertext, lang, status, created_at, expires_at, decided_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
pub const PERMISSION: &str = "SELECT * FROM sign_up_permissions WHERE account_id = $1";
pub const PERMISSION_BY_TOKEN: &str = "SELECT * FROM sign_up_permissions WHERE token_hash = $1";
/// The grant erases the link and the parent's address with it.
pub const GRANT_PERMISSION: &str = "UPDATE sign_up_permissions SET status = 'granted', \
     token_hash = NULL, parent_email_ciphertext = NULL, decided_at = $2 \
     WHERE account_id = $1 AND status = 'pending'";
/// Frees an account that was waiting for its permission.
pub const FREE_AWAITING: &str =
    "DELETE FROM child_controls WHERE account_id = $1 AND status = 'awaiting_permission'";
pub const EXPIRED_PERMISSIONS: &str = "SELECT account_id FROM sign_up_permissions \
     WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT 500";

pub const INSERT_REQUEST: &str = "INSERT INTO parent_requests (id, action, status, child_id, \
     parent_id, token_hash, parent_name, parent_email_ciphertext, child_display_name, \
     section_code, school_name, details, lang, created_at, confirmed_at, due_at, decided_at, \
     decided_by, decision_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
     $13, $14, $15, $16, $17, $18, $19)";
pub const REQUEST: &str = "SELECT * FROM parent_requests WHERE id = $1";
pub const REQUEST_BY_TOKEN: &str = "SELECT * FROM parent_requests WHERE token_hash = $1";
pub const UPDATE_REQUEST: &str = "UPDATE parent_requests SET action = $2, status = $3, \
     child_id = $4, parent_id = $5, token_hash = $6, parent_name = $7, \
     parent_email_ciphertext = $8, child_display_name = $9, section_code = $10, \
     school_name = $11, details = $12, lang = $13, created_at = $14, confirmed_at = $15, \
     due_at = $16, decided_at = $17, decided_by = $18, decision_reason = $19 \
     WHERE id = $1 AND status = $20";
pub const LIST_REQUESTS: &str =
    "SELECT * FROM parent_requests ORDER BY created_at DESC, id DESC LIMIT $1";
pub const ERASE_REQUEST_CONTACT: &str = "UPDATE parent_requests SET token_hash = NULL, \
     parent_name = NULL, parent_email_ciphertext = NULL, child_display_name = NULL, \
     section_code = NULL, school_name = NULL, details = NULL WHERE id = $1";
