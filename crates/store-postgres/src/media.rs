//! Media rows on PostgreSQL.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_store::sql::media as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;

/// Serialises one owner's uploads for the length of the transaction.
const LOCK_OWNER: &str = "SELECT id FROM accounts WHERE id = $1 FOR UPDATE";

fn media_from(r: &PgRow) -> MediaRecord {
    MediaRecord {
        id: r.get("id"),
        owner_id: r.get("owner_id"),
        kind: r.get("kind"),
        content_type: r.get("content_type"),
        bytes: r.get("bytes"),
        object_key: r.get("object_key"),
        created_at: r.get("created_at"),
    }
}

#[async_trait]
impl MediaStore for PgStore {
    async fn insert_media(&self, m: &MediaRecord, allowance: i64) -> StoreResult<bool> {
        // The owner's account row is locked before the sum is read: concurrent uploads of one
        // owner are counted one after the other, and other owners' go on meanwhile.
        let mut tx = self.begin().await?;
        sqlx::query(LOCK_OWNER)
            .bind(&m.owner_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let used: i64 = sqlx::query_scalar(sql::BYTES_USED)
            .bind(&m.owner_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        if used.saturating_add(m.bytes) > allowance {
            return Ok(false);
        }
        sqlx::query(sql::INSERT_MEDIA)
            .bind(&m.id)
            .bind(&m.owner_id)
            .bind(&m.kind)
            .bind(&m.content_type)
            .bind(m.bytes)
            .bind(&m.object_key)
            .bind(m.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn media_of(&self, owner_id: &str) -> StoreResult<Vec<MediaRecord>> {
        let rows = sqlx::query(sql::MEDIA_OF)
            .bind(owner_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(media_from).collect())
    }

    async fn media_by_id(&self, id: &str) -> StoreResult<Option<MediaRecord>> {
        let row = sqlx::query(sql::MEDIA_BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(media_from))
    }

    async fn media_bytes_used(&self, owner_id: &str) -> StoreResult<i64> {
        sqlx::query_scalar(sql::BYTES_USED)
            .bind(owner_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn delete_media(&self, id: &str, owner_id: &str) -> StoreResult<Option<MediaRecord>> {
        let row = sqlx::query(sql::DELETE_MEDIA)
            .bind(id)
            .bind(owner_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(media_from))
    }

    async fn media_erasures(&self, limit: u32) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(sql::ERASURES)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn forget_media_erasure(&self, object_key: &str) -> StoreResult<()> {
        sqlx::query(sql::FORGET_ERASURE)
            .bind(object_key)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
