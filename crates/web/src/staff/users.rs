//! Staff use cases: finding a user, opening their data with a reason, erasing them, disclosing
//! their data under a legal basis, reading the audit log, and the user's own access log.

// Each use case that touches a user's data appends its audit entry before it answers: if the
// entry cannot be written, nothing is shown and nothing is changed (promise STAFF-1). Entries
// hold ids, the reason and the ticket; a search's entry says how many it found, never what was
// searched for (the query may be an email address).

use crate::AppState;
use crate::accounts::{self, Export, Me};
use crate::kit::error::ApiError;
use crate::kit::staff::{StaffMember, append_audit};
use axum::http::StatusCode;
use kodlek_domain::*;
use kodlek_store::{AccountRecord, AuditEntry, NewAuditEntry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The actions of this feature in the audit log, and the staff role each is done under (what
/// the user's access log shows instead of the staff member).
pub const SEARCH: &str = "search";
pub const ACCESS: &str = "access";
pub const ERASURE: &str = "erasure";
pub const DISCLOSURE: &str = "disclosure";

fn role_of(action: &str) -> Option<StaffRole> {
    match action {
        ACCESS | ERASURE => Some(StaffRole::Support),
        DISCLOSURE => Some(StaffRole::Legal),
        _ => None,
    }
}

/// The longest search text: an email address is at most 254 characters.
pub const QUERY_MAX: usize = 254;
/// Entries per page of the audit view.
pub const AUDIT_PAGE: i64 = 100;
/// The longest deferral of a disclosure's notice to the user.
pub const DEFER_MAX_DAYS: i64 = 365;
const DAY: Millis = 24 * 3600 * 1000;

/// 422 `reason_required`: staff state why before they see or change anything.
pub fn reason_required(field: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_required",
        format!(
            "{field}: state a reason of at least {} characters",
            Reason::MIN
        ),
    )
}

fn reason(field: &str, raw: &str) -> Result<Reason, ApiError> {
    if raw.trim().chars().count() < Reason::MIN {
        return Err(reason_required(field));
    }
    Reason::new(raw).map_err(|e| ApiError::invalid(field, e))
}

fn ticket(raw: Option<&str>) -> Result<Option<Ticket>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => Ticket::new(t)
            .map(Some)
            .map_err(|e| ApiError::invalid("ticket", e)),
    }
}

/// One search result: nothing personal beyond the display name.
#[derive(Debug, Serialize, ToSchema)]
pub struct FoundUser {
    pub id: String,
    #[schema(example = "student")]
    pub role: String,
    pub display_name: String,
    pub created_at: String,
}

/// Users found by an email address (by its keyed hash), a username or an id. Staff accounts
/// are not users here: the operator manages them.
pub async fn search(
    state: &AppState,
    staff: &StaffMember,
    q: &str,
) -> Result<Vec<FoundUser>, ApiError> {
    let q = q.trim();
    if q.is_empty() {
        return Err(ApiError::invalid("q", "is required"));
    }
    if q.chars().count() > QUERY_MAX || q.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "q",
            "must be an email address, a username or an id",
        ));
    }
    let mut found: Vec<AccountRecord> = Vec::new();
    if q.contains('@') {
        if let Ok(email) = EmailAddress::new(q) {
            let candidates = state.keys.email_lookup_candidates(&email);
            found.extend(state.store.account_by_email_lookup(&candidates).await?);
        }
    } else {
        if let Ok(u) = Username::new(q) {
            found.extend(state.store.account_by_username(u.as_str()).await?);
        }
        if let Some(a) = state.store.account_by_id(q).await?
            && !found.iter().any(|f| f.id == a.id)
        {
            found.push(a);
        }
    }
    found.retain(|a| a.role != Role::Staff);
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: SEARCH.into(),
            detail: Some(format!("found={}", found.len())),
            ..Default::default()
        },
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|a| FoundUser {
            id: a.id,
            role: a.role.as_str().to_owned(),
            display_name: a.display_name,
            created_at: rfc3339(a.created_at),
        })
        .collect())
}

/// `{"reason", "ticket"?}`: why staff open or erase a user's data.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// At least 10 characters, else 422 `reason_required` (also when it is left out).
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 1000)]
    pub reason: String,
    #[schema(max_length = 100)]
    pub ticket: Option<String>,
}

/// A section the user teaches or is in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionRef {
    pub id: String,
    pub name: String,
}

/// The user's personal information as stored, decrypted where it is encrypted: `Me`'s fields
/// and their sections. A child's email is not there, only that a keyed hash is on file.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffUserView {
    #[serde(flatten)]
    pub me: Me,
    pub sections: Vec<SectionRef>,
}

/// The account a staff action concerns: 404 for an unknown id, and for a staff account.
async fn subject(state: &AppState, id: &str) -> Result<AccountRecord, ApiError> {
    match state.store.account_by_id(id).await? {
        Some(a) if a.role != Role::Staff => Ok(a),
        _ => Err(ApiError::not_found()),
    }
}

/// Opens a user's data with a reason (promise STAFF-1): recorded first, then shown.
pub async fn access(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
    body: &ReasonBody,
) -> Result<StaffUserView, ApiError> {
    let why = reason("reason", &body.reason)?;
    let ticket = ticket(body.ticket.as_deref())?;
    let a = subject(state, id).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: ACCESS.into(),
            subject_id: Some(a.id.clone()),
            reason: Some(why.as_str().to_owned()),
            ticket: ticket.map(|t| t.as_str().to_owned()),
            ..Default::default()
        },
    )
    .await?;
    let sections = match a.role {
        Role::Teacher => state.store.sections_taught_by(&a.id).await?,
        Role::Student => state
            .store
            .sections_joined_by(&a.id)
            .await?
            .into_iter()
            .map(|j| j.section)
            .collect(),
        Role::Parent | Role::Staff => Vec::new(),
    };
    Ok(StaffUserView {
        me: Me::of(state, &a),
        sections: sections
            .into_iter()
            .map(|s| SectionRef {
                id: s.id,
                name: s.name,
            })
            .collect(),
    })
}

/// Erases a user as DELETE /api/v1/me does, in one step (promise U13-8): recorded first.
pub async fn erase(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
    body: &ReasonBody,
) -> Result<(), ApiError> {
    let why = reason("reason", &body.reason)?;
    let ticket = ticket(body.ticket.as_deref())?;
    let a = subject(state, id).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: ERASURE.into(),
            subject_id: Some(a.id.clone()),
            reason: Some(why.as_str().to_owned()),
            ticket: ticket.map(|t| t.as_str().to_owned()),
            ..Default::default()
        },
    )
    .await?;
    accounts::erase(state, &a).await
}

/// `{"legal_basis", "ticket", "defer_notice_days"?}`: a disclosure required by law.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureBody {
    /// The law or order that requires it; at least 10 characters, else 422 `reason_required`
    /// (also when it is left out).
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 1000)]
    pub legal_basis: String,
    #[schema(min_length = 1, max_length = 100)]
    pub ticket: String,
    /// Days before the user's access log shows the disclosure (0 to 365; default 0), where
    /// the order requires the user not be told at once.
    #[schema(minimum = 0, maximum = 365)]
    #[serde(default, deserialize_with = "crate::kit::extract::whole")]
    pub defer_notice_days: Option<i64>,
}

/// `{"export": ...}`: what GET /api/v1/me/export gives the user.
#[derive(Serialize)]
pub struct DisclosureAnswer {
    pub export: Export,
}

/// Discloses a user's data under a legal basis (promise SHARE-5): recorded first, with when
/// the user may be told.
pub async fn disclose(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
    body: &DisclosureBody,
) -> Result<DisclosureAnswer, ApiError> {
    let basis = reason("legal_basis", &body.legal_basis)?;
    let ticket = Ticket::new(&body.ticket).map_err(|e| ApiError::invalid("ticket", e))?;
    let days = body.defer_notice_days.unwrap_or(0);
    if !(0..=DEFER_MAX_DAYS).contains(&days) {
        return Err(ApiError::invalid(
            "defer_notice_days",
            "must be a whole number of days from 0 to 365",
        ));
    }
    let a = subject(state, id).await?;
    let entry = append_audit(
        state,
        staff,
        NewAuditEntry {
            action: DISCLOSURE.into(),
            subject_id: Some(a.id.clone()),
            reason: Some(basis.as_str().to_owned()),
            ticket: Some(ticket.as_str().to_owned()),
            detail: (days > 0).then(|| format!("notice_at={}", now_millis() + days * DAY)),
            ..Default::default()
        },
    )
    .await?;
    tracing::info!(seq = entry.seq, "a disclosure was recorded");
    Ok(DisclosureAnswer {
        export: accounts::export(state, &a).await?,
    })
}

/// An entry of the audit log as the admin view shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    pub at: String,
    pub actor_id: String,
    pub action: String,
    pub subject_id: Option<String>,
    pub reason: Option<String>,
    pub ticket: Option<String>,
    /// Facts the platform adds: `found=N` for a search, `notice_at=<ms>` for a deferred
    /// disclosure.
    pub detail: Option<String>,
    pub prev_hash: String,
    /// SHA-256, in hex, of the compact JSON array `[seq, at, actor_id, action, subject_id,
    /// reason, ticket, detail, prev_hash]`.
    pub hash: String,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> AuditView {
        AuditView {
            seq: e.seq,
            at: rfc3339(e.at),
            actor_id: e.actor_id,
            action: e.action,
            subject_id: e.subject_id,
            reason: e.reason,
            ticket: e.ticket,
            detail: e.detail,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// A page of the audit log in `seq` order, after `after_seq`, optionally about one account.
pub async fn audit_page(
    state: &AppState,
    subject_id: Option<&str>,
    after_seq: i64,
) -> Result<Vec<AuditView>, ApiError> {
    Ok(state
        .store
        .audit_entries(subject_id, after_seq, AUDIT_PAGE)
        .await?
        .into_iter()
        .map(AuditView::from)
        .collect())
}

/// One line of a user's access log: never who, only the staff role and the reason.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogEntry {
    pub at: String,
    #[schema(example = "access")]
    pub action: String,
    #[schema(example = "support")]
    pub staff_role: String,
    pub reason: Option<String>,
}

/// When a deferred disclosure may be shown to its user.
fn notice_at(e: &AuditEntry) -> Option<Millis> {
    e.detail
        .as_deref()?
        .split(';')
        .find_map(|kv| kv.strip_prefix("notice_at="))?
        .parse()
        .ok()
}

/// The accesses, disclosures (once their deferral has passed) and erasures about a user.
pub async fn access_log(
    state: &AppState,
    account_id: &str,
) -> Result<Vec<AccessLogEntry>, ApiError> {
    let now = now_millis();
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = state
            .store
            .audit_entries(Some(account_id), after, 500)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in page {
            let Some(role) = role_of(&e.action) else {
                continue;
            };
            if notice_at(&e).is_some_and(|t| t > now) {
                continue;
            }
            out.push(AccessLogEntry {
                at: rfc3339(e.at),
                action: e.action,
                staff_role: role.as_str().to_owned(),
                reason: e.reason,
            });
        }
    }
    Ok(out)
}
