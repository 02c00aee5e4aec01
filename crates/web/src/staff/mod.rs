//! Staff: finding users, opening their data with a reason, erasure, disclosures, the audit
//! log, the staff console's pages, and each user's log of staff access to their data.

mod api;
mod pages;
mod users;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

// The account page shows the user who at Kodlek has looked at their data.
pub use users::{AccessLogEntry, access_log};

/// The staff feature's JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    api::search,
    api::access,
    api::erase,
    api::disclose,
    api::audit,
    api::access_log,
))]
pub struct Api;

/// The staff API, the staff console and the user's access log.
pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}
