//! The parent's pages (their children, each child's course map, attempts with programs,
//! sections and what is kept, and the requests), and the student's family forms on the
//! account page.

use crate::AppState;
use crate::families::children::{self, Kept};
use crate::families::links::{self, Child, LinkBody, linked_child};
use crate::families::requests::{self, Action, LinkedRequest};
use crate::kit::error::ApiError;
use crate::kit::extract::{MaybeSignedIn, SignedIn};
use crate::kit::page::{CsrfForm, Page, fail, not_found, render, see_other};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kodlek_domain::Role;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parents", get(parents_page))
        .route("/parents/link", post(link))
        .route("/parents/children/{id}", get(child_page))
        .route("/parents/children/{id}/unlink", post(unlink))
        .route("/parents/children/{id}/requests", post(ask))
        .route("/parents/children/{id}/levels/{level_id}", get(level_page))
        .route("/account/family-code", post(make_code))
        .route("/account/parents/{id}/remove", post(remove_parent))
}

/// The signed-in parent, or where anyone else goes instead.
fn parent(me: Option<SignedIn>) -> Result<SignedIn, &'static str> {
    match me {
        Some(m) if m.account.role == Role::Parent => Ok(m),
        Some(_) => Err("/account"),
        None => Err("/sign-in"),
    }
}

#[derive(Template)]
#[template(path = "families/parents.html")]
struct ParentsT {
    p: Page,
    children: Vec<Child>,
    verified: bool,
    code: String,
}

async fn show_parents(
    state: &AppState,
    p: Page,
    me: &SignedIn,
    status: StatusCode,
    code: String,
) -> Response {
    let children = match links::children(state, me).await {
        Ok(c) => c,
        Err(e) => return fail(state, p, &e),
    };
    let t = ParentsT {
        p: p.clone(),
        children,
        verified: me.account.email_verified,
        code,
    };
    render(state, &p, status, &t)
}

async fn parents_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Response {
    let me = match parent(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    show_parents(&state, p, &me, StatusCode::OK, String::new()).await
}

async fn link(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let me = match parent(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    let code = form.get("code").to_owned();
    match links::link(&state, &me, LinkBody { code: code.clone() }).await {
        Ok(c) => see_other(&format!("/parents/children/{}", c.id)),
        Err(e) => show_parents(&state, p.with_alert(&e), &me, e.status, code).await,
    }
}

struct BubbleView {
    id: String,
    number: usize,
    title: String,
    status: String,
    label: String,
}

/// A row of the child's projects, in the reader's language.
struct ProjectRow {
    title: String,
    kind: String,
    sharing: String,
    open_at: Option<String>,
    changed: String,
}

struct CourseView {
    title: String,
    levels: Vec<BubbleView>,
}

#[derive(Template)]
#[template(path = "families/child.html")]
struct ChildT {
    p: Page,
    kid: Child,
    age_text: String,
    since: String,
    status_text: String,
    courses: Vec<CourseView>,
    sections: Vec<String>,
    projects: Vec<ProjectRow>,
    kept: Vec<Kept>,
    actions: Vec<(&'static str, String)>,
    asked: bool,
}

async fn show_child(
    state: &AppState,
    p: Page,
    me: &SignedIn,
    id: &str,
    status: StatusCode,
    asked: bool,
) -> Response {
    let result: Result<ChildT, ApiError> = async {
        let (child, linked_at) = linked_child(state, me, id).await?;
        let progress = state.store.progress_of(&child.id).await?;
        let mut courses = Vec::new();
        for course in kodlek_puzzles::catalog().courses() {
            let mut number = 0;
            let levels = course
                .lessons
                .iter()
                .flat_map(|l| l.levels.iter())
                .map(|l| {
                    number += 1;
                    let status = progress
                        .iter()
                        .find(|r| r.level_id == l.id)
                        .map(|r| r.best_status.clone())
                        .unwrap_or_else(|| "none".into());
                    BubbleView {
                        id: l.id.clone(),
                        number,
                        title: l.title.get(p.code()).to_owned(),
                        label: p.t(format!("level-status-{status}")),
                        status,
                    }
                })
                .collect();
            courses.push(CourseView {
                title: course.title.get(p.code()).to_owned(),
                levels,
            });
        }
        let now = kodlek_domain::now_millis();
        let age = crate::accounts::stated_age(&child).map(|s| s.now(now) as i64);
        let since = kodlek_domain::rfc3339(linked_at);
        let status = links::child_status(state, &child.id).await?;
        Ok(ChildT {
            status_text: p.t(format!("parents-status-{status}")),
            since: p.args(
                "parents-linked-since",
                "date",
                since.get(..10).unwrap_or(""),
            ),
            age_text: age
                .map(|a| p.args("parents-age", "age", a.to_string()))
                .unwrap_or_default(),
            p: p.clone(),
            kid: Child {
                id: child.id.clone(),
                display_name: child.display_name.clone(),
                age,
                linked_at: kodlek_domain::rfc3339(linked_at),
                status: status.clone(),
            },
            courses,
            sections: children::sections(state, &child.id)
                .await?
                .iter()
                .map(|(name, teacher)| {
                    p.args_all("child-section", &[("name", name), ("teacher", teacher)])
                })
                .collect(),
            projects: children::projects(state, &child.id)
                .await?
                .into_iter()
                .map(|c| ProjectRow {
                    kind: p.t(format!("creations-kind-{}", c.kind)),
                    sharing: if c.sharing != "private" && c.open_at.is_none() {
                        p.t("child-project-hidden")
                    } else {
                        p.t(format!("creations-sharing-{}", c.sharing))
                    },
                    title: c.title,
                    open_at: c.open_at,
                    changed: c.changed,
                })
                .collect(),
            kept: children::kept_about(state, &child.id, p.code()).await?,
            actions: Action::ALL
                .iter()
                .map(|a| {
                    (
                        a.as_str(),
                        p.t(format!("family-action-{}", a.as_str().replace('_', "-"))),
                    )
                })
                .collect(),
            asked,
        })
    }
    .await;
    match result {
        Ok(t) => render(state, &p, status, &t),
        Err(e) if e.status == StatusCode::NOT_FOUND => not_found(State(state.clone()), p).await,
        Err(e) => fail(state, p, &e),
    }
}

async fn child_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let me = match parent(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    let asked = p.done.as_deref() == Some("done-family-asked");
    show_child(&state, p, &me, &id, StatusCode::OK, asked).await
}

async fn unlink(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    let me = match parent(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    match links::unlink_child(&state, &me, &id).await {
        Ok(()) => see_other("/parents"),
        Err(e) => fail(&state, p, &e),
    }
}

async fn ask(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let me = match parent(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    let Some(action) = Action::parse(form.get("action")) else {
        let e = ApiError::invalid("action", "choose what should happen");
        return show_child(&state, p.with_alert(&e), &me, &id, e.status, false).await;
    };
    let body = LinkedRequest {
        action,
        password: form.get("password").to_owned(),
    };
    let lang = p.lang();
    match requests::request_for_child(&state, &me, &id, body, lang).await {
        Ok(_) => see_other(&format!("/parents/children/{id}?done=family-asked")),
        Err(e) => show_child(&state, p.with_alert(&e), &me, &id, e.status, false).await,
    }
}

struct AttemptRow {
    at: String,
    status: String,
    status_label: String,
    code: Option<String>,
    answer: Option<String>,
}

#[derive(Template)]
#[template(path = "families/child_level.html")]
struct LevelT {
    p: Page,
    child_id: String,
    name: String,
    level_id: String,
    title: String,
    heading: String,
    attempts: Vec<AttemptRow>,
}

async fn level_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path((id, level_id)): Path<(String, String)>,
) -> Response {
    let me = match parent(me) {
        Ok(m) => m,
        Err(to) => return see_other(to),
    };
    let attempts = match children::attempts(&state, &me, &id, &level_id).await {
        Ok(a) => a,
        Err(e) if e.status == StatusCode::NOT_FOUND => return not_found(State(state), p).await,
        Err(e) => return fail(&state, p, &e),
    };
    let (child, _) = match linked_child(&state, &me, &id).await {
        Ok(c) => c,
        Err(e) => return fail(&state, p, &e),
    };
    let Ok(level) = crate::puzzles::level(&level_id) else {
        return not_found(State(state), p).await;
    };
    let tr = crate::kit::i18n::Tr::new(p.lang());
    let title = level.title.get(p.code()).to_owned();
    let heading = p.args_all(
        "child-level-title",
        &[("level", &title), ("name", &child.display_name)],
    );
    let t = LevelT {
        p: p.clone(),
        child_id: child.id,
        name: child.display_name,
        title,
        heading,
        attempts: attempts
            .into_iter()
            .rev()
            .map(|a| AttemptRow {
                status_label: p.t(format!("level-status-{}", a.status)),
                status: a.status,
                at: a.at,
                code: a
                    .program
                    .as_ref()
                    .map(|prog| crate::classrooms::outline(&tr, prog.text())),
                answer: a.answer,
            })
            .collect(),
        level_id,
    };
    render(&state, &p, StatusCode::OK, &t)
}

#[derive(Template)]
#[template(path = "families/code.html")]
struct CodeT {
    p: Page,
    text: String,
}

async fn make_code(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    _form: CsrfForm,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    match links::own_code(&state, &me).await {
        Ok(c) => {
            let date = c.expires_at.get(..10).unwrap_or("");
            let t = CodeT {
                p: p.clone(),
                text: p.args_all(
                    "account-family-your-code",
                    &[("code", &c.code), ("date", date)],
                ),
            };
            render(&state, &p, StatusCode::CREATED, &t)
        }
        Err(e) => fail(&state, p, &e),
    }
}

async fn remove_parent(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    let Some(me) = me else {
        return see_other("/sign-in");
    };
    match links::unlink_parent(&state, &me, &id).await {
        Ok(()) => see_other("/account"),
        Err(e) => {
            let status = e.status;
            crate::accounts::account_page(&state, p.with_alert(&e), &me, status).await
        }
    }
}
