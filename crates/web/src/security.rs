//! What every request passes through: the body limit, the cross-site check, security headers.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Whether an unsafe request comes from another site (API.md: Origin and Sec-Fetch-Site).
fn is_cross_site(state: &AppState, req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && (site == "cross-site" || site == "same-site")
    {
        return true;
    }
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = h
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let own = origin == state.config.origin()
            || (!host.is_empty()
                && (origin == format!("http://{host}") || origin == format!("https://{host}")));
        return !own;
    }
    false
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > crate::extract::BODY_LIMIT);
    let mut resp = if too_large {
        ApiError::too_large().into_response()
    } else if unsafe_method
        && !req.uri().path().starts_with("/unsubscribe/")
        && is_cross_site(&state, &req)
    {
        ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "cross_site_request",
            "Requests from other sites are not accepted.",
        )
        .into_response()
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.config.secure_cookies() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Only answers to reads are compressed. An answer to a form post can echo what was typed
/// next to the page's form token, and compressing the two together would let an attacker who
/// controls the typed text learn the token from the compressed length (BREACH).
pub async fn compress_reads_only(mut req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.run(req).await
}

/// `Server-Timing: app;dur=<ms>`: how long the server worked on the answer, so that operators
/// (and the benchmarks) can tell server time from network time.
pub async fn server_timing(req: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let mut r = next.run(req).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.3}")) {
        r.headers_mut().insert("server-timing", v);
    }
    r
}
