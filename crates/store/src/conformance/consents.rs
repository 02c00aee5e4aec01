//! Conformance cases for consent answers.

use super::samples::sample_account;
use crate::*;

fn answer(account: &str, purpose: &str, granted: bool, at: i64) -> ConsentRecord {
    ConsentRecord {
        account_id: account.into(),
        purpose: purpose.into(),
        granted,
        answered_at: at,
    }
}

// promise NOTICE-3: a purpose that needs consent is offered only those who said yes, and
// still say it: not those who said no, withdrew or never answered.
pub async fn only_consenting_accounts_are_offered_to_a_purpose(s: &dyn Store) {
    for id in ["yes", "no", "withdrew", "silent", "other"] {
        s.insert_account(&sample_account(id, None)).await.unwrap();
    }
    s.set_consent(&answer("yes", "research_export", true, 10))
        .await
        .unwrap();
    s.set_consent(&answer("no", "research_export", false, 10))
        .await
        .unwrap();
    s.set_consent(&answer("withdrew", "research_export", true, 10))
        .await
        .unwrap();
    s.set_consent(&answer("withdrew", "research_export", false, 20))
        .await
        .unwrap();
    // A yes to another purpose is not a yes to this one.
    s.set_consent(&answer("other", "another_purpose", true, 10))
        .await
        .unwrap();
    assert_eq!(
        s.accounts_consenting_to("research_export").await.unwrap(),
        ["yes"]
    );
    assert_eq!(
        s.consents_of("withdrew").await.unwrap(),
        [answer("withdrew", "research_export", false, 20)],
        "the latest answer replaces the earlier one"
    );
    assert!(s.consents_of("silent").await.unwrap().is_empty());
    // Saying yes again after withdrawing counts again; erasure takes the answers along.
    s.set_consent(&answer("withdrew", "research_export", true, 30))
        .await
        .unwrap();
    assert_eq!(
        s.accounts_consenting_to("research_export").await.unwrap(),
        ["withdrew", "yes"]
    );
    assert!(s.erase_account("yes").await.unwrap());
    assert_eq!(
        s.accounts_consenting_to("research_export").await.unwrap(),
        ["withdrew"]
    );
    assert!(s.consents_of("yes").await.unwrap().is_empty());
}
