//! The staff JSON handlers under /api/v1/staff, and the user's own access log.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{SignedIn, StrictJson};
use crate::kit::staff::{Admin, Legal, StaffWithRole, Support};
use crate::staff::users::{
    self, AccessLogEntry, AuditView, DisclosureBody, FoundUser, ReasonBody, StaffUserView,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

const TAG: &str = "staff";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff/users", get(search))
        .route("/api/v1/staff/users/{id}/access", post(access))
        .route("/api/v1/staff/users/{id}/erase", post(erase))
        .route("/api/v1/staff/users/{id}/disclosures", post(disclose))
        .route("/api/v1/staff/audit", get(audit))
        .route("/api/v1/me/access-log", get(access_log))
}

/// `{"users": [...]}`
#[derive(Serialize, ToSchema)]
pub struct UsersBody {
    pub users: Vec<FoundUser>,
}

/// `{"user": StaffUserView}`
#[derive(Serialize, ToSchema)]
pub struct StaffUserBody {
    pub user: StaffUserView,
}

/// `{"entries": [AuditEntry]}`
#[derive(Serialize, ToSchema)]
pub struct AuditBody {
    pub entries: Vec<AuditView>,
}

/// `{"entries": [...]}`
#[derive(Serialize, ToSchema)]
pub struct AccessLogBody {
    pub entries: Vec<AccessLogEntry>,
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/staff/users",
    params(("q" = String, Query, max_length = 254, description = "An email address (found by its keyed hash), a username or an id")),
    responses((status = 200, body = UsersBody), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn search(
    State(state): State<AppState>,
    s: StaffWithRole<Support>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<UsersBody>, ApiError> {
    let q = q.get("q").map(String::as_str).unwrap_or("");
    Ok(Json(UsersBody {
        users: users::search(&state, &s.staff, q).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/users/{id}/access", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = StaffUserBody, description = "The user's data; the access is recorded (promise STAFF-1)"), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff, or no such user: `not_found`"), (status = 422, body = ErrorBody, description = "`reason_required`, `invalid_field`")))]
pub async fn access(
    State(state): State<AppState>,
    s: StaffWithRole<Support>,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<ReasonBody>,
) -> Result<Json<StaffUserBody>, ApiError> {
    Ok(Json(StaffUserBody {
        user: users::access(&state, &s.staff, &id, &body).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/users/{id}/erase", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 204, description = "Erased as by DELETE /api/v1/me; the erasure is recorded"), (status = 403, body = ErrorBody, description = "Staff without the support role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff, or no such user: `not_found`"), (status = 422, body = ErrorBody, description = "`reason_required`, `invalid_field`")))]
pub async fn erase(
    State(state): State<AppState>,
    s: StaffWithRole<Support>,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<ReasonBody>,
) -> Result<StatusCode, ApiError> {
    users::erase(&state, &s.staff, &id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/users/{id}/disclosures", params(("id" = String, Path)), request_body = DisclosureBody,
    responses((status = 200, description = "`{\"export\": ...}`: what GET /api/v1/me/export gives the user; the disclosure is recorded"), (status = 403, body = ErrorBody, description = "Staff without the legal role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff, or no such user: `not_found`"), (status = 422, body = ErrorBody, description = "`reason_required`, `invalid_field`")))]
pub async fn disclose(
    State(state): State<AppState>,
    s: StaffWithRole<Legal>,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<DisclosureBody>,
) -> Result<Json<users::DisclosureAnswer>, ApiError> {
    Ok(Json(users::disclose(&state, &s.staff, &id, &body).await?))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/staff/audit",
    params(("subject_id" = Option<String>, Query, max_length = 64, description = "Only the entries about this account"),
           ("after_seq" = Option<i64>, Query, minimum = 0, description = "Entries after this one; pages hold at most 100")),
    responses((status = 200, body = AuditBody), (status = 403, body = ErrorBody, description = "Staff without the admin role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn audit(
    State(state): State<AppState>,
    _admin: StaffWithRole<Admin>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<AuditBody>, ApiError> {
    let subject = q
        .get("subject_id")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());
    if subject.is_some_and(|s| s.len() > 64) {
        return Err(ApiError::invalid("subject_id", "must be an account id"));
    }
    let after =
        match q
            .get("after_seq")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            None => 0,
            Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::invalid("after_seq", "must be a whole number, 0 or more")
            })?,
        };
    Ok(Json(AuditBody {
        entries: users::audit_page(&state, subject, after).await?,
    }))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/access-log",
    responses((status = 200, body = AccessLogBody, description = "Each access, disclosure (once its deferral has passed) and erasure about the caller, with the staff role and reason, never who"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn access_log(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<AccessLogBody>, ApiError> {
    Ok(Json(AccessLogBody {
        entries: users::access_log(&state, &me.account.id).await?,
    }))
}
