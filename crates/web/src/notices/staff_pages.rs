//! The staff console's page for administrators: report a security incident (promise SEC-3)
//! and publish a revision of the privacy notice (NOTICE-2), as through the API.

use crate::AppState;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use crate::kit::staff::staff_or_page;
use crate::notices::incidents::NewIncident;
use crate::notices::staff_api::{publish, report};
use crate::notices::versions::{NewNoticeVersion, NoticeView, current_notice};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kodlek_domain::StaffRole;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/notices", get(page))
        .route("/staff/incidents", post(incident))
        .route("/staff/notice-versions", post(notice_version))
}

#[derive(Template)]
#[template(path = "notices/staff.html")]
struct NoticesT {
    p: Page,
    notice: NoticeView,
    /// What was typed, given back with an error.
    summary: String,
    details: String,
    user_ids: String,
    all: bool,
    version_summary: String,
}

/// The page, with the typed text kept after an error.
async fn show(state: &AppState, p: Page, typed: NoticesT) -> Response {
    let notice = match current_notice(state, p.lang()).await {
        Ok(n) => n,
        Err(e) => return fail(state, p, &e),
    };
    let status = if p.alert.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        state,
        &p,
        status,
        &NoticesT {
            p: p.clone(),
            notice,
            ..typed
        },
    )
}

fn empty(p: &Page) -> NoticesT {
    NoticesT {
        p: p.clone(),
        notice: NoticeView {
            version: 0,
            date: String::new(),
            significant: false,
            summary: String::new(),
            history: Vec::new(),
        },
        summary: String::new(),
        details: String::new(),
        user_ids: String::new(),
        all: false,
        version_summary: String::new(),
    }
}

async fn page(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    if let Err(r) = staff_or_page(&state, &p, me, Some(StaffRole::Admin)).await {
        return r;
    }
    let typed = empty(&p);
    show(&state, p, typed).await
}

async fn incident(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Admin)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let all = form.checked("all");
    // One id a line (or separated by commas or spaces), as copied from the user search.
    let user_ids: Vec<String> = form
        .get("user_ids")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let body = NewIncident {
        summary: form.get("summary").to_owned(),
        details: form.get("details").to_owned(),
        all,
        user_ids: if all { Vec::new() } else { user_ids },
    };
    match report(&state, &staff, body).await {
        Ok(_) => see_other("/staff/notices?done=incident-reported"),
        Err(e) => {
            let p = p.with_alert(&e);
            let typed = NoticesT {
                summary: form.get("summary").to_owned(),
                details: form.get("details").to_owned(),
                user_ids: form.get("user_ids").to_owned(),
                all,
                ..empty(&p)
            };
            show(&state, p, typed).await
        }
    }
}

async fn notice_version(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Admin)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = NewNoticeVersion {
        summary: form.get("version_summary").to_owned(),
        significant: form.checked("significant"),
        email_users: form.checked("email_users"),
    };
    match publish(&state, &staff, body).await {
        Ok(_) => see_other("/staff/notices?done=notice-published"),
        Err(e) => {
            let p = p.with_alert(&e);
            let typed = NoticesT {
                version_summary: form.get("version_summary").to_owned(),
                ..empty(&p)
            };
            show(&state, p, typed).await
        }
    }
}
