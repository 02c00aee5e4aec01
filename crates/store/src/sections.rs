//! Sections (classrooms): their teachers and students, the secrets of teacher-managed students,
//! the school-permission attestations and the co-teacher invitations.

use crate::StoreResult;
use crate::accounts::AccountRecord;
use crate::progress::ProgressRecord;
use async_trait::async_trait;
use kodlek_domain::Millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRecord {
    pub id: String,
    pub name: String,
    pub course_id: String,
    /// "email", "word" or "picture".
    pub login_type: String,
    pub code: String,
    pub created_at: Millis,
    /// Whether its students may share their projects (written by `ProjectStore`).
    pub sharing_allowed: bool,
}

/// A teacher of a section. The owner may delete it; co-teachers may do everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionTeacher {
    pub teacher_id: String,
    pub display_name: String,
    pub owner: bool,
    pub added_at: Millis,
}

/// What a section's teachers may know of one of its students: no contact field exists here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionMember {
    pub student_id: String,
    pub display_name: String,
    pub age_years: Option<i64>,
    pub age_stated_at: Option<Millis>,
    pub gender: Option<String>,
    pub managed_by_teacher: bool,
    pub joined_at: Millis,
}

/// A section as one of its students sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedSection {
    pub section: SectionRecord,
    /// The display name of the section's owner.
    pub teacher_display_name: String,
}

/// The sign-in secret of a teacher-managed student, encrypted, with its guessing counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRecord {
    pub account_id: String,
    /// "picture" or "word".
    pub kind: String,
    pub ciphertext: String,
    /// Guesses claimed in a row since the last success, unlock or end of a lock-out; above
    /// the limit while locked.
    pub failed_attempts: i64,
    pub locked_until: Option<Millis>,
    pub updated_at: Millis,
}

/// What a claimed guess at a secret may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretGuess {
    /// The guess is counted: judge it against this secret.
    Judge(SecretRecord),
    /// The sign-in is locked until then; the guess is not judged.
    Locked(Millis),
}

/// A teacher's attestation that the school may create this child's account (U13-6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionRecord {
    pub account_id: String,
    pub teacher_id: String,
    pub section_id: String,
    pub attested_at: Millis,
}

/// A student account created by a teacher, with everything that is written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewManagedStudent {
    pub account: AccountRecord,
    pub secret: SecretRecord,
    pub permission: Option<PermissionRecord>,
}

/// An invitation for another teacher to teach a section; single-use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub token_hash: String,
    pub section_id: String,
    pub invited_by: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// A learner's progress rows packed as one text (see [`unpack_progress`]), with the version
/// they were read at, from one statement so that the two agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedProgress {
    pub account_id: String,
    pub version: i64,
    pub cells: String,
}

/// One cell of a section's progress grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberProgress {
    pub student_id: String,
    pub progress: ProgressRecord,
}

#[async_trait]
pub trait SectionStore: Send + Sync {
    /// Creates the section with `owner_id` as its owner. `Conflict("code")` when the code is taken.
    async fn insert_section(&self, s: &SectionRecord, owner_id: &str) -> StoreResult<()>;
    async fn section(&self, id: &str) -> StoreResult<Option<SectionRecord>>;
    async fn section_by_code(&self, code: &str) -> StoreResult<Option<SectionRecord>>;
    /// The sections this teacher teaches, oldest first.
    async fn sections_taught_by(&self, teacher_id: &str) -> StoreResult<Vec<SectionRecord>>;
    /// The section's teachers, the owner first.
    async fn section_teachers(&self, section_id: &str) -> StoreResult<Vec<SectionTeacher>>;
    /// Writes name, course, login type and code and, in the same transaction, these secrets
    /// (a change of login type gives the managed students new ones).
    /// `Conflict("code")` when the code is taken.
    async fn update_section(&self, s: &SectionRecord, secrets: &[SecretRecord]) -> StoreResult<()>;
    /// Deletes the section and erases its teacher-managed students that are then in no
    /// section. Returns how many were erased; 0 also when there was no such section.
    async fn delete_section(&self, id: &str) -> StoreResult<u64>;
    /// Adds a teacher; false when they already teach it.
    async fn add_teacher(
        &self,
        section_id: &str,
        teacher_id: &str,
        owner: bool,
        at: Millis,
    ) -> StoreResult<bool>;
    /// Makes this teacher the owner and the others co-teachers.
    async fn set_owner(&self, section_id: &str, teacher_id: &str) -> StoreResult<()>;
    async fn remove_teacher(&self, section_id: &str, teacher_id: &str) -> StoreResult<()>;
    /// Creates the accounts, secrets and attestations and makes them members, all or nothing.
    async fn create_managed_students(
        &self,
        section_id: &str,
        students: &[NewManagedStudent],
        at: Millis,
    ) -> StoreResult<()>;
    /// Adds a student; false when they are already a member.
    async fn add_student(
        &self,
        section_id: &str,
        student_id: &str,
        at: Millis,
    ) -> StoreResult<bool>;
    /// Removes a student: None when not a member, else whether the account was erased (a
    /// teacher-managed student left in no section).
    async fn remove_student(&self, section_id: &str, student_id: &str)
    -> StoreResult<Option<bool>>;
    /// The members, in the order they joined.
    async fn section_members(&self, section_id: &str) -> StoreResult<Vec<SectionMember>>;
    async fn section_member(
        &self,
        section_id: &str,
        student_id: &str,
    ) -> StoreResult<Option<SectionMember>>;
    /// The sections this student is in, oldest membership first.
    async fn sections_joined_by(&self, student_id: &str) -> StoreResult<Vec<JoinedSection>>;
    /// The section's current members with the version of their progress (0: never changed),
    /// in no particular order.
    async fn section_progress_versions(&self, section_id: &str) -> StoreResult<Vec<(String, i64)>>;
    /// The progress of these learners, packed one row each; an unknown id is left out.
    async fn packed_progress(&self, account_ids: &[String]) -> StoreResult<Vec<PackedProgress>>;
    /// Every progress row of the section's current members.
    async fn section_progress(&self, section_id: &str) -> StoreResult<Vec<MemberProgress>> {
        let ids: Vec<String> = self
            .section_progress_versions(section_id)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let packed = self.packed_progress(&ids).await?;
        unpack_progress(
            packed
                .iter()
                .map(|p| (p.account_id.clone(), p.cells.as_str())),
        )
    }
    async fn secret(&self, account_id: &str) -> StoreResult<Option<SecretRecord>>;
    /// The secrets of the section's members that have one.
    async fn section_secrets(&self, section_id: &str) -> StoreResult<Vec<SecretRecord>>;
    /// Writes (or replaces) the secret, counter and lock as given.
    async fn set_secret(&self, s: &SecretRecord) -> StoreResult<()>;
    /// Claims one guess at the secret before it is judged, in one statement, so that
    /// concurrent guesses (on any number of servers) cannot pass the limit: each claim counts
    /// the guess, the claim that reaches `limit` locks the sign-in until `now + lock_for`, and
    /// while a lock holds every claim is refused. A right guess then clears the count; a wrong
    /// one leaves it counted. None: the student has no secret.
    async fn claim_secret_guess(
        &self,
        account_id: &str,
        now: Millis,
        limit: i64,
        lock_for: Millis,
    ) -> StoreResult<Option<SecretGuess>>;
    /// Clears the counter and any lock (a right secret, or a teacher's unlock).
    async fn clear_secret_failures(&self, account_id: &str) -> StoreResult<()>;
    /// A managed student takes control: writes the account (now with a username and a
    /// password, no longer managed) and drops the secret, in one transaction.
    async fn take_control(&self, a: &AccountRecord) -> StoreResult<()>;
    async fn permission(&self, account_id: &str) -> StoreResult<Option<PermissionRecord>>;
    async fn insert_invitation(&self, i: &InvitationRecord) -> StoreResult<()>;
    /// Removes the invitation and returns it when it exists and is unexpired.
    async fn take_invitation(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<InvitationRecord>>;
}

/// One progress row read from a packed text, borrowing its strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedCell<'a> {
    pub level_id: &'a str,
    pub last_status: &'a str,
    pub best_status: &'a str,
    pub attempts: i64,
    pub first_attempt_at: Millis,
    pub last_attempt_at: Millis,
}

/// Reads the progress rows that a backend packed one learner at a time: cells joined by `;`,
/// each `level_id,last_status,best_status,attempts,first_attempt_at,last_attempt_at`. Level
/// ids and statuses are slugs, so neither separator can occur inside a field. Nothing is
/// copied: a dashboard reads thousands of these.
pub fn packed_cells(cells: &str) -> impl Iterator<Item = StoreResult<PackedCell<'_>>> {
    let bad = || crate::StoreError::Database("a packed progress row is malformed".into());
    cells.split(';').filter(|c| !c.is_empty()).map(move |cell| {
        let mut f = cell.split(',');
        let mut text = || f.next().ok_or_else(bad);
        let (level_id, last_status, best_status) = (text()?, text()?, text()?);
        let mut num = || text()?.parse::<i64>().map_err(|_| bad());
        let (attempts, first_attempt_at, last_attempt_at) = (num()?, num()?, num()?);
        if f.next().is_some() {
            return Err(bad());
        }
        Ok(PackedCell {
            level_id,
            last_status,
            best_status,
            attempts,
            first_attempt_at,
            last_attempt_at,
        })
    })
}

/// The packed rows of several learners as records.
pub fn unpack_progress<'a>(
    rows: impl Iterator<Item = (String, &'a str)>,
) -> StoreResult<Vec<MemberProgress>> {
    let mut out = Vec::new();
    for (student_id, cells) in rows {
        for c in packed_cells(cells) {
            let c = c?;
            out.push(MemberProgress {
                student_id: student_id.clone(),
                progress: ProgressRecord {
                    level_id: c.level_id.to_owned(),
                    last_status: c.last_status.to_owned(),
                    best_status: c.best_status.to_owned(),
                    attempts: c.attempts,
                    first_attempt_at: c.first_attempt_at,
                    last_attempt_at: c.last_attempt_at,
                },
            });
        }
    }
    Ok(out)
}
