//! Support staff's side of parents' requests: the list and the decision.

use crate::AppState;
use crate::families::requests::ParentRequestBody;
use crate::families::review::{self, StaffDecision, StaffParentRequests, TeachersAsked};
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::StrictJson;
use crate::kit::staff::{StaffWithRole, Support};
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};

const TAG: &str = "staff";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff/parent-requests", get(list_parent_requests))
        .route(
            "/api/v1/staff/parent-requests/{id}/decision",
            post(decide_parent_request),
        )
        .route(
            "/api/v1/staff/parent-requests/{id}/ask-teacher",
            post(ask_teacher_to_confirm),
        )
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/staff/parent-requests",
    responses((status = 200, body = StaffParentRequests, description = "Every request, newest first, overdue ones marked; the reading is recorded"), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff: `not_found`")))]
pub async fn list_parent_requests(
    State(state): State<AppState>,
    who: StaffWithRole<Support>,
) -> Result<Json<StaffParentRequests>, ApiError> {
    Ok(Json(review::list(&state, &who.staff).await?))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/parent-requests/{id}/decision", params(("id" = String, Path)), request_body = StaffDecision,
    responses((status = 200, body = ParentRequestBody, description = "Decided and recorded; the requester is told"), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff, or no such request: `not_found`"), (status = 409, body = ErrorBody, description = "Decided already, or not yet confirmed: `request_decided`"), (status = 422, body = ErrorBody, description = "`reason_required`, `invalid_field`, `unknown_field`")))]
pub async fn decide_parent_request(
    State(state): State<AppState>,
    who: StaffWithRole<Support>,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<StaffDecision>,
) -> Result<Json<ParentRequestBody>, ApiError> {
    let request = review::decide(&state, &who.staff, &id, body).await?;
    Ok(Json(ParentRequestBody { request }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/parent-requests/{id}/ask-teacher", params(("id" = String, Path)),
    responses((status = 200, body = TeachersAsked, description = "The teachers of the section the parent named are asked to confirm the relationship; recorded"), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff, or no such request: `not_found`"), (status = 409, body = ErrorBody, description = "Decided already, or not yet confirmed: `request_decided`")))]
pub async fn ask_teacher_to_confirm(
    State(state): State<AppState>,
    who: StaffWithRole<Support>,
    Path(id): Path<String>,
) -> Result<Json<TeachersAsked>, ApiError> {
    Ok(Json(review::ask_teacher(&state, &who.staff, &id).await?))
}
