//! Outbound adapters: email as files in an outbox by default, or through SMTP.

pub mod mail;

pub use mail::{KEEP, KEEP_CHILD, Mail, MailError, Mailer, Outbox, Smtp};
