//! Conformance cases for sign-in identities.

use super::samples::sample_account;
use crate::*;

fn identity(account: &str, provider: &str, subject: &str, at: i64) -> IdentityRecord {
    IdentityRecord {
        account_id: account.into(),
        provider: provider.into(),
        subject: subject.into(),
        token_ciphertext: Some(format!("ct-{subject}")),
        token_kind: Some("refresh".into()),
        linked_at: at,
        checked_at: at,
    }
}

fn session(token_hash: &str, account: &str) -> SessionRecord {
    SessionRecord {
        token_hash: token_hash.into(),
        account_id: account.into(),
        created_at: 1,
        last_seen_at: 1,
        expires_at: i64::MAX / 2,
        persistent: false,
    }
}

// promise SSO-1: an identity belongs to one account, an account has one identity per
// provider, and a session made through it is known as such.
pub async fn identities_are_linked_once_and_found_by_subject(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_account(&sample_account("a2", None)).await.unwrap();
    s.insert_identity(&identity("a1", "district", "sub-1", 10))
        .await
        .unwrap();
    assert!(matches!(
        s.insert_identity(&identity("a2", "district", "sub-1", 11))
            .await,
        Err(StoreError::Conflict("identity"))
    ));
    assert!(matches!(
        s.insert_identity(&identity("a1", "district", "sub-2", 11))
            .await,
        Err(StoreError::Conflict("provider"))
    ));
    s.insert_identity(&identity("a1", "google", "sub-1", 12))
        .await
        .unwrap();
    let found = s.identity_by_subject("district", "sub-1").await.unwrap();
    assert_eq!(found, Some(identity("a1", "district", "sub-1", 10)));
    assert_eq!(
        s.identity_by_subject("district", "sub-9").await.unwrap(),
        None
    );
    let mine: Vec<_> = s
        .identities_of("a1")
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.provider)
        .collect();
    assert_eq!(mine, ["district", "google"]);

    s.insert_session(&session("h1", "a1")).await.unwrap();
    s.insert_identity_session("h1", "a1", "district", 20)
        .await
        .unwrap();
    assert_eq!(
        s.identity_session("h1").await.unwrap(),
        Some(("district".to_owned(), 20))
    );
    assert_eq!(s.identity_session("h2").await.unwrap(), None);

    // Unlinking ends the sessions made through the identity.
    assert!(s.delete_identity("a1", "district").await.unwrap());
    assert!(!s.delete_identity("a1", "district").await.unwrap());
    assert!(s.session_with_account("h1").await.unwrap().is_none());
    assert_eq!(s.identity_session("h1").await.unwrap(), None);

    // Erasing the account erases its identities and their tokens.
    s.erase_account("a1").await.unwrap();
    assert!(s.identities_of("a1").await.unwrap().is_empty());
    assert_eq!(
        s.identity_by_subject("google", "sub-1").await.unwrap(),
        None
    );
}

// promise SSO-2: identities with a live session are due for a re-check in turn, a passed
// check moves them on, and a refusal ends their sessions and forgets the token.
pub async fn identities_are_rechecked_and_refusal_ends_their_sessions(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_account(&sample_account("a2", None)).await.unwrap();
    s.insert_identity(&identity("a1", "district", "sub-1", 10))
        .await
        .unwrap();
    s.insert_identity(&identity("a2", "district", "sub-2", 5))
        .await
        .unwrap();
    // Without a session made through it, an identity is not due.
    assert!(s.identities_due(100, 10).await.unwrap().is_empty());
    s.insert_session(&session("h1", "a1")).await.unwrap();
    s.insert_session(&session("h2", "a2")).await.unwrap();
    s.insert_session(&session("h3", "a1")).await.unwrap();
    s.insert_identity_session("h1", "a1", "district", 10)
        .await
        .unwrap();
    s.insert_identity_session("h2", "a2", "district", 5)
        .await
        .unwrap();
    let due: Vec<_> = s
        .identities_due(100, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.account_id)
        .collect();
    assert_eq!(due, ["a2", "a1"], "the longest unchecked first");
    assert_eq!(s.identities_due(100, 1).await.unwrap().len(), 1, "bounded");
    assert_eq!(s.identities_due(7, 10).await.unwrap().len(), 1);

    s.identity_checked("a2", "district", Some(("ct-new", "refresh")), 200)
        .await
        .unwrap();
    s.identity_checked("a1", "district", None, 150)
        .await
        .unwrap();
    let a1 = s
        .identity_by_subject("district", "sub-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (a1.checked_at, a1.token_ciphertext.as_deref()),
        (150, Some("ct-sub-1"))
    );
    let a2 = s
        .identity_by_subject("district", "sub-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (a2.checked_at, a2.token_ciphertext.as_deref()),
        (200, Some("ct-new"))
    );
    assert!(s.identities_due(100, 10).await.unwrap().is_empty());

    assert_eq!(s.identity_refused("a1", "district").await.unwrap(), 1);
    assert!(s.session_with_account("h1").await.unwrap().is_none());
    assert!(
        s.session_with_account("h3").await.unwrap().is_some(),
        "a password session stays"
    );
    let a1 = s
        .identity_by_subject("district", "sub-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a1.token_ciphertext, a1.token_kind), (None, None));
    assert!(s.session_with_account("h2").await.unwrap().is_some());

    // A provider that stays silent ends the sessions but keeps the token for the next sign-in.
    assert_eq!(s.identity_unanswered("a2", "district").await.unwrap(), 1);
    assert!(s.session_with_account("h2").await.unwrap().is_none());
    let a2 = s
        .identity_by_subject("district", "sub-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a2.token_ciphertext.as_deref(), Some("ct-new"));
    assert_eq!(s.identity_unanswered("a2", "district").await.unwrap(), 0);
}
