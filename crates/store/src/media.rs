//! Media files (images and sounds) of learners aged 13 or more: the rows that say whose each
//! file is; the bytes themselves are in the object store, under `object_key`.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// One uploaded file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    pub id: String,
    pub owner_id: String,
    /// "image" or "sound".
    pub kind: String,
    /// The type the bytes were recognised as, e.g. "image/png".
    pub content_type: String,
    /// The size of the stored (cleaned) bytes.
    pub bytes: i64,
    /// Where the bytes are in the object store: random, and never shown to anybody.
    pub object_key: String,
    pub created_at: Millis,
}

#[async_trait]
pub trait MediaStore {
    /// Adds the row when the owner's files, this one included, stay within `allowance` bytes;
    /// false (and nothing written) when they would not. Concurrent inserts for one owner are
    /// counted one after the other, so together they never pass the allowance.
    async fn insert_media(&self, m: &MediaRecord, allowance: i64) -> StoreResult<bool>;
    /// The owner's files, newest first.
    async fn media_of(&self, owner_id: &str) -> StoreResult<Vec<MediaRecord>>;
    async fn media_by_id(&self, id: &str) -> StoreResult<Option<MediaRecord>>;
    /// The bytes of all the owner's files.
    async fn media_bytes_used(&self, owner_id: &str) -> StoreResult<i64>;
    /// Deletes the owner's file; the row it was, or None when the owner has no such file.
    async fn delete_media(&self, id: &str, owner_id: &str) -> StoreResult<Option<MediaRecord>>;
    /// Object keys whose rows are gone (deleted, or erased with their account) and whose bytes
    /// are still to be erased from the object store, oldest first, at most `limit`.
    async fn media_erasures(&self, limit: u32) -> StoreResult<Vec<String>>;
    /// The bytes under `object_key` are erased: the key is forgotten.
    async fn forget_media_erasure(&self, object_key: &str) -> StoreResult<()>;
}
