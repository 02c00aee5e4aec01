//! Staff on PostgreSQL: staff members, their one-time TOTP steps, and the append-only audit log.

use crate::accounts::{account_from, insert_account_in};
use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_store::sql::staff as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;

fn staff_from(r: &PgRow) -> StaffRecord {
    StaffRecord {
        account_id: r.get("account_id"),
        roles: r.get("roles"),
        totp_secret_ciphertext: r.get("totp_secret_ciphertext"),
        totp_last_step: r.get("totp_last_step"),
        created_at: r.get("staff_created_at"),
    }
}

fn entry_from(r: &PgRow) -> AuditEntry {
    AuditEntry {
        seq: r.get("seq"),
        at: r.get("at"),
        actor_id: r.get("actor_id"),
        action: r.get("action"),
        subject_id: r.get("subject_id"),
        reason: r.get("reason"),
        ticket: r.get("ticket"),
        detail: r.get("detail"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}

#[async_trait]
impl StaffStore for PgStore {
    async fn insert_staff(&self, a: &AccountRecord, s: &StaffRecord) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        insert_account_in(&mut tx, a).await?;
        sqlx::query(sql::INSERT_STAFF)
            .bind(&s.account_id)
            .bind(&s.roles)
            .bind(&s.totp_secret_ciphertext)
            .bind(s.totp_last_step)
            .bind(s.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn staff_member(&self, account_id: &str) -> StoreResult<Option<StaffRecord>> {
        let r = sqlx::query(sql::STAFF_MEMBER)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(staff_from))
    }

    async fn staff_members(&self) -> StoreResult<Vec<(AccountRecord, StaffRecord)>> {
        let rows = sqlx::query(sql::STAFF_MEMBERS)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| (account_from(r), staff_from(r)))
            .collect())
    }

    async fn claim_totp_step(&self, account_id: &str, step: i64) -> StoreResult<bool> {
        let r = sqlx::query(sql::CLAIM_TOTP_STEP)
            .bind(step)
            .bind(account_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn append_audit(&self, e: &NewAuditEntry) -> StoreResult<AuditEntry> {
        // Appends wait for each other (reads go on): no two read the same end of the chain.
        // EXCLUSIVE conflicts with itself and with the ROW EXCLUSIVE an INSERT takes, and is
        // held to the end of the transaction.
        let mut tx = self.begin().await?;
        sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let last = sqlx::query(sql::LAST_AUDIT_ENTRY)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let (seq, prev) = match last {
            Some(r) => (r.get::<i64, _>("seq") + 1, r.get::<String, _>("hash")),
            None => (1, GENESIS_HASH.to_owned()),
        };
        let entry = e.chained(seq, &prev);
        sqlx::query(sql::INSERT_AUDIT_ENTRY)
            .bind(entry.seq)
            .bind(entry.at)
            .bind(&entry.actor_id)
            .bind(&entry.action)
            .bind(&entry.subject_id)
            .bind(&entry.reason)
            .bind(&entry.ticket)
            .bind(&entry.detail)
            .bind(&entry.prev_hash)
            .bind(&entry.hash)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(entry)
    }

    async fn audit_entries(
        &self,
        subject_id: Option<&str>,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(sql::AUDIT_ENTRIES)
            .bind(after_seq)
            .bind(subject_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(entry_from).collect())
    }
}
