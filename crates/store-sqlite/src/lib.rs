//! The SQLite backend: the embedded default, one writer connection and a pool of readers.

use async_trait::async_trait;
use kodlek_domain::{Millis, Role};
use kodlek_store::*;
use serde_json::{Map, Value};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub mod data;
mod jobs;
mod sections;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Writes go through one connection (SQLite has one writer anyway), reads through a pool.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    /// Kept only so that the checkpointer, which holds a weak reference, ends with the store.
    _checkpointer: Arc<SqlitePool>,
}

/// How often the WAL is copied into the database file, beside the writer. Each checkpoint
/// ends with an fsync of the database file that the writer's commits wait behind; at four
/// a second the attempts' p99 was half again as long as at one (`bench/`, attempts-load).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(1000);

/// Copies the WAL into the database file from a connection of its own, so that the writer's
/// commits never wait for it (SQLite would otherwise checkpoint inside whichever commit
/// crosses 1,000 pages: a stall of several milliseconds for the attempts of that batch).
/// PASSIVE: it neither waits for nor blocks readers and the writer; with nothing new in the
/// WAL it writes nothing.
fn start_checkpointer(pool: &Arc<SqlitePool>) {
    let pool = Arc::downgrade(pool);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(pool) = pool.upgrade() else { return };
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&*pool)
                .await
            {
                tracing::warn!(error = %e, "a WAL checkpoint failed");
            }
        }
    });
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

impl SqliteStore {
    /// Opens (creating if needed) the database file and runs the migrations.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let url = format!("sqlite://{}", path.display());
        Self::connect(&url).await
    }

    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(db_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Deleted content is overwritten with zeros, so erased personal data is gone from
            // the file's pages and free list, not only unlinked.
            .pragma("secure_delete", "ON")
            // The checkpointer does it, beside the writer (see `start_checkpointer`).
            .pragma("wal_autocheckpoint", "0");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await
            .map_err(db_err)?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        data::run(&writer).await?;
        // What opening wrote goes into the main file now, before anyone reads it: the first
        // checkpoint in the background would otherwise change the files under a first reader.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&writer)
            .await
            .map_err(db_err)?;
        let checkpointer = Arc::new(
            SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await
                .map_err(db_err)?,
        );
        start_checkpointer(&checkpointer);
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await
            .map_err(db_err)?;
        Ok(SqliteStore {
            writer,
            readers,
            _checkpointer: checkpointer,
        })
    }

    /// A write transaction that takes the write lock at once (no upgrade deadlocks).
    async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)
    }

    /// Moves everything from the WAL into the main file and truncates the WAL, so that
    /// erased rows leave no old copy behind in it.
    async fn checkpoint(&self) -> StoreResult<()> {
        for _ in 0..50 {
            let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.writer)
                .await
                .map_err(db_err)?;
            let busy: i64 = row.get(0);
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(StoreError::Database(
            "the WAL could not be checkpointed".into(),
        ))
    }
}

fn account_from(r: &SqliteRow) -> AccountRecord {
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
        let r = sqlx::query("SELECT * FROM accounts WHERE id = ?")
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
            let r = sqlx::query("SELECT * FROM accounts WHERE email_lookup = ?")
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
        let r = sqlx::query("SELECT * FROM accounts WHERE username = ?")
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
        let n = sections::erase_in(&mut tx, id).await?;
        tx.commit().await.map_err(db_err)?;
        if n > 0 {
            self.checkpoint().await?;
        }
        Ok(n > 0)
    }
}

async fn insert_account_in(
    conn: &mut sqlx::SqliteConnection,
    a: &AccountRecord,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO accounts (id, role, display_name, username, age_years, age_stated_at, gender, \
             email_lookup, email_ciphertext, email_verified, password_hash, school_name, \
             school_address_ciphertext, managed_by_teacher, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

async fn update_account_in(
    conn: &mut sqlx::SqliteConnection,
    a: &AccountRecord,
) -> StoreResult<()> {
    sqlx::query(
            "UPDATE accounts SET role = ?, display_name = ?, username = ?, age_years = ?, \
             age_stated_at = ?, gender = ?, email_lookup = ?, email_ciphertext = ?, \
             email_verified = ?, password_hash = ?, school_name = ?, school_address_ciphertext = ?, \
             managed_by_teacher = ?, updated_at = ? WHERE id = ?",
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
impl SessionStore for SqliteStore {
    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, persistent) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
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
        let r = sqlx::query("SELECT * FROM sessions WHERE token_hash = ?")
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
        let r = sqlx::query(
            "SELECT a.*, s.token_hash, s.created_at AS session_created_at, s.last_seen_at, \
             s.expires_at, s.persistent FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = ?",
        )
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
        sqlx::query("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?")
            .bind(last_seen_at)
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_other_sessions(&self, account_id: &str, keep: Option<&str>) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?")
            .bind(account_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_expired_sessions(&self, now: Millis) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
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
        sqlx::query(
            "INSERT INTO mail_tokens (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        )
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
        let r = sqlx::query(
            "DELETE FROM mail_tokens WHERE token_hash = ? AND purpose = ? RETURNING account_id, expires_at",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .fetch_optional(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(r.and_then(|r| (r.get::<i64, _>("expires_at") > now).then(|| r.get("account_id"))))
    }
}

#[async_trait]
impl LimitStore for SqliteStore {
    async fn hit(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?1, ?2, 1) \
             ON CONFLICT(bucket) DO UPDATE SET \
               hits = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE hits + 1 END, \
               window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END \
             RETURNING hits, window_start",
        )
        .bind(bucket)
        .bind(now)
        .bind(window)
        .fetch_one(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(Hits {
            count: r.get("hits"),
            window_start: r.get("window_start"),
        })
    }

    async fn peek(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits> {
        let r = sqlx::query(
            "SELECT hits, window_start FROM rate_limits WHERE bucket = ? AND window_start > ?",
        )
        .bind(bucket)
        .bind(now - window)
        .fetch_optional(&self.readers)
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
        sqlx::query("DELETE FROM rate_limits WHERE bucket = ?")
            .bind(bucket)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn purge_limits(&self, older_than: Millis) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM rate_limits WHERE window_start < ?")
            .bind(older_than)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}

#[async_trait]
impl UnsubscribeStore for SqliteStore {
    async fn add_unsubscribe(&self, address_key: &str, now: Millis) -> StoreResult<()> {
        sqlx::query("INSERT INTO unsubscribes (address_key, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(address_key)
            .bind(now)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn is_unsubscribed(&self, address_keys: &[String]) -> StoreResult<bool> {
        for k in address_keys {
            let r = sqlx::query("SELECT 1 FROM unsubscribes WHERE address_key = ?")
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

/// Rows for a statement that reads them with `json_each`.
fn json_rows<T: serde::Serialize + ?Sized>(rows: &T) -> StoreResult<String> {
    serde_json::to_string(rows).map_err(|e| StoreError::Database(e.to_string()))
}

fn progress_from(r: &SqliteRow) -> ProgressRecord {
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
impl ProgressStore for SqliteStore {
    async fn record_attempts_within(
        &self,
        attempts: &[NewAttempt],
        budget: i64,
    ) -> StoreResult<Vec<AttemptOutcome>> {
        // The whole batch in two round trips (the driver's cost is per round trip, and one
        // writer serves every request): the write lock and the reads the plan needs, then
        // every insert and the commit. Each statement takes its rows as one JSON array.
        let (retries, levels) = batch::keys(attempts);
        let mut batch = OpenBatch {
            conn: self.writer.acquire().await.map_err(db_err)?,
            open: true,
        };
        let result = write_batch(&mut batch.conn, attempts, &retries, &levels, budget).await;
        if result.is_err() {
            // Whatever failed, nothing of the batch stays.
            if sqlx::query("ROLLBACK")
                .execute(&mut *batch.conn)
                .await
                .is_err()
            {
                return result;
            }
        }
        batch.open = false;
        result
    }

    async fn progress_of(&self, account_id: &str) -> StoreResult<Vec<ProgressRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM level_progress WHERE account_id = ? ORDER BY last_attempt_at",
        )
        .bind(account_id)
        .fetch_all(&self.readers)
        .await
        .map_err(db_err)?;
        Ok(rows.iter().map(progress_from).collect())
    }

    async fn attempts_of(
        &self,
        account_id: &str,
        level_id: &str,
    ) -> StoreResult<Vec<AttemptRecord>> {
        let rows = sqlx::query("SELECT a.at, a.status, a.answer, p.body FROM attempts a LEFT JOIN programs p ON p.hash = a.program_hash WHERE a.account_id = ? AND a.level_id = ? ORDER BY a.at, a.id")
            .bind(account_id)
            .bind(level_id)
            .fetch_all(&self.readers)
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
        let r = sqlx::query("SELECT bytes FROM storage_use WHERE account_id = ?")
            .bind(account_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.map_or(0, |r| r.get("bytes")))
    }

    async fn program(&self, hash: &str) -> StoreResult<Option<String>> {
        let r = sqlx::query("SELECT body FROM programs WHERE hash = ?")
            .bind(hash)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(r.map(|r| r.get("body")))
    }
}

#[async_trait]
impl MaintenanceStore for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.readers)
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
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT name, type FROM pragma_table_info('{table}')")))
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| (r.get("name"), r.get::<String, _>("type").to_uppercase()))
            .collect();
        if types.is_empty() {
            return Err(StoreError::Database(format!("no table {table}")));
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM {table} WHERE {owner_column} = ?"
        )))
        .bind(owner)
        .fetch_all(&self.readers)
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
                            "INTEGER" | "BIGINT" => {
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
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
        )
        .fetch_all(&self.readers)
        .await
        .map_err(db_err)?;
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in rows {
            out.entry(r.get("t")).or_default().insert(r.get("c"));
        }
        Ok(out)
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

/// A connection of the writer inside a batch's transaction. Dropped while open (a failed
/// rollback, or a caller that stopped waiting), the connection is closed instead of going
/// back to the pool, and SQLite rolls the transaction back as it closes.
struct OpenBatch {
    conn: sqlx::pool::PoolConnection<sqlx::Sqlite>,
    open: bool,
}

impl Drop for OpenBatch {
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

async fn write_batch(
    conn: &mut sqlx::SqliteConnection,
    attempts: &[NewAttempt],
    retries: &batch::Pairs<'_>,
    levels: &batch::Pairs<'_>,
    budget: i64,
) -> StoreResult<Vec<AttemptOutcome>> {
    let mut accounts: Vec<&str> = levels.iter().map(|(a, _)| *a).collect();
    accounts.dedup();
    // The earlier attempts under the batch's client attempt ids, the progress rows it touches
    // and its learners' storage use, told apart by their columns.
    let rows = sqlx::query(
        "BEGIN IMMEDIATE; \
         SELECT a.account_id, a.client_attempt_id, a.level_id, a.program_hash, a.answer \
         FROM json_each(?) k JOIN attempts a ON a.account_id = k.value ->> 0 \
         AND a.client_attempt_id = k.value ->> 1; \
         SELECT p.* FROM json_each(?) k JOIN level_progress p \
         ON p.account_id = k.value ->> 0 AND p.level_id = k.value ->> 1; \
         SELECT s.account_id, s.bytes FROM json_each(?) k JOIN storage_use s \
         ON s.account_id = k.value",
    )
    .bind(json_rows(retries)?)
    .bind(json_rows(levels)?)
    .bind(json_rows(&accounts)?)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut earlier = HashMap::new();
    let mut old = HashMap::new();
    let mut storage = HashMap::new();
    for r in &rows {
        let has = |name: &str| r.columns().iter().any(|c| sqlx::Column::name(c) == name);
        if has("client_attempt_id") {
            earlier.insert(
                (r.get("account_id"), r.get("client_attempt_id")),
                batch::Earlier {
                    level_id: r.get("level_id"),
                    program_hash: r.get("program_hash"),
                    answer: r.get("answer"),
                },
            );
        } else if has("bytes") {
            storage.insert(r.get("account_id"), r.get("bytes"));
        } else {
            old.insert((r.get("account_id"), r.get("level_id")), progress_from(r));
        }
    }
    let plan = batch::plan(attempts, earlier, old, storage, budget)?;
    let (mut writes, mut binds) = (String::new(), Vec::new());
    if !plan.inserts.is_empty() {
        // Rows as JSON arrays, written straight from tuples.
        let programs = json_rows(
            &plan
                .programs
                .iter()
                .map(|(p, at)| (&p.hash, &p.body, at))
                .collect::<Vec<_>>(),
        )?;
        let inserts = json_rows(
            &plan
                .inserts
                .iter()
                .map(|a| {
                    (
                        &a.id,
                        &a.account_id,
                        &a.level_id,
                        a.at,
                        &a.status,
                        a.program.as_ref().map(|p| &p.hash),
                        &a.answer,
                        &a.client_attempt_id,
                    )
                })
                .collect::<Vec<_>>(),
        )?;
        let progress = json_rows(
            &plan
                .progress
                .iter()
                .map(|(account, p)| {
                    (
                        account,
                        &p.level_id,
                        p.attempts,
                        &p.best_status,
                        &p.last_status,
                        p.first_attempt_at,
                        p.last_attempt_at,
                    )
                })
                .collect::<Vec<_>>(),
        )?;
        let changed = json_rows(&plan.changed)?;
        let storage = json_rows(&plan.changed.iter().zip(&plan.storage).collect::<Vec<_>>())?;
        writes.push_str(
                "INSERT INTO programs (hash, body, created_at) \
                 SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) WHERE true \
                 ON CONFLICT (hash) DO NOTHING; \
                 INSERT INTO attempts (id, account_id, level_id, at, status, program_hash, answer, client_attempt_id) \
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, \
                 value ->> 6, value ->> 7 FROM json_each(?); \
                 INSERT INTO level_progress (account_id, level_id, attempts, best_status, last_status, first_attempt_at, last_attempt_at) \
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 \
                 FROM json_each(?) WHERE true ON CONFLICT (account_id, level_id) DO UPDATE SET \
                 attempts = excluded.attempts, best_status = excluded.best_status, \
                 last_status = excluded.last_status, first_attempt_at = excluded.first_attempt_at, \
                 last_attempt_at = excluded.last_attempt_at; \
                 INSERT INTO progress_versions (account_id, version) \
                 SELECT value, 1 FROM json_each(?) WHERE true \
                 ON CONFLICT (account_id) DO UPDATE SET version = progress_versions.version + 1; \
                 INSERT INTO storage_use (account_id, bytes) \
                 SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true \
                 ON CONFLICT (account_id) DO UPDATE SET bytes = excluded.bytes; ",
            );
        binds = vec![programs, inserts, progress, changed, storage];
    }
    // Plain `?` placeholders, one per statement in order: the driver numbers them across
    // the statements (numbered `?NNN` ones go wrong there: the driver takes a statement's
    // unused lower numbers for positional ones).
    let mut q = sqlx::query(sqlx::AssertSqlSafe(writes + "COMMIT"));
    for b in binds {
        q = q.bind(b);
    }
    q.execute(&mut *conn).await.map_err(db_err)?;
    Ok(plan.outcomes)
}
