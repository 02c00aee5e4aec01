//! Sign-in through Facebook (whose flow is not OpenID Connect) and Clever (OpenID Connect with
//! no refresh token and no `name`), against answers in the shape each documents, served from a
//! local server since neither runs here; a rotation of the signing key; and the sign-in
//! routes for each role.

mod common;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use common::{Answer, TestApp};
use kodlek_web::sso::{Protocol, ProviderConfig, Sso, SsoConfig};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What Facebook answered, as recorded: the token endpoint, `/me`, and its errors.
const FB_TOKEN: &str =
    r#"{"access_token":"EAAGm0PX4ZCpsBAKZCZBrecorded","token_type":"bearer","expires_in":5183944}"#;
const FB_ME: &str =
    r#"{"id":"10224598765432101","name":"Fia Facebook","email":"fia\u0040example.org"}"#;
const FB_CODE_USED: &str = r#"{"error":{"message":"This authorization code has been used.","type":"OAuthException","code":100,"error_subcode":36009,"fbtrace_id":"AbCdEf"}}"#;
const FB_NOT_AUTHORIZED: &str = r#"{"error":{"message":"Error validating access token: The user has not authorized application 1234567890.","type":"OAuthException","code":190,"error_subcode":458,"fbtrace_id":"GhIjKl"}}"#;

#[derive(Clone, Default)]
struct Facebook {
    revoked: Arc<AtomicBool>,
    used: Arc<AtomicBool>,
}

fn recorded(status: StatusCode, body: &'static str) -> axum::response::Response {
    (status, [("content-type", "application/json")], body).into_response()
}

async fn fb_token(State(fb): State<Facebook>, body: String) -> axum::response::Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let has = |k: &str, v: &str| form.iter().any(|(a, b)| a == k && b == v);
    let verifier = form
        .iter()
        .any(|(k, v)| k == "code_verifier" && v.len() >= 43);
    if !has("client_secret", "fb-secret") || !has("code", "fb-code") || !verifier {
        return recorded(StatusCode::BAD_REQUEST, FB_CODE_USED);
    }
    if fb.used.swap(true, Ordering::SeqCst) {
        return recorded(StatusCode::BAD_REQUEST, FB_CODE_USED);
    }
    recorded(StatusCode::OK, FB_TOKEN)
}

async fn fb_me(State(fb): State<Facebook>, headers: HeaderMap) -> axum::response::Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if bearer != "Bearer EAAGm0PX4ZCpsBAKZCZBrecorded" || fb.revoked.load(Ordering::SeqCst) {
        return recorded(StatusCode::BAD_REQUEST, FB_NOT_AUTHORIZED);
    }
    recorded(StatusCode::OK, FB_ME)
}

/// Facebook's recorded answers on a loopback port: its base URL and its switches.
async fn facebook() -> (String, Facebook) {
    let fb = Facebook::default();
    let app = Router::new()
        .route("/v19.0/oauth/access_token", post(fb_token))
        .route("/v19.0/me", get(fb_me))
        .with_state(fb.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fb)
}

fn with_providers(mut app: TestApp, providers: Vec<ProviderConfig>, recheck_secs: u64) -> TestApp {
    let config = SsoConfig {
        providers,
        recheck: std::time::Duration::from_secs(recheck_secs),
    };
    app.state.sso = Arc::new(Sso::new(config));
    app.router = kodlek_web::router(app.state.clone());
    app
}

fn facebook_at(base: &str) -> ProviderConfig {
    ProviderConfig {
        id: "facebook".into(),
        label: "Facebook".into(),
        client_id: "1234567890".into(),
        client_secret: "fb-secret".into(),
        protocol: Protocol::Facebook {
            auth_url: format!("{base}/v19.0/dialog/oauth"),
            token_url: format!("{base}/v19.0/oauth/access_token"),
            me_url: format!("{base}/v19.0/me"),
        },
        scopes: vec!["email".into(), "public_profile".into()],
        extra_auth_params: vec![],
    }
}

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

fn query_value(url: &str, key: &str) -> String {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

// promise SSO-1, SSO-2: Facebook's flow, as its recorded answers go: the dialog with state and
// PKCE, the token endpoint, `/me` with three fields, a used code refused, and a revoked
// authorisation ending the session at the next re-check.
async fn facebook_signs_up_a_teacher_and_revocation_ends_it(app: TestApp) {
    let (base, fb) = facebook().await;
    let app = with_providers(app, vec![facebook_at(&base)], 1);
    let start = app.get("/sign-in/sso/facebook", None).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let to = location(&start);
    assert!(
        to.starts_with(&format!("{base}/v19.0/dialog/oauth?")),
        "{to}"
    );
    assert_eq!(query_value(&to, "client_id"), "1234567890");
    assert_eq!(query_value(&to, "scope"), "email,public_profile");
    assert_eq!(query_value(&to, "code_challenge_method"), "S256");
    assert_eq!(
        query_value(&to, "redirect_uri"),
        "http://kodlek.test/sign-in/sso/facebook/callback"
    );
    let state = query_value(&to, "state");
    let flow = set_cookie(&start, "kodlek_sso_flow").unwrap();
    let back = format!("/sign-in/sso/facebook/callback?code=fb-code&state={state}");
    let page = app.get(&back, Some(&flow)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("value=\"Fia Facebook\""));
    // The code is single-use at Facebook: a replay is refused.
    let replay = app.get(&back, Some(&flow)).await;
    assert_eq!(replay.status, StatusCode::FORBIDDEN, "{}", replay.text);

    let pending = set_cookie(&page, "kodlek_sso_new").unwrap();
    let csrf = set_cookie(&page, "kodlek_csrf").unwrap();
    let token = csrf.split_once('=').unwrap().1;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/sign-in/sso/facebook/new")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("{pending}; {csrf}"))
        .body(axum::body::Body::from(format!(
            "csrf_token={token}&role=teacher&display_name=Fia"
        )))
        .unwrap();
    let made = app.send(req).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let cookie = made.session_cookie().unwrap();
    let user = app.get("/api/v1/me", Some(&cookie)).await.json()["user"].clone();
    assert_eq!(user["email"], "fia@example.org");
    assert_eq!(
        user["email_verified"], false,
        "Facebook says nothing of verification"
    );

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 0);
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::OK
    );
    fb.revoked.store(true, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 1);
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// Every sign-in route and what it answers nobody, a student and a teacher, none of whom has
/// linked a service. A sign-in route added without a row here fails the first test.
const ROUTES: [(&str, &str); 3] = [
    ("GET", "/api/v1/sso/providers"),
    ("GET", "/api/v1/me/identities"),
    ("DELETE", "/api/v1/me/identities/{provider}"),
];

#[test]
fn every_sign_in_route_is_in_the_table() {
    let doc = kodlek_web::openapi::document();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.starts_with("/api/v1/sso") || path.starts_with("/api/v1/me/identities") {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    documented.sort();
    let mut table: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    table.sort();
    assert_eq!(documented, table);
}

// promise SSO-1: each sign-in route and page, for each role: (status, code or redirect).
async fn each_sign_in_route_answers_each_role(app: TestApp) {
    let app = with_providers(app, vec![facebook_at("http://127.0.0.1:9")], 900);
    let (student, _) = app.student("Sam", "sam@example.org", 15).await;
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let who: [(&str, Option<&str>); 3] = [
        ("nobody", None),
        ("a student", Some(&student)),
        ("a teacher", Some(&teacher)),
    ];
    // (method, path, nobody's answer, a signed-in user's answer)
    let table: [(&str, &str, u16, u16); 9] = [
        ("GET", "/api/v1/sso/providers", 200, 200),
        ("GET", "/api/v1/me/identities", 401, 200),
        ("DELETE", "/api/v1/me/identities/facebook", 401, 404),
        ("GET", "/sign-in/sso/facebook", 303, 303),
        ("GET", "/sign-in/sso/facebook?link=1", 303, 303),
        ("GET", "/sign-in/sso/nowhere", 404, 404),
        (
            "GET",
            "/sign-in/sso/facebook/callback?code=x&state=y",
            400,
            400,
        ),
        ("POST", "/sign-in/sso/facebook/new", 403, 403),
        ("POST", "/account/sso/facebook/unlink", 403, 403),
    ];
    for (method, path, anon, signed_in) in table {
        for (name, cookie) in who {
            let m = axum::http::Method::from_bytes(method.as_bytes()).unwrap();
            let r = app.call(m, path, None, cookie).await;
            let want = if cookie.is_some() { signed_in } else { anon };
            assert_eq!(
                r.status.as_u16(),
                want,
                "{method} {path} for {name}: {}",
                r.text
            );
            if path.ends_with("?link=1") && cookie.is_none() {
                assert_eq!(location(&r), "/sign-in", "linking needs a sign-in first");
            }
        }
    }
    let providers: Value = app.get("/api/v1/sso/providers", None).await.json();
    assert_eq!(
        providers,
        json!({"providers": [{"id": "facebook", "label": "Facebook"}]})
    );
}

/// Clever's OpenID Connect, as it answers: its discovery document (here on a loopback port),
/// its keys, a token answer with no refresh token, and a userinfo answer with given and
/// family names but no `name`.
#[derive(Clone)]
struct Clever {
    base: String,
    /// The nonce of the authorization request the next code answers.
    nonce: Arc<std::sync::Mutex<String>>,
    /// Which key signs (1 or 2); the published keys are that one only.
    key: Arc<std::sync::atomic::AtomicU8>,
    revoked: Arc<AtomicBool>,
}

const CLEVER_SUB: &str = "5c8fb6f0e4a1d20001a1b2c3";

fn clever_key(n: u8) -> openidconnect::core::CoreRsaPrivateSigningKey {
    let pem = match n {
        1 => include_str!("recorded/clever-key-1.pem"),
        _ => include_str!("recorded/clever-key-2.pem"),
    };
    let kid = openidconnect::JsonWebKeyId::new(format!("clever-{n}"));
    openidconnect::core::CoreRsaPrivateSigningKey::from_pem(pem, Some(kid)).unwrap()
}

async fn clever_discovery(State(c): State<Clever>) -> axum::response::Response {
    let b = &c.base;
    let doc = json!({
        "issuer": b,
        "authorization_endpoint": format!("{b}/oauth/authorize"),
        "token_endpoint": format!("{b}/oauth/tokens"),
        "userinfo_endpoint": format!("{b}/userinfo"),
        "jwks_uri": format!("{b}/oauth/certs"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["aud", "email", "exp", "family_name", "given_name", "iat", "iss", "sub", "district", "user_type"]
    });
    axum::Json(doc).into_response()
}

async fn clever_certs(State(c): State<Clever>) -> axum::response::Response {
    use openidconnect::PrivateSigningKey;
    let key = clever_key(c.key.load(Ordering::SeqCst)).as_verification_key();
    axum::Json(json!({"keys": [key]})).into_response()
}

async fn clever_tokens(
    State(c): State<Clever>,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    use openidconnect::core::{CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm};
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let code_ok = form.iter().any(|(k, v)| k == "code" && v == "clever-code");
    if !basic.starts_with("Basic ") || !code_ok {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let now = kodlek_domain::now_millis() / 1000;
    let claims: CoreIdTokenClaims = serde_json::from_value(json!({
        "iss": c.base, "aud": ["clever-client"], "sub": CLEVER_SUB,
        "iat": now, "exp": now + 600, "nonce": *c.nonce.lock().unwrap(),
        "email": "ada.pupil@district.example.org",
        "given_name": "Ada", "family_name": "Lovelace-GIVEN-MARK",
    }))
    .unwrap();
    let key = clever_key(c.key.load(Ordering::SeqCst));
    let token = CoreIdToken::new(
        claims,
        &key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap();
    axum::Json(json!({
        "access_token": "il3fb4c3clever-access", "token_type": "bearer", "id_token": token.to_string()
    }))
    .into_response()
}

async fn clever_userinfo(State(c): State<Clever>, headers: HeaderMap) -> axum::response::Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if bearer != "Bearer il3fb4c3clever-access" || c.revoked.load(Ordering::SeqCst) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_token"})),
        )
            .into_response();
    }
    axum::Json(json!({
        "sub": CLEVER_SUB, "email": "ada.pupil@district.example.org",
        "given_name": "Ada", "family_name": "Lovelace-GIVEN-MARK",
        "district": "5b2ad81a709e300001e2cd7a", "user_type": "student"
    }))
    .into_response()
}

async fn clever() -> Clever {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let c = Clever {
        base,
        nonce: Default::default(),
        key: Arc::new(std::sync::atomic::AtomicU8::new(1)),
        revoked: Default::default(),
    };
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(clever_discovery))
        .route("/oauth/certs", get(clever_certs))
        .route("/oauth/tokens", post(clever_tokens))
        .route("/userinfo", get(clever_userinfo))
        .with_state(c.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    c
}

/// Starts a sign-in at Kodlek and comes back as Clever would: the callback's answer.
async fn clever_round(app: &TestApp, c: &Clever) -> Answer {
    let start = app.get("/sign-in/sso/clever", None).await;
    let to = location(&start);
    assert!(
        to.starts_with(&format!("{}/oauth/authorize?", c.base)),
        "{to}"
    );
    assert_eq!(query_value(&to, "scope"), "openid email profile");
    *c.nonce.lock().unwrap() = query_value(&to, "nonce");
    let flow = set_cookie(&start, "kodlek_sso_flow").unwrap();
    let state = query_value(&to, "state");
    let back = format!("/sign-in/sso/clever/callback?code=clever-code&state={state}");
    app.get(&back, Some(&flow)).await
}

// promise SSO-2, SSO-3: Clever gives no refresh token, so its access token is kept (encrypted)
// and checked at its userinfo endpoint; its names other than `name` are not read; a new
// signing key is fetched when a token is signed by it; and a revoked access ends the session.
async fn clever_signs_in_a_pupil_and_follows_its_keys(app: TestApp) {
    let c = clever().await;
    let mut provider = facebook_at("http://127.0.0.1:9");
    provider.id = "clever".into();
    provider.label = "Clever".into();
    provider.client_id = "clever-client".into();
    provider.client_secret = "clever-secret".into();
    provider.scopes = vec!["email".into(), "profile".into()];
    provider.protocol = Protocol::Oidc {
        issuer: c.base.clone(),
        tenant_issuer: false,
    };
    let app = with_providers(app, vec![provider], 1);
    let page = clever_round(&app, &c).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text
            .contains("id=\"display_name\" name=\"display_name\" value=\"\""),
        "no name is proposed: Clever sends none"
    );
    let pending = set_cookie(&page, "kodlek_sso_new").unwrap();
    let csrf = set_cookie(&page, "kodlek_csrf").unwrap();
    let token = csrf.split_once('=').unwrap().1;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/sign-in/sso/clever/new")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("{pending}; {csrf}"))
        .body(axum::body::Body::from(format!(
            "csrf_token={token}&role=student&display_name=Ada&age=11&parent_email=parent.of.a.child%40example.net"
        )))
        .unwrap();
    let made = app.send(req).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let cookie = made.session_cookie().unwrap();
    let identity = app
        .state
        .store
        .identity_by_subject("clever", CLEVER_SUB)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(identity.token_kind.as_deref(), Some("access"));
    assert!(
        !identity
            .token_ciphertext
            .unwrap()
            .contains("il3fb4c3clever-access"),
        "encrypted"
    );
    let bytes = app.settled_database_bytes().await;
    assert!(!common::contains(&bytes, "GIVEN-MARK") && !common::contains(&bytes, "ada.pupil@"));

    // Clever signs with a new key: it is fetched, and the returning pupil signs in.
    c.key.store(2, Ordering::SeqCst);
    tokio::time::sleep(kodlek_web::sso::provider::REFETCH_AT_MOST_EVERY).await;
    let again = clever_round(&app, &c).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 0);
    c.revoked.store(true, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(kodlek_web::sso::recheck_due(&app.state).await.unwrap(), 1);
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

on_both_backends!(
    facebook_signs_up_a_teacher_and_revocation_ends_it,
    each_sign_in_route_answers_each_role,
    clever_signs_in_a_pupil_and_follows_its_keys,
);
