//! The kit every feature uses and that uses no feature: errors, extractors and sessions, the
//! security layers, shedding and limits, words, files, page rendering, mail, the attempt writer,
//! the background jobs and the request logs.

pub mod assets;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod page;
pub mod request_log;
pub mod security;
pub mod sessions;
pub mod shedding;
pub mod site;
pub mod staff;
pub mod writer;
