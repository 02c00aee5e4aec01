//! The support requests' JSON handler: anyone sends one.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{ClientIp, MaybeSignedIn, StrictJson};
use crate::support::requests::{self, NewSupportRequest, SupportRequestCreated};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/support-requests", post(send))
}

#[utoipa::path(post, tag = "support", path = "/api/v1/support-requests", request_body = NewSupportRequest,
    responses((status = 201, body = SupportRequestCreated, description = "Sent; signed in, the request names the account"), (status = 422, body = ErrorBody, description = "`invalid_field`, `unknown_field`"), (status = 429, body = ErrorBody, description = "`rate_limited`")))]
pub async fn send(
    State(state): State<AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    ClientIp(ip): ClientIp,
    StrictJson(body): StrictJson<NewSupportRequest>,
) -> Result<(StatusCode, Json<SupportRequestCreated>), ApiError> {
    let account = me.as_ref().map(|m| &m.account);
    let created = requests::send_support_request(&state, account, body, ip).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
