//! `kodlek staff add|list|remove` and `kodlek audit verify`, on SQLite and, when
//! `KODLEK_TEST_DATABASE_URL` is set, on PostgreSQL.

use kodlek_store::{NewAuditEntry, StaffStore};
use std::path::Path;
use std::process::{Command, Output};

fn kodlek(dir: &Path, database_url: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kodlek"));
    c.args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("KODLEK_DATABASE_URL")
        .env_remove("KODLEK_KEYS")
        .env("KODLEK_LOG", "warn");
    if let Some(url) = database_url {
        c.args(["--database-url", url]);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The line of the output that starts with `prefix`.
fn line(o: &Output, prefix: &str) -> String {
    let out = stdout(o);
    out.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} in {out}"))
        .to_owned()
}

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

/// add, list, remove and verify against one database; the store appends entries in between.
async fn the_staff_commands(dir: &Path, url: Option<&str>, store: &dyn StaffStore) {
    let add = kodlek(
        dir,
        url,
        &[
            "staff",
            "add",
            "--email",
            "Ada@Kodlek.example",
            "--display-name",
            "Ada Staff",
            "--roles",
            "admin,support",
        ],
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let out = stdout(&add);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a password line");
    assert!(password.len() >= 16);
    assert!(
        out.contains("otpauth://totp/Kodlek:ada%40kodlek.example?secret="),
        "{out}"
    );

    let again = kodlek(
        dir,
        url,
        &[
            "staff",
            "add",
            "--email",
            "ada@kodlek.example",
            "--display-name",
            "Ada",
            "--roles",
            "support",
        ],
    );
    assert!(!again.status.success(), "one account per address");
    let bad_role = kodlek(
        dir,
        url,
        &[
            "staff",
            "add",
            "--email",
            "bo@kodlek.example",
            "--display-name",
            "Bo",
            "--roles",
            "boss",
        ],
    );
    assert!(!bad_role.status.success(), "unknown roles are refused");

    let list = stdout(&kodlek(dir, url, &["staff", "list"]));
    assert!(
        list.contains("ada@kodlek.example\tAda Staff\tsupport,admin\t"),
        "{list}"
    );
    assert!(!list.contains("bo@"), "{list}");

    let verify = kodlek(dir, url, &["audit", "verify"]);
    assert!(verify.status.success());
    assert_eq!(
        line(&verify, "audit chain"),
        "audit chain intact: 0 entries"
    );
    for n in 1..=3 {
        store.append_audit(&entry(n)).await.unwrap();
    }
    let verify = kodlek(dir, url, &["audit", "verify"]);
    assert!(verify.status.success());
    assert_eq!(
        line(&verify, "audit chain"),
        "audit chain intact: 3 entries"
    );

    let removed = kodlek(
        dir,
        url,
        &["staff", "remove", "--email", "ada@kodlek.example"],
    );
    assert!(removed.status.success());
    assert_eq!(
        stdout(&kodlek(dir, url, &["staff", "list"])).trim(),
        "No staff accounts."
    );
    let gone = kodlek(
        dir,
        url,
        &["staff", "remove", "--email", "ada@kodlek.example"],
    );
    assert!(!gone.status.success());
    // The removed account's entries stay, and so does the chain.
    let verify = kodlek(dir, url, &["audit", "verify"]);
    assert_eq!(
        line(&verify, "audit chain"),
        "audit chain intact: 3 entries"
    );
}

// promise STAFF-1
#[tokio::test]
async fn staff_commands_and_audit_verify_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kodlek.db");
    let store = kodlek_store_sqlite::SqliteStore::open(&file).await.unwrap();
    the_staff_commands(dir.path(), None, &store).await;

    // An entry rewritten behind the application's back: verify names it and exits 1.
    use sqlx::Connection;
    let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&mut raw)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET ticket = 'T-9' WHERE seq = 2")
        .execute(&mut raw)
        .await
        .unwrap();
    raw.close().await.unwrap();
    let verify = kodlek(dir.path(), None, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(stdout(&verify).contains("seq 2"), "{}", stdout(&verify));
}

#[tokio::test]
async fn staff_commands_and_audit_verify_on_postgres() {
    let Ok(url) = std::env::var("KODLEK_TEST_DATABASE_URL") else {
        println!("postgres tests: skipped (KODLEK_TEST_DATABASE_URL is not set)");
        return;
    };
    let schema = format!("t_{}", kodlek_store::new_id());
    let store = kodlek_store_postgres::PgStore::connect(&url, Some(&schema))
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let with_schema = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    let dir = tempfile::tempdir().unwrap();
    the_staff_commands(dir.path(), Some(&with_schema), &store).await;
    store.drop_schema(&schema).await.unwrap();
}
