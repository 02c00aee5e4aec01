//! Router tests of a hostile classroom: guesses at a secret sent all at once, sessions that
//! must end with the secret they were opened with, U+0000 in text, and mail that must not stay.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use kodlek_services::{KEEP, Outbox};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// A teacher, a section of the given login type and one student in it: (teacher's cookie,
/// section id, code, student id, secret).
async fn classroom(app: &TestApp, login_type: &str) -> (String, String, String, String, String) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, login_type).await;
    let (id, code) = (s(&sec["id"]).to_owned(), s(&sec["code"]).to_owned());
    let kid = app.add_student(&t, &id, "Alva").await;
    let kid_id = s(&kid["student"]["id"]).to_owned();
    let secret = s(&kid["secret"]["value"]).to_owned();
    (t, id, code, kid_id, secret)
}

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    app.get("/api/v1/me", Some(cookie)).await.status == StatusCode::OK
}

// promise CLASS-2: guessing is bounded even when every picture is sent at once, each on its
// own connection: at most ten guesses are judged before the lock.
async fn guesses_sent_together_cannot_pass_the_lock(app: TestApp) {
    let (t, id, code, kid_id, picture) = classroom(&app, "picture").await;
    let pictures = app.get("/api/v1/pictures", None).await.json();
    let all: Vec<String> = pictures["pictures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| s(&p["id"]).to_owned())
        .collect();
    assert!(all.len() >= 40);
    let mut guesses = tokio::task::JoinSet::new();
    for guess in &all {
        let router = app.router.clone();
        let body = json!({"student_id": kid_id, "secret": guess}).to_string();
        let uri = format!("/api/v1/sign-in/{code}");
        let right = *guess == picture;
        guesses.spawn(async move {
            let req = Request::post(uri)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            (right, router.oneshot(req).await.unwrap().status())
        });
    }
    let answers = guesses.join_all().await;
    let wrong = answers
        .iter()
        .filter(|(_, st)| *st == StatusCode::UNAUTHORIZED)
        .count();
    let locked = answers
        .iter()
        .filter(|(_, st)| *st == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let signed = answers
        .iter()
        .filter(|(_, st)| *st == StatusCode::OK)
        .collect::<Vec<_>>();
    // A right guess clears the count, as it does for guesses sent one by one: then at most nine
    // wrong ones came before it and ten after it. Without it, ten in all.
    let most = if signed.is_empty() { 10 } else { 19 };
    assert!(
        wrong <= most,
        "{wrong} wrong guesses were judged: {answers:?}"
    );
    assert!(signed.iter().all(|(right, _)| *right));
    assert_eq!(wrong + locked + signed.len(), all.len(), "{answers:?}");
    if signed.is_empty() {
        // Ten wrong guesses were judged: the right picture now waits for the teacher.
        assert_eq!(wrong, 10);
        let r = app.secret_sign_in(&code, &kid_id, &picture).await;
        assert_eq!(
            (r.status, r.code().as_str()),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
        );
        assert!(r.headers.contains_key("retry-after"));
        let r = app
            .post(
                &format!("/api/v1/sections/{id}/students/{kid_id}/unlock"),
                json!({}),
                Some(&t),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
    let r = app.secret_sign_in(&code, &kid_id, &picture).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

// promise CLASS-2: one locked student's guesses do not lock the classmates.
async fn a_lock_holds_one_student_only(app: TestApp) {
    let (t, id, code, kid_id, _) = classroom(&app, "word").await;
    let bo = app.add_student(&t, &id, "Bo").await;
    for _ in 0..12 {
        app.secret_sign_in(&code, &kid_id, "wrong words").await;
    }
    let r = app
        .secret_sign_in(&code, s(&bo["student"]["id"]), s(&bo["secret"]["value"]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

// promise CLASS-3: a new secret ends the sessions opened with the old one.
async fn resetting_a_secret_ends_its_sessions(app: TestApp) {
    let (t, id, code, kid_id, secret) = classroom(&app, "picture").await;
    let old = app
        .secret_sign_in(&code, &kid_id, &secret)
        .await
        .session_cookie()
        .unwrap();
    let r = app
        .post(
            &format!("/api/v1/sections/{id}/students/{kid_id}/secret"),
            json!({}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!signed_in(&app, &old).await);
    let fresh = s(&r.json()["secret"]["value"]).to_owned();
    let now = app
        .secret_sign_in(&code, &kid_id, &fresh)
        .await
        .session_cookie()
        .unwrap();
    assert!(signed_in(&app, &now).await);

    // The page does the same.
    let r = form(
        &app,
        &format!("/sections/{id}/students/{kid_id}/secret"),
        &t,
        &[],
    )
    .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    assert!(!signed_in(&app, &now).await);
}

// promise CLASS-3: changing a section between pictures and words gives new secrets and ends
// the sessions opened with the old ones.
async fn a_new_login_type_ends_the_old_sessions(app: TestApp) {
    let (t, id, code, kid_id, secret) = classroom(&app, "picture").await;
    let old = app
        .secret_sign_in(&code, &kid_id, &secret)
        .await
        .session_cookie()
        .unwrap();
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}"),
            json!({"login_type": "word"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!signed_in(&app, &old).await);
    // A change of name alone keeps them signed in.
    let cards = app
        .get(&format!("/api/v1/sections/{id}/sign-in-cards"), Some(&t))
        .await
        .json();
    let words = s(&cards["cards"][0]["secret"]["value"]).to_owned();
    let now = app
        .secret_sign_in(&code, &kid_id, &words)
        .await
        .session_cookie()
        .unwrap();
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}"),
            json!({"name": "Class 3B", "login_type": "word"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(signed_in(&app, &now).await);
}

// promise CLASS-3: a student taking control keeps the session they took it in and ends every
// other one, such as one opened with the secret on a classroom computer.
async fn taking_control_ends_the_other_sessions(app: TestApp) {
    let (_, _, code, kid_id, secret) = classroom(&app, "picture").await;
    let classroom_pc = app
        .secret_sign_in(&code, &kid_id, &secret)
        .await
        .session_cookie()
        .unwrap();
    let home = app
        .secret_sign_in(&code, &kid_id, &secret)
        .await
        .session_cookie()
        .unwrap();
    let r = app
        .patch(
            "/api/v1/me",
            json!({"username": "alva.k", "password": "correct horse battery"}),
            Some(&home),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(signed_in(&app, &home).await);
    assert!(!signed_in(&app, &classroom_pc).await);
}

// promise CLASS-4: a student removed from a section is signed out of the sessions opened
// with that section's secret, by the API and by the page.
async fn removing_a_student_ends_their_sessions(app: TestApp) {
    let (t, id, code, kid_id, secret) = classroom(&app, "picture").await;
    let other = app.section(&t, "word").await;
    let bo = app.add_student(&t, &id, "Bo").await;
    let bo_id = s(&bo["student"]["id"]).to_owned();
    let mut cookies = Vec::new();
    for (student, secret) in [
        (&kid_id, secret.as_str()),
        (&bo_id, s(&bo["secret"]["value"])),
    ] {
        let cookie = app
            .secret_sign_in(&code, student, secret)
            .await
            .session_cookie()
            .unwrap();
        // Also in another section, so that removal from this one erases nothing.
        let r = app
            .post(
                "/api/v1/sections/join",
                json!({"code": other["code"]}),
                Some(&cookie),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        cookies.push(cookie);
    }
    let r = app
        .delete(
            &format!("/api/v1/sections/{id}/students/{kid_id}"),
            None,
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(!signed_in(&app, &cookies[0]).await);
    assert!(signed_in(&app, &cookies[1]).await, "the others stay");

    let r = form(
        &app,
        &format!("/sections/{id}/students/{bo_id}/remove"),
        &t,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(!signed_in(&app, &cookies[1]).await);
}

fn refused(r: &common::Answer, field: &str) {
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
        "{}",
        r.text
    );
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.starts_with(&format!("{field}:")), "{message}");
}

// U+0000 in any text is refused with 422 on both backends, and nothing is stored; a backslash
// followed by "u0000" is ordinary text.
async fn u0000_is_refused_in_every_text(app: TestApp) {
    let nul = "loops\u{0}repeat";
    let r = app
        .post(
            "/api/v1/accounts",
            json!({"role": "student", "display_name": nul, "email": "n@example.org", "password": "correct horse battery", "age": 12}),
            None,
        )
        .await;
    refused(&r, "display_name");
    let r = app
        .post(
            "/api/v1/accounts",
            json!({"role": "student", "display_name": "Nul", "email": "n@example.org", "password": "correct horse\u{0}battery", "age": 12}),
            None,
        )
        .await;
    refused(&r, "password");
    let r = app
        .post(
            "/api/v1/session",
            json!({"login": "n@example.org", "password": "correct horse battery"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "no account was made");

    let (cookie, _) = app.student("Kim", "kim@example.org", 12).await;
    let c = Some(cookie.as_str());
    let r = app
        .post(
            "/api/v1/levels/maze-reflect/attempts",
            json!({"answer": nul}),
            c,
        )
        .await;
    refused(&r, "answer");
    let answers = app.get("/api/v1/me/levels/maze-reflect/attempts", c).await;
    assert_eq!(answers.status, StatusCode::OK, "{}", answers.text);
    assert!(answers.json()["attempts"].as_array().unwrap().is_empty());
    let r = app
        .patch("/api/v1/me", json!({"display_name": nul}), c)
        .await;
    refused(&r, "display_name");
    assert_eq!(
        app.get("/api/v1/me", c).await.json()["user"]["display_name"],
        "Kim"
    );

    // A backslash and the letters u0000 are text like any other.
    let text = r"loops \u0000 repeat";
    let r = app
        .post(
            "/api/v1/levels/maze-reflect/attempts",
            json!({"answer": text}),
            c,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let answers = app
        .get("/api/v1/me/levels/maze-reflect/attempts", c)
        .await
        .json();
    assert_eq!(answers["attempts"][0]["answer"], text);

    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let r = app
        .post(
            "/api/v1/sections",
            json!({"name": nul, "course_id": "maze-intro", "login_type": "word"}),
            Some(&t),
        )
        .await;
    refused(&r, "name");
    // The same in a page's form.
    let r = form(
        &app,
        "/sections",
        &t,
        &[
            ("name", nul),
            ("course_id", "maze-intro"),
            ("login_type", "word"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let list = app.get("/api/v1/sections", Some(&t)).await.json();
    assert!(list["sections"].as_array().unwrap().is_empty());

    // And in a path segment or a query value.
    let r = app.get("/api/v1/sign-in/BCD%00FG", None).await;
    refused(&r, "path");
    let r = app.get("/api/v1/pictures?lang=sv%00", None).await;
    refused(&r, "lang");
    let r = app.get("/api/v1/me/levels/maze%00/attempts", c).await;
    refused(&r, "path");
}

/// The same app with its own outbox, keeping a child's mail for `child` (others for a week).
fn keeping(app: TestApp, child: Duration) -> (TestApp, Arc<Outbox>) {
    let outbox = Arc::new(
        Outbox::new(
            app.dir.join("outbox"),
            "Kodlek <no-reply@kodlek.test>".into(),
        )
        .unwrap()
        .keeping(child, KEEP),
    );
    let mut state = app.state.clone();
    state.mailer = outbox.clone();
    let app = TestApp {
        router: kodlek_web::router(state.clone()),
        state,
        ..app
    };
    (app, outbox)
}

/// The files under the data directory that hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if common::contains(&std::fs::read(&path).unwrap_or_default(), needle) {
            found.push(path);
        }
    }
    found
}

const KID: &str = "outbox.kid.zq@example.org";

// promise U13-2: the reset mail to a child's address leaves the outbox after its short time;
// then no file under the data directory holds the address.
async fn a_childs_reset_mail_leaves_the_outbox(app: TestApp) {
    let (app, outbox) = keeping(app, Duration::ZERO);
    app.student("Kid", KID, 10).await;
    let (_, grown) = app.teacher("Ms Berg", "berg@example.org").await;
    let r = app
        .post("/api/v1/password-resets", json!({"email": KID}), None)
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(
        files_holding(&app.dir, KID).len(),
        1,
        "the reset mail went out"
    );
    let swept = outbox.sweep(kodlek_domain::now_millis()).await.unwrap();
    assert_eq!(swept, 1);
    assert_eq!(files_holding(&app.dir, KID), Vec::<PathBuf>::new());
    // Mail to a grown-up's address stays for its own, longer time.
    assert_eq!(files_holding(&app.dir, "berg@example.org").len(), 1);
    let _ = grown;
}

// promise U13-2: a teen who states an age under 13 becomes a child at once: the verification
// mail still kept for their address leaves the outbox with it.
async fn a_teen_turned_child_leaves_no_mail_behind(app: TestApp) {
    let (cookie, me) = app.student("Teen", KID, 14).await;
    assert_eq!(me["under_13"], false);
    app.teacher("Ms Berg", "berg@example.org").await;
    assert_eq!(files_holding(&app.dir.join("outbox"), KID).len(), 1);
    let r = app
        .patch("/api/v1/me", json!({"age": 12}), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["user"]["under_13"], true);
    assert_eq!(files_holding(&app.dir, KID), Vec::<PathBuf>::new());
    assert_eq!(app.outbox().len(), 1, "the others' mail stays");
}

const CSRF: &str = "kodlek_csrf=test-form-token-0123456789";
const TOKEN: &str = "test-form-token-0123456789";

/// Sends a form as a browser does, with the form token.
async fn form(app: &TestApp, path: &str, cookie: &str, fields: &[(&str, &str)]) -> common::Answer {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf_token", TOKEN);
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let req = Request::post(path)
        .header("cookie", format!("{cookie}; {CSRF}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))
        .unwrap();
    app.send(req).await
}

/// Sends the same JSON body to one path from many tasks at once; the statuses.
async fn all_at_once(
    app: &TestApp,
    path: &str,
    bodies: Vec<Value>,
    cookie: Option<&str>,
) -> Vec<StatusCode> {
    let mut tasks = tokio::task::JoinSet::new();
    for body in bodies {
        let router = app.router.clone();
        let mut req = Request::post(path).header("content-type", "application/json");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let req = req.body(Body::from(body.to_string())).unwrap();
        tasks.spawn(async move { router.oneshot(req).await.unwrap().status() });
    }
    tasks.join_all().await
}

// promise SEC-1: wrong passwords sent together for one account meet the same limit as wrong
// passwords sent one after another: at most ten are judged, and then the right one waits too.
async fn passwords_sent_together_cannot_pass_the_limit(app: TestApp) {
    app.student("Sam", "sam@example.org", 15).await;
    let bodies = (0..30)
        .map(|i| json!({"login": "sam@example.org", "password": format!("wrong password {i}")}))
        .collect();
    let answers = all_at_once(&app, "/api/v1/session", bodies, None).await;
    let judged = answers
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        judged <= 10,
        "{judged} wrong passwords were judged: {answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|s| matches!(s.as_u16(), 401 | 429 | 503)),
        "{answers:?}"
    );
    let right = app
        .post(
            "/api/v1/session",
            json!({"login": "sam@example.org", "password": "correct horse battery"}),
            None,
        )
        .await;
    if judged == 10 {
        assert_eq!(
            right.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            right.text
        );
    }
}

// Join codes tried together by one student meet the limit: at most twenty are looked up.
async fn join_codes_sent_together_cannot_pass_the_limit(app: TestApp) {
    let (cookie, _) = app.student("Sam", "sam@example.org", 15).await;
    let bodies = (0..40)
        .map(|i| json!({"code": format!("ZZZZ{:02}", i % 100)}))
        .collect();
    let answers = all_at_once(&app, "/api/v1/sections/join", bodies, Some(&cookie)).await;
    let looked_up = answers
        .iter()
        .filter(|s| **s == StatusCode::NOT_FOUND)
        .count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(looked_up, 20, "{answers:?}");
    assert_eq!(refused, 20, "{answers:?}");
}

on_both_backends!(
    passwords_sent_together_cannot_pass_the_limit,
    join_codes_sent_together_cannot_pass_the_limit,
    guesses_sent_together_cannot_pass_the_lock,
    a_lock_holds_one_student_only,
    resetting_a_secret_ends_its_sessions,
    a_new_login_type_ends_the_old_sessions,
    taking_control_ends_the_other_sessions,
    removing_a_student_ends_their_sessions,
    u0000_is_refused_in_every_text,
    a_childs_reset_mail_leaves_the_outbox,
    a_teen_turned_child_leaves_no_mail_behind,
);

// What is not an email address is refused with a clear error, not silently "accepted".
#[tokio::test]
async fn a_reset_for_what_is_not_an_address_is_refused() {
    let app = TestApp::sqlite().await;
    for bad in ["", "ada", "ada.@example.org"] {
        let r = app
            .post("/api/v1/password-resets", json!({"email": bad}), None)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.text
        );
        assert_eq!(r.code(), "invalid_field");
    }
    let r = app
        .post(
            "/api/v1/password-resets",
            json!({"email": "nobody@example.org"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
}

// The page's form says what to fix and gives the typed text back, instead of an error page.
#[tokio::test]
async fn the_reset_form_gives_a_mistyped_address_back_with_its_error() {
    let app = TestApp::sqlite().await;
    let r = form(
        &app,
        "/forgot-password",
        "kodlek_lang=sv",
        &[("email", "ada.@example.org")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains(r#"value="ada.@example.org""#), "{}", r.text);
    assert!(
        r.text.contains("e-postadress"),
        "the Swedish words: {}",
        r.text
    );
    assert!(r.text.contains(r#"name="email""#), "the form again");
}
