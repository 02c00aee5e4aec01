//! The kit every feature uses and that uses no feature: errors, extractors and sessions, the
//! security layers, shedding and limits, words, files, page rendering, mail, the attempt writer
//! and the background jobs.

pub mod assets;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod page;
pub mod security;
pub mod sessions;
pub mod shedding;
pub mod site;
pub mod staff;
pub mod writer;
