//! The staff console: signing in with a code, the home page, finding and opening a user with a
//! reason, erasure, disclosure and the audit view.

// Nothing personal is shown before a reason is given: the user's page holds only the id and
// the forms, and the data appear on the answer to the access form, which is recorded first.
// Anyone who is not staff gets the ordinary "page not found".

use crate::AppState;
use crate::accounts::{self, SignInBody};
use crate::kit::error::ApiError;
use crate::kit::extract::{ClientIp, MaybeSignedIn};
use crate::kit::page::{CsrfForm, Page, fail, render, see_other, with_cookie};
use crate::kit::sessions;
use crate::kit::staff::{StaffMember, staff_or_page};
use crate::staff::users::{self, AuditView, DisclosureBody, FoundUser, ReasonBody, StaffUserView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kodlek_domain::{Role, StaffRole};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/sign-in", get(sign_in_form).post(sign_in))
        .route("/staff", get(home))
        .route("/staff/users", get(search))
        .route("/staff/users/{id}", get(user))
        .route("/staff/users/{id}/access", post(access))
        .route("/staff/users/{id}/erase", post(erase))
        .route("/staff/users/{id}/disclose", post(disclose))
        .route("/staff/audit", get(audit))
}

#[derive(Template)]
#[template(path = "staff/sign_in.html")]
struct SignInT {
    p: Page,
    login: String,
}

async fn sign_in_form(State(state): State<AppState>, p: Page) -> Response {
    let t = SignInT {
        p: p.clone(),
        login: String::new(),
    };
    render(&state, &p, StatusCode::OK, &t)
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
        remember_me: false,
        totp: Some(form.get("totp").to_owned()),
    };
    let result = match accounts::sign_in(&state, &body, ip).await {
        // This page signs in staff only; others use the ordinary sign-in page.
        Ok(a) if a.role == Role::Staff => sessions::start_for(&state, &a, false).await,
        Ok(_) => Err(ApiError::invalid_credentials()),
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => with_cookie(see_other("/staff"), c),
        Err(e) => {
            let p = p.with_alert(&e);
            let t = SignInT {
                p: p.clone(),
                login: body.login,
            };
            render(&state, &p, e.status, &t)
        }
    }
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomeT {
    p: Page,
    name: String,
    /// Each role the member holds, with what it allows.
    roles: Vec<(String, String)>,
    support: bool,
    admin: bool,
    moderator: bool,
    research: bool,
}

async fn home(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let staff = match staff_or_page(&state, &p, me, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let roles = staff
        .roles
        .iter()
        .map(|r| {
            (
                p.t(format!("staff-role-{}", r.as_str())),
                p.t(format!("staff-role-{}-allows", r.as_str())),
            )
        })
        .collect();
    let t = HomeT {
        p: p.clone(),
        name: staff.signed_in.account.display_name.clone(),
        roles,
        support: staff.has(StaffRole::Support),
        admin: staff.has(StaffRole::Admin),
        moderator: staff.has(StaffRole::Moderator),
        research: staff.has(StaffRole::Research),
    };
    render(&state, &p, StatusCode::OK, &t)
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersT {
    p: Page,
    q: String,
    found: Option<Vec<FoundUser>>,
}

async fn search(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Support)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let q = q.get("q").cloned().unwrap_or_default();
    let (p, found, status) = if q.trim().is_empty() {
        (p, None, StatusCode::OK)
    } else {
        match users::search(&state, &staff, &q).await {
            Ok(f) => (p, Some(f), StatusCode::OK),
            Err(e) => (p.with_alert(&e), None, e.status),
        }
    };
    // The query is not written back into the page: it may be a child's address, and the
    // answer should hold nothing the platform does not keep.
    let t = UsersT {
        p: p.clone(),
        q: String::new(),
        found,
    };
    render(&state, &p, status, &t)
}

#[derive(Template)]
#[template(path = "staff/user.html")]
struct UserT {
    p: Page,
    id: String,
    support: bool,
    legal: bool,
    /// The user's data, once the access form was sent with a reason.
    view: Option<StaffUserView>,
    /// A disclosure's export, as JSON text.
    export: Option<String>,
    reason: String,
    ticket: String,
}

/// What the user's page shows besides its forms.
enum Shown {
    Nothing,
    /// The user's data, after the access form.
    Data(Box<StaffUserView>),
    /// A disclosure's export, as JSON text.
    Export(String),
}

async fn user_page(
    state: &AppState,
    p: Page,
    staff: &StaffMember,
    id: &str,
    status: StatusCode,
    shown: Shown,
    form: Option<&CsrfForm>,
) -> Response {
    let (view, export) = match shown {
        Shown::Nothing => (None, None),
        Shown::Data(v) => (Some(*v), None),
        Shown::Export(x) => (None, Some(x)),
    };
    let t = UserT {
        p: p.clone(),
        id: id.to_owned(),
        support: staff.has(StaffRole::Support),
        legal: staff.has(StaffRole::Legal),
        view,
        export,
        reason: form.map(|f| f.get("reason").to_owned()).unwrap_or_default(),
        ticket: form.map(|f| f.get("ticket").to_owned()).unwrap_or_default(),
    };
    render(state, &p, status, &t)
}

async fn user(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    // Nothing of the user is read here: only the forms, with the id.
    user_page(&state, p, &staff, &id, StatusCode::OK, Shown::Nothing, None).await
}

fn reason_body(form: &CsrfForm) -> ReasonBody {
    ReasonBody {
        reason: form.get("reason").to_owned(),
        ticket: form.opt("ticket"),
    }
}

async fn access(
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
    match users::access(&state, &staff, &id, &reason_body(&form)).await {
        Ok(view) => {
            user_page(
                &state,
                p,
                &staff,
                &id,
                StatusCode::OK,
                Shown::Data(Box::new(view)),
                None,
            )
            .await
        }
        Err(e) => refused(&state, p, &staff, &id, &e, &form).await,
    }
}

/// The user's page again after a refused form: the error said, what was typed kept.
async fn refused(
    state: &AppState,
    p: Page,
    staff: &StaffMember,
    id: &str,
    e: &ApiError,
    form: &CsrfForm,
) -> Response {
    user_page(
        state,
        p.with_alert(e),
        staff,
        id,
        e.status,
        Shown::Nothing,
        Some(form),
    )
    .await
}

async fn erase(
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
    if !form.checked("confirm") {
        let p = p.with_alert_key("staff-erase-unconfirmed");
        return user_page(
            &state,
            p,
            &staff,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Shown::Nothing,
            Some(&form),
        )
        .await;
    }
    match users::erase(&state, &staff, &id, &reason_body(&form)).await {
        Ok(()) => see_other("/staff/users?done=staff-erased"),
        Err(e) => refused(&state, p, &staff, &id, &e, &form).await,
    }
}

async fn disclose(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let staff = match staff_or_page(&state, &p, me, Some(StaffRole::Legal)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let days = form
        .opt("defer_notice_days")
        .map(|d| d.parse::<i64>().unwrap_or(-1));
    let body = DisclosureBody {
        legal_basis: form.get("legal_basis").to_owned(),
        ticket: form.get("ticket").to_owned(),
        defer_notice_days: days,
    };
    match users::disclose(&state, &staff, &id, &body).await {
        Ok(answer) => {
            let text = serde_json::to_string_pretty(&answer.export).unwrap_or_default();
            user_page(
                &state,
                p,
                &staff,
                &id,
                StatusCode::OK,
                Shown::Export(text),
                None,
            )
            .await
        }
        Err(e) => refused(&state, p, &staff, &id, &e, &form).await,
    }
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditT {
    p: Page,
    entries: Vec<AuditView>,
    subject_id: String,
    next: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = staff_or_page(&state, &p, me, Some(StaffRole::Admin)).await {
        return r;
    }
    let subject = q
        .get("subject_id")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let after = q
        .get("after_seq")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .unwrap_or(0);
    let filter = (!subject.is_empty() && subject.len() <= 64).then_some(subject.as_str());
    match users::audit_page(&state, filter, after).await {
        Ok(entries) => {
            let next = (entries.len() as i64 == users::AUDIT_PAGE)
                .then(|| entries.last().map(|e| e.seq))
                .flatten();
            let t = AuditT {
                p: p.clone(),
                entries,
                subject_id: subject,
                next,
            };
            render(&state, &p, StatusCode::OK, &t)
        }
        Err(e) => fail(&state, p, &e),
    }
}
