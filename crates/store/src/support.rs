//! Support requests: what anyone sends to the support staff, and its closing.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// A support request as stored. The reply address is already encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportRequestRecord {
    pub id: String,
    /// "account", "privacy", "bug" or "other".
    pub topic: String,
    pub message: String,
    /// The account that sent it, when it was sent signed in.
    pub account_id: Option<String>,
    pub reply_to_ciphertext: Option<String>,
    pub created_at: Millis,
    pub closed_at: Option<Millis>,
    /// The staff account that closed it.
    pub closed_by: Option<String>,
    pub close_note: Option<String>,
}

/// What closing a request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    Now,
    /// It was closed before; nothing changed.
    Already,
    NotFound,
}

#[async_trait]
pub trait SupportStore {
    async fn insert_support_request(&self, r: &SupportRequestRecord) -> StoreResult<()>;
    /// The newest `limit` requests, newest first.
    async fn support_requests(&self, limit: u32) -> StoreResult<Vec<SupportRequestRecord>>;
    /// Closes an open request; a closed one keeps its first closing.
    async fn close_support_request(
        &self,
        id: &str,
        by: &str,
        note: Option<&str>,
        now: Millis,
    ) -> StoreResult<Closed>;
    /// Erases the reply address of every request closed before `closed_before`; how many.
    async fn erase_old_reply_addresses(&self, closed_before: Millis) -> StoreResult<u64>;
}
