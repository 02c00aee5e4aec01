//! The support staff's side of support requests: the list and closing (promise STAFF-2: the
//! role is checked before anything is read), each recorded in the audit log.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::StrictJson;
use crate::kit::staff::{StaffMember, StaffWithRole, Support, append_audit};
use crate::support::requests::{
    CloseSupportRequest, SupportRequestList, close_support_request, list_support_requests,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use kodlek_store::NewAuditEntry;

const TAG: &str = "staff";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff/support-requests", get(list))
        .route("/api/v1/staff/support-requests/{id}/close", post(close))
}

/// The requests as support staff read them; the reading is an audit entry (it shows what
/// people wrote, and who wrote it), saying how many were shown.
pub async fn read_requests(
    state: &AppState,
    staff: &StaffMember,
) -> Result<SupportRequestList, ApiError> {
    let list = list_support_requests(state, staff.id()).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: "support_requests_read".into(),
            detail: Some(format!("shown={}", list.requests.len())),
            ..Default::default()
        },
    )
    .await?;
    Ok(list)
}

/// Closes a request and records the decision.
pub async fn close_request(
    state: &AppState,
    staff: &StaffMember,
    id: &str,
    body: CloseSupportRequest,
) -> Result<(), ApiError> {
    close_support_request(state, staff.id(), id, body).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: "support_request_closed".into(),
            detail: Some(format!("request={id}")),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/staff/support-requests",
    responses((status = 200, body = SupportRequestList, description = "The newest requests first; the reading is recorded"), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff: `not_found`")))]
pub async fn list(
    State(state): State<AppState>,
    s: StaffWithRole<Support>,
) -> Result<Json<SupportRequestList>, ApiError> {
    Ok(Json(read_requests(&state, &s.staff).await?))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/support-requests/{id}/close", params(("id" = String, Path)), request_body = CloseSupportRequest,
    responses((status = 204, description = "Closed (closing again keeps the first closing); recorded"), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff, or no such request: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`")))]
pub async fn close(
    State(state): State<AppState>,
    s: StaffWithRole<Support>,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<CloseSupportRequest>,
) -> Result<StatusCode, ApiError> {
    close_request(&state, &s.staff, &id, body).await?;
    Ok(StatusCode::NO_CONTENT)
}
