//! Rate limits: hits counted per bucket in fixed windows.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// A rate-limit counter after a hit: how many in the window, and when the window began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hits {
    pub count: i64,
    pub window_start: Millis,
}

#[async_trait]
pub trait LimitStore {
    /// Counts one hit in a fixed window of `window` ms and returns the count so far.
    async fn hit(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits>;
    /// The count in the current window, without a hit.
    async fn peek(&self, bucket: &str, window: Millis, now: Millis) -> StoreResult<Hits>;
    async fn clear(&self, bucket: &str) -> StoreResult<()>;
    async fn purge_limits(&self, older_than: Millis) -> StoreResult<u64>;
}
