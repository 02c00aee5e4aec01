//! The pages every visitor shares: the home page, the privacy and cookie notices, the style
//! sheet, and the page for an address that leads nowhere.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::page::{Page, not_found, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The date of the notice's last revision, shown on the notice page.
pub const NOTICE_REVISED: &str = "2026-12-01";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/privacy", get(privacy))
        .route("/cookies", get(cookies))
        .route("/static/style.css", get(style))
        .route("/healthz", get(healthz))
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::not_found() }),
        )
        .fallback(not_found)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeT {
    p: Page,
}

async fn home(State(state): State<AppState>, p: Page) -> Response {
    render(&state, &p, StatusCode::OK, &HomeT { p: p.clone() })
}

struct NoticeRow {
    what: String,
    table: String,
    who: String,
    how_long: String,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticeT<'a> {
    p: Page,
    title: &'static str,
    revised: &'static str,
    other_lang: &'static str,
    before: &'a str,
    after: &'a str,
    rows: Vec<NoticeRow>,
}

const PRIVACY_EN: &str = include_str!("../../texts/privacy.en.html");
const PRIVACY_SV: &str = include_str!("../../texts/privacy.sv.html");
const COOKIES_EN: &str = include_str!("../../texts/cookies.en.html");
const COOKIES_SV: &str = include_str!("../../texts/cookies.sv.html");
const TABLE_MARK: &str = "<!-- data-table -->";
/// Where the privacy notice states how long this server keeps its request logs.
const LOG_PERIODS_MARK: &str = "<!-- request-log-periods -->";

/// The data table of the notice, one row per stored column, from the inventory.
fn notice_rows(state: &AppState, p: &Page) -> Vec<NoticeRow> {
    let sv = p.code() == "sv";
    state
        .inventory
        .columns
        .iter()
        .map(|c| {
            let t = &state.inventory.tables[&c.table];
            let who = if c.audiences.is_empty() {
                p.t("audience-nobody")
            } else {
                c.audiences
                    .iter()
                    .map(|a| p.t(format!("audience-{a}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            NoticeRow {
                what: c.describe(p.code()).to_owned(),
                table: if sv { t.sv.clone() } else { t.en.clone() },
                who,
                how_long: p.t(format!("retention-{}", c.retention)),
            }
        })
        .collect()
}

fn notice(
    state: &AppState,
    p: Page,
    title: &'static str,
    text: &str,
    with_table: bool,
) -> Response {
    let (before, after) = text.split_once(TABLE_MARK).unwrap_or((text, ""));
    let rows = if with_table {
        notice_rows(state, &p)
    } else {
        Vec::new()
    };
    let other_lang = if p.code() == "sv" { "en" } else { "sv" };
    let t = NoticeT {
        p: p.clone(),
        title,
        revised: NOTICE_REVISED,
        other_lang,
        before,
        after,
        rows,
    };
    render(state, &p, StatusCode::OK, &t)
}

async fn privacy(State(state): State<AppState>, p: Page) -> Response {
    let text = if p.code() == "sv" {
        PRIVACY_SV
    } else {
        PRIVACY_EN
    };
    // The periods come from the configuration, so the notice states what this server does.
    let periods = match &state.request_log {
        Some(log) => p.args_all(
            "privacy-log-periods",
            &[
                ("days", &log.config.keep_days.to_string()),
                ("ip_days", &log.config.ip_days.to_string()),
            ],
        ),
        None => p.t("privacy-log-none"),
    };
    let text = text.replace(LOG_PERIODS_MARK, &periods);
    notice(&state, p, "privacy-title", &text, true)
}

async fn cookies(State(state): State<AppState>, p: Page) -> Response {
    let text = if p.code() == "sv" {
        COOKIES_SV
    } else {
        COOKIES_EN
    };
    notice(&state, p, "cookies-title", text, false)
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

#[utoipa::path(get, tag = "crate::api", path = "/healthz", responses((status = 200, description = "The database can be reached"), (status = 503, body = ErrorBody, description = "The database cannot be reached: `overloaded`")))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "The database cannot be reached.",
            )
            .into_response()
        }
    }
}
