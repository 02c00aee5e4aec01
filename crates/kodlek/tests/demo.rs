//! `kodlek demo` fills a fresh database with a living classroom, and starts afresh when run again.

use kodlek_store::{AccountStore, SectionStore};
use std::process::Command;

/// Runs the demo on `dir` with these extra arguments and variables, and none of the shell's
/// own settings; what it printed.
fn run_demo_with(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kodlek"));
    cmd.args(["demo", "--data-dir"])
        .arg(dir)
        .args(args)
        .env_remove("KODLEK_DATABASE_URL")
        .env_remove("KODLEK_KEYS")
        .env_remove("KODLEK_LISTEN")
        .env_remove("KODLEK_PUBLIC_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn run_demo(dir: &std::path::Path) -> String {
    run_demo_with(dir, &[], &[])
}

#[tokio::test]
async fn the_demo_makes_two_sections_of_thirty_students_with_varied_progress() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_demo(dir.path());
    assert!(first.contains("demo.teacher@example.org"));
    assert!(first.contains("http://127.0.0.1:8080/sign-in/"), "{first}");
    // One sign-in example per section: a picture and two words.
    assert!(
        first.contains("For example Alva, whose secret picture is \""),
        "{first}"
    );
    assert!(
        first.contains("For example Tove, whose secret words are \""),
        "{first}"
    );
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
    // The demo teacher is confirmed at once: no confirmation mail waits in the outbox.
    let outbox = dir.path().join("outbox");
    let mails = std::fs::read_dir(&outbox).map_or(0, |d| d.count());
    assert_eq!(mails, 0, "no mail in {}", outbox.display());

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
    let mut kinds = std::collections::BTreeSet::new();
    let mut statuses = std::collections::BTreeSet::new();
    let mut stuck = 0;
    for s in &sections {
        kinds.insert(s.login_type.clone());
        let members = store.section_members(&s.id).await.unwrap();
        assert_eq!(members.len(), 30, "{}: 30 students", s.name);
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
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["picture", "word"],
        "one section of each"
    );
    assert!(
        statuses.contains("perfect") && statuses.contains("failed"),
        "{statuses:?}"
    );
    assert!(stuck >= 2, "some students need help ({stuck})");
}

#[test]
fn the_demo_prints_the_address_the_server_is_reached_at() {
    let dir = tempfile::tempdir().unwrap();
    // The address the server listens on, as `serve` uses it when no public address is given.
    let out = run_demo_with(dir.path(), &[], &[("KODLEK_LISTEN", "127.0.0.1:9393")]);
    assert!(out.contains("http://127.0.0.1:9393/sign-in/"), "{out}");
    assert!(out.contains("http://127.0.0.1:9393/sections"), "{out}");
    assert!(!out.contains(":8080"), "{out}");
    // The public address wins, from the flag or the variable.
    let out = run_demo_with(
        dir.path(),
        &["--public-url", "https://kodlek.school.example/"],
        &[("KODLEK_LISTEN", "127.0.0.1:9393")],
    );
    assert!(
        out.contains("https://kodlek.school.example/sign-in/"),
        "{out}"
    );
    assert!(!out.contains("9393") && !out.contains("8080"), "{out}");
    let out = run_demo_with(
        dir.path(),
        &[],
        &[("KODLEK_PUBLIC_URL", "https://kodlek.example.org")],
    );
    assert!(out.contains("https://kodlek.example.org/sign-in/"), "{out}");
}
