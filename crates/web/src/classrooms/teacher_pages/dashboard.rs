//! The teachers' list of sections, the progress dashboard and its CSV.

use super::common::*;
use crate::AppState;
use crate::classrooms::sections::{self, Grid, GridRow, NewSection};
use crate::classrooms::students;
use crate::kit::error::ApiError;
use crate::kit::extract::{MaybeSignedIn, SignedIn};
use crate::kit::i18n::Tr;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

// ---------------------------------------------------------------------------------------------
// 1. The list of sections, and a new one

pub(super) struct SectionRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) course: String,
    pub(super) login_label: String,
    pub(super) students: usize,
    pub(super) code: String,
}

#[derive(Default)]
pub(super) struct NewSectionForm {
    pub(super) name: String,
    pub(super) course_id: String,
    pub(super) login_type: String,
}

#[derive(Template)]
#[template(path = "classrooms/teacher/list.html")]
pub(super) struct ListT {
    pub(super) p: Page,
    pub(super) verified: bool,
    pub(super) rows: Vec<SectionRow>,
    pub(super) courses: Vec<(String, String)>,
    pub(super) login_types: Vec<(String, String, String)>,
    pub(super) form: NewSectionForm,
}

pub(super) async fn list_view(
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
            login_label: login_label(state, &p, &s.login_type),
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
        login_types: login_types(state, &p),
        form,
        p: p.clone(),
    };
    render(state, &p, status, &t)
}

pub(super) async fn list_page(
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

pub(super) async fn create(
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

pub(super) struct HelpRow {
    pub(super) id: String,
    pub(super) name: String,
    /// The numbers of the levels the student seems stuck on ("3, 17"), or nothing.
    pub(super) levels: String,
    /// Where the link lands: the first of those levels on the student's page.
    pub(super) anchor: String,
    /// Locked out of signing in after too many wrong secrets.
    pub(super) locked: bool,
}

#[derive(Template)]
#[template(path = "classrooms/teacher/dashboard.html")]
pub(super) struct DashboardT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) students: usize,
    pub(super) levels: usize,
    pub(super) help: Vec<HelpRow>,
    pub(super) grid: String,
    pub(super) legend: Vec<(&'static str, &'static str, String)>,
}

/// A cell's class and symbol: perfect ★, passed or completed ✓, tried •, stuck !.
pub(super) fn cell_look(status: &str, stuck: bool) -> (&'static str, &'static str) {
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
pub(super) fn help_levels(s: &GridRow) -> String {
    s.needs_help()
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The students who seem stuck or are locked out of signing in, for the list above the grid,
/// in the grid's order. `locked` holds the ids of the locked-out ones.
pub(super) fn help_rows(grid: &Grid, locked: &HashSet<String>) -> Vec<HelpRow> {
    grid.rows
        .iter()
        .filter(|s| s.needs_help().next().is_some() || locked.contains(&s.id))
        .map(|s| HelpRow {
            id: s.id.clone(),
            name: s.display_name.clone(),
            levels: help_levels(s),
            anchor: s
                .needs_help()
                .next()
                .and_then(|i| grid.levels.get(i))
                .map(|l| format!("#level-{}", l.id))
                .unwrap_or_default(),
            locked: locked.contains(&s.id),
        })
        .collect()
}

/// The ids of the section's students whose sign-in is locked: a child who cannot get in is
/// as stuck as one who cannot solve a level.
pub(super) async fn locked_ids(
    state: &AppState,
    section_id: &str,
) -> Result<HashSet<String>, ApiError> {
    Ok(sections::students(state, section_id)
        .await?
        .into_iter()
        .filter(|s| s.sign_in_locked)
        .map(|s| s.id)
        .collect())
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    p: Page,
    uri: Uri,
    t: Taught,
    Path(id): Path<String>,
) -> Response {
    let grid = match students::grid_of(&state, &t.section, p.lang()).await {
        Ok(g) => g,
        Err(e) => return fail(&state, p, &e),
    };
    let locked = match locked_ids(&state, &id).await {
        Ok(l) => l,
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
        help: help_rows(&grid, &locked),
        grid: html,
        legend,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

#[derive(Template)]
#[template(path = "classrooms/teacher/help.html")]
pub(super) struct HelpT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) help: Vec<HelpRow>,
}

/// The grid and the help list as they are now, for the open dashboard to refresh itself
/// while the class plays (`grid.js`): `{"grid": html, "help": html}`.
pub(super) async fn dashboard_live(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path(id): Path<String>,
) -> Response {
    let grid = match students::grid_of(&state, &t.section, p.lang()).await {
        Ok(g) => g,
        Err(e) => return fail(&state, p, &e),
    };
    let locked = match locked_ids(&state, &id).await {
        Ok(l) => l,
        Err(e) => return fail(&state, p, &e),
    };
    let help = HelpT {
        h: Head::new(&state, &p, &t, "progress"),
        help: help_rows(&grid, &locked),
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

/// The grid as CSV: a header (student, then for each level its title, its tries and its last
/// try) and one row per student with each level's best status in the teacher's language, the
/// number of tries and the time of the last one (UTC), or nothing where never tried.
pub fn grid_csv(p: &Tr, grid: &Grid) -> String {
    // The byte order mark tells spreadsheets that the file is UTF-8 ("Åsa" stays "Åsa").
    let mut out = String::from("\u{feff}");
    let label: HashMap<&str, String> = ["failed", "completed", "passed", "perfect"]
        .into_iter()
        .map(|s| (s, p.t(&format!("level-status-{s}"))))
        .collect();
    csv_cell(&p.t("sections-grid-student"), &mut out);
    for l in &grid.levels {
        for key in [
            "sections-csv-status",
            "sections-csv-tries",
            "sections-csv-last",
        ] {
            out.push(',');
            csv_cell(&p.args(key, &[("level", &l.title)]), &mut out);
        }
    }
    out.push_str("\r\n");
    let mut time = String::new();
    for s in &grid.rows {
        csv_cell(&s.display_name, &mut out);
        for column in 0..grid.levels.len() {
            let Some(c) = s.cells.get(column) else {
                out.push_str(",,,");
                continue;
            };
            out.push(',');
            csv_cell(label.get(c.status()).map_or(c.status(), |l| l), &mut out);
            let _ = write!(out, ",{},", c.attempts);
            time.clear();
            push_short_time(c.last_attempt_at, &mut time);
            csv_cell(&time, &mut out);
        }
        out.push_str("\r\n");
    }
    out
}

/// A file name of ASCII letters, digits and dashes, from the section's name.
pub(super) fn file_name(name: &str) -> String {
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

pub(super) async fn progress_csv(State(state): State<AppState>, p: Page, t: Taught) -> Response {
    let grid = match students::grid_of(&state, &t.section, p.lang()).await {
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
