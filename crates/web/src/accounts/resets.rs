//! Password resets and email verification: the mailed links and what using them does.

use super::account::{RESET_FOR, field, is_child_account};
use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::Lang;
use crate::kit::limits;
use crate::kit::mail::{MailKind, send_mail};
use kodlek_domain::*;
use kodlek_privacy::keys::{new_token, token_digest};
use kodlek_store::{MailTokenRecord, TokenPurpose};
use std::net::IpAddr;

/// Mails a reset link to the typed address if it belongs to an account. Always "accepted",
/// so that nobody can learn from the answer whether an address has an account.
pub async fn request_reset(
    state: &AppState,
    email: &str,
    lang: Lang,
    ip: IpAddr,
) -> Result<(), ApiError> {
    // What is not an address cannot have an account: it is refused as any bad value is.
    let email = field("email", EmailAddress::new(email))?;
    let now = now_millis();
    if limits::check(state, limits::MAIL_PER_IP, &ip.to_string(), now)
        .await
        .is_err()
        || limits::check(state, limits::MAIL_PER_ADDRESS, email.as_str(), now)
            .await
            .is_err()
    {
        return Ok(());
    }
    let Some(a) = state
        .store
        .account_by_email_lookup(&state.keys.email_lookup_candidates(&email))
        .await?
    else {
        return Ok(());
    };
    let token = new_token();
    state
        .store
        .insert_mail_token(&MailTokenRecord {
            token_hash: token_digest(&token),
            account_id: a.id.clone(),
            purpose: TokenPurpose::ResetPassword,
            created_at: now,
            expires_at: now + RESET_FOR,
        })
        .await?;
    let link = format!("{}/reset-password/{token}", state.config.public_url);
    let tr = crate::kit::i18n::Tr::new(lang);
    // The link goes to the address as typed; for a child it is then forgotten (promise U13-3).
    send_mail(
        state,
        MailKind::Requested,
        &email,
        is_child_account(&a, now),
        tr.t("mail-reset-subject"),
        tr.args(
            "mail-reset-body",
            &[("name", &a.display_name), ("link", &link)],
        ),
    )
    .await
}

pub async fn complete_reset(state: &AppState, token: &str, password: &str) -> Result<(), ApiError> {
    let password = field("password", Password::new(password))?;
    let now = now_millis();
    let Some(id) = state
        .store
        .take_mail_token(&token_digest(token), TokenPurpose::ResetPassword, now)
        .await?
    else {
        return Err(ApiError::not_found());
    };
    let Some(mut a) = state.store.account_by_id(&id).await? else {
        return Err(ApiError::not_found());
    };
    a.password_hash = Some(state.hasher.hash(password.as_str()).await?);
    a.updated_at = now;
    state.store.update_account(&a).await?;
    state.store.delete_other_sessions(&a.id, None).await?;
    Ok(())
}

pub async fn verify_email(state: &AppState, token: &str) -> Result<(), ApiError> {
    let now = now_millis();
    let Some(id) = state
        .store
        .take_mail_token(&token_digest(token), TokenPurpose::VerifyEmail, now)
        .await?
    else {
        return Err(ApiError::not_found());
    };
    let Some(mut a) = state.store.account_by_id(&id).await? else {
        return Err(ApiError::not_found());
    };
    a.email_verified = true;
    a.updated_at = now;
    state.store.update_account(&a).await?;
    Ok(())
}
