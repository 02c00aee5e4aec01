//! Incidents, notice versions, account notices and notice mailings on PostgreSQL.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::notices as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;

/// Adds a mailing row for every account that has a notice of (`kind`, `ref_id`) and a
/// verified address on file. A child's own address is never on file (only its keyed hash),
/// so no child is here.
const MAIL_NOTIFIED_ADULTS: &str = "INSERT INTO notice_mailings (kind, ref_id, account_id) \
     SELECT n.kind, n.ref_id, a.id FROM account_notices n JOIN accounts a ON a.id = n.account_id \
     WHERE n.kind = $1 AND n.ref_id = $2 AND a.email_ciphertext IS NOT NULL AND a.email_verified \
     ON CONFLICT DO NOTHING";

/// Adds a mailing row for each teacher (with a verified address) of an affected student whom
/// teachers manage: such a student has no address of their own.
const MAIL_TEACHERS_OF_MANAGED: &str = "INSERT INTO notice_mailings (kind, ref_id, account_id) \
     SELECT DISTINCT n.kind, n.ref_id, t.teacher_id FROM account_notices n \
     JOIN accounts s ON s.id = n.account_id AND s.managed_by_teacher \
     JOIN section_students ss ON ss.student_id = s.id \
     JOIN section_teachers t ON t.section_id = ss.section_id \
     JOIN accounts ta ON ta.id = t.teacher_id \
     WHERE n.kind = $1 AND n.ref_id = $2 AND ta.email_ciphertext IS NOT NULL AND ta.email_verified \
     ON CONFLICT DO NOTHING";

/// Adds a mailing row for each linked parent (with a verified address) of an affected child:
/// a child's own address is never on file, and a parent who linked their child asked to know.
const MAIL_PARENTS_OF_CHILDREN: &str = "INSERT INTO notice_mailings (kind, ref_id, account_id) \
     SELECT DISTINCT n.kind, n.ref_id, f.parent_id FROM account_notices n \
     JOIN family_links f ON f.child_id = n.account_id \
     JOIN accounts pa ON pa.id = f.parent_id \
     WHERE n.kind = $1 AND n.ref_id = $2 AND pa.email_ciphertext IS NOT NULL AND pa.email_verified \
     ON CONFLICT DO NOTHING";

fn version_from(r: &PgRow) -> NoticeVersionRecord {
    NoticeVersionRecord {
        version: r.get("version"),
        revised_on: r.get("revised_on"),
        summary: r.get("summary"),
        significant: r.get("significant"),
        email_users: r.get("email_users"),
        created_by: r.get("created_by"),
        created_at: r.get("created_at"),
    }
}

#[async_trait]
impl NoticeStore for PgStore {
    async fn unknown_accounts(&self, ids: &[String]) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT x.id FROM UNNEST($1::text[]) WITH ORDINALITY AS x(id, n) \
             WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = x.id) ORDER BY x.n",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.iter().map(|r| r.get("id")).collect())
    }

    async fn record_incident(&self, i: &IncidentRecord, affected: &Affected) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::INSERT_INCIDENT)
            .bind(&i.id)
            .bind(&i.summary)
            .bind(&i.details)
            .bind(&i.created_by)
            .bind(i.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let notified = match affected {
            Affected::All => sqlx::query(sql::NOTICE_FOR_EVERY_ACCOUNT)
                .bind(INCIDENT)
                .bind(&i.id)
                .bind(i.created_at)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected(),
            Affected::Accounts(ids) => sqlx::query(
                "INSERT INTO account_notices (account_id, kind, ref_id, created_at) \
                 SELECT id, $1::text, $2::text, $3::bigint FROM accounts \
                 WHERE id = ANY($4::text[]) ON CONFLICT DO NOTHING",
            )
            .bind(INCIDENT)
            .bind(&i.id)
            .bind(i.created_at)
            .bind(ids)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected(),
        };
        for q in [
            MAIL_NOTIFIED_ADULTS,
            MAIL_TEACHERS_OF_MANAGED,
            MAIL_PARENTS_OF_CHILDREN,
        ] {
            sqlx::query(q)
                .bind(INCIDENT)
                .bind(&i.id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(notified)
    }

    async fn publish_notice_version(&self, v: &NoticeVersionRecord) -> StoreResult<i64> {
        // Publishers wait for one another, so that each takes the next number in turn.
        let mut tx = self.begin().await?;
        sqlx::query("LOCK TABLE notice_versions IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let version: i64 = sqlx::query(sql::NEXT_VERSION)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?
            .get("v");
        sqlx::query(sql::INSERT_VERSION)
            .bind(version)
            .bind(&v.revised_on)
            .bind(&v.summary)
            .bind(v.significant)
            .bind(v.email_users)
            .bind(&v.created_by)
            .bind(v.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let ref_id = version.to_string();
        if v.significant {
            sqlx::query(sql::NOTICE_FOR_EVERY_ACCOUNT)
                .bind(NOTICE_VERSION)
                .bind(&ref_id)
                .bind(v.created_at)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        if v.email_users {
            sqlx::query(sql::MAILING_FOR_EVERY_VERIFIED)
                .bind(NOTICE_VERSION)
                .bind(&ref_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(version)
    }

    async fn notice_versions(&self) -> StoreResult<Vec<NoticeVersionRecord>> {
        let rows = sqlx::query(sql::VERSIONS)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(version_from).collect())
    }

    async fn account_notices(
        &self,
        account_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<AccountNotice>> {
        let rows = sqlx::query(sql::ACCOUNT_NOTICES)
            .bind(account_id)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| AccountNotice {
                kind: r.get("kind"),
                summary: r.get::<Option<String>, _>("summary").unwrap_or_default(),
                at: r.get("created_at"),
            })
            .collect())
    }

    async fn unsent_mailings(
        &self,
        kind: &str,
        ref_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(sql::UNSENT_MAILINGS)
            .bind(kind)
            .bind(ref_id)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(|r| r.get("account_id")).collect())
    }

    async fn mark_mailed(
        &self,
        kind: &str,
        ref_id: &str,
        account_id: &str,
        now: Millis,
    ) -> StoreResult<()> {
        sqlx::query(sql::MARK_MAILED)
            .bind(now)
            .bind(kind)
            .bind(ref_id)
            .bind(account_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn notice_summary(&self, kind: &str, ref_id: &str) -> StoreResult<Option<String>> {
        let q = if kind == INCIDENT {
            "SELECT summary FROM incidents WHERE id = $1"
        } else {
            "SELECT summary FROM notice_versions WHERE CAST(version AS TEXT) = $1"
        };
        let r = sqlx::query(q)
            .bind(ref_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| r.get("summary")))
    }
}
