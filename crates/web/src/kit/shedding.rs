//! Load shedding at the edge: the requests handled at once and the request-body bytes held
//! in memory at once, each bounded, with 503 `overloaded` beyond the bound.
//!
//! A flood of thousands of connections must not make everyone wait their turn behind it: the
//! requests beyond the bound wait parked, without taking turns on the runtime's threads, and
//! `/healthz` passes ahead of them.
//!
//! A body is read whole into memory before it is parsed (at most 1 MiB each). Without a bound
//! across requests, a few hundred connections sending large bodies at once grow the server by
//! hundreds of megabytes. Each request with a body first takes its declared size from a shared
//! budget; when the budget stays spent for a short while, the request is refused with 503
//! `overloaded` and Retry-After instead of waiting without end.

use crate::kit::error::ApiError;
use crate::kit::extract::BODY_LIMIT;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The bytes of request bodies all requests together may hold in memory, counted in KiB.
#[derive(Clone)]
pub struct BodyBudget {
    kib: Arc<Semaphore>,
    total_kib: u32,
    wait: Duration,
}

impl BodyBudget {
    /// 4 MiB: four of the largest bodies at once, a thousand ordinary attempts (a few KiB
    /// each). A body parsed into a program takes several times its size while it is judged,
    /// so the bound on memory is a multiple of this.
    pub const DEFAULT_BYTES: usize = 4 << 20;
    /// How long a body waits for room before it is refused.
    pub const DEFAULT_WAIT: Duration = Duration::from_secs(1);

    /// A budget of `bytes` (at least one body of the largest size), waiting at most `wait`.
    pub fn new(bytes: usize, wait: Duration) -> BodyBudget {
        let total_kib = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, Semaphore::MAX_PERMITS as u32);
        BodyBudget {
            kib: Arc::new(Semaphore::new(total_kib as usize)),
            total_kib,
            wait,
        }
    }

    /// KiB free now.
    pub fn available_kib(&self) -> usize {
        self.kib.available_permits()
    }

    /// The KiB a request's body may take: its declared length, or the largest body allowed
    /// when the length is not declared (chunked); none for a request without a body.
    fn cost_kib(&self, req: &Request) -> u32 {
        let h = req.headers();
        let bytes = match h
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
        {
            Some(n) => n.min(BODY_LIMIT),
            None if h.contains_key(header::TRANSFER_ENCODING) => BODY_LIMIT,
            None => 0,
        };
        // At most the whole budget, so that a small budget still admits one body at a time.
        u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .min(self.total_kib)
    }
}

impl Default for BodyBudget {
    fn default() -> BodyBudget {
        BodyBudget::new(Self::DEFAULT_BYTES, Self::DEFAULT_WAIT)
    }
}

/// Takes the request's share of the budget while it is handled; 503 `overloaded` when none
/// frees up in time. Requests without a body (such as /healthz) pass at once.
pub async fn body_budget(State(budget): State<BodyBudget>, req: Request, next: Next) -> Response {
    let kib = budget.cost_kib(&req);
    if kib == 0 {
        return next.run(req).await;
    }
    // Most of the time the budget has room: no timer is armed for a request that need not wait.
    let _held = match budget.kib.clone().try_acquire_many_owned(kib) {
        Ok(held) => held,
        Err(_) => {
            let take = budget.kib.clone().acquire_many_owned(kib);
            let Ok(Ok(held)) = tokio::time::timeout(budget.wait, take).await else {
                return ApiError::overloaded(1).into_response();
            };
            held
        }
    };
    if kib < LARGE_KIB {
        return next.run(req).await;
    }
    // A large body takes milliseconds of parsing and judging that do not yield. On a runtime
    // of its own, it shares the cores with everything else by the operating system's turns
    // instead of holding up the tasks queued behind it on the request threads, /healthz among
    // them. Its body still arrives through the connection's task here.
    match large_lane() {
        Some(lane) => {
            let mut task = AbortOnDrop(lane.spawn(next.run(req)));
            match (&mut task.0).await {
                Ok(r) => r,
                Err(_) => ApiError::internal().into_response(),
            }
        }
        None => next.run(req).await,
    }
}

/// The runtime that handles requests with large bodies: one thread.
fn large_lane() -> Option<&'static tokio::runtime::Runtime> {
    static LANE: std::sync::OnceLock<Option<tokio::runtime::Runtime>> = std::sync::OnceLock::new();
    LANE.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("kodlek-large")
            .enable_all()
            .build()
            .map_err(|e| tracing::warn!(error = %e, "no runtime for large bodies"))
            .ok()
    })
    .as_ref()
}

/// A request given up by its client (its future dropped) stops its task on the other runtime.
struct AbortOnDrop(tokio::task::JoinHandle<Response>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Bodies from this size on are handled on a thread of their own: far above any ordinary
/// request, which is a few KiB.
const LARGE_KIB: u32 = 256;

/// The requests handled at once (apart from `/healthz`): each takes a turn on the runtime's
/// few threads, so a few hundred of them are enough to keep the cores busy.
#[derive(Clone)]
pub struct InFlight {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl InFlight {
    pub const DEFAULT_MAX: usize = 128;
    /// How long a request waits for its turn before it is refused.
    pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

    pub fn new(max: usize, wait: Duration) -> InFlight {
        InFlight {
            permits: Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))),
            wait,
        }
    }
}

impl Default for InFlight {
    fn default() -> InFlight {
        InFlight::new(Self::DEFAULT_MAX, Self::DEFAULT_WAIT)
    }
}

/// The bounds of load shedding the router applies.
#[derive(Clone, Default)]
pub struct Shedding {
    pub bodies: BodyBudget,
    pub in_flight: InFlight,
}

/// The health check is answered ahead of every queue: it is how operators and load balancers
/// tell a busy server from a dead one.
fn is_health_check(req: &Request) -> bool {
    req.uri().path() == "/healthz"
}

/// Holds one of the in-flight permits while the request is handled; 503 `overloaded` when
/// none frees up in time.
pub async fn in_flight(State(limit): State<InFlight>, req: Request, next: Next) -> Response {
    if is_health_check(&req) {
        return next.run(req).await;
    }
    // A permit free now is taken without arming a timer; only a request that must wait does.
    if let Ok(_held) = limit.permits.clone().try_acquire_owned() {
        return next.run(req).await;
    }
    match tokio::time::timeout(limit.wait, limit.permits.clone().acquire_owned()).await {
        Ok(Ok(_held)) => next.run(req).await,
        _ => ApiError::overloaded(1).into_response(),
    }
}
