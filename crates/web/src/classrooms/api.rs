//! The classrooms' JSON handlers: thin handlers over `sections`, `students` and `joining`.

use crate::accounts::UserBody;
use crate::classrooms::joining;
use crate::classrooms::sections::{self, *};
use crate::classrooms::students;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::{ClientIp, Lang, SignedIn, StrictJson};
use crate::kit::sessions;
use crate::puzzles::AttemptsBody;
use crate::{AppState, accounts::Me};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The tag the document has always given these operations, kept so that it does not change.
const TAG: &str = "crate::sections_api";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sections", post(create_section).get(list_sections))
        .route("/api/v1/sections/join", post(join_section))
        .route(
            "/api/v1/sections/{id}",
            get(get_section)
                .patch(update_section)
                .delete(delete_section),
        )
        .route("/api/v1/sections/{id}/code", post(new_section_code))
        .route("/api/v1/sections/{id}/students", post(add_student))
        .route("/api/v1/sections/{id}/students/bulk", post(add_students))
        .route(
            "/api/v1/sections/{id}/students/{student_id}",
            axum::routing::patch(update_student).delete(remove_student),
        )
        .route(
            "/api/v1/sections/{id}/students/{student_id}/secret",
            post(reset_secret),
        )
        .route(
            "/api/v1/sections/{id}/students/{student_id}/unlock",
            post(unlock_student),
        )
        .route(
            "/api/v1/sections/{id}/students/{student_id}/levels/{level_id}",
            get(student_attempts),
        )
        .route("/api/v1/sections/{id}/sign-in-cards", get(sign_in_cards))
        .route("/api/v1/sections/{id}/progress", get(section_progress))
        .route("/api/v1/sections/{id}/invitations", post(invite_teacher))
        .route(
            "/api/v1/sections/{id}/teachers/{teacher_id}",
            delete(remove_teacher),
        )
        .route(
            "/api/v1/section-invitations/{token}",
            post(accept_invitation),
        )
        .route("/api/v1/me/sections", get(my_sections))
        .route("/api/v1/me/sections/{id}", delete(leave_section))
        .route("/api/v1/pictures", get(pictures))
        .route(
            "/api/v1/sign-in/{code}",
            get(section_sign_in_page).post(section_sign_in),
        )
}

/// `{"section": Section}`
#[derive(Serialize, ToSchema)]
pub struct SectionBody {
    pub section: Section,
}

#[derive(Serialize, ToSchema)]
pub struct SectionsBody {
    pub sections: Vec<Section>,
}

#[derive(Serialize, ToSchema)]
pub struct ErasedBody {
    /// Teacher-managed students who were in no other section, and so were erased.
    pub erased_students: u64,
}

#[derive(Serialize, ToSchema)]
pub struct StudentBody {
    pub student: SectionStudent,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedBody {
    pub student: SectionStudent,
    pub secret: Secret,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedListBody {
    pub students: Vec<CreatedStudent>,
}

#[derive(Serialize, ToSchema)]
pub struct SecretBody {
    pub secret: Secret,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct JoinedBody {
    pub section: JoinedSectionView,
}

#[derive(Serialize, ToSchema)]
pub struct JoinedListBody {
    pub sections: Vec<JoinedSectionView>,
}

#[derive(Serialize, ToSchema)]
pub struct PictureView {
    pub id: String,
    pub label: String,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct PicturesBody {
    pub pictures: Vec<PictureView>,
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections", request_body = NewSection,
    responses((status = 201, body = SectionBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a teacher, or the address is not confirmed: `forbidden`, `email_unverified`"), (status = 422, body = ErrorBody, description = "`unknown_course`, `invalid_field`")))]
pub async fn create_section(
    State(state): State<AppState>,
    me: SignedIn,
    StrictJson(body): StrictJson<NewSection>,
) -> Result<Response, ApiError> {
    let section = sections::create(&state, &me, body).await?;
    Ok((StatusCode::CREATED, Json(SectionBody { section })).into_response())
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sections", responses((status = 200, body = SectionsBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a teacher: `forbidden`")))]
pub async fn list_sections(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<SectionsBody>, ApiError> {
    Ok(Json(SectionsBody {
        sections: sections::list(&state, &me).await?,
    }))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sections/{id}", params(("id" = String, Path)),
    responses((status = 200, body = SectionDetail), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`")))]
pub async fn get_section(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SectionDetail>, ApiError> {
    Ok(Json(sections::detail(&state, &me, &id).await?))
}

#[utoipa::path(patch, tag = TAG, path = "/api/v1/sections/{id}", params(("id" = String, Path)), request_body = SectionPatch,
    responses((status = 200, body = SectionBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`"), (status = 409, body = ErrorBody, description = "`managed_students_present`"), (status = 422, body = ErrorBody, description = "`unknown_course`, `invalid_field`")))]
pub async fn update_section(
    State(state): State<AppState>,
    me: SignedIn,
    lang: Lang,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<SectionPatch>,
) -> Result<Json<SectionBody>, ApiError> {
    Ok(Json(SectionBody {
        section: sections::update(&state, &me, &id, body, lang).await?,
    }))
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/sections/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ErasedBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "A co-teacher: `forbidden`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`")))]
pub async fn delete_section(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ErasedBody>, ApiError> {
    Ok(Json(ErasedBody {
        erased_students: sections::delete(&state, &me, &id).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/{id}/code", params(("id" = String, Path)),
    responses((status = 200, body = SectionBody, description = "A new code; the old one stops working"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`")))]
pub async fn new_section_code(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SectionBody>, ApiError> {
    Ok(Json(SectionBody {
        section: sections::new_code(&state, &me, &id).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/{id}/students", params(("id" = String, Path)), request_body = NewStudent,
    responses((status = 201, body = CreatedBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`"), (status = 409, body = ErrorBody, description = "`display_name_taken`"), (status = 422, body = ErrorBody, description = "`wrong_login_type`, `school_permission_required`, `invalid_field`")))]
pub async fn add_student(
    State(state): State<AppState>,
    me: SignedIn,
    lang: Lang,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<NewStudent>,
) -> Result<Response, ApiError> {
    let c = students::add_student(&state, &me, &id, body, lang).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedBody {
            student: c.student,
            secret: c.secret,
        }),
    )
        .into_response())
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/{id}/students/bulk", params(("id" = String, Path)), request_body = NewStudents,
    responses((status = 201, body = CreatedListBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`"), (status = 409, body = ErrorBody, description = "`display_name_taken`"), (status = 422, body = ErrorBody, description = "`wrong_login_type`, `school_permission_required`, `invalid_field`")))]
pub async fn add_students(
    State(state): State<AppState>,
    me: SignedIn,
    lang: Lang,
    Path(id): Path<String>,
    StrictJson(body): StrictJson<NewStudents>,
) -> Result<Response, ApiError> {
    let students = students::add_students(&state, &me, &id, body, lang).await?;
    Ok((StatusCode::CREATED, Json(CreatedListBody { students })).into_response())
}

#[utoipa::path(patch, tag = TAG, path = "/api/v1/sections/{id}/students/{student_id}", params(("id" = String, Path), ("student_id" = String, Path)), request_body = StudentPatch,
    responses((status = 200, body = StudentBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "`not_found`"), (status = 409, body = ErrorBody, description = "`student_in_control`, `display_name_taken`"), (status = 422, body = ErrorBody, description = "`invalid_field`")))]
pub async fn update_student(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, student_id)): Path<(String, String)>,
    StrictJson(body): StrictJson<StudentPatch>,
) -> Result<Json<StudentBody>, ApiError> {
    Ok(Json(StudentBody {
        student: students::update_student(&state, &me, &id, &student_id, body).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/{id}/students/{student_id}/secret", params(("id" = String, Path), ("student_id" = String, Path)),
    responses((status = 200, body = SecretBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "`not_found`"), (status = 409, body = ErrorBody, description = "`student_in_control`"), (status = 422, body = ErrorBody, description = "`wrong_login_type`")))]
pub async fn reset_secret(
    State(state): State<AppState>,
    me: SignedIn,
    lang: Lang,
    Path((id, student_id)): Path<(String, String)>,
) -> Result<Json<SecretBody>, ApiError> {
    Ok(Json(SecretBody {
        secret: students::reset_secret(&state, &me, &id, &student_id, lang).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/{id}/students/{student_id}/unlock", params(("id" = String, Path), ("student_id" = String, Path)),
    responses((status = 204, description = "The student can sign in again"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "`not_found`")))]
pub async fn unlock_student(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, student_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    students::unlock(&state, &me, &id, &student_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/sections/{id}/students/{student_id}", params(("id" = String, Path), ("student_id" = String, Path)),
    responses((status = 204, description = "Removed; a managed student in no other section is erased"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "`not_found`")))]
pub async fn remove_student(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, student_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    students::remove_student(&state, &me, &id, &student_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sections/{id}/students/{student_id}/levels/{level_id}", params(("id" = String, Path), ("student_id" = String, Path), ("level_id" = String, Path)),
    responses((status = 200, body = AttemptsBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "`not_found`")))]
pub async fn student_attempts(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, student_id, level_id)): Path<(String, String, String)>,
) -> Result<Json<AttemptsBody>, ApiError> {
    Ok(Json(AttemptsBody {
        attempts: students::student_attempts(&state, &me, &id, &student_id, &level_id).await?,
    }))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sections/{id}/sign-in-cards", params(("id" = String, Path)),
    responses((status = 200, body = SignInCards), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`"), (status = 422, body = ErrorBody, description = "`wrong_login_type`")))]
pub async fn sign_in_cards(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SignInCards>, ApiError> {
    Ok(Json(students::sign_in_cards(&state, &me, &id).await?))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sections/{id}/progress", params(("id" = String, Path)),
    responses((status = 200, body = ProgressGrid), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`")))]
pub async fn section_progress(
    State(state): State<AppState>,
    me: SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<ProgressGrid>, ApiError> {
    Ok(Json(ProgressGrid::from(
        &students::progress(&state, &me, &id, lang).await?,
    )))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/{id}/invitations", params(("id" = String, Path)),
    responses((status = 201, body = Invitation), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "No such section among the caller's: `not_found`")))]
pub async fn invite_teacher(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let inv = joining::invite(&state, &me, &id).await?;
    Ok((StatusCode::CREATED, Json(inv)).into_response())
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/sections/{id}/teachers/{teacher_id}", params(("id" = String, Path), ("teacher_id" = String, Path)),
    responses((status = 204, description = "The co-teacher no longer teaches the section"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "`forbidden`"), (status = 404, body = ErrorBody, description = "`not_found`"), (status = 409, body = ErrorBody, description = "`owner_cannot_leave`")))]
pub async fn remove_teacher(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, teacher_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    joining::remove_teacher(&state, &me, &id, &teacher_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/section-invitations/{token}", params(("token" = String, Path)),
    responses((status = 200, body = SectionBody, description = "The caller now co-teaches the section"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a teacher: `forbidden`"), (status = 404, body = ErrorBody, description = "Unknown, used or expired invitation: `not_found`")))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    me: SignedIn,
    Path(token): Path<String>,
) -> Result<Json<SectionBody>, ApiError> {
    Ok(Json(SectionBody {
        section: joining::accept_invitation(&state, &me, &token).await?,
    }))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sections/join", request_body = JoinBody,
    responses((status = 200, body = JoinedBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 403, body = ErrorBody, description = "Not a student: `forbidden`"), (status = 404, body = ErrorBody, description = "`section_not_found`"), (status = 409, body = ErrorBody, description = "Nothing is kept for this account now (a parent's permission is awaited, or collection is stopped): `not_collecting`"), (status = 429, body = ErrorBody, description = "`rate_limited`")))]
pub async fn join_section(
    State(state): State<AppState>,
    me: SignedIn,
    StrictJson(body): StrictJson<JoinBody>,
) -> Result<Json<JoinedBody>, ApiError> {
    Ok(Json(JoinedBody {
        section: joining::join(&state, &me, &body.code).await?,
    }))
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/me/sections", responses((status = 200, body = JoinedListBody), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`")))]
pub async fn my_sections(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<JoinedListBody>, ApiError> {
    Ok(Json(JoinedListBody {
        sections: joining::my_sections(&state, &me).await?,
    }))
}

#[utoipa::path(delete, tag = TAG, path = "/api/v1/me/sections/{id}", params(("id" = String, Path)),
    responses((status = 204, description = "Left; that section's teachers lose access at once"), (status = 401, body = ErrorBody, description = "Not signed in: `not_signed_in`"), (status = 404, body = ErrorBody, description = "`not_found`"), (status = 409, body = ErrorBody, description = "`last_section`")))]
pub async fn leave_section(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    joining::leave(&state, &me, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/pictures", responses((status = 200, body = PicturesBody)))]
pub async fn pictures(lang: Lang) -> Json<PicturesBody> {
    Json(PicturesBody {
        pictures: crate::classrooms::secrets::pictures()
            .iter()
            .map(|p| PictureView {
                id: p.id.to_owned(),
                label: p.label(lang).to_owned(),
                url: format!("/static/pictures/{}.svg", p.id),
            })
            .collect(),
    })
}

#[utoipa::path(get, tag = TAG, path = "/api/v1/sign-in/{code}", params(("code" = String, Path)),
    responses((status = 200, body = SignInPage), (status = 404, body = ErrorBody, description = "`section_not_found`"), (status = 429, body = ErrorBody, description = "`rate_limited`")))]
pub async fn section_sign_in_page(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Json<SignInPage>, ApiError> {
    Ok(Json(joining::sign_in_page(&state, &code, ip).await?))
}

#[utoipa::path(post, tag = TAG, path = "/api/v1/sign-in/{code}", params(("code" = String, Path)), request_body = SecretSignIn,
    responses((status = 200, body = UserBody, description = "Signed in; the session cookie is set"), (status = 401, body = ErrorBody, description = "`invalid_credentials`; deactivated by a parent: `account_deactivated`"), (status = 404, body = ErrorBody, description = "`section_not_found`"), (status = 429, body = ErrorBody, description = "This student is locked out, or too many sign-ins: `too_many_attempts`, `rate_limited`")))]
pub async fn section_sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    StrictJson(body): StrictJson<SecretSignIn>,
) -> Result<Response, ApiError> {
    let (a, _) = joining::secret_sign_in(&state, &code, &body, ip).await?;
    let cookie = sessions::start(&state, &a.id, body.remember_me).await?;
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(UserBody {
            user: Me::of(&state, &a),
        }),
    )
        .into_response())
}
