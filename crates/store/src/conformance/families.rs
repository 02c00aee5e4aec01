//! Conformance cases for families.

use super::samples::sample_account;
use crate::*;

fn request(id: &str, child: Option<&str>, at: i64) -> ParentRequestRecord {
    ParentRequestRecord {
        id: id.into(),
        action: "delete".into(),
        status: "awaiting_email_confirmation".into(),
        child_id: child.map(str::to_owned),
        parent_id: None,
        token_hash: Some(format!("tok-{id}")),
        parent_name: Some("Parent".into()),
        parent_email_ciphertext: Some("ct".into()),
        child_display_name: Some("Child".into()),
        section_code: Some("KMNPQR".into()),
        school_name: Some("School".into()),
        details: Some("details".into()),
        lang: "sv".into(),
        created_at: at,
        confirmed_at: None,
        due_at: None,
        decided_at: None,
        decided_by: None,
        decision_reason: None,
    }
}

// promise U13-7: a code links once and only before it expires; links are listed from both
// sides and end with either account.
pub async fn family_codes_link_once_and_links_end_with_the_account(s: &dyn Store) {
    s.insert_account(&sample_account("kid", None))
        .await
        .unwrap();
    s.insert_account(&sample_account("mum", None))
        .await
        .unwrap();
    let code = |h: &str, exp: i64| FamilyCodeRecord {
        code_hash: h.into(),
        child_id: "kid".into(),
        created_at: 10,
        expires_at: exp,
    };
    s.insert_family_code(&code("h1", 100)).await.unwrap();
    s.insert_family_code(&code("h2", 50)).await.unwrap();
    assert_eq!(s.take_family_code("h2", 60).await.unwrap(), None, "expired");
    assert_eq!(
        s.take_family_code("h1", 60).await.unwrap().as_deref(),
        Some("kid")
    );
    assert_eq!(s.take_family_code("h1", 60).await.unwrap(), None, "used");
    let link = FamilyLinkRecord {
        parent_id: "mum".into(),
        child_id: "kid".into(),
        linked_at: 70,
    };
    assert!(s.link_family(&link).await.unwrap());
    assert!(!s.link_family(&link).await.unwrap(), "once");
    assert_eq!(s.children_of("mum").await.unwrap(), vec![link.clone()]);
    assert_eq!(s.parents_of("kid").await.unwrap(), vec![link.clone()]);
    // A child's codes are bounded: the oldest beyond the limit stop working.
    for i in 0..FAMILY_CODES_PER_CHILD + 2 {
        s.insert_family_code(&FamilyCodeRecord {
            created_at: 100 + i,
            ..code(&format!("many{i}"), 1_000)
        })
        .await
        .unwrap();
    }
    assert_eq!(
        s.take_family_code("many0", 200).await.unwrap(),
        None,
        "retired"
    );
    assert_eq!(
        s.take_family_code("many1", 200).await.unwrap(),
        None,
        "retired"
    );
    let last = format!("many{}", FAMILY_CODES_PER_CHILD + 1);
    assert_eq!(
        s.take_family_code(&last, 200).await.unwrap().as_deref(),
        Some("kid")
    );
    assert!(s.unlink_family("mum", "kid").await.unwrap());
    assert!(!s.unlink_family("mum", "kid").await.unwrap());
    s.link_family(&link).await.unwrap();
    s.erase_account("kid").await.unwrap();
    assert!(s.children_of("mum").await.unwrap().is_empty());
}

// promise U13-7: what holds an account back is set, replaced and lifted; a permission waits,
// is granted once, and takes the parent's address with it.
pub async fn child_controls_and_sign_up_permissions(s: &dyn Store) {
    s.insert_account(&sample_account("kid", None))
        .await
        .unwrap();
    assert_eq!(s.child_control("kid").await.unwrap(), None);
    s.set_child_control("kid", Some("deactivated"), 5)
        .await
        .unwrap();
    s.set_child_control("kid", Some("collection_stopped"), 6)
        .await
        .unwrap();
    let c = s.child_control("kid").await.unwrap().unwrap();
    assert_eq!((c.status.as_str(), c.changed_at), ("collection_stopped", 6));
    s.set_child_control("kid", None, 7).await.unwrap();
    assert_eq!(s.child_control("kid").await.unwrap(), None);

    let p = SignUpPermissionRecord {
        account_id: "kid".into(),
        token_hash: Some("t1".into()),
        parent_email_ciphertext: Some("ct".into()),
        lang: "en".into(),
        status: "pending".into(),
        created_at: 10,
        expires_at: 100,
        decided_at: None,
    };
    s.insert_sign_up_permission(&p).await.unwrap();
    assert_eq!(
        s.child_control("kid").await.unwrap().unwrap().status,
        "awaiting_permission"
    );
    assert_eq!(
        s.sign_up_permission_by_token("t1").await.unwrap(),
        Some(p.clone())
    );
    assert_eq!(
        s.expired_sign_up_permissions(99).await.unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(
        s.expired_sign_up_permissions(100).await.unwrap(),
        vec!["kid".to_owned()]
    );
    assert!(s.grant_sign_up_permission("kid", 20).await.unwrap());
    assert!(
        !s.grant_sign_up_permission("kid", 21).await.unwrap(),
        "once"
    );
    let granted = s.sign_up_permission("kid").await.unwrap().unwrap();
    assert_eq!(granted.status, "granted");
    assert_eq!(granted.token_hash, None);
    assert_eq!(granted.parent_email_ciphertext, None);
    assert_eq!(granted.decided_at, Some(20));
    assert_eq!(s.child_control("kid").await.unwrap(), None, "freed");
    assert_eq!(s.sign_up_permission_by_token("t1").await.unwrap(), None);
    s.erase_account("kid").await.unwrap();
    assert_eq!(s.sign_up_permission("kid").await.unwrap(), None);
}

// promise U13-7: a request moves on once from each status, outlives the child's account and
// loses the requester's details when done.
pub async fn parent_requests_move_once_and_outlive_the_child(s: &dyn Store) {
    s.insert_account(&sample_account("kid", None))
        .await
        .unwrap();
    s.insert_parent_request(&request("r1", Some("kid"), 10))
        .await
        .unwrap();
    s.insert_parent_request(&request("r2", None, 20))
        .await
        .unwrap();
    let ids: Vec<_> = s
        .parent_requests(10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["r2", "r1"]);
    assert_eq!(
        s.parent_request_by_token("tok-r1").await.unwrap(),
        Some(request("r1", Some("kid"), 10))
    );
    let confirmed = ParentRequestRecord {
        status: "awaiting_review".into(),
        token_hash: None,
        confirmed_at: Some(30),
        due_at: Some(40),
        ..request("r1", Some("kid"), 10)
    };
    assert!(
        s.update_parent_request(&confirmed, "awaiting_email_confirmation")
            .await
            .unwrap()
    );
    assert!(
        !s.update_parent_request(&confirmed, "awaiting_email_confirmation")
            .await
            .unwrap(),
        "a second confirmation changes nothing"
    );
    assert_eq!(s.parent_request("r1").await.unwrap(), Some(confirmed));
    s.erase_account("kid").await.unwrap();
    s.erase_parent_request_contact("r1").await.unwrap();
    let kept = s.parent_request("r1").await.unwrap().unwrap();
    assert_eq!(
        kept.child_id.as_deref(),
        Some("kid"),
        "the record keeps the id"
    );
    assert_eq!(
        (
            kept.parent_name,
            kept.parent_email_ciphertext,
            kept.child_display_name,
            kept.section_code,
            kept.school_name,
            kept.details
        ),
        (None, None, None, None, None, None)
    );
    assert_eq!(kept.action, "delete");
}
