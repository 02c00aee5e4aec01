//! Classrooms: teachers' sections and their students, joining, and the picture and word sign-in.

mod api;
mod joining;
pub mod progress_cache;
pub mod secrets;
pub mod sections;
mod student_pages;
mod students;
mod teacher_pages;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

pub use joining::*;
pub use sections::*;
pub use students::*;
pub use teacher_pages::{STUDENT_TABLES, grid_html, outline};

/// The classrooms' JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    api::create_section,
    api::list_sections,
    api::get_section,
    api::update_section,
    api::delete_section,
    api::new_section_code,
    api::add_student,
    api::add_students,
    api::update_student,
    api::reset_secret,
    api::unlock_student,
    api::remove_student,
    api::student_attempts,
    api::sign_in_cards,
    api::section_progress,
    api::invite_teacher,
    api::remove_teacher,
    api::accept_invitation,
    api::join_section,
    api::my_sections,
    api::leave_section,
    api::pictures,
    api::section_sign_in_page,
    api::section_sign_in,
))]
pub struct Api;

/// The classrooms' JSON API, the teachers' pages and the students' pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(teacher_pages::routes())
        .merge(student_pages::routes())
}
