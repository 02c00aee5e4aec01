//! The staff console's moderation page: the queue of reported projects and the decisions
//! (moderator role only), each an audit entry as through the API.

use crate::AppState;
use crate::creations::safety::{Decision, ModerationDecision, QueuedReport};
use crate::creations::staff_api::{decide_on, read_queue};
use crate::kit::error::ApiError;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use crate::kit::staff::staff_or_page;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kodlek_domain::StaffRole;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/reports", get(list))
        .route("/staff/reports/{share_id}", post(decide))
}

#[derive(Template)]
#[template(path = "creations/staff.html")]
struct QueueT {
    p: Page,
    reports: Vec<QueuedReport>,
}

async fn list(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Moderator)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match read_queue(&state, &staff).await {
        Ok(q) => render(
            &state,
            &p,
            StatusCode::OK,
            &QueueT {
                p: p.clone(),
                reports: q.reports,
            },
        ),
        Err(e) => fail(&state, p, &e),
    }
}

async fn decide(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(share_id): Path<String>,
    form: CsrfForm,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Moderator)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let decision = match form.get("decision") {
        "hide" => Decision::Hide,
        "restore" => Decision::Restore,
        _ => return fail(&state, p, &ApiError::invalid("decision", "is not a choice")),
    };
    let body = ModerationDecision {
        decision,
        reason: form.get("reason").to_owned(),
    };
    match decide_on(&state, &staff, &share_id, &body).await {
        Ok(()) => see_other("/staff/reports?done=creations-decided"),
        Err(e) => fail(&state, p, &e),
    }
}
