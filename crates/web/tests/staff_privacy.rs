//! The privacy scan for staff: after support opens a child's account, the child's address and
//! what could be derived from it are nowhere in the audit log, the console's answers or the
//! logs.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use kodlek_domain::now_millis;
use kodlek_privacy::totp;
use kodlek_store::new_id;
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

const CHILD_EMAIL: &str = "staffcanary.kid.qx@canary-school.example";
/// What could be derived from the address: its local part, its domain, its normalised form.
const DERIVED: [&str; 3] = ["staffcanary.kid.qx", "canary-school", "staffcanary"];
const PW: &str = common::STAFF_PW;

async fn staff(app: &TestApp, roles: &str) -> String {
    let email = format!("{}@staff.kodlek.example", new_id());
    let (_, secret) = app.staff_member(&email, roles).await;
    let now = now_millis();
    let code = totp::code_at(&secret, (now / 1000) as u64).unwrap();
    let r = app
        .post(
            "/api/v1/session",
            json!({"login": email, "password": PW, "totp": code}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.session_cookie().unwrap()
}

async fn scan(app: TestApp, logs: Logs) {
    let support = staff(&app, "support").await;
    let admin = staff(&app, "admin").await;
    // A child signs up with an address: only its keyed hash is kept (promise U13-2).
    let (child_cookie, child) = app.student("Kiddo Qx", CHILD_EMAIL, 10).await;
    let id = child["id"].as_str().unwrap();
    let mut answers = String::new();
    // Support finds the child by the address and opens the account (promise STAFF-1).
    let found = app
        .get(
            &format!("/api/v1/staff/users?q={CHILD_EMAIL}"),
            Some(&support),
        )
        .await;
    assert_eq!(found.json()["users"][0]["id"], id);
    answers.push_str(&found.text);
    let opened = app
        .post(
            &format!("/api/v1/staff/users/{id}/access"),
            json!({"reason": "Parent asked by phone whether the account exists", "ticket": "T-9"}),
            Some(&support),
        )
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);
    let user = &opened.json()["user"];
    assert_eq!(user["email"], serde_json::Value::Null);
    assert_eq!(user["email_on_file"], true);
    assert_eq!(user["under_13"], true);
    answers.push_str(&opened.text);
    // The console's pages too.
    for page in [
        format!("/staff/users?q={CHILD_EMAIL}"),
        "/staff/audit".to_owned(),
    ] {
        answers.push_str(&app.get(&page, Some(&support)).await.text);
        answers.push_str(&app.get(&page, Some(&admin)).await.text);
    }
    let audit = app.get("/api/v1/staff/audit", Some(&admin)).await;
    // Two searches (the API's and the page's) and the access; the admin may not search.
    assert_eq!(audit.json()["entries"].as_array().unwrap().len(), 3);
    answers.push_str(&audit.text);
    answers.push_str(
        &app.get("/api/v1/me/access-log", Some(&child_cookie))
            .await
            .text,
    );
    let rows = app.state.store.audit_entries(None, 0, 100).await.unwrap();
    let rows = format!("{rows:?}");

    // What the server printed and its request logs (promise TECH-1).
    let request_logs = app.request_logs("/api/v1/staff/audit").await;
    assert!(
        request_logs.contains("/api/v1/staff/users"),
        "the request logs were captured"
    );
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned() + &request_logs;
    for needle in std::iter::once(CHILD_EMAIL).chain(DERIVED) {
        assert!(!rows.contains(needle), "{needle} is in the audit rows");
        assert!(
            !answers.to_lowercase().contains(needle),
            "{needle} is in the console's answers"
        );
        assert!(!logs.contains(needle), "{needle} is in the logs");
        if app.backend == "sqlite" {
            assert!(
                !common::contains(&app.database_bytes(), needle),
                "{needle} is in the database files"
            );
        }
    }
}

// promise U13-2, STAFF-1: staff see that a child's address is on file, never the address.
#[tokio::test]
async fn a_childs_address_is_nowhere_after_support_opens_the_account() {
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
