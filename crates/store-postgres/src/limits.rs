//! Rate limits on PostgreSQL: one row per bucket, its hits and the start of its window.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::*;
use sqlx::Row;

#[async_trait]
impl LimitStore for PgStore {
    async fn hit(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT(bucket) DO UPDATE SET \
               hits = CASE WHEN rate_limits.window_start <= $2 - $3 THEN 1 ELSE rate_limits.hits + 1 END, \
               window_start = CASE WHEN rate_limits.window_start <= $2 - $3 THEN $2 ELSE rate_limits.window_start END \
             RETURNING hits, window_start",
        )
        .bind(bucket)
        .bind(now)
        .bind(window)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(Hits {
            count: r.get("hits"),
            window_start: r.get("window_start"),
        })
    }

    async fn peek(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "SELECT hits, window_start FROM rate_limits WHERE bucket = $1 AND window_start > $2",
        )
        .bind(bucket)
        .bind(now - window)
        .fetch_optional(&self.pool)
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
        sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_limits(&self, older_than: Millis) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(older_than)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}
