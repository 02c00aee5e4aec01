//! The administrators' side of notices: reporting a security incident (promise SEC-3) and
//! publishing a revision of the privacy notice (NOTICE-2), each recorded in the audit log.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::StrictJson;
use crate::kit::staff::{Admin, StaffMember, StaffWithRole, append_audit};
use crate::notices::incidents::{IncidentCreated, NewIncident, report_incident};
use crate::notices::versions::{NewNoticeVersion, NoticeVersionCreated, publish_notice_version};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use kodlek_store::NewAuditEntry;

const TAG: &str = "staff";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff/incidents", post(incident))
        .route("/api/v1/staff/notice-versions", post(notice_version))
}

/// Reports an incident to those it affected, and records it.
pub async fn report(
    state: &AppState,
    staff: &StaffMember,
    body: NewIncident,
) -> Result<IncidentCreated, ApiError> {
    let created = report_incident(state, staff.id(), body).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: "incident".into(),
            detail: Some(format!(
                "incident={} notified={}",
                created.id, created.notified
            )),
            ..Default::default()
        },
    )
    .await?;
    Ok(created)
}

/// Publishes the next version of the notice, and records it.
pub async fn publish(
    state: &AppState,
    staff: &StaffMember,
    body: NewNoticeVersion,
) -> Result<NoticeVersionCreated, ApiError> {
    let created = publish_notice_version(state, staff.id(), body).await?;
    append_audit(
        state,
        staff,
        NewAuditEntry {
            action: "notice_version".into(),
            detail: Some(format!("version={}", created.version)),
            ..Default::default()
        },
    )
    .await?;
    Ok(created)
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/incidents", request_body = NewIncident,
    responses((status = 201, body = IncidentCreated, description = "Reported: each affected person sees it on their account page; adults and the teachers of managed students are emailed"), (status = 403, body = ErrorBody, description = "Staff without the admin role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field` (an unknown user id is named), `unknown_field`")))]
pub async fn incident(
    State(state): State<AppState>,
    s: StaffWithRole<Admin>,
    StrictJson(body): StrictJson<NewIncident>,
) -> Result<(StatusCode, Json<IncidentCreated>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(report(&state, &s.staff, body).await?),
    ))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/staff/notice-versions", request_body = NewNoticeVersion,
    responses((status = 201, body = NoticeVersionCreated, description = "Published, dated today (UTC)"), (status = 403, body = ErrorBody, description = "Staff without the admin role: `forbidden`"), (status = 404, body = ErrorBody, description = "Not staff: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`")))]
pub async fn notice_version(
    State(state): State<AppState>,
    s: StaffWithRole<Admin>,
    StrictJson(body): StrictJson<NewNoticeVersion>,
) -> Result<(StatusCode, Json<NoticeVersionCreated>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(publish(&state, &s.staff, body).await?),
    ))
}
