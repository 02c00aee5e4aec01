//! Staff on PostgreSQL: staff members, their one-time TOTP steps, and the append-only audit log.

use crate::accounts::{account_from, insert_account_in};
use crate::{PgStore, db_err};
use async_trait::async_trait;
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

const STAFF_COLUMNS: &str = "m.account_id, m.roles, m.totp_secret_ciphertext, m.totp_last_step, \
     m.created_at AS staff_created_at";

#[async_trait]
impl StaffStore for PgStore {
    async fn insert_staff(&self, a: &AccountRecord, s: &StaffRecord) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        insert_account_in(&mut tx, a).await?;
        sqlx::query(
            "INSERT INTO staff_members (account_id, roles, totp_secret_ciphertext, totp_last_step, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
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
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff_members m WHERE m.account_id = $1"
        )))
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.as_ref().map(staff_from))
    }

    async fn staff_members(&self) -> StoreResult<Vec<(AccountRecord, StaffRecord)>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.*, {STAFF_COLUMNS} FROM staff_members m JOIN accounts a ON a.id = m.account_id \
             ORDER BY m.created_at, m.account_id"
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| (account_from(r), staff_from(r)))
            .collect())
    }

    async fn claim_totp_step(&self, account_id: &str, step: i64) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE staff_members SET totp_last_step = $1 \
             WHERE account_id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
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
        let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let (seq, prev) = match last {
            Some(r) => (r.get::<i64, _>("seq") + 1, r.get::<String, _>("hash")),
            None => (1, GENESIS_HASH.to_owned()),
        };
        let entry = e.chained(seq, &prev);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_id, action, subject_id, reason, ticket, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
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
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE seq > $1 AND ($2::text IS NULL OR subject_id = $2) \
             ORDER BY seq LIMIT $3",
        )
        .bind(after_seq)
        .bind(subject_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.iter().map(entry_from).collect())
    }
}
