//! Password hashing with argon2id on a few dedicated threads, off the async runtime.
//!
//! Hashing is the one deliberately slow thing the server does. It runs on fewer threads than
//! there are cores, so that a storm of sign-ins cannot starve the rest of the server, and each
//! thread reuses its own 19 MiB of working memory instead of allocating it per hash.

use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use rand::RngCore;
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::oneshot;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

enum Job {
    Hash(String, oneshot::Sender<String>),
    Verify(String, String, oneshot::Sender<bool>),
}

/// A handle to the hashing threads; cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: mpsc::SyncSender<Job>,
    threads: usize,
}

fn argon(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn params() -> Params {
    Params::new(MEMORY_KIB, PASSES, LANES, Some(32)).expect("valid argon2 parameters")
}

fn hash_with(memory: &mut [Block], password: &str) -> String {
    let p = params();
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let mut out = [0u8; 32];
    argon(&p)
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, memory)
        .expect("hashing with valid parameters");
    format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        p.m_cost(),
        p.t_cost(),
        p.p_cost(),
        B64.encode(salt),
        B64.encode(out)
    )
}

/// Parses `$argon2id$v=19$m=..,t=..,p=..$salt$hash`.
fn parse_phc(phc: &str) -> Option<(Params, Vec<u8>, Vec<u8>)> {
    let mut parts = phc.split('$');
    let (_, alg, ver, ps, salt, hash) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if alg != "argon2id" || ver != "v=19" || parts.next().is_some() {
        return None;
    }
    let mut m = 0;
    let mut t = 0;
    let mut p = 0;
    for kv in ps.split(',') {
        let (k, v) = kv.split_once('=')?;
        let v: u32 = v.parse().ok()?;
        match k {
            "m" => m = v,
            "t" => t = v,
            "p" => p = v,
            _ => return None,
        }
    }
    let salt = B64.decode(salt).ok()?;
    let hash = B64.decode(hash).ok()?;
    let params = Params::new(m, t, p, Some(hash.len())).ok()?;
    Some((params, salt, hash))
}

fn verify_with(memory: &mut Vec<Block>, password: &str, phc: &str) -> bool {
    let Some((p, salt, expected)) = parse_phc(phc) else {
        return false;
    };
    if memory.len() < p.block_count() {
        memory.resize(p.block_count(), Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    if argon(&p)
        .hash_password_into_with_memory(
            password.as_bytes(),
            &salt,
            &mut out,
            &mut memory[..p.block_count()],
        )
        .is_err()
    {
        return false;
    }
    // Constant-time comparison.
    out.iter()
        .zip(&expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

impl PasswordHasher {
    /// Starts `threads` hashing threads (at least one).
    pub fn start(threads: usize) -> PasswordHasher {
        let threads = threads.max(1);
        // A short queue: beyond it, callers wait their turn (in async, without blocking a worker).
        let (tx, rx) = mpsc::sync_channel::<Job>(threads * 64);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("kodlek-hash-{i}"))
                .spawn(move || {
                    let mut memory = vec![Block::default(); params().block_count()];
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(Job::Hash(pw, reply)) => {
                                let _ = reply.send(hash_with(&mut memory, &pw));
                            }
                            Ok(Job::Verify(pw, phc, reply)) => {
                                let _ = reply.send(verify_with(&mut memory, &pw, &phc));
                            }
                            Err(_) => return,
                        }
                    }
                })
                .expect("spawn hashing thread");
        }
        PasswordHasher { jobs: tx, threads }
    }

    /// One fewer thread than cores (at least one): the rest of the server keeps a core.
    pub fn default_threads() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get().saturating_sub(1))
            .unwrap_or(1)
            .max(1)
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    async fn submit(&self, job: Job) {
        let jobs = self.jobs.clone();
        // try_send first; a full queue waits on the blocking pool, not on an async worker.
        if let Err(mpsc::TrySendError::Full(job)) = jobs.try_send(job) {
            let _ = tokio::task::spawn_blocking(move || jobs.send(job)).await;
        }
    }

    pub async fn hash(&self, password: &str) -> String {
        let (tx, rx) = oneshot::channel();
        self.submit(Job::Hash(password.to_owned(), tx)).await;
        rx.await.expect("hashing thread alive")
    }

    pub async fn verify(&self, password: &str, phc: &str) -> bool {
        let (tx, rx) = oneshot::channel();
        self.submit(Job::Verify(password.to_owned(), phc.to_owned(), tx))
            .await;
        rx.await.unwrap_or(false)
    }

    /// Spends the time of one verification without a stored hash, so that an unknown login
    /// takes as long to refuse as a wrong password.
    pub async fn waste(&self) {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let phc = DUMMY
            .get_or_init(|| {
                hash_with(
                    &mut vec![Block::default(); params().block_count()],
                    "not a password",
                )
            })
            .clone();
        let _ = self.verify("x", &phc).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // promise SEC-1
    #[tokio::test]
    async fn hashes_are_salted_argon2id_with_owasp_parameters() {
        let h = PasswordHasher::start(1);
        let a = h.hash("correct horse").await;
        let b = h.hash("correct horse").await;
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(h.verify("correct horse", &a).await);
        assert!(!h.verify("wrong horse", &a).await);
        assert!(!h.verify("x", "garbage").await);
        // Interoperable with the argon2 crate's own verifier.
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let parsed = PasswordHash::new(&a).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
    }
}
