//! Sign-in identities at other services: the links, the tokens kept to re-check them, and
//! which sessions were made through them.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// An account's identity at a provider. The token is already encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRecord {
    pub account_id: String,
    /// The provider's id in the operator's configuration ("google", "district").
    pub provider: String,
    /// The provider's `sub`: its stable, opaque id of the person.
    pub subject: String,
    /// The refresh (or, failing one, access) token that re-checks the identity, encrypted.
    pub token_ciphertext: Option<String>,
    /// "refresh" or "access": which kind `token_ciphertext` holds.
    pub token_kind: Option<String>,
    pub linked_at: Millis,
    /// When the provider last vouched for the person (a sign-in or a re-check).
    pub checked_at: Millis,
}

#[async_trait]
pub trait IdentityStore {
    /// Links an identity; `Conflict("identity")` when the provider's subject is linked to an
    /// account already, `Conflict("provider")` when the account has an identity there already.
    async fn insert_identity(&self, i: &IdentityRecord) -> StoreResult<()>;
    async fn identity_by_subject(
        &self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<IdentityRecord>>;
    /// An account's identities, oldest link first.
    async fn identities_of(&self, account_id: &str) -> StoreResult<Vec<IdentityRecord>>;
    /// A new sign-in or a passed re-check: the new token (when the provider gave one) and time.
    async fn identity_checked(
        &self,
        account_id: &str,
        provider: &str,
        token: Option<(&str, &str)>,
        now: Millis,
    ) -> StoreResult<()>;
    /// Unlinks an identity, ending the sessions made through it; whether there was one.
    async fn delete_identity(&self, account_id: &str, provider: &str) -> StoreResult<bool>;
    /// Records that a session was made by signing in through a provider.
    async fn insert_identity_session(
        &self,
        session_token_hash: &str,
        account_id: &str,
        provider: &str,
        now: Millis,
    ) -> StoreResult<()>;
    /// When the session was made through a provider: that provider and when.
    async fn identity_session(
        &self,
        session_token_hash: &str,
    ) -> StoreResult<Option<(String, Millis)>>;
    /// Identities with a live session made through them, last checked before `checked_before`;
    /// the longest unchecked first, at most `limit`.
    async fn identities_due(
        &self,
        checked_before: Millis,
        limit: u32,
    ) -> StoreResult<Vec<IdentityRecord>>;
    /// The provider refused: the sessions made through the identity end and its token goes.
    async fn identity_refused(&self, account_id: &str, provider: &str) -> StoreResult<u64>;
    /// The provider has not answered for too long: the sessions made through the identity end,
    /// and its token stays for the next sign-in. How many sessions ended.
    async fn identity_unanswered(&self, account_id: &str, provider: &str) -> StoreResult<u64>;
}
