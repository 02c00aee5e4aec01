//! The consent question shown after a sign-in, and the answers given on the account page.

use crate::AppState;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use crate::notices::consents::{self, ConsentView};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consent", get(question).post(answer))
        .route("/account/consents", post(answer_from_account))
}

#[derive(Template)]
#[template(path = "notices/consent.html")]
struct QuestionT {
    p: Page,
    consent: ConsentView,
}

/// The first unanswered question; with none left, on to the account page.
async fn question(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    match consents::unanswered_consent(&state, &me.account, p.lang()).await {
        Ok(Some(consent)) => render(
            &state,
            &p,
            StatusCode::OK,
            &QuestionT {
                p: p.clone(),
                consent,
            },
        ),
        Ok(None) => see_other("/account"),
        Err(e) => fail(&state, p, &e),
    }
}

async fn save(
    state: &AppState,
    p: Page,
    me: MaybeSignedIn,
    form: &CsrfForm,
    next: &str,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let granted = match form.get("granted") {
        "yes" => true,
        "no" => false,
        _ => {
            return fail(
                state,
                p,
                &crate::kit::error::ApiError::invalid("granted", "yes or no"),
            );
        }
    };
    match consents::answer_consent(state, &me.account, form.get("purpose"), granted, p.lang()).await
    {
        Ok(_) => see_other(next),
        Err(e) => fail(state, p, &e),
    }
}

/// After the question, the next one if any, else the account page.
async fn answer(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    save(&state, p, me, &form, "/consent").await
}

async fn answer_from_account(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    save(&state, p, me, &form, "/account?done=consent-saved#consents").await
}
