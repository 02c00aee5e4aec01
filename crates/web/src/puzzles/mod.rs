//! Puzzles: the course catalog, levels, attempts and each learner's progress.

mod api;
mod attempts;
mod certificate;
mod pages;
pub mod reasons;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

pub use attempts::{
    AnonymousLimiter, AttemptAnswer, AttemptBody, AttemptView, AttemptsBody, DetailView,
    ImportAnswer, ImportBody, ImportEntry, MyProgress, ProgressView, Resume, attempt, import,
    level, my_attempts, my_progress, resume, storage_is_full, stored_program, stored_program_json,
};

/// The puzzles' JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    api::courses,
    api::course,
    api::level,
    api::attempt,
    api::my_progress,
    api::my_attempts,
    api::import_progress,
))]
pub struct Api;

/// The puzzles' JSON API and pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(certificate::routes())
}
