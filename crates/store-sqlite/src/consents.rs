//! Consent answers on SQLite.

use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_store::sql::consents as sql;
use kodlek_store::*;
use sqlx::Row;

#[async_trait]
impl ConsentStore for SqliteStore {
    async fn set_consent(&self, r: &ConsentRecord) -> StoreResult<()> {
        sqlx::query(sql::ANSWER)
            .bind(&r.account_id)
            .bind(&r.purpose)
            .bind(r.granted)
            .bind(r.answered_at)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn consents_of(&self, account_id: &str) -> StoreResult<Vec<ConsentRecord>> {
        let rows = sqlx::query(sql::ANSWERS_OF)
            .bind(account_id)
            .fetch_all(&self.readers)
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
        let rows = sqlx::query(sql::ACCOUNTS_THAT_SAID_YES)
            .bind(purpose)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(|r| r.get("account_id")).collect())
    }
}
