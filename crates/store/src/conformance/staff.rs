//! Conformance cases for staff members and the audit log.

use super::samples::sample_account;
use crate::*;
use kodlek_domain::Role;

fn staff_account(id: &str) -> (AccountRecord, StaffRecord) {
    let account = AccountRecord {
        role: Role::Staff,
        age_years: None,
        age_stated_at: None,
        gender: None,
        ..sample_account(id, Some(&format!("lookup-{id}")))
    };
    let staff = StaffRecord {
        account_id: id.into(),
        roles: "support,admin".into(),
        totp_secret_ciphertext: format!("sealed-{id}"),
        totp_last_step: None,
        created_at: 1_000,
    };
    (account, staff)
}

fn entry(actor: &str, action: &str, subject: Option<&str>, at: i64) -> NewAuditEntry {
    NewAuditEntry {
        at,
        actor_id: actor.into(),
        action: action.into(),
        subject_id: subject.map(str::to_owned),
        reason: Some("Ticket says the login fails".into()),
        ticket: Some("T-1".into()),
        detail: None,
    }
}

pub async fn staff_members_round_trip_and_totp_steps_are_used_once(s: &dyn Store) {
    let (a, m) = staff_account("st1");
    s.insert_staff(&a, &m).await.unwrap();
    assert_eq!(
        s.account_by_id("st1").await.unwrap().unwrap().role,
        Role::Staff
    );
    assert_eq!(s.staff_member("st1").await.unwrap(), Some(m.clone()));
    assert_eq!(s.staff_member("nobody").await.unwrap(), None);
    let all = s.staff_members().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].0, a);
    // A step is good once; an earlier one never again; a later one once.
    assert!(s.claim_totp_step("st1", 100).await.unwrap());
    assert!(!s.claim_totp_step("st1", 100).await.unwrap());
    assert!(!s.claim_totp_step("st1", 99).await.unwrap());
    assert!(s.claim_totp_step("st1", 101).await.unwrap());
    assert!(!s.claim_totp_step("nobody", 5).await.unwrap());
    assert_eq!(
        s.staff_member("st1").await.unwrap().unwrap().totp_last_step,
        Some(101)
    );
    // The same email cannot make a second account.
    let (mut b, mut n) = staff_account("st2");
    b.email_lookup = a.email_lookup.clone();
    n.account_id = "st2".into();
    assert!(matches!(
        s.insert_staff(&b, &n).await,
        Err(StoreError::Conflict("email"))
    ));
    assert_eq!(
        s.staff_member("st2").await.unwrap(),
        None,
        "nothing half-made"
    );
    // Erasing the account removes the staff row with it.
    assert!(s.erase_account("st1").await.unwrap());
    assert_eq!(s.staff_member("st1").await.unwrap(), None);
}

// promise STAFF-1: every entry is chained to the one before it.
pub async fn the_audit_chain_holds_after_appends(s: &dyn Store) {
    assert_eq!(verify_audit_chain(s).await.unwrap(), ChainCheck::Intact(0));
    let first = s
        .append_audit(&entry("st1", "search", None, 10))
        .await
        .unwrap();
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev_hash, GENESIS_HASH);
    for i in 0..4 {
        let subject = if i % 2 == 0 { "u1" } else { "u2" };
        s.append_audit(&entry("st1", "access", Some(subject), 20 + i))
            .await
            .unwrap();
    }
    let all = s.audit_entries(None, 0, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(all[0], first);
    for w in all.windows(2) {
        assert_eq!(w[1].prev_hash, w[0].hash);
    }
    let about_u1 = s.audit_entries(Some("u1"), 0, 100).await.unwrap();
    assert_eq!(about_u1.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 4]);
    let page = s.audit_entries(None, 2, 2).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(verify_audit_chain(s).await.unwrap(), ChainCheck::Intact(5));
}

// promise STAFF-1: appends made at once still form one chain.
pub async fn concurrent_appends_form_one_chain(s: &dyn Store) {
    let one = |i: i64| async move {
        for j in 0..5 {
            s.append_audit(&entry("st1", "access", Some("u1"), i * 10 + j))
                .await
                .unwrap();
        }
    };
    tokio::join!(one(1), one(2), one(3), one(4));
    let all = s.audit_entries(None, 0, 100).await.unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(verify_audit_chain(s).await.unwrap(), ChainCheck::Intact(20));
}

// promise RIGHTS-2: erasing an account erases its personal data, and the audit entries about
// it stay, naming only its id.
pub async fn erasure_keeps_the_audit_log(s: &dyn Store) {
    s.insert_account(&sample_account("u1", Some("l-u1")))
        .await
        .unwrap();
    s.append_audit(&entry("st1", "access", Some("u1"), 10))
        .await
        .unwrap();
    s.append_audit(&entry("st1", "erasure", Some("u1"), 20))
        .await
        .unwrap();
    assert!(s.erase_account("u1").await.unwrap());
    assert_eq!(s.audit_entries(Some("u1"), 0, 10).await.unwrap().len(), 2);
    assert_eq!(verify_audit_chain(s).await.unwrap(), ChainCheck::Intact(2));
}
