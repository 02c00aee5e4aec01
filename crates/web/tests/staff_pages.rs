//! The staff console's pages: sign-in with a code, nothing for non-staff, nothing personal
//! before a reason, erasure with a confirmation, and the access log on the account page.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use kodlek_domain::now_millis;
use kodlek_privacy::totp;
use kodlek_store::new_id;

const PW: &str = common::STAFF_PW;
const REASON: &str = "Support request 12: the learner lost their progress";

/// A staff member made as the CLI makes one: their email and TOTP secret.
async fn make_staff(app: &TestApp, roles: &str) -> (String, String) {
    let email = format!("{}@staff.kodlek.example", new_id());
    let (_, secret) = app.staff_member(&email, roles).await;
    (email, secret)
}

/// Signs in on the staff page; the cookies a browser would then send.
async fn sign_in_on_the_page(app: &TestApp, email: &str, secret: &str) -> String {
    let (csrf, token) = app.form_token("/staff/sign-in", None).await;
    let code = totp::code_at(secret, (now_millis() / 1000) as u64).unwrap();
    let r = app
        .post_form(
            "/staff/sign-in",
            &csrf,
            &[
                ("csrf_token", &token),
                ("login", email),
                ("password", PW),
                ("totp", &code),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.headers["location"], "/staff");
    format!("{csrf}; {}", r.session_cookie().unwrap())
}

// promise STAFF-1
async fn the_console_needs_staff_a_code_and_a_reason(app: TestApp) {
    let (email, secret) = make_staff(&app, "support").await;
    let (student_cookie, student) = app.student("Lea", "lea.pages@example.org", 15).await;
    let id = student["id"].as_str().unwrap();

    // Not staff: the console is not there.
    for path in [
        "/staff",
        "/staff/users",
        &format!("/staff/users/{id}"),
        "/staff/audit",
    ] {
        assert_eq!(
            app.get(path, None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(
            app.get(path, Some(&student_cookie)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // A user cannot sign in on the staff page, and staff need the code.
    let (csrf, token) = app.form_token("/staff/sign-in", None).await;
    let r = app
        .post_form(
            "/staff/sign-in",
            &csrf,
            &[
                ("csrf_token", &token),
                ("login", "lea.pages@example.org"),
                ("password", "correct horse battery"),
                ("totp", "123456"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.session_cookie().is_none());
    let r = app
        .post_form(
            "/staff/sign-in",
            &csrf,
            &[
                ("csrf_token", &token),
                ("login", &email),
                ("password", PW),
                ("totp", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.text.contains("authenticator app"),
        "the page says a code is needed"
    );

    let cookies = sign_in_on_the_page(&app, &email, &secret).await;
    let home = app.get("/staff", Some(&cookies)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.text.contains("Find users, open a user&#x27;s data")
            || home.text.contains("Find users, open a user")
    );
    // Support may not read the audit log.
    assert_eq!(
        app.get("/staff/audit", Some(&cookies)).await.status,
        StatusCode::FORBIDDEN
    );

    // The user's page shows no personal data before a reason.
    let page = app.get(&format!("/staff/users/{id}"), Some(&cookies)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("lea.pages@example.org"));
    assert!(!page.text.contains("Lea<"));
    let token = cookies
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("kodlek_csrf=")
        .to_owned();
    let access = format!("/staff/users/{id}/access");
    let r = app
        .post_form(&access, &cookies, &[("reason", REASON)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a form without its token");
    let r = app
        .post_form(
            &access,
            &cookies,
            &[("csrf_token", &token), ("reason", "short")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text.contains("lea.pages@example.org"));
    let r = app
        .post_form(
            &access,
            &cookies,
            &[
                ("csrf_token", &token),
                ("reason", REASON),
                ("ticket", "T-12"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("lea.pages@example.org"),
        "shown once the reason is given"
    );

    // The learner's account page lists the access, in English and in Swedish.
    let account = app.get("/account", Some(&student_cookie)).await;
    assert!(
        account
            .text
            .contains("Who at Kodlek has looked at your data")
    );
    assert!(account.text.contains(REASON));
    assert!(
        !account.text.contains("Staff support"),
        "never the staff member's name"
    );
    let konto = app.get("/account?lang=sv", Some(&student_cookie)).await;
    assert!(
        konto
            .text
            .contains("Vem på Kodlek som har tittat på dina uppgifter")
    );
    assert!(konto.text.contains("Tittade på dina uppgifter"));

    // Erasure needs the confirmation box, then erases in one step (promise U13-8).
    let erase = format!("/staff/users/{id}/erase");
    let r = app
        .post_form(
            &erase,
            &cookies,
            &[("csrf_token", &token), ("reason", REASON)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.state.store.account_by_id(id).await.unwrap().is_some());
    let r = app
        .post_form(
            &erase,
            &cookies,
            &[
                ("csrf_token", &token),
                ("reason", REASON),
                ("confirm", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert!(app.state.store.account_by_id(id).await.unwrap().is_none());
}

/// The form token in a cookie string made by `sign_in_on_the_page`.
fn token_of(cookies: &str) -> String {
    cookies
        .split("; ")
        .find_map(|c| c.strip_prefix("kodlek_csrf="))
        .unwrap()
        .to_owned()
}

// promise STAFF-2, SEC-3, NOTICE-2: the console's support requests (support only) and its
// incidents and notice versions (admin only), in English and Swedish.
async fn the_console_reads_support_requests_and_publishes_notices(app: TestApp) {
    let (s_email, s_secret) = make_staff(&app, "support").await;
    let (a_email, a_secret) = make_staff(&app, "admin").await;
    let support = sign_in_on_the_page(&app, &s_email, &s_secret).await;
    let admin = sign_in_on_the_page(&app, &a_email, &a_secret).await;
    let (learner_cookie, learner) = app.student("Lea", "lea.console@example.org", 15).await;
    let sent = app
        .post(
            "/api/v1/support-requests",
            serde_json::json!({"topic": "bug", "message": "The robot walks through walls"}),
            Some(&learner_cookie),
        )
        .await;
    let request_id = sent.json()["id"].as_str().unwrap().to_owned();

    // Support requests: support staff only; the admin and a student do not see them.
    assert_eq!(
        app.get("/staff/support", Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/staff/support", Some(&learner_cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = app.get("/staff/support?lang=en", Some(&support)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("The robot walks through walls"));
    assert!(
        page.text
            .contains(&format!("/staff/support/{request_id}/close"))
    );
    let sv = app.get("/staff/support?lang=sv", Some(&support)).await;
    assert!(sv.text.contains("Supportförfrågningar"));
    let r = app
        .post_form(
            &format!("/staff/support/{request_id}/close"),
            &support,
            &[("csrf_token", &token_of(&support)), ("note", "Answered")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = app
        .get("/staff/support?done=support-closed", Some(&support))
        .await;
    assert!(page.text.contains("The request is closed."));
    assert!(
        !page
            .text
            .contains(&format!("/staff/support/{request_id}/close"))
    );

    // Incidents and notice versions: admins only.
    assert_eq!(
        app.get("/staff/notices", Some(&support)).await.status,
        StatusCode::FORBIDDEN
    );
    let token = token_of(&admin);
    let r = app
        .post_form(
            "/staff/incidents",
            &admin,
            &[
                ("csrf_token", &token),
                ("summary", "A lost laptop"),
                ("details", "It held display names."),
                ("user_ids", "no-such-id"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad input changes nothing"
    );
    assert!(r.text.contains("no-such-id") && r.text.contains("A lost laptop"));
    let id = learner["id"].as_str().unwrap();
    let r = app
        .post_form(
            "/staff/incidents",
            &admin,
            &[
                ("csrf_token", &token),
                ("summary", "A lost laptop"),
                ("details", "It held display names."),
                ("user_ids", id),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let account = app.get("/account?lang=en", Some(&learner_cookie)).await;
    assert!(account.text.contains("A lost laptop"));
    let r = app
        .post_form(
            "/staff/notice-versions",
            &admin,
            &[
                ("csrf_token", &token),
                ("version_summary", "Request logs are kept for 30 days"),
                ("significant", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = app.get("/staff/notices?lang=sv", Some(&admin)).await;
    assert!(
        page.text.contains("Nuvarande version är 2"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Request logs are kept for 30 days"));
    let privacy = app.get("/privacy?lang=en", None).await;
    assert!(privacy.text.contains("Request logs are kept for 30 days"));
}

on_both_backends!(
    the_console_needs_staff_a_code_and_a_reason,
    the_console_reads_support_requests_and_publishes_notices
);
