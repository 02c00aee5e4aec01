//! Consent: each account's yes or no to a use of its data that needs consent first.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// An account's latest answer for one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub account_id: String,
    pub purpose: String,
    pub granted: bool,
    pub answered_at: Millis,
}

#[async_trait]
pub trait ConsentStore {
    /// Records the answer, replacing an earlier one: a yes can be withdrawn at any time.
    async fn set_consent(&self, r: &ConsentRecord) -> StoreResult<()>;
    /// Every answer the account gave, by purpose.
    async fn consents_of(&self, account_id: &str) -> StoreResult<Vec<ConsentRecord>>;
    /// The accounts whose latest answer for `purpose` is yes, by id: the only ones a purpose
    /// that needs consent may use. Those who said no, withdrew or never answered are not here.
    async fn accounts_consenting_to(&self, purpose: &str) -> StoreResult<Vec<String>>;
}
