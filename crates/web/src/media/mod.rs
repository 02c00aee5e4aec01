//! Media: learners aged 13 or more upload pictures and sounds for their projects (CREATE-4;
//! children cannot, U13-4), cleaned of their metadata (LOC-1), shown to their owner and inside
//! the shared projects that use them, and erased with the account (RIGHTS-2).

mod api;
mod files;
mod images;
mod pages;
mod sniff;
mod sounds;

use crate::AppState;
use axum::Router;
use axum::http::Method;
use utoipa::OpenApi;

pub use files::{
    ALLOWANCE, DECODES, MAX_BYTES, Media, MediaCreated, MediaList, MediaView, NoSharedProjects,
    SharedProgram, SharedProjects, UPLOADS, erase_deleted_bytes, erase_deleted_bytes_now,
    link_in_export, offered_to, program_uses,
};

/// Where files are uploaded.
pub const UPLOAD_PATH: &str = "/api/v1/media";

/// The chore that erases the bytes of deleted files (a safety net: deleting and erasing an
/// account erase them at once).
pub const ERASE_MEDIA_BYTES: &str = "erase-media-bytes";

/// Registers the chore that erases deleted files' bytes, every minute.
pub fn register(runner: crate::jobs::Runner, state: AppState) -> crate::jobs::Runner {
    runner.every(
        ERASE_MEDIA_BYTES,
        std::time::Duration::from_secs(60),
        move || {
            let state = state.clone();
            async move { erase_deleted_bytes_now(&state).await }
        },
    )
}

/// An upload reads its own body, up to [`MAX_BYTES`] instead of the edge's 1 MiB (API.md).
pub fn reads_own_body(method: &Method, path: &str) -> bool {
    method == Method::POST && path == UPLOAD_PATH
}

/// The media operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(api::upload, api::list, api::read, api::delete, api::read_shared),
    components(schemas(MediaCreated, MediaList, MediaView, api::FileBytes))
)]
pub struct Api;

/// The media JSON API and page.
pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}
