//! The sign-in's pages: the way to the provider, the way back, and the new identity's form.

use crate::AppState;
use crate::kit::extract::{ClientIp, MaybeSignedIn};
use crate::kit::page::{CsrfForm, Page, fail, not_found, render, see_other, with_cookie};
use crate::sso::flow::{self, Arrived, CallbackQuery, FLOW_COOKIE, NEW_COOKIE, NewAccount};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in/sso/{id}", get(start))
        .route("/sign-in/sso/{id}/callback", get(callback))
        .route("/sign-in/sso/{id}/new", axum::routing::post(create))
        .route("/account/sso/{id}/unlink", axum::routing::post(unlink))
}

/// One of this feature's cookies from the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[derive(Debug, Default, Deserialize)]
struct StartQuery {
    link: Option<String>,
    /// The code of the section whose sign-in page has the button.
    section: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    if state.sso.config.provider(&id).is_none() {
        return not_found(State(state), p).await;
    }
    let link = q.link.as_deref() == Some("1");
    if link && me.is_none() {
        return see_other("/sign-in");
    }
    let section = q.section.as_deref();
    match flow::start(&state, &id, me.as_ref().filter(|_| link), section).await {
        Ok((url, c)) => with_cookie(see_other(&url), c),
        Err(e) => fail(&state, p, &e),
    }
}

/// What the new-account form shows; typed values come back with an error.
#[derive(Template)]
#[template(path = "sso/new.html")]
struct NewT {
    p: Page,
    provider: String,
    label: String,
    role: String,
    age: String,
    display_name: String,
    parent_email: String,
    /// The address the provider gave, shown so the person knows what will be kept.
    email: Option<String>,
}

fn label(state: &AppState, id: &str) -> String {
    state
        .sso
        .config
        .provider(id)
        .map(|p| p.label.clone())
        .unwrap_or_default()
}

async fn callback(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
    Query(q): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Response {
    if state.sso.config.provider(&id).is_none() {
        return not_found(State(state), p).await;
    }
    let flow_cookie = cookie(&headers, FLOW_COOKIE);
    let arrived = flow::callback(&state, &id, &q, flow_cookie, me.as_ref()).await;
    // The flow cookie is single-use whatever happened.
    let cleared = flow::clear(&state, FLOW_COOKIE);
    let r = match arrived {
        Ok(Arrived::SignedIn(c, to)) => with_cookie(see_other(&to), c),
        Ok(Arrived::Linked) => see_other("/account?done=provider-linked"),
        Ok(Arrived::New(pending, c)) => {
            let t = NewT {
                p: p.clone(),
                label: label(&state, &id),
                provider: id,
                role: String::new(),
                age: String::new(),
                display_name: pending.claims.name.clone().unwrap_or_default(),
                parent_email: String::new(),
                email: pending.claims.email.clone(),
            };
            with_cookie(render(&state, &p, StatusCode::OK, &t), c)
        }
        Err(e) => fail(&state, p, &e),
    };
    with_cookie(r, cleared)
}

async fn create(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: CsrfForm,
) -> Response {
    let Some(pending) =
        flow::pending(&state, cookie(&headers, NEW_COOKIE)).filter(|n| n.provider == id)
    else {
        let p = p.with_alert_key("sso-start-again");
        return render(
            &state,
            &p,
            StatusCode::BAD_REQUEST,
            &crate::kit::page::ErrorT { p: p.clone() },
        );
    };
    let role = form.get("role").to_owned();
    let age_text = form.get("age").trim().to_owned();
    let age = if role == "student" {
        match age_text.parse::<i64>() {
            Ok(a) => Some(a),
            Err(_) if age_text.is_empty() => None,
            // Not a whole number: the same answer as an age out of range.
            Err(_) => Some(-1),
        }
    } else {
        None
    };
    let parent_email = form.get("parent_email").trim().to_owned();
    let typed = NewAccount {
        role: role.clone(),
        age,
        display_name: form.get("display_name").to_owned(),
        parent_email: (!parent_email.is_empty()).then(|| parent_email.clone()),
    };
    let display_name = typed.display_name.clone();
    match flow::create(&state, &pending, typed, p.lang(), ip).await {
        Ok((c, to)) => with_cookie(
            with_cookie(see_other(&to), c),
            flow::clear(&state, NEW_COOKIE),
        ),
        Err(e) => {
            let p = p.with_alert(&e);
            let t = NewT {
                p: p.clone(),
                label: label(&state, &id),
                provider: id,
                role,
                age: age_text,
                display_name,
                parent_email,
                email: pending.claims.email.clone(),
            };
            render(&state, &p, e.status, &t)
        }
    }
}

async fn unlink(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    match flow::unlink(&state, &me, &id).await {
        Ok(()) => see_other("/account?done=provider-unlinked"),
        Err(e) => fail(&state, p, &e),
    }
}
