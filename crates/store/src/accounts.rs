//! Accounts and what hangs on them: sessions, single-use mail tokens and unsubscribed addresses.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::{Millis, Role};

/// An account row as stored. Contact fields are already hashed or encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: String,
    pub role: Role,
    pub display_name: String,
    pub username: Option<String>,
    pub age_years: Option<i64>,
    pub age_stated_at: Option<Millis>,
    pub gender: Option<String>,
    pub email_lookup: Option<String>,
    pub email_ciphertext: Option<String>,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub school_name: Option<String>,
    pub school_address_ciphertext: Option<String>,
    pub managed_by_teacher: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub account_id: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub expires_at: Millis,
    pub persistent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTokenRecord {
    pub token_hash: String,
    pub account_id: String,
    pub purpose: TokenPurpose,
    pub created_at: Millis,
    pub expires_at: Millis,
}

#[async_trait]
pub trait AccountStore {
    async fn insert_account(&self, a: &AccountRecord) -> StoreResult<()>;
    async fn account_by_id(&self, id: &str) -> StoreResult<Option<AccountRecord>>;
    /// The account whose lookup hash is any of these (one per live key version).
    async fn account_by_email_lookup(
        &self,
        candidates: &[String],
    ) -> StoreResult<Option<AccountRecord>>;
    async fn account_by_username(&self, username: &str) -> StoreResult<Option<AccountRecord>>;
    /// Writes every field of the row with this id.
    async fn update_account(&self, a: &AccountRecord) -> StoreResult<()>;
    /// Deletes the account and everything that belongs to it; then makes the bytes unrecoverable.
    async fn erase_account(&self, id: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait SessionStore {
    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    /// The session and its account in one read: every signed-in request asks for both.
    async fn session_with_account(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(SessionRecord, AccountRecord)>>;
    async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: Millis,
        expires_at: Millis,
    ) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of the account but the one named.
    async fn delete_other_sessions(&self, account_id: &str, keep: Option<&str>) -> StoreResult<()>;
    async fn purge_expired_sessions(&self, now: Millis) -> StoreResult<u64>;
}

#[async_trait]
pub trait MailTokenStore {
    async fn insert_mail_token(&self, t: &MailTokenRecord) -> StoreResult<()>;
    /// Removes the token and returns its account if it exists, has this purpose and is unexpired.
    async fn take_mail_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Millis,
    ) -> StoreResult<Option<String>>;
}

#[async_trait]
pub trait UnsubscribeStore {
    async fn add_unsubscribe(&self, address_key: &str, now: Millis) -> StoreResult<()>;
    async fn is_unsubscribed(&self, address_keys: &[String]) -> StoreResult<bool>;
}
