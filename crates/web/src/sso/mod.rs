//! Sign-in through other services (promises SSO-1, SSO-2, SSO-3): OpenID Connect providers
//! and Facebook, the accounts of new identities, linking, and the re-check of their sessions.

mod api;
pub mod config;
mod flow;
mod pages;
pub mod provider;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

pub use config::{ConfigError, DEFAULT_RECHECK_SECS, Protocol, ProviderConfig, SsoConfig};
pub use flow::{
    AccountSection, IdentityList, IdentityView, REAUTH_WITHIN, account_section, recently_signed_in,
    recheck_due,
};
pub use provider::Sso;

/// The chore that asks providers whether they still vouch for the people signed in through them.
pub const RECHECK: &str = "recheck-provider-sessions";

/// How often the re-check runs: often enough that no session outlives a refusal by more than
/// the configured interval, and no more than once a minute.
pub fn recheck_every(config: &SsoConfig) -> std::time::Duration {
    (config.recheck / 3).clamp(
        std::time::Duration::from_secs(5),
        std::time::Duration::from_secs(60),
    )
}

/// The buttons of the sign-in pages: each configured provider's id and label.
pub fn buttons(state: &AppState) -> Vec<(String, String)> {
    state
        .sso
        .config
        .providers
        .iter()
        .map(|p| (p.id.clone(), p.label.clone()))
        .collect()
}

/// The sign-in's JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(api::providers, api::identities, api::unlink),
    components(schemas(api::ProviderList, api::ProviderView, IdentityList, IdentityView))
)]
pub struct Api;

/// The sign-in's JSON API and pages.
pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}

/// Registers the re-check with the background runner.
pub fn register(runner: crate::jobs::Runner, state: AppState) -> crate::jobs::Runner {
    let every = recheck_every(&state.sso.config);
    runner.every(RECHECK, every, move || {
        let state = state.clone();
        async move { recheck_due(&state).await.map(|_| ()) }
    })
}
