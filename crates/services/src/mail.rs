//! Email: every message carries an unsubscribe link and the RFC 8058 one-click headers.

use async_trait::async_trait;
use kodlek_domain::EmailAddress;
use kodlek_domain::Millis;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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
    /// The address is a child's: where a copy is kept, it is kept for the shortest time.
    pub to_child: bool,
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
    /// Drops every message still kept for this address (an account that became a child's).
    /// A transport that keeps nothing has nothing to drop.
    async fn forget(&self, _to: &EmailAddress) -> Result<(), MailError> {
        Ok(())
    }
}

/// How long the outbox keeps a message to a child's address by default: an hour.
pub const KEEP_CHILD: Duration = Duration::from_secs(3600);
/// How long the outbox keeps any other message by default: seven days.
pub const KEEP: Duration = Duration::from_secs(7 * 24 * 3600);

/// The embedded default: each message an `.eml` file in `<data-dir>/outbox/`, for trying
/// Kodlek out or for an operator who collects the files. It is a delivery queue, not an
/// archive: each file is named `<sent-ms>-<expires-ms>-<id>.eml` and `sweep` deletes it once
/// expired. The expiry is in the name, not taken from the file's times, which a copy or a
/// restore would change.
pub struct Outbox {
    dir: PathBuf,
    from: String,
    keep_child: Duration,
    keep: Duration,
}

impl Outbox {
    pub fn new(dir: PathBuf, from: String) -> std::io::Result<Outbox> {
        std::fs::create_dir_all(&dir)?;
        Ok(Outbox {
            dir,
            from,
            keep_child: KEEP_CHILD,
            keep: KEEP,
        })
    }

    /// How long messages stay: those to a child's address, and the others.
    pub fn keeping(self, child: Duration, other: Duration) -> Outbox {
        Outbox {
            keep_child: child,
            keep: other,
            ..self
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// When the message in this file may be deleted. A name from before expiry times were
    /// written (`<sent-ms>-<id>.eml`) may hold anyone's address: it gets the child's time.
    fn expiry_of(&self, name: &str) -> Option<Millis> {
        let stem = name.strip_suffix(".eml")?;
        let mut parts = stem.split('-');
        let sent: Millis = parts.next()?.parse().ok()?;
        match parts.next()?.parse::<Millis>() {
            Ok(expires) if parts.next().is_some() => Some(expires),
            _ => Some(sent.saturating_add(millis(self.keep_child))),
        }
    }

    /// The outbox's message files, each with the name of the message it holds: a file left
    /// half-written by a crash (`.<name>.tmp`) counts too, as it may hold an address.
    async fn files(&self) -> std::io::Result<Vec<(String, PathBuf)>> {
        let mut out = Vec::new();
        let mut dir = tokio::fs::read_dir(&self.dir).await?;
        while let Some(e) = dir.next_entry().await? {
            let name = e.file_name().to_string_lossy().into_owned();
            let name = match name.strip_prefix('.') {
                Some(n) => n.strip_suffix(".tmp").unwrap_or_default().to_owned(),
                None => name,
            };
            if name.ends_with(".eml") {
                out.push((name, e.path()));
            }
        }
        Ok(out)
    }

    /// Deletes the messages expired at `now`; returns how many.
    pub async fn sweep(&self, now: Millis) -> std::io::Result<usize> {
        let mut n = 0;
        for (name, path) in self.files().await? {
            if self.expiry_of(&name).is_some_and(|t| t <= now) {
                remove(&path).await?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Sweeps at once and then every minute, for as long as the server runs.
    pub fn start_sweeping(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                match self.sweep(kodlek_domain::now_millis()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "expired outbox messages deleted"),
                    Err(e) => tracing::warn!(error = %e, "the outbox could not be swept"),
                }
            }
        })
    }
}

fn millis(d: Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}

/// Removes a file; one already gone (another sweep, an operator) is no error.
async fn remove(path: &Path) -> std::io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The addresses a message's `To` header names, lower-cased, from its unfolded headers.
fn recipients(message: &str) -> Vec<String> {
    let head = message
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .split("\n\n")
        .next()
        .unwrap_or("");
    let unfolded = head
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ")
        .replace("\n ", " ")
        .replace("\n\t", " ");
    unfolded
        .lines()
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim().eq_ignore_ascii_case("to").then_some(value)
        })
        .flat_map(|v| v.split(','))
        .map(|a| {
            let a = a.trim();
            let a = match (a.rfind('<'), a.rfind('>')) {
                (Some(i), Some(j)) if i < j => &a[i + 1..j],
                _ => a,
            };
            a.trim().to_lowercase()
        })
        .collect()
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let bytes = mail.message(&self.from)?.formatted();
        let now = kodlek_domain::now_millis();
        let keep = if mail.to_child {
            self.keep_child
        } else {
            self.keep
        };
        let name = format!(
            "{now}-{}-{}.eml",
            now.saturating_add(millis(keep)),
            uuid::Uuid::new_v4().simple()
        );
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let path = self.dir.join(name);
        let io = |e: std::io::Error| MailError::Send(e.to_string());
        tokio::fs::write(&tmp, bytes).await.map_err(io)?;
        tokio::fs::rename(&tmp, &path).await.map_err(io)?;
        Ok(())
    }

    async fn forget(&self, to: &EmailAddress) -> Result<(), MailError> {
        let io = |e: std::io::Error| MailError::Send(e.to_string());
        let address = to.as_str().to_lowercase();
        for (_, path) in self.files().await.map_err(io)? {
            let text = match tokio::fs::read(&path).await {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(e)),
            };
            if recipients(&text).contains(&address) {
                remove(&path).await.map_err(io)?;
            }
        }
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

    fn mail(to: &str, to_child: bool) -> Mail {
        Mail {
            to: EmailAddress::new(to).unwrap(),
            subject: "Hello".into(),
            body: "Mail for ada@example.org's friend".into(),
            unsubscribe_url: "http://127.0.0.1:8080/unsubscribe/abc".into(),
            to_child,
        }
    }

    fn kept(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        v.sort();
        v
    }

    // promise U13-2
    #[tokio::test]
    async fn a_childs_message_is_gone_after_its_time() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(
            dir.path().to_owned(),
            "Kodlek <no-reply@kodlek.local>".into(),
        )
        .unwrap()
        .keeping(Duration::from_secs(60), Duration::from_secs(3600));
        let now = kodlek_domain::now_millis();
        outbox.send(mail("kid@example.org", true)).await.unwrap();
        outbox.send(mail("ada@example.org", false)).await.unwrap();
        assert_eq!(outbox.sweep(now).await.unwrap(), 0);
        assert_eq!(kept(dir.path()).len(), 2);
        // Copied or touched, a file keeps its expiry: it is in the name.
        for e in std::fs::read_dir(dir.path()).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read(&p).unwrap();
            std::fs::remove_file(&p).unwrap();
            std::fs::write(&p, text).unwrap();
        }
        assert_eq!(outbox.sweep(now + 61_000).await.unwrap(), 1);
        let left = kept(dir.path());
        assert_eq!(left.len(), 1);
        assert!(left[0].contains("To: ada@example.org"));
        assert!(!left.iter().any(|m| m.contains("kid@")));
        assert_eq!(outbox.sweep(now + 3_601_000).await.unwrap(), 1);
        assert!(kept(dir.path()).is_empty());
        assert_eq!(outbox.sweep(now + 3_602_000).await.unwrap(), 0);
    }

    // promise U13-2: files from before expiry times were named, and half-written ones, are
    // kept no longer than a child's message.
    #[tokio::test]
    async fn old_and_half_written_files_get_the_childs_time() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(
            dir.path().to_owned(),
            "Kodlek <no-reply@kodlek.local>".into(),
        )
        .unwrap();
        std::fs::write(dir.path().join("1000-0123abcd.eml"), "To: kid@example.org").unwrap();
        std::fs::write(
            dir.path().join(".1000-5000-0123abcd.eml.tmp"),
            "To: kid@example.org",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not mail").unwrap();
        assert_eq!(outbox.sweep(4_999).await.unwrap(), 0);
        assert_eq!(outbox.sweep(5_000).await.unwrap(), 1);
        assert_eq!(outbox.sweep(1000 + 3_600_000).await.unwrap(), 1);
        assert_eq!(kept(dir.path()), vec!["not mail".to_owned()]);
    }

    // promise U13-2
    #[tokio::test]
    async fn forget_removes_exactly_that_addresss_messages() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(
            dir.path().to_owned(),
            "Kodlek <no-reply@kodlek.local>".into(),
        )
        .unwrap();
        for to in [
            "ada@example.org",
            "Ada@Example.org",
            "bob@example.org",
            "ada@example.org.uk",
            "xada@example.org",
        ] {
            outbox.send(mail(to, false)).await.unwrap();
        }
        outbox
            .forget(&EmailAddress::new("ada@example.org").unwrap())
            .await
            .unwrap();
        let left = kept(dir.path());
        assert_eq!(left.len(), 3, "{left:?}");
        for to in ["bob@example.org", "ada@example.org.uk", "xada@example.org"] {
            assert!(
                left.iter().any(|m| m.contains(&format!("To: {to}\r\n"))),
                "{to}"
            );
        }
        // Nothing kept for an address: nothing to do.
        outbox
            .forget(&EmailAddress::new("nobody@example.org").unwrap())
            .await
            .unwrap();
        assert_eq!(kept(dir.path()).len(), 3);
    }

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
                to_child: false,
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
