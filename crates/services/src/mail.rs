//! Email: every message carries an unsubscribe link and the RFC 8058 one-click headers.

use async_trait::async_trait;
use kodlek_domain::EmailAddress;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the message could not be sent: {0}")]
    Send(String),
}

/// One message to one address.
#[derive(Clone)]
pub struct Mail {
    pub to: EmailAddress,
    pub subject: String,
    pub body: String,
    /// `<public url>/unsubscribe/{token}`: a page, and the target of the one-click POST.
    pub unsubscribe_url: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            s.trim_matches(|c| c == '<' || c == '>').to_owned(),
        ))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

impl Mail {
    fn message(&self, from: &str) -> Result<Message, MailError> {
        let bad = |e: &dyn std::fmt::Display| MailError::Build(e.to_string());
        let body = format!(
            "{}\n\n--\nTo receive no more email from Kodlek: {}\nFör att inte få fler mejl från Kodlek: {}\n",
            self.body, self.unsubscribe_url, self.unsubscribe_url
        );
        Message::builder()
            .from(from.parse().map_err(|e| bad(&e))?)
            .to(self.to.as_str().parse().map_err(|e| bad(&e))?)
            .subject(&self.subject)
            .header(ListUnsubscribe(self.unsubscribe_url.clone()))
            .header(ListUnsubscribePost)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| bad(&e))
    }
}

/// Where mail goes. Sending hands the message to the transport at once: nothing is queued in
/// the database, so a child's address is never stored on its way out.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: Mail) -> Result<(), MailError>;
}

/// The embedded default: each message an `.eml` file in `<data-dir>/outbox/`.
pub struct Outbox {
    dir: PathBuf,
    from: String,
}

impl Outbox {
    pub fn new(dir: PathBuf, from: String) -> std::io::Result<Outbox> {
        std::fs::create_dir_all(&dir)?;
        Ok(Outbox { dir, from })
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let bytes = mail.message(&self.from)?.formatted();
        let name = format!(
            "{}-{}.eml",
            kodlek_domain::now_millis(),
            uuid::Uuid::new_v4().simple()
        );
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let path = self.dir.join(name);
        let io = |e: std::io::Error| MailError::Send(e.to_string());
        tokio::fs::write(&tmp, bytes).await.map_err(io)?;
        tokio::fs::rename(&tmp, &path).await.map_err(io)?;
        Ok(())
    }
}

/// SMTP through lettre, configured by `KODLEK_SMTP_URL` (e.g. `smtps://user:pass@host`).
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

impl Smtp {
    pub fn new(url: &str, from: String) -> Result<Smtp, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Build(e.to_string()))?
            .build();
        Ok(Smtp { transport, from })
    }
}

#[async_trait]
impl Mailer for Smtp {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let msg = mail.message(&self.from)?;
        self.transport
            .send(msg)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // promise OUT-2
    #[tokio::test]
    async fn outbox_messages_carry_the_one_click_unsubscribe_headers() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(
            dir.path().join("outbox"),
            "Kodlek <no-reply@kodlek.local>".into(),
        )
        .unwrap();
        outbox
            .send(Mail {
                to: EmailAddress::new("ada@example.org").unwrap(),
                subject: "Hello".into(),
                body: "Body text".into(),
                unsubscribe_url: "http://127.0.0.1:8080/unsubscribe/abc".into(),
            })
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(
            text.contains("List-Unsubscribe: <http://127.0.0.1:8080/unsubscribe/abc>"),
            "{text}"
        );
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(text.contains("To: ada@example.org"));
        assert!(text.contains("Body text"));
    }
}
