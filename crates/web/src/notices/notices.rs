//! What each user is told: the incidents that affected them and the significant revisions of
//! the notice, newest first.

use crate::AppState;
use crate::kit::error::ApiError;
use kodlek_domain::rfc3339;
use serde::Serialize;
use utoipa::ToSchema;

/// The most notices listed.
pub const NOTICES_LIMIT: u32 = 100;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeEntry {
    /// "incident" or "notice_version".
    #[schema(example = "incident")]
    pub kind: String,
    pub summary: String,
    pub at: String,
}

/// GET /api/v1/me/notices.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeList {
    pub notices: Vec<NoticeEntry>,
}

pub async fn my_notices(state: &AppState, account_id: &str) -> Result<NoticeList, ApiError> {
    let rows = state
        .store
        .account_notices(account_id, NOTICES_LIMIT)
        .await?;
    Ok(NoticeList {
        notices: rows
            .into_iter()
            .map(|n| NoticeEntry {
                kind: n.kind,
                summary: n.summary,
                at: rfc3339(n.at),
            })
            .collect(),
    })
}
