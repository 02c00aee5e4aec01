//! The teachers' pages of sections: the list, the progress dashboard and its CSV, a student's
//! attempts, managing students, sign-in cards, settings, the letter home and invitations.
//! Every page calls the domain functions in `sections`, never the store.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{MaybeSignedIn, SignedIn};
use crate::kit::i18n::Tr;
use crate::kit::page::{CsrfForm, Page, alert_text, fail, genders, not_found, render, see_other};
use crate::sections::{
    self, Grid, GridRow, Invitation, NewSection, NewStudent, NewStudents, Secret, SectionPatch,
    SectionStudent, SectionTeacherView, StudentPatch,
};
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kodlek_domain::Role;
use kodlek_puzzles::json::Node;
use kodlek_puzzles::{Doc, catalog};
use kodlek_store::SectionRecord;
use std::collections::HashMap;
use std::fmt::Write as _;

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
        .route("/sections/{id}/letter", get(letter))
        .route("/sections/{id}/settings", get(settings).post(save_settings))
        .route("/sections/{id}/login-type", post(save_login_type))
        .route("/sections/{id}/code", post(new_code))
        .route("/sections/{id}/invitations", post(invite))
        .route("/sections/{id}/teachers/{tid}/remove", post(remove_teacher))
        .route("/sections/{id}/delete", get(delete_form).post(delete))
        .route("/section-invitations/{token}", get(invitation).post(accept))
}

const LOGIN_TYPES: [&str; 3] = ["picture", "word", "email"];

// ---------------------------------------------------------------------------------------------
// Shared pieces

/// The signed-in teacher; anyone else gets the sign-in page (nobody) or a 404 (not a teacher).
async fn teacher(state: &AppState, p: &Page, me: Option<SignedIn>) -> Result<SignedIn, Response> {
    match me {
        None => Err(see_other("/sign-in")),
        Some(me) if me.account.role == Role::Teacher => Ok(me),
        Some(_) => Err(not_found(State(state.clone()), p.clone()).await),
    }
}

/// A section the signed-in teacher teaches, and whether they own it; a 404 page otherwise.
struct Taught {
    me: SignedIn,
    section: SectionRecord,
    owner: bool,
}

/// The section of the path's `{id}`, for one of its teachers; anyone else gets the page a
/// stranger would (sign in, or not found).
impl FromRequestParts<AppState> for Taught {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let p = Page::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let MaybeSignedIn(me) = MaybeSignedIn::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let id = params.get("id").map(String::as_str).unwrap_or("");
        let me = teacher(state, &p, me).await?;
        match sections::taught(state, &me, id).await {
            Ok((section, owner)) => Ok(Taught { me, section, owner }),
            Err(e) => Err(failed(state, &p, &e).await),
        }
    }
}

/// The page for an error of the domain: its own 404 page, or the error page with its text.
async fn failed(state: &AppState, p: &Page, e: &ApiError) -> Response {
    if e.status == StatusCode::NOT_FOUND {
        not_found(State(state.clone()), p.clone()).await
    } else {
        fail(state, p.clone(), e)
    }
}

/// The text of an error, with the details the generic texts leave out.
fn alert(p: &Page, e: &ApiError) -> String {
    if e.code == "invalid_field" {
        if let Some(rest) = e.message.strip_prefix("names: line ") {
            let line = rest.split(':').next().unwrap_or("");
            return p.args("sections-invalid-names-line", "line", line);
        }
        if e.message.starts_with("age:") {
            return p.t("sections-invalid-student-age");
        }
    }
    if e.code == "forbidden" {
        return p.t("sections-owner-only");
    }
    alert_text(&tr(p), e)
}

fn tr(p: &Page) -> Tr {
    Tr::new(p.lang())
}

trait PageExt {
    fn alerted(self, e: &ApiError) -> Page;
    fn done_from(self, uri: &Uri) -> Page;
    fn count(&self, key: &str, n: impl std::fmt::Display) -> String;
}

impl PageExt for Page {
    /// A text with a number: `KEY-zero` for none and `KEY-one` for one where they exist, else
    /// `KEY` with `$count`.
    fn count(&self, key: &str, n: impl std::fmt::Display) -> String {
        let (t, n) = (tr(self), n.to_string());
        let special = match n.as_str() {
            "0" => t.try_t(&format!("{key}-zero")),
            "1" => t.try_t(&format!("{key}-one")),
            _ => None,
        };
        special.unwrap_or_else(|| self.args(key, "count", n))
    }
    fn alerted(mut self, e: &ApiError) -> Page {
        self.alert = Some(alert(&self, e));
        self
    }
    /// `?ok=NAME` shows the text `sections-done-NAME`, for the names that have one.
    fn done_from(self, uri: &Uri) -> Page {
        let found = uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, v)| {
                    k == "ok"
                        && v.len() <= 40
                        && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                })
                .map(|(_, v)| format!("sections-done-{v}"))
        });
        match found {
            Some(key) if tr(&self).try_t(&key).is_some() => self.with_done(&key),
            _ => self,
        }
    }
}

/// "KMNPQR" as it is read aloud: "KMN PQR".
pub fn spaced_code(code: &str) -> String {
    if code.len() == 6 && code.is_ascii() {
        format!("{} {}", &code[..3], &code[3..])
    } else {
        code.to_owned()
    }
}

fn course_title(p: &Page, course_id: &str) -> String {
    catalog()
        .course(course_id)
        .map(|c| c.title.get(p.code()).to_owned())
        .unwrap_or_else(|| course_id.to_owned())
}

fn courses(p: &Page) -> Vec<(String, String)> {
    catalog()
        .courses()
        .iter()
        .map(|c| (c.id.clone(), c.title.get(p.code()).to_owned()))
        .collect()
}

/// The login types with their name and one line of explanation.
fn login_types(p: &Page) -> Vec<(&'static str, String, String)> {
    LOGIN_TYPES
        .iter()
        .map(|t| {
            (
                *t,
                p.t(format!("sections-login-{t}")),
                p.t(format!("sections-login-{t}-hint")),
            )
        })
        .collect()
}

/// What the header and the tabs of a section's pages show.
struct Head {
    id: String,
    name: String,
    course: String,
    login_type: String,
    login_label: String,
    code: String,
    sign_in_url: String,
    owner: bool,
    /// Which tab is this page: "progress", "students", "cards", "letter", "settings".
    tab: &'static str,
}

impl Head {
    fn new(state: &AppState, p: &Page, t: &Taught, tab: &'static str) -> Head {
        let s = &t.section;
        Head {
            id: s.id.clone(),
            name: s.name.clone(),
            course: course_title(p, &s.course_id),
            login_type: s.login_type.clone(),
            login_label: p.t(format!("sections-login-{}", s.login_type)),
            code: spaced_code(&s.code),
            sign_in_url: sections::sign_in_url(state, &s.code),
            owner: t.owner,
            tab,
        }
    }
    fn tabs(&self, p: &Page) -> Vec<(String, String, bool)> {
        [
            ("progress", ""),
            ("students", "/students"),
            ("cards", "/cards"),
            ("letter", "/letter"),
            ("settings", "/settings"),
        ]
        .iter()
        .filter(|(tab, _)| *tab != "cards" || self.login_type != "email")
        .map(|(tab, path)| {
            (
                format!("/sections/{}{path}", self.id),
                p.t(format!("sections-tab-{tab}")),
                *tab == self.tab,
            )
        })
        .collect()
    }
}

/// A secret as a page shows it: the picture with its name, or the two words.
struct SecretView {
    picture: Option<String>,
    text: String,
}

fn secret_view(p: &Page, s: &Secret) -> SecretView {
    match (s.kind.as_str(), crate::secrets::picture(&s.value)) {
        ("picture", Some(pic)) => SecretView {
            picture: Some(format!("/static/pictures/{}.svg", pic.id)),
            text: pic.label(p.lang()).to_owned(),
        },
        _ => SecretView {
            picture: None,
            text: s.value.clone(),
        },
    }
}

fn status_label(p: &Page, status: &str) -> String {
    p.t(format!("level-status-{status}"))
}

/// "2026-12-01 10:05" of an RFC 3339 time (which is in UTC).
fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

/// "2026-12-01 10:05" (UTC) of a stored time, written without formatting machinery: the
/// grid writes thousands of them.
fn push_short_time(at: kodlek_domain::Millis, out: &mut String) {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let two = |n: u8, out: &mut String| {
        out.push(char::from(b'0' + n / 10));
        out.push(char::from(b'0' + n % 10));
    };
    let year = t.year().clamp(0, 9999) as u16;
    two((year / 100) as u8, out);
    two((year % 100) as u8, out);
    out.push('-');
    two(u8::from(t.month()), out);
    out.push('-');
    two(t.day(), out);
    out.push(' ');
    two(t.hour(), out);
    out.push(':');
    two(t.minute(), out);
}

/// Escapes text for HTML, for the grid that is written by hand to keep it small.
fn esc(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn query_value(uri: &Uri, key: &str) -> Option<String> {
    uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    })
}

// ---------------------------------------------------------------------------------------------
// 1. The list of sections, and a new one

struct SectionRow {
    id: String,
    name: String,
    course: String,
    login_label: String,
    students: usize,
    code: String,
}

#[derive(Default)]
struct NewSectionForm {
    name: String,
    course_id: String,
    login_type: String,
}

#[derive(Template)]
#[template(path = "sections/list.html")]
struct ListT {
    p: Page,
    verified: bool,
    rows: Vec<SectionRow>,
    courses: Vec<(String, String)>,
    login_types: Vec<(&'static str, String, String)>,
    form: NewSectionForm,
}

async fn list_view(
    state: &AppState,
    p: Page,
    me: &SignedIn,
    status: StatusCode,
    form: NewSectionForm,
) -> Response {
    let list = match sections::list(state, me).await {
        Ok(l) => l,
        Err(e) => return fail(state, p, &e),
    };
    let mut rows = Vec::with_capacity(list.len());
    for s in list {
        let students = match sections::students(state, &s.id).await {
            Ok(m) => m.len(),
            Err(e) => return fail(state, p, &e),
        };
        rows.push(SectionRow {
            course: course_title(&p, &s.course_id),
            login_label: p.t(format!("sections-login-{}", s.login_type)),
            code: spaced_code(&s.code),
            id: s.id,
            name: s.name,
            students,
        });
    }
    let t = ListT {
        verified: me.account.email_verified,
        rows,
        courses: courses(&p),
        login_types: login_types(&p),
        form,
        p: p.clone(),
    };
    render(state, &p, status, &t)
}

async fn list_page(
    State(state): State<AppState>,
    p: Page,
    uri: Uri,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Response {
    let me = match teacher(&state, &p, me).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let form = NewSectionForm {
        login_type: "picture".into(),
        ..Default::default()
    };
    list_view(&state, p.done_from(&uri), &me, StatusCode::OK, form).await
}

async fn create(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let me = match teacher(&state, &p, me).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let body = NewSection {
        name: form.get("name").to_owned(),
        course_id: form.get("course_id").to_owned(),
        login_type: form.get("login_type").to_owned(),
    };
    match sections::create(&state, &me, body).await {
        Ok(s) => see_other(&format!("/sections/{}?ok=created", s.id)),
        Err(e) => {
            let values = NewSectionForm {
                name: form.get("name").to_owned(),
                course_id: form.get("course_id").to_owned(),
                login_type: form.get("login_type").to_owned(),
            };
            list_view(&state, p.alerted(&e), &me, e.status, values).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. The dashboard: the progress grid

struct HelpRow {
    id: String,
    name: String,
    levels: String,
}

#[derive(Template)]
#[template(path = "sections/dashboard.html")]
struct DashboardT {
    p: Page,
    h: Head,
    students: usize,
    levels: usize,
    help: Vec<HelpRow>,
    grid: String,
    legend: Vec<(&'static str, &'static str, String)>,
}

/// A cell's class and symbol: perfect ★, passed or completed ✓, tried •, stuck !.
fn cell_look(status: &str, stuck: bool) -> (&'static str, &'static str) {
    match status {
        "perfect" => ("p", "★"),
        "passed" | "completed" => ("c", "✓"),
        _ if stuck => ("h", "!"),
        _ => ("f", "•"),
    }
}

/// The grid as HTML, written by hand: 40 students of a 300-level course stay small.
pub fn grid_html(p: &Tr, section_id: &str, grid: &Grid) -> String {
    let mut out = String::with_capacity(64 * 1024 + grid.rows.len() * grid.levels.len() * 48);
    let mut tries = String::new();
    esc(&p.t("sections-grid-tries"), &mut tries);
    out.push_str("<table class=\"pg\" id=\"progress-grid\"");
    for (key, label) in [
        ("none", "level-status-none"),
        ("f", "level-status-failed"),
        ("c", "level-status-passed"),
        ("p", "level-status-perfect"),
        ("h", "sections-grid-stuck"),
    ] {
        let _ = write!(out, " data-l-{key}=\"");
        esc(&p.t(label), &mut out);
        out.push('"');
    }
    out.push_str("><caption>");
    esc(&p.t("sections-grid-caption"), &mut out);
    out.push_str("</caption><thead><tr><th scope=\"col\">");
    esc(&p.t("sections-grid-student"), &mut out);
    out.push_str("</th>");
    for (i, l) in grid.levels.iter().enumerate() {
        out.push_str("<th scope=\"col\" data-t=\"");
        let title = format!("{}. {}", i + 1, l.title);
        esc(&title, &mut out);
        out.push_str("\" aria-label=\"");
        esc(&title, &mut out);
        let _ = write!(out, "\">{}</th>", i + 1);
    }
    out.push_str("</tr></thead><tbody>");
    let mut number = itoa::Buffer::new();
    for s in &grid.rows {
        out.push_str("<tr><th scope=\"row\"><a href=\"/sections/");
        esc(section_id, &mut out);
        out.push_str("/students/");
        esc(&s.id, &mut out);
        out.push_str("\">");
        esc(&s.display_name, &mut out);
        out.push_str("</a>");
        if s.needs_help().next().is_some() {
            out.push_str(" <span class=\"nh\">");
            let levels = help_levels(s);
            esc(
                &p.args("sections-needs-help-levels", &[("levels", &levels)]),
                &mut out,
            );
            out.push_str("</span>");
        }
        out.push_str("</th>");
        // The cells are in course order: one pass fills the row.
        let mut cells = s.cells.iter().peekable();
        for column in 0..grid.levels.len() {
            let Some((_, c)) = cells.next_if(|(i, _)| *i == column) else {
                out.push_str("<td></td>");
                continue;
            };
            let (class, symbol) = cell_look(c.status(), sections::stuck(c));
            out.push_str("<td class=");
            out.push_str(class);
            out.push_str(" data-t=\"");
            out.push_str(number.format(c.attempts));
            out.push(' ');
            out.push_str(&tries);
            out.push_str(" · ");
            push_short_time(c.last_attempt_at, &mut out);
            out.push_str("\">");
            out.push_str(symbol);
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The numbers (1-based positions) of the levels a student seems stuck on: "3, 17".
fn help_levels(s: &GridRow) -> String {
    s.needs_help()
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The students who seem stuck, for the list above the grid.
fn help_rows(grid: &Grid) -> Vec<HelpRow> {
    grid.rows
        .iter()
        .filter(|s| s.needs_help().next().is_some())
        .map(|s| HelpRow {
            id: s.id.clone(),
            name: s.display_name.clone(),
            levels: help_levels(s),
        })
        .collect()
}

async fn dashboard(
    State(state): State<AppState>,
    p: Page,
    uri: Uri,
    t: Taught,
    Path(id): Path<String>,
) -> Response {
    let grid = match sections::grid_of(&state, &t.section, p.lang()).await {
        Ok(g) => g,
        Err(e) => return fail(&state, p, &e),
    };
    let legend = vec![
        ("p", "★", p.t("level-status-perfect")),
        ("c", "✓", p.t("sections-legend-solved")),
        ("f", "•", p.t("sections-legend-tried")),
        ("h", "!", p.t("sections-legend-stuck")),
        ("n", "", p.t("level-status-none")),
    ];
    let p = p.done_from(&uri);
    let html = grid_html(&tr(&p), &id, &grid);
    let view = DashboardT {
        h: Head::new(&state, &p, &t, "progress"),
        students: grid.rows.len(),
        levels: grid.levels.len(),
        help: help_rows(&grid),
        grid: html,
        legend,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

#[derive(Template)]
#[template(path = "sections/help.html")]
struct HelpT {
    p: Page,
    h: Head,
    help: Vec<HelpRow>,
}

/// The grid and the help list as they are now, for the open dashboard to refresh itself
/// while the class plays (`grid.js`): `{"grid": html, "help": html}`.
async fn dashboard_live(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
) -> Response {
    let grid = match sections::grid_of(&state, &t.section, p.lang()).await {
        Ok(g) => g,
        Err(e) => return fail(&state, p, &e),
    };
    let help = HelpT {
        h: Head::new(&state, &p, &t, "progress"),
        help: help_rows(&grid),
        p: p.clone(),
    };
    let help = match help.render() {
        Ok(h) => h,
        Err(_) => return fail(&state, p, &ApiError::internal()),
    };
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({
            "grid": grid_html(&tr(&p), &id, &grid),
            "help": help,
        })),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// 3. The grid as CSV

/// One CSV cell, safe to open in a spreadsheet: a leading character that would start a
/// formula gets a `'` before it, and the cell is quoted when it must be (RFC 4180).
pub fn csv_cell(raw: &str, out: &mut String) {
    let text = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if text.contains([',', '"', '\r', '\n', ';']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// The grid as CSV: a header (student, then each level's title) and one row per student
/// with each level's best status in the teacher's language, or nothing.
pub fn grid_csv(p: &Tr, grid: &Grid) -> String {
    // The byte order mark tells spreadsheets that the file is UTF-8 ("Åsa" stays "Åsa").
    let mut out = String::from("\u{feff}");
    let label: HashMap<&str, String> = ["failed", "completed", "passed", "perfect"]
        .into_iter()
        .map(|s| (s, p.t(&format!("level-status-{s}"))))
        .collect();
    csv_cell(&p.t("sections-grid-student"), &mut out);
    for l in &grid.levels {
        out.push(',');
        csv_cell(&l.title, &mut out);
    }
    out.push_str("\r\n");
    for s in &grid.rows {
        csv_cell(&s.display_name, &mut out);
        for column in 0..grid.levels.len() {
            out.push(',');
            if let Some(c) = s.cells.get(column) {
                csv_cell(label.get(c.status()).map_or(c.status(), |l| l), &mut out);
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// A file name of ASCII letters, digits and dashes, from the section's name.
fn file_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "section".to_owned()
    } else {
        out.to_owned()
    }
}

async fn progress_csv(State(state): State<AppState>, p: Page, t: Taught) -> Response {
    let grid = match sections::grid_of(&state, &t.section, p.lang()).await {
        Ok(g) => g,
        Err(e) => return fail(&state, p, &e),
    };
    let disposition = format!(
        "attachment; filename=\"kodlek-{}-progress.csv\"",
        file_name(&t.section.name)
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        grid_csv(&tr(&p), &grid),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// 4. One student's levels and attempts

struct AttemptRow {
    at: String,
    status: String,
    status_label: String,
    code: Option<String>,
    answer: Option<String>,
}

struct LevelRow {
    number: usize,
    id: String,
    title: String,
    status: String,
    status_label: String,
    attempts: i64,
    last: String,
    stuck: bool,
    rows: Vec<AttemptRow>,
}

#[derive(Template)]
#[template(path = "sections/student.html")]
struct StudentT {
    p: Page,
    h: Head,
    name: String,
    levels: Vec<LevelRow>,
    /// The student's attempts are refused for want of storage: the teacher sees why.
    storage_full: bool,
}

async fn student_page(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
) -> Response {
    let grid = match sections::grid_of(&state, &t.section, p.lang()).await {
        Ok(g) => g,
        Err(e) => return fail(&state, p, &e),
    };
    let Some(row) = grid.rows.iter().find(|s| s.id == sid) else {
        return not_found(State(state), p).await;
    };
    let mut levels = Vec::with_capacity(grid.levels.len());
    for (i, l) in grid.levels.iter().enumerate() {
        let cell = row.cells.get(i);
        let mut rows = Vec::new();
        if cell.is_some() {
            let attempts = match sections::student_attempts(&state, &t.me, &id, &sid, &l.id).await {
                Ok(a) => a,
                Err(e) => return failed(&state, &p, &e).await,
            };
            // The newest first: that is what the teacher looks for.
            for a in attempts.into_iter().rev() {
                rows.push(AttemptRow {
                    at: short_time(&a.at),
                    status_label: status_label(&p, &a.status),
                    status: a.status,
                    code: a.program.as_ref().map(|prog| outline(&tr(&p), prog.text())),
                    answer: a.answer,
                });
            }
        }
        let status = cell.map(|c| c.status()).unwrap_or("none").to_owned();
        levels.push(LevelRow {
            number: i + 1,
            id: l.id.clone(),
            title: l.title.clone(),
            status_label: status_label(&p, &status),
            status,
            attempts: cell.map(|c| c.attempts).unwrap_or(0),
            last: cell
                .map(|c| {
                    let mut t = String::new();
                    push_short_time(c.last_attempt_at, &mut t);
                    t
                })
                .unwrap_or_default(),
            stuck: cell.is_some_and(sections::stuck),
            rows,
        });
    }
    let storage_full = match state.store.storage_used(&sid).await {
        Ok(used) => crate::puzzles::storage_is_full(used, state.writer.budget()),
        Err(e) => return fail(&state, p, &ApiError::from(e)),
    };
    let view = StudentT {
        h: Head::new(&state, &p, &t, "progress"),
        name: row.display_name.clone(),
        levels,
        storage_full,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

/// Blocks shown at most, and how deep: a hostile program must not make a huge page.
const OUTLINE_BLOCKS: usize = 600;
const OUTLINE_DEPTH: usize = 32;

/// A Blockly program as an indented outline a person reads: "when run", then the blocks
/// under it, one per line, with the insides of loops and conditions indented further.
/// The stored program is read by the puzzles crate's flat reader, which no nesting can
/// overflow, and walked only as deep as the outline shows.
pub fn outline(p: &Tr, program: &str) -> String {
    let mut out = String::new();
    let mut budget = OUTLINE_BLOCKS;
    let Ok(doc) = Doc::parse(program) else {
        return p.t("sections-code-unreadable");
    };
    let tops = doc
        .root()
        .get("blocks")
        .and_then(|b| b.get("blocks"))
        .and_then(|b| b.elements());
    let Some(tops) = tops else {
        return p.t("sections-code-unreadable");
    };
    let tops: Vec<Node<'_>> = tops.collect();
    // The stack that runs first, then any loose blocks.
    let mut ordered: Vec<Node<'_>> = tops
        .iter()
        .copied()
        .filter(|b| is_type(*b, "when_run"))
        .collect();
    ordered.extend(tops.iter().copied().filter(|b| !is_type(*b, "when_run")));
    for (i, top) in ordered.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !is_type(top, "when_run") {
            out.push_str(&p.t("sections-code-loose"));
            out.push('\n');
        }
        stack(p, top, 0, &mut out, &mut budget);
    }
    if out.is_empty() {
        return p.t("sections-code-empty");
    }
    out.truncate(out.trim_end().len());
    out
}

fn is_type(b: Node<'_>, ty: &str) -> bool {
    b.get("type").and_then(|t| t.as_str()) == Some(ty)
}

/// The block in a connection: the real one, else its shadow.
fn connected(c: Option<Node<'_>>) -> Option<Node<'_>> {
    let c = c?;
    c.get("block").or_else(|| c.get("shadow"))
}

fn field_str<'a>(b: Node<'a>, name: &str) -> &'a str {
    b.get("fields")
        .and_then(|f| f.get(name))
        .and_then(|v| v.as_str())
        .unwrap_or("")
}

fn field_num(b: Node<'_>, name: &str) -> String {
    let Some(v) = b.get("fields").and_then(|f| f.get(name)) else {
        return "?".into();
    };
    match (v.as_f64(), v.as_str()) {
        (Some(f), _) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        (Some(f), _) => format!("{f}"),
        (None, Some(s)) => s.chars().take(20).collect(),
        _ => "?".into(),
    }
}

fn block_text(p: &Tr, b: Node<'_>) -> String {
    let ty = b.get("type").and_then(|t| t.as_str()).unwrap_or("?");
    let path = |b: Node<'_>| match field_str(b, "DIR") {
        "isPathLeft" => p.t("block-path-left"),
        "isPathRight" => p.t("block-path-right"),
        _ => p.t("block-path-forward"),
    };
    let left = field_str(b, "DIR") == "turnLeft";
    match ty {
        "when_run" => p.t("block-when-run"),
        "maze_move_forward" => p.t("block-move-forward"),
        "maze_turn" if left => p.t("block-turn-left"),
        "maze_turn" => p.t("block-turn-right"),
        "controls_repeat" => format!(
            "{} {} {}:",
            p.t("block-repeat"),
            field_num(b, "TIMES"),
            p.t("block-times")
        ),
        "maze_forever" => format!("{}:", p.t("block-forever")),
        "maze_if" | "maze_ifElse" => format!("{} {}:", p.t("block-if"), path(b)),
        "artist_move_forward" => {
            format!(
                "{} {}",
                p.t("block-artist-forward"),
                field_num(b, "DISTANCE")
            )
        }
        "artist_move_backward" => format!(
            "{} {}",
            p.t("block-artist-backward"),
            field_num(b, "DISTANCE")
        ),
        "artist_turn" => format!(
            "{} {} {}",
            p.t(if left {
                "block-artist-turn-left"
            } else {
                "block-artist-turn-right"
            }),
            field_num(b, "ANGLE"),
            p.t("block-degrees")
        ),
        "artist_pen_up" => p.t("block-pen-up"),
        "artist_pen_down" => p.t("block-pen-down"),
        "artist_colour" => format!(
            "{} {}",
            p.t("block-colour"),
            field_str(b, "COLOUR").chars().take(12).collect::<String>()
        ),
        other => {
            let shown: String = other.chars().take(40).collect();
            p.args("sections-code-unknown", &[("type", &shown)])
        }
    }
}

fn is_off(b: Node<'_>) -> bool {
    b.get("enabled").and_then(|e| e.as_bool()) == Some(false)
        || b.get("disabledReasons")
            .and_then(|r| r.elements())
            .is_some_and(|mut r| r.next().is_some())
}

fn line(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push_str("    ");
    }
    out.push_str(text);
    out.push('\n');
}

fn stack(p: &Tr, first: Node<'_>, depth: usize, out: &mut String, budget: &mut usize) {
    let mut cur = Some(first);
    while let Some(b) = cur {
        if *budget == 0 || depth > OUTLINE_DEPTH {
            line(out, depth, "…");
            return;
        }
        *budget -= 1;
        let mut text = block_text(p, b);
        if is_off(b) {
            text = format!("{text} ({})", p.t("sections-code-off"));
        }
        line(out, depth, &text);
        let inputs = b.get("inputs");
        if let Some(inner) = connected(inputs.and_then(|i| i.get("DO"))) {
            stack(p, inner, depth + 1, out, budget);
        }
        if is_type(b, "maze_ifElse") {
            line(out, depth, &format!("{}:", p.t("block-else")));
            if let Some(inner) = connected(inputs.and_then(|i| i.get("ELSE"))) {
                stack(p, inner, depth + 1, out, budget);
            }
        }
        let next = connected(b.get("next"));
        if is_type(b, "when_run") {
            // What hangs under "when run" is its program: shown one step in.
            if let Some(n) = next {
                stack(p, n, depth + 1, out, budget);
            }
            return;
        }
        cur = next;
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Managing students

#[derive(Default)]
struct AddForm {
    name: String,
    age: String,
    gender: String,
    permission: bool,
}

struct StudentRow {
    s: SectionStudent,
    gender: String,
}

struct CreatedRow {
    name: String,
    secret: SecretView,
}

#[derive(Template)]
#[template(path = "sections/students.html")]
struct StudentsT {
    p: Page,
    h: Head,
    rows: Vec<StudentRow>,
    genders: Vec<(&'static str, String)>,
    form: AddForm,
    paste: String,
    paste_permission: bool,
    created: Vec<CreatedRow>,
    /// A secret just made anew: the student's name and id, and the secret.
    renewed: Option<(String, String, SecretView)>,
}

/// What the students page shows besides the list.
#[derive(Default)]
struct StudentsExtra {
    form: AddForm,
    paste: String,
    paste_permission: bool,
    created: Vec<CreatedRow>,
    renewed: Option<(String, String, SecretView)>,
}

fn gender_label(p: &Page, g: Option<&str>) -> String {
    match g {
        Some(g) => p.t(format!("gender-{g}")),
        None => String::new(),
    }
}

async fn students_view(
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

async fn students_page(State(state): State<AppState>, p: Page, uri: Uri, t: Taught) -> Response {
    students_view(
        &state,
        p.done_from(&uri),
        &t,
        StatusCode::OK,
        StudentsExtra::default(),
    )
    .await
}

fn parse_age(raw: Option<String>) -> Result<Option<i64>, ApiError> {
    match raw.map(|a| a.parse::<i64>()) {
        None => Ok(None),
        Some(Ok(a)) => Ok(Some(a)),
        Some(Err(_)) => Err(ApiError::invalid("age", "is not a whole number")),
    }
}

async fn add_one(
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
            sections::add_student(&state, &t.me, &id, body, p.lang()).await
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

async fn add_list(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let body = NewStudents {
        names: pasted_names(form.get("names")),
        school_permission: form.checked("school_permission"),
    };
    match sections::add_students(&state, &t.me, &id, body, p.lang()).await {
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
            let extra = StudentsExtra {
                paste: form.get("names").to_owned(),
                paste_permission: form.checked("school_permission"),
                ..Default::default()
            };
            students_view(&state, p.alerted(&e), &t, e.status, extra).await
        }
    }
}

/// A student of the section by id, as the list shows them; None when not in it.
async fn find_student(
    state: &AppState,
    section_id: &str,
    sid: &str,
) -> Result<Option<SectionStudent>, ApiError> {
    Ok(sections::students(state, section_id)
        .await?
        .into_iter()
        .find(|s| s.id == sid))
}

async fn new_secret(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
    _form: CsrfForm,
) -> Response {
    match sections::reset_secret(&state, &t.me, &id, &sid, p.lang()).await {
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

async fn unlock(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
    _form: CsrfForm,
) -> Response {
    match sections::unlock(&state, &t.me, &id, &sid).await {
        Ok(()) => see_other(&format!("/sections/{id}/students?ok=unlocked")),
        Err(e) => failed(&state, &p, &e).await,
    }
}

#[derive(Template)]
#[template(path = "sections/edit_student.html")]
struct EditT {
    p: Page,
    h: Head,
    student_id: String,
    old_name: String,
    form: AddForm,
    genders: Vec<(&'static str, String)>,
}

async fn edit_form(
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

async fn edit(
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
            sections::update_student(&state, &t.me, &id, &sid, patch).await
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
#[template(path = "sections/remove_student.html")]
struct RemoveT {
    p: Page,
    h: Head,
    student_id: String,
    name: String,
    managed: bool,
}

async fn remove_form(
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

async fn remove(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
    _form: CsrfForm,
) -> Response {
    match sections::remove_student(&state, &t.me, &id, &sid).await {
        Ok(()) => see_other(&format!("/sections/{id}/students?ok=removed")),
        Err(e) => failed(&state, &p, &e).await,
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Sign-in cards

struct CardView {
    name: String,
    secret: SecretView,
}

#[derive(Template)]
#[template(path = "sections/cards.html")]
struct CardsT {
    p: Page,
    h: Head,
    cards: Vec<CardView>,
}

async fn cards(
    State(state): State<AppState>,
    p: Page,
    uri: Uri,
    t: Taught,
    Path(id): Path<String>,
) -> Response {
    let all = match sections::sign_in_cards(&state, &t.me, &id).await {
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

// ---------------------------------------------------------------------------------------------
// 7. Settings, co-teachers, deleting

#[derive(Template)]
#[template(path = "sections/settings.html")]
struct SettingsT {
    p: Page,
    h: Head,
    me_id: String,
    name: String,
    course_id: String,
    courses: Vec<(String, String)>,
    login_types: Vec<(&'static str, String, String)>,
    teachers: Vec<SectionTeacherView>,
    invitation: Option<Invitation>,
}

async fn settings_view(
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
        login_types: login_types(&p),
        teachers: detail.teachers,
        invitation,
        p: p.clone(),
    };
    render(state, &p, status, &view)
}

async fn settings(State(state): State<AppState>, p: Page, uri: Uri, t: Taught) -> Response {
    settings_view(&state, p.done_from(&uri), &t, StatusCode::OK, None, None).await
}

/// Saves a change of the section and goes back to the settings, or says what was wrong.
async fn change(
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

async fn save_settings(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    form: CsrfForm,
) -> Response {
    let patch = SectionPatch {
        name: Some(form.get("name").to_owned()),
        course_id: Some(form.get("course_id").to_owned()),
        login_type: None,
    };
    change(&state, p, &t, patch, "saved").await
}

async fn save_login_type(
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

async fn new_code(
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

async fn invite(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    match sections::invite(&state, &t.me, &id).await {
        Ok(inv) => settings_view(&state, p, &t, StatusCode::OK, None, Some(inv)).await,
        Err(e) => failed(&state, &p, &e).await,
    }
}

async fn remove_teacher(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, tid)): Path<(String, String)>,
    _form: CsrfForm,
) -> Response {
    match sections::remove_teacher(&state, &t.me, &id, &tid).await {
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
#[template(path = "sections/delete.html")]
struct DeleteT {
    p: Page,
    h: Head,
    students: usize,
    managed: usize,
}

async fn delete_form(
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

async fn delete(
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

struct LetterRow {
    what: String,
    who: String,
}

struct LetterTable {
    title: String,
    rows: Vec<LetterRow>,
}

#[derive(Template)]
#[template(path = "sections/letter.html")]
struct LetterT {
    p: Page,
    h: Head,
    course_description: String,
    level_count: usize,
    teacher: String,
    tables: Vec<LetterTable>,
    privacy_url: String,
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
fn audience_text(p: &Page, audiences: &[String]) -> String {
    let mut who: Vec<String> = audiences
        .iter()
        .map(|a| p.t(format!("sections-letter-audience-{a}")))
        .collect();
    if who.is_empty() {
        who.push(p.t("sections-letter-audience-nobody"));
    }
    who.join(", ")
}

fn letter_tables(state: &AppState, p: &Page) -> Vec<LetterTable> {
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

async fn letter(State(state): State<AppState>, p: Page, t: Taught) -> Response {
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
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

// ---------------------------------------------------------------------------------------------
// 9. Invitations for co-teachers

#[derive(Template)]
#[template(path = "sections/invitation.html")]
struct InvitationT {
    p: Page,
    /// The form's address; None when there is nothing to accept.
    action: Option<String>,
    /// Why the button is not there: "sign-in", "not-teacher", "invalid".
    reason: &'static str,
}

fn plain_token(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 64
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

async fn invitation(
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

async fn accept(
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
    match sections::accept_invitation(&state, &me, &token).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_start_formulas_and_are_quoted() {
        let cell = |s: &str| {
            let mut out = String::new();
            csv_cell(s, &mut out);
            out
        };
        assert_eq!(cell("Alva"), "Alva");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn file_names_are_plain() {
        assert_eq!(file_name("Klass 3B"), "klass-3b");
        assert_eq!(file_name("Åsa's \"group\"; rm -rf"), "asa-s-group-rm-rf");
        assert_eq!(file_name("\r\n"), "section");
        assert_eq!(file_name("日本"), "section");
    }

    #[test]
    fn codes_are_spaced_for_reading_aloud() {
        assert_eq!(spaced_code("KMNPQR"), "KMN PQR");
        assert_eq!(spaced_code("ABC"), "ABC");
    }

    #[test]
    fn pasted_lists_skip_blank_lines() {
        assert_eq!(
            pasted_names("Alva\r\n\r\n  Bo \n\t\nCleo"),
            vec!["Alva", "Bo", "Cleo"]
        );
    }

    #[test]
    fn both_languages_have_every_text_of_the_pages() {
        let keys = |text: &str| -> std::collections::BTreeSet<String> {
            text.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().trim().to_owned())
                .collect()
        };
        let en = keys(include_str!("../locales/en/sections.ftl"));
        let sv = keys(include_str!("../locales/sv/sections.ftl"));
        assert_eq!(en, sv, "en and sv must have the same keys");
        let main = keys(include_str!("../locales/en/main.ftl"));
        assert!(en.is_disjoint(&main), "{:?}", en.intersection(&main));
        for t in LOGIN_TYPES {
            assert!(en.contains(&format!("sections-login-{t}-hint")));
        }
    }

    #[test]
    fn programs_read_as_an_outline() {
        let tr = Tr::new(crate::kit::extract::Lang::En);
        let program = serde_json::json!({"blocks": {"languageVersion": 0, "blocks": [
            {"type": "artist_pen_down", "x": 300},
            {"type": "when_run", "next": {"block": {"type": "maze_ifElse", "fields": {"DIR": "isPathLeft"},
                "inputs": {"DO": {"block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}},
                           "ELSE": {"block": {"type": "maze_forever", "inputs": {"DO": {"block": {"type": "maze_move_forward", "enabled": false}}}}}},
                "next": {"block": {"type": "artist_turn", "fields": {"DIR": "turnRight", "ANGLE": 90.0},
                    "next": {"block": {"type": "artist_colour", "fields": {"COLOUR": "#ff0000"},
                        "next": {"block": {"type": "artist_move_backward", "fields": {"DISTANCE": 12.5},
                            "next": {"block": {"type": "<script>"}}}}}}}}}}}
        ]}});
        assert_eq!(
            outline(&tr, &program.to_string()),
            "when run\n    if path to the left:\n        turn left ↺\n    else:\n        repeat until done:\n            move forward (switched off)\n    turn right by 90 degrees\n    set colour #ff0000\n    move backward by 12.5\n    unknown block \"<script>\"\n\n(blocks not joined to \"when run\"; they do not run)\npen down"
        );
        assert_eq!(
            outline(&tr, r#"{"x": 1}"#),
            "(this program cannot be shown)"
        );
        // Deep nesting is cut, not followed.
        let mut deep = serde_json::json!({"type": "maze_move_forward"});
        for _ in 0..200 {
            deep = serde_json::json!({"type": "maze_forever", "inputs": {"DO": {"block": deep}}});
        }
        let text = outline(
            &tr,
            &serde_json::json!({"blocks": {"blocks": [deep]}}).to_string(),
        );
        assert!(text.lines().count() < 40 && text.ends_with('…'), "{text}");
    }

    #[test]
    fn escaping_covers_markup() {
        let mut out = String::new();
        esc("<a href=\"x\">&'", &mut out);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
