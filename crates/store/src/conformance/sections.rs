//! Conformance cases for sections: members, managed students, secrets, grid, invitations.

use super::samples::*;
use crate::*;
use kodlek_domain::{Millis, Role};

fn teacher(id: &str) -> AccountRecord {
    AccountRecord {
        role: Role::Teacher,
        age_years: None,
        age_stated_at: None,
        gender: None,
        ..sample_account(id, Some(&format!("v1:{id}")))
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
