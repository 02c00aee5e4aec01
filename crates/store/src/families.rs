//! Families: codes that link a parent to a child, the links, what a parent decided for a
//! child, the parent's permission for a child's own sign-up, and parents' requests.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// A family code as stored: only its digest, the child it links to and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyCodeRecord {
    pub code_hash: String,
    pub child_id: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// A parent linked to a child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyLinkRecord {
    pub parent_id: String,
    pub child_id: String,
    pub linked_at: Millis,
}

/// What holds a child's account back: "awaiting_permission" (a parent has not yet said yes to
/// the child's own sign-up), "deactivated" or "collection_stopped" (a parent's request).
/// No row: the account is active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildControlRecord {
    pub account_id: String,
    pub status: String,
    pub changed_at: Millis,
}

/// A parent's permission for a child's own sign-up. The parent's address is encrypted and
/// kept only while the request is open, with the link's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUpPermissionRecord {
    pub account_id: String,
    pub token_hash: Option<String>,
    pub parent_email_ciphertext: Option<String>,
    /// The language of the child's choice ("en" or "sv"), for the mail and the page.
    pub lang: String,
    /// "pending" or "granted".
    pub status: String,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub decided_at: Option<Millis>,
}

/// A parent's request about a child (promise U13-7). It stays on record after the child's
/// account is erased, with the child's id and nothing else of the child's; the requester's
/// own details (for a request without a link) are erased once the request is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentRequestRecord {
    pub id: String,
    /// "deactivate", "delete", "stop_collection" or "resume".
    pub action: String,
    /// "awaiting_email_confirmation", "awaiting_review", "done" or "refused".
    pub status: String,
    pub child_id: Option<String>,
    /// The linked parent who asked; None for a request from the public form.
    pub parent_id: Option<String>,
    pub token_hash: Option<String>,
    pub parent_name: Option<String>,
    pub parent_email_ciphertext: Option<String>,
    pub child_display_name: Option<String>,
    pub section_code: Option<String>,
    pub school_name: Option<String>,
    pub details: Option<String>,
    pub lang: String,
    pub created_at: Millis,
    pub confirmed_at: Option<Millis>,
    pub due_at: Option<Millis>,
    pub decided_at: Option<Millis>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
}

/// The most codes of one child that work at once: a new one retires the oldest.
pub const FAMILY_CODES_PER_CHILD: i64 = 5;

#[async_trait]
pub trait FamilyStore {
    /// Stores a code; the child's oldest beyond [`FAMILY_CODES_PER_CHILD`] stop working.
    async fn insert_family_code(&self, c: &FamilyCodeRecord) -> StoreResult<()>;
    /// Removes the code and returns its child if it exists and is unexpired: a code links once.
    async fn take_family_code(&self, code_hash: &str, now: Millis) -> StoreResult<Option<String>>;
    /// Links a parent to a child; false when they were linked already.
    async fn link_family(&self, l: &FamilyLinkRecord) -> StoreResult<bool>;
    async fn children_of(&self, parent_id: &str) -> StoreResult<Vec<FamilyLinkRecord>>;
    async fn parents_of(&self, child_id: &str) -> StoreResult<Vec<FamilyLinkRecord>>;
    /// False when there was no such link.
    async fn unlink_family(&self, parent_id: &str, child_id: &str) -> StoreResult<bool>;

    /// What holds the account back, if anything (see [`ChildControlRecord`]).
    async fn child_control(&self, account_id: &str) -> StoreResult<Option<ChildControlRecord>>;
    /// Sets what holds the account back, or with None frees it.
    async fn set_child_control(
        &self,
        account_id: &str,
        status: Option<&str>,
        now: Millis,
    ) -> StoreResult<()>;

    async fn insert_sign_up_permission(&self, p: &SignUpPermissionRecord) -> StoreResult<()>;
    async fn sign_up_permission(
        &self,
        account_id: &str,
    ) -> StoreResult<Option<SignUpPermissionRecord>>;
    async fn sign_up_permission_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<SignUpPermissionRecord>>;
    /// Grants a pending permission: the link and the parent's address are erased with it, and
    /// the account is freed. False when it was not pending.
    async fn grant_sign_up_permission(&self, account_id: &str, now: Millis) -> StoreResult<bool>;
    /// The accounts whose permission is still pending at `before`.
    async fn expired_sign_up_permissions(&self, before: Millis) -> StoreResult<Vec<String>>;

    async fn insert_parent_request(&self, r: &ParentRequestRecord) -> StoreResult<()>;
    async fn parent_request(&self, id: &str) -> StoreResult<Option<ParentRequestRecord>>;
    async fn parent_request_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<ParentRequestRecord>>;
    /// Moves a request on from `from_status`, writing every field; false when its status was
    /// no longer `from_status` (someone else moved it first).
    async fn update_parent_request(
        &self,
        r: &ParentRequestRecord,
        from_status: &str,
    ) -> StoreResult<bool>;
    /// The newest `limit` requests, newest first.
    async fn parent_requests(&self, limit: u32) -> StoreResult<Vec<ParentRequestRecord>>;
    /// Erases the requester's details of one request (once it is done, refused or never
    /// confirmed); the action, the status, the times and the child's id stay.
    async fn erase_parent_request_contact(&self, id: &str) -> StoreResult<()>;
}
