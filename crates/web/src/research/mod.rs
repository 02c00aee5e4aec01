//! Research: figures that improve the courses, made from all learners' progress together and
//! naming none of them (promise PROG-5).

mod levels;
mod pages;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

/// The research feature's JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(levels::level_figures))]
pub struct Api;

/// The figures' JSON operation and the staff console's page of them.
pub fn routes() -> Router<AppState> {
    levels::routes().merge(pages::routes())
}
