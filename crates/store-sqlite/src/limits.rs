//! Rate limits on SQLite: one row per bucket, its hits and the start of its window.

use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::*;
use sqlx::Row;

#[async_trait]
impl LimitStore for SqliteStore {
    async fn hit(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?1, ?2, 1) \
             ON CONFLICT(bucket) DO UPDATE SET \
               hits = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE hits + 1 END, \
               window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END \
             RETURNING hits, window_start",
        )
        .bind(bucket)
        .bind(now)
        .bind(window)
        .fetch_one(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(Hits {
            count: r.get("hits"),
            window_start: r.get("window_start"),
        })
    }

    async fn peek(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "SELECT hits, window_start FROM rate_limits WHERE bucket = ? AND window_start > ?",
        )
        .bind(bucket)
        .bind(now - window)
        .fetch_optional(&self.readers)
        .await
        .map_err(db_err)?;
        Ok(r.map(|r| Hits {
            count: r.get("hits"),
            window_start: r.get("window_start"),
        })
        .unwrap_or(Hits {
            count: 0,
            window_start: now,
        }))
    }

    async fn clear(&self, bucket: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_limits WHERE bucket = ?")
            .bind(bucket)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_limits(&self, older_than: Millis) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM rate_limits WHERE window_start < ?")
            .bind(older_than)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}
