//! Conformance cases for rate limits.

use crate::*;

pub async fn rate_limits_count_in_windows(s: &dyn Store) {
    assert_eq!(s.peek("b", 1_000, 0).await.unwrap().count, 0);
    assert_eq!(
        s.hit("b", 1_000, 0).await.unwrap(),
        Hits {
            count: 1,
            window_start: 0
        }
    );
    assert_eq!(s.hit("b", 1_000, 500).await.unwrap().count, 2);
    assert_eq!(s.peek("b", 1_000, 999).await.unwrap().count, 2);
    assert_eq!(
        s.peek("b", 1_000, 1_000).await.unwrap().count,
        0,
        "the window has passed"
    );
    assert_eq!(
        s.hit("b", 1_000, 1_200).await.unwrap(),
        Hits {
            count: 1,
            window_start: 1_200
        }
    );
    s.hit("other", 1_000, 1_200).await.unwrap();
    s.clear("b").await.unwrap();
    assert_eq!(s.peek("b", 1_000, 1_300).await.unwrap().count, 0);
    assert_eq!(s.purge_limits(1_300).await.unwrap(), 1);
    // Concurrent hits are all counted.
    let hits = futures_join(s, 20).await;
    assert_eq!(hits, 20);
}

async fn futures_join(s: &dyn Store, n: usize) -> i64 {
    let mut set = Vec::new();
    for _ in 0..n {
        set.push(s.hit("many", 60_000, 10));
    }
    let mut max = 0;
    for f in set {
        max = max.max(f.await.unwrap().count);
    }
    max
}
