//! The shared conformance suite, the inventory check and the schema comparison, on PostgreSQL.
//! They need `KODLEK_TEST_DATABASE_URL`; without a reachable server they pass and say so.

use kodlek_store::{MaintenanceStore, Store};
use kodlek_store_postgres::PgStore;
use std::sync::Arc;

async fn fresh() -> Option<Arc<dyn Store>> {
    let Ok(url) = std::env::var("KODLEK_TEST_DATABASE_URL") else {
        println!("postgres tests: skipped (KODLEK_TEST_DATABASE_URL is not set)");
        return None;
    };
    let schema = format!("t_{}", kodlek_store::new_id());
    match PgStore::connect(&url, Some(&schema)).await {
        Ok(s) => Some(Arc::new(s)),
        Err(e) => {
            println!("postgres tests: skipped ({e})");
            None
        }
    }
}

kodlek_store::conformance_suite!(fresh());

#[tokio::test]
async fn postgres_backend_is_reachable() {
    if let Some(s) = fresh().await {
        s.ping().await.unwrap();
        println!("postgres tests: ran");
    }
}

#[tokio::test]
async fn every_column_is_in_the_data_inventory_and_both_schemas_agree() {
    let Some(pg) = fresh().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let lite = kodlek_store_sqlite::SqliteStore::open(&dir.path().join("k.db"))
        .await
        .unwrap();
    let pg_schema = pg.schema().await.unwrap();
    assert_eq!(
        pg_schema,
        lite.schema().await.unwrap(),
        "the SQLite and PostgreSQL schemas differ"
    );
    assert_eq!(
        pg_schema,
        kodlek_privacy::Inventory::shipped().declared(),
        "the PostgreSQL schema and the inventory disagree"
    );
}
