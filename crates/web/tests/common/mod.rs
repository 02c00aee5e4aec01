//! The test app: the real router in-process, a fresh database per test, mail in a temp outbox.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use kodlek_privacy::{Inventory, Keys, PasswordHasher};
use kodlek_services::Outbox;
use kodlek_store::Store;
use kodlek_web::{AppState, WebConfig};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

/// A level's reference solution, as the content gives it.
pub fn solution(level: &str) -> Value {
    kodlek_puzzles::catalog()
        .level(level)
        .unwrap()
        .1
        .reference_solution()
        .unwrap()
        .clone()
}

/// A program that is only "when run": it never reaches a goal or draws a line.
pub fn empty_program() -> Value {
    serde_json::json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run"}]}})
}

/// The parent's address that [`TestApp::sign_up`] gives for a child under 13.
pub const PARENT_EMAIL: &str = "parent.of.a.child@example.net";

/// The password of every staff member [`TestApp::staff_member`] makes.
pub const STAFF_PW: &str = "staff password for tests";

pub struct TestApp {
    pub router: axum::Router,
    pub state: AppState,
    pub dir: PathBuf,
    pub backend: &'static str,
    pub db_file: Option<PathBuf>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
    /// The `name=value` of the session cookie this answer sets.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with("kodlek_session="))
            .map(|c| c.split(';').next().unwrap().to_owned())
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

fn hasher() -> PasswordHasher {
    static H: std::sync::OnceLock<PasswordHasher> = std::sync::OnceLock::new();
    H.get_or_init(|| PasswordHasher::start(2)).clone()
}

impl TestApp {
    /// A browser-like visit to a page with a form (signed in with `cookie`, if given): the form
    /// token's cookie pair (`kodlek_csrf=...`) and the token. A form on the page carries it.
    pub async fn form_token(&self, path: &str, cookie: Option<&str>) -> (String, String) {
        let page = self.get(path, cookie).await;
        let pair = page
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("kodlek_csrf="))
            .expect("a form token cookie")
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let token = pair.trim_start_matches("kodlek_csrf=").to_owned();
        if page.text.contains("name=\"csrf_token\"") {
            assert!(page.text.contains(&format!("value=\"{token}\"")));
        }
        (pair, token)
    }

    /// Sends a form as a browser does: the fields URL-encoded, with these cookies.
    pub async fn post_form(&self, path: &str, cookies: &str, fields: &[(&str, &str)]) -> Answer {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let r = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookies)
            .body(Body::from(body))
            .unwrap();
        self.send(r).await
    }

    pub async fn with_store(
        store: Arc<dyn Store>,
        dir: PathBuf,
        db_file: Option<PathBuf>,
        public_url: &str,
    ) -> TestApp {
        let state = AppState {
            store: store.clone(),
            keys: Arc::new(Keys::generate()),
            hasher: hasher(),
            mailer: Arc::new(
                Outbox::new(dir.join("outbox"), "Kodlek <no-reply@kodlek.test>".into()).unwrap(),
            ),
            inventory: Arc::new(Inventory::shipped()),
            config: Arc::new(WebConfig {
                public_url: public_url.into(),
                trusted_proxies: vec![],
                child_sign_up: Default::default(),
            }),
            writer: kodlek_web::writer::AttemptWriter::start(store.clone()),
            anonymous: Arc::new(Default::default()),
            progress: Arc::new(Default::default()),
            request_log: Some(
                kodlek_web::request_log::RequestLog::start(
                    kodlek_web::request_log::RequestLogConfig {
                        dir: dir.join("logs"),
                        ip_days: 7,
                        keep_days: 30,
                    },
                )
                .unwrap(),
            ),
            media: kodlek_web::media::Media::local(&dir.join("media")).with_projects(Arc::new(
                kodlek_web::creations::SharedPrograms(store.clone()),
            )),
            sso: Arc::new(kodlek_web::sso::Sso::new(Default::default())),
        };
        let backend = state.store.backend();
        TestApp {
            router: kodlek_web::router(state.clone()),
            state,
            dir,
            backend,
            db_file,
        }
    }

    pub async fn sqlite_with_url(public_url: &str) -> TestApp {
        let dir = tempfile::tempdir().unwrap().keep();
        let file = dir.join("kodlek.db");
        let store = Arc::new(kodlek_store_sqlite::SqliteStore::open(&file).await.unwrap());
        Self::with_store(store, dir, Some(file), public_url).await
    }

    pub async fn sqlite() -> TestApp {
        Self::sqlite_with_url("http://kodlek.test").await
    }

    /// None (and a line saying so) when no PostgreSQL server is configured for tests.
    pub async fn postgres() -> Option<TestApp> {
        let Ok(url) = std::env::var("KODLEK_TEST_DATABASE_URL") else {
            println!("postgres tests: skipped (KODLEK_TEST_DATABASE_URL is not set)");
            return None;
        };
        let schema = format!("t_{}", kodlek_store::new_id());
        let store = match kodlek_store_postgres::PgStore::connect(&url, Some(&schema)).await {
            Ok(s) => Arc::new(s),
            Err(e) => {
                println!("postgres tests: skipped ({e})");
                return None;
            }
        };
        let dir = tempfile::tempdir().unwrap().keep();
        Some(Self::with_store(store, dir, None, "http://kodlek.test").await)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        cookie: Option<&str>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let req = match body {
            Some(v) => req
                .header("content-type", "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    pub async fn send(&self, req: Request<Body>) -> Answer {
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let answer = Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        };
        documented(&method, &path, &answer);
        answer
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        self.call(Method::GET, path, None, cookie).await
    }
    pub async fn post(&self, path: &str, body: Value, cookie: Option<&str>) -> Answer {
        self.call(Method::POST, path, Some(body), cookie).await
    }
    pub async fn patch(&self, path: &str, body: Value, cookie: Option<&str>) -> Answer {
        self.call(Method::PATCH, path, Some(body), cookie).await
    }
    pub async fn delete(&self, path: &str, body: Option<Value>, cookie: Option<&str>) -> Answer {
        self.call(Method::DELETE, path, body, cookie).await
    }

    /// Signs up and returns the session cookie and the user. A child under 13 signing up
    /// themselves gives [`PARENT_EMAIL`] unless the body names a parent, and the parent grants
    /// the permission through the emailed link, as a parent would: the account then keeps
    /// its progress, as most tests expect. [`TestApp::sign_up_pending`] stops before the grant.
    pub async fn sign_up(&self, body: Value) -> (String, Value) {
        let (cookie, mut user) = self.sign_up_pending(body).await;
        if user["permission"] == "pending" {
            self.grant_permission().await;
            user["permission"] = Value::from("granted");
        }
        (cookie, user)
    }

    /// [`TestApp::sign_up`] without the parent's answer: a child's permission stays pending.
    pub async fn sign_up_pending(&self, mut body: Value) -> (String, Value) {
        let child = body["role"] == "student"
            && body["age"].as_f64().is_some_and(|a| a < 13.0)
            && body.get("parent_email").is_none()
            && self.state.config.child_sign_up
                == kodlek_web::families::ChildSignUp::ParentPermission;
        if child {
            body["parent_email"] = Value::from(PARENT_EMAIL);
        }
        let a = self.post("/api/v1/accounts", body, None).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        (a.session_cookie().unwrap(), a.json()["user"].clone())
    }

    /// The parent grants the last permission asked for, through the link in their mail: the
    /// family code the answer offers.
    pub async fn grant_permission(&self) -> String {
        let token = self.last_link_token("/permissions/");
        let r = self
            .post(
                &format!("/api/v1/permissions/{token}"),
                serde_json::json!({"decision": "grant"}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["family_code"].as_str().unwrap_or("").to_owned()
    }

    /// The same app with another rule for children's own sign-up (`KODLEK_CHILD_SIGN_UP`).
    pub fn with_child_sign_up(mut self, rule: kodlek_web::families::ChildSignUp) -> TestApp {
        self.state.config = Arc::new(WebConfig {
            child_sign_up: rule,
            ..(*self.state.config).clone()
        });
        self.router = kodlek_web::router(self.state.clone());
        self
    }

    pub async fn student(&self, name: &str, email: &str, age: i64) -> (String, Value) {
        self.sign_up(serde_json::json!({"role": "student", "display_name": name, "email": email, "password": "correct horse battery", "age": age})).await
    }

    /// A teacher whose address is verified, signed in: the session cookie.
    pub async fn verified_teacher(&self, name: &str, email: &str) -> String {
        let (cookie, _) = self.teacher(name, email).await;
        let token = self.last_link_token("/verify-email/");
        let r = self
            .post(
                &format!("/api/v1/email-verifications/{token}"),
                serde_json::json!({}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        cookie
    }

    /// A new section "Class 2B" of the maze course: its `Section`.
    pub async fn section(&self, cookie: &str, login_type: &str) -> Value {
        let r = self
            .post(
                "/api/v1/sections",
                serde_json::json!({"name": "Class 2B", "course_id": "maze-intro", "login_type": login_type}),
                Some(cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()["section"].clone()
    }

    /// A student the teacher makes in a picture or word section, with the school's
    /// permission: `{"student", "secret"}`.
    pub async fn add_student(&self, cookie: &str, section_id: &str, name: &str) -> Value {
        let r = self
            .post(
                &format!("/api/v1/sections/{section_id}/students"),
                serde_json::json!({"display_name": name, "school_permission": true}),
                Some(cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()
    }

    /// A sign-in with a secret picture or words at the section's code.
    pub async fn secret_sign_in(&self, code: &str, student: &str, secret: &str) -> Answer {
        self.post(
            &format!("/api/v1/sign-in/{code}"),
            serde_json::json!({"student_id": student, "secret": secret}),
            None,
        )
        .await
    }

    /// An attempt at a level with this program, as the editor sends it.
    pub async fn attempt(&self, level: &str, program: &Value, cookie: Option<&str>) -> Answer {
        self.post(
            &format!("/api/v1/levels/{level}/attempts"),
            serde_json::json!({ "program": program }),
            cookie,
        )
        .await
    }

    pub async fn teacher(&self, name: &str, email: &str) -> (String, Value) {
        self.sign_up(serde_json::json!({"role": "teacher", "display_name": name, "email": email, "password": "correct horse battery"})).await
    }

    /// The mails in the outbox, oldest first.
    /// The request logs' text (promise TECH-1), once the writer has written a line holding
    /// `marker` (it writes off the request path, a moment after the answer).
    pub async fn request_logs(&self, marker: &str) -> String {
        let mut text = String::new();
        for _ in 0..200 {
            text.clear();
            if let Ok(entries) = std::fs::read_dir(self.dir.join("logs")) {
                for e in entries.flatten() {
                    text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
            if text.contains(marker) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        text
    }

    /// A staff member made as `kodlek staff add` makes one, with the password [`STAFF_PW`]:
    /// their account id and their TOTP secret.
    pub async fn staff_member(&self, email: &str, roles: &str) -> (String, String) {
        use kodlek_domain::{EmailAddress, Role, now_millis};
        let keys = &self.state.keys;
        let address = EmailAddress::new(email).unwrap();
        let secret = kodlek_privacy::totp::new_secret();
        let id = kodlek_store::new_id();
        let now = now_millis();
        let account = kodlek_store::AccountRecord {
            id: id.clone(),
            role: Role::Staff,
            display_name: format!("Staff {roles}"),
            username: None,
            age_years: None,
            age_stated_at: None,
            gender: None,
            email_lookup: Some(keys.email_lookup(&address)),
            email_ciphertext: Some(keys.encrypt(address.as_str())),
            email_verified: true,
            password_hash: Some(self.state.hasher.hash(STAFF_PW).await.unwrap()),
            school_name: None,
            school_address_ciphertext: None,
            managed_by_teacher: false,
            created_at: now,
            updated_at: now,
        };
        let row = kodlek_store::StaffRecord {
            account_id: id.clone(),
            roles: roles.into(),
            totp_secret_ciphertext: keys.encrypt(&secret),
            totp_last_step: None,
            created_at: now,
        };
        self.state.store.insert_staff(&account, &row).await.unwrap();
        (id, secret)
    }

    pub fn outbox(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.join("outbox"))
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// The mails in the outbox but those to the parents asked for a child's permission.
    pub fn outbox_but_parents(&self) -> Vec<String> {
        let to = format!("To: {PARENT_EMAIL}");
        self.outbox()
            .into_iter()
            .filter(|m| !m.contains(&to))
            .collect()
    }

    /// The token of the last link to `path_prefix` in the outbox.
    pub fn last_link_token(&self, path_prefix: &str) -> String {
        let mails = self.outbox();
        let mail = mails
            .iter()
            .rev()
            .find(|m| m.contains(path_prefix))
            .expect("a mail with that link");
        let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
        let at = unfolded.find(path_prefix).unwrap() + path_prefix.len();
        unfolded[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// The database files' bytes once the background checkpoint has nothing left to move
    /// from the WAL into the main file, so that a later read differs only by what the test did.
    pub async fn settled_database_bytes(&self) -> Vec<u8> {
        if self.db_file.is_none() {
            return Vec::new();
        }
        let mut last = self.database_bytes();
        for _ in 0..10 {
            tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
            let now = self.database_bytes();
            if now == last {
                return now;
            }
            last = now;
        }
        last
    }

    /// Every byte of the SQLite database files (main file, WAL, shared memory).
    pub fn database_bytes(&self) -> Vec<u8> {
        let Some(f) = &self.db_file else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let p = PathBuf::from(format!("{}{suffix}", f.display()));
            if let Ok(b) = std::fs::read(&p) {
                out.extend(b);
            }
        }
        out
    }
}

/// A request from the public form for parents, confirmed through its emailed link, waiting
/// for support's review: its id.
pub async fn confirmed_parent_request(app: &TestApp) -> String {
    let sent = app
        .post(
            "/api/v1/parent-requests",
            serde_json::json!({"parent_name": "Pat Parent", "parent_email": "pat.parent@example.net",
                "child_display_name": "Kim", "section_code": "KMNPQR", "school_name": "Hill School",
                "action": "deactivate", "details": "Kim is 8."}),
            None,
        )
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
    let token = app.last_link_token("/parent-requests/");
    let confirmed = app
        .post(
            &format!("/api/v1/parent-requests/{token}"),
            serde_json::json!({}),
            None,
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    assert_eq!(confirmed.json()["request"]["status"], "awaiting_review");
    sent.json()["request"]["id"].as_str().unwrap().to_owned()
}

/// The OpenAPI document, read once.
fn api_document() -> &'static Value {
    static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOC.get_or_init(kodlek_web::openapi::document)
}

/// Whether a request path matches a path template of the document (`{name}` is one segment).
fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<_> = template.split('/').collect();
    let p: Vec<_> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// Every answer of the API must be one its operation lists: the status, and for an error the
/// code. A route that answers what the document does not say fails the test that called it,
/// so that a client generated from the document is never surprised.
pub fn documented(method: &Method, path: &str, answer: &Answer) {
    if !(path.starts_with("/api/") || path == "/healthz") || path == "/api/openapi.json" {
        return;
    }
    let doc = api_document();
    let method = method.as_str().to_lowercase();
    let status = answer.status.as_str().to_owned();
    let code = serde_json::from_str::<Value>(&answer.text)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
    if answer.status.is_client_error() || answer.status.is_server_error() {
        assert!(
            code.is_some(),
            "{method} {path} answered {status} outside the error format: {}",
            answer.text
        );
    }
    let paths = doc["paths"].as_object().unwrap();
    // A literal path wins over a template (`/sections/join` over `/sections/{id}`).
    let mut candidates: Vec<_> = paths
        .iter()
        .filter(|(t, _)| matches_template(t, path))
        .collect();
    candidates.sort_by_key(|(t, _)| t.matches('{').count());
    let Some(op) = candidates.iter().find_map(|(_, item)| item.get(&method)) else {
        // No operation: only the catch-all's answers are allowed.
        assert!(
            matches!(answer.status.as_u16(), 404 | 405),
            "{method} {path} is not in the document but answered {status}"
        );
        return;
    };
    let resp = op["responses"].get(&status).unwrap_or_else(|| {
        panic!(
            "{method} {path} answered {status}, which its operation {} does not list: {}",
            op["operationId"], answer.text
        )
    });
    if let Some(code) = code
        && (answer.status.is_client_error() || answer.status.is_server_error())
    {
        let listed = resp["x-error-codes"]
            .as_array()
            .is_some_and(|l| l.iter().any(|c| c == code.as_str()));
        assert!(
            listed,
            "{method} {path} answered {status} `{code}`, which its operation {} does not list",
            op["operationId"]
        );
    }
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack.windows(n.len()).any(|w| w == n)
}

/// Runs each named test function on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::common::TestApp::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(app) = super::common::TestApp::postgres().await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
