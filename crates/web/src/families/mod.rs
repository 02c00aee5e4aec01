//! Families: parents link to their children with a code, follow their progress and programs,
//! decide whether a young child may have an account of their own, and ask for it to be
//! paused, stopped or erased (promise U13-7), with every step on record.

mod api;
mod children;
mod links;
mod pages;
mod permission;
mod public_pages;
mod requests;
mod review;
mod staff_api;
mod staff_pages;

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::jobs::Runner;
use axum::Router;
use kodlek_domain::{Role, now_millis};
use kodlek_store::AccountRecord;
use utoipa::OpenApi;

pub use links::{Child, FamilyCode, ParentView, StudentFamilyCode, section_codes};
pub use permission::{
    ChildSignUp, EXPIRE_PERMISSION, ask_permission, check_sign_up, permission_of,
};
pub use requests::{Action, ERASE_CONTACT, carry_out};

/// The families' JSON operations, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(
    api::own_code,
    api::section_codes,
    api::link,
    api::children_list,
    api::unlink_child,
    api::child_progress,
    api::child_attempts,
    api::request_for_child,
    api::parents_list,
    api::unlink_parent,
    api::public_request,
    api::confirm_request,
    api::decide_permission,
    staff_api::list_parent_requests,
    staff_api::decide_parent_request,
    staff_api::ask_teacher_to_confirm,
))]
pub struct Api;

/// The families' JSON API and pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(staff_api::routes())
        .merge(pages::routes())
        .merge(public_pages::routes())
        .merge(staff_pages::routes())
}

/// The families' background work: permissions that lapse unanswered, and requesters'
/// details erased once their request no longer needs them.
pub fn register(runner: Runner, state: AppState) -> Runner {
    let expiry = state.clone();
    runner
        .handle(EXPIRE_PERMISSION, move |job| {
            let state = expiry.clone();
            async move { permission::expire(&state, job).await }
        })
        .handle(ERASE_CONTACT, move |job| {
            let state = state.clone();
            async move { requests::erase_contact(&state, job).await }
        })
}

/// 409 `not_collecting` when nothing may be kept for the account now: a child awaiting a
/// parent's permission, or whose parent stopped collection. Other features call this before
/// they store a change the learner makes.
pub async fn ensure_collecting(state: &AppState, account_id: &str) -> Result<(), ApiError> {
    match state.store.child_control(account_id).await? {
        Some(c) if c.status == "awaiting_permission" || c.status == "collection_stopped" => {
            Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "not_collecting",
                "Nothing is kept for this account now, so this cannot be saved.",
            ))
        }
        _ => Ok(()),
    }
}

/// What the account page says about family: a student's linked parents (and what they can
/// see), a parent's way to their children.
pub struct FamilySection {
    pub student: bool,
    pub parent: bool,
    /// A child under 13: they may not remove a parent.
    pub child: bool,
    pub parents: Vec<ParentView>,
    pub children: usize,
    /// What holds a student's account back: "awaiting_permission", "collection_stopped", or
    /// empty (a deactivated account is not signed in).
    pub held: String,
}

pub async fn account_section(
    state: &AppState,
    a: &AccountRecord,
) -> Result<FamilySection, ApiError> {
    let student = a.role == Role::Student;
    let parent = a.role == Role::Parent;
    Ok(FamilySection {
        student,
        parent,
        child: crate::accounts::is_child_account(a, now_millis()),
        parents: if student {
            links::parents_of(state, &a.id).await?
        } else {
            Vec::new()
        },
        children: if parent {
            state.store.children_of(&a.id).await?.len()
        } else {
            0
        },
        held: match state.store.child_control(&a.id).await? {
            Some(c) if student => c.status,
            _ => String::new(),
        },
    })
}
