//! Sign-in through other services (promises SSO-1, SSO-2, SSO-3): OpenID Connect providers
//! and Facebook, the accounts of new identities, linking, and the re-check of their sessions.

mod api;
pub mod config;
mod flow;
pub mod http;
mod pages;
pub mod provider;

use crate::AppState;
use crate::kit::page::Page;
use axum::Router;
use utoipa::OpenApi;

pub use config::{ConfigError, DEFAULT_RECHECK_SECS, Protocol, ProviderConfig, SsoConfig};
pub use flow::{
    AccountSection, IdentityList, IdentityView, REAUTH_WITHIN, UNANSWERED_GRACE, account_section,
    recently_signed_in, recheck_due,
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

/// A section's login type that names a configured service: `sso:<id>`.
pub fn is_section_login_type(state: &AppState, login_type: &str) -> bool {
    login_type
        .strip_prefix("sso:")
        .is_some_and(|id| state.sso.config.provider(id).is_some())
}

/// The login types a teacher may give a section through the configured services:
/// (value, name, hint).
pub fn section_login_types(state: &AppState, p: &Page) -> Vec<(String, String, String)> {
    state
        .sso
        .config
        .providers
        .iter()
        .map(|s| {
            (
                format!("sso:{}", s.id),
                p.args("sso-sign-in-with", "provider", &s.label),
                p.args("sso-section-hint", "provider", &s.label),
            )
        })
        .collect()
}

/// The name of a section's login type when it names a service.
pub fn section_login_label(state: &AppState, p: &Page, login_type: &str) -> Option<String> {
    let id = login_type.strip_prefix("sso:")?;
    let label = state
        .sso
        .config
        .provider(id)
        .map_or(id, |s| s.label.as_str());
    Some(p.args("sso-sign-in-with", "provider", label))
}

/// The button of a section's sign-in page whose students sign in through a service: the
/// link (which joins the section and leads to its course) and its text.
pub fn section_button(
    state: &AppState,
    p: &Page,
    login_type: &str,
    code: &str,
) -> Option<(String, String)> {
    let id = login_type.strip_prefix("sso:")?;
    let provider = state.sso.config.provider(id)?;
    Some((
        format!("/sign-in/sso/{id}?section={code}"),
        p.args("sso-sign-in-with", "provider", &provider.label),
    ))
}
