//! Router tests of the one error format: under /api/ every error is
//! `{"error": {"code", "message"}}`, whatever refused the request; pages answer an HTML page.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Answer, TestApp};
use serde_json::json;

fn assert_api_error(a: &Answer, status: StatusCode, code: &str) {
    assert_eq!(a.status, status, "{}", a.text);
    let ct = a.headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("application/json"), "{ct}: {}", a.text);
    let body = a.json();
    assert_eq!(body["error"]["code"], code, "{}", a.text);
    assert!(
        !body["error"]["message"].as_str().unwrap_or("").is_empty(),
        "{}",
        a.text
    );
}

async fn a_malformed_path_is_a_json_error(app: TestApp) {
    for path in [
        "/api/v1/levels/%FF",
        "/api/v1/courses/%FF%FE",
        "/api/v1/levels/%FF/attempts",
    ] {
        let method = if path.ends_with("attempts") {
            Method::POST
        } else {
            Method::GET
        };
        let a = app.call(method, path, Some(json!({})), None).await;
        assert_api_error(&a, StatusCode::BAD_REQUEST, "malformed_path");
    }
}

async fn a_bad_query_value_never_answers_plain_text(app: TestApp) {
    let a = app.get("/api/v1/courses?lang=%FF", None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json();
    let a = app.get("/api/v1/nothing-here?x=%FF", None).await;
    assert_api_error(&a, StatusCode::NOT_FOUND, "not_found");
    let a = app.get("/sign-in/code?code=%FF", None).await;
    let ct = a.headers["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{ct}: {}", a.text);
}

async fn a_wrong_method_is_a_json_error(app: TestApp) {
    let a = app
        .call(Method::DELETE, "/api/v1/courses", None, None)
        .await;
    assert_api_error(&a, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert!(
        a.headers["allow"].to_str().unwrap().contains("GET"),
        "the methods allowed are still named"
    );
    let a = app.call(Method::PUT, "/api/v1/session", None, None).await;
    assert_api_error(&a, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

async fn an_unknown_api_address_is_a_json_error(app: TestApp) {
    let a = app.get("/api/v1/no-such-thing", None).await;
    assert_api_error(&a, StatusCode::NOT_FOUND, "not_found");
    // A page address that does not exist still answers the HTML page.
    let a = app.get("/no-such-page", None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.text.contains("<html"), "{}", a.text);
}

async fn an_over_long_body_is_a_json_error(app: TestApp) {
    let big = format!(
        r#"{{"login": "a@example.org", "password": "{}"}}"#,
        "x".repeat(1 << 20)
    );
    // Declared up front: refused before it is read.
    let req = Request::post("/api/v1/session")
        .header("content-type", "application/json")
        .header("content-length", big.len())
        .body(Body::from(big.clone()))
        .unwrap();
    assert_api_error(
        &app.send(req).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    // Not declared: refused as it arrives.
    let req = Request::post("/api/v1/session")
        .header("content-type", "application/json")
        .body(Body::from(big))
        .unwrap();
    assert_api_error(
        &app.send(req).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
}

async fn a_malformed_page_path_answers_the_error_page(app: TestApp) {
    for path in ["/reset-password/%FF", "/sign-up/%FF%FE"] {
        let a = app.get(path, None).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", a.text);
        let ct = a.headers["content-type"].to_str().unwrap();
        assert!(ct.starts_with("text/html"), "{path}: {ct}: {}", a.text);
        assert!(a.text.contains("<html"), "{}", a.text);
        assert!(a.headers.contains_key("content-security-policy"));
    }
}

/// JSON writes a whole number `10` or `10.0`, and the OpenAPI document's `integer` takes
/// both: so does the server. `10.5` is refused, naming the field, and nothing is written.
async fn a_whole_number_may_be_written_with_a_point(app: TestApp) {
    let (cookie, me) = app
        .sign_up(json!({"role": "student", "display_name": "Ten Point",
        "email": "ten.point@example.org", "password": "correct horse battery", "age": 10.0}))
        .await;
    assert_eq!(me["age"], 10, "{me}");
    let r = app
        .patch("/api/v1/me", json!({"age": 11.5}), Some(&cookie))
        .await;
    assert_api_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(r.text.contains("age"), "{}", r.text);
    let r = app.get("/api/v1/me", Some(&cookie)).await;
    assert_eq!(
        r.json()["user"]["age"],
        10,
        "a refused change changes nothing"
    );
    let r = app
        .patch("/api/v1/me", json!({"age": 12.0}), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["user"]["age"], 12);
}

on_both_backends!(
    a_whole_number_may_be_written_with_a_point,
    a_malformed_path_is_a_json_error,
    a_bad_query_value_never_answers_plain_text,
    a_wrong_method_is_a_json_error,
    an_unknown_api_address_is_a_json_error,
    an_over_long_body_is_a_json_error,
    a_malformed_page_path_answers_the_error_page,
);
