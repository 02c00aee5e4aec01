//! What a batch of attempts changes, worked out once from what was stored before, so that
//! each backend writes a whole batch in a handful of statements instead of several per
//! attempt (the attempt writer's batches are up to a few hundred attempts).

use super::{AttemptOutcome, NewAttempt, ProgressRecord, StoredProgram, progress_after};
use crate::{StoreError, StoreResult};
use kodlek_domain::Millis;
use std::collections::HashMap;

/// An attempt recorded before under a client attempt id: its level and what it stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    pub level_id: String,
    pub program_hash: Option<String>,
    pub answer: Option<String>,
}

/// The bytes an attempt adds to its account's storage: its program's text and its answer.
/// A program is counted with every attempt that names it, as if each stored its own copy, so
/// that the count does not depend on what others stored first.
pub fn stored_bytes(a: &NewAttempt) -> i64 {
    let program = a.program.as_ref().map_or(0, |p| p.body.len());
    let answer = a.answer.as_ref().map_or(0, String::len);
    i64::try_from(program + answer).unwrap_or(i64::MAX)
}

/// Pairs of keys: (account, client attempt id) or (account, level).
pub type Pairs<'a> = Vec<(&'a str, &'a str)>;

/// What to read before planning: the (account, client attempt id) pairs that may have been
/// recorded already, and the (account, level) pairs whose progress the batch touches. Each
/// pair once. The accounts whose storage use the plan needs are the first halves of the
/// second list.
pub fn keys(attempts: &[NewAttempt]) -> (Pairs<'_>, Pairs<'_>) {
    let mut retries: Pairs = attempts
        .iter()
        .filter_map(|a| Some((a.account_id.as_str(), a.client_attempt_id.as_deref()?)))
        .collect();
    retries.sort_unstable();
    retries.dedup();
    let mut levels: Pairs = attempts
        .iter()
        .map(|a| (a.account_id.as_str(), a.level_id.as_str()))
        .collect();
    // Sorted: concurrent writers lock progress rows in the same order.
    levels.sort_unstable();
    levels.dedup();
    (retries, levels)
}

/// The writes of one batch and an outcome per attempt, exactly as recording the attempts one
/// after the other would give.
#[derive(Debug, Default)]
pub struct Plan<'a> {
    pub outcomes: Vec<AttemptOutcome>,
    /// The attempts to insert, in order.
    pub inserts: Vec<&'a NewAttempt>,
    /// Programs to store unless stored already, each hash once, with the time of its first
    /// attempt.
    pub programs: Vec<(&'a StoredProgram, Millis)>,
    /// The progress rows after the batch, with their account, each (account, level) once.
    pub progress: Vec<(&'a str, ProgressRecord)>,
    /// The same rows as the batch's attempts alone would make them (as if nothing was
    /// stored before): for a backend that merges them into the stored rows in SQL.
    pub own_progress: Vec<(&'a str, ProgressRecord)>,
    /// The learners whose progress changed, each once, sorted.
    pub changed: Vec<&'a str>,
    /// The bytes each of those learners stores after the batch, in the order of `changed`.
    pub storage: Vec<i64>,
    /// The bytes the batch's own attempts add for each, in the same order: for a backend that
    /// adds them to the stored count in SQL.
    pub own_storage: Vec<i64>,
}

/// What the stored attempts of the batch's learners take before it: bytes per account.
pub type Storage = HashMap<String, i64>;

/// Plans the batch from the earlier attempts under the client attempt ids of `keys`, the
/// stored progress of its (account, level) pairs and the storage its learners use. An attempt
/// that would take its learner past `budget` bytes is refused and writes nothing.
pub fn plan<'a>(
    attempts: &'a [NewAttempt],
    mut earlier: HashMap<(String, String), Earlier>,
    mut progress: HashMap<(String, String), ProgressRecord>,
    mut storage: Storage,
    budget: i64,
) -> StoreResult<Plan<'a>> {
    let mut out = Plan::default();
    let mut touched: Vec<(&str, &str)> = Vec::new();
    let mut seen_programs: HashMap<&str, ()> = HashMap::new();
    let mut own: HashMap<(String, String), ProgressRecord> = HashMap::new();
    let mut own_storage: HashMap<&str, i64> = HashMap::new();
    for a in attempts {
        let level = (a.account_id.clone(), a.level_id.clone());
        if let Some(cid) = &a.client_attempt_id
            && let Some(e) = earlier.get(&(a.account_id.clone(), cid.clone()))
        {
            if e.level_id != a.level_id {
                // The id names an attempt on another level: not a retry of this one.
                out.outcomes.push(AttemptOutcome::AttemptIdConflict);
                continue;
            }
            let progress = progress
                .get(&level)
                .cloned()
                .ok_or_else(|| StoreError::Database("an attempt without progress".into()))?;
            out.outcomes.push(AttemptOutcome::AlreadyRecorded {
                program_hash: e.program_hash.clone(),
                answer: e.answer.clone(),
                progress,
            });
            continue;
        }
        let bytes = stored_bytes(a);
        let used = storage.entry(a.account_id.clone()).or_insert(0);
        if used.saturating_add(bytes) > budget {
            out.outcomes.push(AttemptOutcome::StorageFull);
            continue;
        }
        *used = used.saturating_add(bytes);
        *own_storage.entry(a.account_id.as_str()).or_insert(0) += bytes;
        if let Some(cid) = &a.client_attempt_id {
            // A second copy later in the same batch is a retry of this one.
            earlier.insert(
                (a.account_id.clone(), cid.clone()),
                Earlier {
                    level_id: a.level_id.clone(),
                    program_hash: a.program.as_ref().map(|p| p.hash.clone()),
                    answer: a.answer.clone(),
                },
            );
        }
        if let Some(p) = &a.program
            && seen_programs.insert(p.hash.as_str(), ()).is_none()
        {
            out.programs.push((p, a.at));
        }
        out.inserts.push(a);
        let after = progress_after(progress.get(&level), a);
        let alone = progress_after(own.get(&level), a);
        own.insert(level.clone(), alone);
        progress.insert(level, after.clone());
        touched.push((a.account_id.as_str(), a.level_id.as_str()));
        out.outcomes.push(AttemptOutcome::Recorded(after));
    }
    touched.sort_unstable();
    touched.dedup();
    for (account, level) in touched {
        let p = progress
            .remove(&(account.to_owned(), level.to_owned()))
            .ok_or_else(|| StoreError::Database("planned progress went missing".into()))?;
        out.progress.push((account, p));
        let key = (account.to_owned(), level.to_owned());
        if let Some(o) = own.remove(&key) {
            out.own_progress.push((account, o));
        }
    }
    // The touched pairs are sorted by account: each changed learner once, in order.
    out.changed = out.progress.iter().map(|(account, _)| *account).collect();
    out.changed.dedup();
    for account in &out.changed {
        out.storage
            .push(storage.get(*account).copied().unwrap_or(0));
        out.own_storage
            .push(own_storage.get(account).copied().unwrap_or(0));
    }
    Ok(out)
}
