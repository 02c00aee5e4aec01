//! Router tests of what every request passes through, the pages, mail and the notice.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::TestApp;
use serde_json::json;

const PW: &str = "correct horse battery";

fn req(method: Method, path: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(path)
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::sqlite().await;
    let a = app.get("/healthz", None).await;
    assert_eq!(a.status, StatusCode::OK);
}

// promise TECH-3: no third-party script, style, font or image on any page; a strict CSP.
#[tokio::test]
async fn pages_load_nothing_from_other_sites() {
    let app = TestApp::sqlite().await;
    let (cookie, _) = app.teacher("T", "pages@example.org").await;
    for path in [
        "/",
        "/sign-up",
        "/sign-up/student",
        "/sign-up/teacher",
        "/sign-up/parent",
        "/sign-in",
        "/forgot-password",
        "/privacy",
        "/cookies",
        "/account",
        "/account/data",
        "/?lang=sv",
        "/privacy?lang=sv",
    ] {
        let a = app.get(path, Some(&cookie)).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        let csp = a
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(a.headers.get("x-content-type-options").unwrap(), "nosniff");
        for attr in [
            "src=\"http",
            "href=\"http",
            "src=\"//",
            "href=\"//",
            "url(http",
        ] {
            assert!(
                !a.text.contains(attr),
                "{path} refers to another site: {attr}"
            );
        }
        for (i, _) in a.text.match_indices("<script") {
            let tag = &a.text[i..(i + 60).min(a.text.len())];
            assert!(
                tag.starts_with("<script src=\"/static/")
                    || tag.starts_with("<script type=\"application/json\""),
                "{path}: {tag}"
            );
        }
    }
}

// promise SEC-2: under an https public URL, cookies are Secure and HSTS is sent.
#[tokio::test]
async fn https_turns_on_secure_cookies_and_hsts() {
    let app = TestApp::sqlite_with_url("https://kodlek.example.org").await;
    let a = app.post("/api/v1/accounts", json!({"role": "parent", "display_name": "P", "email": "p@example.org", "password": PW}), None).await;
    let c = a
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("kodlek_session="))
        .unwrap();
    assert!(c.contains("; Secure") && c.contains("HttpOnly"), "{c}");
    assert!(
        a.headers
            .get("strict-transport-security")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let page = app.get("/sign-in", None).await;
    assert!(page.set_cookies().iter().all(|c| c.contains("; Secure")));
    let plain = TestApp::sqlite().await;
    assert!(
        plain
            .get("/", None)
            .await
            .headers
            .get("strict-transport-security")
            .is_none()
    );
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let app = TestApp::sqlite().await;
    let body =
        json!({"role": "parent", "display_name": "P", "email": "p@example.org", "password": PW})
            .to_string();
    for (h, v) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let r = req(Method::POST, "/api/v1/accounts")
            .header(h, v)
            .header("content-type", "application/json")
            .body(Body::from(body.clone()))
            .unwrap();
        let a = app.send(r).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{h}: {v}");
        assert_eq!(a.code(), "cross_site_request");
    }
    let r = req(Method::POST, "/api/v1/accounts")
        .header("origin", "http://kodlek.test")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(r).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn bad_bodies_get_clear_errors() {
    let app = TestApp::sqlite().await;
    let send = |body: String| {
        let r = req(Method::POST, "/api/v1/session")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        app.send(r)
    };
    assert_eq!(send("{not json".into()).await.code(), "malformed_json");
    assert_eq!(send("[".repeat(10_000)).await.code(), "malformed_json");
    assert_eq!(
        send(r#"{"login": 5, "password": "x"}"#.into()).await.code(),
        "invalid_field"
    );
    assert_eq!(
        send(r#"{"login": "a", "password": "x", "extra": 1}"#.into())
            .await
            .code(),
        "unknown_field"
    );
    let big = format!(r#"{{"login": "{}", "password": "x"}}"#, "a".repeat(1 << 20));
    let a = send(big).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.code(), "too_large");
    let unknown = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(unknown.code(), "not_found");
}

#[tokio::test]
async fn forms_need_their_token() {
    let app = TestApp::sqlite().await;
    let (csrf, token) = app.form_token("/sign-up/parent", None).await;
    let fields = [
        ("display_name", "Pat"),
        ("email", "pat@example.org"),
        ("password", PW),
    ];
    let a = app.post_form("/sign-up/parent", &csrf, &fields).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "no token in the form");
    assert!(a.text.contains("role=\"alert\""));
    let mut with = fields.to_vec();
    with.push(("csrf_token", "wrong-token-value-here"));
    assert_eq!(
        app.post_form("/sign-up/parent", &csrf, &with).await.status,
        StatusCode::FORBIDDEN
    );
    let mut with = fields.to_vec();
    with.push(("csrf_token", &token));
    let a = app.post_form("/sign-up/parent", &csrf, &with).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers.get("location").unwrap(), "/account");
}

// promise ACCT-6: the settings page corrects details; errors are explained on the page.
#[tokio::test]
async fn the_account_page_saves_and_explains() {
    let app = TestApp::sqlite().await;
    let (csrf, token) = app.form_token("/sign-up/student", None).await;
    let a = app
        .post_form(
            "/sign-up/student",
            &csrf,
            &[
                ("csrf_token", &token),
                ("display_name", "Kim"),
                ("age", "eleven"),
                ("email", "kim@example.org"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.text.contains("role=\"alert\"") && a.text.contains("whole number of years"),
        "{}",
        a.text
    );
    assert!(a.text.contains("value=\"Kim\""), "what was typed stays");
    let a = app
        .post_form(
            "/sign-up/student",
            &csrf,
            &[
                ("csrf_token", &token),
                ("display_name", "Kim"),
                ("age", "11"),
                ("email", "kim@example.org"),
                ("parent_email", common::PARENT_EMAIL),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text);
    // promise U13-7: the parent says yes before anything Kim changes is kept.
    app.grant_permission().await;
    let session = a.session_cookie().unwrap();
    let cookies = format!("{csrf}; {session}");
    let page = app.get("/account", Some(&cookies)).await;
    assert!(page.text.contains("Kim"));
    assert!(
        page.text.contains("never the address itself"),
        "a child's address cannot be shown"
    );
    let saved = app
        .post_form(
            "/account/profile",
            &cookies,
            &[
                ("csrf_token", &token),
                ("display_name", "Kimmy"),
                ("age", "11"),
                ("gender", ""),
            ],
        )
        .await;
    assert_eq!(
        saved.headers.get("location").unwrap(),
        "/account?done=saved"
    );
    let page = app.get("/account?done=saved", Some(&cookies)).await;
    assert!(page.text.contains("Kimmy") && page.text.contains("role=\"status\""));
    let data = app.get("/account/data", Some(&cookies)).await;
    assert!(data.text.contains("Kimmy") && data.text.contains("<table>"));
    let json = app.get("/account/export.json", Some(&cookies)).await;
    assert!(
        json.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(json.text.contains("Kimmy"));
    let wrong = app
        .post_form(
            "/account/delete",
            &cookies,
            &[("csrf_token", &token), ("password", "not my password")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(wrong.text.contains("role=\"alert\""));
    let gone = app
        .post_form(
            "/account/delete",
            &cookies,
            &[("csrf_token", &token), ("password", PW)],
        )
        .await;
    assert_eq!(gone.headers.get("location").unwrap(), "/?done=deleted");
    assert_eq!(
        app.get("/account", Some(&cookies))
            .await
            .headers
            .get("location")
            .unwrap(),
        "/sign-in"
    );
}

// promise OUT-2: every mail has the unsubscribe link and headers; one POST, no sign-in,
// unsubscribes from all mail not asked for; a requested reset still goes out.
#[tokio::test]
async fn one_click_unsubscribes_from_all_unasked_mail() {
    let app = TestApp::sqlite().await;
    let (cookie, _) = app.teacher("T", "unsub@example.org").await;
    let mail = &app.outbox()[0];
    assert!(mail.contains("List-Unsubscribe: <http://kodlek.test/unsubscribe/"));
    assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    let token = app.last_link_token("/unsubscribe/");
    // Unasked mail goes out before unsubscribing: the notice of a password change.
    let a = app
        .patch(
            "/api/v1/me",
            json!({"password": "second password", "current_password": PW}),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(app.outbox().len(), 2);
    let page = app.get(&format!("/unsubscribe/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("unsubscribe-form"));
    let r = req(Method::POST, &format!("/unsubscribe/{token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://mail.example.net")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .unwrap();
    let done = app.send(r).await;
    assert_eq!(
        done.status,
        StatusCode::OK,
        "no sign-in, no form token, another origin: the token alone"
    );
    assert!(done.text.contains("role=\"status\""));
    app.patch(
        "/api/v1/me",
        json!({"password": "third password", "current_password": "second password"}),
        Some(&cookie),
    )
    .await;
    assert_eq!(app.outbox().len(), 2, "no more unasked mail");
    app.post(
        "/api/v1/password-resets",
        json!({"email": "unsub@example.org"}),
        None,
    )
    .await;
    assert_eq!(app.outbox().len(), 3, "a reset asked for still goes out");
    assert!(app.outbox()[2].contains("List-Unsubscribe:"));
    let forged = app
        .get(
            "/unsubscribe/0000000000000000000000000000000000000000000000ff",
            None,
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
}

// promise NOTICE-1: the notice in English and Swedish, dated, English binding, data table
// from the inventory.
#[tokio::test]
async fn the_privacy_notice_is_served_in_both_languages() {
    let app = TestApp::sqlite().await;
    let en = app.get("/privacy", None).await;
    let sv = app.get("/privacy?lang=sv", None).await;
    assert!(en.text.contains("<html lang=\"en\">") && sv.text.contains("<html lang=\"sv\">"));
    for page in [&en, &sv] {
        assert!(page.text.contains(&format!(
            "<time datetime=\"{}\">",
            kodlek_web::kit::site::NOTICE_REVISED
        )));
        assert!(page.text.contains("id=\"binding-note\""));
        assert!(!page.text.contains("<!-- data-table -->"));
        let rows = page.text.matches("<tr><td>").count();
        assert_eq!(
            rows,
            app.state.inventory.columns.len(),
            "one row per stored column"
        );
    }
    assert!(en.text.contains("The English text is the binding version"));
    assert!(sv.text.contains("Den engelska texten är den bindande"));
    assert!(
        sv.text
            .contains("Ett slumpat nummer som identifierar kontot.")
    );
    let by_header = app
        .send(
            req(Method::GET, "/privacy")
                .header("accept-language", "sv-SE,sv;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(by_header.text.contains("<html lang=\"sv\">"));
    let chosen = app.get("/cookies?lang=sv", None).await;
    assert!(
        chosen
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("kodlek_lang=sv"))
    );
    assert!(chosen.text.contains("kodlek_session"));
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_is_stable() {
    let app = TestApp::sqlite().await;
    let doc = app.get("/api/openapi.json", None).await.json();
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/healthz", vec!["get"]),
        ("/api/v1/accounts", vec!["post"]),
        ("/api/v1/email-verifications/{token}", vec!["post"]),
        ("/api/v1/session", vec!["post", "delete"]),
        ("/api/v1/me", vec!["get", "patch", "delete"]),
        ("/api/v1/me/export", vec!["get"]),
        ("/api/v1/password-resets", vec!["post"]),
        ("/api/v1/password-resets/{token}", vec!["post"]),
    ] {
        for m in methods {
            assert!(paths[path].get(m).is_some(), "{m} {path} is not described");
        }
    }
    let snapshot_path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.snapshot.json");
    let current = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(snapshot_path, &current).unwrap();
    }
    let saved = std::fs::read_to_string(snapshot_path)
        .expect("openapi.snapshot.json; create it with UPDATE_SNAPSHOTS=1");
    assert_eq!(
        current, saved,
        "the API changed; review it, then update the snapshot with UPDATE_SNAPSHOTS=1"
    );
}

#[tokio::test]
async fn reads_are_compressed_and_form_answers_are_not() {
    let app = TestApp::sqlite().await;
    let get = app
        .send(
            req(Method::GET, "/courses")
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(get.headers["content-encoding"], "gzip");
    let timing = get.headers["server-timing"].to_str().unwrap();
    assert!(timing.starts_with("app;dur="), "{timing}");
    let post = app
        .send(
            req(Method::POST, "/sign-in")
                .header("accept-encoding", "gzip")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("login=a&password=b"))
                .unwrap(),
        )
        .await;
    assert!(post.headers.get("content-encoding").is_none());
}

#[test]
fn every_operation_has_its_own_id() {
    let doc = kodlek_web::openapi::document();
    let mut ids = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            ids.push(op["operationId"].as_str().unwrap().to_owned());
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}

/// The check that every router test applies to every answer: what the document does not list
/// fails the test, so each test is also a test of the document.
#[test]
fn an_answer_the_document_does_not_list_fails_the_test() {
    use axum::http::HeaderMap;
    use common::{Answer, documented};
    let answer = |status: u16, text: &str| Answer {
        status: StatusCode::from_u16(status).unwrap(),
        headers: HeaderMap::new(),
        text: text.to_owned(),
    };
    let error = |code: &str| format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#);
    // Listed: passes.
    documented(
        &Method::GET,
        "/api/v1/me",
        &answer(401, &error("not_signed_in")),
    );
    documented(
        &Method::POST,
        "/api/v1/sections/abc/students",
        &answer(422, &error("school_permission_required")),
    );
    // Every operation lists what the shared kit can answer.
    documented(
        &Method::PATCH,
        "/api/v1/me",
        &answer(413, &error("too_large")),
    );
    documented(
        &Method::GET,
        "/api/v1/courses",
        &answer(503, &error("overloaded")),
    );
    // Not listed: a status, a code, plain text, an answer from no operation.
    for (method, path, a) in [
        (Method::GET, "/api/v1/me", answer(409, &error("conflict"))),
        (
            Method::GET,
            "/api/v1/me",
            answer(401, &error("invalid_credentials")),
        ),
        (Method::GET, "/api/v1/me", answer(401, "plain text")),
        (Method::GET, "/api/v1/no-such-thing", answer(200, "{}")),
    ] {
        let refused = std::panic::catch_unwind(|| documented(&method, path, &a)).is_err();
        assert!(refused, "{method} {path} {} passed the check", a.status);
    }
}

#[test]
fn every_error_answer_in_the_document_names_its_codes_and_body() {
    let doc = kodlek_web::openapi::document();
    let mut errors = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("500") && responses.contains_key("503"),
                "{method} {path}"
            );
            for (status, resp) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    errors += 1;
                    let codes = resp["x-error-codes"].as_array().unwrap();
                    assert!(!codes.is_empty(), "{method} {path} {status}");
                    assert_eq!(
                        resp["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    assert!(errors > 100, "only {errors} error answers");
}
