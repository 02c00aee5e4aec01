//! Conformance cases for attempts, progress, the storage budget, programs and batches.

use super::samples::*;
use crate::*;

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

pub async fn the_level_tally_counts_learners_and_names_none(s: &dyn Store) {
    assert!(s.level_tally().await.unwrap().is_empty());
    for a in ["a1", "a2", "a3"] {
        s.insert_account(&sample_account(a, None)).await.unwrap();
    }
    let teacher = AccountRecord {
        role: kodlek_domain::Role::Teacher,
        age_years: None,
        age_stated_at: None,
        gender: None,
        ..sample_account("t1", None)
    };
    s.insert_account(&teacher).await.unwrap();
    s.record_attempts(&[
        // a1 and a2: two tries at maze-1, solved perfectly; a3: one failed try.
        attempt("t1", "a1", "maze-1", 10, "failed", None),
        attempt("t2", "a1", "maze-1", 20, "perfect", None),
        attempt("t3", "a2", "maze-1", 30, "perfect", None),
        attempt("t4", "a2", "maze-1", 40, "failed", None),
        attempt("t5", "a3", "maze-1", 50, "failed", None),
        attempt("t6", "a3", "maze-2", 60, "passed", None),
        // A teacher trying the level before the lesson is not a learner.
        attempt("t7", "t1", "maze-1", 70, "perfect", None),
    ])
    .await
    .unwrap();
    let tally = s.level_tally().await.unwrap();
    let rows: Vec<_> = tally
        .iter()
        .map(|r| {
            (
                r.level_id.as_str(),
                r.attempts,
                r.best_status.as_str(),
                r.learners,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("maze-1", 1, "failed", 1),
            ("maze-1", 2, "perfect", 2),
            ("maze-2", 1, "passed", 1),
        ],
        "the best status counts, not the last"
    );
    assert!(s.erase_account("a1").await.unwrap());
    let after = s.level_tally().await.unwrap();
    assert_eq!(
        after
            .iter()
            .find(|r| r.best_status == "perfect")
            .map(|r| r.learners),
        Some(1),
        "an erased learner leaves the tally"
    );
}
