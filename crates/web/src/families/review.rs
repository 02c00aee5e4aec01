//! Support staff's review of parents' requests: the list (every request, linked or not,
//! overdue ones marked) and the decision, each an audit entry.

use crate::AppState;
use crate::families::requests::{
    Action, ParentRequestView, carry_out, queue_erasure, record_step, request_decided, tell_outcome,
};
use crate::kit::error::ApiError;
use crate::kit::staff::{StaffMember, append_audit};
use axum::http::StatusCode;
use kodlek_domain::{EmailAddress, Reason, Role, now_millis};
use kodlek_store::NewAuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most requests the list shows at once.
pub const LIST_LIMIT: u32 = 500;

/// A request as support sees it: the requester's details while they are kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffParentRequest {
    #[serde(flatten)]
    pub request: ParentRequestView,
    pub child_id: Option<String>,
    /// Whether a linked parent made it (the platform knows the relationship).
    pub linked: bool,
    /// Awaiting review past its due date.
    pub overdue: bool,
    pub parent_name: Option<String>,
    pub parent_email: Option<String>,
    pub child_display_name: Option<String>,
    pub section_code: Option<String>,
    pub school_name: Option<String>,
    pub details: Option<String>,
}

/// `{"requests": [...]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffParentRequests {
    pub requests: Vec<StaffParentRequest>,
}

/// POST /api/v1/staff/parent-requests/{id}/decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffDecision {
    pub decision: DecisionKind,
    /// The child's account, found by support; required to carry a request out.
    #[schema(max_length = 64)]
    pub child_id: Option<String>,
    /// 10 to 1000 characters, else 422 `reason_required`.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    CarryOut,
    Refuse,
}

/// Every request, newest first. Opening the list is an access to requesters' details: it is
/// recorded, with how many were shown.
pub async fn list(state: &AppState, staff: &StaffMember) -> Result<StaffParentRequests, ApiError> {
    let now = now_millis();
    let rows = state.store.parent_requests(LIST_LIMIT).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            at: now,
            actor_id: String::new(),
            action: "parent_requests.list".into(),
            subject_id: None,
            reason: None,
            ticket: None,
            detail: Some(format!("found={}", rows.len())),
        },
    )
    .await?;
    Ok(StaffParentRequests {
        requests: rows
            .iter()
            .map(|r| StaffParentRequest {
                request: r.into(),
                child_id: r.child_id.clone(),
                linked: r.parent_id.is_some(),
                overdue: r.status == "awaiting_review" && r.due_at.is_some_and(|d| d < now),
                parent_name: r.parent_name.clone(),
                parent_email: r
                    .parent_email_ciphertext
                    .as_deref()
                    .and_then(|c| state.keys.decrypt(c)),
                child_display_name: r.child_display_name.clone(),
                section_code: r.section_code.clone(),
                school_name: r.school_name.clone(),
                details: r.details.clone(),
            })
            .collect(),
    })
}

/// 200 of POST /api/v1/staff/parent-requests/{id}/ask-teacher.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeachersAsked {
    /// How many teachers of the section the parent named were written to (0 when the code
    /// names no section).
    pub teachers_asked: usize,
}

/// Support asks the teachers of the section the parent named to confirm the relationship
/// (they answer support by email); the step is recorded. The parent's address is not passed
/// on: the teacher learns the parent's name and the child's name only.
pub async fn ask_teacher(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
) -> Result<TeachersAsked, ApiError> {
    let r = state
        .store
        .parent_request(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if r.status != "awaiting_review" {
        return Err(request_decided());
    }
    let section = match r
        .section_code
        .as_deref()
        .and_then(|c| kodlek_domain::JoinCode::parse(c).ok())
    {
        Some(code) => state.store.section_by_code(code.as_str()).await?,
        None => None,
    };
    let mut asked = 0;
    if let Some(s) = &section {
        let parent = r.parent_name.clone().unwrap_or_default();
        let child = r.child_display_name.clone().unwrap_or_default();
        for t in state.store.section_teachers(&s.id).await? {
            let Some(to) = state
                .store
                .account_by_id(&t.teacher_id)
                .await?
                .and_then(|a| a.email_ciphertext)
                .and_then(|c| state.keys.decrypt(&c))
                .and_then(|e| EmailAddress::new(&e).ok())
            else {
                continue;
            };
            let tr = crate::kit::i18n::Tr::new(crate::kit::extract::Lang::En);
            let args = [
                ("parent", parent.as_str()),
                ("child", child.as_str()),
                ("section", s.name.as_str()),
            ];
            crate::kit::mail::send_mail(
                state,
                crate::kit::mail::MailKind::Notice,
                &to,
                false,
                tr.args("mail-teacher-confirm-subject", &args),
                tr.args("mail-teacher-confirm-body", &args),
            )
            .await?;
            asked += 1;
        }
    }
    append_audit(
        state,
        staff,
        NewAuditEntry {
            at: now_millis(),
            actor_id: String::new(),
            action: "parent_request.teacher_asked".into(),
            subject_id: r.child_id.clone(),
            reason: None,
            ticket: None,
            detail: Some(format!(
                "request={} section={} teachers={asked}",
                r.id,
                section.map(|s| s.id).unwrap_or_default()
            )),
        },
    )
    .await?;
    Ok(TeachersAsked {
        teachers_asked: asked,
    })
}

/// Support carries out or refuses a confirmed request; the requester is told, and their
/// details are erased by the job queued here.
pub async fn decide(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
    body: StaffDecision,
) -> Result<ParentRequestView, ApiError> {
    if body.reason.trim().chars().count() < Reason::MIN {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_required",
            format!(
                "reason: state a reason of at least {} characters",
                Reason::MIN
            ),
        ));
    }
    let reason = Reason::new(&body.reason).map_err(|e| ApiError::invalid("reason", e))?;
    let r = state
        .store
        .parent_request(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if r.status != "awaiting_review" {
        return Err(request_decided());
    }
    let child_id = match (body.decision, body.child_id.as_deref().map(str::trim)) {
        (DecisionKind::CarryOut, None | Some("")) => {
            return Err(ApiError::invalid(
                "child_id",
                "is required to carry out a request",
            ));
        }
        (DecisionKind::CarryOut, Some(c)) => {
            let found = state
                .store
                .account_by_id(c)
                .await?
                .filter(|a| a.role == Role::Student);
            if found.is_none() {
                return Err(ApiError::invalid("child_id", "is not a student's account"));
            }
            Some(c.to_owned())
        }
        (DecisionKind::Refuse, c) => c.filter(|c| !c.is_empty()).map(str::to_owned),
    };
    let now = now_millis();
    let next = kodlek_store::ParentRequestRecord {
        status: match body.decision {
            DecisionKind::CarryOut => "done",
            DecisionKind::Refuse => "refused",
        }
        .into(),
        child_id: child_id.clone(),
        decided_at: Some(now),
        decided_by: Some(staff.id().to_owned()),
        decision_reason: Some(reason.as_str().to_owned()),
        ..r.clone()
    };
    if !state
        .store
        .update_parent_request(&next, "awaiting_review")
        .await?
    {
        return Err(request_decided());
    }
    append_audit(
        state,
        staff,
        NewAuditEntry {
            at: now,
            actor_id: String::new(),
            action: "parent_request.decision".into(),
            subject_id: child_id.clone(),
            reason: Some(reason.as_str().to_owned()),
            ticket: None,
            detail: Some(format!(
                "request={} action={} decision={}",
                r.id, r.action, next.status
            )),
        },
    )
    .await?;
    if body.decision == DecisionKind::CarryOut
        && let Some(c) = &child_id
    {
        let action = Action::parse(&r.action).unwrap_or(Action::Deactivate);
        carry_out(state, c, action).await?;
        record_step(state, staff.id(), "parent_request.carried_out", &next).await?;
    }
    if let Some(to) = r
        .parent_email_ciphertext
        .as_deref()
        .and_then(|c| state.keys.decrypt(c))
        .and_then(|e| EmailAddress::new(&e).ok())
    {
        let name = r.child_display_name.clone().unwrap_or_default();
        tell_outcome(state, &to, &next, &name).await;
    }
    queue_erasure(state, &r.id, "decided", now).await?;
    Ok((&next).into())
}
