//! The storage every backend implements, one file per feature, and the conformance suite.

// This file is the table of contents: the `Store` a backend is, the error any call may give,
// and the helpers every feature shares.

mod accounts;
pub mod conformance;
mod consents;
mod families;
mod identities;
mod jobs;
mod limits;
mod media;
mod notices;
mod progress;
mod projects;
mod sections;
pub mod sql;
mod staff;
mod support;

pub use accounts::*;
pub use consents::*;
pub use families::*;
pub use identities::*;
pub use jobs::*;
pub use limits::*;
pub use media::*;
pub use notices::*;
pub use progress::*;
pub use projects::*;
pub use sections::*;
pub use staff::*;
pub use support::*;

use async_trait::async_trait;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is already taken; the name says which ("email", "username").
    #[error("{0} is taken")]
    Conflict(&'static str),
    #[error("database: {0}")]
    Database(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait MaintenanceStore {
    /// Answers when the database can be reached.
    async fn ping(&self) -> StoreResult<()>;
    /// Every row of `table` whose `owner_column` is `owner`, column by column (for the export).
    async fn rows_owned_by(
        &self,
        table: &str,
        owner_column: &str,
        owner: &str,
    ) -> StoreResult<Vec<Map<String, Value>>>;
    /// The tables and columns of the live schema (the migrations' own bookkeeping left out).
    async fn schema(&self) -> StoreResult<BTreeMap<String, BTreeSet<String>>>;
    /// Which backend this is ("sqlite", "postgres").
    fn backend(&self) -> &'static str;
}

/// Everything the server needs of its database.
pub trait Store:
    AccountStore
    + SessionStore
    + MailTokenStore
    + LimitStore
    + UnsubscribeStore
    + ProgressStore
    + SectionStore
    + MaintenanceStore
    + JobStore
    + StaffStore
    + SupportStore
    + NoticeStore
    + ConsentStore
    + FamilyStore
    + ProjectStore
    + MediaStore
    + IdentityStore
    + Send
    + Sync
{
}

impl<T> Store for T where
    T: AccountStore
        + SessionStore
        + MailTokenStore
        + LimitStore
        + UnsubscribeStore
        + ProgressStore
        + SectionStore
        + MaintenanceStore
        + JobStore
        + StaffStore
        + SupportStore
        + NoticeStore
        + ConsentStore
        + FamilyStore
        + ProjectStore
        + MediaStore
        + IdentityStore
        + Send
        + Sync
{
}

/// A fresh application id for a stored row.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Rejects identifiers that are not plain table or column names before they reach SQL text.
pub fn is_plain_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
