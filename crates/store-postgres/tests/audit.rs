//! The audit log on PostgreSQL: the database refuses UPDATE, DELETE and TRUNCATE, and a row
//! changed behind the application's back breaks the chain at that row. Needs
//! `KODLEK_TEST_DATABASE_URL`; without it the test passes and says so.

use kodlek_store::*;
use kodlek_store_postgres::PgStore;
use sqlx::{Connection, PgConnection};

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
    let Ok(url) = std::env::var("KODLEK_TEST_DATABASE_URL") else {
        println!("postgres tests: skipped (KODLEK_TEST_DATABASE_URL is not set)");
        return;
    };
    let schema = format!("t_{}", new_id());
    let store = PgStore::connect(&url, Some(&schema)).await.unwrap();
    for n in 1..=3 {
        store.append_audit(&entry(n)).await.unwrap();
    }
    let mut raw = PgConnection::connect(&url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("SET search_path TO {schema}")))
        .execute(&mut raw)
        .await
        .unwrap();
    for refused in [
        "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 3",
        "TRUNCATE audit_log",
    ] {
        let r = sqlx::query(refused).execute(&mut raw).await;
        let e = r.expect_err(refused).to_string();
        assert!(e.contains("append-only"), "{refused}: {e}");
    }
    assert_eq!(
        verify_audit_chain(&store).await.unwrap(),
        ChainCheck::Intact(3)
    );

    // Someone with the database's owner rights drops the guard and rewrites entry 2.
    sqlx::query("DROP TRIGGER audit_log_no_change ON audit_log")
        .execute(&mut raw)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2")
        .execute(&mut raw)
        .await
        .unwrap();
    assert_eq!(
        verify_audit_chain(&store).await.unwrap(),
        ChainCheck::BrokenAt(2)
    );
    raw.close().await.unwrap();
    store.drop_schema(&schema).await.unwrap();
}
