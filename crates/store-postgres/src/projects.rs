//! Projects on PostgreSQL.

use crate::{PgStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::projects as sql;
use kodlek_store::*;
use sqlx::Row;
use sqlx::postgres::PgRow;

fn project_from(r: &PgRow) -> ProjectRecord {
    ProjectRecord {
        id: r.get("id"),
        owner_id: r.get("owner_id"),
        kind: r.get("kind"),
        title: r.get("title"),
        program: r.get("program"),
        sharing: r.get("sharing"),
        share_id: r.get("share_id"),
        shared_at: r.get("shared_at"),
        remixed_from_share_id: r.get("remixed_from_share_id"),
        remixed_from_title: r.get("remixed_from_title"),
        remixed_from_author_id: r.get("remixed_from_author_id"),
        hidden_by_teacher: r.get("hidden_by_teacher"),
        moderation: r.get("moderation"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
    }
}

fn shared_from(r: &PgRow) -> SharedRecord {
    SharedRecord {
        project: project_from(r),
        author_display_name: r.get("author_display_name"),
        remix_count: r.get("remix_count"),
    }
}

#[async_trait]
impl ProjectStore for PgStore {
    async fn insert_project(&self, p: &ProjectRecord) -> StoreResult<()> {
        sqlx::query(sql::INSERT_PROJECT)
            .bind(&p.id)
            .bind(&p.owner_id)
            .bind(&p.kind)
            .bind(&p.title)
            .bind(&p.program)
            .bind(&p.sharing)
            .bind(&p.share_id)
            .bind(p.shared_at)
            .bind(&p.remixed_from_share_id)
            .bind(&p.remixed_from_title)
            .bind(&p.remixed_from_author_id)
            .bind(p.hidden_by_teacher)
            .bind(&p.moderation)
            .bind(p.created_at)
            .bind(p.updated_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn project(&self, id: &str) -> StoreResult<Option<ProjectRecord>> {
        let r = sqlx::query(sql::PROJECT)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(project_from))
    }

    async fn project_by_share_id(&self, share_id: &str) -> StoreResult<Option<ProjectRecord>> {
        let r = sqlx::query(sql::PROJECT_BY_SHARE_ID)
            .bind(share_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(project_from))
    }

    async fn projects_of(&self, owner_id: &str) -> StoreResult<Vec<ProjectRecord>> {
        let rows = sqlx::query(sql::PROJECTS_OF)
            .bind(owner_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(project_from).collect())
    }

    async fn count_projects_of(&self, owner_id: &str) -> StoreResult<i64> {
        let r = sqlx::query(sql::COUNT_PROJECTS_OF)
            .bind(owner_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.get("n"))
    }

    async fn update_project(&self, p: &ProjectRecord) -> StoreResult<()> {
        sqlx::query(sql::UPDATE_PROJECT)
            .bind(&p.title)
            .bind(&p.program)
            .bind(&p.sharing)
            .bind(&p.share_id)
            .bind(p.shared_at)
            .bind(p.updated_at)
            .bind(&p.id)
            .bind(&p.owner_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_project(&self, id: &str, owner_id: &str) -> StoreResult<bool> {
        let r = sqlx::query(sql::DELETE_PROJECT)
            .bind(id)
            .bind(owner_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() > 0)
    }

    async fn shared_project(&self, share_id: &str) -> StoreResult<Option<SharedRecord>> {
        let r = sqlx::query(sql::SHARED_PROJECT)
            .bind(share_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(shared_from))
    }

    async fn gallery(
        &self,
        kind: Option<&str>,
        before: Option<&GalleryCursor>,
        limit: u32,
    ) -> StoreResult<Vec<SharedRecord>> {
        let rows = sqlx::query(sql::GALLERY)
            .bind(kind)
            .bind(before.map(|c| c.shared_at))
            .bind(before.map(|c| c.share_id.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(shared_from).collect())
    }

    async fn sharing_blocked(&self, account_id: &str) -> StoreResult<bool> {
        let r = sqlx::query(sql::SHARING_BLOCKED)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.is_some())
    }

    async fn section_sharing_allowed(&self, section_id: &str) -> StoreResult<bool> {
        let r = sqlx::query(sql::SECTION_SHARING_ALLOWED)
            .bind(section_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.is_none_or(|r| r.get("sharing_allowed")))
    }

    async fn set_section_sharing(&self, section_id: &str, allowed: bool) -> StoreResult<()> {
        sqlx::query(sql::SET_SECTION_SHARING)
            .bind(allowed)
            .bind(section_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn section_shares(&self, section_id: &str) -> StoreResult<Vec<StudentShare>> {
        let rows = sqlx::query(sql::SECTION_SHARES)
            .bind(section_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| StudentShare {
                project: project_from(r),
                student_display_name: r.get("student_display_name"),
                visible: r.get("visible_now"),
            })
            .collect())
    }

    async fn set_hidden_by_teacher(&self, project_id: &str, hidden: bool) -> StoreResult<()> {
        sqlx::query(sql::SET_HIDDEN_BY_TEACHER)
            .bind(hidden)
            .bind(project_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn add_report(&self, r: &ReportRecord, hide_at: i64) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::INSERT_REPORT)
            .bind(&r.project_id)
            .bind(&r.reporter_account_id)
            .bind(&r.reporter_ip_hash)
            .bind(r.trusted)
            .bind(&r.reason)
            .bind(&r.details)
            .bind(r.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let reporters: i64 = sqlx::query(sql::OPEN_REPORTERS)
            .bind(&r.project_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?
            .get("n");
        let trusted: i64 = sqlx::query(sql::OPEN_TRUSTED)
            .bind(&r.project_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?
            .get("n");
        if reporters >= hide_at || trusted > 0 {
            sqlx::query(sql::HIDE_BY_REPORTS)
                .bind(&r.project_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let moderation: Option<String> = sqlx::query(sql::MODERATION)
            .bind(&r.project_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .map(|row| row.get("moderation"));
        tx.commit().await.map_err(db_err)?;
        Ok(moderation.as_deref() == Some("reported"))
    }

    async fn open_reports(&self, limit: u32) -> StoreResult<Vec<OpenReport>> {
        let rows = sqlx::query(sql::OPEN_REPORTS)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| OpenReport {
                share_id: r.get("share_id"),
                moderation: r.get("moderation"),
                reporter: r.get("reporter"),
                reason: r.get("reason"),
                details: r.get("details"),
                created_at: r.get("created_at"),
            })
            .collect())
    }

    async fn moderate(&self, project_id: &str, moderation: &str, now: Millis) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::SET_MODERATION)
            .bind(moderation)
            .bind(project_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(sql::DECIDE_REPORTS)
            .bind(now)
            .bind(project_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(())
    }
}
