//! Parents' requests about a child (promise U13-7): from a linked parent's page after a
//! password, or from the public form; confirmed by an emailed link; carried out with their
//! effects, the teachers and the requester told, and every step in the audit log.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{Lang, SignedIn};
use crate::kit::i18n::Tr;
use crate::kit::limits;
use crate::kit::mail::{MailKind, send_mail};
use axum::http::StatusCode;
use kodlek_domain::{EmailAddress, Millis, Role, now_millis, rfc3339};
use kodlek_privacy::keys::{new_token, token_digest};
use kodlek_store::{AccountRecord, NewAuditEntry, NewJob, ParentRequestRecord, new_id};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;

/// How long an emailed confirmation link works.
pub const CONFIRM_FOR: Millis = 7 * 24 * 3600 * 1000;
/// Support decides an unlinked request within this long of its confirmation.
pub const REVIEW_WITHIN: Millis = 30 * 24 * 3600 * 1000;
/// The job that erases a request's contact details once they are no longer needed.
pub const ERASE_CONTACT: &str = "families-erase-request-contact";
/// The longest free text of the public form, in characters.
pub const DETAILS_CHARS: usize = 2000;

/// What a parent asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Deactivate,
    Delete,
    StopCollection,
    Resume,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Deactivate,
        Action::StopCollection,
        Action::Resume,
        Action::Delete,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Deactivate => "deactivate",
            Action::Delete => "delete",
            Action::StopCollection => "stop_collection",
            Action::Resume => "resume",
        }
    }
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// `ParentRequest`: where a request stands. Nothing of the child's beyond what the caller
/// already knows.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParentRequestView {
    pub id: String,
    #[schema(example = "deactivate")]
    pub action: String,
    /// "awaiting_email_confirmation", "awaiting_review", "done" or "refused".
    #[schema(example = "awaiting_email_confirmation")]
    pub status: String,
    pub created_at: String,
    pub due_at: Option<String>,
    pub decided_at: Option<String>,
}

impl From<&ParentRequestRecord> for ParentRequestView {
    fn from(r: &ParentRequestRecord) -> ParentRequestView {
        ParentRequestView {
            id: r.id.clone(),
            action: r.action.clone(),
            status: r.status.clone(),
            created_at: rfc3339(r.created_at),
            due_at: r.due_at.map(rfc3339),
            decided_at: r.decided_at.map(rfc3339),
        }
    }
}

/// `{"request": ParentRequest}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ParentRequestBody {
    pub request: ParentRequestView,
}

/// POST /api/v1/me/children/{id}/requests.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkedRequest {
    pub action: Action,
    /// The parent's own password, typed again.
    #[schema(max_length = 1024)]
    pub password: String,
}

/// POST /api/v1/parent-requests: a parent without a link to the child.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub parent_name: String,
    #[schema(max_length = 254)]
    pub parent_email: String,
    #[schema(min_length = 1, max_length = 200)]
    pub child_display_name: String,
    /// The class code the child uses, if the parent knows it.
    #[schema(max_length = 32)]
    pub section_code: Option<String>,
    #[schema(max_length = 200)]
    pub school_name: Option<String>,
    pub action: Action,
    #[schema(max_length = 2000)]
    pub details: Option<String>,
}

fn text(field: &str, raw: &str, max: usize) -> Result<String, ApiError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ApiError::invalid(field, "must not be empty"));
    }
    if s.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(s.to_owned())
}

fn optional(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => text(field, s, max).map(Some),
    }
}

/// An entry of the audit log for a step that is not a staff member's: the actor is the
/// parent's account, or "requester" for a parent without one.
pub(crate) async fn record_step(
    state: &AppState,
    actor: &str,
    action: &str,
    r: &ParentRequestRecord,
) -> Result<(), ApiError> {
    state
        .store
        .append_audit(&NewAuditEntry {
            at: now_millis(),
            actor_id: actor.to_owned(),
            action: action.to_owned(),
            subject_id: r.child_id.clone(),
            reason: None,
            ticket: None,
            detail: Some(format!("request={} action={}", r.id, r.action)),
        })
        .await?;
    Ok(())
}

fn confirm_link(state: &AppState, token: &str) -> String {
    format!("{}/parent-requests/{token}", state.config.public_url)
}

async fn mail_confirmation(
    state: &AppState,
    to: &EmailAddress,
    r: &ParentRequestRecord,
    child_name: &str,
    token: &str,
) -> Result<(), ApiError> {
    let tr = Tr::new(Lang::parse(&r.lang).unwrap_or(Lang::En));
    let action = tr.t(&format!("family-action-{}", r.action.replace('_', "-")));
    let link = confirm_link(state, token);
    send_mail(
        state,
        MailKind::Requested,
        to,
        false,
        tr.t("mail-request-confirm-subject"),
        tr.args(
            "mail-request-confirm-body",
            &[("action", &action), ("child", child_name), ("link", &link)],
        ),
    )
    .await
}

/// A linked parent asks, after typing their password again; an emailed link confirms it.
pub async fn request_for_child(
    state: &AppState,
    me: &SignedIn,
    child_id: &str,
    body: LinkedRequest,
    lang: Lang,
) -> Result<ParentRequestView, ApiError> {
    let (child, _) = crate::families::links::linked_child(state, me, child_id).await?;
    let ok = match &me.account.password_hash {
        Some(phc) if !body.password.is_empty() && body.password.len() <= 1024 => {
            state.hasher.verify(&body.password, phc).await?
        }
        _ => false,
    };
    if !ok {
        return Err(ApiError::reauthenticate());
    }
    let Some(to) = me
        .account
        .email_ciphertext
        .as_deref()
        .and_then(|c| state.keys.decrypt(c))
        .and_then(|e| EmailAddress::new(&e).ok())
    else {
        return Err(ApiError::internal());
    };
    // Each request mails the parent: a few an hour, as for other mails asked for.
    limits::check(state, limits::MAIL_PER_ADDRESS, to.as_str(), now_millis()).await?;
    let token = new_token();
    let r = ParentRequestRecord {
        id: new_id(),
        action: body.action.as_str().into(),
        status: "awaiting_email_confirmation".into(),
        child_id: Some(child.id.clone()),
        parent_id: Some(me.account.id.clone()),
        token_hash: Some(token_digest(&token)),
        parent_name: None,
        parent_email_ciphertext: None,
        child_display_name: None,
        section_code: None,
        school_name: None,
        details: None,
        lang: lang.code().into(),
        created_at: now_millis(),
        confirmed_at: None,
        due_at: None,
        decided_at: None,
        decided_by: None,
        decision_reason: None,
    };
    state.store.insert_parent_request(&r).await?;
    record_step(state, &me.account.id, "parent_request.created", &r).await?;
    mail_confirmation(state, &to, &r, &child.display_name, &token).await?;
    Ok((&r).into())
}

/// A parent without a link writes in; the emailed link confirms the address, then support
/// reviews it. Their details are kept only while the request needs them.
pub async fn public_request(
    state: &AppState,
    body: PublicRequest,
    lang: Lang,
    ip: IpAddr,
) -> Result<ParentRequestView, ApiError> {
    let parent_name = text("parent_name", &body.parent_name, 200)?;
    let email = EmailAddress::new(body.parent_email.trim())
        .map_err(|e| ApiError::invalid("parent_email", e))?;
    let child_name = text("child_display_name", &body.child_display_name, 200)?;
    let section_code = optional("section_code", body.section_code.as_deref(), 32)?;
    let school_name = optional("school_name", body.school_name.as_deref(), 200)?;
    let details = optional("details", body.details.as_deref(), DETAILS_CHARS)?;
    let now = now_millis();
    limits::check(state, limits::MAIL_PER_IP, &ip.to_string(), now).await?;
    limits::check(state, limits::MAIL_PER_ADDRESS, email.as_str(), now).await?;
    let token = new_token();
    let r = ParentRequestRecord {
        id: new_id(),
        action: body.action.as_str().into(),
        status: "awaiting_email_confirmation".into(),
        child_id: None,
        parent_id: None,
        token_hash: Some(token_digest(&token)),
        parent_name: Some(parent_name),
        parent_email_ciphertext: Some(state.keys.encrypt(email.as_str())),
        child_display_name: Some(child_name.clone()),
        section_code,
        school_name,
        details,
        lang: lang.code().into(),
        created_at: now,
        confirmed_at: None,
        due_at: None,
        decided_at: None,
        decided_by: None,
        decision_reason: None,
    };
    state.store.insert_parent_request(&r).await?;
    // Never confirmed, the details go when the link lapses.
    queue_erasure(state, &r.id, "lapsed", now + CONFIRM_FOR).await?;
    record_step(state, "requester", "parent_request.created", &r).await?;
    mail_confirmation(state, &email, &r, &child_name, &token).await?;
    Ok((&r).into())
}

pub(crate) async fn queue_erasure(
    state: &AppState,
    id: &str,
    why: &str,
    run_at: Millis,
) -> Result<(), ApiError> {
    state
        .store
        .enqueue_job(
            &NewJob {
                kind: ERASE_CONTACT.into(),
                key: format!("{id}:{why}"),
                payload: serde_json::json!({ "request_id": id }).to_string(),
                run_at,
            },
            now_millis(),
        )
        .await?;
    Ok(())
}

/// The request of an emailed link that is still waiting for it, or None.
pub async fn awaiting(
    state: &AppState,
    token: &str,
) -> Result<Option<ParentRequestRecord>, ApiError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    Ok(state
        .store
        .parent_request_by_token(&token_digest(token))
        .await?
        .filter(|r| {
            r.status == "awaiting_email_confirmation" && r.created_at + CONFIRM_FOR > now_millis()
        }))
}

/// The emailed link is used: a linked parent's request is carried out at once (the link
/// still holding), an unlinked one goes to support with its 30 days. A second use: 404.
pub async fn confirm(state: &AppState, token: &str) -> Result<ParentRequestView, ApiError> {
    let r = awaiting(state, token)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let now = now_millis();
    let mut next = ParentRequestRecord {
        token_hash: None,
        confirmed_at: Some(now),
        ..r.clone()
    };
    let actor = r.parent_id.clone().unwrap_or_else(|| "requester".into());
    let linked = match (&r.parent_id, &r.child_id) {
        (Some(p), Some(c)) => state
            .store
            .children_of(p)
            .await?
            .iter()
            .any(|l| l.child_id == *c),
        _ => false,
    };
    if r.parent_id.is_some() && !linked {
        // The link ended in between: nobody may act for the child through it any more.
        next.status = "refused".into();
        next.decided_at = Some(now);
        next.decision_reason = Some("The parent is no longer linked to the child.".into());
    } else if linked {
        next.status = "done".into();
        next.decided_at = Some(now);
    } else {
        next.status = "awaiting_review".into();
        next.due_at = Some(now + REVIEW_WITHIN);
    }
    if !state.store.update_parent_request(&next, &r.status).await? {
        return Err(ApiError::not_found());
    }
    record_step(state, &actor, "parent_request.confirmed", &next).await?;
    if next.status == "done" {
        let action = Action::parse(&next.action).unwrap_or(Action::Deactivate);
        let child_id = next.child_id.clone().unwrap_or_default();
        let child_name = carry_out(state, &child_id, action).await?;
        record_step(state, &actor, "parent_request.carried_out", &next).await?;
        tell_linked_parent(state, &next, child_name.as_deref()).await;
    }
    Ok((&next).into())
}

/// The effects of an action on the child's account (API.md, Families); the child's display
/// name as it was, or None when the account is gone already. Their teachers are told when
/// the child is deactivated or deleted.
pub async fn carry_out(
    state: &AppState,
    child_id: &str,
    action: Action,
) -> Result<Option<String>, ApiError> {
    let Some(child) = state
        .store
        .account_by_id(child_id)
        .await?
        .filter(|a| a.role == Role::Student)
    else {
        return Ok(None);
    };
    let now = now_millis();
    let teachers = match action {
        Action::Deactivate | Action::Delete => teachers_of(state, &child).await?,
        _ => Vec::new(),
    };
    match action {
        Action::Deactivate => {
            state
                .store
                .set_child_control(&child.id, Some("deactivated"), now)
                .await?;
            state.store.delete_other_sessions(&child.id, None).await?;
        }
        Action::StopCollection => {
            state
                .store
                .set_child_control(&child.id, Some("collection_stopped"), now)
                .await?;
        }
        Action::Resume => {
            // A permission still awaited is the parent's answer to give, not a request's.
            if let Some(c) = state.store.child_control(&child.id).await?
                && c.status != "awaiting_permission"
            {
                state.store.set_child_control(&child.id, None, now).await?;
            }
        }
        Action::Delete => crate::accounts::erase(state, &child).await?,
    }
    for (teacher, lang) in teachers {
        let tr = Tr::new(lang);
        let key = format!("mail-teacher-{}", action.as_str().replace('_', "-"));
        let sent = send_mail(
            state,
            MailKind::Notice,
            &teacher,
            false,
            tr.args(&format!("{key}-subject"), &[("name", &child.display_name)]),
            tr.args(&format!("{key}-body"), &[("name", &child.display_name)]),
        )
        .await;
        if let Err(e) = sent {
            tracing::warn!(code = e.code, "a teacher's notice was not sent");
        }
    }
    Ok(Some(child.display_name))
}

/// The addresses of the teachers of every section the child is in.
async fn teachers_of(
    state: &AppState,
    child: &AccountRecord,
) -> Result<Vec<(EmailAddress, Lang)>, ApiError> {
    let mut out: Vec<(EmailAddress, Lang)> = Vec::new();
    for s in state.store.sections_joined_by(&child.id).await? {
        for t in state.store.section_teachers(&s.section.id).await? {
            if let Some(e) = state
                .store
                .account_by_id(&t.teacher_id)
                .await?
                .and_then(|a| a.email_ciphertext)
                .and_then(|c| state.keys.decrypt(&c))
                .and_then(|e| EmailAddress::new(&e).ok())
                && !out.iter().any(|(o, _)| *o == e)
            {
                out.push((e, Lang::En));
            }
        }
    }
    Ok(out)
}

/// The outcome, to the linked parent's own address.
async fn tell_linked_parent(state: &AppState, r: &ParentRequestRecord, child_name: Option<&str>) {
    let Some(parent) = r.parent_id.as_deref() else {
        return;
    };
    let Ok(Some(a)) = state.store.account_by_id(parent).await else {
        return;
    };
    let Some(to) = a
        .email_ciphertext
        .and_then(|c| state.keys.decrypt(&c))
        .and_then(|e| EmailAddress::new(&e).ok())
    else {
        return;
    };
    tell_outcome(state, &to, r, child_name.unwrap_or("")).await;
}

/// Emails the requester what became of their request.
pub(crate) async fn tell_outcome(
    state: &AppState,
    to: &EmailAddress,
    r: &ParentRequestRecord,
    child_name: &str,
) {
    let tr = Tr::new(Lang::parse(&r.lang).unwrap_or(Lang::En));
    let action = tr.t(&format!("family-action-{}", r.action.replace('_', "-")));
    let key = format!("mail-request-{}", r.status);
    let reason = r.decision_reason.clone().unwrap_or_default();
    let sent = send_mail(
        state,
        MailKind::Requested,
        to,
        false,
        tr.t("mail-request-outcome-subject"),
        tr.args(
            &key,
            &[
                ("action", &action),
                ("child", child_name),
                ("reason", &reason),
            ],
        ),
    )
    .await;
    if let Err(e) = sent {
        tracing::warn!(code = e.code, "a request's outcome was not sent");
    }
}

/// The job that erases a request's contact details: once it is decided, or when its link
/// lapsed unconfirmed (the job is queued to run then). A request still under review keeps them until support decides.
pub async fn erase_contact(
    state: &AppState,
    job: kodlek_store::JobRecord,
) -> crate::kit::jobs::JobResult {
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
    let Some(id) = payload["request_id"].as_str() else {
        return Ok(());
    };
    let Some(r) = state
        .store
        .parent_request(id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(());
    };
    // The job of a lapsing link runs when the link stops working: still unconfirmed then,
    // the request is dropped with its details.
    let lapsed = r.status == "awaiting_email_confirmation";
    if r.status == "done" || r.status == "refused" || lapsed {
        state
            .store
            .erase_parent_request_contact(id)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// 409 `request_decided`: a request is decided once.
pub fn request_decided() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "request_decided",
        "This request has been decided already, or is not yet confirmed.",
    )
}
