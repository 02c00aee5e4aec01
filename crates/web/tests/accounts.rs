//! Router tests of the accounts API, on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{TestApp, contains};
use serde_json::json;

const PW: &str = "correct horse battery";

// promise ACCT-1: a display name and an age in whole years, never a birth date.
async fn student_sign_up_takes_a_name_and_an_age(app: TestApp) {
    let (cookie, me) = app.student("Cool Coder", "coder@example.org", 15).await;
    assert_eq!(me["display_name"], "Cool Coder");
    assert_eq!(me["age"], 15);
    assert_eq!(me["role"], "student");
    assert_eq!(me["under_13"], false);
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.json()["user"]["id"],
        me["id"]
    );
    for (body, code) in [
        (
            json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW}),
            "invalid_field",
        ),
        (
            json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW, "age": 3}),
            "invalid_field",
        ),
        (
            json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW, "age": 121}),
            "invalid_field",
        ),
        (
            json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW, "age": 10.5}),
            "invalid_field",
        ),
        (
            json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW, "age": "ten"}),
            "invalid_field",
        ),
        (
            json!({"role": "student", "display_name": "", "email": "a@example.org", "password": PW, "age": 9}),
            "invalid_field",
        ),
        (
            json!({"role": "student", "display_name": "x".repeat(41), "email": "a@example.org", "password": PW, "age": 9}),
            "invalid_field",
        ),
        (
            json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW, "age": 9, "birth_date": "2015-01-01"}),
            "unknown_field",
        ),
        (
            json!({"role": "teacher", "display_name": "A", "email": "a@example.org", "password": PW, "age": 40}),
            "invalid_field",
        ),
        (
            json!({"role": "parent", "display_name": "A", "email": "a@example.org", "password": PW, "age": 40}),
            "invalid_field",
        ),
        (
            json!({"role": "admin", "display_name": "A", "email": "a@example.org", "password": PW}),
            "invalid_field",
        ),
    ] {
        let a = app.post("/api/v1/accounts", body.clone(), None).await;
        assert_eq!(a.code(), code, "{body} -> {}", a.text);
        assert!(a.session_cookie().is_none());
    }
    let a = app.post("/api/v1/accounts", json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW, "age": 3}), None).await;
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("age"),
        "the field is named"
    );
    // Nothing of the refused sign-ups was stored.
    let again = app.post("/api/v1/accounts", json!({"role": "student", "display_name": "A", "email": "a@example.org", "password": PW, "age": 9, "parent_email": "parent.a@example.net"}), None).await;
    assert_eq!(again.status, StatusCode::CREATED);
}

// promise ACCT-2: gender is optional, from a fixed list, and shown only to its owner.
async fn gender_is_optional_and_private(app: TestApp) {
    let (cookie, me) = app.sign_up(json!({"role": "student", "display_name": "G", "email": "g@example.org", "password": PW, "age": 14, "gender": "female"})).await;
    assert_eq!(me["gender"], "female");
    let bad = app.post("/api/v1/accounts", json!({"role": "student", "display_name": "H", "email": "h@example.org", "password": PW, "age": 14, "gender": "robot"}), None).await;
    assert_eq!(bad.code(), "invalid_field");
    let cleared = app
        .patch("/api/v1/me", json!({"gender": null}), Some(&cookie))
        .await;
    assert_eq!(cleared.json()["user"]["gender"], serde_json::Value::Null);
    let teacher = app.post("/api/v1/accounts", json!({"role": "teacher", "display_name": "T", "email": "t@example.org", "password": PW, "gender": "male"}), None).await;
    assert_eq!(teacher.code(), "invalid_field");
}

// promise ACCT-3: email is required for self sign-up, unique, usable as the login, private.
async fn email_is_required_unique_and_the_login(app: TestApp) {
    let no_email = app
        .post(
            "/api/v1/accounts",
            json!({"role": "teacher", "display_name": "T", "password": PW}),
            None,
        )
        .await;
    assert_eq!(no_email.code(), "invalid_field");
    let bad = app.post("/api/v1/accounts", json!({"role": "teacher", "display_name": "T", "password": PW, "email": "not-an-address"}), None).await;
    assert_eq!(bad.code(), "invalid_field");
    app.teacher("Ms T", "Teacher@Example.org").await;
    let taken = app.post("/api/v1/accounts", json!({"role": "parent", "display_name": "P", "password": PW, "email": " teacher@EXAMPLE.org "}), None).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.code(), "email_taken");
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "TEACHER@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.json()["user"]["email"], "teacher@example.org");
    let wrong = app
        .post(
            "/api/v1/session",
            json!({"login": "teacher@example.org", "password": "wrong password"}),
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_credentials");
    let nobody = app
        .post(
            "/api/v1/session",
            json!({"login": "nobody@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(nobody.code(), "invalid_credentials");
}

// promise ACCT-4: a teacher may add a school name and address; the address is encrypted at rest.
async fn teachers_have_an_optional_school(app: TestApp) {
    let (cookie, me) = app.sign_up(json!({"role": "teacher", "display_name": "Ms Frizzle", "email": "frizzle@example.org", "password": PW, "school_name": "Walkerville Elementary", "school_address": "12 Magic Bus Lane"})).await;
    assert_eq!(me["school_name"], "Walkerville Elementary");
    assert_eq!(me["school_address"], "12 Magic Bus Lane");
    let bytes = app.database_bytes();
    assert!(
        !contains(&bytes, "12 Magic Bus Lane"),
        "the school address is encrypted at rest"
    );
    assert!(
        !contains(&bytes, "frizzle@example.org"),
        "the email is encrypted at rest"
    );
    let changed = app
        .patch(
            "/api/v1/me",
            json!({"school_address": null, "school_name": "Other School"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        changed.json()["user"]["school_address"],
        serde_json::Value::Null
    );
    assert_eq!(changed.json()["user"]["school_name"], "Other School");
    let student = app.post("/api/v1/accounts", json!({"role": "student", "display_name": "S", "email": "s@example.org", "password": PW, "age": 30, "school_name": "X"}), None).await;
    assert_eq!(student.code(), "invalid_field");
}

// promise ACCT-5: profiles carry no photo: there is no field for one anywhere.
async fn there_is_no_photo_field(app: TestApp) {
    for field in ["photo", "avatar", "picture", "avatar_url"] {
        let mut body = json!({"role": "student", "display_name": "P", "email": "p@example.org", "password": PW, "age": 12});
        body[field] = json!("data:image/png;base64,AAAA");
        assert_eq!(
            app.post("/api/v1/accounts", body, None).await.code(),
            "unknown_field"
        );
    }
    let (cookie, me) = app.student("P", "p@example.org", 12).await;
    assert!(me.get("photo").is_none() && me.get("avatar").is_none());
    assert_eq!(
        app.patch("/api/v1/me", json!({"avatar": "x"}), Some(&cookie))
            .await
            .code(),
        "unknown_field"
    );
}

// promise ACCT-6: own settings: update and correct at any time; a refused change changes nothing.
async fn users_correct_their_own_details(app: TestApp) {
    let (cookie, _) = app.student("Old Name", "old@example.org", 14).await;
    let a = app
        .patch(
            "/api/v1/me",
            json!({"display_name": "New Name", "age": 15}),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["user"]["display_name"], "New Name");
    assert_eq!(a.json()["user"]["age"], 15);
    let bad = app
        .patch(
            "/api/v1/me",
            json!({"display_name": "Newer", "age": 500}),
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.code(), "invalid_field");
    let me = app.get("/api/v1/me", Some(&cookie)).await.json();
    assert_eq!(
        me["user"]["display_name"], "New Name",
        "nothing of a refused change is written"
    );
    assert_eq!(
        app.patch("/api/v1/me", json!({"display_name": "X"}), None)
            .await
            .code(),
        "not_signed_in"
    );
    let taken = app
        .patch("/api/v1/me", json!({"username": "coder"}), Some(&cookie))
        .await;
    assert_eq!(taken.json()["user"]["username"], "coder");
    let (other, _) = app.student("Other", "other@example.org", 14).await;
    assert_eq!(
        app.patch("/api/v1/me", json!({"username": "Coder"}), Some(&other))
            .await
            .code(),
        "username_taken"
    );
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "coder", "password": PW}),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "sign-in by username");
}

// promise U13-1: the age gate follows the stated age and the time since it was stated.
async fn the_age_gate_follows_the_stated_age(app: TestApp) {
    let (cookie, me) = app.student("Kid", "kid13@example.org", 12).await;
    assert_eq!(me["under_13"], true);
    let id = me["id"].as_str().unwrap();
    let mut row = app.state.store.account_by_id(id).await.unwrap().unwrap();
    row.age_stated_at = Some(row.age_stated_at.unwrap() - kodlek_domain::YEAR_MILLIS - 1000);
    app.state.store.update_account(&row).await.unwrap();
    let me = app.get("/api/v1/me", Some(&cookie)).await.json();
    assert_eq!(me["user"]["age"], 13);
    assert_eq!(me["user"]["under_13"], false);
}

// promise U13-2: a child's email is only a keyed hash; it signs them in but is never shown.
async fn a_childs_email_is_kept_only_as_a_keyed_hash(app: TestApp) {
    let (_, me) = app.student("Little One", "little.one@example.org", 8).await;
    assert_eq!(me["email"], serde_json::Value::Null);
    assert_eq!(me["email_on_file"], true);
    assert_eq!(me["under_13"], true);
    let row = app
        .state
        .store
        .account_by_id(me["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.email_ciphertext, None);
    assert!(row.email_lookup.as_deref().unwrap().starts_with("v1:"));
    assert!(
        !contains(&app.database_bytes(), "little.one"),
        "the address is nowhere in the database files"
    );
    assert!(
        app.outbox_but_parents().is_empty(),
        "no mail to a child at sign-up"
    );
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "Little.One@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
    // An older learner who states an age under 13 loses the stored address.
    let (cookie, me) = app.student("Teen", "teen@example.org", 14).await;
    assert_eq!(me["email"], "teen@example.org");
    let a = app
        .patch("/api/v1/me", json!({"age": 11}), Some(&cookie))
        .await
        .json();
    assert_eq!(a["user"]["email"], serde_json::Value::Null);
    assert_eq!(a["user"]["email_on_file"], true);
    let row = app
        .state
        .store
        .account_by_id(me["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.email_ciphertext, None);
}

// promise U13-3: a child recovers their password through the hash; the link goes to the typed address.
async fn a_child_can_reset_their_password(app: TestApp) {
    app.student("Kid", "kid.reset@example.org", 9).await;
    let r = app
        .post(
            "/api/v1/password-resets",
            json!({"email": "KID.reset@example.org"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let mails = app.outbox_but_parents();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: kid.reset@example.org"));
    let token = app.last_link_token("/reset-password/");
    let done = app
        .post(
            &format!("/api/v1/password-resets/{token}"),
            json!({"password": "a brand new secret"}),
            None,
        )
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text);
    let reused = app
        .post(
            &format!("/api/v1/password-resets/{token}"),
            json!({"password": "another new secret"}),
            None,
        )
        .await;
    assert_eq!(reused.status, StatusCode::NOT_FOUND);
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "kid.reset@example.org", "password": "a brand new secret"}),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
    assert!(
        !contains(&app.database_bytes(), "kid.reset"),
        "the typed address was forgotten"
    );
    // Unknown addresses get the same answer and no mail.
    let none = app
        .post(
            "/api/v1/password-resets",
            json!({"email": "nobody@example.org"}),
            None,
        )
        .await;
    assert_eq!(none.status, StatusCode::ACCEPTED);
    assert_eq!(app.outbox_but_parents().len(), 1);
    let unknown = app
        .post(
            "/api/v1/password-resets/not-a-token",
            json!({"password": "whatever it is"}),
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn resets_are_limited_per_address(app: TestApp) {
    app.teacher("T", "limited@example.org").await;
    let before = app.outbox().len();
    for _ in 0..6 {
        let r = app
            .post(
                "/api/v1/password-resets",
                json!({"email": "limited@example.org"}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
    }
    assert_eq!(
        app.outbox().len() - before,
        3,
        "three mails per address per hour"
    );
}

// promise RIGHTS-1: the export holds everything the platform keeps, from the inventory.
async fn the_export_holds_everything_about_the_user(app: TestApp) {
    let (cookie, _) = app.sign_up(json!({"role": "teacher", "display_name": "Exporter", "email": "exp@example.org", "password": PW, "school_address": "1 Data Road"})).await;
    let e = app.get("/api/v1/me/export", Some(&cookie)).await;
    assert_eq!(e.status, StatusCode::OK);
    let v = e.json();
    for table in app.state.inventory.owned_tables().iter().map(|(t, _)| *t) {
        assert!(v["tables"][table].is_array(), "{table} is in the export");
    }
    let acct = &v["tables"]["accounts"][0];
    assert_eq!(acct["display_name"], "Exporter");
    assert_eq!(
        acct["email_ciphertext"], "exp@example.org",
        "decrypted for its owner"
    );
    assert_eq!(acct["school_address_ciphertext"], "1 Data Road");
    assert_eq!(acct["password_hash"], true, "only the presence of a hash");
    assert_eq!(acct["email_lookup"], true);
    assert_eq!(v["tables"]["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["tables"]["mail_tokens"].as_array().unwrap().len(),
        1,
        "the verification link"
    );
    assert!(!e.text.contains("$argon2id"));
    assert_eq!(
        app.get("/api/v1/me/export", None).await.code(),
        "not_signed_in"
    );
}

// promise RIGHTS-2: deletion erases the account and its personal data.
async fn deletion_erases_the_account(app: TestApp) {
    let (cookie, me) = app.sign_up(json!({"role": "teacher", "display_name": "Zyxwvut Canary", "email": "erase.me@example.org", "password": PW, "school_name": "Qqqschool"})).await;
    let id = me["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.delete(
            "/api/v1/me",
            Some(json!({"password": "wrong password"})),
            Some(&cookie)
        )
        .await
        .code(),
        "reauthentication_required"
    );
    assert_eq!(
        app.delete("/api/v1/me", None, Some(&cookie)).await.code(),
        "invalid_field"
    );
    let d = app
        .delete("/api/v1/me", Some(json!({"password": PW})), Some(&cookie))
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(app.state.store.account_by_id(&id).await.unwrap().is_none());
    for table in ["sessions", "mail_tokens"] {
        assert!(
            app.state
                .store
                .rows_owned_by(table, "account_id", &id)
                .await
                .unwrap()
                .is_empty()
        );
    }
    let bytes = app.database_bytes();
    for canary in ["Zyxwvut Canary", "Qqqschool", &id] {
        assert!(
            !contains(&bytes, canary),
            "{canary} is still in the database files"
        );
    }
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "erase.me@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(s.code(), "invalid_credentials");
    // The address is free again.
    app.teacher("Back", "erase.me@example.org").await;
}

// promise RIGHTS-3: identity is checked again before the email or the password changes.
async fn sensitive_changes_need_the_current_password(app: TestApp) {
    let (cookie, _) = app.teacher("T", "reauth@example.org").await;
    let second = app
        .post(
            "/api/v1/session",
            json!({"login": "reauth@example.org", "password": PW}),
            None,
        )
        .await
        .session_cookie()
        .unwrap();
    for body in [
        json!({"email": "new@example.org"}),
        json!({"email": "new@example.org", "current_password": "wrong one"}),
        json!({"password": "a new password here"}),
        json!({"password": "a new password here", "current_password": ""}),
    ] {
        let a = app.patch("/api/v1/me", body, Some(&cookie)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(a.code(), "reauthentication_required");
    }
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.json()["user"]["email"],
        "reauth@example.org"
    );
    let a = app
        .patch(
            "/api/v1/me",
            json!({"email": "new@example.org", "current_password": PW}),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.json()["user"]["email"], "new@example.org");
    assert_eq!(a.json()["user"]["email_verified"], false);
    let a = app
        .patch(
            "/api/v1/me",
            json!({"password": "a new password here", "current_password": PW}),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/me", Some(&second)).await.status,
        StatusCode::UNAUTHORIZED,
        "other sessions end"
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::OK,
        "this one stays"
    );
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "new@example.org", "password": "a new password here"}),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
}

async fn email_verification_links_work_once(app: TestApp) {
    let (cookie, me) = app.teacher("T", "verify@example.org").await;
    assert_eq!(me["email_verified"], false);
    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("http://kodlek.test/verify-email/"));
    let token = app.last_link_token("/verify-email/");
    assert_eq!(
        app.post(
            &format!("/api/v1/email-verifications/{token}"),
            json!({}),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/email-verifications/{token}"),
            json!({}),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.json()["user"]["email_verified"],
        true
    );
    // Students of 13 and over get a link too; children do not.
    app.student("Teen", "teen.v@example.org", 13).await;
    assert_eq!(app.outbox_but_parents().len(), 2);
    app.student("Kid", "kid.v@example.org", 12).await;
    assert_eq!(app.outbox_but_parents().len(), 2);
}

// promise SEC-1: passwords only as slow salted hashes; sign-in is rate limited.
async fn passwords_are_hashed_and_sign_in_is_limited(app: TestApp) {
    let (_, me) = app.teacher("T", "limits@example.org").await;
    let row = app
        .state
        .store
        .account_by_id(me["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.password_hash
            .unwrap()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
    assert!(!contains(&app.database_bytes(), PW));
    for _ in 0..10 {
        let a = app
            .post(
                "/api/v1/session",
                json!({"login": "limits@example.org", "password": "wrong password"}),
                None,
            )
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = app
        .post(
            "/api/v1/session",
            json!({"login": "limits@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked after ten wrong passwords, even with the right one"
    );
    assert_eq!(a.code(), "rate_limited");
    assert!(
        a.headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    for bad in ["short", "password", "12345678"] {
        let r = app.post("/api/v1/accounts", json!({"role": "parent", "display_name": "P", "email": "p@example.org", "password": bad}), None).await;
        assert_eq!(r.code(), "invalid_field", "{bad}");
    }
    let long = "x".repeat(129);
    let r = app.post("/api/v1/accounts", json!({"role": "parent", "display_name": "P", "email": "p@example.org", "password": long}), None).await;
    assert_eq!(r.code(), "invalid_field");
}

// promise SEC-1: a whole classroom shares one address; 35 children sign in at once.
async fn a_classroom_signs_in_from_one_address(app: TestApp) {
    let mut emails = Vec::new();
    for i in 0..35 {
        let e = format!("class{i}@example.org");
        app.state
            .store
            .insert_account(&kodlek_store::AccountRecord {
                id: kodlek_store::new_id(),
                role: kodlek_domain::Role::Student,
                display_name: format!("Student {i}"),
                username: None,
                age_years: Some(14),
                age_stated_at: Some(kodlek_domain::now_millis()),
                gender: None,
                email_lookup: Some(
                    app.state
                        .keys
                        .email_lookup(&kodlek_domain::EmailAddress::new(&e).unwrap()),
                ),
                email_ciphertext: None,
                email_verified: false,
                password_hash: Some(app.state.hasher.hash(PW).await.unwrap()),
                school_name: None,
                school_address_ciphertext: None,
                managed_by_teacher: false,
                created_at: 0,
                updated_at: 0,
            })
            .await
            .unwrap();
        emails.push(e);
    }
    let tasks: Vec<_> = emails
        .iter()
        .map(|e| app.post("/api/v1/session", json!({"login": e, "password": PW}), None))
        .collect();
    for t in tasks {
        assert_eq!(t.await.status, StatusCode::OK);
    }
}

// promise TECH-2: a session cookie without "remember me", a 30-day cookie with it.
async fn cookies_are_session_or_remembered(app: TestApp) {
    app.teacher("T", "cookie@example.org").await;
    let a = app
        .post(
            "/api/v1/session",
            json!({"login": "cookie@example.org", "password": PW}),
            None,
        )
        .await;
    let c = a
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("kodlek_session="))
        .unwrap();
    assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"));
    assert!(
        !c.contains("Max-Age") && !c.contains("Expires"),
        "a session cookie: {c}"
    );
    assert!(!c.contains("Secure"), "no Secure flag over plain http");
    let a = app
        .post(
            "/api/v1/session",
            json!({"login": "cookie@example.org", "password": PW, "remember_me": true}),
            None,
        )
        .await;
    let c = a
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("kodlek_session="))
        .unwrap();
    assert!(c.contains("Max-Age=2592000"), "{c}");
    let cookie = a.session_cookie().unwrap();
    let out = app.delete("/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

// promise TECH-2: the server ends a session after 12 hours unused.
async fn idle_sessions_end(app: TestApp) {
    let (cookie, _) = app.teacher("T", "idle@example.org").await;
    let token = cookie.trim_start_matches("kodlek_session=");
    let hash = kodlek_privacy::keys::token_digest(token);
    let now = kodlek_domain::now_millis();
    app.state
        .store
        .touch_session(&hash, now - 13 * 3600 * 1000, now - 3600 * 1000)
        .await
        .unwrap();
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(app.state.store.session(&hash).await.unwrap().is_none());
}

on_both_backends!(
    student_sign_up_takes_a_name_and_an_age,
    gender_is_optional_and_private,
    email_is_required_unique_and_the_login,
    teachers_have_an_optional_school,
    there_is_no_photo_field,
    users_correct_their_own_details,
    the_age_gate_follows_the_stated_age,
    a_childs_email_is_kept_only_as_a_keyed_hash,
    a_child_can_reset_their_password,
    resets_are_limited_per_address,
    the_export_holds_everything_about_the_user,
    deletion_erases_the_account,
    sensitive_changes_need_the_current_password,
    email_verification_links_work_once,
    passwords_are_hashed_and_sign_in_is_limited,
    a_classroom_signs_in_from_one_address,
    cookies_are_session_or_remembered,
    idle_sessions_end,
);
