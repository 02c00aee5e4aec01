//! Support: anyone writes to the support staff (promise MSG-3), and support staff list and
//! close the requests (STAFF-2).

mod api;
mod pages;
mod requests;
mod staff_api;
mod staff_pages;

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

pub use requests::{
    CloseSupportRequest, KEEP_REPLY_FOR, LIST_LIMIT, MESSAGE_CHARS, NOTE_CHARS, NewSupportRequest,
    SupportMessage, SupportRequestCreated, SupportRequestList, SupportRequestView, Topic,
    close_support_request, erase_old_reply_addresses, list_support_requests, send_support_request,
};

/// The chore that erases reply addresses 90 days after their request was closed.
pub const ERASE_REPLY_ADDRESSES: &str = "erase-support-reply-addresses";

/// The support requests' JSON operations, for the OpenAPI document: anyone's, and the
/// support staff's list and closing.
#[derive(OpenApi)]
#[openapi(
    paths(api::send, staff_api::list, staff_api::close),
    components(schemas(SupportRequestList, SupportRequestView, CloseSupportRequest))
)]
pub struct Api;

/// The support requests' JSON API and pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(staff_api::routes())
        .merge(staff_pages::routes())
        .merge(pages::routes())
}
