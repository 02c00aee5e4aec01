//! The privacy scan: canary names and addresses go through sign-up, reset, export and deletion;
//! then the database files, the logs and the outbox are searched wherever they must not be.

mod common;

use axum::http::StatusCode;
use common::{TestApp, contains};
use serde_json::json;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

const CHILD_EMAIL: &str = "canary.child.zq@example.org";
const CHILD_NAME: &str = "Canary Kidzq";
const ADULT_EMAIL: &str = "canary.adult.zq@example.org";
const ADULT_NAME: &str = "Canary Grownzq";
const PW: &str = "canary password zq";

async fn scan(app: TestApp, logs: Logs) {
    let log_text = || String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let in_outbox = |needle: &str| app.outbox().iter().filter(|m| m.contains(needle)).count();

    // A child signs up: their address is nowhere, not even in the outbox.
    let (_, child) = app.sign_up(json!({"role": "student", "display_name": CHILD_NAME, "email": CHILD_EMAIL, "password": PW, "age": 7})).await;
    assert!(!contains(&app.database_bytes(), CHILD_EMAIL)); // promise U13-2
    assert!(!log_text().contains(CHILD_EMAIL));
    assert_eq!(in_outbox(CHILD_EMAIL), 0);
    // The child asks for a reset: only the reset mail sent to the typed address holds it.
    let r = app
        .post(
            "/api/v1/password-resets",
            json!({"email": CHILD_EMAIL}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(in_outbox(CHILD_EMAIL), 1); // promise U13-3
    assert!(
        app.outbox()
            .iter()
            .any(|m| m.contains(CHILD_EMAIL) && m.contains("/reset-password/"))
    );
    assert!(!contains(&app.database_bytes(), CHILD_EMAIL));
    let child_export = {
        let s = app
            .post(
                "/api/v1/session",
                json!({"login": CHILD_EMAIL, "password": PW}),
                None,
            )
            .await;
        app.get("/api/v1/me/export", Some(&s.session_cookie().unwrap()))
            .await
            .text
    };
    assert!(
        !child_export.contains(CHILD_EMAIL),
        "a child's export cannot hold an address that is not kept"
    );
    assert!(child_export.contains(CHILD_NAME));

    // An adult signs up, exports, and deletes the account.
    let (cookie, adult) = app.sign_up(json!({"role": "parent", "display_name": ADULT_NAME, "email": ADULT_EMAIL, "password": PW})).await;
    let export = app.get("/api/v1/me/export", Some(&cookie)).await.text;
    assert!(export.contains(ADULT_EMAIL) && export.contains(ADULT_NAME)); // promise RIGHTS-1
    assert!(
        !contains(&app.database_bytes(), ADULT_EMAIL),
        "encrypted at rest"
    );
    let d = app
        .delete("/api/v1/me", Some(json!({"password": PW})), Some(&cookie))
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    let bytes = app.database_bytes();
    for canary in [ADULT_NAME, ADULT_EMAIL, adult["id"].as_str().unwrap()] {
        assert!(
            !contains(&bytes, canary),
            "{canary} survived deletion in the database files"
        ); // promise RIGHTS-2
    }
    assert!(
        contains(&bytes, CHILD_NAME) || app.backend == "postgres",
        "the scan does see what is kept"
    );
    let _ = child;

    // The logs never carry an address or a password: neither what the server prints nor its
    // request logs (promise TECH-1), once the request log's writer has caught up.
    let request_logs = app.request_logs("\"DELETE\",\"path\":\"/api/v1/me\"").await;
    assert!(
        request_logs.contains("/api/v1/accounts"),
        "request logs were captured: {}",
        &request_logs[..request_logs.len().min(3000)]
    );
    let logs = log_text() + &request_logs;
    for secret in [CHILD_EMAIL, ADULT_EMAIL, PW] {
        assert!(!logs.contains(secret), "{secret} is in the logs");
    }
}

#[tokio::test]
async fn canaries_are_only_where_they_may_be() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    scan(TestApp::sqlite().await, logs.clone()).await;
    if let Some(app) = TestApp::postgres().await {
        scan(app, logs).await;
    }
}
