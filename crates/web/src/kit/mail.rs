//! Sending mail: every message gets its unsubscribe link, and unasked-for mail respects it.

use crate::AppState;
use crate::kit::error::ApiError;
use kodlek_domain::EmailAddress;
use kodlek_services::Mail;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// Asked for by the person at that moment (a reset, a verification): goes out regardless.
    Requested,
    /// Not asked for at that moment: an unsubscribed address does not get it.
    Notice,
    /// A message the law requires us to send, such as the notice of a security incident that
    /// affects the person (GDPR article 34): unsubscribing stops what we choose to send, not
    /// what we owe, so it goes out to an unsubscribed address too. It still carries the link.
    Required,
}

/// `to_child`: the address is a child's, so that a transport keeping copies keeps this one
/// for the shortest time (promise U13-2).
pub async fn send_mail(
    state: &AppState,
    kind: MailKind,
    to: &EmailAddress,
    to_child: bool,
    subject: String,
    body: String,
) -> Result<(), ApiError> {
    if kind == MailKind::Notice
        && state
            .store
            .is_unsubscribed(&state.keys.unsubscribe_keys_of(to))
            .await?
    {
        return Ok(());
    }
    let unsubscribe_url = format!(
        "{}/unsubscribe/{}",
        state.config.public_url,
        state.keys.unsubscribe_token(to)
    );
    state
        .mailer
        .send(Mail {
            to: to.clone(),
            subject,
            body,
            unsubscribe_url,
            to_child,
        })
        .await
        .map_err(|e| {
            // The error text of a transport can quote the address; log only the kind of failure.
            let kind = match e {
                kodlek_services::MailError::Build(_) => "build",
                kodlek_services::MailError::Send(_) => "send",
            };
            tracing::error!(kind, "a mail could not be sent");
            ApiError::internal()
        })
}
