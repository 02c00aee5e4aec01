//! The accounts' JSON handlers: sign-up, sign-in, the learner's own account and password resets.

use crate::AppState;
use crate::accounts::{self, Me, MePatch, SignInBody, SignUp, UserBody};
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{ClientIp, Lang, MaybeSignedIn, SignedIn, StrictJson};
use crate::kit::sessions;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::ToSchema;

/// The tag the document has always given these operations, kept so that it does not change.
const TAG: &str = "crate::api";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts", post(sign_up))
        .route("/api/v1/email-verifications/{token}", post(verify_email))
        .route("/api/v1/session", post(sign_in).delete(sign_out))
        .route("/api/v1/me", get(me).patch(update_me).delete(delete_me))
        .route("/api/v1/me/export", get(export))
        .route("/api/v1/password-resets", post(request_reset))
        .route("/api/v1/password-resets/{token}", post(complete_reset))
}

/// `{"user": Me}` with a staff member's roles.
async fn user_with_roles(
    state: &AppState,
    a: &kodlek_store::AccountRecord,
) -> Result<Json<UserBody>, ApiError> {
    Ok(Json(UserBody {
        user: Me::with_roles(state, a).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/accounts", request_body = SignUp,
    responses((status = 201, body = UserBody, description = "Signed up and signed in"), (status = 409, body = ErrorBody, description = "`email_taken`"), (status = 422, body = ErrorBody, description = "`invalid_field`; a child under 13 without a parent's address: `parent_email_required`; children's own sign-up switched off: `child_sign_up_closed`"), (status = 429, body = ErrorBody, description = "`rate_limited`")))]
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
        user_with_roles(&state, &a).await?,
    )
        .into_response())
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/email-verifications/{token}", params(("token" = String, Path)),
    responses((status = 204, description = "The address is verified"), (status = 404, body = ErrorBody, description = "Unknown or used token: `not_found`")))]
pub async fn verify_email(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    accounts::verify_email(&state, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/session", request_body = SignInBody,
    responses((status = 200, body = UserBody), (status = 401, body = ErrorBody, description = "`invalid_credentials`; a staff account without `totp`: `totp_required`; an account a parent has deactivated: `account_deactivated`"), (status = 429, body = ErrorBody, description = "`rate_limited`"), (status = 503, body = ErrorBody, description = "Too many sign-ins at once: `overloaded`")))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    StrictJson(body): StrictJson<SignInBody>,
) -> Result<Response, ApiError> {
    let a = accounts::sign_in(&state, &body, ip).await?;
    let cookie = sessions::start_for(&state, &a, body.remember_me).await?;
    let body = user_with_roles(&state, &a).await?;
    Ok(([(header::SET_COOKIE, cookie)], body).into_response())
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/session", responses((status = 204, description = "Signed out")))]
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

#[utoipa::path(get, tag = TAG, path = "/api/v1/me", responses((status = 200, body = UserBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn me(State(state): State<AppState>, me: SignedIn) -> Result<Json<UserBody>, ApiError> {
    user_with_roles(&state, &me.account).await
}

#[utoipa::path(patch, tag = TAG, path = "/api/v1/me", request_body = MePatch,
    responses((status = 200, body = UserBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "`reauthentication_required`"), (status = 409, body = ErrorBody, description = "`email_taken`, `username_taken`; nothing is kept for this account now (a parent's permission is awaited, or collection is stopped): `not_collecting`"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn update_me(
    State(state): State<AppState>,
    lang: Lang,
    me: SignedIn,
    StrictJson(body): StrictJson<MePatch>,
) -> Result<Json<UserBody>, ApiError> {
    let a = accounts::update_me(&state, &me, body, lang).await?;
    user_with_roles(&state, &a).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub password: String,
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/me", request_body = PasswordBody,
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

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/export", responses((status = 200, description = "Everything the platform holds about the caller, as JSON"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
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

#[utoipa::path(post, tag = TAG, path = "/api/v1/password-resets", request_body = ResetRequest,
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

#[utoipa::path(post, tag = TAG, path = "/api/v1/password-resets/{token}", params(("token" = String, Path)), request_body = PasswordBody,
    responses((status = 204, description = "The password is set; every session of the account ends"), (status = 404, body = ErrorBody, description = "Unknown, used or expired token: `not_found`"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn complete_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    StrictJson(body): StrictJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    accounts::complete_reset(&state, &token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
