//! Sign-in through other services, driven against a real OpenID Connect provider (the test
//! provider in `tests/oidc/`, whose address `KODLEK_TEST_OIDC_ISSUER` gives): new teachers and
//! children, returning users, linking, every refused answer, and the re-check of sessions.

mod common;

use axum::http::{Method, StatusCode};
use common::{Answer, TestApp, contains};
use kodlek_web::sso::{Sso, SsoConfig};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The test provider, or None (and a line saying so) when none runs here.
struct Idp {
    issuer: String,
    http: reqwest::Client,
    /// The client registered for this test's Kodlek: tests run at once, each with its own.
    client_id: String,
}

impl Idp {
    fn get() -> Option<Idp> {
        let Ok(issuer) = std::env::var("KODLEK_TEST_OIDC_ISSUER") else {
            println!("sso tests: skipped (KODLEK_TEST_OIDC_ISSUER is not set)");
            return None;
        };
        println!("sso tests: ran against {issuer}");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Some(Idp {
            issuer: issuer.trim_end_matches('/').to_owned(),
            http,
            client_id: String::new(),
        })
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}{path}", self.issuer))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
    }

    /// A client of the provider for a Kodlek at `public_url`: its id and secret.
    async fn client(&self, public_url: &str, provider: &str) -> (String, String) {
        let c = self
            .post(
                "/reg",
                json!({
                    "redirect_uris": [format!("{public_url}/sign-in/sso/{provider}/callback")],
                    "grant_types": ["authorization_code", "refresh_token"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_basic",
                }),
            )
            .await;
        (
            c["client_id"].as_str().unwrap().to_owned(),
            c["client_secret"].as_str().unwrap().to_owned(),
        )
    }

    /// A new user at the provider, with a unique `sub`, sending more than Kodlek reads.
    async fn user(&self, name: &str, email: &str) -> String {
        let sub = format!("u{}", kodlek_store::new_id());
        self.post(
            "/admin/users",
            json!({
                "sub": sub, "email": email, "email_verified": true, "name": name,
                "picture": "https://pictures.example.org/PICTURE-MARK.png",
                "birthdate": "2016-04-01", "phone_number": "+46 70 PHONE-MARK",
            }),
        )
        .await;
        sub
    }

    async fn revoke(&self, sub: &str) {
        self.post(&format!("/admin/users/{sub}/revoke"), json!({}))
            .await;
    }

    /// Spoils the next ID token of this test's client.
    async fn tamper(&self, mode: &str) {
        self.post(
            "/admin/tamper",
            json!({"client_id": self.client_id, "mode": mode}),
        )
        .await;
    }

    /// Signs `login` in at the provider, following its redirects with a cookie jar, from
    /// Kodlek's redirect to the provider until the provider sends the browser back: the path
    /// and query of Kodlek's callback.
    async fn sign_in_at(&self, authorize: &str, login: &str) -> String {
        let mut jar: BTreeMap<String, String> = BTreeMap::new();
        let mut url = authorize.to_owned();
        let mut posted = false;
        for _ in 0..10 {
            if let Some(rest) = url.strip_prefix("http://kodlek.test") {
                return rest.to_owned();
            }
            let cookies = jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let interaction = url.contains("/interaction/");
            let req = if interaction && !posted {
                posted = true;
                self.http
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!("login={login}"))
            } else {
                self.http.get(&url)
            };
            let r = req.header("cookie", cookies).send().await.unwrap();
            for c in r.headers().get_all("set-cookie") {
                let c = c.to_str().unwrap();
                let (kv, _) = c.split_once(';').unwrap_or((c, ""));
                if let Some((k, v)) = kv.split_once('=') {
                    jar.insert(k.to_owned(), v.to_owned());
                }
            }
            let location = r
                .headers()
                .get("location")
                .unwrap_or_else(|| panic!("{url} answered {} without a redirect", r.status()))
                .to_str()
                .unwrap()
                .to_owned();
            url = if location.starts_with('/') {
                format!("{}{location}", self.issuer)
            } else {
                location
            };
        }
        panic!("the provider never sent the browser back");
    }
}

/// Serves `app` with one provider, "district", at `issuer` with this client.
fn serve_district(app: &mut TestApp, issuer: &str, client: (String, String), recheck_secs: u64) {
    let vars = [
        ("KODLEK_SSO_DISTRICT_CLIENT_ID", client.0),
        ("KODLEK_SSO_DISTRICT_CLIENT_SECRET", client.1),
        ("KODLEK_SSO_DISTRICT_ISSUER", issuer.to_owned()),
        ("KODLEK_SSO_DISTRICT_LABEL", "District".to_owned()),
    ];
    let config = SsoConfig::from_vars(&["district".to_owned()], recheck_secs, |k| {
        vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
    })
    .unwrap();
    app.state.sso = Arc::new(Sso::new(config));
    app.router = kodlek_web::router(app.state.clone());
}

/// The app with the test provider configured as "district", and the provider.
async fn with_district(mut app: TestApp, recheck_secs: u64) -> Option<(TestApp, Idp)> {
    let mut idp = Idp::get()?;
    let client = idp.client("http://kodlek.test", "district").await;
    idp.client_id = client.0.clone();
    serve_district(&mut app, &idp.issuer, client, recheck_secs);
    Some((app, idp))
}

/// The district identity of the provider's `sub`, as stored.
async fn identity_of(app: &TestApp, sub: &str) -> Option<kodlek_store::IdentityRecord> {
    app.state
        .store
        .identity_by_subject("district", sub)
        .await
        .unwrap()
}

/// `name=value` of a cookie the answer sets.
fn set_cookie(a: &Answer, name: &str) -> Option<String> {
    a.set_cookies()
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")) && !c.contains("Max-Age=0"))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

fn location(a: &Answer) -> String {
    a.headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn csrf_of(a: &Answer) -> (String, String) {
    let cookie = set_cookie(a, "kodlek_csrf").expect("a form token cookie");
    let token = cookie.split_once('=').unwrap().1.to_owned();
    (cookie, token)
}

/// Starts a sign-in at Kodlek (with `cookie`, for linking), signs `login` in at the provider,
/// and answers Kodlek's callback: the callback's answer and the flow cookie used.
async fn through(
    app: &TestApp,
    idp: &Idp,
    login: &str,
    start: &str,
    cookie: Option<&str>,
) -> (Answer, String) {
    let s = app.get(start, cookie).await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.text);
    let flow = set_cookie(&s, "kodlek_sso_flow").expect("the flow cookie");
    assert!(
        s.set_cookies()
            .iter()
            .any(|c| c.contains("HttpOnly") && c.starts_with("kodlek_sso_flow"))
    );
    let back = idp.sign_in_at(&location(&s), login).await;
    let cookies = match cookie {
        Some(c) => format!("{c}; {flow}"),
        None => flow.clone(),
    };
    (app.get(&back, Some(&cookies)).await, flow)
}

/// Sends the new-account form that the callback answered with.
async fn make_account(app: &TestApp, form_page: &Answer, fields: &str) -> Answer {
    assert_eq!(form_page.status, StatusCode::OK, "{}", form_page.text);
    let pending = set_cookie(form_page, "kodlek_sso_new").expect("the new identity's cookie");
    let (csrf_cookie, token) = csrf_of(form_page);
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/sign-in/sso/district/new")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("{pending}; {csrf_cookie}"))
        .body(axum::body::Body::from(format!(
            "csrf_token={token}&{fields}"
        )))
        .unwrap();
    app.send(req).await
}

async fn me(app: &TestApp, cookie: &str) -> Answer {
    app.get("/api/v1/me", Some(cookie)).await
}

// promise SSO-1: a teacher signs up through the provider: the form proposes the provider's
// name, the account is made by the usual sign-up (verified address, no password), and the
// same person signing in again goes straight in.
async fn a_new_teacher_signs_up_and_returns(app: TestApp) {
    let Some((app, idp)) = with_district(app, 900).await else {
        return;
    };
    let providers = app.get("/api/v1/sso/providers", None).await;
    assert_eq!(
        providers.json(),
        json!({"providers": [{"id": "district", "label": "District"}]})
    );
    let sign_in = app.get("/sign-in", None).await;
    assert!(
        sign_in.text.contains("Sign in with District"),
        "{}",
        sign_in.text
    );
    assert!(sign_in.text.contains("href=\"/sign-in/sso/district\""));

    let sub = idp.user("Tina Teacher", "tina@school.example.org").await;
    let (page, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    assert!(
        page.text.contains("value=\"Tina Teacher\""),
        "{}",
        page.text
    );
    assert!(
        page.session_cookie().is_none(),
        "no account before the form"
    );
    let made = make_account(&app, &page, "role=teacher&display_name=Ms+Tina&age=").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    assert_eq!(location(&made), "/sections");
    let cookie = made.session_cookie().unwrap();
    let user = me(&app, &cookie).await.json()["user"].clone();
    assert_eq!(user["role"], "teacher");
    assert_eq!(user["display_name"], "Ms Tina");
    assert_eq!(user["email"], "tina@school.example.org");
    assert_eq!(user["email_verified"], true, "the provider verified it");
    let ids = app.get("/api/v1/me/identities", Some(&cookie)).await;
    assert_eq!(ids.status, StatusCode::OK);
    assert_eq!(ids.json()["identities"][0]["provider"], "district");

    // The last way to sign in stays.
    let last = app
        .delete("/api/v1/me/identities/district", None, Some(&cookie))
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert_eq!(last.code(), "last_sign_in_method");
    let none = app
        .delete("/api/v1/me/identities/google", None, Some(&cookie))
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);

    // Returning: straight in, to the same account.
    let (again, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    let cookie2 = again.session_cookie().unwrap();
    assert_eq!(me(&app, &cookie2).await.json()["user"]["id"], user["id"]);

    // An account without a password re-authenticates by a sign-in through its provider just
    // now: this fresh session may delete the account.
    let gone = app
        .delete("/api/v1/me", Some(json!({"password": ""})), Some(&cookie2))
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert!(identity_of(&app, &sub).await.is_none());
}

// promise SSO-3: a child signs up through the provider: of what it sends, the address is kept
// only as its keyed hash, and the picture, birth date and phone number it sends are nowhere
// in the database.
async fn a_new_child_keeps_nothing_extra(app: TestApp) {
    let Some((app, idp)) = with_district(app, 900).await else {
        return;
    };
    let sub = idp.user("Kim Child", "kim.child@pupils.example.org").await;
    let (page, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    let refused = make_account(&app, &page, "role=student&display_name=Kim&age=").await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a student gives an age"
    );
    // A child's own sign-up asks a parent first, through a provider as with a password.
    let asked = make_account(&app, &page, "role=student&display_name=Kim&age=9").await;
    assert_eq!(asked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(asked.text.contains("parent_email") || asked.text.contains("parent"));
    let made = make_account(
        &app,
        &page,
        "role=student&display_name=Kim&age=9&parent_email=parent.of.a.child%40example.net",
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let cookie = made.session_cookie().unwrap();
    let user = me(&app, &cookie).await.json()["user"].clone();
    assert_eq!(user["under_13"], true);
    assert_eq!(user["email"], Value::Null);
    assert_eq!(user["email_on_file"], true);
    assert!(app.outbox_but_parents().is_empty(), "no mail to a child");
    let bytes = app.settled_database_bytes().await;
    if !bytes.is_empty() {
        for absent in [
            "kim.child@pupils.example.org",
            "PICTURE-MARK",
            "2016-04-01",
            "PHONE-MARK",
            "Kim Child",
        ] {
            assert!(!contains(&bytes, absent), "{absent} is in the database");
        }
        assert!(contains(&bytes, &sub), "the subject is kept");
    }
    // The notice's data table says what is kept of a service's answer, from the inventory.
    let notice = app.get("/privacy", None).await;
    assert!(
        notice
            .text
            .contains("the only thing it sends that we keep here"),
        "{}",
        notice.text
    );
    let cookies = app.get("/cookies", None).await;
    assert!(cookies.text.contains("kodlek_sso_flow") && cookies.text.contains("kodlek_sso_new"));
    let export = app.get("/api/v1/me/export", Some(&cookie)).await;
    assert!(!export.text.contains("PICTURE-MARK") && !export.text.contains("PHONE-MARK"));
}

// promise SSO-1: a signed-in user links the provider from the account page; it is never
// joined by its address, and one identity belongs to one account.
async fn linking_and_unlinking(app: TestApp) {
    let Some((app, idp)) = with_district(app, 900).await else {
        return;
    };
    let (cookie, _) = app.teacher("Tess", "tess@school.example.org").await;
    // Same address at the provider: no joining; the new identity gets a form of its own.
    let sub = idp.user("Tess", "tess@school.example.org").await;
    let (page, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "a new identity, not a sign-in by address"
    );
    assert!(page.session_cookie().is_none());

    let account = app.get("/account", Some(&cookie)).await;
    assert!(
        account
            .text
            .contains("href=\"/sign-in/sso/district?link=1\""),
        "{}",
        account.text
    );
    let (linked, _) = through(
        &app,
        &idp,
        &sub,
        "/sign-in/sso/district?link=1",
        Some(&cookie),
    )
    .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.text);
    assert_eq!(location(&linked), "/account?done=provider-linked");
    let ids = app.get("/api/v1/me/identities", Some(&cookie)).await.json();
    assert_eq!(ids["identities"].as_array().unwrap().len(), 1);
    let account = app.get("/account", Some(&cookie)).await;
    assert!(
        account
            .text
            .contains("action=\"/account/sso/district/unlink\"")
    );
    let (signed_in, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    let c2 = signed_in.session_cookie().unwrap();
    let me_id = me(&app, &cookie).await.json()["user"]["id"].clone();
    assert_eq!(me(&app, &c2).await.json()["user"]["id"], me_id);

    // Another account cannot take the same identity.
    let (other, _) = app.teacher("Olle", "olle@school.example.org").await;
    let (taken, _) = through(
        &app,
        &idp,
        &sub,
        "/sign-in/sso/district?link=1",
        Some(&other),
    )
    .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text);

    // With a password left, the link goes, and the sessions made through it end.
    let un = app
        .delete("/api/v1/me/identities/district", None, Some(&cookie))
        .await;
    assert_eq!(un.status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &c2).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &cookie).await.status, StatusCode::OK);
    // Staff sign in with their password and code only: no service is linked to them.
    let (_, secret) = app
        .staff_member("sara@staff.kodlek.example", "support")
        .await;
    let now = (kodlek_domain::now_millis() / 1000) as u64;
    let totp = kodlek_privacy::totp::code_at(&secret, now).unwrap();
    let staff = app
        .post(
            "/api/v1/session",
            json!({"login": "sara@staff.kodlek.example", "password": common::STAFF_PW, "totp": totp}),
            None,
        )
        .await
        .session_cookie()
        .unwrap();
    let sub2 = idp.user("Sara", "sara@staff.kodlek.example").await;
    let (refused, _) = through(
        &app,
        &idp,
        &sub2,
        "/sign-in/sso/district?link=1",
        Some(&staff),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    // Linking needs a signed-in user.
    let anon = app.get("/sign-in/sso/district?link=1", None).await;
    assert_eq!(location(&anon), "/sign-in");
}

// promise SSO-1: whatever is wrong with the way back, nobody is signed in and nothing is
// stored: a forged state, a replayed code, the provider's refusal, an ID token signed by
// another key, one for another client, and an expired one.
async fn every_bad_answer_is_refused(app: TestApp) {
    let Some((app, idp)) = with_district(app, 900).await else {
        return;
    };
    assert_eq!(
        app.get("/sign-in/sso/nowhere", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/sign-in/sso/nowhere/callback", None).await.status,
        StatusCode::NOT_FOUND
    );
    let sub = idp.user("Eve", "eve@school.example.org").await;

    // A forged state: the code arrives with another browser's flow, or with none.
    let s = app.get("/sign-in/sso/district", None).await;
    let their_flow = set_cookie(&s, "kodlek_sso_flow").unwrap();
    let back = idp.sign_in_at(&location(&s), &sub).await;
    let s2 = app.get("/sign-in/sso/district", None).await;
    let my_flow = set_cookie(&s2, "kodlek_sso_flow").unwrap();
    let forged = app.get(&back, Some(&my_flow)).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.text);
    assert!(forged.session_cookie().is_none());
    assert_eq!(app.get(&back, None).await.status, StatusCode::BAD_REQUEST);
    let tampered = back.replace("state=", "state=x");
    assert_eq!(
        app.get(&tampered, Some(&their_flow)).await.status,
        StatusCode::BAD_REQUEST
    );

    // A replayed code: the first use works, the second is refused by the provider.
    let first = app.get(&back, Some(&their_flow)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let replay = app.get(&back, Some(&their_flow)).await;
    assert_eq!(replay.status, StatusCode::FORBIDDEN, "{}", replay.text);

    // The provider refuses the person.
    let (refused, _) = through(&app, &idp, "nobody-at-all", "/sign-in/sso/district", None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);

    for mode in ["wrong_key", "other_client", "expired"] {
        idp.tamper(mode).await;
        let (a, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
        assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{mode}: {}", a.text);
        assert!(
            a.session_cookie().is_none() && set_cookie(&a, "kodlek_sso_new").is_none(),
            "{mode}"
        );
    }
    assert!(identity_of(&app, &sub).await.is_none());
}

// promise SSO-2: once the provider stops vouching for a person, the next re-check (due within
// the interval) ends the sessions made through it, and signing in through it fails.
async fn revocation_ends_a_live_session(app: TestApp) {
    let Some((app, idp)) = with_district(app, 1).await else {
        return;
    };
    let sub = idp.user("Rita", "rita@school.example.org").await;
    let (page, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    let made = make_account(&app, &page, "role=teacher&display_name=Rita").await;
    let cookie = made.session_cookie().unwrap();
    let identity = identity_of(&app, &sub).await.unwrap();
    let stored = identity.token_ciphertext.clone().unwrap();
    assert_eq!(identity.token_kind.as_deref(), Some("refresh"));
    assert!(stored.starts_with('v'), "encrypted at rest");

    // Still vouched for: the check passes and the session lives on.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 0);
    assert_eq!(me(&app, &cookie).await.status, StatusCode::OK);

    idp.revoke(&sub).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 1);
    assert_eq!(me(&app, &cookie).await.status, StatusCode::UNAUTHORIZED);
    let identity = identity_of(&app, &sub).await.unwrap();
    assert_eq!(identity.token_ciphertext, None, "the token is forgotten");
    let (again, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.text);
}

// promise SSO-2: a provider that stops answering does not sign a class out at once, but no
// session lives on its word for longer than the grace past its due re-check.
async fn a_silent_provider_ends_sessions_after_the_grace(app: TestApp) {
    let Some((mut app, idp)) = with_district(app, 1).await else {
        return;
    };
    let sub = idp.user("Sam", "sam@school.example.org").await;
    let (page, _) = through(&app, &idp, &sub, "/sign-in/sso/district", None).await;
    let made = make_account(&app, &page, "role=teacher&display_name=Sam").await;
    let cookie = made.session_cookie().unwrap();
    let account = me(&app, &cookie).await.json()["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The same provider, now at an address where nothing answers.
    serve_district(&mut app, "http://127.0.0.1:9", ("x".into(), "y".into()), 1);
    let checked = |ago: i64| {
        let store = app.state.store.clone();
        let account = account.clone();
        async move {
            let at = kodlek_domain::now_millis() - ago;
            store
                .identity_checked(&account, "district", None, at)
                .await
                .unwrap();
        }
    };

    // Due, but within the grace: tried again later, the session lives on.
    checked(5_000).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 0);
    assert_eq!(me(&app, &cookie).await.status, StatusCode::OK);

    // Past the grace: the session ends, and the token stays for the next sign-in.
    checked(kodlek_web::sso::UNANSWERED_GRACE + 5_000).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 1);
    assert_eq!(me(&app, &cookie).await.status, StatusCode::UNAUTHORIZED);
    let identity = identity_of(&app, &sub).await.unwrap();
    assert!(identity.token_ciphertext.is_some(), "the token is kept");
}

// promise SSO-2: a teacher gives a section the district's sign-in; its sign-in page then
// offers that button, and a child who signs in through it joins the section and lands on its
// course, the first time and every time after.
async fn a_section_signs_in_through_the_district(app: TestApp) {
    let Some((app, idp)) = with_district(app, 900).await else {
        return;
    };
    let teacher = app
        .verified_teacher("Tess", "tess@school.example.org")
        .await;
    let refused = app
        .post(
            "/api/v1/sections",
            json!({"name": "4B", "course_id": "maze-intro", "login_type": "sso:elsewhere"}),
            Some(&teacher),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let section = app.section(&teacher, "sso:district").await;
    assert_eq!(section["login_type"], "sso:district");
    let code = section["code"].as_str().unwrap().to_owned();
    let page = app.get(&format!("/sign-in/{code}"), None).await;
    assert!(page.text.contains("Sign in with District"), "{}", page.text);
    let start = format!("/sign-in/sso/district?section={code}");
    assert!(page.text.contains(&start.replace('&', "&amp;")));
    let settings = app
        .get(
            &format!("/sections/{}/settings", section["id"].as_str().unwrap()),
            Some(&teacher),
        )
        .await;
    assert!(
        settings.text.contains(
            "value=\"sso:district\" aria-describedby=\"login-sso:district-hint\" checked"
        ),
        "{}",
        settings.text
    );

    // A picture section turned into a district one on its settings page, as a teacher does.
    let other = app.section(&teacher, "picture").await;
    let other_id = other["id"].as_str().unwrap();
    let token = "test-form-token-0123456789";
    let change = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/sections/{other_id}/login-type"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("{teacher}; kodlek_csrf={token}"))
        .body(axum::body::Body::from(format!(
            "csrf_token={token}&login_type=sso%3Adistrict"
        )))
        .unwrap();
    let changed = app.send(change).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    let other_code = other["code"].as_str().unwrap();
    let page = app.get(&format!("/sign-in/{other_code}"), None).await;
    assert!(page.text.contains("Sign in with District"), "{}", page.text);
    assert!(!page.text.contains("secret picture"), "{}", page.text);

    let sub = idp.user("Kid", "kid@pupils.example.org").await;
    let (form, _) = through(&app, &idp, &sub, &start, None).await;
    let made = make_account(
        &app,
        &form,
        // Through the section's own button the child is the school's pupil: no parent is asked.
        "role=student&display_name=Kid&age=10",
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    assert_eq!(location(&made), "/courses/maze-intro");
    let cookie = made.session_cookie().unwrap();
    let mine = app.get("/api/v1/me/sections", Some(&cookie)).await;
    assert!(
        mine.text.contains("4B") || mine.text.contains("Class 2B"),
        "{}",
        mine.text
    );
    let (again, _) = through(&app, &idp, &sub, &start, None).await;
    assert_eq!(location(&again), "/courses/maze-intro");
}

on_both_backends!(
    a_new_teacher_signs_up_and_returns,
    a_new_child_keeps_nothing_extra,
    linking_and_unlinking,
    every_bad_answer_is_refused,
    revocation_ends_a_live_session,
    a_silent_provider_ends_sessions_after_the_grace,
    a_section_signs_in_through_the_district,
);
