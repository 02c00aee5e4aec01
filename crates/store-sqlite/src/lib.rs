//! The SQLite backend: the embedded default, one writer connection and a pool of readers.

use async_trait::async_trait;
use kodlek_store::*;
use serde_json::{Map, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

mod accounts;
mod consents;
pub mod data;
mod families;
mod identities;
mod jobs;
mod limits;
mod media;
mod notices;
mod progress;
mod projects;
mod sections;
mod staff;
mod support;

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

#[async_trait]
impl MaintenanceStore for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query(sql::PING)
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
