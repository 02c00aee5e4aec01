//! Router tests of load shedding: a flood is refused early and cheaply, and those who come
//! after it are served at once.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use kodlek_privacy::PasswordHasher;
use serde_json::json;

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

on_both_backends!(a_flood_of_wrong_sign_ins_is_shed_and_a_correct_one_follows);
