//! The staff console's page of support requests: read them and close them (support role only,
//! promise STAFF-2), each an audit entry as through the API.

use crate::AppState;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use crate::kit::staff::staff_or_page;
use crate::support::requests::{CloseSupportRequest, SupportRequestView};
use crate::support::staff_api::{close_request, read_requests};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kodlek_domain::StaffRole;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/support", get(list))
        .route("/staff/support/{id}/close", post(close))
}

#[derive(Template)]
#[template(path = "support/staff.html")]
struct ListT {
    p: Page,
    open: Vec<SupportRequestView>,
    closed: Vec<SupportRequestView>,
}

async fn list(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Support)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let requests = match read_requests(&state, &staff).await {
        Ok(l) => l.requests,
        Err(e) => return fail(&state, p, &e),
    };
    let (closed, open) = requests.into_iter().partition(|r| r.closed_at.is_some());
    let t = ListT {
        p: p.clone(),
        open,
        closed,
    };
    render(&state, &p, StatusCode::OK, &t)
}

async fn close(
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
    let body = CloseSupportRequest {
        note: form.opt("note"),
    };
    match close_request(&state, &staff, &id, body).await {
        Ok(()) => see_other("/staff/support?done=support-closed"),
        Err(e) => fail(&state, p, &e),
    }
}
