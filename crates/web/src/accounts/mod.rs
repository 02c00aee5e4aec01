//! Accounts: signing up and in, the account itself, its data, and password resets.

mod account;
mod api;
mod pages;
mod resets;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

pub use account::{
    Export, Me, MePatch, SignInBody, SignUp, UserBody, delete_me, erase, export, is_child_account,
    resend_verification, sign_in, sign_up, stated_age, update_me,
};
pub use resets::{complete_reset, request_reset, verify_email};
// Other features' patches tell an absent field (keep it) from `null` (clear it) the same way.
pub(crate) use account::double;
// Sign-in through a provider makes its accounts through the same sign-up.
pub(crate) use account::{Credential, sign_up_with};
// Classrooms show the account page after a student takes control of their account.
pub(crate) use pages::account_page;

/// The accounts' JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    api::sign_up,
    api::verify_email,
    api::sign_in,
    api::sign_out,
    api::me,
    api::update_me,
    api::delete_me,
    api::export,
    api::request_reset,
    api::complete_reset,
))]
pub struct Api;

/// The accounts' JSON API and pages.
pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}
