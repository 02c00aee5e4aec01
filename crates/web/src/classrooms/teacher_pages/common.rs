//! What the teachers' pages share: the teacher and the taught section, errors, headers and formats.

use crate::AppState;
use crate::classrooms::sections::{self, Secret};
use crate::classrooms::students;
use crate::kit::error::ApiError;
use crate::kit::extract::{MaybeSignedIn, SignedIn};
use crate::kit::i18n::Tr;
use crate::kit::page::{Page, alert_text, fail, not_found, see_other};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use kodlek_domain::Role;
use kodlek_puzzles::catalog;
use kodlek_store::SectionRecord;
use std::collections::HashMap;

pub(super) const LOGIN_TYPES: [&str; 3] = ["picture", "word", "email"];

// ---------------------------------------------------------------------------------------------
// Shared pieces

/// The signed-in teacher; anyone else gets the sign-in page (nobody) or a 404 (not a teacher).
pub(super) async fn teacher(
    state: &AppState,
    p: &Page,
    me: Option<SignedIn>,
) -> Result<SignedIn, Response> {
    match me {
        None => Err(see_other("/sign-in")),
        Some(me) if me.account.role == Role::Teacher => Ok(me),
        Some(_) => Err(not_found(State(state.clone()), p.clone()).await),
    }
}

/// A section the signed-in teacher teaches, and whether they own it; a 404 page otherwise.
pub(super) struct Taught {
    pub(super) me: SignedIn,
    pub(super) section: SectionRecord,
    pub(super) owner: bool,
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
pub(super) async fn failed(state: &AppState, p: &Page, e: &ApiError) -> Response {
    if e.status == StatusCode::NOT_FOUND {
        not_found(State(state.clone()), p.clone()).await
    } else {
        fail(state, p.clone(), e)
    }
}

/// The text of an error, with the details the generic texts leave out.
pub(super) fn alert(p: &Page, e: &ApiError) -> String {
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

pub(super) fn tr(p: &Page) -> Tr {
    Tr::new(p.lang())
}

pub(super) trait PageExt {
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

pub(super) fn course_title(p: &Page, course_id: &str) -> String {
    catalog()
        .course(course_id)
        .map(|c| c.title.get(p.code()).to_owned())
        .unwrap_or_else(|| course_id.to_owned())
}

pub(super) fn courses(p: &Page) -> Vec<(String, String)> {
    catalog()
        .courses()
        .iter()
        .map(|c| (c.id.clone(), c.title.get(p.code()).to_owned()))
        .collect()
}

/// The login types with their name and one line of explanation.
pub(super) fn login_types(state: &AppState, p: &Page) -> Vec<(String, String, String)> {
    let mut all: Vec<_> = LOGIN_TYPES
        .iter()
        .map(|t| {
            (
                (*t).to_owned(),
                p.t(format!("sections-login-{t}")),
                p.t(format!("sections-login-{t}-hint")),
            )
        })
        .collect();
    // Then each service the operator configured: students sign in through it.
    all.extend(crate::sso::section_login_types(state, p));
    all
}

/// The name of a section's login type.
pub(super) fn login_label(state: &AppState, p: &Page, login_type: &str) -> String {
    crate::sso::section_login_label(state, p, login_type)
        .unwrap_or_else(|| p.t(format!("sections-login-{login_type}")))
}

/// What the header and the tabs of a section's pages show.
pub(super) struct Head {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) course: String,
    pub(super) login_type: String,
    pub(super) login_label: String,
    pub(super) code: String,
    pub(super) sign_in_url: String,
    pub(super) owner: bool,
    /// Which tab is this page: "progress", "students", "cards", "letter", "settings".
    pub(super) tab: &'static str,
}

impl Head {
    pub(super) fn new(state: &AppState, p: &Page, t: &Taught, tab: &'static str) -> Head {
        let s = &t.section;
        Head {
            id: s.id.clone(),
            name: s.name.clone(),
            course: course_title(p, &s.course_id),
            login_type: s.login_type.clone(),
            login_label: login_label(state, p, &s.login_type),
            code: spaced_code(&s.code),
            sign_in_url: students::sign_in_url(state, &s.code),
            owner: t.owner,
            tab,
        }
    }
    pub(super) fn tabs(&self, p: &Page) -> Vec<(String, String, bool)> {
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
pub(super) struct SecretView {
    pub(super) picture: Option<String>,
    pub(super) text: String,
}

pub(super) fn secret_view(p: &Page, s: &Secret) -> SecretView {
    match (
        s.kind.as_str(),
        crate::classrooms::secrets::picture(&s.value),
    ) {
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

pub(super) fn status_label(p: &Page, status: &str) -> String {
    p.t(format!("level-status-{status}"))
}

/// "2026-12-01 10:05" of an RFC 3339 time (which is in UTC).
pub(super) fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

/// "2026-12-01 10:05" (UTC) of a stored time, written without formatting machinery: the
/// grid writes thousands of them.
pub(super) fn push_short_time(at: kodlek_domain::Millis, out: &mut String) {
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
pub(super) fn esc(s: &str, out: &mut String) {
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

pub(super) fn query_value(uri: &Uri, key: &str) -> Option<String> {
    uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    })
}
