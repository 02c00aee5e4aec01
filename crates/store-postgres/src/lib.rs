//! The PostgreSQL backend: for districts that run many servers against one database.

use async_trait::async_trait;
use kodlek_store::*;
use serde_json::{Map, Value};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
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
             section_students, student_secrets, school_permissions, section_teachers, sections, \
             staff_members, support_requests, account_notices, notice_mailings, consents",
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

#[async_trait]
impl MaintenanceStore for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query(sql::PING)
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
