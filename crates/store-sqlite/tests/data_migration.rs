//! The data migration that rewrites programs stored before canonical forms, on SQLite: run
//! once at open, after the SQL migrations.

use kodlek_store::conformance::sample_account;
use kodlek_store::{AccountStore, Store};
use kodlek_store_sqlite::SqliteStore;
use sqlx::{Connection, Row};

/// Programs as they were stored before canonical forms: (hash, body) rows and the attempts
/// that ran them, as plain SQL that both backends take.
fn old_rows() -> (Vec<String>, Vec<(String, String)>) {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let hostile = |id: &str| {
        format!(
            r#"{{"blocks":{{"blocks":[{{"type":"when_run","id":"{id}","extraState":{deep},"next":{{"block":{{"type":"maze_move_forward","id":"m"}}}}}}]}}}}"#
        )
    };
    let strays = format!(
        r#"{{"blocks":{{"blocks":[{{"type":"when_run"}}{}]}}}}"#,
        r#",{"type":"x"}"#.repeat(1_001)
    );
    let canonical = kodlek_puzzles::stored_form(r#"{"blocks":{"blocks":[{"type":"when_run"}]}}"#);
    let programs = vec![
        ("old-1".to_owned(), hostile("s1")),
        ("old-2".to_owned(), hostile("s2")),
        ("old-3".to_owned(), strays),
        (kodlek_privacy::keys::token_digest(&canonical), canonical),
    ];
    let mut sql = vec![];
    for (i, (hash, body)) in programs.iter().enumerate() {
        sql.push(format!(
            "INSERT INTO programs (hash, body, created_at) VALUES ('{hash}', '{body}', {i})"
        ));
        sql.push(format!(
            "INSERT INTO attempts (id, account_id, level_id, at, status, program_hash, answer, client_attempt_id) \
             VALUES ('t{i}', 'a1', 'maze-1', {i}, 'failed', '{hash}', 'ok', NULL)"
        ));
    }
    sql.push("DELETE FROM data_migrations".into());
    (sql, programs)
}

/// What the data migration must leave: every program canonical under the hash of its text,
/// every attempt pointing at one, no program left over, the storage counted again.
async fn check_rewritten(s: &dyn Store, programs: &[(String, String)]) {
    let attempts = s.attempts_of("a1", "maze-1").await.unwrap();
    assert_eq!(attempts.len(), programs.len());
    for (a, (_, old)) in attempts.iter().zip(programs) {
        let body = a
            .program
            .as_deref()
            .expect("every attempt keeps its program");
        assert_eq!(body, kodlek_puzzles::stored_form(old));
        assert!(body.len() < 200, "{body}");
        // Read back by serde_json with its own limits, as any reader might.
        serde_json::from_str::<serde_json::Value>(body).unwrap();
        let hash = kodlek_privacy::keys::token_digest(body);
        assert_eq!(s.program(&hash).await.unwrap().as_deref(), Some(body));
    }
    for old in ["old-1", "old-2", "old-3"] {
        assert_eq!(s.program(old).await.unwrap(), None, "{old} is gone");
    }
    let expected: usize = attempts
        .iter()
        .map(|a| a.program.as_ref().map_or(0, String::len) + 2)
        .sum();
    assert_eq!(s.storage_used("a1").await.unwrap(), expected as i64);
}

// promise PROG-3: a student reads back their code, whatever was stored before.
#[tokio::test]
async fn stored_programs_are_rewritten_to_canonical_form_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("k.db");
    let s = SqliteStore::open(&file).await.unwrap();
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    drop(s);
    let url = format!("sqlite://{}", file.display());
    let (sql, programs) = old_rows();
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    for q in sql {
        sqlx::query(sqlx::AssertSqlSafe(q))
            .execute(&mut c)
            .await
            .unwrap();
    }
    c.close().await.unwrap();
    // Opening runs the data migration.
    let s = SqliteStore::open(&file).await.unwrap();
    check_rewritten(&s, &programs).await;
    drop(s);
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let count = |q: &'static str| sqlx::query(q);
    let n: i64 = count("SELECT COUNT(*) FROM programs")
        .fetch_one(&mut c)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3, "the two hostile programs became one");
    let orphans: i64 = count(
        "SELECT COUNT(*) FROM programs WHERE hash NOT IN (SELECT program_hash FROM attempts)",
    )
    .fetch_one(&mut c)
    .await
    .unwrap()
    .get(0);
    assert_eq!(orphans, 0);
    // Done once: a program stored in the old way now is left alone at the next open.
    sqlx::query(
        "UPDATE programs SET body = '{\"blocks\":{\"blocks\":[],\"id\":1}}' WHERE created_at = 3",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let s: Box<dyn Store> = Box::new(SqliteStore::open(&file).await.unwrap());
    let bodies: Vec<_> = s.attempts_of("a1", "maze-1").await.unwrap();
    assert!(
        bodies
            .iter()
            .any(|a| a.program.as_deref() == Some("{\"blocks\":{\"blocks\":[],\"id\":1}}"))
    );
}
