//! Sections' SQL for both backends: classrooms, their teachers and students, secrets, invitations.

// Packing the progress of many learners into one row each stays in each backend's file: the
// dialects aggregate text and take a list of ids differently.

/// Whether this student is in no section any more.
pub const IN_NO_SECTION: &str =
    "SELECT NOT EXISTS (SELECT 1 FROM section_students WHERE student_id = $1)";

/// Stores a student's secret, replacing the one stored before.
pub const WRITE_SECRET: &str = "INSERT INTO student_secrets (account_id, kind, \
     secret_ciphertext, failed_attempts, locked_until, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id) DO UPDATE SET \
     kind = excluded.kind, secret_ciphertext = excluded.secret_ciphertext, \
     failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until, \
     updated_at = excluded.updated_at";

/// Stores a new section.
pub const INSERT_SECTION: &str = "INSERT INTO sections (id, name, course_id, login_type, code, \
     created_at) VALUES ($1, $2, $3, $4, $5, $6)";

/// Makes a teacher the owner of a new section.
pub const INSERT_OWNER: &str = "INSERT INTO section_teachers (section_id, teacher_id, owner, \
     added_at) VALUES ($1, $2, TRUE, $3)";

/// The section with this id.
pub const SECTION: &str = "SELECT * FROM sections WHERE id = $1";

/// The section with this join code.
pub const SECTION_BY_CODE: &str = "SELECT * FROM sections WHERE code = $1";

/// The sections a teacher teaches, oldest first.
pub const SECTIONS_TAUGHT_BY: &str = "SELECT s.* FROM sections s \
     JOIN section_teachers t ON t.section_id = s.id \
     WHERE t.teacher_id = $1 ORDER BY s.created_at, s.id";

/// A section's teachers with their display names, the owner first, then by when they came.
pub const SECTION_TEACHERS: &str = "SELECT t.teacher_id, a.display_name, t.owner, t.added_at \
     FROM section_teachers t JOIN accounts a ON a.id = t.teacher_id WHERE t.section_id = $1 \
     ORDER BY t.owner DESC, t.added_at, t.teacher_id";

/// Writes a section's name, course, login type and code; the id is bound last.
pub const UPDATE_SECTION: &str =
    "UPDATE sections SET name = $1, course_id = $2, login_type = $3, code = $4 WHERE id = $5";

/// The ids of a section's students whose accounts their teachers manage.
pub const MANAGED_STUDENTS: &str = "SELECT a.id FROM section_students m \
     JOIN accounts a ON a.id = m.student_id WHERE m.section_id = $1 AND a.managed_by_teacher";

/// Deletes a section; its teachers, memberships and invitations go with it.
pub const DELETE_SECTION: &str = "DELETE FROM sections WHERE id = $1";

/// Adds a teacher to a section, unless they teach it already.
pub const ADD_TEACHER: &str = "INSERT INTO section_teachers (section_id, teacher_id, owner, \
     added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

/// Makes the teacher `$1` the owner of section `$2`, and its other teachers not.
pub const SET_OWNER: &str =
    "UPDATE section_teachers SET owner = (teacher_id = $1) WHERE section_id = $2";

/// Takes a teacher off a section.
pub const REMOVE_TEACHER: &str =
    "DELETE FROM section_teachers WHERE section_id = $1 AND teacher_id = $2";

/// Records the school's permission a teacher attested for a student.
pub const INSERT_PERMISSION: &str = "INSERT INTO school_permissions (account_id, teacher_id, \
     section_id, attested_at) VALUES ($1, $2, $3, $4)";

/// Puts a new student in a section.
pub const INSERT_STUDENT: &str =
    "INSERT INTO section_students (section_id, student_id, joined_at) VALUES ($1, $2, $3)";

/// Puts a student in a section, unless they are in it already.
pub const ADD_STUDENT: &str = "INSERT INTO section_students (section_id, student_id, joined_at) \
     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

/// Takes a student out of a section.
pub const REMOVE_STUDENT: &str =
    "DELETE FROM section_students WHERE section_id = $1 AND student_id = $2";

/// Whether a teacher manages this account.
pub const IS_MANAGED: &str = "SELECT managed_by_teacher FROM accounts WHERE id = $1";

/// A section's members, with what their teachers may see of each student's account, and
/// then the given `WHERE` (`m` is the membership, `a` the student's account).
macro_rules! section_members {
    ($where:literal) => {
        concat!(
            "SELECT a.id, a.display_name, a.age_years, a.age_stated_at, a.gender, \
             a.managed_by_teacher, m.joined_at \
             FROM section_students m JOIN accounts a ON a.id = m.student_id ",
            $where
        )
    };
}

/// A section's members, in the order they joined.
pub const SECTION_MEMBERS: &str =
    section_members!("WHERE m.section_id = $1 ORDER BY m.joined_at, a.id");

/// One member of a section: section `$1`, student `$2`.
pub const SECTION_MEMBER: &str = section_members!("WHERE m.section_id = $1 AND m.student_id = $2");

/// The sections a student is in, in the order they joined, each with its owner's display
/// name as `teacher_display_name`.
pub const SECTIONS_JOINED_BY: &str = "SELECT s.*, a.display_name AS teacher_display_name \
     FROM section_students m JOIN sections s ON s.id = m.section_id \
     LEFT JOIN section_teachers t ON t.section_id = s.id AND t.owner \
     LEFT JOIN accounts a ON a.id = t.teacher_id \
     WHERE m.student_id = $1 ORDER BY m.joined_at, s.id";

/// The progress version of each student of a section, 0 for one who never attempted.
pub const SECTION_PROGRESS_VERSIONS: &str = "SELECT m.student_id, \
     COALESCE(v.version, 0) AS version FROM section_students m \
     LEFT JOIN progress_versions v ON v.account_id = m.student_id WHERE m.section_id = $1";

/// A student's secret.
pub const SECRET: &str = "SELECT * FROM student_secrets WHERE account_id = $1";

/// The secrets of a section's students.
pub const SECTION_SECRETS: &str = "SELECT s.* FROM section_students m \
     JOIN student_secrets s ON s.account_id = m.student_id WHERE m.section_id = $1";

/// Counts a guess at student `$1`'s secret at `$2` and gives back the secret as it is then:
/// with `$3` failures the secret locks until `$4`; a guess while locked counts past `$3`, and
/// a lock that has run out starts the count again.
pub const CLAIM_SECRET_GUESS: &str = "UPDATE student_secrets SET \
     failed_attempts = CASE \
       WHEN locked_until > $2 THEN $3 + 1 \
       WHEN locked_until IS NOT NULL THEN 1 \
       ELSE failed_attempts + 1 END, \
     locked_until = CASE \
       WHEN locked_until > $2 THEN locked_until \
       WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END) >= $3 \
         THEN $4 \
       ELSE NULL END \
     WHERE account_id = $1 RETURNING *";

/// Forgets a secret's failed guesses and its lock.
pub const CLEAR_SECRET_FAILURES: &str =
    "UPDATE student_secrets SET failed_attempts = 0, locked_until = NULL WHERE account_id = $1";

/// Deletes a student's secret.
pub const DELETE_SECRET: &str = "DELETE FROM student_secrets WHERE account_id = $1";

/// The school's permission recorded for a student.
pub const PERMISSION: &str = "SELECT * FROM school_permissions WHERE account_id = $1";

/// Stores a new invitation to teach a section.
pub const INSERT_INVITATION: &str = "INSERT INTO section_invitations (token_hash, section_id, \
     invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";

/// Deletes an invitation and gives it back, so that it is used once at most.
pub const TAKE_INVITATION: &str =
    "DELETE FROM section_invitations WHERE token_hash = $1 RETURNING *";
