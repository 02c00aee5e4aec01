//! Notices: security incidents (SEC-3), revisions of the privacy notice (NOTICE-1,
//! NOTICE-2), what each user is told of them, their emails through the jobs queue, and
//! consent to new uses of data (NOTICE-3).

mod api;
mod consents;
mod incidents;
mod mailing;
#[allow(clippy::module_inception)]
mod notices;
mod pages;
mod staff_api;
mod staff_pages;
mod text;
mod versions;

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::Lang;
use axum::Router;
use kodlek_store::AccountRecord;
use utoipa::OpenApi;

pub use consents::{
    ConsentAnswer, ConsentBody, ConsentList, ConsentView, answer_consent, consenting_accounts,
    my_consents, unanswered_consent,
};
pub use incidents::{IncidentCreated, MAX_AFFECTED, NewIncident, report_incident};
pub use mailing::{MAIL_BATCH, NOTICE_MAIL, register, send_batch};
pub use notices::{NoticeEntry, NoticeList, my_notices};
pub use versions::{
    NewNoticeVersion, NoticeVersionCreated, NoticeView, current_notice, publish_notice_version,
};

/// The notices' JSON operations, for the OpenAPI document, the administrators' included.
#[derive(OpenApi)]
#[openapi(
    paths(
        api::notice,
        api::my_notices,
        api::my_consents,
        api::answer_consent,
        staff_api::incident,
        staff_api::notice_version
    ),
    components(schemas(NewIncident, IncidentCreated, NewNoticeVersion, NoticeVersionCreated))
)]
pub struct Api;

/// The notices' JSON API and pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(staff_api::routes())
        .merge(staff_pages::routes())
        .merge(pages::routes())
}

/// What the account page shows of this feature: the user's notices and consent answers.
pub struct AccountSection {
    pub notices: Vec<NoticeEntry>,
    pub consents: Vec<ConsentView>,
}

pub async fn account_section(
    state: &AppState,
    account: &AccountRecord,
    lang: Lang,
) -> Result<AccountSection, ApiError> {
    Ok(AccountSection {
        notices: my_notices(state, &account.id).await?.notices,
        consents: my_consents(state, account, lang).await?.consents,
    })
}
