//! Learners' projects: keeping them, sharing them by link or in the gallery, remixes, the
//! sections' switch for sharing, reports and moderation.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// A project as stored. `program` is the canonical text of its blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    pub id: String,
    pub owner_id: String,
    /// "artist" or "sprites".
    pub kind: String,
    pub title: String,
    pub program: String,
    /// "private", "link" or "gallery".
    pub sharing: String,
    /// Given the first time the owner shares the project, and kept after.
    pub share_id: Option<String>,
    /// When the owner last shared it (the gallery's order).
    pub shared_at: Option<Millis>,
    pub remixed_from_share_id: Option<String>,
    pub remixed_from_title: Option<String>,
    /// The original's author; none once that account is erased.
    pub remixed_from_author_id: Option<String>,
    /// Hidden by one of the owner's teachers.
    pub hidden_by_teacher: bool,
    /// "none", "reported" (hidden by reports until a moderator decides), "hidden" or "restored".
    pub moderation: String,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// A shared project as anyone may see it, with what is said of its author and its remixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRecord {
    pub project: ProjectRecord,
    pub author_display_name: String,
    pub remix_count: i64,
}

/// A shared project of one of a section's students, as the section's teachers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentShare {
    pub project: ProjectRecord,
    pub student_display_name: String,
    /// Whether anyone can see it now.
    pub visible: bool,
}

/// A report on a shared project. The reporter is an account, or for an anonymous reporter
/// the keyed hash of their address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    pub project_id: String,
    pub reporter_account_id: Option<String>,
    pub reporter_ip_hash: Option<String>,
    /// A verified teacher's or staff member's report: one hides the project.
    pub trusted: bool,
    /// "inappropriate", "personal_information" or "other".
    pub reason: String,
    pub details: Option<String>,
    pub created_at: Millis,
}

/// One report not yet decided, with its project, for the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    pub share_id: String,
    pub moderation: String,
    /// The account or the hashed address that sent it.
    pub reporter: String,
    pub reason: String,
    pub details: Option<String>,
    pub created_at: Millis,
}

/// Where the gallery goes on from: the last project shown on the page before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryCursor {
    pub shared_at: Millis,
    pub share_id: String,
}

#[async_trait]
pub trait ProjectStore: Send + Sync {
    async fn insert_project(&self, p: &ProjectRecord) -> StoreResult<()>;
    async fn project(&self, id: &str) -> StoreResult<Option<ProjectRecord>>;
    async fn project_by_share_id(&self, share_id: &str) -> StoreResult<Option<ProjectRecord>>;
    /// An owner's projects, the last changed first.
    async fn projects_of(&self, owner_id: &str) -> StoreResult<Vec<ProjectRecord>>;
    async fn count_projects_of(&self, owner_id: &str) -> StoreResult<i64>;
    /// Writes what the owner may change: title, program, sharing (with its id and time) and
    /// `updated_at`.
    async fn update_project(&self, p: &ProjectRecord) -> StoreResult<()>;
    /// Deletes the owner's project; false when they have none of that id.
    async fn delete_project(&self, id: &str, owner_id: &str) -> StoreResult<bool>;
    /// The shared project of that id if anyone may see it now: shared, not hidden by a teacher,
    /// by reports or by a moderator, and its owner in no section that has sharing switched off.
    async fn shared_project(&self, share_id: &str) -> StoreResult<Option<SharedRecord>>;
    /// The gallery's visible projects, the last shared first, of one kind or all, after the
    /// cursor; at most `limit`.
    async fn gallery(
        &self,
        kind: Option<&str>,
        before: Option<&GalleryCursor>,
        limit: u32,
    ) -> StoreResult<Vec<SharedRecord>>;
    /// Whether one of the sections the account is in has sharing switched off.
    async fn sharing_blocked(&self, account_id: &str) -> StoreResult<bool>;
    async fn section_sharing_allowed(&self, section_id: &str) -> StoreResult<bool>;
    async fn set_section_sharing(&self, section_id: &str, allowed: bool) -> StoreResult<()>;
    /// The projects that a section's students share, the last shared first.
    async fn section_shares(&self, section_id: &str) -> StoreResult<Vec<StudentShare>>;
    async fn set_hidden_by_teacher(&self, project_id: &str, hidden: bool) -> StoreResult<()>;
    /// Records a report unless this reporter has one open on the project already, then hides
    /// the project when its open reports come from `hide_at` different reporters or one is
    /// trusted. Whether the project is hidden by reports now.
    async fn add_report(&self, r: &ReportRecord, hide_at: i64) -> StoreResult<bool>;
    /// The reports not yet decided, the newest first, at most `limit`.
    async fn open_reports(&self, limit: u32) -> StoreResult<Vec<OpenReport>>;
    /// A moderator's decision: "hidden" or "restored"; the open reports are decided with it,
    /// so that the count starts again.
    async fn moderate(&self, project_id: &str, moderation: &str, now: Millis) -> StoreResult<()>;
}
