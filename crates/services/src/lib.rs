//! Outbound adapters: email as files in an outbox by default, or through SMTP; media files in a
//! local directory by default, or in an S3-compatible bucket.

pub mod mail;
pub mod media;

pub use mail::{KEEP, KEEP_CHILD, Mail, MailError, Mailer, Outbox, Smtp};
pub use media::{MediaFiles, MediaStoreError, install_crypto};
