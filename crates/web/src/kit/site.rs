//! The pages every visitor shares: the home page, the privacy and cookie notices, the style
//! sheet, and the page for an address that leads nowhere.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::Lang;
use crate::kit::i18n::Tr;
use crate::kit::page::{Page, not_found, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kodlek_domain::{Millis, now_millis};
use serde::Serialize;
use utoipa::ToSchema;

/// The date of the notice as shipped: version 1, until staff publish a revision.
pub const NOTICE_REVISED: &str = "2026-12-01";

/// How long the home page tells of a significant revision (promise NOTICE-2).
pub const BANNER_FOR: Millis = 30 * 24 * 3600 * 1000;

/// One revision of the privacy notice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeRevision {
    pub version: i64,
    /// YYYY-MM-DD, UTC.
    pub date: String,
    pub summary: String,
    pub significant: bool,
}

/// Every revision, oldest first: version 1 is the notice as shipped, with the date its text
/// has always shown; the published ones follow. Never empty.
pub async fn notice_history(state: &AppState, lang: Lang) -> Result<Vec<NoticeRevision>, ApiError> {
    let mut out = vec![NoticeRevision {
        version: 1,
        date: NOTICE_REVISED.to_owned(),
        summary: Tr::new(lang).t("notice-first-version"),
        significant: false,
    }];
    out.extend(
        state
            .store
            .notice_versions()
            .await?
            .into_iter()
            .map(|v| NoticeRevision {
                version: v.version,
                date: v.revised_on,
                summary: v.summary,
                significant: v.significant,
            }),
    );
    Ok(out)
}

/// The significant revision published within `BANNER_FOR` of `now`, the newest, if any.
async fn banner(state: &AppState, now: Millis) -> Option<NoticeRevision> {
    let versions = match state.store.notice_versions().await {
        Ok(v) => v,
        Err(e) => {
            // The home page is shown without the banner rather than not at all.
            tracing::error!(error = %e, "the notice versions could not be read");
            return None;
        }
    };
    versions
        .into_iter()
        .rev()
        .find(|v| v.significant && v.created_at + BANNER_FOR > now)
        .map(|v| NoticeRevision {
            version: v.version,
            date: v.revised_on,
            summary: v.summary,
            significant: true,
        })
}

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
    banner: Option<NoticeRevision>,
}

async fn home(State(state): State<AppState>, p: Page) -> Response {
    let banner = banner(&state, now_millis()).await;
    render(
        &state,
        &p,
        StatusCode::OK,
        &HomeT {
            p: p.clone(),
            banner,
        },
    )
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
    revised: String,
    /// The revisions, newest first; empty for the cookie notice.
    history: Vec<NoticeRevision>,
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
    mut history: Vec<NoticeRevision>,
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
        revised: history
            .last()
            .map_or(NOTICE_REVISED.to_owned(), |v| v.date.clone()),
        history: {
            history.reverse();
            history
        },
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
    let history = match notice_history(&state, p.lang()).await {
        Ok(h) => h,
        Err(_) => return crate::kit::page::fail(&state, p, &ApiError::internal()),
    };
    notice(&state, p, "privacy-title", &text, true, history)
}

async fn cookies(State(state): State<AppState>, p: Page) -> Response {
    let text = if p.code() == "sv" {
        COOKIES_SV
    } else {
        COOKIES_EN
    };
    notice(&state, p, "cookies-title", text, false, Vec::new())
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
