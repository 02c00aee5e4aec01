//! Sections on SQLite: classrooms, their teachers and students, secrets and invitations.

use crate::accounts::{erase_in, insert_account_in, update_account_in};
use crate::{SqliteStore, db_err};
use async_trait::async_trait;
use kodlek_domain::Millis;
use kodlek_store::sql::sections as sql;
use kodlek_store::*;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

fn section_from(r: &SqliteRow) -> SectionRecord {
    SectionRecord {
        id: r.get("id"),
        name: r.get("name"),
        course_id: r.get("course_id"),
        login_type: r.get("login_type"),
        code: r.get("code"),
        created_at: r.get("created_at"),
        sharing_allowed: r.get("sharing_allowed"),
    }
}

fn member_from(r: &SqliteRow) -> SectionMember {
    SectionMember {
        student_id: r.get("id"),
        display_name: r.get("display_name"),
        age_years: r.get("age_years"),
        age_stated_at: r.get("age_stated_at"),
        gender: r.get("gender"),
        managed_by_teacher: r.get("managed_by_teacher"),
        joined_at: r.get("joined_at"),
    }
}

fn secret_from(r: &SqliteRow) -> SecretRecord {
    SecretRecord {
        account_id: r.get("account_id"),
        kind: r.get("kind"),
        ciphertext: r.get("secret_ciphertext"),
        failed_attempts: r.get("failed_attempts"),
        locked_until: r.get("locked_until"),
        updated_at: r.get("updated_at"),
    }
}

/// Erases those of these managed students who are in no section any more.
async fn erase_orphans(conn: &mut SqliteConnection, candidates: &[String]) -> StoreResult<u64> {
    let mut erased = 0;
    for id in candidates {
        let in_none: bool = sqlx::query_scalar(sql::IN_NO_SECTION)
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
        if in_none {
            erased += erase_in(conn, id).await?;
        }
    }
    Ok(erased)
}

async fn write_secret(conn: &mut SqliteConnection, s: &SecretRecord) -> StoreResult<()> {
    sqlx::query(sql::WRITE_SECRET)
        .bind(&s.account_id)
        .bind(&s.kind)
        .bind(&s.ciphertext)
        .bind(s.failed_attempts)
        .bind(s.locked_until)
        .bind(s.updated_at)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl SectionStore for SqliteStore {
    async fn insert_section(&self, s: &SectionRecord, owner_id: &str) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::INSERT_SECTION)
            .bind(&s.id)
            .bind(&s.name)
            .bind(&s.course_id)
            .bind(&s.login_type)
            .bind(&s.code)
            .bind(s.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(sql::INSERT_OWNER)
            .bind(&s.id)
            .bind(owner_id)
            .bind(s.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn section(&self, id: &str) -> StoreResult<Option<SectionRecord>> {
        let r = sqlx::query(sql::SECTION)
            .bind(id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(section_from))
    }

    async fn section_by_code(&self, code: &str) -> StoreResult<Option<SectionRecord>> {
        let r = sqlx::query(sql::SECTION_BY_CODE)
            .bind(code)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(section_from))
    }

    async fn sections_taught_by(&self, teacher_id: &str) -> StoreResult<Vec<SectionRecord>> {
        let rows = sqlx::query(sql::SECTIONS_TAUGHT_BY)
            .bind(teacher_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(section_from).collect())
    }

    async fn section_teachers(&self, section_id: &str) -> StoreResult<Vec<SectionTeacher>> {
        let rows = sqlx::query(sql::SECTION_TEACHERS)
            .bind(section_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| SectionTeacher {
                teacher_id: r.get("teacher_id"),
                display_name: r.get("display_name"),
                owner: r.get("owner"),
                added_at: r.get("added_at"),
            })
            .collect())
    }

    async fn update_section(&self, s: &SectionRecord, secrets: &[SecretRecord]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(sql::UPDATE_SECTION)
            .bind(&s.name)
            .bind(&s.course_id)
            .bind(&s.login_type)
            .bind(&s.code)
            .bind(&s.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for secret in secrets {
            write_secret(&mut tx, secret).await?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn delete_section(&self, id: &str) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let managed: Vec<String> = sqlx::query_scalar(sql::MANAGED_STUDENTS)
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        let n = sqlx::query(sql::DELETE_SECTION)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        let erased = erase_orphans(&mut tx, &managed).await?;
        tx.commit().await.map_err(db_err)?;
        if n > 0 {
            self.checkpoint().await?;
        }
        Ok(erased)
    }

    async fn add_teacher(
        &self,
        section_id: &str,
        teacher_id: &str,
        owner: bool,
        at: Millis,
    ) -> StoreResult<bool> {
        let n = sqlx::query(sql::ADD_TEACHER)
            .bind(section_id)
            .bind(teacher_id)
            .bind(owner)
            .bind(at)
            .execute(&self.writer)
            .await
            .map_err(db_err)?
            .rows_affected();
        Ok(n > 0)
    }

    async fn set_owner(&self, section_id: &str, teacher_id: &str) -> StoreResult<()> {
        sqlx::query(sql::SET_OWNER)
            .bind(teacher_id)
            .bind(section_id)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn remove_teacher(&self, section_id: &str, teacher_id: &str) -> StoreResult<()> {
        sqlx::query(sql::REMOVE_TEACHER)
            .bind(section_id)
            .bind(teacher_id)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn create_managed_students(
        &self,
        section_id: &str,
        students: &[NewManagedStudent],
        at: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for s in students {
            insert_account_in(&mut tx, &s.account).await?;
            write_secret(&mut tx, &s.secret).await?;
            if let Some(p) = &s.permission {
                sqlx::query(sql::INSERT_PERMISSION)
                    .bind(&p.account_id)
                    .bind(&p.teacher_id)
                    .bind(&p.section_id)
                    .bind(p.attested_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            sqlx::query(sql::INSERT_STUDENT)
                .bind(section_id)
                .bind(&s.account.id)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn add_student(
        &self,
        section_id: &str,
        student_id: &str,
        at: Millis,
    ) -> StoreResult<bool> {
        let n = sqlx::query(sql::ADD_STUDENT)
            .bind(section_id)
            .bind(student_id)
            .bind(at)
            .execute(&self.writer)
            .await
            .map_err(db_err)?
            .rows_affected();
        Ok(n > 0)
    }

    async fn remove_student(
        &self,
        section_id: &str,
        student_id: &str,
    ) -> StoreResult<Option<bool>> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(sql::REMOVE_STUDENT)
            .bind(section_id)
            .bind(student_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        let managed: bool = sqlx::query_scalar(sql::IS_MANAGED)
            .bind(student_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let erased = if managed {
            erase_orphans(&mut tx, &[student_id.to_owned()]).await? > 0
        } else {
            false
        };
        tx.commit().await.map_err(db_err)?;
        if erased {
            self.checkpoint().await?;
        }
        Ok(Some(erased))
    }

    async fn section_members(&self, section_id: &str) -> StoreResult<Vec<SectionMember>> {
        let rows = sqlx::query(sql::SECTION_MEMBERS)
            .bind(section_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(member_from).collect())
    }

    async fn section_member(
        &self,
        section_id: &str,
        student_id: &str,
    ) -> StoreResult<Option<SectionMember>> {
        let r = sqlx::query(sql::SECTION_MEMBER)
            .bind(section_id)
            .bind(student_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(member_from))
    }

    async fn sections_joined_by(&self, student_id: &str) -> StoreResult<Vec<JoinedSection>> {
        let rows = sqlx::query(sql::SECTIONS_JOINED_BY)
            .bind(student_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| JoinedSection {
                section: section_from(r),
                teacher_display_name: r
                    .get::<Option<String>, _>("teacher_display_name")
                    .unwrap_or_default(),
            })
            .collect())
    }

    async fn section_progress_versions(&self, section_id: &str) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query(sql::SECTION_PROGRESS_VERSIONS)
            .bind(section_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| (r.get("student_id"), r.get("version")))
            .collect())
    }

    async fn packed_progress(&self, account_ids: &[String]) -> StoreResult<Vec<PackedProgress>> {
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        // One row per learner, not per cell: a class of 40 over a long course has thousands
        // of cells, and the driver's cost is per row. The version comes from the same
        // statement, so it belongs to exactly these cells.
        let rows = sqlx::query(
            "SELECT a.id, COALESCE(v.version, 0) AS version, COALESCE((SELECT group_concat(\
             p.level_id || ',' || p.last_status || ',' || p.best_status || ',' || \
             p.attempts || ',' || p.first_attempt_at || ',' || p.last_attempt_at, ';') \
             FROM level_progress p WHERE p.account_id = a.id), '') AS cells \
             FROM accounts a LEFT JOIN progress_versions v ON v.account_id = a.id \
             WHERE a.id IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::to_string(account_ids).map_err(|e| StoreError::Database(e.to_string()))?)
        .fetch_all(&self.readers)
        .await
        .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| PackedProgress {
                account_id: r.get("id"),
                version: r.get("version"),
                cells: r.get("cells"),
            })
            .collect())
    }

    async fn secret(&self, account_id: &str) -> StoreResult<Option<SecretRecord>> {
        let r = sqlx::query(sql::SECRET)
            .bind(account_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(secret_from))
    }

    async fn section_secrets(&self, section_id: &str) -> StoreResult<Vec<SecretRecord>> {
        let rows = sqlx::query(sql::SECTION_SECRETS)
            .bind(section_id)
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(secret_from).collect())
    }

    async fn set_secret(&self, s: &SecretRecord) -> StoreResult<()> {
        let mut conn = self.writer.acquire().await.map_err(db_err)?;
        write_secret(&mut conn, s).await
    }

    async fn claim_secret_guess(
        &self,
        account_id: &str,
        now: Millis,
        limit: i64,
        lock_for: Millis,
    ) -> StoreResult<Option<SecretGuess>> {
        // One statement: the row lock makes concurrent claims take turns, each seeing the
        // count the one before left. A lock that has run out starts the count again.
        let r = sqlx::query(sql::CLAIM_SECRET_GUESS)
            .bind(account_id)
            .bind(now)
            .bind(limit)
            .bind(now + lock_for)
            .fetch_optional(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(secret_from).map(|s| {
            if s.failed_attempts > limit {
                SecretGuess::Locked(s.locked_until.unwrap_or(now))
            } else {
                SecretGuess::Judge(s)
            }
        }))
    }

    async fn clear_secret_failures(&self, account_id: &str) -> StoreResult<()> {
        sqlx::query(sql::CLEAR_SECRET_FAILURES)
            .bind(account_id)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn take_control(&self, a: &AccountRecord) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        update_account_in(&mut tx, a).await?;
        sqlx::query(sql::DELETE_SECRET)
            .bind(&a.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn permission(&self, account_id: &str) -> StoreResult<Option<PermissionRecord>> {
        let r = sqlx::query(sql::PERMISSION)
            .bind(account_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| PermissionRecord {
            account_id: r.get("account_id"),
            teacher_id: r.get("teacher_id"),
            section_id: r.get("section_id"),
            attested_at: r.get("attested_at"),
        }))
    }

    async fn insert_invitation(&self, i: &InvitationRecord) -> StoreResult<()> {
        sqlx::query(sql::INSERT_INVITATION)
            .bind(&i.token_hash)
            .bind(&i.section_id)
            .bind(&i.invited_by)
            .bind(i.created_at)
            .bind(i.expires_at)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn take_invitation(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<InvitationRecord>> {
        let r = sqlx::query(sql::TAKE_INVITATION)
            .bind(token_hash)
            .fetch_optional(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| InvitationRecord {
            token_hash: r.get("token_hash"),
            section_id: r.get("section_id"),
            invited_by: r.get("invited_by"),
            created_at: r.get("created_at"),
            expires_at: r.get("expires_at"),
        })
        .filter(|i| i.expires_at > now))
    }
}
