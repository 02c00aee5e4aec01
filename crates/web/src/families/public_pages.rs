//! The pages anyone with a link reaches: the parent's permission page, the confirmation of a
//! request, and the public form for a parent without a link.

use crate::AppState;
use crate::families::permission::{self, Decision};
use crate::families::requests::{self, Action, PublicRequest};
use crate::kit::extract::{ClientIp, Lang};
use crate::kit::page::{CsrfForm, Page, fail, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/permissions/{token}",
            get(permission_page).post(permission_answer),
        )
        .route("/parent-requests", get(form_page).post(send))
        .route("/parent-requests/{token}", get(confirm_page).post(confirm))
}

#[derive(Template)]
#[template(path = "families/permission.html")]
struct PermissionT {
    p: Page,
    token: String,
    /// None: the link is unknown, used or expired.
    name: Option<String>,
    /// After the answer: "granted" or "declined".
    outcome: Option<String>,
    family_code: Option<String>,
    /// The same page in the other language.
    other_lang: &'static str,
}

fn other(p: &Page) -> &'static str {
    if p.code() == "sv" { "en" } else { "sv" }
}

/// The page speaks the child's choice of language unless the reader switched with `?lang=`.
async fn permission_page(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
    uri: axum::http::Uri,
) -> Response {
    let found = match permission::open_request(&state, &token).await {
        Ok(f) => f,
        Err(e) => return fail(&state, p, &e),
    };
    let chose = uri.query().is_some_and(|q| q.contains("lang="));
    let p = match &found {
        Some((r, _)) if !chose && r.lang != p.code() => {
            p.in_lang(Lang::parse(&r.lang).unwrap_or(Lang::En))
        }
        _ => p,
    };
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let t = PermissionT {
        p: p.clone(),
        other_lang: other(&p),
        name: found.map(|(_, a)| a.display_name),
        token,
        outcome: None,
        family_code: None,
    };
    render(&state, &p, status, &t)
}

async fn permission_answer(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
    form: CsrfForm,
) -> Response {
    let decision = match form.get("decision") {
        "grant" => Decision::Grant,
        "decline" => Decision::Decline,
        _ => {
            return fail(
                &state,
                p,
                &crate::kit::error::ApiError::invalid("decision", "choose yes or no"),
            );
        }
    };
    let name = match permission::open_request(&state, &token).await {
        Ok(Some((_, a))) => a.display_name,
        Ok(None) => String::new(),
        Err(e) => return fail(&state, p, &e),
    };
    match permission::decide(&state, &token, decision).await {
        Ok(answer) => {
            let t = PermissionT {
                p: p.clone(),
                other_lang: other(&p),
                name: Some(name),
                token,
                outcome: Some(answer.status),
                family_code: answer.family_code,
            };
            render(&state, &p, StatusCode::OK, &t)
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            let t = PermissionT {
                p: p.clone(),
                other_lang: other(&p),
                name: None,
                token,
                outcome: None,
                family_code: None,
            };
            render(&state, &p, StatusCode::NOT_FOUND, &t)
        }
        Err(e) => fail(&state, p, &e),
    }
}

#[derive(Template)]
#[template(path = "families/request_confirm.html")]
struct ConfirmT {
    p: Page,
    token: String,
    /// What was asked, in words; None when the link is unknown, used or expired.
    lead: Option<String>,
    /// After confirming: "done", "awaiting_review" or "refused".
    outcome: Option<String>,
}

async fn confirm_page(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
) -> Response {
    let found = match requests::awaiting(&state, &token).await {
        Ok(f) => f,
        Err(e) => return fail(&state, p, &e),
    };
    let lead = match &found {
        Some(r) => {
            let child = match (&r.child_display_name, &r.child_id) {
                (Some(n), _) => n.clone(),
                (None, Some(id)) => match state.store.account_by_id(id).await {
                    Ok(a) => a.map(|a| a.display_name).unwrap_or_default(),
                    Err(e) => return fail(&state, p, &e.into()),
                },
                _ => String::new(),
            };
            let action = p.t(format!("family-action-{}", r.action.replace('_', "-")));
            Some(p.args_all(
                "request-confirm-lead",
                &[("action", &action), ("child", &child)],
            ))
        }
        None => None,
    };
    let status = if lead.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let t = ConfirmT {
        p: p.clone(),
        token,
        lead,
        outcome: None,
    };
    render(&state, &p, status, &t)
}

async fn confirm(
    State(state): State<AppState>,
    p: Page,
    Path(token): Path<String>,
    _form: CsrfForm,
) -> Response {
    let (status, outcome) = match requests::confirm(&state, &token).await {
        Ok(r) => (StatusCode::OK, Some(r.status)),
        Err(e) if e.status == StatusCode::NOT_FOUND => (StatusCode::NOT_FOUND, None),
        Err(e) => return fail(&state, p, &e),
    };
    let t = ConfirmT {
        p: p.clone(),
        token,
        lead: None,
        outcome,
    };
    render(&state, &p, status, &t)
}

/// What was typed, given back with an error.
#[derive(Default)]
struct Typed {
    parent_name: String,
    parent_email: String,
    child_display_name: String,
    section_code: String,
    school_name: String,
    action: String,
    details: String,
}

#[derive(Template)]
#[template(path = "families/request_form.html")]
struct FormT {
    p: Page,
    typed: Typed,
    actions: Vec<(&'static str, String)>,
    sent: bool,
}

fn form(state: &AppState, p: Page, status: StatusCode, typed: Typed, sent: bool) -> Response {
    let actions = Action::ALL
        .iter()
        .map(|a| {
            (
                a.as_str(),
                p.t(format!("family-action-{}", a.as_str().replace('_', "-"))),
            )
        })
        .collect();
    let t = FormT {
        p: p.clone(),
        typed,
        actions,
        sent,
    };
    render(state, &p, status, &t)
}

async fn form_page(State(state): State<AppState>, p: Page) -> Response {
    form(&state, p, StatusCode::OK, Typed::default(), false)
}

async fn send(
    State(state): State<AppState>,
    p: Page,
    ClientIp(ip): ClientIp,
    f: CsrfForm,
) -> Response {
    let typed = Typed {
        parent_name: f.get("parent_name").to_owned(),
        parent_email: f.get("parent_email").to_owned(),
        child_display_name: f.get("child_display_name").to_owned(),
        section_code: f.get("section_code").to_owned(),
        school_name: f.get("school_name").to_owned(),
        action: f.get("action").to_owned(),
        details: f.get("details").to_owned(),
    };
    let Some(action) = Action::parse(&typed.action) else {
        let e = crate::kit::error::ApiError::invalid("action", "choose what should happen");
        return form(&state, p.with_alert(&e), e.status, typed, false);
    };
    let body = PublicRequest {
        parent_name: typed.parent_name.clone(),
        parent_email: typed.parent_email.clone(),
        child_display_name: typed.child_display_name.clone(),
        section_code: f.opt("section_code"),
        school_name: f.opt("school_name"),
        action,
        details: f.opt("details"),
    };
    let lang = p.lang();
    match requests::public_request(&state, body, lang, ip).await {
        Ok(_) => form(&state, p, StatusCode::ACCEPTED, Typed::default(), true),
        Err(e) => form(&state, p.with_alert(&e), e.status, typed, false),
    }
}
