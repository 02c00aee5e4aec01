//! The HTML pages: server-rendered, usable without JavaScript, in English and Swedish.

use crate::accounts::{self, Me, MePatch, SignInBody, SignUp};
use crate::error::ApiError;
use crate::extract::{
    CSRF_COOKIE, ClientIp, LANG_COOKIE, Lang, MaybeSignedIn, SignedIn, cookie, read_body,
};
use crate::i18n::Tr;
use crate::{AppState, sessions};
use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kodlek_privacy::inventory::Export;
use kodlek_privacy::keys::new_token;
use serde_json::Value;
use std::collections::HashMap;

/// The date of the notice's last revision, shown on the notice page.
pub const NOTICE_REVISED: &str = "2026-12-01";
const GENDERS: [&str; 4] = ["female", "male", "nonbinary", "unspecified"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/sign-up", get(sign_up_choose))
        .route("/sign-up/{role}", get(sign_up_form).post(sign_up))
        .route("/sign-in", get(sign_in_form).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/account", get(account))
        .route("/account/profile", post(save_profile))
        .route("/account/email", post(save_email))
        .route("/account/password", post(save_password))
        .route("/account/verify-email", post(resend_verification))
        .route("/account/delete", post(delete_account))
        .route("/account/export.json", get(export_json))
        .route("/account/data", get(data_page))
        .route("/forgot-password", get(forgot_form).post(forgot))
        .route("/reset-password/{token}", get(reset_form).post(reset))
        .route("/verify-email/{token}", get(verify_form).post(verify))
        .route("/courses", get(courses_page))
        .route("/courses/{id}", get(course_page))
        .route("/levels/{id}", get(level_page))
        .route("/privacy", get(privacy))
        .route("/cookies", get(cookies))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe_form).post(unsubscribe),
        )
        .route("/static/style.css", get(style))
        .fallback(not_found)
}

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
            return Err(fail(state, p, &crate::extract::nul_refused(field)));
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

#[derive(Template)]
#[template(path = "home.html")]
struct HomeT {
    p: Page,
}

async fn home(State(state): State<AppState>, p: Page) -> Response {
    render(&state, &p, StatusCode::OK, &HomeT { p: p.clone() })
}

#[derive(Template)]
#[template(path = "sign_up_choose.html")]
struct ChooseT {
    p: Page,
}

async fn sign_up_choose(State(state): State<AppState>, p: Page) -> Response {
    render(&state, &p, StatusCode::OK, &ChooseT { p: p.clone() })
}

#[derive(Default)]
struct SignUpValues {
    display_name: String,
    age: String,
    gender: String,
    email: String,
    school_name: String,
    school_address: String,
}

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpT {
    p: Page,
    role: &'static str,
    title: &'static str,
    genders: Vec<(&'static str, String)>,
    form: SignUpValues,
}

pub(crate) fn genders(p: &Page) -> Vec<(&'static str, String)> {
    GENDERS
        .iter()
        .map(|g| (*g, p.t(format!("gender-{g}"))))
        .collect()
}

fn role_page(role: &str) -> Option<(&'static str, &'static str)> {
    match role {
        "student" => Some(("student", "sign-up-student-title")),
        "teacher" => Some(("teacher", "sign-up-teacher-title")),
        "parent" => Some(("parent", "sign-up-parent-title")),
        _ => None,
    }
}

async fn sign_up_form(
    State(state): State<AppState>,
    p: Page,
    Path(role): Path<String>,
) -> Response {
    let Some((role, title)) = role_page(&role) else {
        return not_found(State(state), p).await;
    };
    render(
        &state,
        &p,
        StatusCode::OK,
        &SignUpT {
            p: p.clone(),
            role,
            title,
            genders: genders(&p),
            form: SignUpValues::default(),
        },
    )
}

async fn sign_up(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    Path(role): Path<String>,
    form: CsrfForm,
) -> Response {
    let Some((role, title)) = role_page(&role) else {
        return not_found(State(state), p).await;
    };
    let age = match form.opt("age").map(|a| a.parse::<i64>()) {
        None => Ok(None),
        Some(Ok(a)) => Ok(Some(a)),
        Some(Err(_)) => Err(ApiError::invalid("age", "is not a whole number")),
    };
    let result = match age {
        Ok(age) => {
            let input = SignUp {
                role: role.to_owned(),
                display_name: form.get("display_name").to_owned(),
                email: form.get("email").to_owned(),
                password: form.get("password").to_owned(),
                age,
                gender: form.opt("gender"),
                school_name: form.opt("school_name"),
                school_address: form.opt("school_address"),
                remember_me: form.checked("remember_me"),
            };
            accounts::sign_up(&state, input, p.lang(), ip).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => match sessions::start(&state, &a.id, form.checked("remember_me")).await {
            Ok(c) => with_cookie(see_other("/account"), c),
            Err(e) => fail(&state, p, &e),
        },
        Err(e) => {
            let values = SignUpValues {
                display_name: form.get("display_name").to_owned(),
                age: form.get("age").to_owned(),
                gender: form.get("gender").to_owned(),
                email: form.get("email").to_owned(),
                school_name: form.get("school_name").to_owned(),
                school_address: form.get("school_address").to_owned(),
            };
            let p = p.with_alert(&e);
            render(
                &state,
                &p,
                e.status,
                &SignUpT {
                    p: p.clone(),
                    role,
                    title,
                    genders: genders(&p),
                    form: values,
                },
            )
        }
    }
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

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInT {
    p: Page,
    login: String,
}

async fn sign_in_form(State(state): State<AppState>, p: Page) -> Response {
    render(
        &state,
        &p,
        StatusCode::OK,
        &SignInT {
            p: p.clone(),
            login: String::new(),
        },
    )
}

async fn sign_in(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    form: CsrfForm,
) -> Response {
    let body = SignInBody {
        login: form.get("login").to_owned(),
        password: form.get("password").to_owned(),
        remember_me: form.checked("remember_me"),
    };
    let result = match accounts::sign_in(&state, &body, ip).await {
        Ok(a) => sessions::start(&state, &a.id, body.remember_me).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => with_cookie(see_other("/account"), c),
        Err(e) => {
            let p = p.with_alert(&e);
            let mut r = render(
                &state,
                &p,
                e.status,
                &SignInT {
                    p: p.clone(),
                    login: body.login,
                },
            );
            if let Some(s) = e.retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(s));
            }
            r
        }
    }
}

async fn sign_out(
    State(state): State<AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    _form: CsrfForm,
) -> Response {
    if let Some(me) = me
        && let Err(e) = state.store.delete_session(&me.session.token_hash).await
    {
        return ApiError::from(e).into_response();
    }
    // Classroom computers are shared: the browser forgets what it kept for the learner too.
    let mut r = with_cookie(
        see_other("/?done=signed-out"),
        sessions::clear_cookie(&state),
    );
    r.headers_mut()
        .insert("clear-site-data", HeaderValue::from_static("\"storage\""));
    r
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountT {
    p: Page,
    me: Me,
    role_label: String,
    genders: Vec<(&'static str, String)>,
}

async fn account(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    account_page(&state, p, &me, StatusCode::OK)
}

pub(crate) fn account_page(
    state: &AppState,
    p: Page,
    me: &SignedIn,
    status: StatusCode,
) -> Response {
    let view = Me::of(state, &me.account);
    let role_label = p.t(format!("role-{}", view.role));
    render(
        state,
        &p,
        status,
        &AccountT {
            p: p.clone(),
            me: view,
            role_label,
            genders: genders(&p),
        },
    )
}

/// Applies a change from one of the account forms; on error the page says what to fix.
async fn apply(
    state: &AppState,
    p: Page,
    me: Option<SignedIn>,
    patch: Result<MePatch, ApiError>,
    done: &str,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    let result = match patch {
        Ok(patch) => accounts::update_me(state, &me, patch, p.lang()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other(&format!("/account?done={done}")),
        Err(e) => {
            let status = e.status;
            account_page(state, p.with_alert(&e), &me, status)
        }
    }
}

async fn save_profile(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let role = me.as_ref().map(|m| m.account.role);
    let mut patch = MePatch {
        display_name: Some(form.get("display_name").to_owned()),
        ..MePatch::default()
    };
    let mut parsed = Ok(());
    match role {
        Some(kodlek_domain::Role::Student) => {
            match form.get("age").trim().parse::<i64>() {
                Ok(a) => patch.age = Some(Some(a)),
                Err(_) => parsed = Err(ApiError::invalid("age", "is not a whole number")),
            }
            patch.gender = Some(form.opt("gender"));
        }
        Some(kodlek_domain::Role::Teacher) => {
            patch.school_name = Some(form.opt("school_name"));
            patch.school_address = Some(form.opt("school_address"));
        }
        _ => {}
    }
    apply(&state, p, me, parsed.map(|_| patch), "saved").await
}

async fn save_email(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let patch = MePatch {
        email: Some(form.get("email").to_owned()),
        current_password: Some(form.get("current_password").to_owned()),
        ..MePatch::default()
    };
    apply(&state, p, me, Ok(patch), "email-saved").await
}

async fn save_password(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let patch = MePatch {
        password: Some(form.get("password").to_owned()),
        current_password: Some(form.get("current_password").to_owned()),
        ..MePatch::default()
    };
    apply(&state, p, me, Ok(patch), "password-changed").await
}

async fn resend_verification(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    MaybeSignedIn(me): MaybeSignedIn,
    _form: CsrfForm,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    match accounts::resend_verification(&state, &me, p.lang(), ip).await {
        Ok(()) => see_other("/account?done=verification-sent"),
        Err(e) => {
            let status = e.status;
            account_page(&state, p.with_alert(&e), &me, status)
        }
    }
}

async fn delete_account(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    match accounts::delete_me(&state, &me, form.get("password")).await {
        Ok(()) => with_cookie(see_other("/?done=deleted"), sessions::clear_cookie(&state)),
        Err(e) => {
            let status = e.status;
            account_page(&state, p.with_alert(&e), &me, status)
        }
    }
}

async fn export_json(State(state): State<AppState>, MaybeSignedIn(me): MaybeSignedIn) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    match accounts::export(&state, &me.account).await {
        Ok(v) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"kodlek-my-data.json\"",
                ),
            ],
            serde_json::to_string_pretty(&v).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

struct DataTable {
    title: String,
    rows: Vec<Vec<(String, String)>>,
}

#[derive(Template)]
#[template(path = "data.html")]
struct DataT {
    p: Page,
    tables: Vec<DataTable>,
    generated: String,
}

/// A stored value as a person reads it.
fn shown(p: &Page, export: Export, column: &str, v: &Value) -> String {
    match (export, v) {
        (Export::Presence, Value::Bool(true)) => p.t("data-yes-stored"),
        (Export::Presence, _) | (_, Value::Null) => p.t("data-not-stored"),
        (_, Value::Bool(b)) => p.t(if *b { "data-true" } else { "data-false" }),
        (_, Value::Number(n)) if column.ends_with("_at") => {
            n.as_i64().map(kodlek_domain::rfc3339).unwrap_or_default()
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

async fn data_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    let inv = &state.inventory;
    let mut tables = Vec::new();
    for (table, owner) in inv.owned_tables() {
        let rows = match state
            .store
            .rows_owned_by(table, owner, &me.account.id)
            .await
        {
            Ok(r) => r,
            Err(e) => return ApiError::from(e).into_response(),
        };
        let rows = rows
            .iter()
            .map(|row| {
                inv.columns_of(table)
                    .filter(|c| c.export != Export::No)
                    .map(|c| {
                        let v = match c.export {
                            Export::Decrypted => row
                                .get(&c.column)
                                .and_then(Value::as_str)
                                .and_then(|s| state.keys.decrypt(s))
                                .map(Value::String)
                                .unwrap_or(Value::Null),
                            _ => row.get(&c.column).cloned().unwrap_or(Value::Null),
                        };
                        (
                            c.describe(p.code()).to_owned(),
                            shown(&p, c.export, &c.column, &v),
                        )
                    })
                    .collect()
            })
            .collect();
        let t = &inv.tables[table];
        tables.push(DataTable {
            title: if p.code() == "sv" {
                t.sv.clone()
            } else {
                t.en.clone()
            },
            rows,
        });
    }
    let generated = kodlek_domain::rfc3339(kodlek_domain::now_millis());
    render(
        &state,
        &p,
        StatusCode::OK,
        &DataT {
            p: p.clone(),
            tables,
            generated,
        },
    )
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotT {
    p: Page,
}

async fn forgot_form(State(state): State<AppState>, p: Page) -> Response {
    render(&state, &p, StatusCode::OK, &ForgotT { p: p.clone() })
}

async fn forgot(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    form: CsrfForm,
) -> Response {
    if let Err(e) = accounts::request_reset(&state, form.get("email"), p.lang(), ip).await {
        // A mistyped address: the form again, with what to fix.
        let p = p.with_alert(&e);
        return render(&state, &p, e.status, &ForgotT { p: p.clone() });
    }
    let mut p = p;
    p.done = Some("forgot-sent".into());
    render(&state, &p, StatusCode::OK, &ForgotT { p: p.clone() })
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetT {
    p: Page,
    token: String,
}

fn plain_token(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 64
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

async fn reset_form(State(state): State<AppState>, p: Page, Path(token): Path<String>) -> Response {
    if !plain_token(&token) {
        return not_found(State(state), p).await;
    }
    render(
        &state,
        &p,
        StatusCode::OK,
        &ResetT {
            p: p.clone(),
            token,
        },
    )
}

async fn reset(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
    form: CsrfForm,
) -> Response {
    match accounts::complete_reset(&state, &token, form.get("password")).await {
        Ok(()) => see_other("/sign-in?done=password-set"),
        Err(e) if e.code == "not_found" => {
            let p = p.with_alert_key("reset-invalid");
            render(&state, &p, StatusCode::NOT_FOUND, &ErrorT { p: p.clone() })
        }
        Err(e) => {
            let p = p.with_alert(&e);
            let token = if plain_token(&token) {
                token
            } else {
                String::new()
            };
            render(
                &state,
                &p,
                e.status,
                &ResetT {
                    p: p.clone(),
                    token,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmT {
    p: Page,
    title: &'static str,
    lead: &'static str,
    submit: &'static str,
    form_id: &'static str,
    action: Option<String>,
    with_csrf: bool,
}

async fn verify_form(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
) -> Response {
    if !plain_token(&token) {
        return not_found(State(state), p).await;
    }
    // A button, not the link itself, confirms: mail scanners that open links must not verify.
    let t = ConfirmT {
        p: p.clone(),
        title: "verify-title",
        lead: "verify-lead",
        submit: "verify-submit",
        form_id: "verify-form",
        action: Some(format!("/verify-email/{token}")),
        with_csrf: true,
    };
    render(&state, &p, StatusCode::OK, &t)
}

async fn verify(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
    _form: CsrfForm,
) -> Response {
    let (p, status) = match accounts::verify_email(&state, &token).await {
        Ok(()) => (p.with_done("verify-done"), StatusCode::OK),
        Err(e) if e.code == "not_found" => {
            (p.with_alert_key("verify-invalid"), StatusCode::NOT_FOUND)
        }
        Err(e) => return fail(&state, p, &e),
    };
    let t = ConfirmT {
        p: p.clone(),
        title: "verify-title",
        lead: "",
        submit: "",
        form_id: "",
        action: None,
        with_csrf: false,
    };
    render(&state, &p, status, &t)
}

async fn unsubscribe_form(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
) -> Response {
    let valid = state.keys.unsubscribe_key(&token).is_some();
    let (p, status, action) = if valid {
        (p, StatusCode::OK, Some(format!("/unsubscribe/{token}")))
    } else {
        (
            p.with_alert_key("unsubscribe-invalid"),
            StatusCode::NOT_FOUND,
            None,
        )
    };
    let t = ConfirmT {
        p: p.clone(),
        title: "unsubscribe-title",
        lead: "unsubscribe-lead",
        submit: "unsubscribe-submit",
        form_id: "unsubscribe-form",
        action,
        with_csrf: false,
    };
    render(&state, &p, status, &t)
}

/// One click, no sign-in: the token alone authorises it (RFC 8058 one-click POSTs land here too).
async fn unsubscribe(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
) -> Response {
    let (p, status) = match state.keys.unsubscribe_key(&token) {
        Some(key) => match state
            .store
            .add_unsubscribe(&key, kodlek_domain::now_millis())
            .await
        {
            Ok(()) => (p.with_done("unsubscribe-done"), StatusCode::OK),
            Err(e) => return fail(&state, p, &ApiError::from(e)),
        },
        None => (
            p.with_alert_key("unsubscribe-invalid"),
            StatusCode::NOT_FOUND,
        ),
    };
    let t = ConfirmT {
        p: p.clone(),
        title: "unsubscribe-title",
        lead: "",
        submit: "",
        form_id: "",
        action: None,
        with_csrf: false,
    };
    render(&state, &p, status, &t)
}

struct NoticeRow {
    what: String,
    table: String,
    who: String,
    how_long: String,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticeT {
    p: Page,
    title: &'static str,
    revised: &'static str,
    other_lang: &'static str,
    before: &'static str,
    after: &'static str,
    rows: Vec<NoticeRow>,
}

const PRIVACY_EN: &str = include_str!("../texts/privacy.en.html");
const PRIVACY_SV: &str = include_str!("../texts/privacy.sv.html");
const COOKIES_EN: &str = include_str!("../texts/cookies.en.html");
const COOKIES_SV: &str = include_str!("../texts/cookies.sv.html");
const TABLE_MARK: &str = "<!-- data-table -->";

/// The data table of the notice, one row per stored column, from the inventory.
fn notice_rows(state: &AppState, p: &Page) -> Vec<NoticeRow> {
    let sv = p.code() == "sv";
    state
        .inventory
        .columns
        .iter()
        .map(|c| {
            let t = &state.inventory.tables[&c.table];
            let who = if c.audiences.is_empty() {
                p.t("audience-nobody")
            } else {
                c.audiences
                    .iter()
                    .map(|a| p.t(format!("audience-{a}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            NoticeRow {
                what: c.describe(p.code()).to_owned(),
                table: if sv { t.sv.clone() } else { t.en.clone() },
                who,
                how_long: p.t(format!("retention-{}", c.retention)),
            }
        })
        .collect()
}

fn notice(
    state: &AppState,
    p: Page,
    title: &'static str,
    text: &'static str,
    with_table: bool,
) -> Response {
    let (before, after) = text.split_once(TABLE_MARK).unwrap_or((text, ""));
    let rows = if with_table {
        notice_rows(state, &p)
    } else {
        Vec::new()
    };
    let other_lang = if p.code() == "sv" { "en" } else { "sv" };
    let t = NoticeT {
        p: p.clone(),
        title,
        revised: NOTICE_REVISED,
        other_lang,
        before,
        after,
        rows,
    };
    render(state, &p, StatusCode::OK, &t)
}

async fn privacy(State(state): State<AppState>, p: Page) -> Response {
    let text = if p.code() == "sv" {
        PRIVACY_SV
    } else {
        PRIVACY_EN
    };
    notice(&state, p, "privacy-title", text, true)
}

async fn cookies(State(state): State<AppState>, p: Page) -> Response {
    let text = if p.code() == "sv" {
        COOKIES_SV
    } else {
        COOKIES_EN
    };
    notice(&state, p, "cookies-title", text, false)
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

struct CourseCard {
    id: String,
    title: String,
    description: String,
    count: String,
}

#[derive(Template)]
#[template(path = "courses.html")]
struct CoursesT {
    p: Page,
    courses: Vec<CourseCard>,
    resume: Option<(String, ())>,
}

/// The best status of each level the learner has tried (signed in; else nothing).
async fn best_statuses(
    state: &AppState,
    me: Option<&SignedIn>,
) -> Result<Vec<kodlek_store::ProgressRecord>, ApiError> {
    match me {
        Some(me) => Ok(state.store.progress_of(&me.account.id).await?),
        None => Ok(Vec::new()),
    }
}

async fn courses_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Response {
    let progress = match best_statuses(&state, me.as_ref()).await {
        Ok(p) => p,
        Err(e) => return fail(&state, p, &e),
    };
    let resume = crate::courses::resume(&progress).map(|r| (format!("/levels/{}", r.level_id), ()));
    let courses = kodlek_puzzles::catalog()
        .courses()
        .iter()
        .map(|c| CourseCard {
            id: c.id.clone(),
            title: c.title.get(p.code()).to_owned(),
            description: c.description.get(p.code()).to_owned(),
            count: p.args("course-levels", "count", c.level_count().to_string()),
        })
        .collect();
    render(
        &state,
        &p,
        StatusCode::OK,
        &CoursesT {
            p: p.clone(),
            courses,
            resume,
        },
    )
}

struct Bubble {
    id: String,
    number: usize,
    title: String,
    status: String,
    label: String,
}

struct LessonView {
    title: String,
    levels: Vec<Bubble>,
}

#[derive(Template)]
#[template(path = "course.html")]
struct CourseT {
    p: Page,
    title: String,
    lessons: Vec<LessonView>,
    labels: Vec<(&'static str, String)>,
}

const STATUSES: [&str; 5] = ["none", "failed", "completed", "passed", "perfect"];

async fn course_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(course) = kodlek_puzzles::catalog().course(&id) else {
        return not_found(State(state), p).await;
    };
    let progress = match best_statuses(&state, me.as_ref()).await {
        Ok(p) => p,
        Err(e) => return fail(&state, p, &e),
    };
    let labels: Vec<(&'static str, String)> = STATUSES
        .iter()
        .map(|s| (*s, p.t(format!("level-status-{s}"))))
        .collect();
    let mut number = 0;
    let lessons = course
        .lessons
        .iter()
        .map(|lesson| LessonView {
            title: lesson.title.get(p.code()).to_owned(),
            levels: lesson
                .levels
                .iter()
                .map(|l| {
                    number += 1;
                    let status = progress
                        .iter()
                        .find(|r| r.level_id == l.id)
                        .map(|r| r.best_status.clone())
                        .unwrap_or_else(|| "none".into());
                    let label = p.t(format!("level-status-{status}"));
                    Bubble {
                        id: l.id.clone(),
                        number,
                        title: l.title.get(p.code()).to_owned(),
                        status,
                        label,
                    }
                })
                .collect(),
        })
        .collect();
    let title = course.title.get(p.code()).to_owned();
    render(
        &state,
        &p,
        StatusCode::OK,
        &CourseT {
            p: p.clone(),
            title,
            lessons,
            labels,
        },
    )
}

#[derive(Template)]
#[template(path = "level.html")]
struct LevelT {
    p: Page,
    title: String,
    instructions: String,
    course_id: String,
    next_url: String,
    is_prompt: bool,
    /// The level data for the editor, as JSON safe to place inside a script element.
    data: String,
}

/// Texts the editor needs, by the keys it looks them up with.
const LEVEL_TEXTS: [(&str, &str); 43] = [
    ("run", "level-run"),
    ("running", "level-running"),
    ("reset", "level-reset"),
    ("next", "level-next"),
    ("success_perfect", "level-success-perfect"),
    ("success_passed", "level-success-passed"),
    ("failed_crashed", "level-failed-crashed"),
    ("failed_not_reached_goal", "level-failed-not-reached-goal"),
    ("failed_too_many_steps", "level-failed-too-many-steps"),
    ("failed_block_not_allowed", "level-failed-block-not-allowed"),
    (
        "failed_missing_required_block",
        "level-failed-missing-required-block",
    ),
    ("failed_wrong_drawing", "level-failed-wrong-drawing"),
    ("completed", "level-completed"),
    ("invalid_program", "level-invalid-program"),
    ("error_network", "level-error-network"),
    ("submit_answer", "level-answer-submit"),
    ("block_when_run", "block-when-run"),
    ("block_move_forward", "block-move-forward"),
    ("block_turn_left", "block-turn-left"),
    ("block_turn_right", "block-turn-right"),
    ("block_forever", "block-forever"),
    ("block_if", "block-if"),
    ("block_else", "block-else"),
    ("block_path_forward", "block-path-forward"),
    ("block_path_left", "block-path-left"),
    ("block_path_right", "block-path-right"),
    ("block_repeat", "block-repeat"),
    ("block_times", "block-times"),
    ("block_artist_forward", "block-artist-forward"),
    ("block_artist_backward", "block-artist-backward"),
    ("block_artist_turn_left", "block-artist-turn-left"),
    ("block_artist_turn_right", "block-artist-turn-right"),
    ("block_degrees", "block-degrees"),
    ("block_pen_up", "block-pen-up"),
    ("block_pen_down", "block-pen-down"),
    ("block_colour", "block-colour"),
    ("status_none", "level-status-none"),
    ("status_failed", "level-status-failed"),
    ("status_completed", "level-status-completed"),
    ("status_passed", "level-status-passed"),
    ("status_perfect", "level-status-perfect"),
    ("not_saved", "not-saved-banner"),
    ("stage", "level-stage"),
];

async fn level_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some((course, level)) = kodlek_puzzles::catalog().level(&id) else {
        return not_found(State(state), p).await;
    };
    // A returning learner sees their own last program for the level.
    let saved = match &me {
        // Carried as the stored text, never built into a tree (see `stored_program_json`), so
        // that a long chain of blocks comes back whole.
        Some(me) => match state.store.attempts_of(&me.account.id, &id).await {
            Ok(a) => a
                .into_iter()
                .rev()
                .find_map(|a| a.program.and_then(crate::courses::stored_program_json)),
            Err(e) => return fail(&state, p, &ApiError::from(e)),
        },
        None => None,
    };
    let next_url = kodlek_puzzles::catalog()
        .next_level(&id)
        .map(|n| format!("/levels/{}", n.id))
        .unwrap_or_else(|| format!("/courses/{}", course.id));
    let texts: serde_json::Map<String, Value> = LEVEL_TEXTS
        .iter()
        .map(|(k, key)| ((*k).to_owned(), Value::String(p.t(key))))
        .collect();
    #[derive(serde::Serialize)]
    struct LevelData<'a> {
        level: Value,
        signed_in: bool,
        lang: &'a str,
        next_url: &'a str,
        saved_program: Option<kodlek_puzzles::ProgramJson>,
        texts: serde_json::Map<String, Value>,
    }
    let data = LevelData {
        level: level.to_json(p.code()),
        signed_in: me.is_some(),
        lang: p.code(),
        next_url: &next_url,
        saved_program: saved,
        texts,
    };
    // Inside a script element, "<" must not start a tag: escape it (JSON allows \u003c).
    let data = serde_json::to_string(&data)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let t = LevelT {
        p: p.clone(),
        title: level.title.get(p.code()).to_owned(),
        instructions: level.instructions.get(p.code()).to_owned(),
        course_id: course.id.clone(),
        next_url,
        is_prompt: level.kind == kodlek_puzzles::LevelKind::Prompt,
        data,
    };
    render(&state, &p, StatusCode::OK, &t)
}
