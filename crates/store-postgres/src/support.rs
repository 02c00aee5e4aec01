//! Support requests on PostgreSQL.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::support as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;

fn request_from(r: &PgRow) -> SupportRequestRecord {
    SupportRequestRecord {
        id: r.get("id"),
        topic: r.get("topic"),
        message: r.get("message"),
        account_id: r.get("account_id"),
        reply_to_ciphertext: r.get("reply_to_ciphertext"),
        created_at: r.get("created_at"),
        closed_at: r.get("closed_at"),
        closed_by: r.get("closed_by"),
        close_note: r.get("close_note"),
    }
}

#[async_trait]
impl SupportStore for PgStore {
    async fn insert_support_request(&self, r: &SupportRequestRecord) -> StoreResult<()> {
        sqlx::query(sql::INSERT_REQUEST)
            .bind(&r.id)
            .bind(&r.topic)
            .bind(&r.message)
            .bind(&r.account_id)
            .bind(&r.reply_to_ciphertext)
            .bind(r.created_at)
            .bind(r.closed_at)
            .bind(&r.closed_by)
            .bind(&r.close_note)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn support_requests(&self, limit: u32) -> StoreResult<Vec<SupportRequestRecord>> {
        let rows = sqlx::query(sql::LIST_REQUESTS)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(request_from).collect())
    }

    async fn close_support_request(
        &self,
        id: &str,
        by: &str,
        note: Option<&str>,
        now: Millis,
    ) -> StoreResult<Closed> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(sql::CLOSE_REQUEST)
            .bind(now)
            .bind(by)
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let outcome = if r.rows_affected() == 1 {
            Closed::Now
        } else {
            let found = sqlx::query(sql::REQUEST_EXISTS)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            if found.is_some() {
                Closed::Already
            } else {
                Closed::NotFound
            }
        };
        tx.commit().await.map_err(db_err)?;
        Ok(outcome)
    }

    async fn erase_old_reply_addresses(&self, closed_before: Millis) -> StoreResult<u64> {
        let r = sqlx::query(sql::ERASE_OLD_REPLY_ADDRESSES)
            .bind(closed_before)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}
