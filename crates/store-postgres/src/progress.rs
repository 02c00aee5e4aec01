//! Attempts on PostgreSQL: programs, progress per level and storage use, a batch at a time.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_store::sql::progress as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;
use std::collections::HashMap;

fn progress_from(r: &PgRow) -> ProgressRecord {
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
impl ProgressStore for PgStore {
    async fn record_attempts_within(
        &self,
        attempts: &[NewAttempt],
        budget: i64,
    ) -> StoreResult<Vec<AttemptOutcome>> {
        // The whole batch in two statements, each taking its rows as arrays (every statement
        // is a round trip to the server, and one writer serves every request): one read of
        // what the plan needs, then one statement that writes it all, atomic on its own. The
        // progress rows are merged into what is stored by SQL itself, so that another
        // server's writer between the two statements loses nothing: the outcomes answered
        // are those of the read.
        let (retries, levels) = batch::keys(attempts);
        let column = |pairs: &[(&str, &str)], i: usize| -> Vec<String> {
            pairs
                .iter()
                .map(|p| if i == 0 { p.0 } else { p.1 }.to_owned())
                .collect()
        };
        let mut accounts = column(&levels, 0);
        accounts.dedup();
        // The storage rows carry their bytes in `attempts`. The write adds the batch's own
        // bytes to what is stored, so the count stays exact; only the budget check, made on
        // this read, can let two servers' batches of one learner past it at the same moment,
        // by at most one batch each.
        let rows = sqlx::query(
            "SELECT 'earlier' AS kind, a.account_id, a.client_attempt_id AS key, a.level_id, \
             a.program_hash, a.answer, NULL::bigint AS attempts, NULL::text AS best_status, \
             NULL::text AS last_status, NULL::bigint AS first_attempt_at, NULL::bigint AS last_attempt_at \
             FROM UNNEST($1::text[], $2::text[]) AS k(account_id, client_attempt_id) \
             JOIN attempts a USING (account_id, client_attempt_id) \
             UNION ALL \
             SELECT 'progress', p.account_id, p.level_id, NULL, NULL, NULL, p.attempts, p.best_status, \
             p.last_status, p.first_attempt_at, p.last_attempt_at FROM level_progress p \
             JOIN UNNEST($3::text[], $4::text[]) AS k(account_id, level_id) USING (account_id, level_id) \
             UNION ALL \
             SELECT 'storage', s.account_id, s.account_id, NULL, NULL, NULL, s.bytes, NULL, NULL, NULL, NULL \
             FROM storage_use s WHERE s.account_id = ANY($5::text[])",
        )
        .bind(column(&retries, 0))
        .bind(column(&retries, 1))
        .bind(column(&levels, 0))
        .bind(column(&levels, 1))
        .bind(accounts)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let (mut earlier, mut old, mut storage) = (HashMap::new(), HashMap::new(), HashMap::new());
        for r in rows {
            let key = (r.get("account_id"), r.get::<String, _>("key"));
            let kind: &str = r.get("kind");
            if kind == "earlier" {
                let e = batch::Earlier {
                    level_id: r.get("level_id"),
                    program_hash: r.get("program_hash"),
                    answer: r.get("answer"),
                };
                earlier.insert(key, e);
            } else if kind == "storage" {
                storage.insert(key.0, r.get::<i64, _>("attempts"));
            } else {
                let p = ProgressRecord {
                    level_id: key.1.clone(),
                    last_status: r.get("last_status"),
                    best_status: r.get("best_status"),
                    attempts: r.get("attempts"),
                    first_attempt_at: r.get("first_attempt_at"),
                    last_attempt_at: r.get("last_attempt_at"),
                };
                old.insert(key, p);
            }
        }
        let plan = batch::plan(attempts, earlier, old, storage, budget)?;
        if !plan.inserts.is_empty() {
            let (i, p) = (&plan.inserts, &plan.own_progress);
            let (hashes, bodies, ats): (Vec<&str>, Vec<&str>, Vec<i64>) = plan
                .programs
                .iter()
                .map(|(p, at)| (p.hash.as_str(), p.body.as_str(), *at))
                .collect();
            // Four inserts in one statement, so one round trip; none reads what another
            // writes (attempts name their program by hash only, without a foreign key). The
            // ranks of the statuses are those of `kodlek_store::status_rank`.
            sqlx::query(
                "WITH programs_in AS (INSERT INTO programs (hash, body, created_at) \
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[]) \
                 ON CONFLICT (hash) DO NOTHING), \
                 attempts_in AS (INSERT INTO attempts (id, account_id, level_id, at, status, \
                 program_hash, answer, client_attempt_id) \
                 SELECT * FROM UNNEST($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], \
                 $9::text[], $10::text[], $11::text[])), \
                 progress_in AS (INSERT INTO level_progress (account_id, level_id, attempts, \
                 best_status, last_status, first_attempt_at, last_attempt_at) \
                 SELECT * FROM UNNEST($12::text[], $13::text[], $14::bigint[], $15::text[], \
                 $16::text[], $17::bigint[], $18::bigint[]) \
                 ON CONFLICT (account_id, level_id) DO UPDATE SET \
                 attempts = level_progress.attempts + excluded.attempts, \
                 best_status = CASE WHEN (CASE excluded.best_status WHEN 'perfect' THEN 3 WHEN 'passed' THEN 2 WHEN 'completed' THEN 1 ELSE 0 END) > \
                 (CASE level_progress.best_status WHEN 'perfect' THEN 3 WHEN 'passed' THEN 2 WHEN 'completed' THEN 1 ELSE 0 END) \
                 THEN excluded.best_status ELSE level_progress.best_status END, \
                 last_status = excluded.last_status, \
                 first_attempt_at = LEAST(level_progress.first_attempt_at, excluded.first_attempt_at), \
                 last_attempt_at = GREATEST(level_progress.last_attempt_at, excluded.last_attempt_at)), \
                 storage_in AS (INSERT INTO storage_use (account_id, bytes) \
                 SELECT * FROM UNNEST($19::text[], $20::bigint[]) \
                 ON CONFLICT (account_id) DO UPDATE SET bytes = storage_use.bytes + excluded.bytes) \
                 INSERT INTO progress_versions (account_id, version) SELECT unnest($19::text[]), 1 \
                 ON CONFLICT (account_id) DO UPDATE SET version = progress_versions.version + 1",
            )
            .bind(hashes)
            .bind(bodies)
            .bind(ats)
            .bind(i.iter().map(|a| a.id.as_str()).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.account_id.as_str()).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.level_id.as_str()).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.at).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.status.as_str()).collect::<Vec<_>>())
            .bind(
                i.iter()
                    .map(|a| a.program.as_ref().map(|p| p.hash.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind(i.iter().map(|a| a.answer.as_deref()).collect::<Vec<_>>())
            .bind(
                i.iter()
                    .map(|a| a.client_attempt_id.as_deref())
                    .collect::<Vec<_>>(),
            )
            .bind(p.iter().map(|(a, _)| *a).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.level_id.as_str()).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.attempts).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.best_status.as_str()).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.last_status.as_str()).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.first_attempt_at).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.last_attempt_at).collect::<Vec<_>>())
            .bind(&plan.changed)
            .bind(&plan.own_storage)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        }
        Ok(plan.outcomes)
    }

    async fn progress_of(&self, account_id: &str) -> StoreResult<Vec<ProgressRecord>> {
        let rows = sqlx::query(sql::PROGRESS_OF)
            .bind(account_id)
            .fetch_all(&self.pool)
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
            .fetch_all(&self.pool)
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
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.map_or(0, |r| r.get("bytes")))
    }

    async fn program(&self, hash: &str) -> StoreResult<Option<String>> {
        let r = sqlx::query(sql::PROGRAM)
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| r.get("body")))
    }

    async fn level_tally(&self) -> StoreResult<Vec<LevelTallyRow>> {
        let rows = sqlx::query(sql::LEVEL_TALLY)
            .fetch_all(&self.pool)
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
