//! The families' JSON handlers: codes, links, a parent's view of a child, requests and the
//! permission link.

use crate::AppState;
use crate::families::children;
use crate::families::links::{
    self, ChildBody, ChildrenBody, FamilyCodeView, LinkBody, ParentsBody, SectionFamilyCodes,
};
use crate::families::permission::{self, PermissionAnswer, PermissionDecision};
use crate::families::requests::{self, LinkedRequest, ParentRequestBody, PublicRequest};
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{ClientIp, Lang, SignedIn, StrictJson};
use crate::puzzles::{AttemptsBody, MyProgress};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};

const TAG: &str = "families";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/family-codes", post(own_code))
        .route("/api/v1/sections/{id}/family-codes", post(section_codes))
        .route("/api/v1/me/children", post(link).get(children_list))
        .route("/api/v1/me/children/{id}", delete(unlink_child))
        .route("/api/v1/me/children/{id}/progress", get(child_progress))
        .route(
            "/api/v1/me/children/{id}/levels/{level_id}/attempts",
            get(child_attempts),
        )
        .route("/api/v1/me/children/{id}/requests", post(request_for_child))
        .route("/api/v1/me/parents", get(parents_list))
        .route("/api/v1/me/parents/{id}", delete(unlink_parent))
        .route("/api/v1/parent-requests", post(public_request))
        .route("/api/v1/parent-requests/{token}", post(confirm_request))
        .route("/api/v1/permissions/{token}", post(decide_permission))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/me/family-codes",
    responses((status = 201, body = FamilyCodeView, description = "A single-use code for a parent, valid 7 days"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a student: `forbidden`")))]
pub async fn own_code(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<(StatusCode, Json<FamilyCodeView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(links::own_code(&state, &me).await?),
    ))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/{id}/family-codes", params(("id" = String, Path)),
    responses((status = 201, body = SectionFamilyCodes, description = "A code per managed student, valid 14 days, for the letter home"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "Not a section of the caller's: `not_found`")))]
pub async fn section_codes(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<SectionFamilyCodes>), ApiError> {
    crate::classrooms::taught(&state, &me, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(links::section_codes(&state, &id).await?),
    ))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/me/children", request_body = LinkBody,
    responses((status = 201, body = ChildBody, description = "Linked"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a parent: `forbidden`; the parent's address is not verified: `email_unverified`"), (status = 404, body = ErrorBody, description = "Unknown, used or expired code: `family_code_not_found`"), (status = 429, body = ErrorBody, description = "Too many codes tried: `rate_limited`")))]
pub async fn link(
    State(state): State<AppState>,
    me: SignedIn,
    StrictJson(body): StrictJson<LinkBody>,
) -> Result<(StatusCode, Json<ChildBody>), ApiError> {
    let child = links::link(&state, &me, body).await?;
    Ok((StatusCode::CREATED, Json(ChildBody { child })))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/children",
    responses((status = 200, body = ChildrenBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a parent: `forbidden`")))]
pub async fn children_list(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<ChildrenBody>, ApiError> {
    Ok(Json(ChildrenBody {
        children: links::children(&state, &me).await?,
    }))
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/me/children/{id}", params(("id" = String, Path)),
    responses((status = 204, description = "The link is gone"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "Not a linked child: `not_found`")))]
pub async fn unlink_child(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    links::unlink_child(&state, &me, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/children/{id}/progress", params(("id" = String, Path)),
    responses((status = 200, body = MyProgress), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "Not a linked child: `not_found`")))]
pub async fn child_progress(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<MyProgress>, ApiError> {
    Ok(Json(children::progress(&state, &me, &id).await?))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/children/{id}/levels/{level_id}/attempts", params(("id" = String, Path), ("level_id" = String, Path)),
    responses((status = 200, body = AttemptsBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "Not a linked child, or no such level: `not_found`")))]
pub async fn child_attempts(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, level_id)): Path<(String, String)>,
) -> Result<Json<AttemptsBody>, ApiError> {
    Ok(Json(AttemptsBody {
        attempts: children::attempts(&state, &me, &id, &level_id).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/me/children/{id}/requests", params(("id" = String, Path)), request_body = LinkedRequest,
    responses((status = 202, body = ParentRequestBody, description = "Asked; an emailed link confirms it, and it is carried out then"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Wrong password: `reauthentication_required`"), (status = 404, body = ErrorBody, description = "Not a linked child: `not_found`"), (status = 429, body = ErrorBody, description = "Too many requests mailed to the parent: `rate_limited`")))]
pub async fn request_for_child(
    State(state): State<AppState>,
    me: SignedIn,
    lang: Lang,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<LinkedRequest>,
) -> Result<(StatusCode, Json<ParentRequestBody>), ApiError> {
    let request = requests::request_for_child(&state, &me, &id, body, lang).await?;
    Ok((StatusCode::ACCEPTED, Json(ParentRequestBody { request })))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/parents",
    responses((status = 200, body = ParentsBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a student: `forbidden`")))]
pub async fn parents_list(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<ParentsBody>, ApiError> {
    Ok(Json(ParentsBody {
        parents: links::parents(&state, &me).await?,
    }))
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/me/parents/{id}", params(("id" = String, Path)),
    responses((status = 204, description = "The link is gone"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a student: `forbidden`; a child under 13: `parent_controls`"), (status = 404, body = ErrorBody, description = "Not a linked parent: `not_found`")))]
pub async fn unlink_parent(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    links::unlink_parent(&state, &me, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/parent-requests", request_body = PublicRequest,
    responses((status = 202, body = ParentRequestBody, description = "Asked; an emailed link confirms the address, then support reviews it within 30 days"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`"), (status = 429, body = ErrorBody, description = "`rate_limited`")))]
pub async fn public_request(
    State(state): State<AppState>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    StrictJson(body): StrictJson<PublicRequest>,
) -> Result<(StatusCode, Json<ParentRequestBody>), ApiError> {
    let request = requests::public_request(&state, body, lang, ip).await?;
    Ok((StatusCode::ACCEPTED, Json(ParentRequestBody { request })))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/parent-requests/{token}", params(("token" = String, Path)),
    responses((status = 200, body = ParentRequestBody, description = "Confirmed: a linked parent's request is carried out, another goes to support"), (status = 404, body = ErrorBody, description = "Unknown, used or expired link: `not_found`")))]
pub async fn confirm_request(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<ParentRequestBody>, ApiError> {
    let request = requests::confirm(&state, &token).await?;
    Ok(Json(ParentRequestBody { request }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/permissions/{token}", params(("token" = String, Path)), request_body = PermissionDecision,
    responses((status = 200, body = PermissionAnswer, description = "Decided; declined, the child's account is erased"), (status = 404, body = ErrorBody, description = "Unknown, used or expired link: `not_found`")))]
pub async fn decide_permission(
    State(state): State<AppState>,
    Path(token): Path<String>,
    StrictJson(body): StrictJson<PermissionDecision>,
) -> Result<Json<PermissionAnswer>, ApiError> {
    Ok(Json(
        permission::decide(&state, &token, body.decision).await?,
    ))
}
