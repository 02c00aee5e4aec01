//! Request logs (promise TECH-1): what a line holds, what it never holds, and the periods.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::TestApp;
use kodlek_web::request_log::{RequestLogConfig, apply_periods};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

/// Every line written so far, once the writer has caught up with `expected` of them.
async fn lines(dir: &Path, expected: usize) -> Vec<Value> {
    let logs = dir.join("logs");
    for _ in 0..200 {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&logs) {
            for e in entries.flatten() {
                let text = std::fs::read_to_string(e.path()).unwrap();
                out.extend(
                    text.lines()
                        .map(|l| serde_json::from_str::<Value>(l).unwrap()),
                );
            }
        }
        if out.len() >= expected {
            return out;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the request log did not get {expected} lines");
}

fn raw_log(dir: &Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir.join("logs")).unwrap().flatten() {
        all.push_str(&std::fs::read_to_string(e.path()).unwrap());
    }
    all
}

// promise TECH-1
#[tokio::test]
async fn a_line_holds_time_ip_browser_and_referrer_and_no_secret() {
    let app = TestApp::sqlite().await;
    let req = Request::builder()
        .method(Method::GET)
        .uri("/reset-password/SeCrEtToKeNvAlUe0123456789?lang=sv&email=x%40example.org")
        .header("user-agent", "Mozilla/5.0 (X11; CrOS x86_64) Chromebook")
        .header(
            "referer",
            "http://kodlek.test/verify-email/AnotherSecretToken987654321?next=/x",
        )
        .body(Body::empty())
        .unwrap();
    app.send(req).await;
    app.get("/api/v1/sign-in/KXR7M2", None).await;
    app.get("/courses?lang=en", None).await;
    app.get("/no/such/page", None).await;

    let lines = lines(&app.dir, 4).await;
    let reset = lines
        .iter()
        .find(|l| l["path"] == "/reset-password/{token}")
        .expect("the reset page's line, its token masked");
    assert_eq!(reset["method"], "GET");
    assert_eq!(reset["ip"], "127.0.0.1");
    assert_eq!(
        reset["user_agent"],
        "Mozilla/5.0 (X11; CrOS x86_64) Chromebook"
    );
    assert_eq!(
        reset["referrer"], "http://kodlek.test",
        "the referrer's origin only"
    );
    assert!(reset["status"].as_u64().is_some());
    assert!(reset["ms"].as_f64().is_some());
    let at = reset["at"].as_str().unwrap();
    assert!(at.ends_with('Z') && at.len() >= 20, "RFC 3339 UTC: {at}");
    let keys: Vec<&str> = reset
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut keys = keys;
    keys.sort();
    assert_eq!(
        keys,
        [
            "at",
            "ip",
            "method",
            "ms",
            "path",
            "referrer",
            "status",
            "user_agent"
        ]
    );
    assert!(
        lines.iter().any(|l| l["path"] == "/api/v1/sign-in/{token}"),
        "a section's join code is a secret too: {lines:?}"
    );
    assert!(
        lines.iter().any(|l| l["path"] == "/courses"),
        "no query string"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["path"] == "/no/such/page" && l["status"] == 404),
        "an address that leads nowhere is logged too"
    );

    let raw = raw_log(&app.dir);
    for secret in [
        "SeCrEtToKeN",
        "AnotherSecretToken",
        "KXR7M2",
        "example.org",
        "lang=",
        "next=",
    ] {
        assert!(!raw.contains(secret), "{secret} reached the request log");
    }
}

// promise TECH-1, U13-2: a child's address, sent in a body, is never in the request log.
#[tokio::test]
async fn a_childs_address_never_reaches_the_request_log() {
    let app = TestApp::sqlite().await;
    app.student("Little Coder", "little.coder@example.org", 9)
        .await;
    app.post(
        "/api/v1/password-resets",
        json!({"email": "little.coder@example.org"}),
        None,
    )
    .await;
    app.post(
        "/api/v1/session",
        json!({"login": "little.coder@example.org", "password": "wrong password 1"}),
        None,
    )
    .await;
    let lines = lines(&app.dir, 3).await;
    assert!(lines.iter().any(|l| l["path"] == "/api/v1/password-resets"));
    let raw = raw_log(&app.dir);
    assert!(!raw.contains("little.coder"), "{raw}");
    assert!(!raw.contains("example.org"), "{raw}");
}

// promise TECH-1
#[tokio::test]
async fn the_privacy_notice_states_the_periods_of_this_server() {
    let app = TestApp::sqlite().await;
    let en = app.get("/privacy?lang=en", None).await.text;
    assert!(
        en.contains("deleted after 30 days") && en.contains("after 7 days"),
        "the English notice states both periods"
    );
    assert!(!en.contains("request-log-periods"));
    let sv = app.get("/privacy?lang=sv", None).await.text;
    assert!(sv.contains("raderas efter 30 dagar") && sv.contains("efter 7 dagar"));
}

fn line(at: &str, ip: &str) -> String {
    json!({"at": at, "ip": ip, "method": "GET", "path": "/", "status": 200, "ms": 1.0,
        "user_agent": null, "referrer": null})
    .to_string()
}

fn millis(rfc3339: &str) -> i64 {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .unwrap();
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

// promise TECH-1: addresses are truncated after the IP period, files deleted after the other.
#[test]
fn old_lines_lose_their_address_and_old_files_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let config = RequestLogConfig {
        dir: dir.path().to_owned(),
        ip_days: 7,
        keep_days: 30,
    };
    let write = |name: &str, lines: &[String]| {
        std::fs::write(dir.path().join(name), lines.join("\n") + "\n").unwrap();
    };
    write(
        "requests-2026-10-01.jsonl",
        &[line("2026-10-01T10:00:00Z", "203.0.113.77")],
    );
    write(
        "requests-2026-11-20.jsonl",
        &[
            line("2026-11-20T10:00:00Z", "203.0.113.77"),
            line("2026-11-20T11:00:00Z", "2001:db8:1234:5678::1"),
        ],
    );
    // On the boundary: the line before the cutoff is truncated, the one after is not.
    write(
        "requests-2026-11-29.jsonl",
        &[
            line("2026-11-29T08:00:00Z", "198.51.100.23"),
            line("2026-11-29T20:00:00Z", "198.51.100.24"),
        ],
    );
    write(
        "requests-2026-12-06.jsonl",
        &[line("2026-12-06T09:00:00Z", "192.0.2.5")],
    );
    std::fs::write(dir.path().join("notes.txt"), "not ours").unwrap();

    let now = millis("2026-12-06T12:00:00Z");
    apply_periods(&config, now).unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert!(!dir.path().join("requests-2026-10-01.jsonl").exists());
    let nov20 = read("requests-2026-11-20.jsonl");
    assert!(nov20.contains("\"203.0.113.0\"") && nov20.contains("\"2001:db8:1234::\""));
    assert!(!nov20.contains("203.0.113.77") && !nov20.contains("5678"));
    let nov29 = read("requests-2026-11-29.jsonl");
    assert!(nov29.contains("\"198.51.100.0\""), "{nov29}");
    assert!(nov29.contains("\"198.51.100.24\""), "{nov29}");
    assert!(read("requests-2026-12-06.jsonl").contains("192.0.2.5"));
    assert_eq!(read("notes.txt"), "not ours");

    // Again: nothing changes.
    let before = read("requests-2026-11-20.jsonl");
    apply_periods(&config, now).unwrap();
    assert_eq!(read("requests-2026-11-20.jsonl"), before);
}
