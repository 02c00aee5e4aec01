//! The job runner: its chores on SQLite, and two servers sharing one PostgreSQL queue.

use kodlek_domain::now_millis;
use kodlek_store::{NewJob, SessionRecord, Store, conformance::sample_account};
use kodlek_store_postgres::PgStore;
use kodlek_store_sqlite::SqliteStore;
use kodlek_web::jobs::{self, Runner};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn session(hash: &str, expires_at: i64) -> SessionRecord {
    SessionRecord {
        token_hash: hash.into(),
        account_id: "a1".into(),
        created_at: 1,
        last_seen_at: 1,
        expires_at,
        persistent: false,
    }
}

#[tokio::test]
async fn the_runner_purges_ended_sessions_and_queues_the_purge_again() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("k.db")).await.unwrap());
    let now = now_millis();
    store
        .insert_account(&sample_account("a1", None))
        .await
        .unwrap();
    store
        .insert_session(&session("ended", now - 1))
        .await
        .unwrap();
    store
        .insert_session(&session("live", now + 3_600_000))
        .await
        .unwrap();
    let runner = jobs::with_chores(store.clone());
    runner.schedule_chores(now).await.unwrap();
    // Queueing them again (a second server, a restart) adds nothing.
    runner.schedule_chores(now).await.unwrap();
    assert_eq!(store.jobs().await.unwrap().len(), 3);
    assert_eq!(runner.run_due(now).await.unwrap(), 3);
    assert_eq!(store.session("ended").await.unwrap(), None);
    assert!(store.session("live").await.unwrap().is_some());
    // Each chore waits for its next run, once.
    let queued = store.jobs().await.unwrap();
    assert_eq!(queued.len(), 3);
    let purge = queued
        .iter()
        .find(|j| j.kind == jobs::PURGE_SESSIONS)
        .unwrap();
    assert!(purge.run_at >= now + 600_000, "{purge:?}");
    assert_eq!((purge.attempts, purge.lease_until), (0, None));
    assert_eq!(runner.run_due(now + 1).await.unwrap(), 0);
}

#[tokio::test]
async fn a_failing_job_is_retried_and_a_panicking_one_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("k.db")).await.unwrap());
    let runner = Runner::new(store.clone())
        .handle("fails", |_| async { Err("not today".to_owned()) })
        .handle("panics", |_| async { panic!("a bug") })
        .handle("works", |_| async { Ok(()) });
    let now = now_millis();
    for kind in ["fails", "panics", "works", "unknown"] {
        let job = NewJob {
            kind: kind.into(),
            key: "k".into(),
            payload: "{}".into(),
            run_at: now,
        };
        store.enqueue_job(&job, now).await.unwrap();
    }
    assert_eq!(runner.run_due(now).await.unwrap(), 4);
    let left: BTreeMap<String, _> = store
        .jobs()
        .await
        .unwrap()
        .into_iter()
        .map(|j| (j.kind.clone(), j))
        .collect();
    assert_eq!(
        left.keys().collect::<Vec<_>>(),
        ["fails", "panics", "unknown"]
    );
    assert_eq!(left["fails"].last_error.as_deref(), Some("not today"));
    assert_eq!(
        left["panics"].last_error.as_deref(),
        Some("the handler panicked")
    );
    assert!(left.values().all(|j| j.run_at > now && j.dead_at.is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_run_a_hundred_jobs_once_each() {
    let Ok(url) = std::env::var("KODLEK_TEST_DATABASE_URL") else {
        println!("postgres tests: skipped (KODLEK_TEST_DATABASE_URL is not set)");
        return;
    };
    let schema = format!("t_{}", kodlek_store::new_id());
    // Two servers: two pools on one database, each with its own runner.
    let first_pg = PgStore::connect(&url, Some(&schema)).await.unwrap();
    let first: Arc<dyn Store> = Arc::new(first_pg.clone());
    let second: Arc<dyn Store> = Arc::new(PgStore::connect(&url, Some(&schema)).await.unwrap());
    let now = now_millis();
    for i in 0..100 {
        let job = NewJob {
            kind: "count".into(),
            key: format!("j{i:03}"),
            payload: "{}".into(),
            run_at: now,
        };
        assert!(first.enqueue_job(&job, now).await.unwrap());
    }
    let runs: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let mut servers = Vec::new();
    for (n, store) in [first.clone(), second.clone()].into_iter().enumerate() {
        let runs = runs.clone();
        let runner = Runner::new(store)
            .with_batch(5)
            .handle("count", move |job| {
                let runs = runs.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    runs.lock().unwrap().push((n, job.key));
                    Ok(())
                }
            });
        servers.push(runner.start(Duration::from_millis(10)));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !first.jobs().await.unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the jobs did not all run"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Time for a job run twice to show.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for s in servers {
        s.abort();
    }
    let runs = runs.lock().unwrap().clone();
    let mut per_job: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_server = [0; 2];
    for (n, key) in &runs {
        *per_job.entry(key).or_default() += 1;
        per_server[*n] += 1;
    }
    assert_eq!(per_job.len(), 100, "every job ran");
    assert!(per_job.values().all(|n| *n == 1), "no job ran twice");
    println!("postgres tests: ran ({per_server:?} jobs per server)");
    first_pg.drop_schema(&schema).await.unwrap();
}
