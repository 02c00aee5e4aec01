//! The OpenAPI document at `/api/openapi.json`, generated from the handlers and types.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kodlek API",
        version = "1",
        description = "The JSON API of Kodlek, a computer-science learning platform for schools."
    ),
    paths(
        crate::api::healthz,
        crate::api::sign_up,
        crate::api::verify_email,
        crate::api::sign_in,
        crate::api::sign_out,
        crate::api::me,
        crate::api::update_me,
        crate::api::delete_me,
        crate::api::export,
        crate::api::request_reset,
        crate::api::complete_reset,
        crate::api::courses,
        crate::api::course,
        crate::api::level,
        crate::api::attempt,
        crate::api::my_progress,
        crate::api::my_attempts,
        crate::api::import_progress,
        crate::sections_api::create_section,
        crate::sections_api::list_sections,
        crate::sections_api::get_section,
        crate::sections_api::update_section,
        crate::sections_api::delete_section,
        crate::sections_api::new_section_code,
        crate::sections_api::add_student,
        crate::sections_api::add_students,
        crate::sections_api::update_student,
        crate::sections_api::reset_secret,
        crate::sections_api::unlock_student,
        crate::sections_api::remove_student,
        crate::sections_api::student_attempts,
        crate::sections_api::sign_in_cards,
        crate::sections_api::section_progress,
        crate::sections_api::invite_teacher,
        crate::sections_api::remove_teacher,
        crate::sections_api::accept_invitation,
        crate::sections_api::join_section,
        crate::sections_api::my_sections,
        crate::sections_api::leave_section,
        crate::sections_api::pictures,
        crate::sections_api::section_sign_in_page,
        crate::sections_api::section_sign_in,
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        crate::accounts::Me
    ))
)]
pub struct ApiDoc;

pub fn document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).expect("the document serialises")
}
