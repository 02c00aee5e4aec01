//! Conformance cases for support requests.

use super::samples::sample_account;
use crate::*;

fn request(id: &str, account: Option<&str>, at: i64) -> SupportRequestRecord {
    SupportRequestRecord {
        id: id.into(),
        topic: "bug".into(),
        message: format!("message {id}"),
        account_id: account.map(str::to_owned),
        reply_to_ciphertext: Some(format!("ct-{id}")),
        created_at: at,
        closed_at: None,
        closed_by: None,
        close_note: None,
    }
}

// promise MSG-3: requests are kept newest first, closed once, and their reply
// address erased once they have been closed long enough.
pub async fn support_requests_are_listed_closed_and_forgotten(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_support_request(&request("r1", Some("a1"), 10))
        .await
        .unwrap();
    s.insert_support_request(&request("r2", None, 20))
        .await
        .unwrap();
    s.insert_support_request(&request("r3", None, 30))
        .await
        .unwrap();
    let all = s.support_requests(10).await.unwrap();
    let ids: Vec<_> = all.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r3", "r2", "r1"], "newest first");
    assert_eq!(all[2], request("r1", Some("a1"), 10), "stored as given");
    assert_eq!(s.support_requests(2).await.unwrap().len(), 2, "bounded");

    assert_eq!(
        s.close_support_request("r1", "staff1", Some("done"), 100)
            .await
            .unwrap(),
        Closed::Now
    );
    assert_eq!(
        s.close_support_request("r1", "staff2", None, 200)
            .await
            .unwrap(),
        Closed::Already
    );
    assert_eq!(
        s.close_support_request("nope", "staff1", None, 200)
            .await
            .unwrap(),
        Closed::NotFound
    );
    let r1 = s.support_requests(10).await.unwrap().remove(2);
    assert_eq!(
        (
            r1.closed_at,
            r1.closed_by.as_deref(),
            r1.close_note.as_deref()
        ),
        (Some(100), Some("staff1"), Some("done")),
        "the first closing stays"
    );

    // Only closed requests, closed before the cut-off, lose their reply address.
    s.close_support_request("r2", "staff1", None, 500)
        .await
        .unwrap();
    assert_eq!(s.erase_old_reply_addresses(100).await.unwrap(), 0);
    assert_eq!(s.erase_old_reply_addresses(101).await.unwrap(), 1);
    let left = s.support_requests(10).await.unwrap();
    let reply = |id: &str| {
        left.iter()
            .find(|r| r.id == id)
            .unwrap()
            .reply_to_ciphertext
            .clone()
    };
    assert_eq!(reply("r1"), None);
    assert_eq!(reply("r2"), Some("ct-r2".into()));
    assert_eq!(reply("r3"), Some("ct-r3".into()), "open requests keep it");

    // An erased account's requests keep nothing of it.
    assert!(s.erase_account("a1").await.unwrap());
    let ids: Vec<_> = s
        .support_requests(10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["r3", "r2"]);
}
