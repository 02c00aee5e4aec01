//! What every request passes through: the body limit, the cross-site check, security headers,
//! and the one format of error answers.

use crate::AppState;
use crate::kit::error::ApiError;
use axum::extract::FromRequestParts;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
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
        .is_some_and(|n| n > crate::kit::extract::BODY_LIMIT)
        && !crate::reads_own_body(req.method(), req.uri().path());
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

/// The error code for an error answer that a handler did not write itself (axum's rejections
/// of a malformed path, a wrong method, an unknown address).
fn code_for(status: StatusCode, text: &str) -> &'static str {
    match status.as_u16() {
        400 if text.starts_with("Invalid URL") || text.starts_with("Invalid UTF-8") => {
            "malformed_path"
        }
        400 => "bad_request",
        401 => "not_signed_in",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        413 => "too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        422 => "invalid_field",
        429 => "rate_limited",
        503 => "overloaded",
        504 => "timeout",
        _ if status.is_server_error() => "internal",
        _ => "bad_request",
    }
}

fn message_for(status: StatusCode, text: &str) -> String {
    match status.as_u16() {
        404 => ApiError::not_found().message,
        405 => "This method is not allowed here.".into(),
        413 => ApiError::too_large().message,
        // A rejection's own words say what was wrong with the request; none from the server.
        400..=499 if !text.trim().is_empty() && text.len() <= 300 => text.trim().to_owned(),
        400..=499 => "The request could not be understood.".into(),
        503 => "The server is busy; please try again in a moment.".into(),
        _ => ApiError::internal().message,
    }
}

fn content_type(r: &Response) -> &str {
    r.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Every error answer in the one format: `{"error": {"code", "message"}}` under /api/, the
/// error page elsewhere. Handlers already answer so; this catches what answers before them:
/// axum's plain-text rejections (a `%FF` in a path, a wrong method) and unknown addresses.
pub async fn error_format(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    // What a page needs to speak the visitor's language, kept only for page requests; the
    // request for the error page is built from it only when there is an error to show.
    let page_request = (!api).then(|| {
        let keep = |name| {
            req.headers()
                .get_all(name)
                .iter()
                .cloned()
                .collect::<Vec<_>>()
        };
        (
            req.uri().clone(),
            keep(header::COOKIE),
            keep(header::ACCEPT_LANGUAGE),
        )
    });
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ct = content_type(&resp);
    let formatted = if api {
        ct.starts_with("application/json")
    } else {
        ct.starts_with("text/html") || ct.starts_with("application/json")
    };
    if formatted {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let mut out = match page_request {
        None => ApiError::new(status, code_for(status, &text), message_for(status, &text))
            .into_response(),
        Some((uri, cookies, languages)) => {
            let mut b = Request::builder().uri(uri);
            for v in cookies {
                b = b.header(header::COOKIE, v);
            }
            for v in languages {
                b = b.header(header::ACCEPT_LANGUAGE, v);
            }
            let Ok(page_req) = b.body(()) else {
                return ApiError::new(status, code_for(status, &text), message_for(status, &text))
                    .into_response();
            };
            let (mut page_parts, ()) = page_req.into_parts();
            match crate::kit::page::Page::from_request_parts(&mut page_parts, &state).await {
                Ok(p) => {
                    let p = match status.as_u16() {
                        400 | 404 | 405 => p.with_alert_key("page-not-found"),
                        _ => p.with_alert_key("something-went-wrong"),
                    };
                    crate::kit::page::render(
                        &state,
                        &p,
                        status,
                        &crate::kit::page::ErrorT { p: p.clone() },
                    )
                }
                Err(e) => e.into_response(),
            }
        }
    };
    // What the original answer said about retrying or the methods allowed still holds.
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}
