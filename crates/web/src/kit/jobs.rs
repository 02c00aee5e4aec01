//! Background jobs: the handlers of each kind, the loop that runs due jobs, and the chores.

use kodlek_domain::{Millis, now_millis};
use kodlek_store::{JobRecord, NewJob, Store, StoreResult, job_retry_at, short_job_error};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What a handler returns: Err with a short reason (no personal data) makes the job retry.
pub type JobResult = Result<(), String>;

type Handler =
    Arc<dyn Fn(JobRecord) -> Pin<Box<dyn Future<Output = JobResult> + Send>> + Send + Sync>;

/// The key of every recurring chore: one pending job per chore kind.
pub const CHORE_KEY: &str = "chore";

/// How often a server looks for due jobs.
pub const TICK: Duration = Duration::from_secs(5);

/// Ended sessions are deleted every ten minutes.
pub const PURGE_SESSIONS: &str = "purge-expired-sessions";
/// Rate-limit counters older than two hours are deleted every ten minutes.
pub const PURGE_RATE_LIMITS: &str = "purge-rate-limits";
/// Jobs given up more than a week ago are deleted once an hour (the inventory promises a week).
pub const PURGE_DEAD_JOBS: &str = "purge-dead-jobs";

const HOUR: Millis = 3600 * 1000;

struct Chore {
    kind: &'static str,
    every: Millis,
}

/// The handlers of one server and the chores it makes sure are queued.
///
/// Every server runs one runner against the shared queue (`JobStore`); the queue's leases make
/// each job run on one server at a time. A recurring chore is a job like any other: when it
/// has run it is kept with its next run time, under one key, so there is one pending per chore
/// however many servers there are. The SQLite WAL checkpointer is not a job: it belongs to each
/// process's own connection to its file, not to the database the servers share, so it stays
/// beside the SQLite backend.
pub struct Runner {
    store: Arc<dyn Store>,
    handlers: HashMap<&'static str, Handler>,
    chores: Vec<Chore>,
    /// How many jobs one claim takes at most.
    batch: u32,
    /// How long a claimed job is this server's; a handler that takes longer is stopped and
    /// its job tried again, so that no job runs on two servers at once.
    lease: Duration,
}

impl Runner {
    pub fn new(store: Arc<dyn Store>) -> Runner {
        Runner {
            store,
            handlers: HashMap::new(),
            chores: Vec::new(),
            batch: 16,
            lease: Duration::from_secs(300),
        }
    }

    /// Runs `handler` for each job of `kind`.
    pub fn handle<F, Fut>(mut self, kind: &'static str, handler: F) -> Runner
    where
        F: Fn(JobRecord) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.handlers
            .insert(kind, Arc::new(move |job| Box::pin(handler(job))));
        self
    }

    /// Runs `chore` every `every`, on one server at a time.
    pub fn every<F, Fut>(mut self, kind: &'static str, every: Duration, chore: F) -> Runner
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.chores.push(Chore {
            kind,
            every: every.as_millis() as Millis,
        });
        self.handle(kind, move |_| chore())
    }

    pub fn with_batch(mut self, batch: u32) -> Runner {
        self.batch = batch;
        self
    }

    pub fn with_lease(mut self, lease: Duration) -> Runner {
        self.lease = lease;
        self
    }

    /// Queues each chore to run now unless it is already queued (by this or another server).
    pub async fn schedule_chores(&self, now: Millis) -> StoreResult<()> {
        for c in &self.chores {
            let job = NewJob {
                kind: c.kind.into(),
                key: CHORE_KEY.into(),
                payload: "{}".into(),
                run_at: now,
            };
            self.store.enqueue_job(&job, now).await?;
        }
        Ok(())
    }

    /// Claims one batch of due jobs and runs them side by side; how many were claimed.
    pub async fn run_due(&self, now: Millis) -> StoreResult<usize> {
        let lease = self.lease.as_millis() as Millis;
        let jobs = self.store.claim_jobs(self.batch, lease, now).await?;
        let n = jobs.len();
        // Each job in a task of its own, all at once: a slow one does not hold up the rest,
        // and a panic fails that job only. None has longer than the lease it was claimed for.
        let deadline = tokio::time::Instant::now() + self.lease;
        let running: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let task = self
                    .handlers
                    .get(job.kind.as_str())
                    .map(|handler| tokio::spawn(handler(job.clone())));
                (job, task)
            })
            .collect();
        for (job, task) in running {
            let result = match task {
                // Another server (a newer version, during an upgrade) may know this kind.
                None => Err("no handler for this kind on this server".to_owned()),
                Some(mut task) => match tokio::time::timeout_at(deadline, &mut task).await {
                    Ok(Ok(result)) => result,
                    Ok(Err(_)) => Err("the handler panicked".to_owned()),
                    Err(_) => {
                        task.abort();
                        Err("the handler outlasted its lease".to_owned())
                    }
                },
            };
            if let Err(e) = self.settle(&job, result).await {
                tracing::warn!(kind = %job.kind, error = %e, "a job's outcome was not stored");
            }
        }
        Ok(n)
    }

    async fn settle(&self, job: &JobRecord, result: JobResult) -> StoreResult<()> {
        let now = now_millis();
        let every = self
            .chores
            .iter()
            .find(|c| c.kind == job.kind && job.key == CHORE_KEY)
            .map(|c| c.every);
        let kept = match (result, every) {
            (Ok(()), every) => self.store.finish_job(job, every.map(|e| now + e)).await?,
            (Err(e), every) => {
                tracing::warn!(kind = %job.kind, attempts = job.attempts, error = %short_job_error(&e), "a job failed");
                // A chore is never given up: it runs again at its next time.
                let retry = match every {
                    Some(every) => Some(now + every),
                    None => job_retry_at(job.attempts, now),
                };
                self.store.fail_job(job, &e, retry, now).await?
            }
        };
        if !kept {
            tracing::warn!(kind = %job.kind, "a job's lease ran out before it ended; it runs again");
        }
        Ok(())
    }

    /// Queues the chores, then runs due jobs every `tick` until the returned task is aborted.
    pub fn start(self, tick: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            if let Err(e) = self.schedule_chores(now_millis()).await {
                tracing::warn!(error = %e, "queueing the chores failed");
            }
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                // A full batch suggests more are due: claim again at once.
                loop {
                    match self.run_due(now_millis()).await {
                        Ok(n) if n as u32 >= self.batch => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "claiming jobs failed");
                            break;
                        }
                    }
                }
            }
        })
    }
}

/// A runner with the chores every server runs: purging ended sessions, old rate-limit
/// counters and long-dead jobs.
pub fn with_chores(store: Arc<dyn Store>) -> Runner {
    let sessions = store.clone();
    let limits = store.clone();
    let jobs = store.clone();
    Runner::new(store)
        .every(PURGE_SESSIONS, Duration::from_secs(600), move || {
            let store = sessions.clone();
            async move {
                store
                    .purge_expired_sessions(now_millis())
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
        })
        .every(PURGE_RATE_LIMITS, Duration::from_secs(600), move || {
            let store = limits.clone();
            async move {
                store
                    .purge_limits(now_millis() - 2 * HOUR)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
        })
        .every(PURGE_DEAD_JOBS, Duration::from_secs(3600), move || {
            let store = jobs.clone();
            async move {
                store
                    .purge_dead_jobs(now_millis() - 7 * 24 * HOUR)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
        })
}
