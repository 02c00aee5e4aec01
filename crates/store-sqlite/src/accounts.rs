//! Accounts on SQLite: accounts, sessions, mail tokens, unsubscribes and erasure.

use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_domain::{Millis, Role};
use kodlek_store::sql::accounts as sql;
use kodlek_store::*;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

pub(crate) fn account_from(r: &SqliteRow) -> AccountRecord {
    AccountRecord {
        id: r.get("id"),
        role: Role::parse(r.get::<&str, _>("role")).unwrap_or(Role::Student),
        display_name: r.get("display_name"),
        username: r.get("username"),
        age_years: r.get("age_years"),
        age_stated_at: r.get("age_stated_at"),
        gender: r.get("gender"),
        email_lookup: r.get("email_lookup"),
        email_ciphertext: r.get("email_ciphertext"),
        email_verified: r.get("email_verified"),
        password_hash: r.get("password_hash"),
        school_name: r.get("school_name"),
        school_address_ciphertext: r.get("school_address_ciphertext"),
        managed_by_teacher: r.get("managed_by_teacher"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
    }
}

fn session_from(r: &SqliteRow) -> SessionRecord {
    SessionRecord {
        token_hash: r.get("token_hash"),
        account_id: r.get("account_id"),
        created_at: r.get("created_at"),
        last_seen_at: r.get("last_seen_at"),
        expires_at: r.get("expires_at"),
        persistent: r.get("persistent"),
    }
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn insert_account(&self, a: &AccountRecord) -> StoreResult<()> {
        let mut conn = self.writer.acquire().await.map_err(db_err)?;
        insert_account_in(&mut conn, a).await
    }

    async fn account_by_id(&self, id: &str) -> StoreResult<Option<AccountRecord>> {
        let r = sqlx::query(sql::ACCOUNT_BY_ID)
            .bind(id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(account_from))
    }

    async fn account_by_email_lookup(
        &self,
        candidates: &[String],
    ) -> StoreResult<Option<AccountRecord>> {
        for c in candidates {
            let r = sqlx::query(sql::ACCOUNT_BY_EMAIL_LOOKUP)
                .bind(c)
                .fetch_optional(&self.readers)
                .await
                .map_err(db_err)?;
            if let Some(r) = r {
                return Ok(Some(account_from(&r)));
            }
        }
        Ok(None)
    }

    async fn account_by_username(&self, username: &str) -> StoreResult<Option<AccountRecord>> {
        let r = sqlx::query(sql::ACCOUNT_BY_USERNAME)
            .bind(username)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(account_from))
    }

    async fn update_account(&self, a: &AccountRecord) -> StoreResult<()> {
        let mut conn = self.writer.acquire().await.map_err(db_err)?;
        update_account_in(&mut conn, a).await
    }

    async fn erase_account(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let n = erase_in(&mut tx, id).await?;
        tx.commit().await.map_err(db_err)?;
        if n > 0 {
            self.checkpoint().await?;
        }
        Ok(n > 0)
    }
}

pub(crate) async fn insert_account_in(
    conn: &mut sqlx::SqliteConnection,
    a: &AccountRecord,
) -> StoreResult<()> {
    sqlx::query(sql::INSERT_ACCOUNT)
        .bind(&a.id)
        .bind(a.role.as_str())
        .bind(&a.display_name)
        .bind(&a.username)
        .bind(a.age_years)
        .bind(a.age_stated_at)
        .bind(&a.gender)
        .bind(&a.email_lookup)
        .bind(&a.email_ciphertext)
        .bind(a.email_verified)
        .bind(&a.password_hash)
        .bind(&a.school_name)
        .bind(&a.school_address_ciphertext)
        .bind(a.managed_by_teacher)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn update_account_in(
    conn: &mut sqlx::SqliteConnection,
    a: &AccountRecord,
) -> StoreResult<()> {
    sqlx::query(sql::UPDATE_ACCOUNT)
        .bind(a.role.as_str())
        .bind(&a.display_name)
        .bind(&a.username)
        .bind(a.age_years)
        .bind(a.age_stated_at)
        .bind(&a.gender)
        .bind(&a.email_lookup)
        .bind(&a.email_ciphertext)
        .bind(a.email_verified)
        .bind(&a.password_hash)
        .bind(&a.school_name)
        .bind(&a.school_address_ciphertext)
        .bind(a.managed_by_teacher)
        .bind(a.updated_at)
        .bind(&a.id)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()> {
        sqlx::query(sql::INSERT_SESSION)
            .bind(&s.token_hash)
            .bind(&s.account_id)
            .bind(s.created_at)
            .bind(s.last_seen_at)
            .bind(s.expires_at)
            .bind(s.persistent)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let r = sqlx::query(sql::SESSION)
            .bind(token_hash)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(session_from))
    }

    async fn session_with_account(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(SessionRecord, AccountRecord)>> {
        let r = sqlx::query(sql::SESSION_WITH_ACCOUNT)
            .bind(token_hash)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| {
            let session = SessionRecord {
                token_hash: r.get("token_hash"),
                account_id: r.get("id"),
                created_at: r.get("session_created_at"),
                last_seen_at: r.get("last_seen_at"),
                expires_at: r.get("expires_at"),
                persistent: r.get("persistent"),
            };
            (session, account_from(&r))
        }))
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        sqlx::query(sql::TOUCH_SESSION)
            .bind(last_seen_at)
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query(sql::DELETE_SESSION)
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_other_sessions(&self, account_id: &str, keep: Option<&str>) -> StoreResult<()> {
        sqlx::query(sql::DELETE_OTHER_SESSIONS)
            .bind(account_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_expired_sessions(&self, now: Millis) -> StoreResult<u64> {
        let r = sqlx::query(sql::PURGE_EXPIRED_SESSIONS)
            .bind(now)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}

#[async_trait]
impl MailTokenStore for SqliteStore {
    async fn insert_mail_token(&self, t: &MailTokenRecord) -> StoreResult<()> {
        sqlx::query(sql::INSERT_MAIL_TOKEN)
            .bind(&t.token_hash)
            .bind(&t.account_id)
            .bind(t.purpose.as_str())
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn take_mail_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Millis,
    ) -> StoreResult<Option<String>> {
        let r = sqlx::query(sql::TAKE_MAIL_TOKEN)
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.and_then(|r| (r.get::<i64, _>("expires_at") > now).then(|| r.get("account_id"))))
    }
}
#[async_trait]
impl UnsubscribeStore for SqliteStore {
    async fn add_unsubscribe(&self, address_key: &str, now: Millis) -> StoreResult<()> {
        sqlx::query(sql::ADD_UNSUBSCRIBE)
            .bind(address_key)
            .bind(now)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn is_unsubscribed(&self, address_keys: &[String]) -> StoreResult<bool> {
        for k in address_keys {
            let r = sqlx::query(sql::IS_UNSUBSCRIBED)
                .bind(k)
                .fetch_optional(&self.readers)
                .await
                .map_err(db_err)?;
            if r.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Deletes an account and what belongs to it, inside the caller's transaction.
pub(crate) async fn erase_in(conn: &mut SqliteConnection, id: &str) -> StoreResult<u64> {
    // Programs that nobody else wrote go with their author.
    sqlx::query(sql::ERASE_OWN_PROGRAMS)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    // Sessions, tokens, attempts, progress, memberships and secrets cascade. So do the
    // account's notices, its notice mailings and its consent answers: they are about this
    // person only. Its support requests cascade too, whole: their message is free text that
    // may name the person, so a request from an erased account keeps nothing at all.
    Ok(sqlx::query(sql::DELETE_ACCOUNT)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?
        .rows_affected())
}
