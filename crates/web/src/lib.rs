//! The web edge: the axum router with the JSON API, the pages, sessions, CSRF, rate limits and i18n.

// The kit every feature uses, and that uses no feature.
pub mod kit;

// The features, each with its use cases, JSON handlers, pages and routes.
pub mod accounts;
pub mod classrooms;
pub mod creations;
pub mod families;
pub mod media;
pub mod notices;
pub mod puzzles;
pub mod research;
pub mod sso;
pub mod staff;
pub mod support;

// The OpenAPI document, assembled from each feature's operations.
pub mod openapi;

// The kit's modules keep the paths callers outside the crate have always used.
use kit::site;
pub use kit::{
    assets, error, extract, i18n, jobs, limits, mail, request_log, security, sessions, shedding,
    writer,
};

use axum::Router;
use kodlek_privacy::{Inventory, Keys, PasswordHasher};
use kodlek_services::Mailer;
use kodlek_store::Store;
use std::net::IpAddr;
use std::sync::Arc;

/// What the web layer needs to know of its deployment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address users reach the server at, without a trailing slash (links in mail).
    pub public_url: String,
    /// Proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Who may sign a child up with an account of their own (`KODLEK_CHILD_SIGN_UP`).
    pub child_sign_up: families::ChildSignUp,
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
    /// `scheme://host[:port]` of the public URL, to compare with an Origin header.
    pub fn origin(&self) -> &str {
        let after = self.public_url.find("://").map(|i| i + 3).unwrap_or(0);
        match self.public_url[after..].find('/') {
            Some(i) => &self.public_url[..after + i],
            None => &self.public_url,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub keys: Arc<Keys>,
    pub hasher: PasswordHasher,
    pub mailer: Arc<dyn Mailer>,
    pub inventory: Arc<Inventory>,
    pub config: Arc<WebConfig>,
    /// Attempts of signed-in learners go through the group-commit writer.
    pub writer: writer::AttemptWriter,
    /// Anonymous puzzle play is limited in memory: it writes nothing (ANON-3).
    pub anonymous: Arc<puzzles::AnonymousLimiter>,
    /// The dashboards' copy of their students' progress.
    pub progress: Arc<classrooms::progress_cache::ProgressCache>,
    /// Where each request's line goes (TECH-1); none when the operator keeps no request logs.
    pub request_log: Option<request_log::RequestLog>,
    /// Where uploaded pictures and sounds are kept, and the bounds on uploads at once.
    pub media: media::Media,
    /// The services people may sign in with, and what was discovered of them.
    pub sso: Arc<sso::Sso>,
}

/// The background work of every server: the kit's chores, the erasure of old support reply
/// addresses, the notice emails and the families' permissions and requests.
pub fn background(state: &AppState) -> jobs::Runner {
    let support_state = state.clone();
    let runner = jobs::with_chores(state.store.clone()).every(
        support::ERASE_REPLY_ADDRESSES,
        std::time::Duration::from_secs(3600),
        move || {
            let state = support_state.clone();
            async move { support::erase_old_reply_addresses(&state).await }
        },
    );
    let runner = media::register(runner, state.clone());
    let runner = sso::register(runner, state.clone());
    let runner = notices::register(runner, state.clone());
    families::register(runner, state.clone())
}

/// Whether a request's handler bounds its body itself instead of the edge's 1 MiB.
pub fn reads_own_body(method: &axum::http::Method, path: &str) -> bool {
    media::reads_own_body(method, path)
}

/// The whole application: API, pages, static files, with the security layers around them.
pub fn router(state: AppState) -> Router {
    router_with(state, shedding::Shedding::default())
}

/// [`router`] with the given bounds on requests and request bodies held at once.
pub fn router_with(state: AppState, shedding: shedding::Shedding) -> Router {
    Router::new()
        .merge(accounts::routes())
        .merge(puzzles::routes())
        .merge(classrooms::routes())
        .merge(staff::routes())
        .merge(research::routes())
        .merge(support::routes())
        .merge(notices::routes())
        .merge(families::routes())
        .merge(creations::routes())
        .merge(media::routes())
        .merge(sso::routes())
        .merge(openapi::routes())
        .merge(site::routes())
        .merge(assets::routes())
        .layer(axum::middleware::from_fn(extract::refuse_nul))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::error_format,
        ))
        // Inside the guard, whose Content-Length check refuses an over-long body first.
        .layer(axum::middleware::from_fn_with_state(
            shedding.bodies,
            shedding::body_budget,
        ))
        .layer(axum::middleware::from_fn_with_state(
            shedding.in_flight,
            shedding::in_flight,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(axum::middleware::from_fn(security::server_timing))
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(axum::middleware::from_fn(security::compress_reads_only))
        // Request logs (TECH-1), outermost: the final status and the whole time of every answer.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request_log::record,
        ))
        .with_state(state)
}
