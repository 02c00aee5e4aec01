//! The staff console's page of parents' requests: every request, overdue ones marked, and
//! the decision form (support role only), each an audit entry as through the API.

use crate::AppState;
use crate::families::review::{self, DecisionKind, StaffDecision, StaffParentRequest};
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
        .route("/staff/parent-requests", get(list))
        .route("/staff/parent-requests/{id}/decision", post(decide))
        .route("/staff/parent-requests/{id}/ask-teacher", post(ask_teacher))
}

#[derive(Template)]
#[template(path = "families/staff.html")]
struct ListT {
    p: Page,
    requests: Vec<StaffParentRequest>,
}

async fn list(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Support)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match review::list(&state, &staff).await {
        Ok(l) => {
            // Overdue first, then those waiting, then the rest, each newest first.
            let mut requests = l.requests;
            requests.sort_by_key(|r| (!r.overdue, r.request.status != "awaiting_review"));
            render(
                &state,
                &p,
                StatusCode::OK,
                &ListT {
                    p: p.clone(),
                    requests,
                },
            )
        }
        Err(e) => fail(&state, p, &e),
    }
}

async fn decide(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Support)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let decision = if form.get("decision") == "carry_out" {
        DecisionKind::CarryOut
    } else {
        DecisionKind::Refuse
    };
    let body = StaffDecision {
        decision,
        child_id: form.opt("child_id"),
        reason: form.get("reason").to_owned(),
    };
    match review::decide(&state, &staff, &id, body).await {
        Ok(_) => see_other("/staff/parent-requests"),
        Err(e) => fail(&state, p, &e),
    }
}

async fn ask_teacher(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Support)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match review::ask_teacher(&state, &staff, &id).await {
        Ok(_) => see_other("/staff/parent-requests?done=family-teacher-asked"),
        Err(e) => fail(&state, p, &e),
    }
}
