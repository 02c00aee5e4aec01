//! The shared conformance suite and the inventory check, on SQLite.

use kodlek_store::Store;
use kodlek_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn fresh() -> Option<Arc<dyn Store>> {
    // The directory is leaked on purpose for the test's lifetime: the pool holds the file open.
    let dir = tempfile::tempdir().unwrap().keep();
    Some(Arc::new(
        SqliteStore::open(&dir.join("kodlek.db")).await.unwrap(),
    ))
}

kodlek_store::conformance_suite!(fresh());

#[tokio::test]
async fn every_column_is_in_the_data_inventory() {
    let store = fresh().await.unwrap();
    let live = store.schema().await.unwrap();
    let declared = kodlek_privacy::Inventory::shipped().declared();
    assert_eq!(
        live, declared,
        "the SQLite schema and privacy/inventory.toml disagree"
    );
}
