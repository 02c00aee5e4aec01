//! The section teachers' page of what their students share: the switch that stops the class
//! from sharing, and hiding one project.

use crate::AppState;
use crate::creations::safety::{self, SectionShares};
use crate::kit::error::ApiError;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sections/{id}/shares", get(shares).post(switch))
        .route("/sections/{id}/shares/{share_id}", post(hide))
}

#[derive(Template)]
#[template(path = "creations/teacher.html")]
struct SharesT {
    p: Page,
    section_id: String,
    shares: SectionShares,
}

async fn shares(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    match safety::section_shares(&state, &me, &id).await {
        Ok(shares) => render(
            &state,
            &p,
            StatusCode::OK,
            &SharesT {
                p: p.clone(),
                section_id: id,
                shares,
            },
        ),
        Err(e) => fail(&state, p, &e),
    }
}

async fn switch(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let allowed = form.get("sharing_allowed") == "on";
    let done = async {
        crate::classrooms::taught(&state, &me, &id).await?;
        state.store.set_section_sharing(&id, allowed).await?;
        Ok::<_, ApiError>(())
    };
    match done.await {
        Ok(()) => see_other(&format!(
            "/sections/{id}/shares?done=creations-switch-saved"
        )),
        Err(e) => fail(&state, p, &e),
    }
}

async fn hide(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path((id, share_id)): Path<(String, String)>,
    form: CsrfForm,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let hidden = form.get("hidden_by_teacher") == "true";
    match safety::teacher_hide(&state, &me, &id, &share_id, hidden).await {
        Ok(_) => see_other(&format!("/sections/{id}/shares?done=creations-hide-saved")),
        Err(e) => fail(&state, p, &e),
    }
}
