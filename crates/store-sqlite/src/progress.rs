//! Attempts on SQLite: programs, progress per level and storage use, a batch at a time.

use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_store::sql::progress as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;

/// Rows for a statement that reads them with `json_each`.
fn json_rows<T: serde::Serialize + ?Sized>(rows: &T) -> StoreResult<String> {
    serde_json::to_string(rows).map_err(|e| StoreError::Database(e.to_string()))
}

fn progress_from(r: &SqliteRow) -> ProgressRecord {
    ProgressRecord {
        level_id: r.get("level_id"),
        last_status: r.get("last_status"),
        best_status: r.get("best_status"),
        attempts: r.get("attempts"),
        first_attempt_at: r.get("first_attempt_at"),
        last_attempt_at: r.get("last_attempt_at"),
    }
}

#[async_trait]
impl ProgressStore for SqliteStore {
    async fn record_attempts_within(
        &self,
        attempts: &[NewAttempt],
        budget: i64,
    ) -> StoreResult<Vec<AttemptOutcome>> {
        // The whole batch in two round trips (the driver's cost is per round trip, and one
        // writer serves every request): the write lock and the reads the plan needs, then
        // every insert and the commit. Each statement takes its rows as one JSON array.
        let (retries, levels) = batch::keys(attempts);
        let mut batch = OpenBatch {
            conn: self.writer.acquire().await.map_err(db_err)?,
            open: true,
        };
        let result = write_batch(&mut batch.conn, attempts, &retries, &levels, budget).await;
        if result.is_err() {
            // Whatever failed, nothing of the batch stays.
            if sqlx::query("ROLLBACK")
                .execute(&mut *batch.conn)
                .await
                .is_err()
            {
                return result;
            }
        }
        batch.open = false;
        result
    }

    async fn progress_of(&self, account_id: &str) -> StoreResult<Vec<ProgressRecord>> {
        let rows = sqlx::query(sql::PROGRESS_OF)
            .bind(account_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(progress_from).collect())
    }

    async fn attempts_of(
        &self,
        account_id: &str,
        level_id: &str,
    ) -> StoreResult<Vec<AttemptRecord>> {
        let rows = sqlx::query(sql::ATTEMPTS_OF)
            .bind(account_id)
            .bind(level_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| AttemptRecord {
                at: r.get("at"),
                status: r.get("status"),
                program: r.get("body"),
                answer: r.get("answer"),
            })
            .collect())
    }

    async fn storage_used(&self, account_id: &str) -> StoreResult<i64> {
        let r = sqlx::query(sql::STORAGE_USED)
            .bind(account_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.map_or(0, |r| r.get("bytes")))
    }

    async fn program(&self, hash: &str) -> StoreResult<Option<String>> {
        let r = sqlx::query(sql::PROGRAM)
            .bind(hash)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| r.get("body")))
    }

    async fn level_tally(&self) -> StoreResult<Vec<LevelTallyRow>> {
        let rows = sqlx::query(sql::LEVEL_TALLY)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| LevelTallyRow {
                level_id: r.get("level_id"),
                attempts: r.get("attempts"),
                best_status: r.get("best_status"),
                learners: r.get("learners"),
            })
            .collect())
    }
}

/// A connection of the writer inside a batch's transaction. Dropped while open (a failed
/// rollback, or a caller that stopped waiting), the connection is closed instead of going
/// back to the pool, and SQLite rolls the transaction back as it closes.
struct OpenBatch {
    conn: sqlx::pool::PoolConnection<sqlx::Sqlite>,
    open: bool,
}

impl Drop for OpenBatch {
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

async fn write_batch(
    conn: &mut sqlx::SqliteConnection,
    attempts: &[NewAttempt],
    retries: &batch::Pairs<'_>,
    levels: &batch::Pairs<'_>,
    budget: i64,
) -> StoreResult<Vec<AttemptOutcome>> {
    let mut accounts: Vec<&str> = levels.iter().map(|(a, _)| *a).collect();
    accounts.dedup();
    // The earlier attempts under the batch's client attempt ids, the progress rows it touches
    // and its learners' storage use, told apart by their columns.
    let rows = sqlx::query(
        "BEGIN IMMEDIATE; \
         SELECT a.account_id, a.client_attempt_id, a.level_id, a.program_hash, a.answer \
         FROM json_each(?) k JOIN attempts a ON a.account_id = k.value ->> 0 \
         AND a.client_attempt_id = k.value ->> 1; \
         SELECT p.* FROM json_each(?) k JOIN level_progress p \
         ON p.account_id = k.value ->> 0 AND p.level_id = k.value ->> 1; \
         SELECT s.account_id, s.bytes FROM json_each(?) k JOIN storage_use s \
         ON s.account_id = k.value",
    )
    .bind(json_rows(retries)?)
    .bind(json_rows(levels)?)
    .bind(json_rows(&accounts)?)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut earlier = HashMap::new();
    let mut old = HashMap::new();
    let mut storage = HashMap::new();
    for r in &rows {
        let has = |name: &str| r.columns().iter().any(|c| sqlx::Column::name(c) == name);
        if has("client_attempt_id") {
            earlier.insert(
                (r.get("account_id"), r.get("client_attempt_id")),
                batch::Earlier {
                    level_id: r.get("level_id"),
                    program_hash: r.get("program_hash"),
                    answer: r.get("answer"),
                },
            );
        } else if has("bytes") {
            storage.insert(r.get("account_id"), r.get("bytes"));
        } else {
            old.insert((r.get("account_id"), r.get("level_id")), progress_from(r));
        }
    }
    let plan = batch::plan(attempts, earlier, old, storage, budget)?;
    let (mut writes, mut binds) = (String::new(), Vec::new());
    if !plan.inserts.is_empty() {
        // Rows as JSON arrays, written straight from tuples.
        let programs = json_rows(
            &plan
                .programs
                .iter()
                .map(|(p, at)| (&p.hash, &p.body, at))
                .collect::<Vec<_>>(),
        )?;
        let inserts = json_rows(
            &plan
                .inserts
                .iter()
                .map(|a| {
                    (
                        &a.id,
                        &a.account_id,
                        &a.level_id,
                        a.at,
                        &a.status,
                        a.program.as_ref().map(|p| &p.hash),
                        &a.answer,
                        &a.client_attempt_id,
                    )
                })
                .collect::<Vec<_>>(),
        )?;
        let progress = json_rows(
            &plan
                .progress
                .iter()
                .map(|(account, p)| {
                    (
                        account,
                        &p.level_id,
                        p.attempts,
                        &p.best_status,
                        &p.last_status,
                        p.first_attempt_at,
                        p.last_attempt_at,
                    )
                })
                .collect::<Vec<_>>(),
        )?;
        let changed = json_rows(&plan.changed)?;
        let storage = json_rows(&plan.changed.iter().zip(&plan.storage).collect::<Vec<_>>())?;
        writes.push_str(
                "INSERT INTO programs (hash, body, created_at) \
                 SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) WHERE true \
                 ON CONFLICT (hash) DO NOTHING; \
                 INSERT INTO attempts (id, account_id, level_id, at, status, program_hash, answer, client_attempt_id) \
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, \
                 value ->> 6, value ->> 7 FROM json_each(?); \
                 INSERT INTO level_progress (account_id, level_id, attempts, best_status, last_status, first_attempt_at, last_attempt_at) \
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 \
                 FROM json_each(?) WHERE true ON CONFLICT (account_id, level_id) DO UPDATE SET \
                 attempts = excluded.attempts, best_status = excluded.best_status, \
                 last_status = excluded.last_status, first_attempt_at = excluded.first_attempt_at, \
                 last_attempt_at = excluded.last_attempt_at; \
                 INSERT INTO progress_versions (account_id, version) \
                 SELECT value, 1 FROM json_each(?) WHERE true \
                 ON CONFLICT (account_id) DO UPDATE SET version = progress_versions.version + 1; \
                 INSERT INTO storage_use (account_id, bytes) \
                 SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true \
                 ON CONFLICT (account_id) DO UPDATE SET bytes = excluded.bytes; ",
            );
        binds = vec![programs, inserts, progress, changed, storage];
    }
    // Plain `?` placeholders, one per statement in order: the driver numbers them across
    // the statements (numbered `?NNN` ones go wrong there: the driver takes a statement's
    // unused lower numbers for positional ones).
    let mut q = sqlx::query(sqlx::AssertSqlSafe(writes + "COMMIT"));
    for b in binds {
        q = q.bind(b);
    }
    q.execute(&mut *conn).await.map_err(db_err)?;
    Ok(plan.outcomes)
}
