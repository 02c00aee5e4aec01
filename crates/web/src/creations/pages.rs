//! The creations' pages for learners and visitors: my projects, the editor, the share page
//! with plain links for social networks (promise CREATE-5), a shared project anyone can play,
//! and the gallery.

use crate::AppState;
use crate::accounts::is_child_account;
use crate::creations::projects::{self, Kind, NewProject, Project, ProjectPatch, Sharing};
use crate::creations::safety::{self, NewReport, ReportReason};
use crate::creations::sharing::{self, GalleryProject, GalleryQuery, SharedProject};
use crate::kit::error::ApiError;
use crate::kit::extract::{ClientIp, MaybeSignedIn};
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kodlek_domain::{Role, now_millis};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(my_projects).post(new_project))
        .route("/projects/{id}", get(editor))
        .route("/projects/{id}/rename", post(rename))
        .route("/projects/{id}/delete", post(delete))
        .route("/projects/{id}/share", get(share_page).post(set_sharing))
        .route("/shared/{share_id}", get(shared_page))
        .route("/shared/{share_id}/remix", post(remix))
        .route("/shared/{share_id}/report", post(report))
        .route("/gallery", get(gallery_page))
        .route("/creations/credits", get(credits))
}

#[derive(Template)]
#[template(path = "creations/projects.html")]
struct ProjectsT {
    p: Page,
    projects: Vec<Project>,
}

async fn my_projects(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    match projects::list(&state, &me).await {
        Ok(list) => render(
            &state,
            &p,
            StatusCode::OK,
            &ProjectsT {
                p: p.clone(),
                projects: list,
            },
        ),
        Err(e) => fail(&state, p, &e),
    }
}

async fn new_project(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    form: CsrfForm,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let Some(kind) = Kind::parse(form.get("kind")) else {
        return fail(
            &state,
            p,
            &ApiError::invalid("kind", "must be artist or sprites"),
        );
    };
    let program = form
        .opt("program")
        .and_then(kodlek_puzzles::ProgramJson::from_text);
    let body = NewProject {
        kind,
        title: form.get("title").to_owned(),
        program,
    };
    match projects::create(&state, &me, body).await {
        Ok(project) => see_other(&format!("/projects/{}", project.id)),
        Err(e) => fail(&state, p, &e),
    }
}

#[derive(Template)]
#[template(path = "creations/editor.html")]
struct EditorT {
    p: Page,
    project: Project,
    data: String,
}

/// The texts the editor's script shows, in the page's language.
fn script_texts(p: &Page) -> serde_json::Value {
    let keys = [
        "saving",
        "saved",
        "save-failed",
        "play",
        "stop",
        "stage",
        "sharing-off",
    ];
    let mut m = serde_json::Map::new();
    for k in keys {
        m.insert(k.into(), json!(p.t(format!("creations-js-{k}"))));
    }
    serde_json::Value::Object(m)
}

async fn editor(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let project = match projects::owned(&state, &me, &id).await {
        Ok(r) => r,
        Err(e) => return fail(&state, p, &e),
    };
    let project = match projects::view(&state, project).await {
        Ok(v) => v,
        Err(e) => return fail(&state, p, &e),
    };
    let data = json!({
        "mode": "edit",
        "lang": p.code(),
        "texts": script_texts(&p),
        "project": {"id": project.id, "kind": project.kind, "program": project.program},
        "media_base": "/api/v1/media/",
    });
    let t = EditorT {
        p: p.clone(),
        data: crate::kit::page::script_json(&data),
        project,
    };
    render(&state, &p, StatusCode::OK, &t)
}

async fn rename(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let patch = ProjectPatch {
        title: Some(form.get("title").to_owned()),
        ..ProjectPatch::default()
    };
    match projects::update(&state, &me, &id, patch).await {
        Ok(_) => see_other("/projects?done=creations-renamed"),
        Err(e) => fail(&state, p, &e),
    }
}

async fn delete(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    match projects::delete(&state, &me, &id).await {
        Ok(()) => see_other("/projects?done=creations-deleted"),
        Err(e) => fail(&state, p, &e),
    }
}

/// A social network's plain share link: the page sends nothing to it until it is clicked.
pub struct SocialLink {
    pub name: &'static str,
    pub href: String,
}

fn social_links(url: &str, title: &str) -> Vec<SocialLink> {
    let u = encode(url);
    let t = encode(title);
    vec![
        SocialLink {
            name: "Facebook",
            href: format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
        },
        SocialLink {
            name: "X",
            href: format!("https://x.com/intent/post?url={u}&text={t}"),
        },
        SocialLink {
            name: "LinkedIn",
            href: format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        },
        SocialLink {
            name: "WhatsApp",
            href: format!("https://wa.me/?text={t}%20{u}"),
        },
    ]
}

#[derive(Template)]
#[template(path = "creations/share.html")]
struct ShareT {
    p: Page,
    project: Project,
    link: Option<String>,
    /// Plain links for social networks: only for learners aged 13 or more.
    social: Vec<SocialLink>,
    mail: String,
    choices: Vec<(&'static str, String)>,
    blocked: bool,
}

async fn share_page(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let record = match projects::owned(&state, &me, &id).await {
        Ok(r) => r,
        Err(e) => return fail(&state, p, &e),
    };
    let blocked = match state.store.sharing_blocked(&me.account.id).await {
        Ok(b) => b,
        Err(e) => return fail(&state, p, &e.into()),
    };
    let project = match projects::view(&state, record).await {
        Ok(v) => v,
        Err(e) => return fail(&state, p, &e),
    };
    let link = project
        .share_id
        .as_ref()
        .filter(|_| project.sharing != Sharing::Private)
        .map(|s| format!("{}/shared/{s}", state.config.public_url));
    let child = is_child_account(&me.account, now_millis());
    let social = match &link {
        Some(l) if !child => social_links(l, &project.title),
        _ => Vec::new(),
    };
    let mail = link.as_deref().map_or(String::new(), |l| {
        format!(
            "mailto:?subject={}&body={}",
            encode(&project.title),
            encode(l)
        )
    });
    let choices = ["private", "link", "gallery"]
        .into_iter()
        .map(|c| (c, p.t(format!("creations-sharing-{c}"))))
        .collect();
    let t = ShareT {
        p: p.clone(),
        project,
        link,
        social,
        mail,
        choices,
        blocked,
    };
    render(&state, &p, StatusCode::OK, &t)
}

async fn set_sharing(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    let sharing = match form.get("sharing") {
        "private" => Sharing::Private,
        "link" => Sharing::Link,
        "gallery" => Sharing::Gallery,
        _ => return fail(&state, p, &ApiError::invalid("sharing", "is not a choice")),
    };
    let patch = ProjectPatch {
        sharing: Some(sharing),
        ..ProjectPatch::default()
    };
    match projects::update(&state, &me, &id, patch).await {
        Ok(_) => see_other(&format!(
            "/projects/{id}/share?done=creations-sharing-saved"
        )),
        Err(e) => fail(&state, p, &e),
    }
}

#[derive(Template)]
#[template(path = "creations/shared.html")]
struct SharedT {
    p: Page,
    project: SharedProject,
    data: String,
    can_remix: bool,
    reasons: Vec<(&'static str, String)>,
}

async fn shared_page(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(share_id): Path<String>,
) -> Response {
    let project = match sharing::shared(&state, &share_id).await {
        Ok(s) => s,
        Err(e) => return fail(&state, p, &e),
    };
    let data = json!({
        "mode": "play",
        "lang": p.code(),
        "texts": script_texts(&p),
        "project": {"kind": project.kind, "program": project.program},
        "media_base": format!("/api/v1/shared/{share_id}/media/"),
    });
    let reasons = ["inappropriate", "personal_information", "other"]
        .into_iter()
        .map(|r| (r, p.t(format!("creations-reason-{}", r.replace('_', "-")))))
        .collect();
    let t = SharedT {
        p: p.clone(),
        data: crate::kit::page::script_json(&data),
        can_remix: me.0.is_some_and(|m| m.account.role == Role::Student),
        project,
        reasons,
    };
    render(&state, &p, StatusCode::OK, &t)
}

async fn remix(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(share_id): Path<String>,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    match projects::remix(&state, &me, &share_id).await {
        Ok(project) => see_other(&format!("/projects/{}", project.id)),
        Err(e) => fail(&state, p, &e),
    }
}

async fn report(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    ClientIp(ip): ClientIp,
    Path(share_id): Path<String>,
    form: CsrfForm,
) -> Response {
    let reason = match form.get("reason") {
        "inappropriate" => ReportReason::Inappropriate,
        "personal_information" => ReportReason::PersonalInformation,
        _ => ReportReason::Other,
    };
    let body = NewReport {
        reason,
        details: form.opt("details"),
    };
    match safety::report(&state, me.0.as_ref(), ip, &share_id, body).await {
        Ok(()) => see_other("/gallery?done=creations-reported"),
        Err(e) => fail(&state, p, &e),
    }
}

#[derive(Template)]
#[template(path = "creations/gallery.html")]
struct GalleryT {
    p: Page,
    projects: Vec<GalleryProject>,
    kind: String,
    next: Option<String>,
}

async fn gallery_page(
    State(state): State<AppState>,
    p: Page,
    Query(q): Query<GalleryQuery>,
) -> Response {
    match sharing::gallery(&state, &q).await {
        Ok(g) => {
            let t = GalleryT {
                p: p.clone(),
                projects: g.projects,
                kind: q.kind.unwrap_or_default(),
                next: g.next,
            };
            render(&state, &p, StatusCode::OK, &t)
        }
        Err(e) => fail(&state, p, &e),
    }
}

#[derive(Template)]
#[template(path = "creations/credits.html")]
struct CreditsT {
    p: Page,
    costumes: &'static [&'static str],
}

async fn credits(State(state): State<AppState>, p: Page) -> Response {
    let t = CreditsT {
        p: p.clone(),
        costumes: &kodlek_puzzles::creations::COSTUMES,
    };
    render(&state, &p, StatusCode::OK, &t)
}

/// A text as a URL's query value: everything but the unreserved characters percent-encoded.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
