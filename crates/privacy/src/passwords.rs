//! Password hashing with argon2id on a few dedicated threads, off the async runtime.
//!
//! Hashing is the one deliberately slow thing the server does. It runs on fewer threads than
//! there are cores, so that a storm of sign-ins cannot starve the rest of the server, and each
//! thread reuses its own 19 MiB of working memory instead of allocating it per hash. The queue
//! in front of the threads is bounded: beyond it a request is refused at once ([`Overloaded`])
//! instead of waiting behind a flood, and a queued hash whose caller has gone is not computed.

use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use rand::RngCore;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::oneshot;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

/// The hashing queue is full: the caller should answer "try again shortly".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the password hashing queue is full")]
pub struct Overloaded;

enum Job {
    Hash(String, oneshot::Sender<String>),
    Verify(String, String, oneshot::Sender<bool>),
}

impl Job {
    /// The caller has gone (its request was dropped): nobody would read the answer.
    fn abandoned(&self) -> bool {
        match self {
            Job::Hash(_, reply) => reply.is_closed(),
            Job::Verify(_, _, reply) => reply.is_closed(),
        }
    }
}

/// Counts shared by the handle and the threads.
#[derive(Default)]
struct Counts {
    queued: AtomicUsize,
    skipped: AtomicU64,
}

/// A handle to the hashing threads; cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: mpsc::SyncSender<Job>,
    threads: usize,
    capacity: usize,
    counts: Arc<Counts>,
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
    /// Starts `threads` hashing threads (at least one) with the default queue.
    pub fn start(threads: usize) -> PasswordHasher {
        let threads = threads.max(1);
        Self::with_queue(threads, Self::default_queue(threads))
    }

    /// A class of 40 signing in at once always finds room; a flood beyond that is refused
    /// instead of making everyone behind it wait seconds.
    pub fn default_queue(threads: usize) -> usize {
        (threads * 16).max(64)
    }

    /// Starts `threads` hashing threads (at least one) with room for `capacity` waiting jobs.
    pub fn with_queue(threads: usize, capacity: usize) -> PasswordHasher {
        let threads = threads.max(1);
        let (tx, rx) = mpsc::sync_channel::<Job>(capacity);
        let rx = Arc::new(Mutex::new(rx));
        let counts = Arc::new(Counts::default());
        for i in 0..threads {
            let rx = rx.clone();
            let counts = counts.clone();
            std::thread::Builder::new()
                .name(format!("kodlek-hash-{i}"))
                .spawn(move || {
                    let mut memory = vec![Block::default(); params().block_count()];
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        counts.queued.fetch_sub(1, Ordering::Relaxed);
                        if job.abandoned() {
                            counts.skipped.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        match job {
                            Job::Hash(pw, reply) => {
                                let _ = reply.send(hash_with(&mut memory, &pw));
                            }
                            Job::Verify(pw, phc, reply) => {
                                let _ = reply.send(verify_with(&mut memory, &pw, &phc));
                            }
                        }
                    }
                })
                .expect("spawn hashing thread");
        }
        PasswordHasher {
            jobs: tx,
            threads,
            capacity,
            counts,
        }
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

    /// How many jobs may wait for a thread.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Jobs waiting for a thread now.
    pub fn queued(&self) -> usize {
        self.counts.queued.load(Ordering::Relaxed)
    }

    /// Jobs not computed because their caller had gone before a thread reached them.
    pub fn skipped(&self) -> u64 {
        self.counts.skipped.load(Ordering::Relaxed)
    }

    /// Queues a job, or refuses it at once when the queue is full.
    fn submit(&self, job: Job) -> Result<(), Overloaded> {
        self.counts.queued.fetch_add(1, Ordering::Relaxed);
        match self.jobs.try_send(job) {
            Ok(()) => Ok(()),
            Err(_) => {
                self.counts.queued.fetch_sub(1, Ordering::Relaxed);
                Err(Overloaded)
            }
        }
    }

    pub async fn hash(&self, password: &str) -> Result<String, Overloaded> {
        let (tx, rx) = oneshot::channel();
        self.submit(Job::Hash(password.to_owned(), tx))?;
        // The threads live as long as any handle: a dropped reply means the job was refused.
        rx.await.map_err(|_| Overloaded)
    }

    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, Overloaded> {
        let (tx, rx) = oneshot::channel();
        self.submit(Job::Verify(password.to_owned(), phc.to_owned(), tx))?;
        rx.await.map_err(|_| Overloaded)
    }

    /// Spends the time of one verification without a stored hash, so that an unknown login
    /// takes as long to refuse as a wrong password.
    pub async fn waste(&self) -> Result<(), Overloaded> {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let phc = DUMMY
            .get_or_init(|| {
                hash_with(
                    &mut vec![Block::default(); params().block_count()],
                    "not a password",
                )
            })
            .clone();
        self.verify("x", &phc).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // promise SEC-1
    #[tokio::test]
    async fn hashes_are_salted_argon2id_with_owasp_parameters() {
        let h = PasswordHasher::start(1);
        let a = h.hash("correct horse").await.unwrap();
        let b = h.hash("correct horse").await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(h.verify("correct horse", &a).await.unwrap());
        assert!(!h.verify("wrong horse", &a).await.unwrap());
        assert!(!h.verify("x", "garbage").await.unwrap());
        // Interoperable with the argon2 crate's own verifier.
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let parsed = PasswordHash::new(&a).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
    }

    /// Polls a future exactly once: whatever it does on its first poll has happened after.
    async fn poll_once<F: std::future::Future + Unpin>(f: &mut F) -> Option<F::Output> {
        tokio::select! {
            biased;
            out = f => Some(out),
            () = std::future::ready(()) => None,
        }
    }

    /// A hash many times slower than the real ones, to keep the one thread busy.
    fn slow_phc() -> String {
        format!(
            "$argon2id$v=19$m={MEMORY_KIB},t=60,p=1${}${}",
            B64.encode([1u8; 16]),
            B64.encode([2u8; 32])
        )
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_abandoned_jobs_are_skipped() {
        let h = PasswordHasher::with_queue(1, 2);
        let slow = slow_phc();
        let mut busy = Box::pin(h.verify("x", &slow));
        assert!(poll_once(&mut busy).await.is_none());
        // The thread takes the first job; then two more fill the queue.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while h.queued() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the thread never started"
            );
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        let mut gone = Box::pin(h.verify("x", &slow));
        let mut waiting = Box::pin(h.verify("x", &slow));
        assert!(poll_once(&mut gone).await.is_none());
        assert!(poll_once(&mut waiting).await.is_none());
        assert_eq!(h.queued(), 2);
        // The next is refused on its first poll, without waiting for the thread.
        let mut refused = Box::pin(h.verify("x", &slow));
        assert_eq!(poll_once(&mut refused).await, Some(Err(Overloaded)));
        let mut refused = Box::pin(h.hash("x"));
        assert_eq!(poll_once(&mut refused).await, Some(Err(Overloaded)));
        // A caller that goes away leaves a job nobody computes.
        drop(gone);
        assert_eq!(busy.await, Ok(false));
        assert_eq!(waiting.await, Ok(false));
        assert_eq!(h.skipped(), 1);
        assert_eq!(h.queued(), 0);
        // With the queue empty again, hashing works as before.
        let phc = h.hash("correct horse").await.unwrap();
        assert_eq!(h.verify("correct horse", &phc).await, Ok(true));
    }

    #[test]
    fn a_class_of_forty_always_finds_room() {
        for threads in 1..=16 {
            assert!(PasswordHasher::default_queue(threads) + threads >= 40);
        }
    }
}
