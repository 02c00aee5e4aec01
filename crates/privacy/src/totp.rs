//! Staff sign-in codes: TOTP as RFC 6238 has it (HMAC-SHA-1, 6 digits, 30-second steps).

// The secret is 20 random bytes, kept as base32 (what authenticator apps take) and stored
// encrypted with the platform's keys. A code is checked against the step before, the step of,
// and the step after the present, for clocks a little apart; the caller records the step it
// matched so that the code is good once (RFC 6238, section 5.2).

use rand::RngCore;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Seconds per step.
pub const STEP_SECS: u64 = 30;

/// The issuer authenticator apps show beside the account.
const ISSUER: &str = "Kodlek";

fn totp(secret_base32: &str, account_name: &str) -> Option<Totp> {
    let bytes = Secret::try_from_base32(secret_base32).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(STEP_SECS)
        .with_skew(1)
        .with_secret(bytes)
        .with_account_name(account_name.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// A new random secret, in base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

/// The `otpauth://totp/...` URI that an authenticator app reads (often as a QR code).
pub fn otpauth_uri(secret_base32: &str, account_name: &str) -> Option<String> {
    totp(secret_base32, account_name)?.to_url().ok()
}

/// The time step whose code `code` is, within one step of `now_secs`; None for a wrong code.
pub fn matching_step(secret_base32: &str, code: &str, now_secs: u64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = totp(secret_base32, "")?.check(code, now_secs)?;
    i64::try_from(step).ok()
}

/// The code of the step holding `at_secs` (for tests and for tools that sign in as staff).
pub fn code_at(secret_base32: &str, at_secs: u64) -> Option<String> {
    Some(totp(secret_base32, "")?.generate(at_secs).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at 59 s is 94287082
    // (8 digits); its last 6 digits are the 6-digit code.
    #[test]
    fn codes_are_rfc_6238() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
        assert_eq!(matching_step(&secret, "287082", 59), Some(1));
        // One step either way is taken; two are not.
        assert_eq!(matching_step(&secret, "287082", 89), Some(1));
        assert_eq!(matching_step(&secret, "287082", 120), None);
        assert_eq!(matching_step(&secret, "28708", 59), None);
        assert_eq!(matching_step(&secret, "abcdef", 59), None);
    }

    #[test]
    fn the_uri_names_the_issuer_the_account_and_the_secret() {
        let s = new_secret();
        let uri = otpauth_uri(&s, "ada@kodlek.example").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Kodlek:ada%40kodlek.example?"),
            "{uri}"
        );
        assert!(uri.contains(&format!("secret={s}")), "{uri}");
        assert!(uri.contains("issuer=Kodlek"), "{uri}");
        assert_ne!(new_secret(), s);
    }
}
