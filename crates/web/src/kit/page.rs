//! What every page shares: the `Page` each handler gets, rendering, redirects, the form
//! token check and the error page.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{CSRF_COOKIE, LANG_COOKIE, Lang, MaybeSignedIn, cookie, read_body};
use crate::kit::i18n::Tr;
use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kodlek_privacy::keys::new_token;
use std::collections::HashMap;

const GENDERS: [&str; 4] = ["female", "male", "nonbinary", "unspecified"];

/// What every page knows: the language, the form token, whether someone is signed in, and
/// the one-line status or alert to show.
#[derive(Clone)]
pub struct Page {
    tr: Tr,
    pub csrf: String,
    pub signed_in: bool,
    /// The role of the signed-in account, for the links only some roles have.
    pub role: Option<kodlek_domain::Role>,
    pub done: Option<String>,
    pub alert: Option<String>,
    new_csrf: bool,
    chose_lang: bool,
}

impl Page {
    pub fn t(&self, key: impl AsRef<str>) -> String {
        self.tr.t(key.as_ref())
    }
    pub fn args(&self, key: &str, name: &str, value: impl AsRef<str>) -> String {
        self.tr.args(key, &[(name, value.as_ref())])
    }
    /// A text with several placeables.
    pub fn args_all(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.tr.args(key, args)
    }
    pub fn code(&self) -> &'static str {
        self.tr.code()
    }
    pub(crate) fn lang(&self) -> Lang {
        self.tr.lang
    }
    fn secure(state: &AppState) -> &'static str {
        if state.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    }
    /// The cookies this page sets: a form token on first visit, the language when chosen.
    fn cookies(&self, state: &AppState) -> Vec<HeaderValue> {
        let mut out = Vec::new();
        if self.new_csrf {
            let c = format!(
                "{CSRF_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{}",
                self.csrf,
                Self::secure(state)
            );
            out.push(HeaderValue::from_str(&c).expect("ASCII"));
        }
        if self.chose_lang {
            let c = format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
                self.code(),
                Self::secure(state)
            );
            out.push(HeaderValue::from_str(&c).expect("ASCII"));
        }
        out
    }
    pub(crate) fn with_alert(mut self, e: &ApiError) -> Page {
        self.alert = Some(alert_text(&self.tr, e));
        self
    }
    pub(crate) fn with_alert_key(mut self, key: &str) -> Page {
        self.alert = Some(self.tr.t(key));
        self
    }
    /// The same page in another language: for a page whose language is its link's (a parent's
    /// page in the language their child chose), until the reader switches with `?lang=`.
    pub(crate) fn in_lang(mut self, lang: Lang) -> Page {
        self.tr = Tr::new(lang);
        self
    }
    pub(crate) fn with_done(mut self, key: &str) -> Page {
        self.done = Some(key.to_owned());
        self
    }
}

/// The page's words for an API error, naming the field where one was wrong.
pub(crate) fn alert_text(tr: &Tr, e: &ApiError) -> String {
    let key = match e.code {
        "invalid_field" => {
            let field = e.message.split(':').next().unwrap_or("").replace('_', "-");
            return tr
                .try_t(&format!("invalid-{field}"))
                .unwrap_or_else(|| tr.t("invalid-other"));
        }
        "email_taken" => "email-taken",
        "username_taken" => "username-taken",
        "invalid_credentials" => "invalid-credentials",
        "reauthentication_required" => "reauthentication-required",
        "managed_by_teacher" => "managed-by-teacher",
        "rate_limited" => "rate-limited",
        // Newer codes have a text under the same name, dashed ("wrong-login-type").
        other => {
            return tr
                .try_t(&other.replace('_', "-"))
                .unwrap_or_else(|| tr.t("something-went-wrong"));
        }
    };
    tr.t(key)
}

impl FromRequestParts<AppState> for Page {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (lang, chose_lang) = Lang::from_parts(parts);
        let (csrf, new_csrf) = match cookie(parts, CSRF_COOKIE) {
            Some(c) if c.len() >= 16 && c.len() <= 64 => (c.to_owned(), false),
            _ => (new_token(), true),
        };
        let me = MaybeSignedIn::from_request_parts(parts, state).await?.0;
        let signed_in = me.is_some();
        let role = me.map(|m| m.account.role);
        // `?done=saved` shows the text `done-saved`; only names that have such a text.
        let tr = Tr::new(lang);
        let done = parts.uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, v)| {
                    k == "done"
                        && v.len() <= 40
                        && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                })
                .map(|(_, v)| format!("done-{v}"))
                .filter(|key| tr.try_t(key).is_some())
        });
        Ok(Page {
            tr,
            csrf,
            signed_in,
            role,
            done,
            alert: None,
            new_csrf,
            chose_lang,
        })
    }
}

pub(crate) fn render<T: Template>(
    state: &AppState,
    p: &Page,
    status: StatusCode,
    t: &T,
) -> Response {
    match t.render() {
        Ok(body) => {
            let mut r = (status, Html(body)).into_response();
            for c in p.cookies(state) {
                r.headers_mut().append(header::SET_COOKIE, c);
            }
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "a template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// JSON for a `<script type="application/json">`: no "<" may start a tag inside it (JSON
/// allows `\u003c` instead).
pub(crate) fn script_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub(crate) fn with_cookie(mut r: Response, c: HeaderValue) -> Response {
    r.headers_mut().append(header::SET_COOKIE, c);
    r
}

/// A form body whose token matches the form cookie; otherwise a page that asks to try again.
pub struct CsrfForm(pub HashMap<String, String>);

impl CsrfForm {
    pub(crate) fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }
    pub(crate) fn opt(&self, k: &str) -> Option<String> {
        self.0
            .get(k)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
    pub(crate) fn checked(&self, k: &str) -> bool {
        !self.get(k).is_empty()
    }
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = Response;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let expected = cookie(&parts, CSRF_COOKIE).map(str::to_owned);
        let bytes = read_body(body).await.map_err(IntoResponse::into_response)?;
        let form: HashMap<String, String> = form_urlencoded::parse(&bytes).into_owned().collect();
        // U+0000 is refused in every text, as in the API: PostgreSQL cannot store it.
        if let Some((k, _)) = form
            .iter()
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            let p = Page::from_request_parts(&mut parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
            let field = if k.contains('\0') { "form" } else { k.as_str() };
            return Err(fail(state, p, &crate::kit::extract::nul_refused(field)));
        }
        match (expected, form.get("csrf_token")) {
            (Some(e), Some(got)) if !e.is_empty() && &e == got => Ok(CsrfForm(form)),
            _ => {
                let p = Page::from_request_parts(&mut parts, state)
                    .await
                    .map_err(IntoResponse::into_response)?;
                let p = p.with_alert_key("form-expired");
                Err(render(
                    state,
                    &p,
                    StatusCode::FORBIDDEN,
                    &ErrorT { p: p.clone() },
                ))
            }
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorT {
    pub(crate) p: Page,
}

pub(crate) async fn not_found(State(state): State<AppState>, p: Page) -> Response {
    let p = p.with_alert_key("page-not-found");
    render(&state, &p, StatusCode::NOT_FOUND, &ErrorT { p: p.clone() })
}

pub(crate) fn genders(p: &Page) -> Vec<(&'static str, String)> {
    GENDERS
        .iter()
        .map(|g| (*g, p.t(format!("gender-{g}"))))
        .collect()
}

pub(crate) fn fail(state: &AppState, p: Page, e: &ApiError) -> Response {
    let p = p.with_alert(e);
    let mut r = render(state, &p, e.status, &ErrorT { p: p.clone() });
    if let Some(s) = e.retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}
