//! A section's own words: its name, its join code and how its students sign in.

use crate::values::Invalid;

/// The name a teacher gives a section ("Class 2B, Tuesdays"): 1 to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionName(String);

impl SectionName {
    pub fn new(raw: &str) -> Result<SectionName, Invalid> {
        let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = s.chars().count();
        if n == 0 {
            return Err(Invalid("must not be empty"));
        }
        if n > 60 {
            return Err(Invalid("must be at most 60 characters"));
        }
        if s.chars().any(char::is_control) {
            return Err(Invalid("must not contain control characters"));
        }
        Ok(SectionName(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The letters of a join code: no vowels (so no words, rude or otherwise), and none that look
/// or sound alike when read aloud or written on a board (no 0/O, 1/I/L, 8/B, 5/S, U/V, Y).
pub const CODE_ALPHABET: &[u8] = b"CDFGHJKMNPQRTWXZ234679";
pub const CODE_LENGTH: usize = 6;

/// A section's join code: six characters of [`CODE_ALPHABET`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCode(String);

impl JoinCode {
    /// Reads a typed code: case, spaces and dashes do not matter ("kmn-pqr" is "KMNPQR").
    pub fn parse(raw: &str) -> Result<JoinCode, Invalid> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if s.len() != CODE_LENGTH || !s.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
            return Err(Invalid("is not a section code"));
        }
        Ok(JoinCode(s))
    }
    /// A fresh random code.
    pub fn random(rng: &mut impl rand::Rng) -> JoinCode {
        JoinCode(
            (0..CODE_LENGTH)
                .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
                .collect(),
        )
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the students a teacher creates sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginType {
    /// Students join with accounts of their own; the teacher creates none.
    Email,
    Word,
    Picture,
}

impl LoginType {
    pub fn parse(s: &str) -> Result<LoginType, Invalid> {
        match s {
            "email" => Ok(LoginType::Email),
            "word" => Ok(LoginType::Word),
            "picture" => Ok(LoginType::Picture),
            _ => Err(Invalid("must be \"email\", \"word\" or \"picture\"")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            LoginType::Email => "email",
            LoginType::Word => "word",
            LoginType::Picture => "picture",
        }
    }
    /// Whether the teacher creates the students (and their secrets).
    pub fn has_secrets(self) -> bool {
        self != LoginType::Email
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_forgivingly_and_refused_when_wrong() {
        assert_eq!(JoinCode::parse(" kmn-pqr ").unwrap().as_str(), "KMNPQR");
        for bad in ["", "KMNPQ", "KMNPQRT", "KMNPQO", "AEIOU1", "KMN PQ!"] {
            assert!(JoinCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn random_codes_use_only_the_alphabet() {
        let mut rng = rand::thread_rng();
        for _ in 0..1000 {
            let c = JoinCode::random(&mut rng);
            assert_eq!(JoinCode::parse(c.as_str()).unwrap(), c);
        }
        // No vowels, no look-alikes.
        for b in b"AEIOUY01OLBSV58" {
            assert!(!CODE_ALPHABET.contains(b), "{}", *b as char);
        }
    }

    #[test]
    fn section_names_are_tidied() {
        assert_eq!(
            SectionName::new("  Class   2B ").unwrap().as_str(),
            "Class 2B"
        );
        assert!(SectionName::new("   ").is_err());
        assert!(SectionName::new(&"x".repeat(61)).is_err());
    }

    #[test]
    fn login_types() {
        for t in ["email", "word", "picture"] {
            assert_eq!(LoginType::parse(t).unwrap().as_str(), t);
        }
        assert!(LoginType::parse("password").is_err());
        assert!(!LoginType::Email.has_secrets());
    }
}
