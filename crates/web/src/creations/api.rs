//! The creations' JSON handlers: projects, sharing, the gallery, remixes, reports, and the
//! teachers' view of what their students share.

use crate::AppState;
use crate::creations::projects::{self, NewProject, ProjectBody, ProjectList, ProjectPatch};
use crate::creations::safety::{self, NewReport, SectionShares, StudentShareBody, TeacherHide};
use crate::creations::sharing::{self, Gallery, GalleryQuery, SharedProjectBody};
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{ClientIp, MaybeSignedIn, StrictJson};
use crate::kit::sessions::SignedIn;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

const TAG: &str = "creations";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", post(create_project).get(list_projects))
        .route(
            "/api/v1/projects/{id}",
            get(get_project)
                .patch(update_project)
                .delete(delete_project),
        )
        .route("/api/v1/shared/{share_id}", get(shared_project))
        .route("/api/v1/shared/{share_id}/thumbnail", get(shared_thumbnail))
        .route("/api/v1/shared/{share_id}/remix", post(remix_project))
        .route("/api/v1/shared/{share_id}/reports", post(report_project))
        .route("/api/v1/gallery", get(gallery))
        .route("/api/v1/sections/{id}/shared-projects", get(section_shares))
        .route(
            "/api/v1/sections/{id}/shared-projects/{share_id}",
            axum::routing::patch(teacher_hide),
        )
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/projects", request_body = NewProject,
    responses((status = 201, body = ProjectBody, description = "Made, private"), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a student: `forbidden`"), (status = 409, body = ErrorBody, description = "`too_many_projects`"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`, `invalid_program`, `title_not_allowed`, `title_personal_information`")))]
pub async fn create_project(
    State(state): State<AppState>,
    me: SignedIn,
    StrictJson(body): StrictJson<NewProject>,
) -> Result<(StatusCode, Json<ProjectBody>), ApiError> {
    let project = projects::create(&state, &me, body).await?;
    Ok((StatusCode::CREATED, Json(ProjectBody { project })))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/projects",
    responses((status = 200, body = ProjectList, description = "The caller's own projects, the last changed first"), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a student: `forbidden`")))]
pub async fn list_projects(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<ProjectList>, ApiError> {
    Ok(Json(ProjectList {
        projects: projects::list(&state, &me).await?,
    }))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/projects/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ProjectBody), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 404, body = ErrorBody, description = "Not the caller's: `not_found`")))]
pub async fn get_project(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ProjectBody>, ApiError> {
    let p = projects::owned(&state, &me, &id).await?;
    Ok(Json(ProjectBody {
        project: projects::view(&state, p).await?,
    }))
}

#[utoipa::path(patch, tag = TAG, path = "/api/v1/projects/{id}", params(("id" = String, Path)), request_body = ProjectPatch,
    responses((status = 200, body = ProjectBody), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 403, body = ErrorBody, description = "A teacher has switched sharing off: `sharing_disabled_by_teacher`"), (status = 404, body = ErrorBody, description = "Not the caller's: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`, `invalid_program`, `title_not_allowed`, `title_personal_information`")))]
pub async fn update_project(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<ProjectPatch>,
) -> Result<Json<ProjectBody>, ApiError> {
    Ok(Json(ProjectBody {
        project: projects::update(&state, &me, &id, body).await?,
    }))
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/projects/{id}", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 404, body = ErrorBody, description = "Not the caller's: `not_found`")))]
pub async fn delete_project(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    projects::delete(&state, &me, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/shared/{share_id}", params(("share_id" = String, Path)),
    responses((status = 200, body = SharedProjectBody, description = "The display name is all that is said of the author"), (status = 404, body = ErrorBody, description = "Private again, hidden, deleted or unknown: `not_found`")))]
pub async fn shared_project(
    State(state): State<AppState>,
    Path(share_id): Path<String>,
) -> Result<Json<SharedProjectBody>, ApiError> {
    Ok(Json(SharedProjectBody {
        project: sharing::shared(&state, &share_id).await?,
    }))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/shared/{share_id}/thumbnail", params(("share_id" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String, description = "The drawing of a shared artist project, drawn by the server"), (status = 404, body = ErrorBody, description = "Not shared now, or not a drawing: `not_found`")))]
pub async fn shared_thumbnail(
    State(state): State<AppState>,
    Path(share_id): Path<String>,
) -> Result<Response, ApiError> {
    let svg = sharing::thumbnail(&state, &share_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            // Short: a project made private again stops showing soon after.
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        svg,
    )
        .into_response())
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/shared/{share_id}/remix", params(("share_id" = String, Path)),
    responses((status = 201, body = ProjectBody, description = "A private copy with `remixed_from`"), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a student: `forbidden`"), (status = 404, body = ErrorBody, description = "Not shared now: `not_found`"), (status = 409, body = ErrorBody, description = "`too_many_projects`")))]
pub async fn remix_project(
    State(state): State<AppState>,
    me: SignedIn,
    Path(share_id): Path<String>,
) -> Result<(StatusCode, Json<ProjectBody>), ApiError> {
    let project = projects::remix(&state, &me, &share_id).await?;
    Ok((StatusCode::CREATED, Json(ProjectBody { project })))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/shared/{share_id}/reports", params(("share_id" = String, Path)), request_body = NewReport,
    responses((status = 202, description = "Taken; three different reporters, or one verified teacher or staff member, hide the project until a moderator decides"), (status = 404, body = ErrorBody, description = "Not shared now: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`"), (status = 429, body = ErrorBody, description = "`rate_limited`")))]
pub async fn report_project(
    State(state): State<AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    ClientIp(ip): ClientIp,
    Path(share_id): Path<String>,
    StrictJson(body): StrictJson<NewReport>,
) -> Result<StatusCode, ApiError> {
    safety::report(&state, me.as_ref(), ip, &share_id, body).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/gallery", params(GalleryQuery),
    responses((status = 200, body = Gallery, description = "Newest first"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn gallery(
    State(state): State<AppState>,
    Query(q): Query<GalleryQuery>,
) -> Result<Json<Gallery>, ApiError> {
    // The page's filter sends an empty kind for "all"; the API takes only a kind or none.
    if q.kind.as_deref() == Some("") {
        return Err(ApiError::invalid("kind", "must be artist or sprites"));
    }
    Ok(Json(sharing::gallery(&state, &q).await?))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sections/{id}/shared-projects", params(("id" = String, Path)),
    responses((status = 200, body = SectionShares, description = "What the section's students share, the last shared first"), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 404, body = ErrorBody, description = "Not one of the caller's sections: `not_found`")))]
pub async fn section_shares(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SectionShares>, ApiError> {
    Ok(Json(safety::section_shares(&state, &me, &id).await?))
}

#[utoipa::path(patch, tag = TAG, path = "/api/v1/sections/{id}/shared-projects/{share_id}", params(("id" = String, Path), ("share_id" = String, Path)), request_body = TeacherHide,
    responses((status = 200, body = StudentShareBody), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 404, body = ErrorBody, description = "Not one of the caller's sections, or not a project its students share: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`")))]
pub async fn teacher_hide(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, share_id)): Path<(String, String)>,
    StrictJson(body): StrictJson<TeacherHide>,
) -> Result<Json<StudentShareBody>, ApiError> {
    let project = safety::teacher_hide(&state, &me, &id, &share_id, body.hidden_by_teacher).await?;
    Ok(Json(StudentShareBody { project }))
}
