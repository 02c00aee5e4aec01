//! A course's certificate: for a signed-in learner whose every level of the course is done, a
//! page to print with their display name, the course, the date and Kodlek's name, and nothing
//! else; for someone who played without an account, the same once the server has judged again
//! every program their browser kept, under a name they type and nobody keeps; else what is left.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{ClientIp, MaybeSignedIn};
use crate::kit::page::{CsrfForm, Page, fail, not_found, render};
use crate::puzzles::{ImportBody, ImportEntry};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use kodlek_domain::now_millis;
use kodlek_puzzles::{Course, Doc, Level, Status, Submission};
use kodlek_store::ProgressRecord;

/// The longest name a certificate prints.
const NAME_CHARS: usize = 60;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/courses/{id}/certificate",
        get(certificate_page).post(browser_certificate),
    )
}

/// The statuses that count a level as done (API.md): a solved puzzle, an answered prompt.
fn is_done(status: &str) -> bool {
    matches!(status, "completed" | "passed" | "perfect")
}

/// The levels of `course` that the learner's progress does not count as done, in order.
pub fn levels_left<'c>(course: &'c Course, progress: &[ProgressRecord]) -> Vec<&'c Level> {
    course
        .levels()
        .filter(|l| {
            !progress
                .iter()
                .any(|r| r.level_id == l.id && is_done(&r.best_status))
        })
        .collect()
}

/// Today's date in the page's language ("6 December 2026", "6 december 2026"), in UTC.
fn today(p: &Page) -> String {
    let d = time::OffsetDateTime::now_utc().date();
    p.args_all(
        "certificate-date",
        &[
            ("day", &d.day().to_string()),
            (
                "month",
                &p.t(format!("certificate-month-{}", u8::from(d.month()))),
            ),
            ("year", &d.year().to_string()),
        ],
    )
}

/// Judges again what a browser kept for one level: done only if the server says so now.
fn judged_done(level: &Level, e: &ImportEntry) -> bool {
    let doc = match &e.program {
        Some(p) => match Doc::parse(p.text()) {
            Ok(doc) => Some(doc),
            Err(_) => return false,
        },
        None => None,
    };
    let submission = match (&doc, &e.answer) {
        (Some(doc), None) => Submission::Json(doc.root()),
        (None, Some(answer)) => Submission::Answer(answer),
        _ => return false,
    };
    kodlek_puzzles::judge(level, submission).is_ok_and(|v| v.status >= Status::Completed)
}

/// A name to print: trimmed, not empty, at most `NAME_CHARS`, no control characters.
fn printable_name(name: &str) -> Option<String> {
    let name = name.trim();
    let fits = !name.is_empty() && name.chars().count() <= NAME_CHARS;
    (fits && !name.chars().any(char::is_control)).then(|| name.to_owned())
}

struct LeftLevel {
    id: String,
    title: String,
}

#[derive(Template)]
#[template(path = "puzzles/certificate.html")]
struct CertificateT {
    p: Page,
    course_id: String,
    course_title: String,
    /// Signed in with every level done: the name and the date to print.
    certificate: Option<(String, String)>,
    /// Not done yet, as the server sees it: the levels left.
    left: Vec<LeftLevel>,
    /// The levels of the course, for the browser of someone without an account.
    level_ids: String,
    name_max: usize,
    /// Signed in, but nothing is kept for now (promise U13-7), so progress cannot grow here.
    held: bool,
}

async fn certificate_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(course) = kodlek_puzzles::catalog().course(&id) else {
        return not_found(State(state), p).await;
    };
    let mut t = CertificateT::new(&p, course);
    if let Some(me) = &me {
        let progress = match state.store.progress_of(&me.account.id).await {
            Ok(progress) => progress,
            Err(e) => return fail(&state, p, &ApiError::from(e)),
        };
        let left = levels_left(course, &progress);
        if left.is_empty() {
            t.certificate = Some((me.account.display_name.clone(), today(&p)));
        } else {
            t.held = match state.store.child_control(&me.account.id).await {
                Ok(c) => c.is_some(),
                Err(e) => return fail(&state, p, &ApiError::from(e)),
            };
            t.left = t.listed(left);
        }
    }
    render(&state, &p, StatusCode::OK, &t)
}

impl CertificateT {
    fn new(p: &Page, course: &Course) -> CertificateT {
        CertificateT {
            p: p.clone(),
            course_id: course.id.clone(),
            course_title: course.title.get(p.code()).to_owned(),
            certificate: None,
            left: Vec::new(),
            held: false,
            level_ids: course
                .levels()
                .map(|l| l.id.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            name_max: NAME_CHARS,
        }
    }

    fn listed(&self, levels: Vec<&Level>) -> Vec<LeftLevel> {
        levels
            .into_iter()
            .map(|l| LeftLevel {
                id: l.id.clone(),
                title: l.title.get(self.p.code()).to_owned(),
            })
            .collect()
    }
}

/// Without an account: the programs this browser kept for the course (`work`, the body of a
/// progress import), judged again here, and the name to print. Nothing of it is stored.
async fn browser_certificate(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let Some(course) = kodlek_puzzles::catalog().course(&id) else {
        return not_found(State(state), p).await;
    };
    if let Err(e) = state.anonymous.check(ip, now_millis()) {
        return fail(&state, p, &e);
    }
    let Some(name) = printable_name(form.get("name")) else {
        let p = p.with_alert_key("certificate-name-needed");
        return render(
            &state,
            &p,
            StatusCode::UNPROCESSABLE_ENTITY,
            &CertificateT::new(&p, course),
        );
    };
    let work: ImportBody =
        serde_json::from_str(form.get("work")).unwrap_or(ImportBody { attempts: vec![] });
    let left: Vec<&Level> = course
        .levels()
        .filter(|l| {
            !work
                .attempts
                .iter()
                .any(|e| e.level_id == l.id && judged_done(l, e))
        })
        .collect();
    let mut t = CertificateT::new(&p, course);
    if left.is_empty() {
        t.certificate = Some((name, today(&p)));
        return render(&state, &p, StatusCode::OK, &t);
    }
    let p = p.with_alert_key("certificate-not-all-done");
    t.p = p.clone();
    t.left = t.listed(left);
    render(&state, &p, StatusCode::UNPROCESSABLE_ENTITY, &t)
}
