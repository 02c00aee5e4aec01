//! The media page: a learner aged 13 or more sees their pictures and sounds, uploads new ones
//! and deletes them. Children and other roles are not offered it (promise U13-4).

use crate::AppState;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{CsrfForm, Page, fail, render, see_other};
use crate::media::files::{self, MAX_BYTES, MediaView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/media", get(page))
        .route("/media/{id}/delete", post(delete))
}

/// A file as the page shows it.
struct Row {
    id: String,
    image: bool,
    label: String,
    size: String,
    created_on: String,
}

#[derive(Template)]
#[template(path = "media/list.html")]
struct ListT {
    p: Page,
    rows: Vec<Row>,
    used: String,
    max_bytes: usize,
}

/// Megabytes with one decimal, as people read sizes.
fn megabytes(bytes: i64) -> String {
    format!("{:.1}", bytes as f64 / 1_000_000.0)
}

fn row(p: &Page, m: &MediaView) -> Row {
    let format = m
        .content_type
        .split('/')
        .nth(1)
        .unwrap_or("")
        .replace("mpeg", "mp3")
        .to_uppercase();
    Row {
        id: m.id.clone(),
        image: m.kind == "image",
        label: p.args(&format!("media-kind-{}", m.kind), "format", format),
        size: p.args("media-size", "mb", megabytes(m.bytes)),
        created_on: m.created_at.get(..10).unwrap_or("").to_owned(),
    }
}

/// The learner's page; signed out, the sign-in page; not offered to anyone else: 404.
async fn page(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    if !files::offered_to(&me.account) {
        return crate::kit::page::not_found(State(state), p).await;
    }
    let list = match files::list(&state, &me.account).await {
        Ok(l) => l,
        Err(e) => return fail(&state, p, &e),
    };
    let t = ListT {
        rows: list.media.iter().map(|m| row(&p, m)).collect(),
        used: p.args_all(
            "media-used",
            &[
                ("used", &megabytes(list.bytes_used)),
                ("allowed", &megabytes(list.bytes_allowed)),
            ],
        ),
        max_bytes: MAX_BYTES,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &t)
}

async fn delete(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Response {
    let Some(me) = me.0 else {
        return see_other("/sign-in");
    };
    match files::delete(&state, &me.account, &id).await {
        Ok(()) => see_other("/media?done=media-deleted"),
        Err(e) => fail(&state, p, &e),
    }
}
