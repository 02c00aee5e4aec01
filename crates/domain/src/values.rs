//! Validated values: each newtype can only be built from acceptable input.

use crate::{CHILD_AGE_LIMIT, Millis, YEAR_MILLIS};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Why a value was refused; the field is named by the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub &'static str);

fn normalise(raw: &str) -> String {
    raw.trim().nfc().collect()
}

/// Who an account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Student,
    Teacher,
    Parent,
    /// The operator's own people, made only on the command line (`kodlek staff add`).
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Teacher => "teacher",
            Role::Parent => "parent",
            Role::Staff => "staff",
        }
    }
    /// Any stored role, staff included; sign-up takes only [`Role::parse_public`]'s.
    pub fn parse(s: &str) -> Result<Role, Invalid> {
        match s {
            "student" => Ok(Role::Student),
            "teacher" => Ok(Role::Teacher),
            "parent" => Ok(Role::Parent),
            "staff" => Ok(Role::Staff),
            _ => Err(Invalid("must be student, teacher or parent")),
        }
    }
    /// A role anyone may sign up as: never staff, whom only the operator makes.
    pub fn parse_public(s: &str) -> Result<Role, Invalid> {
        match Role::parse(s)? {
            Role::Staff => Err(Invalid("must be student, teacher or parent")),
            r => Ok(r),
        }
    }
}

/// An age in whole years, as a learner states it (never a birth date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Age(u8);

impl Age {
    pub const MIN: i64 = 4;
    pub const MAX: i64 = 120;
    pub fn new(years: i64) -> Result<Age, Invalid> {
        if (Self::MIN..=Self::MAX).contains(&years) {
            Ok(Age(years as u8))
        } else {
            Err(Invalid("must be a whole number of years from 4 to 120"))
        }
    }
    pub fn years(self) -> u8 {
        self.0
    }
}

/// An age together with the moment it was stated, so that it grows with time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatedAge {
    pub years: u8,
    pub stated_at: Millis,
}

impl StatedAge {
    /// The age now: the stated age plus the whole years since it was stated.
    pub fn now(&self, now: Millis) -> u8 {
        let elapsed = (now - self.stated_at).max(0) / YEAR_MILLIS;
        (self.years as i64 + elapsed).min(255) as u8
    }
    pub fn is_child(&self, now: Millis) -> bool {
        self.now(now) < CHILD_AGE_LIMIT
    }
}

/// Whether a learner counts as a child: an unknown age protects them as one.
pub fn is_child(age: Option<StatedAge>, now: Millis) -> bool {
    age.is_none_or(|a| a.is_child(now))
}

/// The name shown to others ("Cool Coder"): 1 to 40 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn new(raw: &str) -> Result<DisplayName, Invalid> {
        let s = normalise(raw);
        let n = s.chars().count();
        if n == 0 {
            return Err(Invalid("must not be empty"));
        }
        if n > 40 {
            return Err(Invalid("must be at most 40 characters"));
        }
        if s.chars().any(char::is_control) {
            return Err(Invalid("must not contain control characters"));
        }
        Ok(DisplayName(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, trimmed, NFC-normalised and lower-cased, as it is compared.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl std::fmt::Debug for EmailAddress {
    // Never print an address into a log by accident.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmailAddress(<redacted>)")
    }
}

impl EmailAddress {
    pub fn new(raw: &str) -> Result<EmailAddress, Invalid> {
        let s: String = normalise(raw).to_lowercase();
        let bad = Invalid("must be an email address such as name@example.org");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad);
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(bad);
        };
        // The rules of the mail library that sends to it (RFC 5322's dot-atom and the host
        // names of RFC 1034), so that no address taken here fails when a mail is built.
        if local.len() > 64
            || !domain.contains('.')
            || !email_address::EmailAddress::is_valid_local_part(local)
            || !email_address::EmailAddress::is_valid_domain(domain)
            || local.starts_with('"')
        {
            return Err(bad);
        }
        Ok(EmailAddress(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password: 8 to 128 characters, no composition rules, the most common ones refused.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

impl Password {
    pub fn new(raw: &str) -> Result<Password, Invalid> {
        let n = raw.chars().count();
        if n < 8 {
            return Err(Invalid("must be at least 8 characters"));
        }
        if n > 128 {
            return Err(Invalid("must be at most 128 characters"));
        }
        let lower = raw.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|p| p == lower) {
            return Err(Invalid(
                "is one of the most common passwords; choose another",
            ));
        }
        Ok(Password(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A chosen login name: 3 to 32 of a-z, 0-9, '.', '_' and '-'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn new(raw: &str) -> Result<Username, Invalid> {
        let s = raw.trim().to_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
        if ok {
            Ok(Username(s))
        } else {
            Err(Invalid("must be 3 to 32 of a-z, 0-9, '.', '_' and '-'"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Gender, optional, used only in aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Female,
    Male,
    Nonbinary,
    Unspecified,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Nonbinary => "nonbinary",
            Gender::Unspecified => "unspecified",
        }
    }
    pub fn parse(s: &str) -> Result<Gender, Invalid> {
        match s {
            "female" => Ok(Gender::Female),
            "male" => Ok(Gender::Male),
            "nonbinary" => Ok(Gender::Nonbinary),
            "unspecified" => Ok(Gender::Unspecified),
            _ => Err(Invalid("must be female, male, nonbinary or unspecified")),
        }
    }
}

/// A short free text such as a school's name or address: 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortText(String);

impl ShortText {
    pub fn new(raw: &str) -> Result<ShortText, Invalid> {
        let s = normalise(raw);
        let n = s.chars().count();
        if n == 0 {
            return Err(Invalid("must not be empty"));
        }
        if n > 200 {
            return Err(Invalid("must be at most 200 characters"));
        }
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Invalid("must not contain control characters"));
        }
        Ok(ShortText(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // promise U13-1
    #[test]
    fn a_twelve_year_old_becomes_thirteen_a_year_later() {
        let a = StatedAge {
            years: 12,
            stated_at: 0,
        };
        assert!(a.is_child(0));
        assert!(a.is_child(YEAR_MILLIS - 1));
        assert!(!a.is_child(YEAR_MILLIS));
        assert_eq!(a.now(3 * YEAR_MILLIS + 5), 15);
    }

    // promise ACCT-1
    #[test]
    fn unknown_age_is_treated_as_a_child() {
        assert!(is_child(None, 0));
        assert!(!is_child(
            Some(StatedAge {
                years: 30,
                stated_at: 0
            }),
            0
        ));
    }

    #[test]
    fn ages_outside_4_to_120_are_refused() {
        assert!(Age::new(3).is_err());
        assert!(Age::new(121).is_err());
        assert!(Age::new(-1).is_err());
        assert_eq!(Age::new(4).unwrap().years(), 4);
        assert_eq!(Age::new(120).unwrap().years(), 120);
    }

    #[test]
    fn emails_are_normalised_for_comparison() {
        let a = EmailAddress::new("  Ada@Example.ORG ").unwrap();
        assert_eq!(a.as_str(), "ada@example.org");
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "a@b@c.org",
            "ada@.org",
            // Each of these once made an account whose verification mail could not be built.
            "ada.@example.org",
            ".ada@example.org",
            "a..da@example.org",
            "ada@exa-.org",
            "ada@example.org*",
            "ada@-example.org",
            "\"ada\"@example.org",
        ] {
            assert!(EmailAddress::new(bad).is_err(), "{bad}");
        }
        assert!(!format!("{a:?}").contains("ada"));
        for good in [
            "o'brien+kodlek@example.org",
            "a.b-c@sub.example.org",
            "åsa@exempel.se",
        ] {
            assert!(EmailAddress::new(good).is_ok(), "{good}");
        }
    }

    // promise SEC-1
    #[test]
    fn passwords_have_length_rules_and_no_common_ones() {
        assert!(Password::new("short").is_err());
        assert!(Password::new(&"x".repeat(129)).is_err());
        assert!(Password::new("password").is_err());
        assert!(Password::new("Password1").is_err());
        assert!(Password::new("12345678").is_err());
        assert!(Password::new("correct horse battery").is_ok());
        assert!(Password::new(&"é".repeat(128)).is_ok());
    }

    #[test]
    fn display_names_are_bounded() {
        assert!(DisplayName::new("   ").is_err());
        assert!(DisplayName::new(&"a".repeat(41)).is_err());
        assert!(DisplayName::new("a\u{7}b").is_err());
        assert_eq!(
            DisplayName::new("  Cool Coder ").unwrap().as_str(),
            "Cool Coder"
        );
    }

    #[test]
    fn usernames() {
        assert!(Username::new("ab").is_err());
        assert!(Username::new("Ada.L_1-x").is_ok());
        assert!(Username::new("ada lovelace").is_err());
    }
}
