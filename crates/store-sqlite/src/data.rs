//! Data migrations that need Rust, run right after the SQL migrations and each only once.

use crate::db_err;
use kodlek_store::sql::data as sql;
use kodlek_store::{StoreError, StoreResult};
use sqlx::{Row, SqlitePool};

/// Rewrites every stored program to its canonical form (migration 0005).
pub const CANONICAL_PROGRAMS: &str = "0005_canonical_programs";
/// Programs rewritten per transaction, so that a large database is never locked for long.
const BATCH: i64 = 200;

/// Runs the data migrations not yet done.
pub async fn run(pool: &SqlitePool) -> StoreResult<()> {
    let done = sqlx::query(sql::DATA_MIGRATION_DONE)
        .bind(CANONICAL_PROGRAMS)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?;
    if done.is_none() {
        canonical_programs(pool).await?;
    }
    Ok(())
}

/// Each program whose text is not canonical is stored again under the hash of its canonical
/// text, its attempts are pointed at that, and the old row is deleted: no attempt is left
/// without its program and no program without an attempt. Idempotent: stopped half-way, it
/// goes on where it was the next time; a canonical program is left as it is.
async fn canonical_programs(pool: &SqlitePool) -> StoreResult<()> {
    let mut after = String::new();
    loop {
        let rows = sqlx::query(sql::PROGRAMS_AFTER)
            .bind(&after)
            .bind(BATCH)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        let Some(last) = rows.last() else { break };
        after = last.get("hash");
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
        for r in &rows {
            let (hash, body): (String, String) = (r.get("hash"), r.get("body"));
            let canonical = kodlek_puzzles::stored_form(&body);
            let new_hash = kodlek_privacy::keys::token_digest(&canonical);
            if new_hash == hash {
                continue;
            }
            sqlx::query(sql::INSERT_PROGRAM)
                .bind(&new_hash)
                .bind(&canonical)
                .bind(r.get::<i64, _>("created_at"))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(sql::REPOINT_ATTEMPTS)
                .bind(&new_hash)
                .bind(&hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(sql::DELETE_PROGRAM)
                .bind(&hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
    }
    // The programs are smaller now: the storage each account uses is counted again.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    sqlx::query(sql::FORGET_STORAGE_USE)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?;
    sqlx::query(
        "INSERT INTO storage_use (account_id, bytes) \
         SELECT a.account_id, SUM(COALESCE(length(CAST(p.body AS BLOB)), 0) \
         + COALESCE(length(CAST(a.answer AS BLOB)), 0)) \
         FROM attempts a LEFT JOIN programs p ON p.hash = a.program_hash GROUP BY a.account_id",
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::Database(e.to_string()))?;
    sqlx::query(sql::MARK_DATA_MIGRATION_DONE)
        .bind(CANONICAL_PROGRAMS)
        .bind(kodlek_domain::now_millis())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?;
    tx.commit().await.map_err(db_err)?;
    Ok(())
}
