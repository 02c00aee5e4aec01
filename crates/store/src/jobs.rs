//! Background jobs: the queue of work that runs later or again, shared by every server.

use crate::StoreResult;
use async_trait::async_trait;
use kodlek_domain::Millis;

/// A job to queue. `payload` is JSON text with ids only: the queue is no place for personal
/// data, and it outlives the request that queued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    /// What the job is about; while a job of this kind and key is pending, queueing another
    /// does nothing.
    pub key: String,
    pub payload: String,
    pub run_at: Millis,
}

/// A queued job as stored. `attempts` counts the claims so far, the current one included; a
/// claim's `id` and `attempts` together say which claim finishes or fails the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub key: String,
    pub payload: String,
    pub run_at: Millis,
    pub attempts: i64,
    pub lease_until: Option<Millis>,
    pub last_error: Option<String>,
    pub created_at: Millis,
    /// When the job was given up after too many failures; dead jobs are never claimed.
    pub dead_at: Option<Millis>,
}

/// How many times a job is tried before it is kept as dead.
pub const JOB_MAX_ATTEMPTS: i64 = 8;

/// The longest stored `last_error`, in characters: a reason, not a report.
pub const JOB_ERROR_CHARS: usize = 200;

/// When a job that failed on its `attempts`-th try runs again: 30 seconds after the first
/// failure, doubling each time up to six hours; None once it has been tried
/// `JOB_MAX_ATTEMPTS` times (it is then kept as dead).
pub fn job_retry_at(attempts: i64, now: Millis) -> Option<Millis> {
    if attempts >= JOB_MAX_ATTEMPTS {
        return None;
    }
    let doublings = attempts.clamp(1, 20) - 1;
    let wait = (30_000i64 << doublings).min(6 * 3600 * 1000);
    Some(now + wait)
}

/// Cuts an error to `JOB_ERROR_CHARS` characters.
pub fn short_job_error(error: &str) -> String {
    error.chars().take(JOB_ERROR_CHARS).collect()
}

#[async_trait]
pub trait JobStore {
    /// Queues a job unless one of the same kind and key is pending (claimed or not, dead ones
    /// aside). True when it was added.
    async fn enqueue_job(&self, job: &NewJob, now: Millis) -> StoreResult<bool>;
    /// Takes up to `limit` due jobs (earliest first) for `lease` milliseconds: each is handed
    /// to one claimer only, and is claimable again once its lease runs out unfinished. With
    /// nothing due it writes nothing.
    async fn claim_jobs(
        &self,
        limit: u32,
        lease: Millis,
        now: Millis,
    ) -> StoreResult<Vec<JobRecord>>;
    /// Ends a claim that succeeded: the job is deleted, or, with `next_run`, kept for its next
    /// run with its attempts and error cleared (a recurring chore). False when the claim is
    /// no longer the job's (its lease ran out and another took it).
    async fn finish_job(&self, job: &JobRecord, next_run: Option<Millis>) -> StoreResult<bool>;
    /// Ends a claim that failed: the job runs again at `retry_at`, or, with None, is kept as
    /// dead. `error` is cut to `JOB_ERROR_CHARS`. False as for `finish_job`.
    async fn fail_job(
        &self,
        job: &JobRecord,
        error: &str,
        retry_at: Option<Millis>,
        now: Millis,
    ) -> StoreResult<bool>;
    /// Every stored job, dead ones included, by id: what an operator looks at.
    async fn jobs(&self) -> StoreResult<Vec<JobRecord>>;
    /// Deletes the dead jobs given up before `older_than`.
    async fn purge_dead_jobs(&self, older_than: Millis) -> StoreResult<u64>;
}

/// The behaviour every backend's queue must show; run through `conformance_suite!`.
pub mod conformance {
    use crate::*;
    use kodlek_domain::Millis;
    use std::collections::BTreeMap;

    fn job(kind: &str, key: &str, run_at: Millis) -> NewJob {
        NewJob {
            kind: kind.into(),
            key: key.into(),
            payload: format!("{{\"id\":\"{key}\"}}"),
            run_at,
        }
    }

    pub async fn jobs_are_queued_once_per_key(s: &dyn Store) {
        assert!(s.enqueue_job(&job("remind", "a1", 100), 10).await.unwrap());
        assert!(!s.enqueue_job(&job("remind", "a1", 500), 20).await.unwrap());
        assert!(s.enqueue_job(&job("remind", "a2", 100), 20).await.unwrap());
        assert!(s.enqueue_job(&job("expire", "a1", 100), 20).await.unwrap());
        let all = s.jobs().await.unwrap();
        assert_eq!(all.len(), 3);
        let first = all.iter().find(|j| j.kind == "remind" && j.key == "a1");
        let first = first.unwrap();
        assert_eq!(first.run_at, 100, "the second enqueue changed nothing");
        assert_eq!(first.payload, "{\"id\":\"a1\"}");
        assert_eq!((first.attempts, first.created_at), (0, 10));
        // A claimed job is still pending: the same key cannot be queued beside it.
        let claimed = s.claim_jobs(10, 1_000, 100).await.unwrap();
        assert_eq!(claimed.len(), 3);
        assert!(!s.enqueue_job(&job("remind", "a1", 100), 120).await.unwrap());
        // Once it has run, the key is free again.
        let a1 = claimed
            .iter()
            .find(|j| j.kind == "remind" && j.key == "a1")
            .unwrap();
        assert!(s.finish_job(a1, None).await.unwrap());
        assert!(s.enqueue_job(&job("remind", "a1", 900), 130).await.unwrap());
        assert_eq!(s.jobs().await.unwrap().len(), 3);
    }

    pub async fn jobs_are_claimed_when_due_and_once(s: &dyn Store) {
        s.enqueue_job(&job("k", "late", 2_000), 0).await.unwrap();
        s.enqueue_job(&job("k", "early", 1_000), 0).await.unwrap();
        assert!(s.claim_jobs(10, 60_000, 999).await.unwrap().is_empty());
        let got = s.claim_jobs(10, 60_000, 1_500).await.unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].key.as_str(), got[0].attempts, got[0].lease_until),
            ("early", 1, Some(61_500))
        );
        assert!(s.claim_jobs(10, 60_000, 1_600).await.unwrap().is_empty());
        let got = s.claim_jobs(1, 60_000, 5_000).await.unwrap();
        assert_eq!(got[0].key, "late");
        // A recurring chore is kept for its next run, its attempts cleared.
        assert!(s.finish_job(&got[0], Some(9_000)).await.unwrap());
        let late = s.jobs().await.unwrap();
        let late = late.iter().find(|j| j.key == "late").unwrap();
        assert_eq!(
            (late.run_at, late.attempts, late.lease_until),
            (9_000, 0, None)
        );
        assert!(s.claim_jobs(10, 60_000, 8_999).await.unwrap().is_empty());
        assert_eq!(s.claim_jobs(10, 60_000, 9_000).await.unwrap().len(), 1);
    }

    pub async fn concurrent_claimers_take_each_job_once(s: &dyn Store) {
        for i in 0..100 {
            s.enqueue_job(&job("k", &format!("j{i:03}"), i), 0)
                .await
                .unwrap();
        }
        let worker = || async {
            let mut mine = Vec::new();
            loop {
                let got = s.claim_jobs(7, 60_000, 1_000).await.unwrap();
                if got.is_empty() {
                    return mine;
                }
                for j in got {
                    tokio::task::yield_now().await;
                    assert!(s.finish_job(&j, None).await.unwrap());
                    mine.push(j.key);
                }
            }
        };
        let (a, b, c, d) = tokio::join!(worker(), worker(), worker(), worker());
        let mut runs: BTreeMap<String, usize> = BTreeMap::new();
        for k in a.into_iter().chain(b).chain(c).chain(d) {
            *runs.entry(k).or_default() += 1;
        }
        assert_eq!(runs.len(), 100, "every job ran");
        assert!(runs.values().all(|n| *n == 1), "no job ran twice");
        assert!(s.jobs().await.unwrap().is_empty());
    }

    pub async fn failed_jobs_are_retried_later_then_kept_as_dead(s: &dyn Store) {
        s.enqueue_job(&job("k", "x", 0), 0).await.unwrap();
        let mut now = 10;
        let mut waits = Vec::new();
        for attempt in 1..=JOB_MAX_ATTEMPTS {
            let got = s.claim_jobs(1, 60_000, now).await.unwrap();
            assert_eq!(got.len(), 1, "claimable on attempt {attempt}");
            assert_eq!(got[0].attempts, attempt);
            let retry = job_retry_at(got[0].attempts, now);
            let long = "e".repeat(500);
            assert!(s.fail_job(&got[0], &long, retry, now).await.unwrap());
            let stored = s.jobs().await.unwrap().remove(0);
            assert_eq!(stored.last_error.unwrap().len(), JOB_ERROR_CHARS);
            assert_eq!(stored.lease_until, None);
            match retry {
                Some(at) => {
                    assert_eq!(stored.run_at, at);
                    assert!(s.claim_jobs(1, 60_000, at - 1).await.unwrap().is_empty());
                    waits.push(at - now);
                    now = at;
                }
                None => {
                    assert_eq!(attempt, JOB_MAX_ATTEMPTS);
                    assert_eq!(stored.dead_at, Some(now));
                }
            }
        }
        assert!(waits.windows(2).all(|w| w[1] > w[0]), "the waits grow");
        // Dead: never claimed again, kept for an operator, and its key is free.
        assert!(
            s.claim_jobs(1, 60_000, i64::MAX / 2)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(s.enqueue_job(&job("k", "x", 0), now).await.unwrap());
        assert_eq!(s.jobs().await.unwrap().len(), 2);
        assert_eq!(s.purge_dead_jobs(now).await.unwrap(), 0);
        assert_eq!(s.purge_dead_jobs(now + 1).await.unwrap(), 1);
        let left = s.jobs().await.unwrap();
        assert_eq!((left.len(), left[0].dead_at), (1, None));
    }

    pub async fn a_lapsed_lease_makes_a_job_claimable_again(s: &dyn Store) {
        s.enqueue_job(&job("k", "x", 0), 0).await.unwrap();
        let first = s.claim_jobs(1, 1_000, 100).await.unwrap().remove(0);
        // The server that claimed it stopped; until the lease runs out nobody else takes it.
        assert!(s.claim_jobs(1, 1_000, 1_099).await.unwrap().is_empty());
        let second = s.claim_jobs(1, 1_000, 1_100).await.unwrap().remove(0);
        assert_eq!(
            (second.id.as_str(), second.attempts),
            (first.id.as_str(), 2)
        );
        // The first claim no longer holds the job: finishing or failing it changes nothing.
        assert!(!s.finish_job(&first, None).await.unwrap());
        assert!(!s.fail_job(&first, "late", None, 1_200).await.unwrap());
        assert_eq!(s.jobs().await.unwrap(), vec![second.clone()]);
        assert!(s.finish_job(&second, None).await.unwrap());
        assert!(s.jobs().await.unwrap().is_empty());
    }

    pub async fn claiming_with_nothing_due_writes_nothing(s: &dyn Store) {
        assert!(s.claim_jobs(10, 1_000, 5_000).await.unwrap().is_empty());
        s.enqueue_job(&job("k", "later", 10_000), 0).await.unwrap();
        s.enqueue_job(&job("k", "dead", 0), 0).await.unwrap();
        let dead = s.claim_jobs(1, 1_000, 10).await.unwrap().remove(0);
        s.fail_job(&dead, "gone", None, 20).await.unwrap();
        let leased_job = s.enqueue_job(&job("k", "leased", 0), 0).await.unwrap();
        assert!(leased_job);
        s.claim_jobs(1, 100_000, 30).await.unwrap();
        let before = s.jobs().await.unwrap();
        for now in [40, 5_000, 9_999] {
            assert!(s.claim_jobs(10, 1_000, now).await.unwrap().is_empty());
        }
        assert_eq!(
            s.jobs().await.unwrap(),
            before,
            "an idle claim changed a row"
        );
    }
}
