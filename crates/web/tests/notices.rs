//! Incidents, notice versions, the user's notices and consent: the API, the pages, the staff's
//! use cases and the notice emails through the jobs queue.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use kodlek_domain::{EmailAddress, now_millis};
use kodlek_store::{NOTICE_VERSION, NoticeVersionRecord};
use kodlek_web::notices::{
    NewIncident, NewNoticeVersion, consenting_accounts, publish_notice_version, report_incident,
    send_batch,
};
use serde_json::json;

/// How many mails to `to` hold `needle` in their (unfolded) text.
fn mails_to(app: &TestApp, to: &str, needle: &str) -> usize {
    app.outbox()
        .iter()
        .map(|m| m.replace("=\r\n", "").replace("=\n", ""))
        .filter(|m| m.contains(&format!("To: {to}\r\n")) && m.contains(needle))
        .count()
}

const INCIDENT_MAIL: &str = "A security incident may have affected";
const VERSION_MAIL: &str = "We have revised Kodlek";

fn incident(ids: &[&str], all: bool) -> NewIncident {
    NewIncident {
        summary: "A backup was exposed for an hour.".into(),
        details: "An old backup was readable; it was removed and the keys rotated.".into(),
        all,
        user_ids: ids.iter().map(|s| s.to_string()).collect(),
    }
}

async fn run_jobs(app: &TestApp, now: i64) {
    let runner = kodlek_web::background(&app.state);
    while runner.run_due(now).await.unwrap() > 0 {}
}

async fn unsubscribe(app: &TestApp, address: &str) {
    let e = EmailAddress::new(address).unwrap();
    let key = app.state.keys.unsubscribe_keys_of(&e).remove(0);
    app.state
        .store
        .add_unsubscribe(&key, now_millis())
        .await
        .unwrap();
}

// promise SEC-3: staff notify the users an incident affected: each sees it among their
// notices, adults with a verified address and the teachers of managed students are emailed
// (unsubscribed or not: the law requires it), and a child's own address is never used.
async fn an_incident_reaches_everyone_it_affected(app: TestApp) {
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let section = app.section(&teacher, "picture").await;
    let sid = section["id"].as_str().unwrap();
    let kid = app.add_student(&teacher, sid, "Kai").await["student"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (child_cookie, child) = app.student("Kim", "kim@example.org", 10).await;
    let parent = app.verified_teacher("Pat", "pat@example.org").await;
    let pat = app.get("/api/v1/me", Some(&parent)).await.json()["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    unsubscribe(&app, "pat@example.org").await;
    let (other, _) = app.teacher("Olle", "olle@example.org").await;
    // Kim's parent, linked with Kim's family code.
    let (pia, _) = app
        .sign_up(json!({"role": "parent", "display_name": "Pia", "email": "pia@example.org", "password": "correct horse battery"}))
        .await;
    let token = app.last_link_token("/verify-email/");
    app.post(
        &format!("/api/v1/email-verifications/{token}"),
        json!({}),
        None,
    )
    .await;
    let code = app
        .post("/api/v1/me/family-codes", json!({}), Some(&child_cookie))
        .await
        .json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let linked = app
        .post("/api/v1/me/children", json!({"code": code}), Some(&pia))
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);

    let child_id = child["id"].as_str().unwrap();
    let ids = [kid.as_str(), child_id, pat.as_str(), pat.as_str()];
    let done = report_incident(&app.state, "staff-1", incident(&ids, false))
        .await
        .unwrap();
    assert_eq!(done.notified, 3, "each affected person once");
    assert!(!done.id.is_empty());

    let notices = app.get("/api/v1/me/notices", Some(&child_cookie)).await;
    assert_eq!(notices.status, StatusCode::OK);
    let list = &notices.json()["notices"];
    assert_eq!(list[0]["kind"], "incident");
    assert_eq!(list[0]["summary"], "A backup was exposed for an hour.");
    assert!(list[0]["at"].as_str().unwrap().ends_with('Z'));
    let none = app.get("/api/v1/me/notices", Some(&other)).await;
    assert_eq!(none.json()["notices"], json!([]));

    run_jobs(&app, now_millis()).await;
    assert_eq!(
        mails_to(&app, "tess@example.org", INCIDENT_MAIL),
        1,
        "the teacher of Kai"
    );
    assert_eq!(
        mails_to(&app, "pat@example.org", INCIDENT_MAIL),
        1,
        "sent though unsubscribed"
    );
    assert_eq!(
        mails_to(&app, "kim@example.org", INCIDENT_MAIL),
        0,
        "never a child"
    );
    assert_eq!(
        mails_to(&app, "pia@example.org", INCIDENT_MAIL),
        1,
        "the linked parent of Kim"
    );
    assert_eq!(mails_to(&app, "olle@example.org", INCIDENT_MAIL), 0);
    let mail = app
        .outbox()
        .into_iter()
        .find(|m| m.contains("To: pat@example.org\r\n") && m.contains("List-Unsubscribe"));
    assert!(
        mail.is_some(),
        "the incident mail carries the unsubscribe link (OUT-2)"
    );

    // The account page shows it, in both languages.
    let en = app.get("/account?lang=en", Some(&child_cookie)).await;
    assert!(
        en.text
            .contains("Security incident: A backup was exposed for an hour.")
    );
    let sv = app.get("/account?lang=sv", Some(&child_cookie)).await;
    assert!(
        sv.text
            .contains("Säkerhetsincident: A backup was exposed for an hour.")
    );

    let all = report_incident(&app.state, "staff-1", incident(&[], true))
        .await
        .unwrap();
    assert_eq!(all.notified, 6, "every account, the parent too");
}

// promise SEC-3: a bad incident is refused with the fault named, and nothing is stored.
async fn a_bad_incident_is_refused(app: TestApp) {
    let (_, user) = app.teacher("Tess", "tess@example.org").await;
    let id = user["id"].as_str().unwrap();
    let refused = |body: NewIncident| async {
        let e = report_incident(&app.state, "staff-1", body)
            .await
            .unwrap_err();
        assert_eq!(
            (e.status, e.code),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")
        );
        e.message
    };
    let m = refused(incident(&[id, "ghost-id"], false)).await;
    assert!(m.contains("ghost-id"), "{m}");
    assert!(refused(incident(&[], false)).await.starts_with("user_ids"));
    assert!(refused(incident(&[id], true)).await.starts_with("user_ids"));
    let many: Vec<String> = (0..10_001).map(|i| format!("u{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert!(
        refused(incident(&many, false))
            .await
            .starts_with("user_ids")
    );
    let blank = NewIncident {
        summary: " ".into(),
        ..incident(&[id], false)
    };
    assert!(refused(blank).await.starts_with("summary"));
    let long = NewIncident {
        details: "d".repeat(10_001),
        ..incident(&[id], false)
    };
    assert!(refused(long).await.starts_with("details"));
    assert!(
        app.state
            .store
            .account_notices(id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.state
            .store
            .jobs()
            .await
            .unwrap()
            .iter()
            .all(|j| j.kind != "notice-mail")
    );
}

// promise NOTICE-1, NOTICE-2: versions are numbered from 2 and dated today; anyone reads the
// current one and the history.
async fn notice_versions_are_published_and_read(app: TestApp) {
    let (cookie, _) = app.teacher("Tess", "tess@example.org").await;
    let first = app.get("/api/v1/notice", None).await;
    assert_eq!(first.status, StatusCode::OK);
    let v = first.json();
    assert_eq!(
        (v["version"].clone(), v["date"].clone()),
        (json!(1), json!("2026-12-01"))
    );
    assert_eq!(v["history"].as_array().unwrap().len(), 1);

    let body = |summary: &str, significant| NewNoticeVersion {
        summary: summary.into(),
        significant,
        email_users: false,
    };
    let two = publish_notice_version(&app.state, "staff-1", body("Clearer words.", false))
        .await
        .unwrap();
    let today = kodlek_domain::rfc3339(now_millis())[..10].to_owned();
    assert_eq!((two.version, two.date.as_str()), (2, today.as_str()));
    let three = publish_notice_version(&app.state, "staff-1", body("Research export.", true))
        .await
        .unwrap();
    assert_eq!(three.version, 3);
    let e = publish_notice_version(&app.state, "staff-1", body("", true))
        .await
        .unwrap_err();
    assert_eq!(e.code, "invalid_field");

    let v = app.get("/api/v1/notice?lang=sv", None).await.json();
    assert_eq!(v["version"], 3);
    assert_eq!(v["date"], today.as_str());
    assert_eq!(
        (v["significant"].clone(), v["summary"].clone()),
        (json!(true), json!("Research export."))
    );
    let history = v["history"].as_array().unwrap();
    let versions: Vec<_> = history
        .iter()
        .map(|h| h["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3]);
    assert_eq!(
        history[0]["summary"],
        "Informationen som den först publicerades."
    );
    assert_eq!(history[1]["significant"], false);

    // The privacy notice shows the current date and the history, in both languages.
    for (lang, heading) in [
        ("en", "Changes to this notice"),
        ("sv", "Ändringar av den här informationen"),
    ] {
        let page = app.get(&format!("/privacy?lang={lang}"), None).await;
        assert!(
            page.text.contains(&format!("<time datetime=\"{today}\">")),
            "{lang}"
        );
        assert!(page.text.contains(heading), "{lang}");
        assert!(page.text.contains("Research export.") && page.text.contains("Clearer words."));
        assert!(
            page.text.contains("2026-12-01"),
            "version 1 stays in the history"
        );
    }
    // A significant version is every account's notice; a minor one is not.
    let notices = app.get("/api/v1/me/notices", Some(&cookie)).await.json();
    assert_eq!(
        notices["notices"],
        json!([{"kind": "notice_version", "summary": "Research export.", "at": notices["notices"][0]["at"]}])
    );
    let page = app.get("/account", Some(&cookie)).await;
    assert!(
        page.text
            .contains("Privacy notice changed: Research export.")
    );
}

// promise NOTICE-2: a significant revision shows a banner on the home page for 30 days.
async fn the_home_page_tells_of_a_significant_revision_for_30_days(app: TestApp) {
    let old = NoticeVersionRecord {
        version: 0,
        revised_on: "2026-10-01".into(),
        summary: "An old change.".into(),
        significant: true,
        email_users: false,
        created_by: "staff-1".into(),
        created_at: now_millis() - 31 * 24 * 3600 * 1000,
    };
    app.state.store.publish_notice_version(&old).await.unwrap();
    for lang in ["en", "sv"] {
        let home = app.get(&format!("/?lang={lang}"), None).await;
        assert!(
            !home.text.contains("id=\"notice-banner\""),
            "31 days on: no banner"
        );
    }
    let minor = NewNoticeVersion {
        summary: "Typos.".into(),
        significant: false,
        email_users: false,
    };
    publish_notice_version(&app.state, "staff-1", minor)
        .await
        .unwrap();
    assert!(
        !app.get("/", None)
            .await
            .text
            .contains("id=\"notice-banner\""),
        "not significant"
    );
    let recent = NoticeVersionRecord {
        summary: "New purpose.".into(),
        created_at: now_millis() - 29 * 24 * 3600 * 1000,
        revised_on: "2026-11-10".into(),
        ..old
    };
    app.state
        .store
        .publish_notice_version(&recent)
        .await
        .unwrap();
    let en = app.get("/?lang=en", None).await;
    assert!(en.text.contains("id=\"notice-banner\""));
    assert!(
        en.text
            .contains("Our privacy notice changed on 2026-11-10: New purpose.")
    );
    assert!(en.text.contains("href=\"/privacy#notice-history\""));
    let sv = app.get("/?lang=sv", None).await;
    assert!(
        sv.text
            .contains("Vår integritetsinformation ändrades 2026-11-10: New purpose.")
    );
}

// promise NOTICE-2, OUT-2: with `email_users`, each person with a verified address who has
// not unsubscribed gets exactly one email, even when the mailing is cut short and run again.
async fn notice_emails_go_once_each_through_an_interrupted_mailing(app: TestApp) {
    let addresses: Vec<String> = (1..=7).map(|i| format!("t{i}@example.org")).collect();
    for a in &addresses {
        app.verified_teacher("Tess", a).await;
    }
    app.teacher("Unverified", "late@example.org").await;
    app.student("Kim", "kim@example.org", 10).await;
    unsubscribe(&app, "t7@example.org").await;
    let body = NewNoticeVersion {
        summary: "We now ask before research use.".into(),
        significant: true,
        email_users: true,
    };
    let v = publish_notice_version(&app.state, "staff-1", body)
        .await
        .unwrap();
    let ref_id = v.version.to_string();

    // A server claims the job, sends part of it, and stops before finishing (a crash).
    let now = now_millis();
    let claimed = app.state.store.claim_jobs(10, 300_000, now).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].kind, "notice-mail");
    assert!(!claimed[0].payload.contains('@'), "ids only in the payload");
    assert_eq!(
        send_batch(&app.state, NOTICE_VERSION, &ref_id, 3)
            .await
            .unwrap(),
        3
    );
    let sent_so_far: usize = addresses
        .iter()
        .map(|a| mails_to(&app, a, VERSION_MAIL))
        .sum();
    assert_eq!(sent_so_far, 3);
    // Nothing runs while the lease holds; once it lapses another server takes the job up.
    run_jobs(&app, now + 1_000).await;
    assert_eq!(
        addresses
            .iter()
            .map(|a| mails_to(&app, a, VERSION_MAIL))
            .sum::<usize>(),
        3
    );
    run_jobs(&app, now + 301_000).await;
    for a in &addresses[..6] {
        assert_eq!(mails_to(&app, a, VERSION_MAIL), 1, "{a}");
    }
    assert_eq!(
        mails_to(&app, "t7@example.org", VERSION_MAIL),
        0,
        "unsubscribed"
    );
    assert_eq!(
        mails_to(&app, "late@example.org", VERSION_MAIL),
        0,
        "not verified"
    );
    assert_eq!(
        mails_to(&app, "kim@example.org", VERSION_MAIL),
        0,
        "a child's address is not on file"
    );
    // Running again sends nothing more.
    run_jobs(&app, now + 700_000).await;
    assert_eq!(
        addresses
            .iter()
            .map(|a| mails_to(&app, a, VERSION_MAIL))
            .sum::<usize>(),
        6
    );
    assert!(
        app.state
            .store
            .jobs()
            .await
            .unwrap()
            .iter()
            .all(|j| j.kind != "notice-mail")
    );
}

// promise NOTICE-3: the caller's answers, given and withdrawn, decide whether a purpose that
// needs consent gets their data; children are not asked.
async fn consent_is_asked_given_and_withdrawn(app: TestApp) {
    let (cookie, user) = app.teacher("Tess", "tess@example.org").await;
    let id = user["id"].as_str().unwrap().to_owned();
    let list = app.get("/api/v1/me/consents", Some(&cookie)).await;
    assert_eq!(list.status, StatusCode::OK);
    let c = &list.json()["consents"][0];
    assert_eq!(
        (c["purpose"].clone(), c["granted"].clone()),
        (json!("research_export"), json!(null))
    );
    assert!(c["question"].as_str().unwrap().contains("de-identified"));
    let path = "/api/v1/me/consents/research_export";
    let yes = app
        .call(
            Method::PUT,
            path,
            Some(json!({"granted": true})),
            Some(&cookie),
        )
        .await;
    assert_eq!(yes.status, StatusCode::OK, "{}", yes.text);
    assert_eq!(yes.json()["consent"]["granted"], true);
    let store = &app.state.store;
    assert_eq!(
        store
            .accounts_consenting_to("research_export")
            .await
            .unwrap(),
        [id]
    );
    let no = app
        .call(
            Method::PUT,
            path,
            Some(json!({"granted": false})),
            Some(&cookie),
        )
        .await;
    assert_eq!(no.json()["consent"]["granted"], false);
    assert!(
        store
            .accounts_consenting_to("research_export")
            .await
            .unwrap()
            .is_empty(),
        "withdrawn"
    );
    let sv = app.get("/api/v1/me/consents?lang=sv", Some(&cookie)).await;
    assert!(
        sv.json()["consents"][0]["question"]
            .as_str()
            .unwrap()
            .contains("avidentifierad")
    );

    let bad = [
        (
            "/api/v1/me/consents/marketing",
            json!({"granted": true}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            path,
            json!({"granted": "yes"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            path,
            json!({"granted": true, "age": 9}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
        ),
        (
            path,
            json!([true]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
    ];
    for (p, body, status, code) in bad {
        let a = app.call(Method::PUT, p, Some(body), Some(&cookie)).await;
        assert_eq!((a.status, a.code().as_str()), (status, code), "{p}");
    }
    let anon = app
        .call(Method::PUT, path, Some(json!({"granted": true})), None)
        .await;
    assert_eq!(anon.code(), "not_signed_in");
    assert_eq!(
        app.get("/api/v1/me/consents", None).await.code(),
        "not_signed_in"
    );
    assert_eq!(
        app.get("/api/v1/me/notices", None).await.code(),
        "not_signed_in"
    );

    // A child is not asked, and cannot answer.
    let (kid, _) = app.student("Kim", "kim@example.org", 10).await;
    assert_eq!(
        app.get("/api/v1/me/consents", Some(&kid)).await.json()["consents"],
        json!([])
    );
    let refused = app
        .call(
            Method::PUT,
            path,
            Some(json!({"granted": true})),
            Some(&kid),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        store
            .accounts_consenting_to("research_export")
            .await
            .unwrap()
            .is_empty()
    );

    // A yes given at 13 stops counting if the age is corrected to a child's.
    let (teen, teen_user) = app.student("Ted", "ted@example.org", 13).await;
    let ted = app
        .call(
            Method::PUT,
            path,
            Some(json!({"granted": true})),
            Some(&teen),
        )
        .await;
    assert_eq!(ted.status, StatusCode::OK, "{}", ted.text);
    let ted_id = teen_user["id"].as_str().unwrap().to_owned();
    let cohort = consenting_accounts(&app.state, "research_export")
        .await
        .unwrap();
    assert_eq!(cohort, std::slice::from_ref(&ted_id));
    let mut account = store.account_by_id(&ted_id).await.unwrap().unwrap();
    account.age_years = Some(11);
    store.update_account(&account).await.unwrap();
    assert!(
        consenting_accounts(&app.state, "research_export")
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(
    an_incident_reaches_everyone_it_affected,
    a_bad_incident_is_refused,
    notice_versions_are_published_and_read,
    the_home_page_tells_of_a_significant_revision_for_30_days,
    notice_emails_go_once_each_through_an_interrupted_mailing,
    consent_is_asked_given_and_withdrawn,
);

// promise NOTICE-3: the next sign-in asks first; the JSON sign-in answers as before; the
// account page lets the user say yes or withdraw at any time.
#[tokio::test]
async fn the_sign_in_pages_ask_and_the_account_page_changes_the_answer() {
    let app = TestApp::sqlite().await;
    app.teacher("Tess", "tess@example.org").await;
    let json_sign_in = app
        .post(
            "/api/v1/session",
            json!({"login": "tess@example.org", "password": "correct horse battery"}),
            None,
        )
        .await;
    assert_eq!(json_sign_in.status, StatusCode::OK);
    assert!(
        json_sign_in.json()["user"]["id"].is_string(),
        "the JSON answer is unchanged"
    );

    let (csrf, token) = app.form_token("/sign-in", None).await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("login", "tess@example.org"),
        ("password", "correct horse battery"),
    ];
    let signed = app.post_form("/sign-in", &csrf, &fields).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.headers["location"], "/consent");
    let cookies = format!("{csrf}; {}", signed.session_cookie().unwrap());
    let question = app.get("/consent?lang=sv", Some(&cookies)).await;
    assert!(question.text.contains("id=\"consent-question\""));
    assert!(question.text.contains("avidentifierad"));
    let answered = app
        .post_form(
            "/consent",
            &cookies,
            &[
                ("csrf_token", &token),
                ("purpose", "research_export"),
                ("granted", "no"),
            ],
        )
        .await;
    assert_eq!(answered.headers["location"], "/consent");
    assert_eq!(
        app.get("/consent", Some(&cookies)).await.headers["location"],
        "/account"
    );
    // Answered: the next sign-in goes straight to the account page.
    let again = app.post_form("/sign-in", &csrf, &fields).await;
    assert_eq!(again.headers["location"], "/account");

    let page = app.get("/account", Some(&cookies)).await;
    assert!(page.text.contains("id=\"consents\""));
    assert!(page.text.contains("Your answer: no."));
    let yes = app
        .post_form(
            "/account/consents",
            &cookies,
            &[
                ("csrf_token", &token),
                ("purpose", "research_export"),
                ("granted", "yes"),
            ],
        )
        .await;
    assert_eq!(yes.status, StatusCode::SEE_OTHER);
    let page = app.get("/account?lang=sv", Some(&cookies)).await;
    assert!(page.text.contains("Ditt svar: ja.") && page.text.contains("Ta tillbaka mitt ja"));
    assert_eq!(
        app.state
            .store
            .accounts_consenting_to("research_export")
            .await
            .unwrap()
            .len(),
        1
    );

    // A child is not asked on signing in.
    let (csrf2, token2) = app.form_token("/sign-in", None).await;
    app.student("Kim", "kim@example.org", 10).await;
    let kid = app
        .post_form(
            "/sign-in",
            &csrf2,
            &[
                ("csrf_token", &token2),
                ("login", "kim@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(kid.headers["location"], "/account");
}
