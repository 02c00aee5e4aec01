//! Rate limits on SQLite: one row per bucket, its hits and the start of its window.

use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::limits as sql;
use kodlek_store::*;
use sqlx::Row;

#[async_trait]
impl LimitStore for SqliteStore {
    async fn hit(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(sql::HIT)
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
        let r = sqlx::query(sql::PEEK)
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
        sqlx::query(sql::CLEAR)
            .bind(bucket)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_limits(&self, older_than: Millis) -> StoreResult<u64> {
        let r = sqlx::query(sql::PURGE_LIMITS)
            .bind(older_than)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}
