//! The storage traits, one per use case, that both backends implement, and the conformance
//! suite that both must pass.

pub mod batch;
pub mod conformance;
mod jobs;
mod sections;

pub use jobs::*;
pub use sections::*;

use async_trait::async_trait;
use kodlek_domain::{Millis, Role};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is already taken; the name says which ("email", "username").
    #[error("{0} is taken")]
    Conflict(&'static str),
    #[error("database: {0}")]
    Database(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// An account row as stored. Contact fields are already hashed or encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: String,
    pub role: Role,
    pub display_name: String,
    pub username: Option<String>,
    pub age_years: Option<i64>,
    pub age_stated_at: Option<Millis>,
    pub gender: Option<String>,
    pub email_lookup: Option<String>,
    pub email_ciphertext: Option<String>,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub school_name: Option<String>,
    pub school_address_ciphertext: Option<String>,
    pub managed_by_teacher: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub account_id: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub expires_at: Millis,
    pub persistent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTokenRecord {
    pub token_hash: String,
    pub account_id: String,
    pub purpose: TokenPurpose,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// A rate-limit counter after a hit: how many in the window, and when the window began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hits {
    pub count: i64,
    pub window_start: Millis,
}

#[async_trait]
pub trait AccountStore {
    async fn insert_account(&self, a: &AccountRecord) -> StoreResult<()>;
    async fn account_by_id(&self, id: &str) -> StoreResult<Option<AccountRecord>>;
    /// The account whose lookup hash is any of these (one per live key version).
    async fn account_by_email_lookup(
        &self,
        candidates: &[String],
    ) -> StoreResult<Option<AccountRecord>>;
    async fn account_by_username(&self, username: &str) -> StoreResult<Option<AccountRecord>>;
    /// Writes every field of the row with this id.
    async fn update_account(&self, a: &AccountRecord) -> StoreResult<()>;
    /// Deletes the account and everything that belongs to it; then makes the bytes unrecoverable.
    async fn erase_account(&self, id: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait SessionStore {
    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    /// The session and its account in one read: every signed-in request asks for both.
    async fn session_with_account(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(SessionRecord, AccountRecord)>>;
    async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: Millis,
        expires_at: Millis,
    ) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of the account but the one named.
    async fn delete_other_sessions(&self, account_id: &str, keep: Option<&str>) -> StoreResult<()>;
    async fn purge_expired_sessions(&self, now: Millis) -> StoreResult<u64>;
}

#[async_trait]
pub trait MailTokenStore {
    async fn insert_mail_token(&self, t: &MailTokenRecord) -> StoreResult<()>;
    /// Removes the token and returns its account if it exists, has this purpose and is unexpired.
    async fn take_mail_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Millis,
    ) -> StoreResult<Option<String>>;
}

#[async_trait]
pub trait LimitStore {
    /// Counts one hit in a fixed window of `window` ms and returns the count so far.
    async fn hit(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits>;
    /// The count in the current window, without a hit.
    async fn peek(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits>;
    async fn clear(&self, bucket: &str) -> StoreResult<()>;
    async fn purge_limits(&self, older_than: Millis) -> StoreResult<u64>;
}

#[async_trait]
pub trait UnsubscribeStore {
    async fn add_unsubscribe(&self, address_key: &str, now: Millis) -> StoreResult<()>;
    async fn is_unsubscribed(&self, address_keys: &[String]) -> StoreResult<bool>;
}

#[async_trait]
pub trait MaintenanceStore {
    /// Answers when the database can be reached.
    async fn ping(&self) -> StoreResult<()>;
    /// Every row of `table` whose `owner_column` is `owner`, column by column (for the export).
    async fn rows_owned_by(
        &self,
        table: &str,
        owner_column: &str,
        owner: &str,
    ) -> StoreResult<Vec<Map<String, Value>>>;
    /// The tables and columns of the live schema (the migrations' own bookkeeping left out).
    async fn schema(&self) -> StoreResult<BTreeMap<String, BTreeSet<String>>>;
    /// Which backend this is ("sqlite", "postgres").
    fn backend(&self) -> &'static str;
}

/// A judged attempt, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttempt {
    pub id: String,
    pub account_id: String,
    pub level_id: String,
    pub at: Millis,
    /// failed, completed, passed or perfect, as the server judged it.
    pub status: String,
    /// The program, stored once per distinct content under its hash.
    pub program: Option<StoredProgram>,
    pub answer: Option<String>,
    pub client_attempt_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProgram {
    pub hash: String,
    pub body: String,
}

/// One learner's standing on one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRecord {
    pub level_id: String,
    pub last_status: String,
    pub best_status: String,
    pub attempts: i64,
    pub first_attempt_at: Millis,
    pub last_attempt_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Counted; the level's progress after it.
    Recorded(ProgressRecord),
    /// The same client attempt id was recorded before; nothing was counted again.
    AlreadyRecorded {
        program_hash: Option<String>,
        answer: Option<String>,
        progress: ProgressRecord,
    },
    /// The client attempt id was recorded before for another level; nothing was written.
    AttemptIdConflict,
    /// The attempt would take its learner past their storage budget; nothing was written.
    StorageFull,
}

/// The bytes of programs and answers one account may store (see [`batch::stored_bytes`]).
/// A year of honest play never meets it: the canonical programs of the course's levels are a
/// few hundred bytes (the longest under 2 KB), so a learner who presses Run 100 times every
/// school day for 200 days stores 20,000 attempts, about 10 MB at 500 bytes each; one hostile
/// attempt adds at most the largest program allowed (256 KB) or the longest answer.
pub const STORAGE_BUDGET: i64 = 20 * 1024 * 1024;

/// An attempt as its learner (and later their teacher) reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub at: Millis,
    pub status: String,
    pub program: Option<String>,
    pub answer: Option<String>,
}

/// The order of statuses: a best status never goes down.
pub fn status_rank(status: &str) -> u8 {
    match status {
        "completed" => 1,
        "passed" => 2,
        "perfect" => 3,
        _ => 0,
    }
}

/// The progress of a level after one more attempt.
pub fn progress_after(old: Option<&ProgressRecord>, a: &NewAttempt) -> ProgressRecord {
    match old {
        None => ProgressRecord {
            level_id: a.level_id.clone(),
            last_status: a.status.clone(),
            best_status: a.status.clone(),
            attempts: 1,
            first_attempt_at: a.at,
            last_attempt_at: a.at,
        },
        Some(p) => ProgressRecord {
            level_id: p.level_id.clone(),
            last_status: a.status.clone(),
            best_status: if status_rank(&a.status) > status_rank(&p.best_status) {
                a.status.clone()
            } else {
                p.best_status.clone()
            },
            attempts: p.attempts + 1,
            first_attempt_at: p.first_attempt_at.min(a.at),
            last_attempt_at: p.last_attempt_at.max(a.at),
        },
    }
}

#[async_trait]
pub trait ProgressStore {
    /// Records the attempts in one transaction, in order, with one outcome each, within the
    /// default storage budget. Either all are written or none (an error).
    async fn record_attempts(&self, attempts: &[NewAttempt]) -> StoreResult<Vec<AttemptOutcome>> {
        self.record_attempts_within(attempts, STORAGE_BUDGET).await
    }
    /// The same, refusing (`StorageFull`) each attempt that would take its learner past
    /// `budget` bytes of programs and answers. The count is kept in the same transaction.
    async fn record_attempts_within(
        &self,
        attempts: &[NewAttempt],
        budget: i64,
    ) -> StoreResult<Vec<AttemptOutcome>>;
    /// The bytes of programs and answers the account's attempts hold.
    async fn storage_used(&self, account_id: &str) -> StoreResult<i64>;
    async fn progress_of(&self, account_id: &str) -> StoreResult<Vec<ProgressRecord>>;
    async fn attempts_of(
        &self,
        account_id: &str,
        level_id: &str,
    ) -> StoreResult<Vec<AttemptRecord>>;
    async fn program(&self, hash: &str) -> StoreResult<Option<String>>;
}

/// Everything the server needs of its database.
pub trait Store:
    AccountStore
    + SessionStore
    + MailTokenStore
    + LimitStore
    + UnsubscribeStore
    + ProgressStore
    + SectionStore
    + MaintenanceStore
    + JobStore
    + Send
    + Sync
{
}

impl<T> Store for T where
    T: AccountStore
        + SessionStore
        + MailTokenStore
        + LimitStore
        + UnsubscribeStore
        + ProgressStore
        + SectionStore
        + MaintenanceStore
        + JobStore
        + Send
        + Sync
{
}

/// A fresh application id for a stored row.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Rejects identifiers that are not plain table or column names before they reach SQL text.
pub fn is_plain_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
