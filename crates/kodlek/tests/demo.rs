//! `kodlek demo` fills a fresh database with a living classroom, and starts afresh when run again.

use kodlek_store::{AccountStore, SectionStore};
use std::process::Command;

fn run_demo(dir: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kodlek"))
        .args(["demo", "--data-dir"])
        .arg(dir)
        .env_remove("KODLEK_DATABASE_URL")
        .env_remove("KODLEK_KEYS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn the_demo_makes_two_sections_of_thirty_students_with_varied_progress() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_demo(dir.path());
    assert!(first.contains("demo.teacher@example.org"));
    assert!(first.contains("/sign-in/"));
    let second = run_demo(dir.path());
    let password = |s: &str| {
        s.lines()
            .find_map(|l| l.trim().strip_prefix("password: ").map(str::to_owned))
            .unwrap()
    };
    assert_ne!(
        password(&first),
        password(&second),
        "a new password each run"
    );

    let store = kodlek_store_sqlite::SqliteStore::open(&dir.path().join("kodlek.db"))
        .await
        .unwrap();
    let keys = kodlek_privacy::Keys::load_or_create(&dir.path().join("keys.toml")).unwrap();
    let email = kodlek_domain::EmailAddress::new("demo.teacher@example.org").unwrap();
    let teacher = store
        .account_by_email_lookup(&keys.email_lookup_candidates(&email))
        .await
        .unwrap()
        .unwrap();
    assert!(teacher.email_verified);
    let sections = store.sections_taught_by(&teacher.id).await.unwrap();
    assert_eq!(sections.len(), 2, "the second run replaced the first");
    let mut students = 0;
    let mut statuses = std::collections::BTreeSet::new();
    let mut stuck = 0;
    for s in &sections {
        let members = store.section_members(&s.id).await.unwrap();
        students += members.len();
        assert!(members.iter().all(|m| m.managed_by_teacher));
        let progress = store.section_progress(&s.id).await.unwrap();
        assert!(progress.len() >= members.len(), "everyone has begun");
        for p in progress {
            statuses.insert(p.progress.best_status.clone());
            if p.progress.best_status == "failed" && p.progress.attempts >= 6 {
                stuck += 1;
            }
        }
    }
    assert_eq!(students, 30);
    assert!(
        statuses.contains("perfect") && statuses.contains("failed"),
        "{statuses:?}"
    );
    assert!(stuck >= 2, "some students need help ({stuck})");
}
