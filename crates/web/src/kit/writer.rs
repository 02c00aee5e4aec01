//! The attempt writer: attempts from many requests are committed together (group commit), and
//! each is acknowledged only after its transaction commits. The queue is bounded: when it is
//! full the caller gets 503 `overloaded` instead of waiting without end.
//!
//! The writer is the one serial part of the attempt path: its batch's statements run one after
//! another, each a round trip to the database's connection (for SQLite, sqlx's worker thread).
//! It runs on a thread of its own, with its own single-threaded runtime, so that each answer
//! from the database resumes it at once. As a task among the request tasks on the shared
//! runtime, every such answer waited in the runtime's queue behind the requests being
//! served, which made the batches slower the busier the server was.

use crate::kit::error::ApiError;
use axum::http::StatusCode;
use kodlek_store::{AttemptOutcome, NewAttempt, STORAGE_BUDGET, Store};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Deep enough that 64 busy connections never find it full.
pub const QUEUE_DEPTH: usize = 1024;
/// The most attempts one transaction carries.
const BATCH: usize = 256;

type Reply = oneshot::Sender<Result<AttemptOutcome, ApiError>>;

#[derive(Clone)]
pub struct AttemptWriter {
    queue: mpsc::Sender<(NewAttempt, Reply)>,
    /// The bytes of programs and answers each learner may store.
    budget: i64,
}

impl AttemptWriter {
    pub fn start(store: Arc<dyn Store>) -> AttemptWriter {
        Self::with_depth(store, QUEUE_DEPTH)
    }

    pub fn with_depth(store: Arc<dyn Store>, depth: usize) -> AttemptWriter {
        Self::with(store, depth, STORAGE_BUDGET)
    }

    /// A writer that keeps each learner within `budget` bytes (the tests' small budgets).
    pub fn with_budget(store: Arc<dyn Store>, budget: i64) -> AttemptWriter {
        Self::with(store, QUEUE_DEPTH, budget)
    }

    /// The storage budget of each learner, in bytes.
    pub fn budget(&self) -> i64 {
        self.budget
    }

    fn with(store: Arc<dyn Store>, depth: usize, budget: i64) -> AttemptWriter {
        let (tx, rx) = mpsc::channel(depth.max(1));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the attempt writer");
        // The thread ends when the last sender is dropped and the queue is drained.
        std::thread::Builder::new()
            .name("kodlek-attempts".into())
            .spawn(move || runtime.block_on(run(store, rx, budget)))
            .expect("a thread for the attempt writer");
        AttemptWriter { queue: tx, budget }
    }

    /// Records one attempt; returns once it is committed.
    pub async fn record(&self, attempt: NewAttempt) -> Result<AttemptOutcome, ApiError> {
        let (tx, rx) = oneshot::channel();
        self.queue
            .try_send((attempt, tx))
            .map_err(|_| overloaded())?;
        rx.await.map_err(|_| ApiError::internal())?
    }
}

pub fn overloaded() -> ApiError {
    ApiError {
        retry_after: Some(1),
        ..ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "The server is busy; please try again in a moment.",
        )
    }
}

async fn run(store: Arc<dyn Store>, mut rx: mpsc::Receiver<(NewAttempt, Reply)>, budget: i64) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let (attempts, replies): (Vec<_>, Vec<_>) = std::mem::take(&mut batch).into_iter().unzip();
        match store.record_attempts_within(&attempts, budget).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) if attempts.len() > 1 => {
                // One bad attempt must not fail its neighbours: write them one by one.
                tracing::warn!(error = %e, "a batch of attempts failed; retrying one by one");
                for (a, reply) in attempts.into_iter().zip(replies) {
                    let r = store
                        .record_attempts_within(std::slice::from_ref(&a), budget)
                        .await;
                    let _ = reply.send(
                        r.map_err(ApiError::from)
                            .and_then(|mut o| o.pop().ok_or_else(ApiError::internal)),
                    );
                }
            }
            Err(e) => {
                let e = ApiError::from(e);
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kodlek_store::AccountStore;
    use kodlek_store::conformance::{attempt, sample_account};

    async fn store() -> Arc<dyn Store> {
        let dir = tempfile::tempdir().unwrap().keep();
        let s = kodlek_store_sqlite::SqliteStore::open(&dir.join("k.db"))
            .await
            .unwrap();
        s.insert_account(&sample_account("a1", None)).await.unwrap();
        Arc::new(s)
    }

    #[tokio::test]
    async fn a_full_queue_answers_overloaded_and_the_rest_commit() {
        let w = AttemptWriter::with_depth(store().await, 1);
        // The writer's first commit takes far longer than these twenty sends, which come
        // without a pause: the queue of one is full for most of them.
        let all =
            (0..20).map(|i| w.record(attempt(&format!("t{i}"), "a1", "maze-1", i, "failed", None)));
        let results = futures_join(all.collect()).await;
        let busy = results
            .iter()
            .filter(|r| matches!(r, Err(e) if e.code == "overloaded" && e.retry_after == Some(1)))
            .count();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert!(busy > 0, "a full queue refuses at once");
        assert!(ok >= 1);
        assert_eq!(busy + ok, 20);
    }

    #[tokio::test]
    async fn many_attempts_share_a_commit_and_each_is_acknowledged() {
        let s = store().await;
        let w = AttemptWriter::start(s.clone());
        let all = (0..200)
            .map(|i| w.record(attempt(&format!("t{i}"), "a1", "maze-1", i, "failed", None)));
        let results = futures_join(all.collect()).await;
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(s.progress_of("a1").await.unwrap()[0].attempts, 200);
    }

    async fn futures_join<F: std::future::Future>(fs: Vec<F>) -> Vec<F::Output> {
        let mut pinned: Vec<_> = fs.into_iter().map(Box::pin).collect();
        let mut out: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (i, f) in pinned.iter_mut().enumerate() {
                if out[i].is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => out[i] = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        out.into_iter()
            .map(|o| o.expect("every future finished"))
            .collect()
    }
}
