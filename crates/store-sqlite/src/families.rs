//! Families on SQLite.

use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::families as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

fn link_from(r: &SqliteRow) -> FamilyLinkRecord {
    FamilyLinkRecord {
        parent_id: r.get("parent_id"),
        child_id: r.get("child_id"),
        linked_at: r.get("linked_at"),
    }
}

fn permission_from(r: &SqliteRow) -> SignUpPermissionRecord {
    SignUpPermissionRecord {
        account_id: r.get("account_id"),
        token_hash: r.get("token_hash"),
        parent_email_ciphertext: r.get("parent_email_ciphertext"),
        lang: r.get("lang"),
        status: r.get("status"),
        created_at: r.get("created_at"),
        expires_at: r.get("expires_at"),
        decided_at: r.get("decided_at"),
    }
}

fn request_from(r: &SqliteRow) -> ParentRequestRecord {
    ParentRequestRecord {
        id: r.get("id"),
        action: r.get("action"),
        status: r.get("status"),
        child_id: r.get("child_id"),
        parent_id: r.get("parent_id"),
        token_hash: r.get("token_hash"),
        parent_name: r.get("parent_name"),
        parent_email_ciphertext: r.get("parent_email_ciphertext"),
        child_display_name: r.get("child_display_name"),
        section_code: r.get("section_code"),
        school_name: r.get("school_name"),
        details: r.get("details"),
        lang: r.get("lang"),
        created_at: r.get("created_at"),
        confirmed_at: r.get("confirmed_at"),
        due_at: r.get("due_at"),
        decided_at: r.get("decided_at"),
        decided_by: r.get("decided_by"),
        decision_reason: r.get("decision_reason"),
    }
}

macro_rules! bind_request {
    ($q:expr, $r:expr) => {
        $q.bind(&$r.id)
            .bind(&$r.action)
            .bind(&$r.status)
            .bind(&$r.child_id)
            .bind(&$r.parent_id)
            .bind(&$r.token_hash)
            .bind(&$r.parent_name)
            .bind(&$r.parent_email_ciphertext)
            .bind(&$r.child_display_name)
            .bind(&$r.section_code)
            .bind(&$r.school_name)
            .bind(&$r.details)
            .bind(&$r.lang)
            .bind($r.created_at)
            .bind($r.confirmed_at)
            .bind($r.due_at)
            .bind($r.decided_at)
            .bind(&$r.decided_by)
            .bind(&$r.decision_reason)
    };
}

#[async_trait]
impl FamilyStore for SqliteStore {
    async fn insert_family_code(&self, c: &FamilyCodeRecord) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::DELETE_EXPIRED_CODES)
            .bind(c.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(sql::KEEP_NEWEST_CODES)
            .bind(&c.child_id)
            .bind(FAMILY_CODES_PER_CHILD - 1)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(sql::INSERT_CODE)
            .bind(&c.code_hash)
            .bind(&c.child_id)
            .bind(c.created_at)
            .bind(c.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(())
    }

    async fn take_family_code(&self, code_hash: &str, now: Millis) -> StoreResult<Option<String>> {
        let row = sqlx::query(sql::TAKE_CODE)
            .bind(code_hash)
            .bind(now)
            .fetch_optional(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| r.get("child_id")))
    }

    async fn link_family(&self, l: &FamilyLinkRecord) -> StoreResult<bool> {
        let r = sqlx::query(sql::INSERT_LINK)
            .bind(&l.parent_id)
            .bind(&l.child_id)
            .bind(l.linked_at)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn children_of(&self, parent_id: &str) -> StoreResult<Vec<FamilyLinkRecord>> {
        let rows = sqlx::query(sql::CHILDREN_OF)
            .bind(parent_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(link_from).collect())
    }

    async fn parents_of(&self, child_id: &str) -> StoreResult<Vec<FamilyLinkRecord>> {
        let rows = sqlx::query(sql::PARENTS_OF)
            .bind(child_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(link_from).collect())
    }

    async fn unlink_family(&self, parent_id: &str, child_id: &str) -> StoreResult<bool> {
        let r = sqlx::query(sql::DELETE_LINK)
            .bind(parent_id)
            .bind(child_id)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn child_control(&self, account_id: &str) -> StoreResult<Option<ChildControlRecord>> {
        let row = sqlx::query(sql::CHILD_CONTROL)
            .bind(account_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| ChildControlRecord {
            account_id: r.get("account_id"),
            status: r.get("status"),
            changed_at: r.get("changed_at"),
        }))
    }

    async fn set_child_control(
        &self,
        account_id: &str,
        status: Option<&str>,
        now: Millis,
    ) -> StoreResult<()> {
        match status {
            Some(s) => sqlx::query(sql::SET_CHILD_CONTROL)
                .bind(account_id)
                .bind(s)
                .bind(now)
                .execute(&self.writer)
                .await
                .map_err(db_err)?,
            None => sqlx::query(sql::DELETE_CHILD_CONTROL)
                .bind(account_id)
                .execute(&self.writer)
                .await
                .map_err(db_err)?,
        };
        Ok(())
    }

    async fn insert_sign_up_permission(&self, p: &SignUpPermissionRecord) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::INSERT_PERMISSION)
            .bind(&p.account_id)
            .bind(&p.token_hash)
            .bind(&p.parent_email_ciphertext)
            .bind(&p.lang)
            .bind(&p.status)
            .bind(p.created_at)
            .bind(p.expires_at)
            .bind(p.decided_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        if p.status == "pending" {
            sqlx::query(sql::SET_CHILD_CONTROL)
                .bind(&p.account_id)
                .bind("awaiting_permission")
                .bind(p.created_at)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(())
    }

    async fn sign_up_permission(
        &self,
        account_id: &str,
    ) -> StoreResult<Option<SignUpPermissionRecord>> {
        let row = sqlx::query(sql::PERMISSION)
            .bind(account_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(permission_from))
    }

    async fn sign_up_permission_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<SignUpPermissionRecord>> {
        let row = sqlx::query(sql::PERMISSION_BY_TOKEN)
            .bind(token_hash)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(permission_from))
    }

    async fn grant_sign_up_permission(&self, account_id: &str, now: Millis) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(sql::GRANT_PERMISSION)
            .bind(account_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        sqlx::query(sql::FREE_AWAITING)
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        if n > 0 {
            // The parent's address leaves the file's pages now, not at the next checkpoint.
            self.checkpoint().await?;
        }
        Ok(n > 0)
    }

    async fn expired_sign_up_permissions(&self, before: Millis) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(sql::EXPIRED_PERMISSIONS)
            .bind(before)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(|r| r.get("account_id")).collect())
    }

    async fn insert_parent_request(&self, r: &ParentRequestRecord) -> StoreResult<()> {
        bind_request!(sqlx::query(sql::INSERT_REQUEST), r)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn parent_request(&self, id: &str) -> StoreResult<Option<ParentRequestRecord>> {
        let row = sqlx::query(sql::REQUEST)
            .bind(id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(request_from))
    }

    async fn parent_request_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<ParentRequestRecord>> {
        let row = sqlx::query(sql::REQUEST_BY_TOKEN)
            .bind(token_hash)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(request_from))
    }

    async fn update_parent_request(
        &self,
        r: &ParentRequestRecord,
        from_status: &str,
    ) -> StoreResult<bool> {
        let n = bind_request!(sqlx::query(sql::UPDATE_REQUEST), r)
            .bind(from_status)
            .execute(&self.writer)
            .await
            .map_err(db_err)?
            .rows_affected();
        Ok(n == 1)
    }

    async fn parent_requests(&self, limit: u32) -> StoreResult<Vec<ParentRequestRecord>> {
        let rows = sqlx::query(sql::LIST_REQUESTS)
            .bind(i64::from(limit))
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(request_from).collect())
    }

    async fn erase_parent_request_contact(&self, id: &str) -> StoreResult<()> {
        sqlx::query(sql::ERASE_REQUEST_CONTACT)
            .bind(id)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        self.checkpoint().await?;
        Ok(())
    }
}
