//! Creations: learners' own projects (promise CREATE-1), shared by link or in the gallery at
//! their choice with their display name only (CREATE-2), remixes with credit, plain share
//! links for social networks (CREATE-5), and the safety around them: the sections' switch,
//! teachers hiding, reports and moderation.

mod api;
mod files;
mod pages;
pub mod projects;
pub mod safety;
pub mod sharing;
mod staff_api;
mod staff_pages;
mod teacher_pages;
pub mod title;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

pub use sharing::SharedPrograms;

/// The creations' JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        api::create_project,
        api::list_projects,
        api::get_project,
        api::update_project,
        api::delete_project,
        api::shared_project,
        api::shared_thumbnail,
        api::remix_project,
        api::report_project,
        api::gallery,
        api::section_shares,
        api::teacher_hide,
        staff_api::report_queue,
        staff_api::moderate_project,
    ),
    components(schemas(
        projects::Project,
        projects::Kind,
        projects::Sharing,
        projects::RemixedFrom,
        sharing::SharedProject,
        sharing::GalleryProject,
        safety::ReportReason,
        safety::QueuedReport,
        safety::Decision,
        safety::StudentShareView,
    ))
)]
pub struct Api;

/// The creations' JSON API and pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(staff_api::routes())
        .merge(pages::routes())
        .merge(teacher_pages::routes())
        .merge(staff_pages::routes())
        .merge(files::routes())
}
