//! Versioned keys and what they do: keyed hashes (lookup), AES-GCM (contact fields), tokens.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use kodlek_domain::EmailAddress;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file: {0}")]
    Io(#[from] std::io::Error),
    #[error("key file is not valid: {0}")]
    Format(String),
}

/// One generation of keys. Each purpose has its own key so that no value can stand in for another.
#[derive(Clone, Serialize, Deserialize)]
struct KeyVersion {
    version: u32,
    /// HMAC key of the lookup hash of email addresses (the child's only trace, and the blind index).
    lookup: String,
    /// AES-256-GCM key for contact fields at rest.
    encryption: String,
    /// HMAC key that signs unsubscribe links and hashes client addresses for rate limits.
    tokens: String,
}

#[derive(Clone, Serialize, Deserialize)]
struct KeyFile {
    keys: Vec<KeyVersion>,
}

/// The live key versions; the highest is current, older ones still read and look up.
#[derive(Clone)]
pub struct Keys {
    versions: Vec<Parsed>,
}

#[derive(Clone)]
struct Parsed {
    version: u32,
    lookup: [u8; 32],
    encryption: [u8; 32],
    tokens: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({} versions)", self.versions.len())
    }
}

fn random_key() -> String {
    let mut k = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut k);
    hex::encode(k)
}

fn parse_key(s: &str) -> Result<[u8; 32], KeyError> {
    let v = hex::decode(s.trim()).map_err(|e| KeyError::Format(e.to_string()))?;
    v.try_into()
        .map_err(|_| KeyError::Format("each key must be 32 bytes of hex".into()))
}

/// SHA-256 of a random token, as sessions and mail tokens are stored.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random 128-bit token, URL-safe.
pub fn new_token() -> String {
    let mut t = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut t);
    B64.encode(t)
}

impl Keys {
    /// A fresh single-version key set (first start, and tests).
    pub fn generate() -> Keys {
        Self::from_toml(&Self::generate_toml()).expect("generated keys parse")
    }

    fn generate_toml() -> String {
        let file = KeyFile {
            keys: vec![KeyVersion {
                version: 1,
                lookup: random_key(),
                encryption: random_key(),
                tokens: random_key(),
            }],
        };
        toml::to_string(&file).expect("keys serialise")
    }

    pub fn from_toml(text: &str) -> Result<Keys, KeyError> {
        let file: KeyFile = toml::from_str(text).map_err(|e| KeyError::Format(e.to_string()))?;
        let mut versions = file
            .keys
            .iter()
            .map(|k| {
                Ok(Parsed {
                    version: k.version,
                    lookup: parse_key(&k.lookup)?,
                    encryption: parse_key(&k.encryption)?,
                    tokens: parse_key(&k.tokens)?,
                })
            })
            .collect::<Result<Vec<_>, KeyError>>()?;
        if versions.is_empty() {
            return Err(KeyError::Format("no keys".into()));
        }
        versions.sort_by_key(|k| std::cmp::Reverse(k.version));
        Ok(Keys { versions })
    }

    /// Loads the key file, creating it with mode 0600 on first start.
    pub fn load_or_create(path: &Path) -> Result<Keys, KeyError> {
        if path.exists() {
            return Self::from_toml(&std::fs::read_to_string(path)?);
        }
        let text = Self::generate_toml();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        use std::io::Write;
        opts.open(path)?.write_all(text.as_bytes())?;
        Self::from_toml(&text)
    }

    fn current(&self) -> &Parsed {
        &self.versions[0]
    }

    fn mac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
        let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("any key length");
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    /// The keyed lookup hash of an address under the current key: `v<N>:<hex>`.
    pub fn email_lookup(&self, email: &EmailAddress) -> String {
        let k = self.current();
        format!(
            "v{}:{}",
            k.version,
            hex::encode(Self::mac(&k.lookup, &[email.as_str().as_bytes()]))
        )
    }

    /// The lookup hash under every live version, current first, for finding an account.
    pub fn email_lookup_candidates(&self, email: &EmailAddress) -> Vec<String> {
        self.versions
            .iter()
            .map(|k| {
                format!(
                    "v{}:{}",
                    k.version,
                    hex::encode(Self::mac(&k.lookup, &[email.as_str().as_bytes()]))
                )
            })
            .collect()
    }

    /// Encrypts a contact field: `v<N>:<base64 nonce|ciphertext>`.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let k = self.current();
        let cipher = Aes256Gcm::new_from_slice(&k.encryption).expect("32-byte key");
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("encryption cannot fail for in-memory data");
        let mut out = nonce.to_vec();
        out.extend(ct);
        format!("v{}:{}", k.version, B64.encode(out))
    }

    /// Decrypts what `encrypt` wrote, under whichever live version wrote it.
    pub fn decrypt(&self, stored: &str) -> Option<String> {
        let (v, body) = stored.strip_prefix('v')?.split_once(':')?;
        let version: u32 = v.parse().ok()?;
        let k = self.versions.iter().find(|k| k.version == version)?;
        let raw = B64.decode(body).ok()?;
        if raw.len() < 12 {
            return None;
        }
        let cipher = Aes256Gcm::new_from_slice(&k.encryption).ok()?;
        let pt = cipher
            .decrypt(Nonce::from_slice(&raw[..12]), &raw[12..])
            .ok()?;
        String::from_utf8(pt).ok()
    }

    /// A keyed hash of a value for a purpose (client addresses in rate-limit buckets).
    pub fn keyed(&self, purpose: &str, value: &str) -> String {
        let k = self.current();
        hex::encode(&Self::mac(&k.tokens, &[purpose.as_bytes(), b"\0", value.as_bytes()])[..16])
    }

    /// The unsubscribe token of an address: its suppression key and a signature over it.
    /// The address cannot be read back from it; the same address always gets the same token.
    pub fn unsubscribe_token(&self, email: &EmailAddress) -> String {
        let k = self.current();
        let id = &Self::mac(&k.tokens, &[b"unsubscribe\0", email.as_str().as_bytes()])[..16];
        let sig = &Self::mac(&k.tokens, &[b"unsubscribe-sig\0", id])[..8];
        format!("{}{}", hex::encode(id), hex::encode(sig))
    }

    /// The suppression key inside a genuine unsubscribe token; None for a forged one.
    pub fn unsubscribe_key(&self, token: &str) -> Option<String> {
        if token.len() != 48 {
            return None;
        }
        let raw = hex::decode(token).ok()?;
        let (id, sig) = raw.split_at(16);
        self.versions
            .iter()
            .any(|k| Self::mac(&k.tokens, &[b"unsubscribe-sig\0", id])[..8] == *sig)
            .then(|| hex::encode(id))
    }

    /// The suppression keys an address may have been unsubscribed under, one per live version.
    pub fn unsubscribe_keys_of(&self, email: &EmailAddress) -> Vec<String> {
        self.versions
            .iter()
            .map(|k| {
                hex::encode(
                    &Self::mac(&k.tokens, &[b"unsubscribe\0", email.as_str().as_bytes()])[..16],
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // promise U13-2
    #[test]
    fn the_lookup_hash_is_keyed_and_does_not_reveal_the_address() {
        let a = Keys::generate();
        let b = Keys::generate();
        let e = EmailAddress::new("kid@example.org").unwrap();
        assert_eq!(a.email_lookup(&e), a.email_lookup(&e));
        assert_ne!(
            a.email_lookup(&e),
            b.email_lookup(&e),
            "another key gives another hash"
        );
        assert!(!a.email_lookup(&e).contains("kid"));
    }

    #[test]
    fn encryption_round_trips_and_is_randomised() {
        let k = Keys::generate();
        let c1 = k.encrypt("1 School Road");
        let c2 = k.encrypt("1 School Road");
        assert_ne!(c1, c2);
        assert_eq!(k.decrypt(&c1).as_deref(), Some("1 School Road"));
        assert_eq!(Keys::generate().decrypt(&c1), None);
    }

    #[test]
    fn older_versions_still_decrypt_and_look_up() {
        let old = Keys::generate_toml();
        let old_keys = Keys::from_toml(&old).unwrap();
        let rotated = format!(
            "{old}\n[[keys]]\nversion = 2\nlookup = \"{}\"\nencryption = \"{}\"\ntokens = \"{}\"\n",
            random_key(),
            random_key(),
            random_key()
        );
        let new_keys = Keys::from_toml(&rotated).unwrap();
        let e = EmailAddress::new("a@b.org").unwrap();
        let ct = old_keys.encrypt("x");
        assert_eq!(new_keys.decrypt(&ct).as_deref(), Some("x"));
        assert!(new_keys.email_lookup(&e).starts_with("v2:"));
        assert!(
            new_keys
                .email_lookup_candidates(&e)
                .contains(&old_keys.email_lookup(&e))
        );
    }

    #[test]
    fn unsubscribe_tokens_are_signed() {
        let k = Keys::generate();
        let e = EmailAddress::new("a@b.org").unwrap();
        let t = k.unsubscribe_token(&e);
        let key = k.unsubscribe_key(&t).unwrap();
        assert!(k.unsubscribe_keys_of(&e).contains(&key));
        let mut forged = t.clone();
        forged.replace_range(0..1, if &t[0..1] == "0" { "1" } else { "0" });
        assert_eq!(k.unsubscribe_key(&forged), None);
        assert_eq!(k.unsubscribe_key("zz"), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("kodlek-keys-{}", new_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("keys.toml");
        let k1 = Keys::load_or_create(&p).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let k2 = Keys::load_or_create(&p).unwrap();
        let e = EmailAddress::new("a@b.org").unwrap();
        assert_eq!(k1.email_lookup(&e), k2.email_lookup(&e));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
