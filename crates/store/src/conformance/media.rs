//! Conformance cases for media rows.

use super::samples::sample_account;
use crate::*;

fn file(id: &str, owner: &str, bytes: i64, at: i64) -> MediaRecord {
    MediaRecord {
        id: id.into(),
        owner_id: owner.into(),
        kind: "image".into(),
        content_type: "image/png".into(),
        bytes,
        object_key: format!("key-{id}"),
        created_at: at,
    }
}

// promise CREATE-4: a learner's files are listed for them alone, newest first, within their
// allowance; deleting one queues its bytes for erasure.
pub async fn media_rows_are_kept_within_the_allowance(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_account(&sample_account("a2", None)).await.unwrap();
    assert!(
        s.insert_media(&file("m1", "a1", 40, 10), 100)
            .await
            .unwrap()
    );
    assert!(
        s.insert_media(&file("m2", "a1", 60, 20), 100)
            .await
            .unwrap()
    );
    assert!(
        !s.insert_media(&file("m3", "a1", 1, 30), 100).await.unwrap(),
        "the allowance is full"
    );
    assert!(
        s.insert_media(&file("m4", "a2", 50, 30), 100)
            .await
            .unwrap()
    );
    assert_eq!(s.media_bytes_used("a1").await.unwrap(), 100);
    assert_eq!(s.media_bytes_used("nobody").await.unwrap(), 0);
    let mine = s.media_of("a1").await.unwrap();
    let ids: Vec<_> = mine.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m2", "m1"], "newest first, only the owner's");
    assert_eq!(mine[1], file("m1", "a1", 40, 10), "stored as given");
    assert_eq!(s.media_by_id("m3").await.unwrap(), None);
    assert_eq!(
        s.media_by_id("m4").await.unwrap(),
        Some(file("m4", "a2", 50, 30))
    );

    assert_eq!(
        s.delete_media("m1", "a2").await.unwrap(),
        None,
        "not theirs"
    );
    assert!(s.media_erasures(10).await.unwrap().is_empty());
    assert_eq!(
        s.delete_media("m1", "a1").await.unwrap(),
        Some(file("m1", "a1", 40, 10))
    );
    assert_eq!(s.delete_media("m1", "a1").await.unwrap(), None, "once");
    assert_eq!(s.media_erasures(10).await.unwrap(), ["key-m1"]);
    s.forget_media_erasure("key-m1").await.unwrap();
    assert!(s.media_erasures(10).await.unwrap().is_empty());
    assert!(
        s.insert_media(&file("m5", "a1", 40, 40), 100)
            .await
            .unwrap()
    );
}

// promise RIGHTS-2: the rows go with the account, and their bytes are queued for erasure.
pub async fn erasing_an_account_queues_its_media_bytes(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_account(&sample_account("a2", None)).await.unwrap();
    for (i, owner) in ["a1", "a1", "a2"].iter().enumerate() {
        let id = format!("m{i}");
        assert!(
            s.insert_media(&file(&id, owner, 10, i as i64), 100)
                .await
                .unwrap()
        );
    }
    assert!(s.erase_account("a1").await.unwrap());
    assert!(s.media_of("a1").await.unwrap().is_empty());
    assert_eq!(s.media_by_id("m0").await.unwrap(), None);
    let mut queued = s.media_erasures(10).await.unwrap();
    queued.sort();
    assert_eq!(queued, ["key-m0", "key-m1"]);
    assert_eq!(
        s.media_of("a2").await.unwrap().len(),
        1,
        "others keep theirs"
    );
}

// Uploads that arrive together are counted one after the other: the allowance holds.
pub async fn concurrent_media_never_pass_the_allowance(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    let one = |i: i64| async move {
        s.insert_media(&file(&format!("m{i}"), "a1", 30, i), 100)
            .await
            .unwrap()
    };
    let (a, b, c, d, e, f) = tokio::join!(one(1), one(2), one(3), one(4), one(5), one(6));
    let stored = [a, b, c, d, e, f].iter().filter(|x| **x).count();
    assert_eq!(stored, 3);
    assert_eq!(s.media_bytes_used("a1").await.unwrap(), 90);
}
