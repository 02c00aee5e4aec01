//! Staff members and the audit log: who may act as staff, and the chained record of what they did.

// The audit log is append-only: the database itself refuses UPDATE and DELETE on it (a
// trigger on each backend), and each entry's hash covers the one before it, so a row changed
// behind the application's back breaks the chain at that row (`verify_audit_chain`).
//
// An entry names ids, never personal data: an erased account's id stays in the log, where it
// no longer points at anybody.

use crate::{AccountRecord, StoreResult};
use async_trait::async_trait;
use kodlek_domain::{Millis, rfc3339};
use sha2::{Digest, Sha256};

/// A staff member's row beside their account (whose role is `staff`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub account_id: String,
    /// Comma-separated roles, as `StaffRoles::joined` writes them ("support,admin").
    pub roles: String,
    /// The TOTP secret (base32), encrypted with the platform's keys.
    pub totp_secret_ciphertext: String,
    /// The last TOTP time step a sign-in used: a code is good once.
    pub totp_last_step: Option<i64>,
    pub created_at: Millis,
}

/// An entry to append; the store gives it its `seq`, `prev_hash` and `hash`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewAuditEntry {
    pub at: Millis,
    /// The staff member's account id.
    pub actor_id: String,
    /// What was done ("access", "search", "erasure", "disclosure", ...).
    pub action: String,
    /// The account the action concerns, if one.
    pub subject_id: Option<String>,
    /// The reason the staff member gave.
    pub reason: Option<String>,
    pub ticket: Option<String>,
    /// Facts the platform adds, never personal: "found=3" for a search, "notice_at=<ms>" for
    /// a disclosure whose notice to the user is deferred.
    pub detail: Option<String>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Millis,
    pub actor_id: String,
    pub action: String,
    pub subject_id: Option<String>,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl NewAuditEntry {
    /// The entry at `seq` after the entry whose hash is `prev_hash`.
    pub fn chained(&self, seq: i64, prev_hash: &str) -> AuditEntry {
        let mut e = AuditEntry {
            seq,
            at: self.at,
            actor_id: self.actor_id.clone(),
            action: self.action.clone(),
            subject_id: self.subject_id.clone(),
            reason: self.reason.clone(),
            ticket: self.ticket.clone(),
            detail: self.detail.clone(),
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        e.hash = e.computed_hash();
        e
    }
}

impl AuditEntry {
    /// The canonical text the hash covers: a compact JSON array of the entry's fields in this
    /// order, `[seq, at, actor_id, action, subject_id, reason, ticket, detail, prev_hash]`,
    /// `seq` a number, `at` the RFC 3339 text the API shows, absent values `null`, strings
    /// escaped as JSON escapes them (as `JSON.stringify` does too), no spaces.
    pub fn canonical(&self) -> String {
        serde_json::json!([
            self.seq,
            rfc3339(self.at),
            self.actor_id,
            self.action,
            self.subject_id,
            self.reason,
            self.ticket,
            self.detail,
            self.prev_hash,
        ])
        .to_string()
    }
    /// SHA-256 of [`AuditEntry::canonical`], in lower-case hex.
    pub fn computed_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }
}

#[async_trait]
pub trait StaffStore {
    /// The staff member's account and staff row, written together.
    async fn insert_staff(&self, a: &AccountRecord, s: &StaffRecord) -> StoreResult<()>;
    async fn staff_member(&self, account_id: &str) -> StoreResult<Option<StaffRecord>>;
    /// Every staff member with their account, oldest first.
    async fn staff_members(&self) -> StoreResult<Vec<(AccountRecord, StaffRecord)>>;
    /// Records that a sign-in used this TOTP time step; false when this step or a later one
    /// was used already (a code is good once, also when two sign-ins race with it).
    async fn claim_totp_step(&self, account_id: &str, step: i64) -> StoreResult<bool>;
    /// Appends an entry at the end of the chain; appends made at once still form one chain.
    async fn append_audit(&self, e: &NewAuditEntry) -> StoreResult<AuditEntry>;
    /// Entries after `after_seq` in `seq` order, at most `limit`; only those about
    /// `subject_id` when it is given.
    async fn audit_entries(
        &self,
        subject_id: Option<&str>,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>>;
}

/// What `verify_audit_chain` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every entry's hash holds and names the entry before it: this many entries.
    Intact(u64),
    /// The first entry whose hash does not hold, or whose `prev_hash` is not the hash of the
    /// entry before it (an entry changed, removed or inserted out of turn).
    BrokenAt(i64),
}

/// Reads the whole log in order and checks every link of the chain.
pub async fn verify_audit_chain(s: &(dyn StaffStore + Sync)) -> StoreResult<ChainCheck> {
    let mut prev = GENESIS_HASH.to_owned();
    let mut after = 0;
    let mut count = 0;
    loop {
        let page = s.audit_entries(None, after, 500).await?;
        if page.is_empty() {
            return Ok(ChainCheck::Intact(count));
        }
        for e in page {
            if e.prev_hash != prev || e.computed_hash() != e.hash || e.seq != after + 1 {
                return Ok(ChainCheck::BrokenAt(e.seq));
            }
            prev = e.hash;
            after = e.seq;
            count += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_the_entry_before() {
        let new = NewAuditEntry {
            at: 1_700_000_000_000,
            actor_id: "staff1".into(),
            action: "access".into(),
            subject_id: Some("user1".into()),
            reason: Some("Ticket about \"login\"".into()),
            ticket: None,
            detail: None,
        };
        let e = new.chained(1, GENESIS_HASH);
        assert_eq!(
            e.canonical(),
            format!(
                r#"[1,"2023-11-14T22:13:20Z","staff1","access","user1","Ticket about \"login\"",null,null,"{GENESIS_HASH}"]"#
            )
        );
        assert_eq!(e.hash.len(), 64);
        assert_ne!(new.chained(2, GENESIS_HASH).hash, e.hash);
        assert_ne!(new.chained(1, &e.hash).hash, e.hash);
        let mut changed = e.clone();
        changed.reason = Some("Ticket about \"logins\"".into());
        assert_ne!(changed.computed_hash(), e.hash);
    }
}
