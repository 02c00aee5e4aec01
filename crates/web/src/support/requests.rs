//! Support requests: sending one (anyone, signed in or not), and support staff's list and
//! closing. The API, the pages and the staff console call these functions.

use crate::AppState;
use crate::accounts::is_child_account;
use crate::kit::error::ApiError;
use crate::kit::limits;
use axum::http::StatusCode;
use kodlek_domain::{EmailAddress, Millis, now_millis, rfc3339};
use kodlek_store::{AccountRecord, Closed, SupportRequestRecord, new_id};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;

/// The longest message, in characters: room for a careful report, not for a file.
pub const MESSAGE_CHARS: usize = 5000;
/// The longest closing note, in characters.
pub const NOTE_CHARS: usize = 2000;
/// The most requests the staff list shows at once.
pub const LIST_LIMIT: u32 = 500;
/// How long a reply address is kept once its request is closed.
pub const KEEP_REPLY_FOR: Millis = 90 * 24 * 3600 * 1000;

/// What a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Topic {
    Account,
    Privacy,
    Bug,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 4] = [Topic::Account, Topic::Privacy, Topic::Bug, Topic::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Account => "account",
            Topic::Privacy => "privacy",
            Topic::Bug => "bug",
            Topic::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The characters a blank message is made of: Unicode's white space and the separators that
/// Python's `\s` adds, written out one by one, so that the document's pattern (see openapi.rs)
/// and this check agree character for character whichever validator reads the pattern.
pub const BLANK: &[char] = &[
    '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', ' ', '\u{85}',
    '\u{a0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}',
    '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}',
    '\u{205f}', '\u{3000}',
];

/// A message of 1 to `MESSAGE_CHARS` characters, not all of them blank, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportMessage(String);

impl SupportMessage {
    pub fn new(raw: &str) -> Result<SupportMessage, ApiError> {
        if raw.chars().all(|c| BLANK.contains(&c)) {
            return Err(ApiError::invalid("message", "must not be empty"));
        }
        if raw.chars().count() > MESSAGE_CHARS {
            return Err(ApiError::invalid(
                "message",
                format!("must be at most {MESSAGE_CHARS} characters"),
            ));
        }
        Ok(SupportMessage(raw.to_owned()))
    }
}

/// POST /api/v1/support-requests.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSupportRequest {
    pub topic: Topic,
    /// 1 to 5000 characters.
    pub message: String,
    /// An address to reply to. Not kept for a child: support answers through the teacher or
    /// the parent instead.
    #[serde(default)]
    pub reply_to: Option<String>,
}

/// 201 of POST /api/v1/support-requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportRequestCreated {
    pub id: String,
}

/// Sends a request; signed in, it names the account. A child's own address is never taken:
/// it is dropped before it is checked or stored, so it reaches neither storage nor logs.
pub async fn send_support_request(
    state: &AppState,
    account: Option<&AccountRecord>,
    body: NewSupportRequest,
    ip: IpAddr,
) -> Result<SupportRequestCreated, ApiError> {
    let now = now_millis();
    let child = account.is_some_and(|a| is_child_account(a, now));
    let message = SupportMessage::new(&body.message)?;
    // An address is checked as given, as the document's pattern does: an empty one is a
    // mistake, not "none" (that is leaving it out), and so is one with spaces around it.
    let reply_to = match body.reply_to.as_deref() {
        _ if child => None,
        None => None,
        Some(raw) if raw.trim() != raw => {
            return Err(ApiError::invalid(
                "reply_to",
                "must not start or end with a space",
            ));
        }
        Some(raw) => Some(EmailAddress::new(raw).map_err(|e| ApiError::invalid("reply_to", e))?),
    };
    // Counted after the checks: a mistyped form is not a request sent.
    limits::check(state, limits::SUPPORT_PER_IP, &ip.to_string(), now).await?;
    let id = new_id();
    state
        .store
        .insert_support_request(&SupportRequestRecord {
            id: id.clone(),
            topic: body.topic.as_str().to_owned(),
            message: message.0,
            account_id: account.map(|a| a.id.clone()),
            reply_to_ciphertext: reply_to.map(|e| state.keys.encrypt(e.as_str())),
            created_at: now,
            closed_at: None,
            closed_by: None,
            close_note: None,
        })
        .await?;
    Ok(SupportRequestCreated { id })
}

/// One request as support staff see it. The reply address is not listed: support opens it
/// only when it answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportRequestView {
    pub id: String,
    pub topic: Topic,
    pub message: String,
    pub account_id: Option<String>,
    pub created_at: String,
    pub closed_at: Option<String>,
}

/// 200 of GET /api/v1/staff/support-requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportRequestList {
    pub requests: Vec<SupportRequestView>,
}

/// GET /api/v1/staff/support-requests for support staff (only support sees them, STAFF-2:
/// the staff endpoint checks the role before calling this): the newest `LIST_LIMIT`
/// requests, newest first.
pub async fn list_support_requests(
    state: &AppState,
    _actor_id: &str,
) -> Result<SupportRequestList, ApiError> {
    let rows = state.store.support_requests(LIST_LIMIT).await?;
    Ok(SupportRequestList {
        requests: rows
            .into_iter()
            .map(|r| SupportRequestView {
                topic: Topic::parse(&r.topic).unwrap_or(Topic::Other),
                id: r.id,
                message: r.message,
                account_id: r.account_id,
                created_at: rfc3339(r.created_at),
                closed_at: r.closed_at.map(rfc3339),
            })
            .collect(),
    })
}

/// POST /api/v1/staff/support-requests/{id}/close.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseSupportRequest {
    /// At most 2000 characters; kept with the request.
    #[serde(default)]
    pub note: Option<String>,
}

/// Closes a request (204). Closing it again is idempotent: it answers 204 and keeps the first
/// closing, so that two staff members closing at once both succeed. An unknown id: 404.
pub async fn close_support_request(
    state: &AppState,
    actor_id: &str,
    id: &str,
    body: CloseSupportRequest,
) -> Result<StatusCode, ApiError> {
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > NOTE_CHARS) {
        return Err(ApiError::invalid(
            "note",
            format!("must be at most {NOTE_CHARS} characters"),
        ));
    }
    match state
        .store
        .close_support_request(id, actor_id, note, now_millis())
        .await?
    {
        Closed::Now | Closed::Already => Ok(StatusCode::NO_CONTENT),
        Closed::NotFound => Err(ApiError::not_found()),
    }
}

/// The chore that erases reply addresses `KEEP_REPLY_FOR` after their request was closed.
pub async fn erase_old_reply_addresses(state: &AppState) -> Result<(), String> {
    state
        .store
        .erase_old_reply_addresses(now_millis() - KEEP_REPLY_FOR)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}
