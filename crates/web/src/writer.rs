//! The attempt writer: attempts from many requests are committed together (group commit), and
//! each is acknowledged only after its transaction commits. The queue is bounded: when it is
//! full the caller gets 503 `overloaded` instead of waiting without end.

use crate::error::ApiError;
use axum::http::StatusCode;
use kodlek_store::{AttemptOutcome, NewAttempt, Store};
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
}

impl AttemptWriter {
    pub fn start(store: Arc<dyn Store>) -> AttemptWriter {
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(run(store, rx));
        AttemptWriter { queue: tx }
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

async fn run(store: Arc<dyn Store>, mut rx: mpsc::Receiver<(NewAttempt, Reply)>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let (attempts, replies): (Vec<_>, Vec<_>) = std::mem::take(&mut batch).into_iter().unzip();
        match store.record_attempts(&attempts).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) if attempts.len() > 1 => {
                // One bad attempt must not fail its neighbours: write them one by one.
                tracing::warn!(error = %e, "a batch of attempts failed; retrying one by one");
                for (a, reply) in attempts.into_iter().zip(replies) {
                    let r = store.record_attempts(std::slice::from_ref(&a)).await;
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
