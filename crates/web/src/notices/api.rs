//! The notices' JSON handlers: the notice and its history, the user's notices and consents.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{Lang, SignedIn, StrictJson};
use crate::notices::consents::{self, ConsentAnswer, ConsentBody, ConsentList};
use crate::notices::notices::{self, NoticeList};
use crate::notices::versions::{self, NoticeView};
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/notice", get(notice))
        .route("/api/v1/me/notices", get(my_notices))
        .route("/api/v1/me/consents", get(my_consents))
        .route("/api/v1/me/consents/{purpose}", put(answer_consent))
}

#[utoipa::path(get, tag = "notices", path = "/api/v1/notice",
    responses((status = 200, body = NoticeView, description = "The privacy notice's current version and its history")))]
pub async fn notice(
    State(state): State<AppState>,
    lang: Lang,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(versions::current_notice(&state, lang).await?))
}

#[utoipa::path(get, tag = "notices", path = "/api/v1/me/notices",
    responses((status = 200, body = NoticeList, description = "Incidents that affected the caller and significant revisions of the notice, newest first"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn my_notices(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<NoticeList>, ApiError> {
    Ok(Json(notices::my_notices(&state, &me.account.id).await?))
}

#[utoipa::path(get, tag = "notices", path = "/api/v1/me/consents",
    responses((status = 200, body = ConsentList, description = "Each purpose that needs consent, with the caller's answer; empty for a child, who is not asked"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn my_consents(
    State(state): State<AppState>,
    lang: Lang,
    me: SignedIn,
) -> Result<Json<ConsentList>, ApiError> {
    Ok(Json(
        consents::my_consents(&state, &me.account, lang).await?,
    ))
}

#[utoipa::path(put, tag = "notices", path = "/api/v1/me/consents/{purpose}", params(("purpose" = String, Path)), request_body = ConsentAnswer,
    responses((status = 200, body = ConsentBody, description = "The answer is recorded; a no withdraws an earlier yes"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "A child is not asked: `forbidden`"), (status = 404, body = ErrorBody, description = "No such purpose: `not_found`")))]
pub async fn answer_consent(
    State(state): State<AppState>,
    lang: Lang,
    me: SignedIn,
    Path(purpose): Path<String>,
    StrictJson(body): StrictJson<ConsentAnswer>,
) -> Result<Json<ConsentBody>, ApiError> {
    let consent =
        consents::answer_consent(&state, &me.account, &purpose, body.granted, lang).await?;
    Ok(Json(ConsentBody { consent }))
}
