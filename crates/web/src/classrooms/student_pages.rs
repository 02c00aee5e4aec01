//! The students' classroom pages: a section's sign-in page (pick your name, then your secret
//! picture or words), "My classes" (join and leave), and making a teacher-made account one's own.
//!
//! Written for a child of seven on a shared classroom computer: few words, big buttons, no
//! blame, and no "remember me" (the session ends with the browser). Every rule lives in
//! `sections` and `accounts`; these handlers only choose what to show.

use super::secrets;
use crate::AppState;
use crate::accounts::account_page;
use crate::accounts::{self, MePatch};
use crate::classrooms::joining;
use crate::classrooms::sections::{JoinedSectionView, SecretSignIn, SignInPage};
use crate::kit::error::ApiError;
use crate::kit::extract::{ClientIp, MaybeSignedIn, SignedIn};
use crate::kit::i18n::Tr;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other, with_cookie};
use crate::kit::sessions;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kodlek_domain::{JoinCode, Role};
use std::collections::HashMap;

/// The longest typed code shown back on a page; anything longer is not a code anyway.
const TYPED_CODE_MAX: usize = 40;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/pictures/{file}", get(picture))
        .route("/sign-in/code", get(code_form))
        .route("/sign-in/{code}", get(names))
        .route(
            "/sign-in/{code}/{student_id}",
            get(secret_form).post(secret_sign_in),
        )
        .route("/my-sections", get(my_sections))
        .route("/my-sections/join", post(join))
        .route("/my-sections/{id}/leave", get(leave_form).post(leave))
        .route("/account/take-control", post(take_control))
}

fn typed(code: &str) -> String {
    code.trim().chars().take(TYPED_CODE_MAX).collect()
}

/// The code as the links of the page spell it ("kmn-pqr" becomes "KMNPQR").
fn canonical(code: &str) -> String {
    JoinCode::parse(code)
        .map(|c| c.as_str().to_owned())
        .unwrap_or_else(|_| typed(code))
}

fn with_retry_after(mut r: Response, e: &ApiError) -> Response {
    if let Some(s) = e.retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

#[derive(Template)]
#[template(path = "classrooms/student/unknown.html")]
struct UnknownT {
    p: Page,
    code: String,
}

#[derive(Template)]
#[template(path = "classrooms/student/message.html")]
struct MessageT {
    p: Page,
    title: &'static str,
    lead: &'static str,
    link: String,
    link_label: &'static str,
}

/// What a sign-in page shows when the section cannot be shown: the code box again, a calm
/// wait, or the general error page.
fn cannot_show(state: &AppState, p: Page, code: &str, again: &str, e: &ApiError) -> Response {
    match e.code {
        "section_not_found" => {
            let t = UnknownT {
                p: p.clone(),
                code: typed(code),
            };
            render(state, &p, StatusCode::NOT_FOUND, &t)
        }
        "rate_limited" => {
            let t = MessageT {
                p: p.clone(),
                title: "classroom-wait-title",
                lead: "classroom-wait-lead",
                link: again.to_owned(),
                link_label: "classroom-try-again",
            };
            with_retry_after(render(state, &p, e.status, &t), e)
        }
        _ => fail(state, p, e),
    }
}

/// `/sign-in/code?code=...`: the class-code box of the sign-in and home pages lands here.
async fn code_form(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let code = typed(q.get("code").map(String::as_str).unwrap_or(""));
    if code.is_empty() {
        return see_other("/sign-in");
    }
    if let Ok(c) = JoinCode::parse(&code) {
        return see_other(&format!("/sign-in/{}", c.as_str()));
    }
    // Not a code at all: the sections rules answer it, as they would on its own page.
    match joining::sign_in_page(&state, &code, ip).await {
        Ok(_) => see_other("/sign-in"),
        Err(e) => cannot_show(&state, p, &code, "/sign-in", &e),
    }
}

struct Name {
    href: String,
    name: String,
}

#[derive(Template)]
#[template(path = "classrooms/student/names.html")]
struct NamesT {
    p: Page,
    section_name: String,
    email: bool,
    names: Vec<Name>,
    /// In a section whose students sign in through a service: its button (link, text).
    sso: Option<(String, String)>,
}

fn names_page(state: &AppState, p: Page, code: &str, page: SignInPage) -> Response {
    let names = page
        .students
        .into_iter()
        .map(|s| Name {
            href: format!("/sign-in/{code}/{}", s.id),
            name: s.display_name,
        })
        .collect();
    let t = NamesT {
        sso: crate::sso::section_button(state, &p, &page.login_type, code),
        p: p.clone(),
        section_name: page.section_name,
        email: page.login_type == "email",
        names,
    };
    render(state, &p, StatusCode::OK, &t)
}

/// `/sign-in/{code}`: "Who are you?", every student's name as a big button.
async fn names(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Response {
    let again = format!("/sign-in/{}", canonical(&code));
    match joining::sign_in_page(&state, &code, ip).await {
        Ok(page) => names_page(&state, p, &canonical(&code), page),
        Err(e) => cannot_show(&state, p, &code, &again, &e),
    }
}

#[derive(Template)]
#[template(path = "classrooms/student/secret.html")]
struct SecretT {
    p: Page,
    hello: String,
    action: String,
    back: String,
    words: bool,
    locked: bool,
    pictures: Vec<(&'static str, &'static str)>,
}

/// The second step for one student; the name list again when they are not on the page.
fn secret_page(
    state: &AppState,
    p: Page,
    code: &str,
    student_id: &str,
    page: SignInPage,
    status: StatusCode,
    locked: bool,
) -> Response {
    let Some(student) = page.students.iter().find(|s| s.id == student_id) else {
        return names_page(state, p, code, page);
    };
    let words = page.login_type == "word";
    let email = page.login_type == "email";
    if email || page.login_type.starts_with("sso:") {
        return names_page(state, p, code, page);
    }
    let lang = p.lang();
    let t = SecretT {
        p: p.clone(),
        hello: p.args("classroom-hi", "name", &student.display_name),
        action: format!("/sign-in/{code}/{student_id}"),
        back: format!("/sign-in/{code}"),
        words,
        locked,
        pictures: if words || locked {
            Vec::new()
        } else {
            secrets::pictures()
                .iter()
                .map(|pic| (pic.id, pic.label(lang)))
                .collect()
        },
    };
    render(state, &p, status, &t)
}

/// `/sign-in/{code}/{student_id}`: "Hi NAME! Pick your secret picture" (or type the words).
async fn secret_form(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    Path((code, student_id)): Path<(String, String)>,
) -> Response {
    let again = format!("/sign-in/{}/{student_id}", canonical(&code));
    match joining::sign_in_page(&state, &code, ip).await {
        Ok(page) => secret_page(
            &state,
            p,
            &canonical(&code),
            &student_id,
            page,
            StatusCode::OK,
            false,
        ),
        Err(e) => cannot_show(&state, p, &code, &again, &e),
    }
}

async fn secret_sign_in(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    Path((code, student_id)): Path<(String, String)>,
    form: CsrfForm,
) -> Response {
    let canon = canonical(&code);
    let again = format!("/sign-in/{canon}/{student_id}");
    let secret = form.get("secret").trim().to_owned();
    // Shared classroom computers: never "remember me"; the session ends with the browser.
    let body = SecretSignIn {
        student_id: student_id.clone(),
        secret,
        remember_me: false,
    };
    let (p, status, locked) = if body.secret.is_empty() {
        // Nothing typed yet: that is no wrong guess, so it is not counted as one.
        (p, StatusCode::UNPROCESSABLE_ENTITY, false)
    } else {
        match joining::secret_sign_in(&state, &code, &body, ip).await {
            Ok((a, course_id)) => {
                let to = format!("/courses/{course_id}");
                return match sessions::start(&state, &a.id, false).await {
                    Ok(c) => with_cookie(see_other(&to), c),
                    Err(e) => fail(&state, p, &e),
                };
            }
            Err(e) if e.code == "invalid_credentials" => (p, StatusCode::UNAUTHORIZED, false),
            Err(e) if e.code == "too_many_attempts" => {
                let p = p.with_alert(&e);
                (p, StatusCode::TOO_MANY_REQUESTS, true)
            }
            Err(e) => return cannot_show(&state, p, &code, &again, &e),
        }
    };
    let page = match joining::sign_in_page(&state, &code, ip).await {
        Ok(page) => page,
        Err(e) => return cannot_show(&state, p, &code, &again, &e),
    };
    let words = page.login_type == "word";
    let p = match status {
        StatusCode::UNAUTHORIZED if words => p.with_alert_key("classroom-wrong-words"),
        StatusCode::UNAUTHORIZED => p.with_alert_key("classroom-wrong-picture"),
        StatusCode::UNPROCESSABLE_ENTITY if words => p.with_alert_key("classroom-type-words-first"),
        _ => p,
    };
    secret_page(&state, p, &canon, &student_id, page, status, locked)
}

/// The teachers of a class as one phrase: "Ms Berg", "Ms Berg and Mr Ek", "A, B and C".
fn teachers_phrase(tr: &Tr, s: &JoinedSectionView) -> String {
    let names: Vec<&str> = if s.teachers.is_empty() {
        vec![s.teacher_display_name.as_str()]
    } else {
        s.teachers.iter().map(String::as_str).collect()
    };
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), tr.t("classroom-and")),
        None => String::new(),
    }
}

/// The signed-in student, or the page anyone else goes to instead.
fn student(me: Option<SignedIn>) -> Result<SignedIn, &'static str> {
    match me {
        None => Err("/sign-in"),
        Some(m) if m.account.role == Role::Teacher => Err("/sections"),
        Some(m) if m.account.role != Role::Student => Err("/account"),
        Some(m) => Ok(m),
    }
}

struct ClassRow {
    name: String,
    teacher: String,
    leave: String,
    leave_label: String,
}

#[derive(Template)]
#[template(path = "classrooms/student/my_sections.html")]
struct MySectionsT {
    p: Page,
    classes: Vec<ClassRow>,
    code: String,
    last_section: bool,
    joined: Option<String>,
}

async fn my_sections_page(
    state: &AppState,
    p: Page,
    me: &SignedIn,
    code: String,
    status: StatusCode,
    joined: Option<&str>,
) -> Response {
    let list = match joining::my_sections(state, me).await {
        Ok(l) => l,
        Err(e) => return fail(state, p, &e),
    };
    let tr = Tr::new(p.lang());
    let joined = joined
        .and_then(|id| list.iter().find(|s| s.id == id))
        .map(|s| tr.args("classroom-joined", &[("name", &s.name)]));
    let classes = list
        .iter()
        .map(|s| ClassRow {
            name: s.name.clone(),
            teacher: tr.args(
                "classroom-teacher",
                &[
                    ("name", &teachers_phrase(&tr, s)),
                    ("count", if s.teachers.len() > 1 { "other" } else { "one" }),
                ],
            ),
            leave: format!("/my-sections/{}/leave", s.id),
            leave_label: tr.args("classroom-leave-label", &[("name", &s.name)]),
        })
        .collect();
    let last_section = status == StatusCode::CONFLICT;
    let t = MySectionsT {
        p: p.clone(),
        classes,
        code,
        last_section,
        joined,
    };
    render(state, &p, status, &t)
}

/// `/my-sections`: a student's classes, joining one by code, and leaving one.
async fn my_sections(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let me = match student(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    let p = if q.contains_key("left") {
        p.with_done("classroom-left")
    } else {
        p
    };
    let joined = q.get("joined").map(String::as_str);
    my_sections_page(&state, p, &me, String::new(), StatusCode::OK, joined).await
}

async fn join(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let me = match student(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    let code = typed(form.get("code"));
    match joining::join(&state, &me, &code).await {
        Ok(s) => see_other(&format!("/my-sections?joined={}", s.id)),
        Err(e) => {
            // A wait is no mistake: said calmly, in the words of this page.
            let p = if e.code == "rate_limited" {
                p.with_alert_key("classroom-wait-join")
            } else {
                p.with_alert(&e)
            };
            let r = my_sections_page(&state, p, &me, code, e.status, None).await;
            with_retry_after(r, &e)
        }
    }
}

#[derive(Template)]
#[template(path = "classrooms/student/leave.html")]
struct LeaveT {
    p: Page,
    title: String,
    lead: String,
    action: String,
}

/// The confirmation step: leaving means the teacher no longer sees the progress (CLASS-4).
async fn leave_form(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let me = match student(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    let list = match joining::my_sections(&state, &me).await {
        Ok(l) => l,
        Err(e) => return fail(&state, p, &e),
    };
    let Some(s) = list.iter().find(|s| s.id == id) else {
        return see_other("/my-sections");
    };
    let tr = Tr::new(p.lang());
    let t = LeaveT {
        p: p.clone(),
        title: tr.args("classroom-leave-title", &[("name", &s.name)]),
        lead: tr.args(
            "classroom-leave-lead",
            &[("name", &s.name), ("teacher", &teachers_phrase(&tr, s))],
        ),
        action: format!("/my-sections/{id}/leave"),
    };
    render(&state, &p, StatusCode::OK, &t)
}

async fn leave(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    let me = match student(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    match joining::leave(&state, &me, &id).await {
        Ok(()) => see_other("/my-sections?left=1"),
        // Left already (a second click, or another tab): nothing to do.
        Err(e) if e.code == "not_found" => see_other("/my-sections"),
        Err(e) => {
            let status = e.status;
            my_sections_page(&state, p.with_alert(&e), &me, String::new(), status, None).await
        }
    }
}

/// A student whose teacher made the account sets a username and a password; from then on
/// the secret no longer signs them in and the teachers cannot change the account (CLASS-3).
async fn take_control(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    if !me.account.managed_by_teacher {
        return see_other("/account");
    }
    let patch = MePatch {
        username: Some(form.get("username").trim().to_owned()),
        password: Some(form.get("password").to_owned()),
        ..MePatch::default()
    };
    match accounts::update_me(&state, &me, patch, p.lang()).await {
        Ok(account) => {
            let now = SignedIn {
                account,
                session: me.session.clone(),
            };
            account_page(
                &state,
                p.with_done("classroom-own-done"),
                &now,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let status = e.status;
            account_page(&state, p.with_alert(&e), &me, status).await
        }
    }
}

/// A sign-in picture, `{id}.svg`.
async fn picture(Path(name): Path<String>) -> Response {
    let svg = name.strip_suffix(".svg").and_then(secrets::picture_svg);
    match svg {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        None => ApiError::not_found().into_response(),
    }
}
