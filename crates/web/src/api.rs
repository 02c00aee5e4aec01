//! The JSON API under `/api/v1`: thin handlers that parse, call one function, answer.

use crate::AppState;
use crate::accounts::{self, Me, MePatch, SignInBody, SignUp};
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{ClientIp, Lang, MaybeSignedIn, SignedIn, StrictJson};
use crate::kit::sessions;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/api/openapi.json",
            get(|| async { Json(crate::openapi::document()) }),
        )
        .route("/api/v1/accounts", post(sign_up))
        .route("/api/v1/email-verifications/{token}", post(verify_email))
        .route("/api/v1/session", post(sign_in).delete(sign_out))
        .route("/api/v1/me", get(me).patch(update_me).delete(delete_me))
        .route("/api/v1/me/export", get(export))
        .route("/api/v1/password-resets", post(request_reset))
        .route("/api/v1/password-resets/{token}", post(complete_reset))
        .route("/api/v1/courses", get(courses))
        .route("/api/v1/courses/{course_id}", get(course))
        .route("/api/v1/levels/{level_id}", get(level))
        .route("/api/v1/levels/{level_id}/attempts", post(attempt))
        .route("/api/v1/me/progress", get(my_progress))
        .route("/api/v1/me/levels/{level_id}/attempts", get(my_attempts))
        .route("/api/v1/me/progress/import", post(import_progress))
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::not_found() }),
        )
}

/// `{"user": Me}`
#[derive(Serialize, ToSchema)]
pub struct UserBody {
    pub user: Me,
}

fn user(state: &AppState, a: &kodlek_store::AccountRecord) -> Json<UserBody> {
    Json(UserBody {
        user: Me::of(state, a),
    })
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "The database can be reached"), (status = 503, body = ErrorBody, description = "The database cannot be reached: `overloaded`")))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "The database cannot be reached.",
            )
            .into_response()
        }
    }
}

#[utoipa::path(post, path = "/api/v1/accounts", request_body = SignUp,
    responses((status = 201, body = UserBody, description = "Signed up and signed in"), (status = 409, body = ErrorBody, description = "`email_taken`"), (status = 422, body = ErrorBody, description = "`invalid_field`"), (status = 429, body = ErrorBody, description = "`rate_limited`")))]
pub async fn sign_up(
    State(state): State<AppState>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    StrictJson(body): StrictJson<SignUp>,
) -> Result<Response, ApiError> {
    let remember = body.remember_me;
    let a = accounts::sign_up(&state, body, lang, ip).await?;
    let cookie = sessions::start(&state, &a.id, remember).await?;
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        user(&state, &a),
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/v1/email-verifications/{token}", params(("token" = String, Path)),
    responses((status = 204, description = "The address is verified"), (status = 404, body = ErrorBody, description = "Unknown or used token: `not_found`")))]
pub async fn verify_email(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    accounts::verify_email(&state, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/session", request_body = SignInBody,
    responses((status = 200, body = UserBody), (status = 401, body = ErrorBody, description = "`invalid_credentials`"), (status = 429, body = ErrorBody, description = "`rate_limited`"), (status = 503, body = ErrorBody, description = "Too many sign-ins at once: `overloaded`")))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    StrictJson(body): StrictJson<SignInBody>,
) -> Result<Response, ApiError> {
    let a = accounts::sign_in(&state, &body, ip).await?;
    let cookie = sessions::start(&state, &a.id, body.remember_me).await?;
    Ok(([(header::SET_COOKIE, cookie)], user(&state, &a)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204, description = "Signed out")))]
pub async fn sign_out(
    State(state): State<AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Result<Response, ApiError> {
    if let Some(me) = me {
        state.store.delete_session(&me.session.token_hash).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, sessions::clear_cookie(&state))],
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = UserBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn me(State(state): State<AppState>, me: SignedIn) -> Json<UserBody> {
    user(&state, &me.account)
}

#[utoipa::path(patch, path = "/api/v1/me", request_body = MePatch,
    responses((status = 200, body = UserBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "`reauthentication_required`"), (status = 409, body = ErrorBody, description = "`email_taken`, `username_taken`"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn update_me(
    State(state): State<AppState>,
    lang: Lang,
    me: SignedIn,
    StrictJson(body): StrictJson<MePatch>,
) -> Result<Json<UserBody>, ApiError> {
    let a = accounts::update_me(&state, &me, body, lang).await?;
    Ok(user(&state, &a))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub password: String,
}

#[utoipa::path(delete, path = "/api/v1/me", request_body = PasswordBody,
    responses((status = 204, description = "The account and its personal data are erased"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "`reauthentication_required`, `managed_by_teacher`")))]
pub async fn delete_me(
    State(state): State<AppState>,
    me: SignedIn,
    StrictJson(body): StrictJson<PasswordBody>,
) -> Result<Response, ApiError> {
    accounts::delete_me(&state, &me, &body.password).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, sessions::clear_cookie(&state))],
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/me/export", responses((status = 200, description = "Everything the platform holds about the caller, as JSON"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn export(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<accounts::Export>, ApiError> {
    Ok(Json(accounts::export(&state, &me.account).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

#[utoipa::path(post, path = "/api/v1/password-resets", request_body = ResetRequest,
    responses((status = 202, description = "A reset link is mailed if the address has an account"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn request_reset(
    State(state): State<AppState>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    StrictJson(body): StrictJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    accounts::request_reset(&state, &body.email, lang, ip).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(post, path = "/api/v1/password-resets/{token}", params(("token" = String, Path)), request_body = PasswordBody,
    responses((status = 204, description = "The password is set; every session of the account ends"), (status = 404, body = ErrorBody, description = "Unknown, used or expired token: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn complete_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    StrictJson(body): StrictJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    accounts::complete_reset(&state, &token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/courses", responses((status = 200, description = "`{\"courses\": [{\"id\", \"title\", \"description\", \"level_count\"}]}`")))]
pub async fn courses(lang: Lang) -> Json<serde_json::Value> {
    let list: Vec<_> = kodlek_puzzles::catalog()
        .courses()
        .iter()
        .map(|c| serde_json::json!({"id": c.id, "title": c.title.get(lang.code()), "description": c.description.get(lang.code()), "level_count": c.level_count()}))
        .collect();
    Json(serde_json::json!({ "courses": list }))
}

#[utoipa::path(get, path = "/api/v1/courses/{course_id}", params(("course_id" = String, Path)),
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

#[utoipa::path(get, path = "/api/v1/levels/{level_id}", params(("level_id" = String, Path)),
    responses((status = 200, description = "`{\"level\": Level}`: id, kind, title, instructions, toolbox, required_blocks, ideal_blocks, and maze or artist"), (status = 404, body = ErrorBody, description = "`not_found`")))]
pub async fn level(
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let l = crate::courses::level(&id)?;
    Ok(Json(serde_json::json!({ "level": l.to_json(lang.code()) })))
}

#[utoipa::path(post, path = "/api/v1/levels/{level_id}/attempts", params(("level_id" = String, Path)), request_body = crate::courses::AttemptBody,
    responses((status = 200, body = crate::courses::AttemptAnswer), (status = 404, body = ErrorBody, description = "No such level: `not_found`"), (status = 409, body = ErrorBody, description = "The id was used for another program or level, or the learner's storage is full: `attempt_id_conflict`, `storage_full`"), (status = 422, body = ErrorBody, description = "`invalid_program`, `invalid_answer`, `invalid_field`"), (status = 429, body = ErrorBody, description = "`rate_limited`"), (status = 503, body = ErrorBody, description = "`overloaded`")))]
pub async fn attempt(
    State(state): State<AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<crate::courses::AttemptBody>,
) -> Result<Json<crate::courses::AttemptAnswer>, ApiError> {
    Ok(Json(
        crate::courses::attempt(&state, me.as_ref(), ip, &id, body).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/me/progress", responses((status = 200, body = crate::courses::MyProgress), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn my_progress(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<crate::courses::MyProgress>, ApiError> {
    Ok(Json(crate::courses::my_progress(&state, &me).await?))
}

#[derive(Serialize, ToSchema)]
pub struct AttemptsBody {
    pub attempts: Vec<crate::courses::AttemptView>,
}

#[utoipa::path(get, path = "/api/v1/me/levels/{level_id}/attempts", params(("level_id" = String, Path)),
    responses((status = 200, body = AttemptsBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such level: `not_found`")))]
pub async fn my_attempts(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<AttemptsBody>, ApiError> {
    Ok(Json(AttemptsBody {
        attempts: crate::courses::my_attempts(&state, &me, &id).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/me/progress/import", request_body = crate::courses::ImportBody,
    responses((status = 200, body = crate::courses::ImportAnswer), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 409, body = ErrorBody, description = "The attempts do not fit in the learner's storage: `storage_full`"), (status = 422, body = ErrorBody, description = "`unknown_level`, `invalid_program`, `invalid_answer`, `invalid_field`")))]
pub async fn import_progress(
    State(state): State<AppState>,
    me: SignedIn,
    StrictJson(body): StrictJson<crate::courses::ImportBody>,
) -> Result<Json<crate::courses::ImportAnswer>, ApiError> {
    Ok(Json(crate::courses::import(&state, &me, body).await?))
}
