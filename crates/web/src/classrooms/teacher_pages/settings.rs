//! A section's settings, co-teachers, deleting it, the letter home and invitations.

use super::common::*;
use crate::AppState;
use crate::classrooms::joining;
use crate::classrooms::sections::{self, Invitation, SectionPatch, SectionTeacherView};
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use kodlek_domain::Role;
use kodlek_puzzles::catalog;

// ---------------------------------------------------------------------------------------------
// 7. Settings, co-teachers, deleting

#[derive(Template)]
#[template(path = "classrooms/teacher/settings.html")]
pub(super) struct SettingsT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) me_id: String,
    pub(super) name: String,
    pub(super) course_id: String,
    pub(super) courses: Vec<(String, String)>,
    pub(super) login_types: Vec<(String, String, String)>,
    pub(super) teachers: Vec<SectionTeacherView>,
    pub(super) invitation: Option<Invitation>,
}

pub(super) async fn settings_view(
    state: &AppState,
    p: Page,
    t: &Taught,
    status: StatusCode,
    name: Option<String>,
    invitation: Option<Invitation>,
) -> Response {
    let detail = match sections::detail(state, &t.me, &t.section.id).await {
        Ok(d) => d,
        Err(e) => return fail(state, p, &e),
    };
    let view = SettingsT {
        h: Head::new(state, &p, t, "settings"),
        me_id: t.me.account.id.clone(),
        name: name.unwrap_or_else(|| t.section.name.clone()),
        course_id: t.section.course_id.clone(),
        courses: courses(&p),
        login_types: login_types(state, &p),
        teachers: detail.teachers,
        invitation,
        p: p.clone(),
    };
    render(state, &p, status, &view)
}

pub(super) async fn settings(
    State(state): State<AppState>,
    p: Page,
    uri: Uri,
    t: Taught,
) -> Response {
    settings_view(&state, p.done_from(&uri), &t, StatusCode::OK, None, None).await
}

/// Saves a change of the section and goes back to the settings, or says what was wrong.
pub(super) async fn change(
    state: &AppState,
    p: Page,
    t: &Taught,
    patch: SectionPatch,
    done: &str,
) -> Response {
    let typed = patch.name.clone();
    match sections::update(state, &t.me, &t.section.id, patch, p.lang()).await {
        Ok(_) => see_other(&format!("/sections/{}/settings?ok={done}", t.section.id)),
        Err(e) => {
            let status = e.status;
            settings_view(state, p.alerted(&e), t, status, typed, None).await
        }
    }
}

pub(super) async fn save_settings(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    form: CsrfForm,
) -> Response {
    let patch = SectionPatch {
        name: Some(form.get("name").to_owned()),
        course_id: Some(form.get("course_id").to_owned()),
        login_type: None,
        sharing_allowed: None,
    };
    change(&state, p, &t, patch, "saved").await
}

pub(super) async fn save_login_type(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    form: CsrfForm,
) -> Response {
    let new = form.get("login_type").to_owned();
    let done = if new == t.section.login_type {
        "saved"
    } else {
        "login-type"
    };
    let patch = SectionPatch {
        login_type: Some(new),
        ..SectionPatch::default()
    };
    change(&state, p, &t, patch, done).await
}

pub(super) async fn new_code(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    match sections::new_code(&state, &t.me, &id).await {
        Ok(_) => see_other(&format!("/sections/{id}/settings?ok=code")),
        Err(e) => failed(&state, &p, &e).await,
    }
}

pub(super) async fn invite(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    match joining::invite(&state, &t.me, &id).await {
        Ok(inv) => settings_view(&state, p, &t, StatusCode::OK, None, Some(inv)).await,
        Err(e) => failed(&state, &p, &e).await,
    }
}

pub(super) async fn remove_teacher(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, tid)): Path<(String, String)>,
    _form: CsrfForm,
) -> Response {
    match joining::remove_teacher(&state, &t.me, &id, &tid).await {
        Ok(()) if tid == t.me.account.id => see_other("/sections?ok=left"),
        Ok(()) => see_other(&format!("/sections/{id}/settings?ok=teacher-removed")),
        Err(e) if e.status == StatusCode::NOT_FOUND => failed(&state, &p, &e).await,
        Err(e) => {
            let status = e.status;
            settings_view(&state, p.alerted(&e), &t, status, None, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "classrooms/teacher/delete.html")]
pub(super) struct DeleteT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) students: usize,
    pub(super) managed: usize,
}

pub(super) async fn delete_form(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
) -> Response {
    if !t.owner {
        let p = p.with_alert_key("sections-owner-only");
        return settings_view(&state, p, &t, StatusCode::FORBIDDEN, None, None).await;
    }
    let list = match sections::students(&state, &id).await {
        Ok(l) => l,
        Err(e) => return fail(&state, p, &e),
    };
    let view = DeleteT {
        h: Head::new(&state, &p, &t, "settings"),
        students: list.len(),
        managed: list.iter().filter(|s| s.managed_by_teacher).count(),
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

pub(super) async fn delete(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    match sections::delete(&state, &t.me, &id).await {
        Ok(_) => see_other("/sections?ok=deleted"),
        Err(e) if e.status == StatusCode::NOT_FOUND => failed(&state, &p, &e).await,
        Err(e) => {
            let status = e.status;
            settings_view(&state, p.alerted(&e), &t, status, None, None).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 8. The letter to students and parents

pub(super) struct LetterRow {
    pub(super) what: String,
    pub(super) who: String,
}

pub(super) struct LetterTable {
    pub(super) title: String,
    pub(super) rows: Vec<LetterRow>,
}

#[derive(Template)]
#[template(path = "classrooms/teacher/letter.html")]
pub(super) struct LetterT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) course_description: String,
    pub(super) level_count: usize,
    pub(super) teacher: String,
    pub(super) tables: Vec<LetterTable>,
    pub(super) privacy_url: String,
    /// A tear-off slip per managed student with a family code, once the teacher asks for them.
    pub(super) slips: Vec<crate::families::StudentFamilyCode>,
}

/// The tables a student's data lives in, in the order the letter lists them.
pub const STUDENT_TABLES: [&str; 8] = [
    "accounts",
    "section_students",
    "student_secrets",
    "school_permissions",
    "sessions",
    "attempts",
    "programs",
    "level_progress",
];

/// Who can see a column, in the letter's words: the student, their teachers, anyone.
pub(super) fn audience_text(p: &Page, audiences: &[String]) -> String {
    let mut who: Vec<String> = audiences
        .iter()
        .map(|a| p.t(format!("sections-letter-audience-{a}")))
        .collect();
    if who.is_empty() {
        who.push(p.t("sections-letter-audience-nobody"));
    }
    who.join(", ")
}

pub(super) fn letter_tables(state: &AppState, p: &Page) -> Vec<LetterTable> {
    let inv = &state.inventory;
    STUDENT_TABLES
        .iter()
        .filter_map(|table| {
            let t = inv.tables.get(*table)?;
            let rows: Vec<LetterRow> = inv
                .columns_of(table)
                .filter(|c| c.applies_to("student"))
                .map(|c| LetterRow {
                    what: c.describe(p.code()).to_owned(),
                    who: audience_text(p, &c.audiences),
                })
                .collect();
            Some(LetterTable {
                title: if p.code() == "sv" {
                    t.sv.clone()
                } else {
                    t.en.clone()
                },
                rows,
            })
        })
        .collect()
}

pub(super) async fn letter(State(state): State<AppState>, p: Page, t: Taught) -> Response {
    letter_with(state, p, t, Vec::new())
}

/// The letter with a slip per managed student: new family codes, made when asked for (not
/// on every view) so that each printing gives codes that work for 14 days.
pub(super) async fn letter_slips(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    _form: CsrfForm,
) -> Response {
    match crate::families::section_codes(&state, &t.section.id).await {
        Ok(c) => letter_with(state, p, t, c.codes),
        Err(e) => fail(&state, p, &e),
    }
}

fn letter_with(
    state: AppState,
    p: Page,
    t: Taught,
    slips: Vec<crate::families::StudentFamilyCode>,
) -> Response {
    let course = catalog().course(&t.section.course_id);
    let view = LetterT {
        h: Head::new(&state, &p, &t, "letter"),
        course_description: course
            .map(|c| c.description.get(p.code()).to_owned())
            .unwrap_or_default(),
        level_count: course.map(|c| c.level_count()).unwrap_or(0),
        teacher: t.me.account.display_name.clone(),
        tables: letter_tables(&state, &p),
        privacy_url: format!("{}/privacy", state.config.public_url),
        slips,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

// ---------------------------------------------------------------------------------------------
// 9. Invitations for co-teachers

#[derive(Template)]
#[template(path = "classrooms/teacher/invitation.html")]
pub(super) struct InvitationT {
    pub(super) p: Page,
    /// The form's address; None when there is nothing to accept.
    pub(super) action: Option<String>,
    /// Why the button is not there: "sign-in", "not-teacher", "invalid".
    pub(super) reason: &'static str,
}

pub(super) fn plain_token(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 64
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(super) async fn invitation(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(token): Path<String>,
) -> Response {
    let (action, reason, status) = if !plain_token(&token) {
        (None, "invalid", StatusCode::NOT_FOUND)
    } else {
        match me.map(|m| m.account.role) {
            None => (None, "sign-in", StatusCode::OK),
            Some(Role::Teacher) => (
                Some(format!("/section-invitations/{token}")),
                "",
                StatusCode::OK,
            ),
            Some(_) => (None, "not-teacher", StatusCode::FORBIDDEN),
        }
    };
    let view = InvitationT {
        p: p.clone(),
        action,
        reason,
    };
    render(&state, &p, status, &view)
}

pub(super) async fn accept(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(token): Path<String>,
    _form: CsrfForm,
) -> Response {
    let me = match teacher(&state, &p, me).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    match joining::accept_invitation(&state, &me, &token).await {
        Ok(s) => see_other(&format!("/sections/{}?ok=joined", s.id)),
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            let p = p.with_alert_key("sections-invitation-invalid");
            let view = InvitationT {
                p: p.clone(),
                action: None,
                reason: "invalid",
            };
            render(&state, &p, StatusCode::NOT_FOUND, &view)
        }
        Err(e) => fail(&state, p, &e),
    }
}
