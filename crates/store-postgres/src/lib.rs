//! The PostgreSQL backend: for districts that run many servers against one database.

use async_trait::async_trait;
use kodlek_domain::{Millis, Role};
use kodlek_store::*;
use serde_json::{Map, Value};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::time::Duration;

pub mod data;
mod jobs;
mod sections;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        let m = d.message();
        if m.contains("email_lookup") {
            return StoreError::Conflict("email");
        }
        if m.contains("username") {
            return StoreError::Conflict("username");
        }
        if m.contains("code") {
            return StoreError::Conflict("code");
        }
        return StoreError::Conflict("id");
    }
    StoreError::Database(e.to_string())
}

impl PgStore {
    /// Connects and runs the migrations. `schema`, when given, is created and used instead of
    /// the default one (each test gets its own).
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<PgStore, StoreError> {
        let mut opts = PgConnectOptions::from_str(url).map_err(db_err)?;
        if let Some(schema) = schema {
            if !is_plain_identifier(schema) {
                return Err(StoreError::Database("not a schema name".into()));
            }
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await
                .map_err(db_err)?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}"
            )))
            .execute(&admin)
            .await
            .map_err(db_err)?;
            admin.close().await;
            opts = opts.options([("search_path", schema)]);
        }
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2) as u32;
        let pool = PgPoolOptions::new()
            .max_connections(cores * 4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        data::run(&pool).await?;
        Ok(PgStore { pool })
    }

    async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.pool.begin().await.map_err(db_err)
    }

    /// Reclaims the space of deleted rows, so that erased personal data does not linger in
    /// dead tuples.
    async fn vacuum(&self) -> StoreResult<()> {
        sqlx::query(
            "VACUUM accounts, sessions, mail_tokens, attempts, level_progress, progress_versions, storage_use, programs, \
             section_students, student_secrets, school_permissions, section_teachers, sections",
        )
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// Drops a test schema.
    pub async fn drop_schema(&self, schema: &str) -> StoreResult<()> {
        if !is_plain_identifier(schema) {
            return Err(StoreError::Database("not a schema name".into()));
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }
}

fn account_from(r: &PgRow) -> AccountRecord {
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

fn session_from(r: &PgRow) -> SessionRecord {
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
impl AccountStore for PgStore {
    async fn insert_account(&self, a: &AccountRecord) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        insert_account_in(&mut conn, a).await
    }

    async fn account_by_id(&self, id: &str) -> StoreResult<Option<AccountRecord>> {
        let r = sqlx::query("SELECT * FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(account_from))
    }

    async fn account_by_email_lookup(
        &self,
        candidates: &[String],
    ) -> StoreResult<Option<AccountRecord>> {
        for c in candidates {
            let r = sqlx::query("SELECT * FROM accounts WHERE email_lookup = $1")
                .bind(c)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
            if let Some(r) = r {
                return Ok(Some(account_from(&r)));
            }
        }
        Ok(None)
    }

    async fn account_by_username(&self, username: &str) -> StoreResult<Option<AccountRecord>> {
        let r = sqlx::query("SELECT * FROM accounts WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(account_from))
    }

    async fn update_account(&self, a: &AccountRecord) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        update_account_in(&mut conn, a).await
    }

    async fn erase_account(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let n = sections::erase_in(&mut tx, id).await?;
        tx.commit().await.map_err(db_err)?;
        if n > 0 {
            self.vacuum().await?;
        }
        Ok(n > 0)
    }
}

async fn insert_account_in(conn: &mut sqlx::PgConnection, a: &AccountRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO accounts (id, role, display_name, username, age_years, age_stated_at, gender, \
             email_lookup, email_ciphertext, email_verified, password_hash, school_name, \
             school_address_ciphertext, managed_by_teacher, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
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

async fn update_account_in(conn: &mut sqlx::PgConnection, a: &AccountRecord) -> StoreResult<()> {
    sqlx::query(
            "UPDATE accounts SET role = $1, display_name = $2, username = $3, age_years = $4, \
             age_stated_at = $5, gender = $6, email_lookup = $7, email_ciphertext = $8, \
             email_verified = $9, password_hash = $10, school_name = $11, school_address_ciphertext = $12, \
             managed_by_teacher = $13, updated_at = $14 WHERE id = $15",
        )
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
impl SessionStore for PgStore {
    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, persistent) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.token_hash)
        .bind(&s.account_id)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(s.persistent)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let r = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.as_ref().map(session_from))
    }

    async fn session_with_account(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(SessionRecord, AccountRecord)>> {
        let r = sqlx::query(
            "SELECT a.*, s.token_hash, s.created_at AS session_created_at, s.last_seen_at, \
             s.expires_at, s.persistent FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
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
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(last_seen_at)
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_other_sessions(&self, account_id: &str, keep: Option<&str>) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(account_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_expired_sessions(&self, now: Millis) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}

#[async_trait]
impl MailTokenStore for PgStore {
    async fn insert_mail_token(&self, t: &MailTokenRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO mail_tokens (token_hash, account_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&t.token_hash)
        .bind(&t.account_id)
        .bind(t.purpose.as_str())
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(&self.pool)
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
        let r = sqlx::query(
            "DELETE FROM mail_tokens WHERE token_hash = $1 AND purpose = $2 RETURNING account_id, expires_at",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.and_then(|r| (r.get::<i64, _>("expires_at") > now).then(|| r.get("account_id"))))
    }
}

#[async_trait]
impl LimitStore for PgStore {
    async fn hit(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT(bucket) DO UPDATE SET \
               hits = CASE WHEN rate_limits.window_start <= $2 - $3 THEN 1 ELSE rate_limits.hits + 1 END, \
               window_start = CASE WHEN rate_limits.window_start <= $2 - $3 THEN $2 ELSE rate_limits.window_start END \
             RETURNING hits, window_start",
        )
        .bind(bucket)
        .bind(now)
        .bind(window)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(Hits {
            count: r.get("hits"),
            window_start: r.get("window_start"),
        })
    }

    async fn peek(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "SELECT hits, window_start FROM rate_limits WHERE bucket = $1 AND window_start > $2",
        )
        .bind(bucket)
        .bind(now - window)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.map(|r| Hits {
            count: r.get("hits"),
            window_start: r.get("window_start"),
        })
        .unwrap_or(Hits {
            count: 0,
            window_start: now,
        }))
    }

    async fn clear(&self, bucket: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_limits(&self, older_than: Millis) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(older_than)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}

#[async_trait]
impl UnsubscribeStore for PgStore {
    async fn add_unsubscribe(&self, address_key: &str, now: Millis) -> StoreResult<()> {
        sqlx::query("INSERT INTO unsubscribes (address_key, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(address_key)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn is_unsubscribed(&self, address_keys: &[String]) -> StoreResult<bool> {
        for k in address_keys {
            let r = sqlx::query("SELECT 1 FROM unsubscribes WHERE address_key = $1")
                .bind(k)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
            if r.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn progress_from(r: &PgRow) -> ProgressRecord {
    ProgressRecord {
        level_id: r.get("level_id"),
        last_status: r.get("last_status"),
        best_status: r.get("best_status"),
        attempts: r.get("attempts"),
        first_attempt_at: r.get("first_attempt_at"),
        last_attempt_at: r.get("last_attempt_at"),
    }
}

#[async_trait]
impl ProgressStore for PgStore {
    async fn record_attempts_within(
        &self,
        attempts: &[NewAttempt],
        budget: i64,
    ) -> StoreResult<Vec<AttemptOutcome>> {
        // The whole batch in two statements, each taking its rows as arrays (every statement
        // is a round trip to the server, and one writer serves every request): one read of
        // what the plan needs, then one statement that writes it all, atomic on its own. The
        // progress rows are merged into what is stored by SQL itself, so that another
        // server's writer between the two statements loses nothing: the outcomes answered
        // are those of the read.
        let (retries, levels) = batch::keys(attempts);
        let column = |pairs: &[(&str, &str)], i: usize| -> Vec<String> {
            pairs
                .iter()
                .map(|p| if i == 0 { p.0 } else { p.1 }.to_owned())
                .collect()
        };
        let mut accounts = column(&levels, 0);
        accounts.dedup();
        // The storage rows carry their bytes in `attempts`. The write adds the batch's own
        // bytes to what is stored, so the count stays exact; only the budget check, made on
        // this read, can let two servers' batches of one learner past it at the same moment,
        // by at most one batch each.
        let rows = sqlx::query(
            "SELECT 'earlier' AS kind, a.account_id, a.client_attempt_id AS key, a.level_id, \
             a.program_hash, a.answer, NULL::bigint AS attempts, NULL::text AS best_status, \
             NULL::text AS last_status, NULL::bigint AS first_attempt_at, NULL::bigint AS last_attempt_at \
             FROM UNNEST($1::text[], $2::text[]) AS k(account_id, client_attempt_id) \
             JOIN attempts a USING (account_id, client_attempt_id) \
             UNION ALL \
             SELECT 'progress', p.account_id, p.level_id, NULL, NULL, NULL, p.attempts, p.best_status, \
             p.last_status, p.first_attempt_at, p.last_attempt_at FROM level_progress p \
             JOIN UNNEST($3::text[], $4::text[]) AS k(account_id, level_id) USING (account_id, level_id) \
             UNION ALL \
             SELECT 'storage', s.account_id, s.account_id, NULL, NULL, NULL, s.bytes, NULL, NULL, NULL, NULL \
             FROM storage_use s WHERE s.account_id = ANY($5::text[])",
        )
        .bind(column(&retries, 0))
        .bind(column(&retries, 1))
        .bind(column(&levels, 0))
        .bind(column(&levels, 1))
        .bind(accounts)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let (mut earlier, mut old, mut storage) = (HashMap::new(), HashMap::new(), HashMap::new());
        for r in rows {
            let key = (r.get("account_id"), r.get::<String, _>("key"));
            let kind: &str = r.get("kind");
            if kind == "earlier" {
                let e = batch::Earlier {
                    level_id: r.get("level_id"),
                    program_hash: r.get("program_hash"),
                    answer: r.get("answer"),
                };
                earlier.insert(key, e);
            } else if kind == "storage" {
                storage.insert(key.0, r.get::<i64, _>("attempts"));
            } else {
                let p = ProgressRecord {
                    level_id: key.1.clone(),
                    last_status: r.get("last_status"),
                    best_status: r.get("best_status"),
                    attempts: r.get("attempts"),
                    first_attempt_at: r.get("first_attempt_at"),
                    last_attempt_at: r.get("last_attempt_at"),
                };
                old.insert(key, p);
            }
        }
        let plan = batch::plan(attempts, earlier, old, storage, budget)?;
        if !plan.inserts.is_empty() {
            let (i, p) = (&plan.inserts, &plan.own_progress);
            let (hashes, bodies, ats): (Vec<&str>, Vec<&str>, Vec<i64>) = plan
                .programs
                .iter()
                .map(|(p, at)| (p.hash.as_str(), p.body.as_str(), *at))
                .collect();
            // Four inserts in one statement, so one round trip; none reads what another
            // writes (attempts name their program by hash only, without a foreign key). The
            // ranks of the statuses are those of `kodlek_store::status_rank`.
            sqlx::query(
                "WITH programs_in AS (INSERT INTO programs (hash, body, created_at) \
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[]) \
                 ON CONFLICT (hash) DO NOTHING), \
                 attempts_in AS (INSERT INTO attempts (id, account_id, level_id, at, status, \
                 program_hash, answer, client_attempt_id) \
                 SELECT * FROM UNNEST($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], \
                 $9::text[], $10::text[], $11::text[])), \
                 progress_in AS (INSERT INTO level_progress (account_id, level_id, attempts, \
                 best_status, last_status, first_attempt_at, last_attempt_at) \
                 SELECT * FROM UNNEST($12::text[], $13::text[], $14::bigint[], $15::text[], \
                 $16::text[], $17::bigint[], $18::bigint[]) \
                 ON CONFLICT (account_id, level_id) DO UPDATE SET \
                 attempts = level_progress.attempts + excluded.attempts, \
                 best_status = CASE WHEN (CASE excluded.best_status WHEN 'perfect' THEN 3 WHEN 'passed' THEN 2 WHEN 'completed' THEN 1 ELSE 0 END) > \
                 (CASE level_progress.best_status WHEN 'perfect' THEN 3 WHEN 'passed' THEN 2 WHEN 'completed' THEN 1 ELSE 0 END) \
                 THEN excluded.best_status ELSE level_progress.best_status END, \
                 last_status = excluded.last_status, \
                 first_attempt_at = LEAST(level_progress.first_attempt_at, excluded.first_attempt_at), \
                 last_attempt_at = GREATEST(level_progress.last_attempt_at, excluded.last_attempt_at)), \
                 storage_in AS (INSERT INTO storage_use (account_id, bytes) \
                 SELECT * FROM UNNEST($19::text[], $20::bigint[]) \
                 ON CONFLICT (account_id) DO UPDATE SET bytes = storage_use.bytes + excluded.bytes) \
                 INSERT INTO progress_versions (account_id, version) SELECT unnest($19::text[]), 1 \
                 ON CONFLICT (account_id) DO UPDATE SET version = progress_versions.version + 1",
            )
            .bind(hashes)
            .bind(bodies)
            .bind(ats)
            .bind(i.iter().map(|a| a.id.as_str()).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.account_id.as_str()).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.level_id.as_str()).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.at).collect::<Vec<_>>())
            .bind(i.iter().map(|a| a.status.as_str()).collect::<Vec<_>>())
            .bind(
                i.iter()
                    .map(|a| a.program.as_ref().map(|p| p.hash.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind(i.iter().map(|a| a.answer.as_deref()).collect::<Vec<_>>())
            .bind(
                i.iter()
                    .map(|a| a.client_attempt_id.as_deref())
                    .collect::<Vec<_>>(),
            )
            .bind(p.iter().map(|(a, _)| *a).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.level_id.as_str()).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.attempts).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.best_status.as_str()).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.last_status.as_str()).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.first_attempt_at).collect::<Vec<_>>())
            .bind(p.iter().map(|(_, r)| r.last_attempt_at).collect::<Vec<_>>())
            .bind(&plan.changed)
            .bind(&plan.own_storage)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        }
        Ok(plan.outcomes)
    }

    async fn progress_of(&self, account_id: &str) -> StoreResult<Vec<ProgressRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM level_progress WHERE account_id = $1 ORDER BY last_attempt_at",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.iter().map(progress_from).collect())
    }

    async fn attempts_of(
        &self,
        account_id: &str,
        level_id: &str,
    ) -> StoreResult<Vec<AttemptRecord>> {
        let rows = sqlx::query("SELECT a.at, a.status, a.answer, p.body FROM attempts a LEFT JOIN programs p ON p.hash = a.program_hash WHERE a.account_id = $1 AND a.level_id = $2 ORDER BY a.at, a.id")
            .bind(account_id)
            .bind(level_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| AttemptRecord {
                at: r.get("at"),
                status: r.get("status"),
                program: r.get("body"),
                answer: r.get("answer"),
            })
            .collect())
    }

    async fn storage_used(&self, account_id: &str) -> StoreResult<i64> {
        let r = sqlx::query("SELECT bytes FROM storage_use WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.map_or(0, |r| r.get("bytes")))
    }

    async fn program(&self, hash: &str) -> StoreResult<Option<String>> {
        let r = sqlx::query("SELECT body FROM programs WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| r.get("body")))
    }
}

#[async_trait]
impl MaintenanceStore for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn rows_owned_by(
        &self,
        table: &str,
        owner_column: &str,
        owner: &str,
    ) -> StoreResult<Vec<Map<String, Value>>> {
        if !is_plain_identifier(table) || !is_plain_identifier(owner_column) {
            return Err(StoreError::Database("not a table or column name".into()));
        }
        let types: Vec<(String, String)> = // Both names were checked to be plain identifiers above.
        sqlx::query(
            "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| (r.get("name"), r.get::<String, _>("type").to_uppercase()))
            .collect();
        if types.is_empty() {
            return Err(StoreError::Database(format!("no table {table}")));
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM {table} WHERE {owner_column} = $1"
        )))
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .iter()
            .map(|r| {
                types
                    .iter()
                    .map(|(name, ty)| {
                        let v = match ty.as_str() {
                            "BOOLEAN" => r.get::<Option<bool>, _>(name.as_str()).map(Value::Bool),
                            "INTEGER" | "BIGINT" | "SMALLINT" => {
                                r.get::<Option<i64>, _>(name.as_str()).map(Value::from)
                            }
                            _ => r.get::<Option<String>, _>(name.as_str()).map(Value::String),
                        };
                        (name.clone(), v.unwrap_or(Value::Null))
                    })
                    .collect()
            })
            .collect())
    }

    async fn schema(&self) -> StoreResult<BTreeMap<String, BTreeSet<String>>> {
        let rows = sqlx::query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in rows {
            out.entry(r.get("t")).or_default().insert(r.get("c"));
        }
        Ok(out)
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
