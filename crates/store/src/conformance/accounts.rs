//! Conformance cases for accounts, erasure, sessions, mail tokens, unsubscribes and export.

use super::samples::*;
use crate::*;
use kodlek_domain::{Millis, Role};

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
