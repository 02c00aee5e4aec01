//! Sign-in identities on PostgreSQL.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::identities as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;

fn identity_from(r: &PgRow) -> IdentityRecord {
    IdentityRecord {
        account_id: r.get("account_id"),
        provider: r.get("provider"),
        subject: r.get("subject"),
        token_ciphertext: r.get("token_ciphertext"),
        token_kind: r.get("token_kind"),
        linked_at: r.get("linked_at"),
        checked_at: r.get("checked_at"),
    }
}

#[async_trait]
impl IdentityStore for PgStore {
    async fn insert_identity(&self, i: &IdentityRecord) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let taken = sqlx::query(sql::IDENTITY_BY_SUBJECT)
            .bind(&i.provider)
            .bind(&i.subject)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if taken.is_some() {
            return Err(StoreError::Conflict("identity"));
        }
        let linked = sqlx::query(sql::IDENTITY_OF_ACCOUNT)
            .bind(&i.account_id)
            .bind(&i.provider)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if linked.is_some() {
            return Err(StoreError::Conflict("provider"));
        }
        sqlx::query(sql::INSERT_IDENTITY)
            .bind(&i.account_id)
            .bind(&i.provider)
            .bind(&i.subject)
            .bind(&i.token_ciphertext)
            .bind(&i.token_kind)
            .bind(i.linked_at)
            .bind(i.checked_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn identity_by_subject(
        &self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<IdentityRecord>> {
        let row = sqlx::query(sql::IDENTITY_BY_SUBJECT)
            .bind(provider)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(identity_from))
    }

    async fn identities_of(&self, account_id: &str) -> StoreResult<Vec<IdentityRecord>> {
        let rows = sqlx::query(sql::IDENTITIES_OF)
            .bind(account_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(identity_from).collect())
    }

    async fn identity_checked(
        &self,
        account_id: &str,
        provider: &str,
        token: Option<(&str, &str)>,
        now: Millis,
    ) -> StoreResult<()> {
        sqlx::query(sql::IDENTITY_CHECKED)
            .bind(account_id)
            .bind(provider)
            .bind(now)
            .bind(token.map(|t| t.0))
            .bind(token.map(|t| t.1))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_identity(&self, account_id: &str, provider: &str) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::DELETE_SESSIONS_OF_IDENTITY)
            .bind(account_id)
            .bind(provider)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let n = sqlx::query(sql::DELETE_IDENTITY)
            .bind(account_id)
            .bind(provider)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        tx.commit().await.map_err(db_err)?;
        Ok(n > 0)
    }

    async fn insert_identity_session(
        &self,
        session_token_hash: &str,
        account_id: &str,
        provider: &str,
        now: Millis,
    ) -> StoreResult<()> {
        sqlx::query(sql::INSERT_IDENTITY_SESSION)
            .bind(session_token_hash)
            .bind(account_id)
            .bind(provider)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn identity_session(
        &self,
        session_token_hash: &str,
    ) -> StoreResult<Option<(String, Millis)>> {
        let row = sqlx::query(sql::IDENTITY_SESSION)
            .bind(session_token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| (r.get("provider"), r.get("signed_in_at"))))
    }

    async fn identities_due(
        &self,
        checked_before: Millis,
        limit: u32,
    ) -> StoreResult<Vec<IdentityRecord>> {
        let rows = sqlx::query(sql::IDENTITIES_DUE)
            .bind(checked_before)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(identity_from).collect())
    }

    async fn identity_refused(&self, account_id: &str, provider: &str) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(sql::DELETE_SESSIONS_OF_IDENTITY)
            .bind(account_id)
            .bind(provider)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        sqlx::query(sql::FORGET_TOKEN)
            .bind(account_id)
            .bind(provider)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(n)
    }

    async fn identity_unanswered(&self, account_id: &str, provider: &str) -> StoreResult<u64> {
        Ok(sqlx::query(sql::DELETE_SESSIONS_OF_IDENTITY)
            .bind(account_id)
            .bind(provider)
            .execute(&self.pool)
            .await
            .map_err(db_err)?
            .rows_affected())
    }
}
