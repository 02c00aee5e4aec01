//! Conformance cases for incidents, notice versions, account notices and notice mailings.

use super::samples::{managed_student, sample_account, sample_section};
use crate::*;
use kodlek_domain::Role;

/// An adult with a verified address on file.
fn adult(id: &str, role: Role) -> AccountRecord {
    AccountRecord {
        role,
        age_years: Some(30),
        email_ciphertext: Some(format!("ct-{id}")),
        email_verified: true,
        ..sample_account(id, Some(&format!("v1:{id}")))
    }
}

fn incident(id: &str, at: i64) -> IncidentRecord {
    IncidentRecord {
        id: id.into(),
        summary: format!("summary {id}"),
        details: "details".into(),
        created_by: "staff1".into(),
        created_at: at,
    }
}

fn version(summary: &str, significant: bool, email_users: bool, at: i64) -> NoticeVersionRecord {
    NoticeVersionRecord {
        version: 0,
        revised_on: "2027-01-02".into(),
        summary: summary.into(),
        significant,
        email_users,
        created_by: "staff1".into(),
        created_at: at,
    }
}

async fn all_unsent(s: &dyn Store, kind: &str, ref_id: &str) -> Vec<String> {
    s.unsent_mailings(kind, ref_id, 1000).await.unwrap()
}

// promise SEC-3: an incident reaches each affected account's notices, and its email is owed
// to each affected adult with a verified address and to the teachers of affected managed
// students, each once; never to a child's own address.
pub async fn incidents_notify_the_affected_and_their_teachers(s: &dyn Store) {
    s.insert_account(&adult("adult", Role::Parent))
        .await
        .unwrap();
    s.insert_account(&adult("teacher", Role::Teacher))
        .await
        .unwrap();
    s.insert_account(&AccountRecord {
        email_verified: false,
        ..adult("unverified", Role::Teacher)
    })
    .await
    .unwrap();
    // A child signed up on their own: only a keyed hash of the address is on file.
    s.insert_account(&sample_account("child", Some("v1:child")))
        .await
        .unwrap();
    s.insert_section(&sample_section("s1", "BCDFGH"), "teacher")
        .await
        .unwrap();
    let kids = [
        managed_student("k1", "teacher", "s1"),
        managed_student("k2", "teacher", "s1"),
    ];
    s.create_managed_students("s1", &kids, 6_000).await.unwrap();

    assert_eq!(
        s.unknown_accounts(&["adult".into(), "ghost".into(), "k1".into(), "ghost2".into()])
            .await
            .unwrap(),
        ["ghost", "ghost2"]
    );
    let ids = ["adult", "child", "k1", "k2", "unverified"].map(String::from);
    let n = s
        .record_incident(&incident("i1", 100), &Affected::Accounts(ids.to_vec()))
        .await
        .unwrap();
    assert_eq!(n, 5);
    for id in &ids {
        let got = s.account_notices(id, 10).await.unwrap();
        assert_eq!(
            got,
            [AccountNotice {
                kind: INCIDENT.into(),
                summary: "summary i1".into(),
                at: 100
            }],
            "{id}"
        );
    }
    assert!(s.account_notices("teacher", 10).await.unwrap().is_empty());
    // The teacher of the two managed students is owed one email, not two.
    assert_eq!(all_unsent(s, INCIDENT, "i1").await, ["adult", "teacher"]);
    assert_eq!(
        s.notice_summary(INCIDENT, "i1").await.unwrap().as_deref(),
        Some("summary i1")
    );

    let n = s
        .record_incident(&incident("i2", 200), &Affected::All)
        .await
        .unwrap();
    assert_eq!(n, 6);
    assert_eq!(
        all_unsent(s, INCIDENT, "i2").await,
        ["adult", "teacher"],
        "the teacher once, as affected and as teacher"
    );
    let adult_notices = s.account_notices("adult", 10).await.unwrap();
    assert_eq!(adult_notices.len(), 2);
    assert_eq!(adult_notices[0].summary, "summary i2", "newest first");
    assert_eq!(s.account_notices("adult", 1).await.unwrap().len(), 1);

    s.mark_mailed(INCIDENT, "i2", "adult", 300).await.unwrap();
    assert_eq!(all_unsent(s, INCIDENT, "i2").await, ["teacher"]);
    assert_eq!(
        s.unsent_mailings(INCIDENT, "i1", 1).await.unwrap(),
        ["adult"]
    );

    // Erasure takes the account's notices and its owed emails along.
    assert!(s.erase_account("adult").await.unwrap());
    assert!(s.account_notices("adult", 10).await.unwrap().is_empty());
    assert_eq!(all_unsent(s, INCIDENT, "i1").await, ["teacher"]);
}

// promise NOTICE-2: versions are numbered from 2 (1 is the notice as shipped); a significant
// one becomes every account's notice; with `email_users` every verified address is owed one.
pub async fn notice_versions_are_numbered_and_announced(s: &dyn Store) {
    s.insert_account(&adult("adult", Role::Teacher))
        .await
        .unwrap();
    s.insert_account(&sample_account("child", Some("v1:child")))
        .await
        .unwrap();
    assert!(s.notice_versions().await.unwrap().is_empty());
    let v2 = s
        .publish_notice_version(&version("small fix", false, false, 100))
        .await
        .unwrap();
    assert_eq!(v2, 2);
    assert!(s.account_notices("adult", 10).await.unwrap().is_empty());
    assert!(all_unsent(s, NOTICE_VERSION, "2").await.is_empty());
    let v3 = s
        .publish_notice_version(&version("new purpose", true, true, 200))
        .await
        .unwrap();
    assert_eq!(v3, 3);
    let all = s.notice_versions().await.unwrap();
    assert_eq!(
        all.iter().map(|v| v.version).collect::<Vec<_>>(),
        [2, 3],
        "oldest first"
    );
    assert_eq!(
        all[1],
        NoticeVersionRecord {
            version: 3,
            ..version("new purpose", true, true, 200)
        }
    );
    for id in ["adult", "child"] {
        assert_eq!(
            s.account_notices(id, 10).await.unwrap(),
            [AccountNotice {
                kind: NOTICE_VERSION.into(),
                summary: "new purpose".into(),
                at: 200
            }]
        );
    }
    assert_eq!(all_unsent(s, NOTICE_VERSION, "3").await, ["adult"]);
    assert_eq!(
        s.notice_summary(NOTICE_VERSION, "3")
            .await
            .unwrap()
            .as_deref(),
        Some("new purpose")
    );
}
