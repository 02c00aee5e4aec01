//! The job queue on SQLite: one writer, so a claim is one short write transaction.

use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::jobs::{self as sql, DUE, JOB_COLUMNS};
use kodlek_store::*;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

fn job_from(r: &SqliteRow) -> JobRecord {
    JobRecord {
        id: r.get("id"),
        kind: r.get("kind"),
        key: r.get("key"),
        payload: r.get("payload"),
        run_at: r.get("run_at"),
        attempts: r.get("attempts"),
        lease_until: r.get("lease_until"),
        last_error: r.get("last_error"),
        created_at: r.get("created_at"),
        dead_at: r.get("dead_at"),
    }
}

#[async_trait]
impl JobStore for SqliteStore {
    async fn enqueue_job(&self, job: &NewJob, now: Millis) -> StoreResult<bool> {
        let r = sqlx::query(sql::ENQUEUE_JOB)
            .bind(new_id())
            .bind(&job.kind)
            .bind(&job.key)
            .bind(&job.payload)
            .bind(job.run_at)
            .bind(now)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn claim_jobs(
        &self,
        limit: u32,
        lease: Millis,
        now: Millis,
    ) -> StoreResult<Vec<JobRecord>> {
        // A reader looks first: an idle server neither takes the write lock, which the
        // attempts' writer needs, nor writes anything.
        let any_due = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT 1 FROM jobs WHERE {DUE} LIMIT 1"
        )))
        .bind(now)
        .fetch_optional(&self.readers)
        .await
        .map_err(db_err)?;
        if any_due.is_none() {
            return Ok(Vec::new());
        }
        // BEGIN IMMEDIATE: the choice and the lease are one write, so no other claimer (another
        // process on the same file) can pick the same jobs in between.
        let mut tx = self.begin().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET attempts = attempts + 1, lease_until = $2 \
             WHERE id IN (SELECT id FROM jobs WHERE {DUE} ORDER BY run_at, id LIMIT $3) \
             RETURNING {JOB_COLUMNS}"
        )))
        .bind(now)
        .bind(now + lease)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        let mut jobs: Vec<JobRecord> = rows.iter().map(job_from).collect();
        jobs.sort_by(|a, b| (a.run_at, &a.id).cmp(&(b.run_at, &b.id)));
        Ok(jobs)
    }

    async fn finish_job(&self, job: &JobRecord, next_run: Option<Millis>) -> StoreResult<bool> {
        let r = match next_run {
            None => sqlx::query(sql::DELETE_FINISHED_JOB)
                .bind(&job.id)
                .bind(job.attempts)
                .execute(&self.writer)
                .await
                .map_err(db_err)?,
            Some(at) => sqlx::query(sql::RESCHEDULE_JOB)
                .bind(at)
                .bind(&job.id)
                .bind(job.attempts)
                .execute(&self.writer)
                .await
                .map_err(db_err)?,
        };
        Ok(r.rows_affected() == 1)
    }

    async fn fail_job(
        &self,
        job: &JobRecord,
        error: &str,
        retry_at: Option<Millis>,
        now: Millis,
    ) -> StoreResult<bool> {
        let r = sqlx::query(sql::FAIL_JOB)
            .bind(short_job_error(error))
            .bind(retry_at)
            .bind(now)
            .bind(&job.id)
            .bind(job.attempts)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn jobs(&self) -> StoreResult<Vec<JobRecord>> {
        let rows = sqlx::query(sql::JOBS)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(job_from).collect())
    }

    async fn purge_dead_jobs(&self, older_than: Millis) -> StoreResult<u64> {
        let r = sqlx::query(sql::PURGE_DEAD_JOBS)
            .bind(older_than)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}
