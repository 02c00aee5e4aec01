//! Revisions of the privacy notice (promises NOTICE-1, NOTICE-2): staff publish one with a
//! new date; anyone reads the current one and the history.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::Lang;
use crate::kit::site::{NoticeRevision, notice_history};
use crate::notices::mailing;
use crate::notices::text::bounded_text;
use kodlek_domain::{now_millis, rfc3339};
use kodlek_store::{NOTICE_VERSION, NoticeVersionRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const SUMMARY_CHARS: usize = 500;

/// POST /api/v1/staff/notice-versions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNoticeVersion {
    /// What changed: 1 to 500 characters.
    pub summary: String,
    /// A significant change shows a banner on the home page for 30 days and becomes a notice
    /// on every account.
    pub significant: bool,
    /// Email every user with a verified address who has not unsubscribed.
    pub email_users: bool,
}

/// 201 of POST /api/v1/staff/notice-versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeVersionCreated {
    pub version: i64,
    /// Today, UTC: YYYY-MM-DD.
    pub date: String,
}

/// Publishes the next version, dated today (UTC). Version 1 is the notice as shipped, so the
/// first published is 2. With `email_users`, the emails go through the jobs queue in batches.
pub async fn publish_notice_version(
    state: &AppState,
    actor_id: &str,
    body: NewNoticeVersion,
) -> Result<NoticeVersionCreated, ApiError> {
    let summary = bounded_text("summary", &body.summary, SUMMARY_CHARS)?;
    let now = now_millis();
    let date = rfc3339(now)[..10].to_owned();
    let version = state
        .store
        .publish_notice_version(&NoticeVersionRecord {
            version: 0,
            revised_on: date.clone(),
            summary,
            significant: body.significant,
            email_users: body.email_users,
            created_by: actor_id.to_owned(),
            created_at: now,
        })
        .await?;
    if body.email_users {
        mailing::queue(state, NOTICE_VERSION, &version.to_string(), "start", now).await?;
    }
    Ok(NoticeVersionCreated { version, date })
}

/// GET /api/v1/notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub version: i64,
    pub date: String,
    pub significant: bool,
    pub summary: String,
    /// Every version, oldest first, the current one last.
    pub history: Vec<NoticeRevision>,
}

pub async fn current_notice(state: &AppState, lang: Lang) -> Result<NoticeView, ApiError> {
    let history = notice_history(state, lang).await?;
    let current = history.last().cloned().ok_or_else(ApiError::internal)?;
    Ok(NoticeView {
        version: current.version,
        date: current.date,
        significant: current.significant,
        summary: current.summary,
        history,
    })
}
