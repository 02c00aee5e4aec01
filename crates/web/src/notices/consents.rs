//! Consent (promise NOTICE-3): a new use of personal data already collected waits for the
//! person's yes. The purposes that need one are marked in the data inventory.
//!
//! Children are never asked, and never included: under the notice a child's own consent is
//! not enough, and asking a child a question whose answer counts for nothing would mislead.
//! A child's list is empty and a child's answer is refused, so the store, which offers a
//! purpose only those who said yes, never offers a child.

use crate::AppState;
use crate::accounts::is_child_account;
use crate::kit::error::ApiError;
use crate::kit::extract::Lang;
use kodlek_domain::{now_millis, rfc3339};
use kodlek_store::{AccountRecord, ConsentRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One purpose and the account's answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentView {
    /// The purpose's name, as in the path of PUT /api/v1/me/consents/{purpose}.
    pub purpose: String,
    /// The question, in the caller's language.
    pub question: String,
    /// Null until answered.
    pub granted: Option<bool>,
    pub answered_at: Option<String>,
}

/// GET /api/v1/me/consents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentList {
    /// Every purpose that needs consent; empty for a child, who is not asked.
    pub consents: Vec<ConsentView>,
}

/// PUT /api/v1/me/consents/{purpose}.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentAnswer {
    /// Yes, or no (which also withdraws an earlier yes).
    pub granted: bool,
}

/// 200 of PUT /api/v1/me/consents/{purpose}.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentBody {
    pub consent: ConsentView,
}

fn asked(a: &AccountRecord) -> bool {
    !is_child_account(a, now_millis())
}

pub async fn my_consents(
    state: &AppState,
    account: &AccountRecord,
    lang: Lang,
) -> Result<ConsentList, ApiError> {
    if !asked(account) {
        return Ok(ConsentList {
            consents: Vec::new(),
        });
    }
    let answers = state.store.consents_of(&account.id).await?;
    let consents = state
        .inventory
        .consent_purposes()
        .map(|(name, purpose)| {
            let answer = answers.iter().find(|a| a.purpose == name);
            ConsentView {
                purpose: name.to_owned(),
                question: purpose.question(lang.code()).to_owned(),
                granted: answer.map(|a| a.granted),
                answered_at: answer.map(|a| rfc3339(a.answered_at)),
            }
        })
        .collect();
    Ok(ConsentList { consents })
}

/// Records a yes or a no; a no withdraws an earlier yes at once. An unknown purpose: 404;
/// a child: 403 `forbidden`.
pub async fn answer_consent(
    state: &AppState,
    account: &AccountRecord,
    purpose: &str,
    granted: bool,
    lang: Lang,
) -> Result<ConsentView, ApiError> {
    let Some((name, p)) = state
        .inventory
        .consent_purposes()
        .find(|(name, _)| *name == purpose)
    else {
        return Err(ApiError::not_found());
    };
    if !asked(account) {
        return Err(ApiError::forbidden(
            "A child's consent is not enough for this, so children are not asked.",
        ));
    }
    let now = now_millis();
    state
        .store
        .set_consent(&ConsentRecord {
            account_id: account.id.clone(),
            purpose: name.to_owned(),
            granted,
            answered_at: now,
        })
        .await?;
    Ok(ConsentView {
        purpose: name.to_owned(),
        question: p.question(lang.code()).to_owned(),
        granted: Some(granted),
        answered_at: Some(rfc3339(now)),
    })
}

/// The first purpose the account has not answered, if it is asked at all: the page flow
/// after a sign-in shows its question before anything else.
pub async fn unanswered_consent(
    state: &AppState,
    account: &AccountRecord,
    lang: Lang,
) -> Result<Option<ConsentView>, ApiError> {
    Ok(my_consents(state, account, lang)
        .await?
        .consents
        .into_iter()
        .find(|c| c.granted.is_none()))
}

/// The accounts whose data a purpose that needs consent may use: those whose latest answer is
/// yes, less anyone who is a child now. A child cannot answer, but an age corrected downwards
/// after a yes must not bring a child in; the protective reading is that a child's yes never
/// counts. The purpose's own code (the research export, say) reads its cohort here.
pub async fn consenting_accounts(state: &AppState, purpose: &str) -> Result<Vec<String>, ApiError> {
    let now = now_millis();
    let mut out = Vec::new();
    for id in state.store.accounts_consenting_to(purpose).await? {
        // An account erased in between is simply not there.
        if let Some(a) = state.store.account_by_id(&id).await?
            && !is_child_account(&a, now)
        {
            out.push(id);
        }
    }
    Ok(out)
}
