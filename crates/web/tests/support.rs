//! Support requests: the API, the page, the staff's use cases and the reply address's erasure.

mod common;

use axum::http::StatusCode;
use common::{TestApp, contains};
use kodlek_domain::now_millis;
use kodlek_store::SupportRequestRecord;
use kodlek_web::support::{
    CloseSupportRequest, KEEP_REPLY_FOR, close_support_request, list_support_requests,
};
use serde_json::json;

const PATH: &str = "/api/v1/support-requests";

async fn stored(app: &TestApp) -> Vec<SupportRequestRecord> {
    app.state.store.support_requests(1000).await.unwrap()
}

// promise MSG-3: anyone writes to support; signed in, the request names the account, and
// the reply address is kept encrypted.
async fn anyone_sends_a_request(app: TestApp) {
    let a = app
        .post(
            PATH,
            json!({"topic": "privacy", "message": "  Where is my data?  ", "reply_to": "Parent@Example.org"}),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.json()["id"].as_str().unwrap().to_owned();
    let (cookie, user) = app.teacher("Tess", "tess@example.org").await;
    let b = app
        .post(
            PATH,
            json!({"topic": "bug", "message": "The maze hangs"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
    let rows = stored(&app).await;
    assert_eq!(rows.len(), 2);
    let anon = rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (anon.topic.as_str(), anon.message.as_str()),
        ("privacy", "  Where is my data?  "),
        "kept as written"
    );
    assert_eq!(anon.account_id, None);
    let ct = anon.reply_to_ciphertext.as_deref().unwrap();
    assert!(!ct.contains("example.org"), "encrypted at rest");
    assert_eq!(
        app.state.keys.decrypt(ct).as_deref(),
        Some("parent@example.org")
    );
    let signed = rows.iter().find(|r| r.id != id).unwrap();
    assert_eq!(signed.account_id.as_deref(), user["id"].as_str());
    assert_eq!(signed.reply_to_ciphertext, None);
}

// promise MSG-3: bad input gets a clear error and stores nothing.
async fn bad_requests_are_refused_and_change_nothing(app: TestApp) {
    let long = "x".repeat(5001);
    let cases = [
        (
            json!({"topic": "money", "message": "hi"}),
            "invalid_field",
            "topic",
        ),
        (
            json!({"topic": "bug", "message": "   "}),
            "invalid_field",
            "message",
        ),
        (
            json!({"topic": "bug", "message": "\u{85}\u{3000}\n\u{1f}"}),
            "invalid_field",
            "message",
        ),
        (
            json!({"topic": "bug", "message": "hi", "reply_to": ""}),
            "invalid_field",
            "reply_to",
        ),
        (
            json!({"topic": "bug", "message": "hi", "reply_to": " a@example.org"}),
            "invalid_field",
            "reply_to",
        ),
        (
            json!({"topic": "bug", "message": long}),
            "invalid_field",
            "message",
        ),
        (json!({"topic": "bug"}), "invalid_field", "message"),
        (
            json!({"topic": "bug", "message": "hi", "reply_to": "not an address"}),
            "invalid_field",
            "reply_to",
        ),
        (
            json!({"topic": "bug", "message": "hi", "birth_date": "2015-01-01"}),
            "unknown_field",
            "birth_date",
        ),
        (
            json!({"topic": "bug", "message": "a\u{0}b"}),
            "invalid_field",
            "message",
        ),
    ];
    for (body, code, field) in cases {
        let a = app.post(PATH, body.clone(), None).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            a.text
        );
        assert_eq!(a.code(), code, "{body}");
        assert!(
            a.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains(field),
            "{}",
            a.text
        );
    }
    let ok = app
        .post(
            PATH,
            json!({"topic": "bug", "message": "x".repeat(5000)}),
            None,
        )
        .await;
    assert_eq!(
        ok.status,
        StatusCode::CREATED,
        "5000 characters are allowed"
    );
    assert_eq!(stored(&app).await.len(), 1, "only the good one is stored");
}

// promise MSG-3: one address cannot flood support.
async fn requests_are_rate_limited_per_address(app: TestApp) {
    let mut last = None;
    for _ in 0..31 {
        last = Some(
            app.post(PATH, json!({"topic": "other", "message": "hello"}), None)
                .await,
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(last.code(), "rate_limited");
    assert!(last.headers.get("retry-after").is_some());
    assert_eq!(stored(&app).await.len(), 30);
}

// promise U13-2: a child's own address reaches neither storage nor the outbox.
async fn a_childs_reply_address_is_never_stored(app: TestApp) {
    let (cookie, _) = app.student("Kim", "kim@example.org", 10).await;
    let a = app
        .post(
            PATH,
            json!({"topic": "account", "message": "I forgot my word", "reply_to": "kim-reply@example.org"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let row = stored(&app).await.remove(0);
    assert_eq!(row.reply_to_ciphertext, None);
    assert!(row.account_id.is_some());
    let bytes = app.settled_database_bytes().await;
    assert!(!contains(&bytes, "kim-reply@example.org"));
    assert!(!app.outbox().iter().any(|m| m.contains("kim-reply")));
    // Not even a malformed one is looked at: it is dropped before any check.
    let b = app
        .post(
            PATH,
            json!({"topic": "account", "message": "hi", "reply_to": "nonsense"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
}

// promise MSG-3: the staff's list and closing, as the staff console calls them.
async fn staff_list_and_close_requests(app: TestApp) {
    let mut ids = Vec::new();
    for m in ["first", "second", "third"] {
        let a = app
            .post(PATH, json!({"topic": "bug", "message": m}), None)
            .await;
        ids.push(a.json()["id"].as_str().unwrap().to_owned());
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let list = list_support_requests(&app.state, "staff-1").await.unwrap();
    let messages: Vec<_> = list.requests.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(messages, ["third", "second", "first"], "newest first");
    let v = serde_json::to_value(&list).unwrap();
    let first = &v["requests"][0];
    let mut keys: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "account_id",
            "closed_at",
            "created_at",
            "id",
            "message",
            "topic"
        ]
    );
    assert_eq!(first["closed_at"], serde_json::Value::Null);

    let close = |note: Option<&str>| CloseSupportRequest {
        note: note.map(str::to_owned),
    };
    let r = close_support_request(&app.state, "staff-1", &ids[0], close(Some("answered"))).await;
    assert_eq!(r.unwrap(), StatusCode::NO_CONTENT);
    // Closing again is idempotent: 204, and the first closing stays.
    let again = close_support_request(&app.state, "staff-2", &ids[0], close(None)).await;
    assert_eq!(again.unwrap(), StatusCode::NO_CONTENT);
    let row = stored(&app)
        .await
        .into_iter()
        .find(|r| r.id == ids[0])
        .unwrap();
    assert_eq!(
        (row.closed_by.as_deref(), row.close_note.as_deref()),
        (Some("staff-1"), Some("answered"))
    );
    let list = list_support_requests(&app.state, "staff-1").await.unwrap();
    assert!(list.requests[2].closed_at.is_some());

    let unknown = close_support_request(&app.state, "staff-1", "nope", close(None)).await;
    assert_eq!(unknown.unwrap_err().code, "not_found");
    let long = "n".repeat(2001);
    let e = close_support_request(&app.state, "staff-1", &ids[1], close(Some(&long))).await;
    let e = e.unwrap_err();
    assert_eq!(
        (e.status, e.code),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")
    );
    assert!(
        stored(&app)
            .await
            .iter()
            .find(|r| r.id == ids[1])
            .unwrap()
            .closed_at
            .is_none()
    );
}

// The reply address is erased 90 days after closing, by a chore of the jobs queue.
async fn reply_addresses_are_erased_90_days_after_closing(app: TestApp) {
    let now = now_millis();
    let record = |id: &str, closed_at: Option<i64>| SupportRequestRecord {
        id: id.into(),
        topic: "other".into(),
        message: "m".into(),
        account_id: None,
        reply_to_ciphertext: Some(app.state.keys.encrypt("a@example.org")),
        created_at: now - KEEP_REPLY_FOR * 2,
        closed_at,
        closed_by: closed_at.map(|_| "staff".into()),
        close_note: None,
    };
    for r in [
        record("old", Some(now - KEEP_REPLY_FOR - 60_000)),
        record("recent", Some(now - KEEP_REPLY_FOR + 3_600_000)),
        record("open", None),
    ] {
        app.state.store.insert_support_request(&r).await.unwrap();
    }
    let runner = kodlek_web::background(&app.state);
    runner.schedule_chores(now).await.unwrap();
    runner.run_due(now).await.unwrap();
    let rows = stored(&app).await;
    let kept = |id: &str| {
        rows.iter()
            .find(|r| r.id == id)
            .unwrap()
            .reply_to_ciphertext
            .is_some()
    };
    assert!(!kept("old"));
    assert!(kept("recent") && kept("open"));
}

on_both_backends!(
    anyone_sends_a_request,
    bad_requests_are_refused_and_change_nothing,
    requests_are_rate_limited_per_address,
    a_childs_reply_address_is_never_stored,
    staff_list_and_close_requests,
    reply_addresses_are_erased_90_days_after_closing,
);

// promise MSG-3: every page's footer and the privacy notice lead to the support page, in
// both languages.
#[tokio::test]
async fn the_support_page_is_linked_from_every_footer_and_the_notice() {
    let app = TestApp::sqlite().await;
    for path in [
        "/", "/courses", "/sign-in", "/privacy", "/cookies", "/nowhere",
    ] {
        for lang in ["en", "sv"] {
            let page = app.get(&format!("{path}?lang={lang}"), None).await;
            assert!(
                page.text
                    .contains("id=\"footer-support\" href=\"/support\""),
                "{path} {lang}"
            );
        }
    }
    let en = app.get("/privacy?lang=en", None).await;
    assert!(
        en.text
            .contains("<a href=\"/support\">the support page</a>")
    );
    let sv = app.get("/privacy?lang=sv", None).await;
    assert!(sv.text.contains("<a href=\"/support\">supportsidan</a>"));
    let form = app.get("/support?lang=sv", None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Kontakta supporten") && form.text.contains("name=\"reply_to\""));
    assert!(
        app.get("/support?lang=en", None)
            .await
            .text
            .contains("Contact support")
    );
}

// promise MSG-3: the form sends, thanks, and on a mistake keeps what was typed.
#[tokio::test]
async fn the_support_form_sends_and_keeps_typed_text_on_errors() {
    let app = TestApp::sqlite().await;
    let (csrf, token) = app.form_token("/support", None).await;
    let bad = app
        .post_form(
            "/support",
            &csrf,
            &[
                ("csrf_token", &token),
                ("topic", "bug"),
                ("message", "It breaks &lt;here&gt; too"),
                ("reply_to", "oops"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("role=\"alert\""));
    assert!(bad.text.contains("Please give an email address"));
    assert!(
        bad.text
            .contains("It breaks &amp;lt;here&amp;gt; too</textarea>")
            || bad
                .text
                .contains("It breaks &#38;lt;here&#38;gt; too</textarea>"),
        "the message is kept, escaped"
    );
    assert!(bad.text.contains("value=\"oops\""));
    assert!(bad.text.contains("<option value=\"bug\" selected>"));
    let no_topic = app
        .post_form(
            "/support",
            &csrf,
            &[("csrf_token", &token), ("message", "hi")],
        )
        .await;
    assert_eq!(no_topic.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_topic
            .text
            .contains("Please choose what your message is about.")
    );
    let forged = app
        .post_form(
            "/support",
            &csrf,
            &[
                ("csrf_token", "wrong-token-value-x"),
                ("topic", "bug"),
                ("message", "hi"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        stored(&app).await.is_empty(),
        "nothing stored by a bad form"
    );

    let ok = app
        .post_form(
            "/support",
            &csrf,
            &[
                ("csrf_token", &token),
                ("topic", "bug"),
                ("message", "It breaks"),
                ("reply_to", ""),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.headers["location"], "/support/sent");
    let thanks = app.get("/support/sent?lang=sv", None).await;
    assert!(thanks.text.contains("Tack, ditt meddelande är skickat"));
    assert!(
        app.get("/support/sent", None)
            .await
            .text
            .contains("Thank you, your message is sent")
    );
    assert_eq!(stored(&app).await.len(), 1);
}

// promise U13-2: the page does not ask a child for an address, and says why.
#[tokio::test]
async fn the_support_page_asks_no_child_for_an_address() {
    let app = TestApp::sqlite().await;
    let (cookie, _) = app.student("Kim", "kim@example.org", 9).await;
    let page = app.get("/support", Some(&cookie)).await;
    assert!(page.text.contains("id=\"support-child-note\""));
    assert!(!page.text.contains("name=\"reply_to\""));
    let (adult, _) = app.teacher("Tess", "tess@example.org").await;
    assert!(
        app.get("/support", Some(&adult))
            .await
            .text
            .contains("name=\"reply_to\"")
    );
}
