//! The sign-in's JSON handlers: the providers, and the signed-in user's linked identities.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::sessions::SignedIn;
use crate::sso::flow::{self, IdentityList};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

const TAG: &str = "sign-in with other services";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sso/providers", get(providers))
        .route("/api/v1/me/identities", get(identities))
        .route("/api/v1/me/identities/{provider}", delete(unlink))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderView {
    /// The name in the paths: `/sign-in/sso/{id}`.
    pub id: String,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderList {
    pub providers: Vec<ProviderView>,
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sso/providers",
    responses((status = 200, body = ProviderList, description = "The services people may sign in with")))]
pub async fn providers(State(state): State<AppState>) -> Json<ProviderList> {
    Json(ProviderList {
        providers: crate::sso::buttons(&state)
            .into_iter()
            .map(|(id, label)| ProviderView { id, label })
            .collect(),
    })
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/identities",
    responses((status = 200, body = IdentityList, description = "The services linked to the account"), (status = 401, body = ErrorBody, description = "`not_signed_in`")))]
pub async fn identities(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<IdentityList>, ApiError> {
    Ok(Json(flow::identities(&state, &me).await?))
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/me/identities/{provider}",
    params(("provider" = String, Path, description = "The service's id")),
    responses((status = 204, description = "Unlinked; the sessions made through it end"), (status = 401, body = ErrorBody, description = "`not_signed_in`"), (status = 404, body = ErrorBody, description = "`not_found`: no such link"), (status = 409, body = ErrorBody, description = "`last_sign_in_method`")))]
pub async fn unlink(
    State(state): State<AppState>,
    me: SignedIn,
    Path(provider): Path<String>,
) -> Result<StatusCode, ApiError> {
    flow::unlink(&state, &me, &provider).await?;
    Ok(StatusCode::NO_CONTENT)
}
