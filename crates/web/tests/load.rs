//! Router tests of load shedding: a flood is refused early and cheaply, and those who come
//! after it are served at once.

mod common;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use common::{TestApp, solution};
use kodlek_privacy::PasswordHasher;
use kodlek_web::shedding::{BodyBudget, InFlight, Shedding};
use serde_json::json;
use std::time::{Duration, Instant};

const PW: &str = "correct horse battery";

/// The app with a hasher of one thread and room for one waiting job.
fn with_tiny_hash_queue(mut app: TestApp) -> TestApp {
    app.state.hasher = PasswordHasher::with_queue(1, 1);
    app.router = kodlek_web::router(app.state.clone());
    app
}

async fn a_flood_of_wrong_sign_ins_is_shed_and_a_correct_one_follows(app: TestApp) {
    app.student("Sam", "sam@example.org", 15).await;
    let app = std::sync::Arc::new(with_tiny_hash_queue(app));
    let mut flood = tokio::task::JoinSet::new();
    for i in 0..40 {
        let app = app.clone();
        flood.spawn(async move {
            app.post(
                "/api/v1/session",
                json!({"login": format!("nobody{i}@example.org"), "password": "wrong"}),
                None,
            )
            .await
        });
    }
    let mut shed = 0;
    while let Some(a) = flood.join_next().await {
        let a = a.unwrap();
        if a.status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(a.code(), "overloaded", "{}", a.text);
            let retry: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=10).contains(&retry), "{retry}");
            shed += 1;
        } else {
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.text);
        }
    }
    assert!(shed > 0, "none of the flood was shed");
    let a = app
        .post(
            "/api/v1/session",
            json!({"login": "sam@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert!(a.session_cookie().is_some());
}

/// An attempt whose body is declared as `len` bytes but arrives only when `rest` is sent.
fn slow_attempt(
    cookie: &str,
    len: usize,
) -> (http_body_util::channel::Sender<Bytes>, Request<Body>) {
    let (tx, body) = http_body_util::channel::Channel::<Bytes, std::convert::Infallible>::new(1);
    let req = Request::post("/api/v1/levels/maze-1/attempts")
        .header("content-type", "application/json")
        .header("content-length", len)
        .header("cookie", cookie)
        .body(Body::new(body))
        .unwrap();
    (tx, req)
}

async fn large_bodies_beyond_the_budget_are_shed_and_healthz_still_answers(mut app: TestApp) {
    let (cookie, _) = app.student("Sam", "sam@example.org", 15).await;
    // Room for one body of 600 KiB at a time; a second waits a moment, then is refused.
    app.router = kodlek_web::router_with(
        app.state.clone(),
        Shedding {
            bodies: BodyBudget::new(1 << 20, Duration::from_millis(300)),
            ..Shedding::default()
        },
    );
    let app = std::sync::Arc::new(app);
    let len = 600 << 10;
    let (mut first_tx, first) = slow_attempt(&cookie, len);
    let holder = {
        let app = app.clone();
        tokio::spawn(async move { app.send(first).await })
    };
    // The first request holds its share while its body trickles in.
    first_tx.send_data(Bytes::from_static(b"{")).await.unwrap();
    let mut refused = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let app = app.clone();
        let (tx, req) = slow_attempt(&cookie, len);
        refused.spawn(async move {
            let _tx = tx;
            app.send(req).await
        });
    }
    let t = Instant::now();
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "healthz waited behind the bodies: {:?}",
        t.elapsed()
    );
    while let Some(a) = refused.join_next().await {
        let a = a.unwrap();
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.text);
        assert_eq!(a.code(), "overloaded");
        assert!(a.headers.contains_key("retry-after"));
    }
    // The one admitted body is cut short: refused as malformed, and it gives its share back.
    drop(first_tx);
    let a = holder.await.unwrap();
    assert!(a.status.is_client_error(), "{}", a.text);
    // Nothing of the refused attempts was stored.
    let a = app
        .get("/api/v1/me/levels/maze-1/attempts", Some(&cookie))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        a.json()["attempts"].as_array().unwrap().len(),
        0,
        "{}",
        a.text
    );
    // With the budget free again, an ordinary attempt is taken.
    let a = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": solution("maze-1")}),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["saved"], true, "{}", a.text);
}

async fn requests_beyond_those_in_flight_are_shed_and_healthz_passes_ahead(mut app: TestApp) {
    let (cookie, _) = app.student("Sam", "sam@example.org", 15).await;
    app.router = kodlek_web::router_with(
        app.state.clone(),
        Shedding {
            in_flight: InFlight::new(2, Duration::from_millis(300)),
            ..Shedding::default()
        },
    );
    let app = std::sync::Arc::new(app);
    // Two requests in flight, held open by bodies that have not arrived yet.
    let mut held = Vec::new();
    let mut holders = Vec::new();
    for _ in 0..2 {
        let (mut tx, req) = slow_attempt(&cookie, 1000);
        tx.send_data(Bytes::from_static(b"{")).await.unwrap();
        let app = app.clone();
        holders.push(tokio::spawn(async move { app.send(req).await }));
        held.push(tx);
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let t = Instant::now();
    let a = app.get("/api/v1/courses", None).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.text);
    assert_eq!(a.code(), "overloaded");
    assert!(a.headers.contains_key("retry-after"));
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    let t = Instant::now();
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );
    drop(held);
    for h in holders {
        assert!(h.await.unwrap().status.is_client_error());
    }
    let a = app.get("/api/v1/courses", None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
}

on_both_backends!(
    requests_beyond_those_in_flight_are_shed_and_healthz_passes_ahead,
    a_flood_of_wrong_sign_ins_is_shed_and_a_correct_one_follows,
    large_bodies_beyond_the_budget_are_shed_and_healthz_still_answers,
);
