//! The puzzles' JSON handlers: the catalog, levels, attempts and the learner's progress.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{ClientIp, Lang, MaybeSignedIn, SignedIn, StrictJson};
use crate::puzzles::AttemptsBody;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};

/// The tag the document has always given these operations, kept so that it does not change.
const TAG: &str = "crate::api";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/courses", get(courses))
        .route("/api/v1/courses/{course_id}", get(course))
        .route("/api/v1/levels/{level_id}", get(level))
        .route("/api/v1/levels/{level_id}/attempts", post(attempt))
        .route("/api/v1/me/progress", get(my_progress))
        .route("/api/v1/me/levels/{level_id}/attempts", get(my_attempts))
        .route("/api/v1/me/progress/import", post(import_progress))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/courses", responses((status = 200, description = "`{\"courses\": [{\"id\", \"title\", \"description\", \"level_count\"}]}`")))]
pub async fn courses(lang: Lang) -> Json<serde_json::Value> {
    let list: Vec<_> = kodlek_puzzles::catalog()
        .courses()
        .iter()
        .map(|c| serde_json::json!({"id": c.id, "title": c.title.get(lang.code()), "description": c.description.get(lang.code()), "level_count": c.level_count()}))
        .collect();
    Json(serde_json::json!({ "courses": list }))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/courses/{course_id}", params(("course_id" = String, Path)),
    responses((status = 200, description = "`{\"course\": {\"id\", \"title\", \"lessons\": [{\"title\", \"levels\": [{\"id\", \"kind\", \"title\"}]}]}}`"), (status = 404, body = ErrorBody, description = "`not_found`")))]
pub async fn course(
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let c = kodlek_puzzles::catalog()
        .course(&id)
        .ok_or_else(ApiError::not_found)?;
    let l = lang.code();
    let lessons: Vec<_> = c
        .lessons
        .iter()
        .map(|s| {
            let levels: Vec<_> = s.levels.iter().map(|v| serde_json::json!({"id": v.id, "kind": v.kind.as_str(), "title": v.title.get(l)})).collect();
            serde_json::json!({"title": s.title.get(l), "levels": levels})
        })
        .collect();
    Ok(Json(
        serde_json::json!({"course": {"id": c.id, "title": c.title.get(l), "lessons": lessons}}),
    ))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/levels/{level_id}", params(("level_id" = String, Path)),
    responses((status = 200, description = "`{\"level\": Level}`: id, kind, title, instructions, hints (up to three, in the requested language), toolbox, toolbox_limits (`{block_type: int}`: at most that many of the type), required_blocks (block types), required_fields (`[{\"type\", \"fields\"}]`: required blocks with the field values they must have), ideal_blocks, start_blocks (a program the workspace opens with, or null; its locked blocks carry `deletable`, `movable` and `editable` false), locked_blocks (`[{\"type\", \"fields\"}]`: blocks every program must keep), and maze (grid cells 0 wall, 1 open, 2 start, 3 goal, 4 obstacle) or artist"), (status = 404, body = ErrorBody, description = "`not_found`")))]
pub async fn level(
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let l = crate::puzzles::level(&id)?;
    Ok(Json(serde_json::json!({ "level": l.to_json(lang.code()) })))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/levels/{level_id}/attempts", params(("level_id" = String, Path)), request_body = crate::puzzles::AttemptBody,
    responses((status = 200, body = crate::puzzles::AttemptAnswer), (status = 404, body = ErrorBody, description = "No such level: `not_found`"), (status = 409, body = ErrorBody, description = "The id was used for another program or level, or the learner's storage is full: `attempt_id_conflict`, `storage_full`"), (status = 422, body = ErrorBody, description = "`invalid_program`, `invalid_answer`, `invalid_field`"), (status = 429, body = ErrorBody, description = "`rate_limited`"), (status = 503, body = ErrorBody, description = "`overloaded`")))]
pub async fn attempt(
    State(state): State<AppState>,
    lang: Lang,
    MaybeSignedIn(me): MaybeSignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<crate::puzzles::AttemptBody>,
) -> Result<Json<crate::puzzles::AttemptAnswer>, ApiError> {
    Ok(Json(
        crate::puzzles::attempt(&state, me.as_ref(), lang, ip, &id, body).await?,
    ))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/progress", responses((status = 200, body = crate::puzzles::MyProgress), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn my_progress(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<crate::puzzles::MyProgress>, ApiError> {
    Ok(Json(crate::puzzles::my_progress(&state, &me).await?))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/levels/{level_id}/attempts", params(("level_id" = String, Path)),
    responses((status = 200, body = AttemptsBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such level: `not_found`")))]
pub async fn my_attempts(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<AttemptsBody>, ApiError> {
    Ok(Json(AttemptsBody {
        attempts: crate::puzzles::my_attempts(&state, &me, &id).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/me/progress/import", request_body = crate::puzzles::ImportBody,
    responses((status = 200, body = crate::puzzles::ImportAnswer), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 409, body = ErrorBody, description = "The attempts do not fit in the learner's storage: `storage_full`; nothing is kept for this account now (a parent's permission is awaited, or collection is stopped): `not_collecting`"), (status = 422, body = ErrorBody, description = "`unknown_level`, `invalid_program`, `invalid_answer`, `invalid_field`")))]
pub async fn import_progress(
    State(state): State<AppState>,
    me: SignedIn,
    StrictJson(body): StrictJson<crate::puzzles::ImportBody>,
) -> Result<Json<crate::puzzles::ImportAnswer>, ApiError> {
    Ok(Json(crate::puzzles::import(&state, &me, body).await?))
}
