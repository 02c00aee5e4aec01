//! The teachers' pages of sections: the list, the progress dashboard and its CSV, a student's
//! attempts, managing students, sign-in cards, settings, the letter home and invitations.
//! Every page calls the use cases in `sections`, `students` and `joining`, never the store.

mod common;
mod dashboard;
mod settings;
mod student;
mod students;
#[cfg(test)]
mod tests;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use dashboard::*;
use settings::*;
use student::*;
use students::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sections", get(list_page).post(create))
        .route("/sections/{id}", get(dashboard))
        .route("/sections/{id}/live", get(dashboard_live))
        .route("/sections/{id}/progress.csv", get(progress_csv))
        .route("/sections/{id}/students", get(students_page).post(add_one))
        .route("/sections/{id}/students/paste", post(add_list))
        .route("/sections/{id}/students/{sid}", get(student_page))
        .route(
            "/sections/{id}/students/{sid}/levels/{lid}",
            get(student_level),
        )
        .route(
            "/sections/{id}/students/{sid}/edit",
            get(edit_form).post(edit),
        )
        .route("/sections/{id}/students/{sid}/secret", post(new_secret))
        .route("/sections/{id}/students/{sid}/unlock", post(unlock))
        .route(
            "/sections/{id}/students/{sid}/remove",
            get(remove_form).post(remove),
        )
        .route("/sections/{id}/cards", get(cards))
        .route("/sections/{id}/letter", get(letter).post(letter_slips))
        .route("/sections/{id}/settings", get(settings).post(save_settings))
        .route("/sections/{id}/login-type", post(save_login_type))
        .route("/sections/{id}/code", post(new_code))
        .route("/sections/{id}/invitations", post(invite))
        .route("/sections/{id}/teachers/{tid}/remove", post(remove_teacher))
        .route("/sections/{id}/delete", get(delete_form).post(delete))
        .route("/section-invitations/{token}", get(invitation).post(accept))
}

pub use dashboard::grid_html;
pub use settings::STUDENT_TABLES;
// The families' pages show a child's programs to their parent the way teachers see them.
pub use student::outline;
