//! The moderators' side of shared projects: the queue of reports and the decisions, each
//! recorded in the audit log.

use crate::AppState;
use crate::creations::safety::{self, Decision, ModerationDecision, ReportQueue};
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::StrictJson;
use crate::kit::staff::{Moderator, StaffMember, StaffWithRole, append_audit};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use kodlek_store::NewAuditEntry;

const TAG: &str = "staff";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff/reports", get(report_queue))
        .route(
            "/api/v1/staff/projects/{share_id}/moderation",
            post(moderate_project),
        )
}

/// The queue as a moderator reads it; the reading is an audit entry.
pub async fn read_queue(state: &AppState, staff: &StaffMember) -> Result<ReportQueue, ApiError> {
    let queue = safety::queue(state).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: "project_reports_read".into(),
            detail: Some(format!("shown={}", queue.reports.len())),
            ..Default::default()
        },
    )
    .await?;
    Ok(queue)
}

/// Hides or restores a shared project and records the decision with its reason.
pub async fn decide_on(
    state: &AppState,
    staff: &StaffMember,
    share_id: &str,
    body: &ModerationDecision,
) -> Result<(), ApiError> {
    let reason = safety::moderate(state, share_id, body).await?;
    let action = match body.decision {
        Decision::Hide => "project_hidden",
        Decision::Restore => "project_restored",
    };
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: action.into(),
            reason: Some(reason),
            detail: Some(format!("share_id={share_id}")),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/staff/reports",
    responses((status = 200, body = ReportQueue, description = "One row per shared project with open reports; the reading is recorded"), (status = 403, body = ErrorBody, description = "Staff without the moderator role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff: `not_found`")))]
pub async fn report_queue(
    State(state): State<AppState>,
    s: StaffWithRole<Moderator>,
) -> Result<Json<ReportQueue>, ApiError> {
    Ok(Json(read_queue(&state, &s.staff).await?))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/projects/{share_id}/moderation", params(("share_id" = String, Path)), request_body = ModerationDecision,
    responses((status = 204, description = "Decided; the open reports are decided with it, and the decision is recorded"), (status = 403, body = ErrorBody, description = "Staff without the moderator role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff, or no project with this share id: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`")))]
pub async fn moderate_project(
    State(state): State<AppState>,
    s: StaffWithRole<Moderator>,
    Path(share_id): Path<String>,
    StrictJson(body): StrictJson<ModerationDecision>,
) -> Result<StatusCode, ApiError> {
    decide_on(&state, &s.staff, &share_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
