//! The accounts' pages: signing up and in, the account, its data, password resets and mail links.

use crate::AppState;
use crate::accounts::{self, Me, MePatch, SignInBody, SignUp};
use crate::kit::error::ApiError;
use crate::kit::extract::{ClientIp, MaybeSignedIn, SignedIn};
use crate::kit::page::{
    CsrfForm, ErrorT, Page, fail, genders, not_found, render, see_other, with_cookie,
};
use crate::kit::sessions;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kodlek_privacy::inventory::Export;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
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
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe_form).post(unsubscribe),
        )
}

#[derive(Template)]
#[template(path = "accounts/sign_up_choose.html")]
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
    parent_email: String,
}

#[derive(Template)]
#[template(path = "accounts/sign_up.html")]
struct SignUpT {
    p: Page,
    role: &'static str,
    title: &'static str,
    genders: Vec<(&'static str, String)>,
    form: SignUpValues,
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
                // The form always shows the field to students; it is a parent's only under 13.
                parent_email: form
                    .opt("parent_email")
                    .filter(|_| role == "student" && age.is_some_and(|a| a < 13)),
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
                parent_email: form.get("parent_email").to_owned(),
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

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignInT {
    p: Page,
    login: String,
    /// The services one may sign in with instead.
    sso_buttons: Vec<(String, String)>,
}

async fn sign_in_form(State(state): State<AppState>, p: Page) -> Response {
    render(
        &state,
        &p,
        StatusCode::OK,
        &SignInT {
            p: p.clone(),
            login: String::new(),
            sso_buttons: crate::sso::buttons(&state),
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
        totp: form.opt("totp"),
    };
    let result = match accounts::sign_in(&state, &body, ip).await {
        Ok(a) => match sessions::start_for(&state, &a, body.remember_me).await {
            // An unanswered consent question comes first (promise NOTICE-3).
            Ok(c) => match crate::notices::unanswered_consent(&state, &a, p.lang()).await {
                Ok(Some(_)) => Ok((c, "/consent")),
                Ok(None) => Ok((c, "/account")),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok((c, next)) => with_cookie(see_other(next), c),
        Err(e) => {
            let p = p.with_alert(&e);
            let mut r = render(
                &state,
                &p,
                e.status,
                &SignInT {
                    p: p.clone(),
                    login: body.login,
                    sso_buttons: crate::sso::buttons(&state),
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
#[template(path = "accounts/account.html")]
struct AccountT {
    p: Page,
    me: Me,
    role_label: String,
    genders: Vec<(&'static str, String)>,
    /// Who at Kodlek has looked at the user's data: the staff role and reason, never who.
    access_log: Vec<crate::staff::AccessLogEntry>,
    /// The user's notices and consent answers (the notices feature's).
    notices: Vec<crate::notices::NoticeEntry>,
    consents: Vec<crate::notices::ConsentView>,
    /// Linked parents, or a parent's children (the families feature's).
    family: crate::families::FamilySection,
    /// Whether the media page is offered (a learner aged 13 or more).
    media: bool,
    /// The services linked, and those that may be (the sign-in feature's).
    sso: crate::sso::AccountSection,
}

async fn account(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    account_page(&state, p, &me, StatusCode::OK).await
}

pub(crate) async fn account_page(
    state: &AppState,
    p: Page,
    me: &SignedIn,
    status: StatusCode,
) -> Response {
    let view = Me::of(state, &me.account);
    let role_label = p.t(format!("role-{}", view.role));
    let access_log = match crate::staff::access_log(state, &me.account.id).await {
        Ok(l) => l,
        Err(e) => return fail(state, p, &e),
    };
    let section = match crate::notices::account_section(state, &me.account, p.lang()).await {
        Ok(s) => s,
        Err(e) => return fail(state, p, &e),
    };
    let family = match crate::families::account_section(state, &me.account).await {
        Ok(f) => f,
        Err(e) => return fail(state, p, &e),
    };
    let sso = match crate::sso::account_section(state, &me.account).await {
        Ok(s) => s,
        Err(e) => return fail(state, p, &e),
    };
    render(
        state,
        &p,
        status,
        &AccountT {
            p: p.clone(),
            me: view,
            role_label,
            genders: genders(&p),
            access_log,
            notices: section.notices,
            consents: section.consents,
            family,
            media: crate::media::offered_to(&me.account),
            sso,
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
            account_page(state, p.with_alert(&e), &me, status).await
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
            account_page(&state, p.with_alert(&e), &me, status).await
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
            account_page(&state, p.with_alert(&e), &me, status).await
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
#[template(path = "accounts/data.html")]
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
#[template(path = "accounts/forgot.html")]
struct ForgotT {
    p: Page,
    /// What was typed, given back with its error so that a typo is fixed, not retyped.
    email: String,
}

async fn forgot_form(State(state): State<AppState>, p: Page) -> Response {
    let email = String::new();
    render(
        &state,
        &p,
        StatusCode::OK,
        &ForgotT {
            p: p.clone(),
            email,
        },
    )
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
        let email = form.get("email").to_owned();
        return render(
            &state,
            &p,
            e.status,
            &ForgotT {
                p: p.clone(),
                email,
            },
        );
    }
    let mut p = p;
    p.done = Some("forgot-sent".into());
    let email = String::new();
    render(
        &state,
        &p,
        StatusCode::OK,
        &ForgotT {
            p: p.clone(),
            email,
        },
    )
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
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
#[template(path = "accounts/confirm.html")]
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
