//! The audit log on SQLite: the database refuses UPDATE and DELETE, and a row changed behind
//! the application's back breaks the chain at that row.

use kodlek_store::*;
use kodlek_store_sqlite::SqliteStore;
use sqlx::{Connection, SqliteConnection};

fn entry(n: i64) -> NewAuditEntry {
    NewAuditEntry {
        at: 1_000 + n,
        actor_id: "staff1".into(),
        action: "access".into(),
        subject_id: Some(format!("user{n}")),
        reason: Some("The user asked for help by mail".into()),
        ticket: None,
        detail: None,
    }
}

// promise STAFF-1: the record cannot be edited, by the application or by SQL beside it.
#[tokio::test]
async fn the_database_refuses_to_change_the_audit_log_and_verify_finds_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kodlek.db");
    let store = SqliteStore::open(&file).await.unwrap();
    for n in 1..=3 {
        store.append_audit(&entry(n)).await.unwrap();
    }
    let mut raw = SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let update = sqlx::query("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2")
        .execute(&mut raw)
        .await;
    assert!(update.is_err(), "UPDATE must fail");
    let delete = sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(&mut raw)
        .await;
    assert!(delete.is_err(), "DELETE must fail");
    assert_eq!(
        verify_audit_chain(&store).await.unwrap(),
        ChainCheck::Intact(3)
    );

    // Someone with the file drops the guard and rewrites entry 2.
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&mut raw)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2")
        .execute(&mut raw)
        .await
        .unwrap();
    raw.close().await.unwrap();
    assert_eq!(
        verify_audit_chain(&store).await.unwrap(),
        ChainCheck::BrokenAt(2)
    );
}
