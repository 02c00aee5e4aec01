//! The conformance suite: the behaviour every backend must show, run by each backend's tests
//! through `conformance_suite!`.

pub use crate::jobs::conformance::*;
use crate::*;
use kodlek_domain::{Millis, Role};

/// Generates one test per conformance case. `$make` is an async expression giving
/// `Option<Arc<dyn Store>>`: a fresh, migrated database, or None when the backend is not
/// available (the case then passes and says so).
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@cases $make;
            accounts_round_trip, email_and_username_are_unique, updates_write_every_field,
            erasure_removes_owned_rows, sessions_expire_and_end, mail_tokens_are_single_use,
            rate_limits_count_in_windows, unsubscribes_are_remembered, export_rows_by_owner,
            attempts_build_progress, client_attempt_ids_count_once, programs_are_stored_once_and_erased,
            a_batch_is_all_or_nothing, sections_round_trip, managed_students_are_written_together,
            leaving_erases_only_managed_students_left_alone, the_progress_grid_holds_current_members_only,
            progress_versions_follow_every_change, a_batch_reads_as_one_attempt_after_another,
            concurrent_writers_lose_nothing, client_attempt_ids_belong_to_one_level,
            the_storage_budget_is_counted_and_kept,
            wrong_secrets_lock_sign_in, concurrent_guesses_never_pass_the_limit, taking_control_drops_the_secret, invitations_are_single_use,
            jobs_are_queued_once_per_key, jobs_are_claimed_when_due_and_once,
            concurrent_claimers_take_each_job_once, failed_jobs_are_retried_later_then_kept_as_dead,
            a_lapsed_lease_makes_a_job_claimable_again, claiming_with_nothing_due_writes_nothing);
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(store) = $make.await {
                    $crate::conformance::$case(&*store).await;
                }
            }
        )*
    };
}

pub fn sample_account(id: &str, lookup: Option<&str>) -> AccountRecord {
    AccountRecord {
        id: id.to_owned(),
        role: Role::Student,
        display_name: format!("Coder {id}"),
        username: None,
        age_years: Some(10),
        age_stated_at: Some(1_000),
        gender: Some("female".into()),
        email_lookup: lookup.map(str::to_owned),
        email_ciphertext: None,
        email_verified: false,
        password_hash: Some("$argon2id$fake".into()),
        school_name: None,
        school_address_ciphertext: None,
        managed_by_teacher: false,
        created_at: 1_000,
        updated_at: 1_000,
    }
}

fn session(hash: &str, account: &str, expires_at: Millis) -> SessionRecord {
    SessionRecord {
        token_hash: hash.into(),
        account_id: account.into(),
        created_at: 1,
        last_seen_at: 1,
        expires_at,
        persistent: false,
    }
}

pub async fn accounts_round_trip(s: &dyn Store) {
    let a = sample_account("a1", Some("v1:aa"));
    s.insert_account(&a).await.unwrap();
    assert_eq!(s.account_by_id("a1").await.unwrap(), Some(a.clone()));
    assert_eq!(s.account_by_id("nope").await.unwrap(), None);
    let found = s
        .account_by_email_lookup(&["v2:zz".into(), "v1:aa".into()])
        .await
        .unwrap();
    assert_eq!(found, Some(a));
    assert_eq!(s.account_by_email_lookup(&[]).await.unwrap(), None);
}

pub async fn email_and_username_are_unique(s: &dyn Store) {
    let mut a = sample_account("a1", Some("v1:aa"));
    a.username = Some("ada".into());
    s.insert_account(&a).await.unwrap();
    let b = sample_account("b1", Some("v1:aa"));
    assert!(matches!(
        s.insert_account(&b).await,
        Err(StoreError::Conflict("email"))
    ));
    let mut c = sample_account("c1", None);
    c.username = Some("ada".into());
    assert!(matches!(
        s.insert_account(&c).await,
        Err(StoreError::Conflict("username"))
    ));
    assert_eq!(
        s.account_by_username("ada").await.unwrap().map(|a| a.id),
        Some("a1".into())
    );
    let d = sample_account("d1", None);
    s.insert_account(&d).await.unwrap();
    let mut d2 = d.clone();
    d2.email_lookup = Some("v1:aa".into());
    assert!(matches!(
        s.update_account(&d2).await,
        Err(StoreError::Conflict("email"))
    ));
    assert_eq!(
        s.account_by_id("d1").await.unwrap(),
        Some(d),
        "a refused update changes nothing"
    );
}

pub async fn updates_write_every_field(s: &dyn Store) {
    let a = sample_account("a1", None);
    s.insert_account(&a).await.unwrap();
    let b = AccountRecord {
        role: Role::Teacher,
        display_name: "Ms Frizzle".into(),
        username: Some("frizzle".into()),
        age_years: None,
        age_stated_at: None,
        gender: None,
        email_lookup: Some("v1:ff".into()),
        email_ciphertext: Some("v1:ct".into()),
        email_verified: true,
        password_hash: None,
        school_name: Some("Walkerville".into()),
        school_address_ciphertext: Some("v1:addr".into()),
        managed_by_teacher: true,
        updated_at: 2_000,
        ..a
    };
    s.update_account(&b).await.unwrap();
    assert_eq!(s.account_by_id("a1").await.unwrap(), Some(b));
}

pub async fn erasure_removes_owned_rows(s: &dyn Store) {
    s.insert_account(&sample_account("a1", Some("v1:aa")))
        .await
        .unwrap();
    s.insert_account(&sample_account("b1", Some("v1:bb")))
        .await
        .unwrap();
    s.insert_session(&session("h1", "a1", 10_000))
        .await
        .unwrap();
    s.insert_session(&session("h2", "b1", 10_000))
        .await
        .unwrap();
    let t = MailTokenRecord {
        token_hash: "t1".into(),
        account_id: "a1".into(),
        purpose: TokenPurpose::ResetPassword,
        created_at: 1,
        expires_at: 10_000,
    };
    s.insert_mail_token(&t).await.unwrap();
    assert!(s.erase_account("a1").await.unwrap());
    assert!(!s.erase_account("a1").await.unwrap());
    assert_eq!(s.account_by_id("a1").await.unwrap(), None);
    assert_eq!(s.session("h1").await.unwrap(), None);
    assert!(
        s.session("h2").await.unwrap().is_some(),
        "others keep theirs"
    );
    assert_eq!(
        s.take_mail_token("t1", TokenPurpose::ResetPassword, 5)
            .await
            .unwrap(),
        None
    );
    assert!(
        s.rows_owned_by("sessions", "account_id", "a1")
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn sessions_expire_and_end(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    for (h, exp) in [("h1", 100), ("h2", 10_000), ("h3", 10_000)] {
        s.insert_session(&session(h, "a1", exp)).await.unwrap();
    }
    s.touch_session("h2", 50, 20_000).await.unwrap();
    let h2 = s.session("h2").await.unwrap().unwrap();
    assert_eq!((h2.last_seen_at, h2.expires_at), (50, 20_000));
    let (with, account) = s.session_with_account("h2").await.unwrap().unwrap();
    assert_eq!(with, h2);
    assert_eq!(account, sample_account("a1", None));
    assert_eq!(s.session_with_account("nothing").await.unwrap(), None);
    assert_eq!(s.purge_expired_sessions(200).await.unwrap(), 1);
    assert_eq!(s.session("h1").await.unwrap(), None);
    s.delete_other_sessions("a1", Some("h2")).await.unwrap();
    assert!(s.session("h2").await.unwrap().is_some());
    assert_eq!(s.session("h3").await.unwrap(), None);
    s.delete_session("h2").await.unwrap();
    assert_eq!(s.session("h2").await.unwrap(), None);
}

pub async fn mail_tokens_are_single_use(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    let t = MailTokenRecord {
        token_hash: "t1".into(),
        account_id: "a1".into(),
        purpose: TokenPurpose::VerifyEmail,
        created_at: 1,
        expires_at: 100,
    };
    s.insert_mail_token(&t).await.unwrap();
    s.insert_mail_token(&MailTokenRecord {
        token_hash: "t2".into(),
        ..t.clone()
    })
    .await
    .unwrap();
    assert_eq!(
        s.take_mail_token("t1", TokenPurpose::ResetPassword, 5)
            .await
            .unwrap(),
        None,
        "wrong purpose"
    );
    assert_eq!(
        s.take_mail_token("t1", TokenPurpose::VerifyEmail, 5)
            .await
            .unwrap(),
        Some("a1".into())
    );
    assert_eq!(
        s.take_mail_token("t1", TokenPurpose::VerifyEmail, 5)
            .await
            .unwrap(),
        None,
        "used"
    );
    assert_eq!(
        s.take_mail_token("t2", TokenPurpose::VerifyEmail, 100)
            .await
            .unwrap(),
        None,
        "expired"
    );
}

pub async fn rate_limits_count_in_windows(s: &dyn Store) {
    assert_eq!(s.peek("b", 1_000, 0).await.unwrap().count, 0);
    assert_eq!(
        s.hit("b", 1_000, 0).await.unwrap(),
        Hits {
            count: 1,
            window_start: 0
        }
    );
    assert_eq!(s.hit("b", 1_000, 500).await.unwrap().count, 2);
    assert_eq!(s.peek("b", 1_000, 999).await.unwrap().count, 2);
    assert_eq!(
        s.peek("b", 1_000, 1_000).await.unwrap().count,
        0,
        "the window has passed"
    );
    assert_eq!(
        s.hit("b", 1_000, 1_200).await.unwrap(),
        Hits {
            count: 1,
            window_start: 1_200
        }
    );
    s.hit("other", 1_000, 1_200).await.unwrap();
    s.clear("b").await.unwrap();
    assert_eq!(s.peek("b", 1_000, 1_300).await.unwrap().count, 0);
    assert_eq!(s.purge_limits(1_300).await.unwrap(), 1);
    // Concurrent hits are all counted.
    let hits = futures_join(s, 20).await;
    assert_eq!(hits, 20);
}

async fn futures_join(s: &dyn Store, n: usize) -> i64 {
    let mut set = Vec::new();
    for _ in 0..n {
        set.push(s.hit("many", 60_000, 10));
    }
    let mut max = 0;
    for f in set {
        max = max.max(f.await.unwrap().count);
    }
    max
}

pub async fn unsubscribes_are_remembered(s: &dyn Store) {
    assert!(!s.is_unsubscribed(&["k1".into()]).await.unwrap());
    s.add_unsubscribe("k1", 5).await.unwrap();
    s.add_unsubscribe("k1", 6).await.unwrap();
    assert!(
        s.is_unsubscribed(&["k0".into(), "k1".into()])
            .await
            .unwrap()
    );
    assert!(!s.is_unsubscribed(&[]).await.unwrap());
}

pub async fn export_rows_by_owner(s: &dyn Store) {
    s.insert_account(&sample_account("a1", Some("v1:aa")))
        .await
        .unwrap();
    s.insert_account(&sample_account("b1", None)).await.unwrap();
    let rows = s.rows_owned_by("accounts", "id", "a1").await.unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r["display_name"], Value::String("Coder a1".into()));
    assert_eq!(r["age_years"], Value::from(10));
    assert_eq!(r["email_verified"], Value::Bool(false));
    assert_eq!(r["username"], Value::Null);
    assert!(s.rows_owned_by("accounts; drop", "id", "a1").await.is_err());
    s.ping().await.unwrap();
}

pub fn attempt(
    id: &str,
    account: &str,
    level: &str,
    at: Millis,
    status: &str,
    program: Option<&str>,
) -> NewAttempt {
    NewAttempt {
        id: id.into(),
        account_id: account.into(),
        level_id: level.into(),
        at,
        status: status.into(),
        program: program.map(|p| StoredProgram {
            hash: format!("h-{p}"),
            body: p.into(),
        }),
        answer: None,
        client_attempt_id: None,
    }
}

pub async fn attempts_build_progress(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    let out = s
        .record_attempts(&[
            attempt("t1", "a1", "maze-1", 10, "failed", Some("p1")),
            attempt("t2", "a1", "maze-1", 20, "perfect", Some("p2")),
            attempt("t3", "a1", "maze-1", 30, "passed", Some("p3")),
            attempt("t4", "a1", "maze-2", 40, "failed", Some("p1")),
        ])
        .await
        .unwrap();
    assert_eq!(out.len(), 4);
    let AttemptOutcome::Recorded(p) = &out[2] else {
        panic!("recorded")
    };
    assert_eq!(
        (p.attempts, p.best_status.as_str(), p.last_status.as_str()),
        (3, "perfect", "passed"),
        "the best never goes down"
    );
    assert_eq!((p.first_attempt_at, p.last_attempt_at), (10, 30));
    let mut all = s.progress_of("a1").await.unwrap();
    all.sort_by(|a, b| a.level_id.cmp(&b.level_id));
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], *p);
    assert_eq!(all[1].attempts, 1);
    let attempts = s.attempts_of("a1", "maze-1").await.unwrap();
    assert_eq!(
        attempts.iter().map(|a| a.at).collect::<Vec<_>>(),
        vec![10, 20, 30]
    );
    assert_eq!(attempts[1].program.as_deref(), Some("p2"));
    assert!(s.progress_of("nobody").await.unwrap().is_empty());
}

pub async fn client_attempt_ids_count_once(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_account(&sample_account("b1", None)).await.unwrap();
    let mut a = attempt("t1", "a1", "maze-1", 10, "passed", Some("p1"));
    a.client_attempt_id = Some("c-1".into());
    let first = s.record_attempts(std::slice::from_ref(&a)).await.unwrap();
    assert!(matches!(first[0], AttemptOutcome::Recorded(_)));
    let again = NewAttempt {
        id: "t2".into(),
        at: 20,
        ..a.clone()
    };
    let second = s
        .record_attempts(&[
            again.clone(),
            NewAttempt {
                id: "t3".into(),
                ..again
            },
        ])
        .await
        .unwrap();
    for o in &second {
        let AttemptOutcome::AlreadyRecorded {
            program_hash,
            progress,
            ..
        } = o
        else {
            panic!("a retry")
        };
        assert_eq!(program_hash.as_deref(), Some("h-p1"));
        assert_eq!(progress.attempts, 1);
    }
    // Another learner may use the same id.
    let other = NewAttempt {
        id: "t4".into(),
        account_id: "b1".into(),
        ..a
    };
    assert!(matches!(
        s.record_attempts(&[other]).await.unwrap()[0],
        AttemptOutcome::Recorded(_)
    ));
    assert_eq!(s.attempts_of("a1", "maze-1").await.unwrap().len(), 1);
}

/// A client attempt id names one attempt of one level: used again on another level it is a
/// conflict that writes nothing, whether the first use is stored or earlier in the same batch.
// promise PROG-1
pub async fn client_attempt_ids_belong_to_one_level(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    let with_id = |id: &str, level: &str, cid: &str| NewAttempt {
        client_attempt_id: Some(cid.into()),
        ..attempt(id, "a1", level, 10, "failed", Some("p1"))
    };
    // Progress on maze-2 already, so that a wrongly matched retry would find some.
    s.record_attempts(&[attempt("t0", "a1", "maze-2", 5, "failed", Some("p0"))])
        .await
        .unwrap();
    let first = s
        .record_attempts(&[with_id("t1", "maze-1", "c-1")])
        .await
        .unwrap();
    assert!(matches!(first[0], AttemptOutcome::Recorded(_)));
    let reused = s
        .record_attempts(&[with_id("t2", "maze-2", "c-1")])
        .await
        .unwrap();
    assert_eq!(reused, vec![AttemptOutcome::AttemptIdConflict]);
    // Twice in one batch: the first is counted, the second is the conflict.
    let out = s
        .record_attempts(&[
            with_id("t3", "maze-3", "c-2"),
            with_id("t4", "maze-2", "c-2"),
        ])
        .await
        .unwrap();
    assert!(matches!(&out[0], AttemptOutcome::Recorded(p) if p.level_id == "maze-3"));
    assert_eq!(out[1], AttemptOutcome::AttemptIdConflict);
    // A retry on its own level is still a retry.
    let retry = s
        .record_attempts(&[with_id("t5", "maze-1", "c-1")])
        .await
        .unwrap();
    assert!(matches!(retry[0], AttemptOutcome::AlreadyRecorded { .. }));
    assert_eq!(s.attempts_of("a1", "maze-2").await.unwrap().len(), 1);
    assert_eq!(s.attempts_of("a1", "maze-1").await.unwrap().len(), 1);
    let progress = s.progress_of("a1").await.unwrap();
    let maze2 = progress.iter().find(|p| p.level_id == "maze-2").unwrap();
    assert_eq!(maze2.attempts, 1);
}

/// The bytes of programs and answers are counted with each attempt, in its transaction; an
/// attempt past the budget is refused and writes nothing, and others go on.
pub async fn the_storage_budget_is_counted_and_kept(s: &dyn Store) {
    for id in ["a1", "b1"] {
        s.insert_account(&sample_account(id, None)).await.unwrap();
    }
    assert_eq!(s.storage_used("a1").await.unwrap(), 0);
    let sized = |id: &str, account: &str, bytes: usize| NewAttempt {
        program: Some(StoredProgram {
            hash: format!("h-{id}"),
            body: "x".repeat(bytes),
        }),
        ..attempt(id, account, "maze-1", 10, "failed", None)
    };
    let answered = NewAttempt {
        answer: Some("å".repeat(10)),
        ..attempt("t0", "a1", "maze-reflect", 5, "completed", None)
    };
    let out = s
        .record_attempts_within(&[answered, sized("t1", "a1", 40)], 100)
        .await
        .unwrap();
    assert!(out.iter().all(|o| matches!(o, AttemptOutcome::Recorded(_))));
    assert_eq!(
        s.storage_used("a1").await.unwrap(),
        60,
        "answers count in bytes"
    );
    // 60 + 30 fits, then 90 + 30 does not; the smaller one after it still does; the other
    // learner is not held back; the budget is checked before the retry of a counted attempt.
    let out = s
        .record_attempts_within(
            &[
                sized("t2", "a1", 30),
                sized("t3", "a1", 30),
                sized("t4", "a1", 10),
                sized("t5", "b1", 100),
            ],
            100,
        )
        .await
        .unwrap();
    assert!(matches!(out[0], AttemptOutcome::Recorded(_)));
    assert_eq!(out[1], AttemptOutcome::StorageFull);
    assert!(matches!(&out[2], AttemptOutcome::Recorded(p) if p.attempts == 3));
    assert!(matches!(out[3], AttemptOutcome::Recorded(_)));
    assert_eq!(s.storage_used("a1").await.unwrap(), 100);
    assert_eq!(s.storage_used("b1").await.unwrap(), 100);
    assert_eq!(s.attempts_of("a1", "maze-1").await.unwrap().len(), 3);
    assert_eq!(
        s.program("h-t3").await.unwrap(),
        None,
        "nothing of it is stored"
    );
    let full = s
        .record_attempts_within(&[sized("t6", "a1", 1)], 100)
        .await
        .unwrap();
    assert_eq!(full, vec![AttemptOutcome::StorageFull]);
    // An attempt without program or answer costs nothing and is still counted.
    let empty = s
        .record_attempts_within(&[attempt("t7", "a1", "maze-1", 11, "failed", None)], 100)
        .await
        .unwrap();
    assert!(matches!(&empty[0], AttemptOutcome::Recorded(p) if p.attempts == 4));
    // The default budget is the platform's.
    let out = s.record_attempts(&[sized("t8", "a1", 1)]).await.unwrap();
    assert!(matches!(out[0], AttemptOutcome::Recorded(_)));
    assert_eq!(s.storage_used("a1").await.unwrap(), 101);
    assert_eq!(
        s.rows_owned_by("storage_use", "account_id", "a1")
            .await
            .unwrap()
            .len(),
        1
    );
    s.erase_account("a1").await.unwrap();
    assert_eq!(s.storage_used("a1").await.unwrap(), 0);
}

pub async fn a_batch_reads_as_one_attempt_after_another(s: &dyn Store) {
    for id in ["a1", "b1"] {
        s.insert_account(&sample_account(id, None)).await.unwrap();
    }
    s.record_attempts(&[attempt("t0", "a1", "maze-1", 5, "passed", Some("p0"))])
        .await
        .unwrap();
    let mut first = attempt("t1", "a1", "maze-1", 10, "failed", Some("p1"));
    first.client_attempt_id = Some("c-1".into());
    let mut retry = attempt("t3", "a1", "maze-1", 30, "failed", Some("p1"));
    retry.client_attempt_id = Some("c-1".into());
    let out = s
        .record_attempts(&[
            first,
            attempt("t2", "a1", "maze-1", 20, "perfect", Some("p1")),
            retry,
            attempt("t4", "b1", "maze-1", 21, "failed", Some("p1")),
            attempt("t5", "a1", "maze-2", 22, "completed", None),
        ])
        .await
        .unwrap();
    let seen: Vec<(bool, i64, &str, &str)> = out
        .iter()
        .map(|o| match o {
            AttemptOutcome::Recorded(p) => (
                true,
                p.attempts,
                p.best_status.as_str(),
                p.last_status.as_str(),
            ),
            AttemptOutcome::AlreadyRecorded { progress: p, .. } => (
                false,
                p.attempts,
                p.best_status.as_str(),
                p.last_status.as_str(),
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (true, 2, "passed", "failed"),
            (true, 3, "perfect", "perfect"),
            // The retry of the batch's own first attempt: counted once, progress as it stands.
            (false, 3, "perfect", "perfect"),
            (true, 1, "failed", "failed"),
            (true, 1, "completed", "completed"),
        ]
    );
    let mut a = s.progress_of("a1").await.unwrap();
    a.sort_by(|x, y| x.level_id.cmp(&y.level_id));
    assert_eq!(
        (a[0].attempts, a[0].first_attempt_at, a[0].last_attempt_at),
        (3, 5, 20)
    );
    assert_eq!(a[1].level_id, "maze-2");
    assert_eq!(s.attempts_of("a1", "maze-1").await.unwrap().len(), 3);
    assert_eq!(s.attempts_of("b1", "maze-1").await.unwrap().len(), 1);
    assert_eq!(s.program("h-p1").await.unwrap().as_deref(), Some("p1"));
    let v = s
        .packed_progress(&["a1".into(), "b1".into()])
        .await
        .unwrap();
    let mut v: Vec<(String, i64)> = v.into_iter().map(|p| (p.account_id, p.version)).collect();
    v.sort();
    assert_eq!(v, vec![("a1".into(), 2), ("b1".into(), 1)]);
}

/// Several servers on one database each have their own attempt writer.
pub async fn concurrent_writers_lose_nothing(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    let writer = |w: i64| async move {
        for i in 0..5 {
            let status = if (w, i) == (1, 2) {
                "perfect"
            } else {
                "failed"
            };
            let a = attempt(
                &format!("w{w}-{i}"),
                "a1",
                "maze-1",
                100 + w * 10 + i,
                status,
                None,
            );
            s.record_attempts(&[a]).await.unwrap();
        }
    };
    tokio::join!(writer(0), writer(1), writer(2), writer(3));
    let p = &s.progress_of("a1").await.unwrap()[0];
    assert_eq!(
        (
            p.attempts,
            p.best_status.as_str(),
            p.first_attempt_at,
            p.last_attempt_at
        ),
        (20, "perfect", 100, 134)
    );
    assert_eq!(s.attempts_of("a1", "maze-1").await.unwrap().len(), 20);
    assert_eq!(
        s.packed_progress(&["a1".into()]).await.unwrap()[0].version,
        20
    );
}

pub async fn programs_are_stored_once_and_erased(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_account(&sample_account("b1", None)).await.unwrap();
    s.record_attempts(&[
        attempt("t1", "a1", "maze-1", 10, "failed", Some("shared")),
        attempt("t2", "b1", "maze-1", 10, "failed", Some("shared")),
        attempt("t3", "a1", "maze-1", 11, "failed", Some("mine-only")),
    ])
    .await
    .unwrap();
    assert_eq!(
        s.program("h-shared").await.unwrap().as_deref(),
        Some("shared")
    );
    s.erase_account("a1").await.unwrap();
    assert_eq!(
        s.program("h-mine-only").await.unwrap(),
        None,
        "a program nobody else wrote goes with its author"
    );
    assert_eq!(
        s.program("h-shared").await.unwrap().as_deref(),
        Some("shared")
    );
    assert!(s.progress_of("a1").await.unwrap().is_empty());
    assert!(
        s.rows_owned_by("attempts", "account_id", "a1")
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_batch_is_all_or_nothing(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    // The second attempt names no account: the whole batch fails and nothing is written.
    let r = s
        .record_attempts(&[
            attempt("t1", "a1", "maze-1", 10, "failed", Some("p1")),
            attempt("t2", "ghost", "maze-1", 10, "failed", None),
        ])
        .await;
    assert!(r.is_err());
    assert!(s.progress_of("a1").await.unwrap().is_empty());
    assert_eq!(s.program("h-p1").await.unwrap(), None);
    // The store writes on after it, and other writes are not caught in a batch left open.
    s.record_attempts(&[attempt("t1", "a1", "maze-1", 10, "failed", Some("p1"))])
        .await
        .unwrap();
    s.insert_account(&sample_account("a2", None)).await.unwrap();
    assert_eq!(s.progress_of("a1").await.unwrap().len(), 1);
    assert!(s.account_by_id("a2").await.unwrap().is_some());
}

pub fn sample_section(id: &str, code: &str) -> SectionRecord {
    SectionRecord {
        id: id.into(),
        name: format!("Class {id}"),
        course_id: "maze-intro".into(),
        login_type: "picture".into(),
        code: code.into(),
        created_at: 5_000,
    }
}

fn teacher(id: &str) -> AccountRecord {
    AccountRecord {
        role: Role::Teacher,
        age_years: None,
        age_stated_at: None,
        gender: None,
        ..sample_account(id, Some(&format!("v1:{id}")))
    }
}

pub fn managed_student(id: &str, teacher_id: &str, section_id: &str) -> NewManagedStudent {
    NewManagedStudent {
        account: AccountRecord {
            managed_by_teacher: true,
            password_hash: None,
            ..sample_account(id, None)
        },
        secret: SecretRecord {
            account_id: id.into(),
            kind: "picture".into(),
            ciphertext: format!("sealed-{id}"),
            failed_attempts: 0,
            locked_until: None,
            updated_at: 5_000,
        },
        permission: Some(PermissionRecord {
            account_id: id.into(),
            teacher_id: teacher_id.into(),
            section_id: section_id.into(),
            attested_at: 5_000,
        }),
    }
}

pub async fn sections_round_trip(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_account(&teacher("t2")).await.unwrap();
    let sec = sample_section("s1", "BCDFGH");
    s.insert_section(&sec, "t1").await.unwrap();
    assert_eq!(s.section("s1").await.unwrap(), Some(sec.clone()));
    assert_eq!(
        s.section_by_code("BCDFGH").await.unwrap(),
        Some(sec.clone())
    );
    assert_eq!(s.section_by_code("ZZZZZZ").await.unwrap(), None);
    assert!(matches!(
        s.insert_section(&sample_section("s2", "BCDFGH"), "t1")
            .await,
        Err(StoreError::Conflict("code"))
    ));
    assert_eq!(s.section("s2").await.unwrap(), None, "nothing half-written");
    s.insert_section(&sample_section("s2", "KMNPQR"), "t2")
        .await
        .unwrap();
    assert_eq!(s.sections_taught_by("t1").await.unwrap(), vec![sec.clone()]);
    assert!(s.add_teacher("s1", "t2", false, 6_000).await.unwrap());
    assert!(!s.add_teacher("s1", "t2", false, 7_000).await.unwrap());
    let teachers = s.section_teachers("s1").await.unwrap();
    assert_eq!(
        teachers
            .iter()
            .map(|t| (t.teacher_id.as_str(), t.owner))
            .collect::<Vec<_>>(),
        vec![("t1", true), ("t2", false)]
    );
    assert_eq!(teachers[0].display_name, "Coder t1");
    assert_eq!(s.sections_taught_by("t2").await.unwrap().len(), 2);
    s.set_owner("s1", "t2").await.unwrap();
    assert_eq!(s.section_teachers("s1").await.unwrap()[0].teacher_id, "t2");
    s.remove_teacher("s1", "t1").await.unwrap();
    assert!(s.sections_taught_by("t1").await.unwrap().is_empty());
    let renamed = SectionRecord {
        name: "Renamed".into(),
        code: "TVWXYZ".into(),
        login_type: "word".into(),
        ..sec
    };
    s.update_section(&renamed, &[]).await.unwrap();
    assert_eq!(s.section("s1").await.unwrap(), Some(renamed.clone()));
    assert_eq!(s.section_by_code("BCDFGH").await.unwrap(), None);
    let clash = SectionRecord {
        code: "KMNPQR".into(),
        ..renamed.clone()
    };
    assert!(matches!(
        s.update_section(&clash, &[]).await,
        Err(StoreError::Conflict("code"))
    ));
    assert_eq!(s.section("s1").await.unwrap(), Some(renamed));
}

pub async fn managed_students_are_written_together(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    let a = managed_student("k1", "t1", "s1");
    let b = managed_student("k2", "t1", "s1");
    s.create_managed_students("s1", &[a.clone(), b.clone()], 6_000)
        .await
        .unwrap();
    let members = s.section_members("s1").await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].student_id, "k1");
    assert!(members[0].managed_by_teacher);
    assert_eq!(members[0].joined_at, 6_000);
    assert_eq!(members[0].age_years, Some(10));
    assert_eq!(s.secret("k1").await.unwrap(), Some(a.secret.clone()));
    assert_eq!(s.section_secrets("s1").await.unwrap().len(), 2);
    assert_eq!(s.permission("k2").await.unwrap(), b.permission.clone());
    assert_eq!(
        s.section_member("s1", "k2")
            .await
            .unwrap()
            .map(|m| m.student_id),
        Some("k2".into())
    );
    // A batch with a clash writes nothing at all.
    let r = s
        .create_managed_students(
            "s1",
            &[
                managed_student("k3", "t1", "s1"),
                managed_student("k1", "t1", "s1"),
            ],
            7_000,
        )
        .await;
    assert!(r.is_err());
    assert_eq!(s.account_by_id("k3").await.unwrap(), None);
    assert_eq!(s.secret("k3").await.unwrap(), None);
    assert_eq!(s.section_members("s1").await.unwrap().len(), 2);
}

pub async fn leaving_erases_only_managed_students_left_alone(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    s.insert_section(&sample_section("s2", "KMNPQR"), "t1")
        .await
        .unwrap();
    s.create_managed_students(
        "s1",
        &[
            managed_student("k1", "t1", "s1"),
            managed_student("k2", "t1", "s1"),
            managed_student("k3", "t1", "s1"),
        ],
        6_000,
    )
    .await
    .unwrap();
    s.insert_account(&sample_account("own", None))
        .await
        .unwrap();
    assert!(s.add_student("s1", "own", 6_500).await.unwrap());
    assert!(!s.add_student("s1", "own", 6_600).await.unwrap());
    assert!(s.add_student("s2", "k2", 6_700).await.unwrap());
    s.record_attempts(&[attempt(
        "x1",
        "k1",
        "maze-1",
        7_000,
        "passed",
        Some("k1-only"),
    )])
    .await
    .unwrap();
    // A managed student in no section any more is erased, with what they made.
    assert_eq!(s.remove_student("s1", "k1").await.unwrap(), Some(true));
    assert_eq!(s.account_by_id("k1").await.unwrap(), None);
    assert_eq!(s.secret("k1").await.unwrap(), None);
    assert_eq!(s.permission("k1").await.unwrap(), None);
    assert_eq!(s.program("h-k1-only").await.unwrap(), None);
    assert_eq!(s.remove_student("s1", "k1").await.unwrap(), None);
    // A student with their own account keeps it.
    assert_eq!(s.remove_student("s1", "own").await.unwrap(), Some(false));
    assert!(s.account_by_id("own").await.unwrap().is_some());
    s.add_student("s1", "own", 8_000).await.unwrap();
    // Deleting the section erases k3 (only there) but not k2 (also in s2) nor "own".
    assert_eq!(s.delete_section("s1").await.unwrap(), 1);
    assert_eq!(s.section("s1").await.unwrap(), None);
    assert_eq!(s.account_by_id("k3").await.unwrap(), None);
    assert!(s.account_by_id("k2").await.unwrap().is_some());
    assert!(s.account_by_id("own").await.unwrap().is_some());
    assert!(s.sections_joined_by("own").await.unwrap().is_empty());
    let joined = s.sections_joined_by("k2").await.unwrap();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].section.id, "s2");
    assert_eq!(joined[0].teacher_display_name, "Coder t1");
    assert_eq!(s.delete_section("s1").await.unwrap(), 0);
}

pub async fn the_progress_grid_holds_current_members_only(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    for id in ["a", "b", "c"] {
        s.insert_account(&sample_account(id, None)).await.unwrap();
    }
    s.add_student("s1", "a", 1).await.unwrap();
    s.add_student("s1", "b", 1).await.unwrap();
    s.record_attempts(&[
        attempt("1", "a", "maze-1", 10, "perfect", None),
        attempt("2", "a", "maze-2", 11, "failed", None),
        attempt("3", "b", "maze-1", 12, "passed", None),
        attempt("4", "c", "maze-1", 13, "perfect", None),
    ])
    .await
    .unwrap();
    let mut grid: Vec<(String, String, String)> = s
        .section_progress("s1")
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.student_id, m.progress.level_id, m.progress.best_status))
        .collect();
    grid.sort();
    assert_eq!(
        grid,
        vec![
            ("a".into(), "maze-1".into(), "perfect".into()),
            ("a".into(), "maze-2".into(), "failed".into()),
            ("b".into(), "maze-1".into(), "passed".into()),
        ]
    );
    s.remove_student("s1", "a").await.unwrap();
    assert_eq!(s.section_progress("s1").await.unwrap().len(), 1);
}

pub async fn progress_versions_follow_every_change(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    for id in ["a", "b"] {
        s.insert_account(&sample_account(id, None)).await.unwrap();
        s.add_student("s1", id, 1).await.unwrap();
    }
    let versions = |s: &'static str| (s.to_owned(), 0);
    let mut v = s.section_progress_versions("s1").await.unwrap();
    v.sort();
    assert_eq!(v, vec![versions("a"), versions("b")]);
    // One batch with two attempts of "a": one change of "a", none of "b".
    let mut retried = attempt("1", "a", "maze-1", 10, "failed", None);
    retried.client_attempt_id = Some("c1".into());
    s.record_attempts(&[
        retried.clone(),
        attempt("2", "a", "maze-2", 11, "perfect", None),
    ])
    .await
    .unwrap();
    let packed = s
        .packed_progress(&["a".into(), "b".into(), "nobody".into()])
        .await
        .unwrap();
    let mut packed: Vec<(String, i64, usize)> = packed
        .into_iter()
        .map(|p| {
            (
                p.account_id,
                p.version,
                p.cells.split(';').filter(|c| !c.is_empty()).count(),
            )
        })
        .collect();
    packed.sort();
    assert_eq!(packed, vec![("a".into(), 1, 2), ("b".into(), 0, 0)]);
    // A retry that is not counted again changes nothing; a new attempt does.
    s.record_attempts(&[retried]).await.unwrap();
    assert_eq!(
        s.packed_progress(&["a".into()]).await.unwrap()[0].version,
        1
    );
    s.record_attempts(&[attempt("3", "a", "maze-1", 12, "passed", None)])
        .await
        .unwrap();
    let a = &s.packed_progress(&["a".into()]).await.unwrap()[0];
    assert_eq!(a.version, 2);
    let cells = unpack_progress(std::iter::once(("a".to_owned(), a.cells.as_str()))).unwrap();
    let maze1 = cells
        .iter()
        .find(|c| c.progress.level_id == "maze-1")
        .unwrap();
    assert_eq!(
        (maze1.progress.attempts, maze1.progress.best_status.as_str()),
        (2, "passed")
    );
    let mut v = s.section_progress_versions("s1").await.unwrap();
    v.sort();
    assert_eq!(v, vec![("a".into(), 2), versions("b")]);
    assert!(s.packed_progress(&[]).await.unwrap().is_empty());
    // Erasure takes the counter too.
    s.erase_account("a").await.unwrap();
    assert!(s.packed_progress(&["a".into()]).await.unwrap().is_empty());
    assert!(
        s.rows_owned_by("progress_versions", "account_id", "a")
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn wrong_secrets_lock_sign_in(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    s.create_managed_students("s1", &[managed_student("k1", "t1", "s1")], 1)
        .await
        .unwrap();
    let claim = |now: Millis| s.claim_secret_guess("k1", now, 10, 900_000);
    for n in 1..10 {
        let Some(SecretGuess::Judge(r)) = claim(100).await.unwrap() else {
            panic!("guess {n} is judged")
        };
        assert_eq!((r.failed_attempts, r.locked_until), (n, None));
    }
    // The tenth guess is still judged, and locks the sign-in unless it was right.
    let Some(SecretGuess::Judge(r)) = claim(100).await.unwrap() else {
        panic!("the tenth guess is judged")
    };
    assert_eq!((r.failed_attempts, r.locked_until), (10, Some(900_100)));
    assert_eq!(
        claim(200).await.unwrap(),
        Some(SecretGuess::Locked(900_100))
    );
    // A lock that has run out starts the count again.
    let Some(SecretGuess::Judge(r)) = claim(900_100).await.unwrap() else {
        panic!("judged after the lock")
    };
    assert_eq!((r.failed_attempts, r.locked_until), (1, None));
    for _ in 0..9 {
        claim(900_200).await.unwrap();
    }
    assert!(matches!(
        claim(900_300).await.unwrap(),
        Some(SecretGuess::Locked(_))
    ));
    // A teacher's unlock (or a right guess) clears the count and the lock.
    s.clear_secret_failures("k1").await.unwrap();
    let r = s.secret("k1").await.unwrap().unwrap();
    assert_eq!((r.failed_attempts, r.locked_until), (0, None));
    assert_eq!(
        s.claim_secret_guess("nobody", 1, 10, 1).await.unwrap(),
        None
    );
    let r = SecretRecord {
        failed_attempts: 0,
        locked_until: None,
        ..r
    };
    // A new secret replaces the old one.
    let fresh = SecretRecord {
        kind: "word".into(),
        ciphertext: "sealed-new".into(),
        updated_at: 200,
        ..r
    };
    s.set_secret(&fresh).await.unwrap();
    assert_eq!(s.secret("k1").await.unwrap(), Some(fresh));
}

/// Guesses sent together for one student are claimed one after another: however many
/// connections, at most `limit` of them are judged before the lock.
pub async fn concurrent_guesses_never_pass_the_limit(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    s.create_managed_students("s1", &[managed_student("k1", "t1", "s1")], 1)
        .await
        .unwrap();
    let guesser = || async {
        let mut judged = 0;
        for _ in 0..10 {
            if let Some(SecretGuess::Judge(_)) =
                s.claim_secret_guess("k1", 100, 10, 900_000).await.unwrap()
            {
                judged += 1;
            }
        }
        judged
    };
    let (a, b, c, d, e) = tokio::join!(guesser(), guesser(), guesser(), guesser(), guesser());
    assert_eq!(a + b + c + d + e, 10);
    let r = s.secret("k1").await.unwrap().unwrap();
    assert_eq!(r.locked_until, Some(900_100));
}

pub async fn taking_control_drops_the_secret(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    s.create_managed_students("s1", &[managed_student("k1", "t1", "s1")], 1)
        .await
        .unwrap();
    let mut other = sample_account("o1", None);
    other.username = Some("taken".into());
    s.insert_account(&other).await.unwrap();
    let mut a = s.account_by_id("k1").await.unwrap().unwrap();
    a.username = Some("taken".into());
    a.password_hash = Some("$argon2id$new".into());
    a.managed_by_teacher = false;
    assert!(matches!(
        s.take_control(&a).await,
        Err(StoreError::Conflict("username"))
    ));
    assert!(s.secret("k1").await.unwrap().is_some(), "nothing changed");
    a.username = Some("kim".into());
    s.take_control(&a).await.unwrap();
    assert_eq!(s.secret("k1").await.unwrap(), None);
    assert_eq!(s.account_by_id("k1").await.unwrap(), Some(a));
    assert_eq!(s.section_members("s1").await.unwrap().len(), 1);
}

pub async fn invitations_are_single_use(s: &dyn Store) {
    s.insert_account(&teacher("t1")).await.unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "t1")
        .await
        .unwrap();
    let inv = |hash: &str, expires_at| InvitationRecord {
        token_hash: hash.into(),
        section_id: "s1".into(),
        invited_by: "t1".into(),
        created_at: 10,
        expires_at,
    };
    s.insert_invitation(&inv("h1", 100)).await.unwrap();
    s.insert_invitation(&inv("h2", 50)).await.unwrap();
    assert_eq!(
        s.take_invitation("h1", 60).await.unwrap(),
        Some(inv("h1", 100))
    );
    assert_eq!(s.take_invitation("h1", 60).await.unwrap(), None);
    assert_eq!(s.take_invitation("h2", 60).await.unwrap(), None, "expired");
    assert_eq!(s.take_invitation("h2", 40).await.unwrap(), None, "gone");
}
