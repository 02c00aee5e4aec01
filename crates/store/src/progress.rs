//! Attempts and what they build: stored programs, progress per level and storage use.

pub mod batch;

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

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

/// So many learners made `attempts` tries at a level and reached `best_status`: one row of
/// the tally that course figures are made from. It names no account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelTallyRow {
    pub level_id: String,
    pub attempts: i64,
    pub best_status: String,
    pub learners: i64,
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
    /// Every level's learners, counted by tries and best status, in the order of level id,
    /// tries and status.
    async fn level_tally(&self) -> StoreResult<Vec<LevelTallyRow>>;
}
