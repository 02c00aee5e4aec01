//! Notices: security incidents, revisions of the privacy notice, what each account is told of
//! them, and the per-recipient record of the emails about them.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// What a notice is about; the `kind` of `account_notices` and `notice_mailings`.
pub const INCIDENT: &str = "incident";
pub const NOTICE_VERSION: &str = "notice_version";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRecord {
    pub id: String,
    pub summary: String,
    pub details: String,
    pub created_by: String,
    pub created_at: Millis,
}

/// Who an incident affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    All,
    /// Known account ids, each once.
    Accounts(Vec<String>),
}

/// A published revision of the privacy notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeVersionRecord {
    pub version: i64,
    /// YYYY-MM-DD, UTC.
    pub revised_on: String,
    pub summary: String,
    pub significant: bool,
    pub email_users: bool,
    pub created_by: String,
    pub created_at: Millis,
}

/// A notice an account is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNotice {
    pub kind: String,
    pub summary: String,
    pub at: Millis,
}

#[async_trait]
pub trait NoticeStore {
    /// The ids among `ids` that name no account.
    async fn unknown_accounts(&self, ids: &[String]) -> StoreResult<Vec<String>>;
    /// Stores the incident, a notice for each affected account, and a mailing row for each
    /// person to email: affected accounts with a verified address on file (a child's is never
    /// on file), and the teachers of affected students whom teachers manage. All or nothing.
    /// How many accounts were affected.
    async fn record_incident(&self, i: &IncidentRecord, affected: &Affected) -> StoreResult<u64>;
    /// Publishes the next version (the first stored is 2: 1 is the notice as shipped), with a
    /// notice for every account when it is significant and a mailing row for every account
    /// with a verified address on file when `email_users`. All or nothing. The number given.
    async fn publish_notice_version(&self, v: &NoticeVersionRecord) -> StoreResult<i64>;
    /// Every published version, oldest first.
    async fn notice_versions(&self) -> StoreResult<Vec<NoticeVersionRecord>>;
    /// The account's notices, newest first, at most `limit`.
    async fn account_notices(
        &self,
        account_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<AccountNotice>>;
    /// Up to `limit` accounts still owed the email about (`kind`, `ref_id`), by id.
    async fn unsent_mailings(
        &self,
        kind: &str,
        ref_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<String>>;
    /// Records that the email went to this account.
    async fn mark_mailed(
        &self,
        kind: &str,
        ref_id: &str,
        account_id: &str,
        now: Millis,
    ) -> StoreResult<()>;
    /// The summary of an incident or a version, for the email about it.
    async fn notice_summary(&self, kind: &str, ref_id: &str) -> StoreResult<Option<String>>;
}
