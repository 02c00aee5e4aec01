//! Security incidents (promise SEC-3): staff record one, every affected user sees it among
//! their notices, and the people to tell are emailed through the jobs queue.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::notices::mailing;
use crate::notices::text::bounded_text;
use kodlek_domain::now_millis;
use kodlek_store::{Affected, INCIDENT, IncidentRecord, new_id};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// The most users one incident names; beyond that, `all` is the honest answer.
pub const MAX_AFFECTED: usize = 10_000;
pub const SUMMARY_CHARS: usize = 300;
pub const DETAILS_CHARS: usize = 10_000;

/// POST /api/v1/staff/incidents.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    /// What the affected people are told: 1 to 300 characters.
    pub summary: String,
    /// What happened and what was done, for the record: 1 to 10000 characters.
    pub details: String,
    /// Every user was affected; then `user_ids` is left out.
    #[serde(default)]
    pub all: bool,
    /// The affected users, at most 10000.
    #[serde(default)]
    pub user_ids: Vec<String>,
}

/// 201 of POST /api/v1/staff/incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentCreated {
    pub id: String,
    /// How many users were affected, each of whom has the notice.
    pub notified: u64,
}

/// Records an incident for the users it affected and queues its emails: to each affected
/// adult with a verified address on file, and to the teachers of each affected student whom
/// teachers manage, and to the linked parents of each affected child (a child's own address is
/// never on file).
///
/// The email is `MailKind::Required`: it reaches unsubscribed addresses too, because telling
/// the people affected by a breach is a duty (GDPR article 34), not a choice of ours.
pub async fn report_incident(
    state: &AppState,
    actor_id: &str,
    body: NewIncident,
) -> Result<IncidentCreated, ApiError> {
    let summary = bounded_text("summary", &body.summary, SUMMARY_CHARS)?;
    let details = bounded_text("details", &body.details, DETAILS_CHARS)?;
    let affected = match (body.all, body.user_ids.is_empty()) {
        (true, true) => Affected::All,
        (true, false) => {
            return Err(ApiError::invalid(
                "user_ids",
                "leave it out when all users are affected",
            ));
        }
        (false, true) => {
            return Err(ApiError::invalid(
                "user_ids",
                "name the affected users, or set all",
            ));
        }
        (false, false) => {
            if body.user_ids.len() > MAX_AFFECTED {
                return Err(ApiError::invalid(
                    "user_ids",
                    format!("at most {MAX_AFFECTED}; set all when more are affected"),
                ));
            }
            let ids: Vec<String> = body
                .user_ids
                .into_iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let unknown = state.store.unknown_accounts(&ids).await?;
            if let Some(first) = unknown.first() {
                return Err(ApiError::invalid(
                    "user_ids",
                    format!("no user has the id {first} ({} unknown)", unknown.len()),
                ));
            }
            Affected::Accounts(ids)
        }
    };
    let now = now_millis();
    let id = new_id();
    let notified = state
        .store
        .record_incident(
            &IncidentRecord {
                id: id.clone(),
                summary,
                details,
                created_by: actor_id.to_owned(),
                created_at: now,
            },
            &affected,
        )
        .await?;
    mailing::queue(state, INCIDENT, &id, "start", now).await?;
    Ok(IncidentCreated { id, notified })
}
