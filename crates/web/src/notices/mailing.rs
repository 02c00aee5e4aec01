//! Notice emails through the jobs queue: one job sends one batch, then queues the next.
//!
//! Who is owed an email is decided once, when the notice is published, as a row per person
//! (`notice_mailings`); each row is marked the moment its email has gone. A job cut short (a
//! crash, a lost lease) leaves the rest unmarked, and its retry or the next batch takes up
//! exactly those: nobody is mailed twice and nobody is skipped. The one gap is a crash
//! between handing a message to the mail server and marking its row, which may repeat that
//! one message; marking first would instead risk losing it, and a notice must arrive.

use crate::AppState;
use crate::jobs::{JobResult, Runner};
use crate::kit::error::ApiError;
use crate::kit::extract::Lang;
use crate::kit::i18n::Tr;
use crate::kit::mail::{MailKind, send_mail};
use kodlek_domain::{EmailAddress, Millis, now_millis};
use kodlek_store::{INCIDENT, JobRecord, NOTICE_VERSION, NewJob};
use serde::{Deserialize, Serialize};

/// The job kind that sends one batch of notice emails.
pub const NOTICE_MAIL: &str = "notice-mail";
/// How many emails one job sends at most: well inside its lease.
pub const MAIL_BATCH: u32 = 100;

/// Ids only, as every payload.
#[derive(Serialize, Deserialize)]
struct Payload {
    kind: String,
    ref_id: String,
}

/// Queues the mailing of (`kind`, `ref_id`); `cursor` makes the key of each batch its own.
pub async fn queue(
    state: &AppState,
    kind: &str,
    ref_id: &str,
    cursor: &str,
    now: Millis,
) -> Result<(), ApiError> {
    let payload = serde_json::to_string(&Payload {
        kind: kind.to_owned(),
        ref_id: ref_id.to_owned(),
    })
    .map_err(|_| ApiError::internal())?;
    state
        .store
        .enqueue_job(
            &NewJob {
                kind: NOTICE_MAIL.into(),
                key: format!("{kind}:{ref_id}:{cursor}"),
                payload,
                run_at: now,
            },
            now,
        )
        .await?;
    Ok(())
}

/// Sends up to `limit` of the emails still owed for (`kind`, `ref_id`), marking each as it
/// goes. How many rows it settled (sent, or skipped for an account erased or without an
/// address meanwhile).
pub async fn send_batch(
    state: &AppState,
    kind: &str,
    ref_id: &str,
    limit: u32,
) -> Result<usize, String> {
    let store = &state.store;
    let owed = store
        .unsent_mailings(kind, ref_id, limit)
        .await
        .map_err(|e| e.to_string())?;
    if owed.is_empty() {
        return Ok(0);
    }
    let Some(summary) = store
        .notice_summary(kind, ref_id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Err("the notice is gone".into());
    };
    let (mail_kind, subject, body) = message(state, kind, &summary);
    for account_id in &owed {
        let account = store
            .account_by_id(account_id)
            .await
            .map_err(|e| e.to_string())?;
        let to = account
            .filter(|a| a.email_verified)
            .and_then(|a| a.email_ciphertext)
            .and_then(|c| state.keys.decrypt(&c))
            .and_then(|e| EmailAddress::new(&e).ok());
        if let Some(to) = to {
            // Never a child's address: only adults' addresses are kept retrievably.
            send_mail(state, mail_kind, &to, false, subject.clone(), body.clone())
                .await
                .map_err(|e| e.code.to_owned())?;
        }
        store
            .mark_mailed(kind, ref_id, account_id, now_millis())
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(owed.len())
}

/// The subject and text, in English and Swedish: a background email knows no reader's
/// language, so it carries both.
fn message(state: &AppState, kind: &str, summary: &str) -> (MailKind, String, String) {
    let (en, sv) = (Tr::new(Lang::En), Tr::new(Lang::Sv));
    let url = &state.config.public_url;
    let (mail_kind, prefix, link) = if kind == INCIDENT {
        (MailKind::Required, "incident", format!("{url}/account"))
    } else {
        (MailKind::Notice, "version", format!("{url}/privacy"))
    };
    let subject = format!(
        "{} / {}",
        en.t(&format!("mail-{prefix}-subject")),
        sv.t(&format!("mail-{prefix}-subject"))
    );
    let part = |tr: &Tr| {
        format!(
            "{}\n\n{summary}\n\n{}",
            tr.t(&format!("mail-{prefix}-lead")),
            tr.args(&format!("mail-{prefix}-link"), &[("link", link.as_str())])
        )
    };
    (
        mail_kind,
        subject,
        format!("{}\n\n---\n\n{}", part(&en), part(&sv)),
    )
}

/// Runs one `NOTICE_MAIL` job: a batch, then the next batch queued while any is owed.
pub async fn run_job(state: AppState, job: JobRecord) -> JobResult {
    let p: Payload = serde_json::from_str(&job.payload).map_err(|_| "a bad payload".to_owned())?;
    if p.kind != INCIDENT && p.kind != NOTICE_VERSION {
        return Err("an unknown notice kind".into());
    }
    send_batch(&state, &p.kind, &p.ref_id, MAIL_BATCH).await?;
    let next = state
        .store
        .unsent_mailings(&p.kind, &p.ref_id, 1)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(first) = next.first() {
        queue(&state, &p.kind, &p.ref_id, first, now_millis())
            .await
            .map_err(|e| e.code.to_owned())?;
    }
    Ok(())
}

/// Registers the notice emails with a runner.
pub fn register(runner: Runner, state: AppState) -> Runner {
    runner.handle(NOTICE_MAIL, move |job| run_job(state.clone(), job))
}
