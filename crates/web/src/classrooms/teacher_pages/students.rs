//! Managing a section's students, and their sign-in cards.

use super::common::*;
use crate::AppState;
use crate::classrooms::sections::{self, NewStudent, NewStudents, SectionStudent, StudentPatch};
use crate::classrooms::students;
use crate::kit::error::ApiError;
use crate::kit::page::{CsrfForm, Page, fail, genders, not_found, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;

// ---------------------------------------------------------------------------------------------
// 5. Managing students

#[derive(Default)]
pub(super) struct AddForm {
    pub(super) name: String,
    pub(super) age: String,
    pub(super) gender: String,
    pub(super) permission: bool,
}

pub(super) struct StudentRow {
    pub(super) s: SectionStudent,
    pub(super) gender: String,
}

pub(super) struct CreatedRow {
    pub(super) name: String,
    pub(super) secret: SecretView,
}

#[derive(Template)]
#[template(path = "classrooms/teacher/students.html")]
pub(super) struct StudentsT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) rows: Vec<StudentRow>,
    pub(super) genders: Vec<(&'static str, String)>,
    pub(super) form: AddForm,
    pub(super) paste: String,
    pub(super) paste_permission: bool,
    pub(super) created: Vec<CreatedRow>,
    /// A secret just made anew: the student's name and id, and the secret.
    pub(super) renewed: Option<(String, String, SecretView)>,
}

/// What the students page shows besides the list.
#[derive(Default)]
pub(super) struct StudentsExtra {
    pub(super) form: AddForm,
    pub(super) paste: String,
    pub(super) paste_permission: bool,
    pub(super) created: Vec<CreatedRow>,
    pub(super) renewed: Option<(String, String, SecretView)>,
}

pub(super) fn gender_label(p: &Page, g: Option<&str>) -> String {
    match g {
        Some(g) => p.t(format!("gender-{g}")),
        None => String::new(),
    }
}

pub(super) async fn students_view(
    state: &AppState,
    p: Page,
    t: &Taught,
    status: StatusCode,
    extra: StudentsExtra,
) -> Response {
    let list = match sections::students(state, &t.section.id).await {
        Ok(l) => l,
        Err(e) => return fail(state, p, &e),
    };
    let rows = list
        .into_iter()
        .map(|s| StudentRow {
            gender: gender_label(&p, s.gender.as_deref()),
            s,
        })
        .collect();
    let view = StudentsT {
        h: Head::new(state, &p, t, "students"),
        rows,
        genders: genders(&p),
        form: extra.form,
        paste: extra.paste,
        paste_permission: extra.paste_permission,
        created: extra.created,
        renewed: extra.renewed,
        p: p.clone(),
    };
    render(state, &p, status, &view)
}

pub(super) async fn students_page(
    State(state): State<AppState>,
    p: Page,
    uri: Uri,
    t: Taught,
) -> Response {
    students_view(
        &state,
        p.done_from(&uri),
        &t,
        StatusCode::OK,
        StudentsExtra::default(),
    )
    .await
}

pub(super) fn parse_age(raw: Option<String>) -> Result<Option<i64>, ApiError> {
    match raw.map(|a| a.parse::<i64>()) {
        None => Ok(None),
        Some(Ok(a)) => Ok(Some(a)),
        Some(Err(_)) => Err(ApiError::invalid("age", "is not a whole number")),
    }
}

pub(super) async fn add_one(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let result = match parse_age(form.opt("age")) {
        Ok(age) => {
            let body = NewStudent {
                display_name: form.get("display_name").to_owned(),
                age,
                gender: form.opt("gender"),
                school_permission: form.checked("school_permission"),
            };
            students::add_student(&state, &t.me, &id, body, p.lang()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => {
            let created = vec![CreatedRow {
                name: c.student.display_name.clone(),
                secret: secret_view(&p, &c.secret),
            }];
            let p = p.with_done("sections-done-added");
            let extra = StudentsExtra {
                created,
                ..Default::default()
            };
            students_view(&state, p, &t, StatusCode::OK, extra).await
        }
        Err(e) => {
            let extra = StudentsExtra {
                form: AddForm {
                    name: form.get("display_name").to_owned(),
                    age: form.get("age").to_owned(),
                    gender: form.get("gender").to_owned(),
                    permission: form.checked("school_permission"),
                },
                ..Default::default()
            };
            students_view(&state, p.alerted(&e), &t, e.status, extra).await
        }
    }
}

/// The names of a pasted list: one a line, blank lines left out.
pub fn pasted_names(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) async fn add_list(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let body = NewStudents {
        names: body_names(&form),
        school_permission: form.checked("school_permission"),
    };
    match students::add_students(&state, &t.me, &id, body, p.lang()).await {
        Ok(list) => {
            let created = list
                .iter()
                .map(|c| CreatedRow {
                    name: c.student.display_name.clone(),
                    secret: secret_view(&p, &c.secret),
                })
                .collect();
            let p = p.with_done("sections-done-added");
            let extra = StudentsExtra {
                created,
                ..Default::default()
            };
            students_view(&state, p, &t, StatusCode::OK, extra).await
        }
        Err(e) => {
            let mut p = p.alerted(&e);
            // The page names the repeated names in its own language, as the list has them.
            if e.code == "display_name_taken" {
                match students::repeated_in_section(&state, &id, &body_names(&form)).await {
                    Ok(names) if !names.is_empty() => {
                        p.alert = Some(p.args("sections-names-repeated", "names", names.join(", ")))
                    }
                    Ok(_) => {}
                    Err(e) => return fail(&state, p, &e),
                }
            }
            let extra = StudentsExtra {
                paste: form.get("names").to_owned(),
                paste_permission: form.checked("school_permission"),
                ..Default::default()
            };
            students_view(&state, p, &t, e.status, extra).await
        }
    }
}

fn body_names(form: &CsrfForm) -> Vec<String> {
    pasted_names(form.get("names"))
}

/// A student of the section by id, as the list shows them; None when not in it.
pub(super) async fn find_student(
    state: &AppState,
    section_id: &str,
    sid: &str,
) -> Result<Option<SectionStudent>, ApiError> {
    Ok(sections::students(state, section_id)
        .await?
        .into_iter()
        .find(|s| s.id == sid))
}

pub(super) async fn new_secret(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
    _form: CsrfForm,
) -> Response {
    match students::reset_secret(&state, &t.me, &id, &sid, p.lang()).await {
        Ok(secret) => {
            let name = match find_student(&state, &id, &sid).await {
                Ok(s) => s.map(|s| s.display_name).unwrap_or_default(),
                Err(e) => return fail(&state, p, &e),
            };
            let extra = StudentsExtra {
                renewed: Some((name, sid, secret_view(&p, &secret))),
                ..Default::default()
            };
            students_view(&state, p, &t, StatusCode::OK, extra).await
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => failed(&state, &p, &e).await,
        Err(e) => {
            let status = e.status;
            students_view(&state, p.alerted(&e), &t, status, StudentsExtra::default()).await
        }
    }
}

pub(super) async fn unlock(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
    form: CsrfForm,
) -> Response {
    // The dashboard's list of who needs help unlocks too, and comes back to the dashboard.
    let back = match form.get("back") {
        "progress" => format!("/sections/{id}?ok=unlocked"),
        _ => format!("/sections/{id}/students?ok=unlocked"),
    };
    match students::unlock(&state, &t.me, &id, &sid).await {
        Ok(()) => see_other(&back),
        Err(e) => failed(&state, &p, &e).await,
    }
}

#[derive(Template)]
#[template(path = "classrooms/teacher/edit_student.html")]
pub(super) struct EditT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) student_id: String,
    pub(super) old_name: String,
    pub(super) form: AddForm,
    pub(super) genders: Vec<(&'static str, String)>,
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
) -> Response {
    let s = match find_student(&state, &id, &sid).await {
        Ok(Some(s)) => s,
        Ok(None) => return not_found(State(state), p).await,
        Err(e) => return fail(&state, p, &e),
    };
    if !s.managed_by_teacher {
        let p = p.with_alert_key("student-in-control");
        return students_view(
            &state,
            p,
            &t,
            StatusCode::CONFLICT,
            StudentsExtra::default(),
        )
        .await;
    }
    let view = EditT {
        h: Head::new(&state, &p, &t, "students"),
        student_id: sid,
        old_name: s.display_name.clone(),
        form: AddForm {
            name: s.display_name,
            age: s.age.map(|a| a.to_string()).unwrap_or_default(),
            gender: s.gender.unwrap_or_default(),
            permission: false,
        },
        genders: genders(&p),
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

pub(super) async fn edit(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
    form: CsrfForm,
) -> Response {
    let result = match parse_age(form.opt("age")) {
        Ok(age) => {
            let patch = StudentPatch {
                display_name: Some(form.get("display_name").to_owned()),
                age: Some(age),
                gender: Some(form.opt("gender")),
            };
            students::update_student(&state, &t.me, &id, &sid, patch).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other(&format!("/sections/{id}/students?ok=saved")),
        Err(e) if e.status == StatusCode::NOT_FOUND => failed(&state, &p, &e).await,
        Err(e) => {
            let old_name = match find_student(&state, &id, &sid).await {
                Ok(s) => s.map(|s| s.display_name).unwrap_or_default(),
                Err(e) => return fail(&state, p, &e),
            };
            let p = p.alerted(&e);
            let view = EditT {
                h: Head::new(&state, &p, &t, "students"),
                student_id: sid,
                old_name,
                form: AddForm {
                    name: form.get("display_name").to_owned(),
                    age: form.get("age").to_owned(),
                    gender: form.get("gender").to_owned(),
                    permission: false,
                },
                genders: genders(&p),
                p: p.clone(),
            };
            render(&state, &p, e.status, &view)
        }
    }
}

#[derive(Template)]
#[template(path = "classrooms/teacher/remove_student.html")]
pub(super) struct RemoveT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) student_id: String,
    pub(super) name: String,
    pub(super) managed: bool,
}

pub(super) async fn remove_form(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
) -> Response {
    let s = match find_student(&state, &id, &sid).await {
        Ok(Some(s)) => s,
        Ok(None) => return not_found(State(state), p).await,
        Err(e) => return fail(&state, p, &e),
    };
    let view = RemoveT {
        h: Head::new(&state, &p, &t, "students"),
        student_id: sid,
        name: s.display_name,
        managed: s.managed_by_teacher,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

pub(super) async fn remove(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
    _form: CsrfForm,
) -> Response {
    match students::remove_student(&state, &t.me, &id, &sid).await {
        Ok(()) => see_other(&format!("/sections/{id}/students?ok=removed")),
        Err(e) => failed(&state, &p, &e).await,
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Sign-in cards

pub(super) struct CardView {
    pub(super) name: String,
    pub(super) secret: SecretView,
}

#[derive(Template)]
#[template(path = "classrooms/teacher/cards.html")]
pub(super) struct CardsT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) cards: Vec<CardView>,
}

pub(super) async fn cards(
    State(state): State<AppState>,
    p: Page,
    uri: Uri,
    t: Taught,
    Path(id): Path<String>,
) -> Response {
    let all = match students::sign_in_cards(&state, &t.me, &id).await {
        Ok(c) => c,
        Err(e) => return fail(&state, p, &e),
    };
    // `?student=ID` prints the one card of a student who got a new secret.
    let only = query_value(&uri, "student");
    let cards = all
        .cards
        .iter()
        .filter(|c| only.as_ref().is_none_or(|o| *o == c.student_id))
        .map(|c| CardView {
            name: c.display_name.clone(),
            secret: secret_view(&p, &c.secret),
        })
        .collect();
    let view = CardsT {
        h: Head::new(&state, &p, &t, "cards"),
        cards,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}
