//! A parent's permission for a child's own sign-up (`KODLEK_CHILD_SIGN_UP`): the sign-up's
//! check, the email to the parent, the grant or decline, and the expiry after a week.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::Lang;
use crate::kit::i18n::Tr;
use crate::kit::jobs::JobResult;
use crate::kit::mail::{MailKind, send_mail};
use axum::http::StatusCode;
use kodlek_domain::{EmailAddress, Millis, Role, now_millis};
use kodlek_privacy::keys::{new_token, token_digest};
use kodlek_store::{AccountRecord, JobRecord, NewJob, SignUpPermissionRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long a parent has to answer; unanswered, the account is erased.
pub const PERMISSION_FOR: Millis = 7 * 24 * 3600 * 1000;
/// The job that erases an account whose permission was never given.
pub const EXPIRE_PERMISSION: &str = "families-expire-permission";

/// Who may sign a child (under 13) up with an account of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChildSignUp {
    /// The child gives a parent's address; nothing of their play is kept until the parent
    /// says yes.
    #[default]
    ParentPermission,
    /// Children sign up like anyone else.
    Open,
    /// Children get accounts only from their teachers.
    Closed,
}

impl ChildSignUp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChildSignUp::ParentPermission => "parent_permission",
            ChildSignUp::Open => "open",
            ChildSignUp::Closed => "closed",
        }
    }
}

impl std::str::FromStr for ChildSignUp {
    type Err = String;
    fn from_str(s: &str) -> Result<ChildSignUp, String> {
        match s.trim() {
            "parent_permission" => Ok(ChildSignUp::ParentPermission),
            "open" => Ok(ChildSignUp::Open),
            "closed" => Ok(ChildSignUp::Closed),
            other => Err(format!(
                "{other}: must be parent_permission, open or closed"
            )),
        }
    }
}

/// Checks a sign-up's `parent_email` against the server's rule before anything is stored:
/// the parent's address when a permission must be asked, None when not.
pub fn check_sign_up(
    state: &AppState,
    role: Role,
    child: bool,
    own_email: Option<&EmailAddress>,
    parent_email: Option<&str>,
) -> Result<Option<EmailAddress>, ApiError> {
    let rule = state.config.child_sign_up;
    let asked = role == Role::Student && child && rule == ChildSignUp::ParentPermission;
    if role == Role::Student && child && rule == ChildSignUp::Closed {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "child_sign_up_closed",
            "Children get their accounts from their teachers here.",
        ));
    }
    match parent_email {
        Some(_) if !asked => Err(ApiError::invalid(
            "parent_email",
            "is asked only of children under 13 signing up",
        )),
        None if asked => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "parent_email_required",
            "Children under 13 need a parent's email address: we ask them first.",
        )),
        None => Ok(None),
        Some(raw) => {
            let e = EmailAddress::new(raw).map_err(|e| ApiError::invalid("parent_email", e))?;
            if Some(&e) == own_email {
                return Err(ApiError::invalid(
                    "parent_email",
                    "must be a parent's address, not the child's own",
                ));
            }
            Ok(Some(e))
        }
    }
}

/// Records the pending permission of a new child's account and asks the parent. The address
/// is kept encrypted until the parent answers or the week is out.
pub async fn ask_permission(
    state: &AppState,
    child: &AccountRecord,
    parent: &EmailAddress,
    lang: Lang,
) -> Result<(), ApiError> {
    let token = new_token();
    let now = now_millis();
    let record = SignUpPermissionRecord {
        account_id: child.id.clone(),
        token_hash: Some(token_digest(&token)),
        parent_email_ciphertext: Some(state.keys.encrypt(parent.as_str())),
        lang: lang.code().to_owned(),
        status: "pending".into(),
        created_at: now,
        expires_at: now + PERMISSION_FOR,
        decided_at: None,
    };
    state.store.insert_sign_up_permission(&record).await?;
    state
        .store
        .enqueue_job(
            &NewJob {
                kind: EXPIRE_PERMISSION.into(),
                key: child.id.clone(),
                payload: serde_json::json!({ "account_id": child.id }).to_string(),
                run_at: record.expires_at,
            },
            now,
        )
        .await?;
    let link = format!("{}/permissions/{token}", state.config.public_url);
    let tr = Tr::new(lang);
    send_mail(
        state,
        MailKind::Requested,
        parent,
        false,
        tr.args("mail-permission-subject", &[("name", &child.display_name)]),
        tr.args(
            "mail-permission-body",
            &[("name", &child.display_name), ("link", &link)],
        ),
    )
    .await
}

/// "pending", "granted" or "not_needed": `Me.permission`.
pub async fn permission_of(state: &AppState, a: &AccountRecord) -> Result<String, ApiError> {
    Ok(match state.store.sign_up_permission(&a.id).await? {
        Some(p) if a.role == Role::Student => p.status,
        _ => "not_needed".to_owned(),
    })
}

/// POST /api/v1/permissions/{token}.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionDecision {
    pub decision: Decision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Grant,
    Decline,
}

/// 200 of POST /api/v1/permissions/{token}.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionAnswer {
    /// "granted" or "declined".
    #[schema(example = "granted")]
    pub status: String,
    /// Granted: a family code (7 days) with which the parent links a parent account to the
    /// child, once signed in to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_code: Option<String>,
}

/// The open request of a link, with its child; None for an unknown, used or expired link.
pub async fn open_request(
    state: &AppState,
    token: &str,
) -> Result<Option<(SignUpPermissionRecord, AccountRecord)>, ApiError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    let Some(p) = state
        .store
        .sign_up_permission_by_token(&token_digest(token))
        .await?
        .filter(|p| p.status == "pending" && p.expires_at > now_millis())
    else {
        return Ok(None);
    };
    Ok(state
        .store
        .account_by_id(&p.account_id)
        .await?
        .map(|a| (p, a)))
}

/// The parent's answer. Granted, the account keeps what the child does from now on; declined,
/// it is erased at once. Either way the parent's address is gone with the answer.
pub async fn decide(
    state: &AppState,
    token: &str,
    decision: Decision,
) -> Result<PermissionAnswer, ApiError> {
    let (p, child) = open_request(state, token)
        .await?
        .ok_or_else(ApiError::not_found)?;
    match decision {
        Decision::Grant => {
            if !state
                .store
                .grant_sign_up_permission(&p.account_id, now_millis())
                .await?
            {
                return Err(ApiError::not_found());
            }
            let code = crate::families::links::code_for(state, &child.id).await?;
            Ok(PermissionAnswer {
                status: "granted".into(),
                family_code: Some(code),
            })
        }
        Decision::Decline => {
            crate::accounts::erase(state, &child).await?;
            Ok(PermissionAnswer {
                status: "declined".into(),
                family_code: None,
            })
        }
    }
}

/// The job of a permission's week: still unanswered, the account is erased with it.
pub async fn expire(state: &AppState, job: JobRecord) -> JobResult {
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
    let Some(id) = payload["account_id"].as_str() else {
        return Ok(());
    };
    let pending = state
        .store
        .sign_up_permission(id)
        .await
        .map_err(|e| e.to_string())?
        // The job runs when the week is out: still pending, it lapsed.
        .filter(|p| p.status == "pending");
    if pending.is_none() {
        return Ok(());
    }
    // The account may have been erased in between; then there is nothing left to do.
    if let Some(a) = state
        .store
        .account_by_id(id)
        .await
        .map_err(|e| e.to_string())?
    {
        crate::accounts::erase(state, &a)
            .await
            .map_err(|e| e.message)?;
    }
    Ok(())
}
