//! A project's title: short, visible text, no rude word (English or Swedish), and nothing that
//! looks like an email address or a phone number, since a child must not publish how to reach
//! them. The same check applies to the speech bubbles a program shows.

use crate::kit::error::ApiError;
use axum::http::StatusCode;

/// The longest title, in characters.
pub const TITLE_CHARS: usize = 60;

/// Words a title may not hold, English and Swedish, matched as whole words once lower-cased
/// and stripped of what is not a letter or a digit. Kept short on purpose: the moderators and
/// the reports catch what a list cannot.
const WORDS: &[&str] = &[
    // English
    "fuck",
    "fucking",
    "fucker",
    "shit",
    "bitch",
    "bastard",
    "asshole",
    "arsehole",
    "cunt",
    "dick",
    "cock",
    "pussy",
    "whore",
    "slut",
    "nigger",
    "nigga",
    "faggot",
    "fag",
    "retard",
    "wanker",
    "twat",
    "porn",
    "porno",
    "sexy",
    "nazi",
    "rape",
    // Swedish ("sex" is six, "fan" a fan: neither is listed)
    "jävla",
    "javla",
    "jävlar",
    "helvete",
    "skitstövel",
    "kuk",
    "fitta",
    "hora",
    "horunge",
    "neger",
    "knulla",
    "knull",
    "runka",
    "slyna",
    "våldta",
    "porr",
];

/// The most digits in a row (spaces, dots, dashes and brackets between them allowed) that
/// are not taken for a phone number.
const MAX_DIGITS_IN_A_ROW: usize = 6;

fn refused(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Whether a text looks like an email address: something, `@` (or a spelt-out "(at)"), then
/// something with a dot.
fn looks_like_email(lower: &str) -> bool {
    let spelt = lower.replace("(at)", "@").replace("[at]", "@");
    spelt.split_whitespace().any(|w| {
        w.split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.ends_with('.'))
    }) || spelt.split_once(" @ ").is_some()
}

/// Whether a text holds a phone number: more than [`MAX_DIGITS_IN_A_ROW`] digits with only
/// separators between them.
fn looks_like_phone(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits > MAX_DIGITS_IN_A_ROW {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+' | '/') {
            digits = 0;
        }
    }
    false
}

fn has_rude_word(lower: &str) -> bool {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| WORDS.contains(&w))
}

/// Checks text that others may read: 422 `title_personal_information` for what looks like an
/// email address or a phone number, 422 `title_not_allowed` for a word on the list.
pub fn check_public_text(field: &str, text: &str) -> Result<(), ApiError> {
    let lower = text.to_lowercase();
    if looks_like_email(&lower) || looks_like_phone(&lower) {
        return Err(refused(
            "title_personal_information",
            &format!(
                "{field}: this looks like an email address or a phone number; keep how to reach you to yourself"
            ),
        ));
    }
    if has_rude_word(&lower) {
        return Err(refused(
            "title_not_allowed",
            &format!("{field}: please choose other words"),
        ));
    }
    Ok(())
}

/// A title of 1 to [`TITLE_CHARS`] characters, trimmed, without control characters, checked
/// by [`check_public_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectTitle(String);

impl ProjectTitle {
    pub fn new(raw: &str) -> Result<ProjectTitle, ApiError> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(ApiError::invalid("title", "must not be empty"));
        }
        if t.chars().count() > TITLE_CHARS {
            return Err(ApiError::invalid(
                "title",
                format!("must be at most {TITLE_CHARS} characters"),
            ));
        }
        if t.chars().any(char::is_control) {
            return Err(ApiError::invalid(
                "title",
                "must not hold control characters",
            ));
        }
        check_public_text("title", t)?;
        Ok(ProjectTitle(t.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_keep_contact_details_and_rude_words_out() {
        for ok in [
            "Min katt",
            "Rocket 3000",
            "Level 1234",
            "Hej på dig!",
            "Fantastic cat",
        ] {
            assert!(ProjectTitle::new(ok).is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("mail me: ada@example.com", "title_personal_information"),
            ("ada (at) example.se", "title_personal_information"),
            ("call 070-123 45 67", "title_personal_information"),
            ("+46 70 1234567", "title_personal_information"),
            ("what the FUCK", "title_not_allowed"),
            ("jävla spel", "title_not_allowed"),
            ("", "invalid_field"),
            ("   ", "invalid_field"),
        ] {
            assert_eq!(ProjectTitle::new(bad).unwrap_err().code, code, "{bad}");
        }
        assert!(ProjectTitle::new(&"a".repeat(61)).is_err());
        assert!(ProjectTitle::new(&"å".repeat(60)).is_ok());
    }
}
