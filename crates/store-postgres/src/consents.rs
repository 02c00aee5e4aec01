//! Consent answers on PostgreSQL.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_store::*;
use sqlx::Row;

#[async_trait]
impl ConsentStore for PgStore {
    async fn set_consent(&self, r: &ConsentRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO consents (account_id, purpose, granted, answered_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id, purpose) DO UPDATE SET granted = excluded.granted, \
             answered_at = excluded.answered_at",
        )
        .bind(&r.account_id)
        .bind(&r.purpose)
        .bind(r.granted)
        .bind(r.answered_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn consents_of(&self, account_id: &str) -> StoreResult<Vec<ConsentRecord>> {
        let rows = sqlx::query("SELECT * FROM consents WHERE account_id = $1 ORDER BY purpose")
            .bind(account_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| ConsentRecord {
                account_id: r.get("account_id"),
                purpose: r.get("purpose"),
                granted: r.get("granted"),
                answered_at: r.get("answered_at"),
            })
            .collect())
    }

    async fn accounts_consenting_to(&self, purpose: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT account_id FROM consents WHERE purpose = $1 AND granted ORDER BY account_id",
        )
        .bind(purpose)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.iter().map(|r| r.get("account_id")).collect())
    }
}
