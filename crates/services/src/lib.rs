//! Outbound adapters: email as files in an outbox by default, or through SMTP.

pub mod mail;

pub use mail::{Mail, MailError, Mailer, Outbox, Smtp};
