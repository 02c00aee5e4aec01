//! Router tests of the sections contract (classrooms, teacher-created students, secret sign-in,
//! joining and leaving, the progress grid), on both backends.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

// promise CLASS-1: a teacher creates, names, re-courses and deletes sections; codes are easy
// to read aloud and can be replaced.
async fn teachers_manage_sections(app: TestApp) {
    let (unverified, _) = app.teacher("New", "new@example.org").await;
    let r = app
        .post(
            "/api/v1/sections",
            json!({"name": "X", "course_id": "maze-intro", "login_type": "word"}),
            Some(&unverified),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::FORBIDDEN, "email_unverified")
    );
    let (student, _) = app.student("Kid", "kid@example.org", 14).await;
    let r = app
        .post(
            "/api/v1/sections",
            json!({"name": "X", "course_id": "maze-intro", "login_type": "word"}),
            Some(&student),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    for (body, code) in [
        (
            json!({"name": " ", "course_id": "maze-intro", "login_type": "word"}),
            "invalid_field",
        ),
        (
            json!({"name": "A", "course_id": "nope", "login_type": "word"}),
            "unknown_course",
        ),
        (
            json!({"name": "A", "course_id": "maze-intro", "login_type": "sms"}),
            "invalid_field",
        ),
        (
            json!({"name": "A", "course_id": "maze-intro", "login_type": "word", "year": 3}),
            "unknown_field",
        ),
    ] {
        let r = app.post("/api/v1/sections", body, Some(&t)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code.to_owned())
        );
    }
    assert!(
        app.get("/api/v1/sections", Some(&t)).await.json()["sections"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let sec = app.section(&t, "picture").await;
    let code = s(&sec["code"]).to_owned();
    assert_eq!(code.len(), 6);
    assert!(
        code.bytes()
            .all(|b| kodlek_domain::CODE_ALPHABET.contains(&b))
    );
    let id = s(&sec["id"]).to_owned();
    let list = app.get("/api/v1/sections", Some(&t)).await.json();
    assert_eq!(list["sections"][0]["id"], sec["id"]);

    let r = app
        .patch(
            &format!("/api/v1/sections/{id}"),
            json!({"name": "Class 3B", "course_id": "artist-intro"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["section"]["name"], "Class 3B");
    assert_eq!(r.json()["section"]["course_id"], "artist-intro");
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}"),
            json!({"course_id": "nope"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = app
        .get(&format!("/api/v1/sections/{id}"), Some(&t))
        .await
        .json();
    assert_eq!(
        detail["section"]["course_id"], "artist-intro",
        "a refused change changes nothing"
    );

    let r = app
        .post(&format!("/api/v1/sections/{id}/code"), json!({}), Some(&t))
        .await;
    let new_code = s(&r.json()["section"]["code"]).to_owned();
    assert_ne!(new_code, code);
    assert_eq!(
        app.get(&format!("/api/v1/sign-in/{code}"), None)
            .await
            .code(),
        "section_not_found"
    );
    assert_eq!(
        app.get(&format!("/api/v1/sign-in/{new_code}"), None)
            .await
            .status,
        StatusCode::OK
    );
    // Typed as a child might: lower case, with a dash.
    let typed = format!("{}-{}", &new_code[..3], &new_code[3..]).to_lowercase();
    assert_eq!(
        app.get(&format!("/api/v1/sign-in/{typed}"), None)
            .await
            .status,
        StatusCode::OK
    );

    let r = app
        .delete(&format!("/api/v1/sections/{id}"), None, Some(&t))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["erased_students"], 0);
    assert_eq!(
        app.get(&format!("/api/v1/sections/{id}"), Some(&t))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

// promise CLASS-5: another teacher gets 404 for a section that is not theirs, and the
// responses the teachers get carry no email.
async fn other_teachers_see_nothing(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let other = app.verified_teacher("Mr Ek", "ek@example.org").await;
    let sec = app.section(&t, "word").await;
    let id = s(&sec["id"]).to_owned();
    let kid = app.add_student(&t, &id, "Alva").await;
    let kid_id = s(&kid["student"]["id"]).to_owned();
    let paths = [
        format!("/api/v1/sections/{id}"),
        format!("/api/v1/sections/{id}/progress"),
        format!("/api/v1/sections/{id}/sign-in-cards"),
        format!("/api/v1/sections/{id}/students/{kid_id}/levels/maze-1"),
    ];
    for p in &paths {
        let r = app.get(p, Some(&other)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
        assert_eq!(app.get(p, Some(&t)).await.status, StatusCode::OK, "{p}");
    }
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}"),
            json!({"name": "Mine"}),
            Some(&other),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .delete(&format!("/api/v1/sections/{id}"), None, Some(&other))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &format!("/api/v1/sections/{id}/students/{kid_id}/secret"),
            json!({}),
            Some(&other),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        !app.get("/api/v1/sections", Some(&other))
            .await
            .text
            .contains(&id)
    );
    // A student of the section with their own address: the teacher never sees it.
    let (own, _) = app.student("Bo", "bo.own@example.org", 14).await;
    let r = app
        .post(
            "/api/v1/sections/join",
            json!({"code": sec["code"]}),
            Some(&own),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for p in &paths[..3] {
        let text = app.get(p, Some(&t)).await.text;
        assert!(
            !text.contains("bo.own@example.org") && !text.contains("email"),
            "{p}: {text}"
        );
    }
}

// promise U13-6: a child's account needs the teacher's attestation, which is recorded.
// promise CLASS-2: students get secret words or pictures.
async fn teachers_create_students(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let email_sec = app.section(&t, "email").await;
    let r = app
        .post(
            &format!("/api/v1/sections/{}/students", s(&email_sec["id"])),
            json!({"display_name": "Alva", "school_permission": true}),
            Some(&t),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_login_type")
    );

    let sec = app.section(&t, "word").await;
    let id = s(&sec["id"]).to_owned();
    let url = format!("/api/v1/sections/{id}/students");
    for body in [
        json!({"display_name": "Alva"}),
        json!({"display_name": "Alva", "age": 8}),
    ] {
        let r = app.post(&url, body, Some(&t)).await;
        assert_eq!(r.code(), "school_permission_required");
    }
    for (body, code) in [
        (
            json!({"display_name": "", "school_permission": true}),
            "invalid_field",
        ),
        (
            json!({"display_name": "Alva", "age": 2, "school_permission": true}),
            "invalid_field",
        ),
        (
            json!({"display_name": "Alva", "gender": "robot", "school_permission": true}),
            "invalid_field",
        ),
        (
            json!({"display_name": "Alva", "email": "a@b.se", "school_permission": true}),
            "unknown_field",
        ),
    ] {
        assert_eq!(app.post(&url, body, Some(&t)).await.code(), code);
    }
    // Thirteen and over needs no attestation.
    let r = app
        .post(
            &url,
            json!({"display_name": "Teen", "age": 13, "gender": "female"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = app
        .post(
            &url,
            json!({"display_name": "Alva", "age": 8, "school_permission": true}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let alva = r.json();
    assert_eq!(alva["student"]["age"], 8);
    assert_eq!(alva["student"]["managed_by_teacher"], true);
    assert_eq!(alva["secret"]["kind"], "word");
    let words: Vec<&str> = s(&alva["secret"]["value"]).split(' ').collect();
    assert_eq!(words.len(), 2);
    assert!(
        words
            .iter()
            .all(|w| !w.is_empty() && *w == w.to_lowercase())
    );
    let alva_id = s(&alva["student"]["id"]).to_owned();
    let store = &app.state.store;
    let p = store
        .permission(&alva_id)
        .await
        .unwrap()
        .expect("attestation recorded");
    assert_eq!(p.section_id, id);
    assert!(p.attested_at > 0);
    assert!(!p.teacher_id.is_empty());
    let stored = store.secret(&alva_id).await.unwrap().unwrap();
    assert!(
        !stored.ciphertext.contains(words[0]),
        "the secret is stored encrypted"
    );
    let r = app
        .post(
            &url,
            json!({"display_name": "alva", "school_permission": true}),
            Some(&t),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::CONFLICT, "display_name_taken")
    );

    // A pasted list: all or nothing.
    let bulk = format!("/api/v1/sections/{id}/students/bulk");
    for (body, code) in [
        (
            json!({"names": [], "school_permission": true}),
            "invalid_field",
        ),
        (
            json!({"names": ["Ebba", "Frank"]}),
            "school_permission_required",
        ),
        (
            json!({"names": ["Ebba", " ", "Frank"], "school_permission": true}),
            "invalid_field",
        ),
        (
            json!({"names": ["Ebba", "Alva"], "school_permission": true}),
            "display_name_taken",
        ),
        (
            json!({"names": ["Ebba", "ebba"], "school_permission": true}),
            "display_name_taken",
        ),
    ] {
        assert_eq!(app.post(&bulk, body, Some(&t)).await.code(), code);
    }
    assert_eq!(
        app.get(&format!("/api/v1/sections/{id}"), Some(&t))
            .await
            .json()["students"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "a refused list adds nobody"
    );
    let r = app
        .post(
            &bulk,
            json!({"names": ["Ebba", "Frank", "Greta"], "school_permission": true}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let created = r.json()["students"].as_array().unwrap().clone();
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|c| c["secret"]["kind"] == "word"));
    assert!(
        store
            .permission(s(&created[0]["student"]["id"]))
            .await
            .unwrap()
            .is_some()
    );

    let detail = app
        .get(&format!("/api/v1/sections/{id}"), Some(&t))
        .await
        .json();
    let names: Vec<&str> = detail["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Alva", "Ebba", "Frank", "Greta", "Teen"]);

    // Cards: the address, every managed student and their secret.
    let cards = app
        .get(&format!("/api/v1/sections/{id}/sign-in-cards"), Some(&t))
        .await
        .json();
    assert_eq!(
        cards["sign_in_url"],
        format!("http://kodlek.test/sign-in/{}", s(&sec["code"]))
    );
    let alva_card = cards["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["student_id"] == alva_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(alva_card["secret"], alva["secret"]);
    assert_eq!(cards["cards"].as_array().unwrap().len(), 5);

    // Corrections while the teacher is in control.
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}/students/{alva_id}"),
            json!({"display_name": "Alva K", "age": 9, "gender": null}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["student"]["display_name"], "Alva K");
    assert_eq!(r.json()["student"]["age"], 9);
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}/students/{alva_id}"),
            json!({"display_name": "Ebba"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.code(), "display_name_taken");
}

// promise CLASS-2: a young student signs in by picking their name and their picture.
async fn students_sign_in_with_a_picture(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let code = s(&sec["code"]).to_owned();
    let kid = app.add_student(&t, s(&sec["id"]), "Alva").await;
    let kid_id = s(&kid["student"]["id"]).to_owned();
    assert_eq!(kid["secret"]["kind"], "picture");
    let picture = s(&kid["secret"]["value"]).to_owned();

    let pictures = app.get("/api/v1/pictures?lang=sv", None).await.json();
    let all = pictures["pictures"].as_array().unwrap();
    assert!(all.len() >= 40);
    let mine = all
        .iter()
        .find(|p| p["id"] == picture.as_str())
        .expect("the secret is a picture");
    let svg = app.get(s(&mine["url"]), None).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(svg.headers["content-type"], "image/svg+xml");
    assert!(svg.text.starts_with("<svg"));
    assert_eq!(
        app.get("/static/pictures/nope.svg", None).await.status,
        StatusCode::NOT_FOUND
    );

    let page = app
        .get(&format!("/api/v1/sign-in/{code}"), None)
        .await
        .json();
    assert_eq!(page["section_name"], "Class 2B");
    assert_eq!(page["login_type"], "picture");
    assert_eq!(
        page["students"],
        json!([{"id": kid_id, "display_name": "Alva"}])
    );
    assert_eq!(
        app.get("/api/v1/sign-in/ZZZZZZ", None).await.code(),
        "section_not_found"
    );
    assert_eq!(
        app.get("/api/v1/sign-in/not-a-code", None).await.code(),
        "section_not_found"
    );

    let wrong = all
        .iter()
        .map(|p| s(&p["id"]))
        .find(|p| *p != picture)
        .unwrap();
    let r = app.secret_sign_in(&code, &kid_id, wrong).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    assert!(r.session_cookie().is_none());
    let r = app.secret_sign_in(&code, "someone-else", &picture).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post(
            &format!("/api/v1/sign-in/{code}"),
            json!({"student_id": kid_id, "secret": picture, "pin": 1}),
            None,
        )
        .await;
    assert_eq!(r.code(), "unknown_field");

    let r = app.secret_sign_in(&code, &kid_id, &picture).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["user"]["display_name"], "Alva");
    assert_eq!(r.json()["user"]["managed_by_teacher"], true);
    let cookie = r.session_cookie().unwrap();
    // No "remember me" unless asked: a session cookie, gone when the browser closes.
    assert!(!r.set_cookies()[0].contains("Max-Age"));
    let me = app.get("/api/v1/me", Some(&cookie)).await.json();
    assert_eq!(me["user"]["id"], kid_id.as_str());
    let mine = app.get("/api/v1/me/sections", Some(&cookie)).await.json();
    assert_eq!(mine["sections"][0]["teacher_display_name"], "Ms Berg");

    // The same student in another section, by that section's code, is not found there.
    let other = app.section(&t, "picture").await;
    let r = app
        .secret_sign_in(s(&other["code"]), &kid_id, &picture)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

// promise CLASS-2: guessing is bounded: ten wrong secrets in a row lock the student's sign-in
// until a teacher unlocks it.
async fn guessing_locks_until_a_teacher_unlocks(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "word").await;
    let (id, code) = (s(&sec["id"]).to_owned(), s(&sec["code"]).to_owned());
    let kid = app.add_student(&t, &id, "Alva").await;
    let kid_id = s(&kid["student"]["id"]).to_owned();
    let secret = s(&kid["secret"]["value"]).to_owned();
    for _ in 0..10 {
        let r = app.secret_sign_in(&code, &kid_id, "wrong words").await;
        assert_eq!(r.code(), "invalid_credentials");
    }
    let r = app.secret_sign_in(&code, &kid_id, &secret).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 800 && wait <= 900, "{wait}");
    let detail = app
        .get(&format!("/api/v1/sections/{id}"), Some(&t))
        .await
        .json();
    assert_eq!(detail["students"][0]["sign_in_locked"], true);

    let r = app
        .post(
            &format!("/api/v1/sections/{id}/students/{kid_id}/unlock"),
            json!({}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Typed with capitals and extra spaces: still the same words.
    let typed = format!("  {}  ", secret.to_uppercase().replace(' ', "   "));
    let r = app.secret_sign_in(&code, &kid_id, &typed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let detail = app
        .get(&format!("/api/v1/sections/{id}"), Some(&t))
        .await
        .json();
    assert_eq!(detail["students"][0]["sign_in_locked"], false);
}

// promise CLASS-3: the teacher resets a secret while in control; not once the student has
// taken control of the account.
async fn secrets_reset_until_the_student_takes_control(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let (id, code) = (s(&sec["id"]).to_owned(), s(&sec["code"]).to_owned());
    let kid = app.add_student(&t, &id, "Alva").await;
    let kid_id = s(&kid["student"]["id"]).to_owned();
    let old = s(&kid["secret"]["value"]).to_owned();
    let mut fresh = old.clone();
    // A new secret is random: it may by chance be the same picture; ask until it differs.
    for _ in 0..20 {
        let r = app
            .post(
                &format!("/api/v1/sections/{id}/students/{kid_id}/secret"),
                json!({}),
                Some(&t),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        fresh = s(&r.json()["secret"]["value"]).to_owned();
        if fresh != old {
            break;
        }
    }
    assert_ne!(fresh, old);
    assert_eq!(
        app.secret_sign_in(&code, &kid_id, &old).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app.secret_sign_in(&code, &kid_id, &fresh).await;
    let cookie = r.session_cookie().unwrap();

    // Changing the section to words gives every managed student words.
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}"),
            json!({"login_type": "word"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cards = app
        .get(&format!("/api/v1/sections/{id}/sign-in-cards"), Some(&t))
        .await
        .json();
    assert_eq!(cards["cards"][0]["secret"]["kind"], "word");
    let words = s(&cards["cards"][0]["secret"]["value"]).to_owned();
    // The new words end the session opened with the picture: sign in again with them.
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let cookie = app
        .secret_sign_in(&code, &kid_id, &words)
        .await
        .session_cookie()
        .unwrap();
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}"),
            json!({"login_type": "email"}),
            Some(&t),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::CONFLICT, "managed_students_present")
    );

    // The student takes control with a username and a password.
    let r = app
        .patch(
            "/api/v1/me",
            json!({"username": "x", "password": "correct horse battery"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.code(), "invalid_field");
    let r = app
        .patch(
            "/api/v1/me",
            json!({"username": "alva.k", "password": "correct horse battery"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["user"]["managed_by_teacher"], false);
    assert_eq!(
        app.secret_sign_in(&code, &kid_id, &words).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post(
            "/api/v1/session",
            json!({"login": "alva.k", "password": "correct horse battery"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post(
            &format!("/api/v1/sections/{id}/students/{kid_id}/secret"),
            json!({}),
            Some(&t),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::CONFLICT, "student_in_control")
    );
    let r = app
        .patch(
            &format!("/api/v1/sections/{id}/students/{kid_id}"),
            json!({"display_name": "Z"}),
            Some(&t),
        )
        .await;
    assert_eq!(r.code(), "student_in_control");
    let detail = app
        .get(&format!("/api/v1/sections/{id}"), Some(&t))
        .await
        .json();
    assert_eq!(detail["students"][0]["managed_by_teacher"], false);
    assert_eq!(
        detail["students"][0]["age"],
        Value::Null,
        "the student decides now"
    );
    let cards = app
        .get(&format!("/api/v1/sections/{id}/sign-in-cards"), Some(&t))
        .await
        .json();
    assert!(cards["cards"].as_array().unwrap().is_empty());
    // A second student with the same username is refused.
    let kid2 = app.add_student(&t, &id, "Bo").await;
    let r = app
        .secret_sign_in(
            &code,
            s(&kid2["student"]["id"]),
            s(&kid2["secret"]["value"]),
        )
        .await;
    let c2 = r.session_cookie().unwrap();
    let r = app
        .patch(
            "/api/v1/me",
            json!({"username": "alva.k", "password": "correct horse battery"}),
            Some(&c2),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::CONFLICT, "username_taken")
    );
}

// promise CLASS-4: students join and leave as many sections as they like; a teacher's access
// ends the moment the student leaves.
async fn students_join_and_leave(app: TestApp) {
    let t1 = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let t2 = app.verified_teacher("Mr Ek", "ek@example.org").await;
    let a = app.section(&t1, "email").await;
    let b = app.section(&t2, "picture").await;
    let (kid, me) = app.student("Bo", "bo@example.org", 11).await;
    let kid_id = s(&me["id"]).to_owned();
    for (body, code) in [
        (json!({"code": "ZZZZZZ"}), "section_not_found"),
        (json!({"code": "hello!"}), "section_not_found"),
        (json!({"code": a["code"], "name": "x"}), "unknown_field"),
    ] {
        assert_eq!(
            app.post("/api/v1/sections/join", body, Some(&kid))
                .await
                .code(),
            code
        );
    }
    assert_eq!(
        app.post("/api/v1/sections/join", json!({"code": "KMNPQR"}), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post(
            "/api/v1/sections/join",
            json!({"code": a["code"]}),
            Some(&t2),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "teachers do not join as students"
    );
    let r = app
        .post(
            "/api/v1/sections/join",
            json!({"code": a["code"]}),
            Some(&kid),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json()["section"],
        json!({"id": a["id"], "name": "Class 2B", "teacher_display_name": "Ms Berg", "teachers": ["Ms Berg"]})
    );
    let again = app
        .post(
            "/api/v1/sections/join",
            json!({"code": a["code"]}),
            Some(&kid),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let r = app
        .post(
            "/api/v1/sections/join",
            json!({"code": b["code"]}),
            Some(&kid),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mine = app.get("/api/v1/me/sections", Some(&kid)).await.json();
    assert_eq!(mine["sections"].as_array().unwrap().len(), 2);
    let detail = app
        .get(&format!("/api/v1/sections/{}", s(&a["id"])), Some(&t1))
        .await
        .json();
    assert_eq!(
        detail["students"].as_array().unwrap().len(),
        1,
        "joining twice counts once"
    );
    // Own-account students are not on the sign-in page: they sign in with their password.
    let page = app
        .get(&format!("/api/v1/sign-in/{}", s(&b["code"])), None)
        .await
        .json();
    assert!(page["students"].as_array().unwrap().is_empty());

    let attempts = format!(
        "/api/v1/sections/{}/students/{kid_id}/levels/maze-1",
        s(&a["id"])
    );
    assert_eq!(app.get(&attempts, Some(&t1)).await.status, StatusCode::OK);
    let r = app
        .delete(
            &format!("/api/v1/me/sections/{}", s(&a["id"])),
            None,
            Some(&kid),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&attempts, Some(&t1)).await.status,
        StatusCode::NOT_FOUND
    );
    let grid = app
        .get(
            &format!("/api/v1/sections/{}/progress", s(&a["id"])),
            Some(&t1),
        )
        .await
        .json();
    assert!(grid["students"].as_array().unwrap().is_empty());
    let r = app
        .delete(
            &format!("/api/v1/me/sections/{}", s(&a["id"])),
            None,
            Some(&kid),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        app.get("/api/v1/me", Some(&kid)).await.status == StatusCode::OK,
        "the account stays"
    );

    // A managed student cannot leave the last section they sign in through.
    let managed = app.add_student(&t2, s(&b["id"]), "Alva").await;
    let r = app
        .secret_sign_in(
            s(&b["code"]),
            s(&managed["student"]["id"]),
            s(&managed["secret"]["value"]),
        )
        .await;
    let mc = r.session_cookie().unwrap();
    let r = app
        .delete(
            &format!("/api/v1/me/sections/{}", s(&b["id"])),
            None,
            Some(&mc),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::CONFLICT, "last_section")
    );
}

// promise ACCT-6: removing a managed student left in no section erases the account; deleting
// a section says how many were erased.
async fn removal_erases_managed_students_in_no_section(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let id = s(&sec["id"]).to_owned();
    let a = app.add_student(&t, &id, "Alva").await;
    let b = app.add_student(&t, &id, "Bo").await;
    let (own, me) = app.student("Cleo", "cleo@example.org", 14).await;
    app.post(
        "/api/v1/sections/join",
        json!({"code": sec["code"]}),
        Some(&own),
    )
    .await;
    let a_id = s(&a["student"]["id"]).to_owned();
    let r = app
        .delete(
            &format!("/api/v1/sections/{id}/students/{a_id}"),
            None,
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        app.state
            .store
            .account_by_id(&a_id)
            .await
            .unwrap()
            .is_none()
    );
    let r = app
        .delete(
            &format!("/api/v1/sections/{id}/students/{a_id}"),
            None,
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .delete(&format!("/api/v1/sections/{id}"), None, Some(&t))
        .await;
    assert_eq!(r.json()["erased_students"], 1);
    assert!(
        app.state
            .store
            .account_by_id(s(&b["student"]["id"]))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.state
            .store
            .account_by_id(s(&me["id"]))
            .await
            .unwrap()
            .is_some()
    );
}

// promise PROG-4: the teacher sees each student's progress per level, where they need help,
// and their code and written answers, read-only.
// promise MSG-2: written answers reach the student's current teachers and nobody else.
async fn the_dashboard_shows_progress_and_code(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "word").await;
    let (id, code) = (s(&sec["id"]).to_owned(), s(&sec["code"]).to_owned());
    let kid = app.add_student(&t, &id, "Alva").await;
    let kid_id = s(&kid["student"]["id"]).to_owned();
    let cookie = app
        .secret_sign_in(&code, &kid_id, s(&kid["secret"]["value"]))
        .await
        .session_cookie()
        .unwrap();
    let solution = common::solution("maze-1");
    let wrong =
        json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s"}]}});
    let r = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": wrong}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.post(
        "/api/v1/levels/maze-1/attempts",
        json!({"program": solution}),
        Some(&cookie),
    )
    .await;
    for _ in 0..6 {
        app.post(
            "/api/v1/levels/maze-2/attempts",
            json!({"program": wrong}),
            Some(&cookie),
        )
        .await;
    }
    let r = app
        .post(
            "/api/v1/levels/maze-reflect/attempts",
            json!({"answer": "I used a loop."}),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A level of another course is not in this section's grid.
    app.post(
        "/api/v1/levels/artist-1/attempts",
        json!({"program": wrong}),
        Some(&cookie),
    )
    .await;

    let grid = app
        .get(&format!("/api/v1/sections/{id}/progress?lang=sv"), Some(&t))
        .await
        .json();
    assert_eq!(grid["course_id"], "maze-intro");
    let levels = grid["levels"].as_array().unwrap();
    assert_eq!(levels[0]["id"], "maze-1");
    assert_eq!(
        levels.len(),
        kodlek_puzzles::catalog().levels_of("maze-intro").len()
    );
    let row = &grid["students"][0];
    assert_eq!(row["display_name"], "Alva");
    assert_eq!(
        row["levels"]["maze-1"]["status"], "perfect",
        "the best status"
    );
    assert_eq!(row["levels"]["maze-1"]["attempts"], 2);
    assert_eq!(row["levels"]["maze-2"]["status"], "failed");
    assert!(row["levels"].get("artist-1").is_none());
    assert!(row["levels"].get("maze-3").is_none());
    assert_eq!(row["needs_help"], json!(["maze-2"]));

    let r = app
        .get(
            &format!("/api/v1/sections/{id}/students/{kid_id}/levels/maze-1"),
            Some(&t),
        )
        .await
        .json();
    let attempts = r["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1]["status"], "perfect");
    assert!(attempts[1]["program"]["blocks"].is_object());
    let r = app
        .get(
            &format!("/api/v1/sections/{id}/students/{kid_id}/levels/maze-reflect"),
            Some(&t),
        )
        .await
        .json();
    assert_eq!(r["attempts"][0]["answer"], "I used a loop.");
    let answers = format!("/api/v1/sections/{id}/students/{kid_id}/levels/maze-reflect");
    let other = app.verified_teacher("Mr Ek", "ek@example.org").await;
    assert_eq!(
        app.get(&answers, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let own = app.get(&answers, Some(&cookie)).await;
    assert_eq!(own.status, StatusCode::NOT_FOUND, "a student is no teacher");
    // Once the student is no longer in the section, its teacher sees nothing either.
    app.delete(
        &format!("/api/v1/sections/{id}/students/{kid_id}"),
        None,
        Some(&t),
    )
    .await;
    assert_eq!(
        app.get(&answers, Some(&t)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .get(
            &format!("/api/v1/sections/{id}/students/{kid_id}/levels/no-such"),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

// Co-teachers do everything but delete the section; invitations are single-use.
async fn co_teachers_share_a_section(app: TestApp) {
    let owner = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let co = app.verified_teacher("Mr Ek", "ek@example.org").await;
    let sec = app.section(&owner, "picture").await;
    let id = s(&sec["id"]).to_owned();
    let r = app
        .post(
            &format!("/api/v1/sections/{id}/invitations"),
            json!({}),
            Some(&co),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "only its teachers invite");
    let r = app
        .post(
            &format!("/api/v1/sections/{id}/invitations"),
            json!({}),
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let url = s(&r.json()["invitation_url"]).to_owned();
    let token = url.rsplit('/').next().unwrap().to_owned();
    let (kid, _) = app.student("Kid", "kid@example.org", 14).await;
    let accept = format!("/api/v1/section-invitations/{token}");
    assert_eq!(
        app.post(&accept, json!({}), Some(&kid)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post(&accept, json!({}), Some(&co)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        app.post(&accept, json!({}), Some(&co)).await.status,
        StatusCode::NOT_FOUND
    );

    let kid = app.add_student(&co, &id, "Alva").await;
    assert_eq!(kid["secret"]["kind"], "picture");
    let detail = app
        .get(&format!("/api/v1/sections/{id}"), Some(&co))
        .await
        .json();
    assert_eq!(detail["teachers"].as_array().unwrap().len(), 2);
    assert_eq!(detail["teachers"][0]["owner"], true);
    let r = app
        .delete(&format!("/api/v1/sections/{id}"), None, Some(&co))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let co_id = s(&detail["teachers"][1]["id"]).to_owned();
    let owner_id = s(&detail["teachers"][0]["id"]).to_owned();
    let r = app
        .delete(
            &format!("/api/v1/sections/{id}/teachers/{owner_id}"),
            None,
            Some(&co),
        )
        .await;
    assert_eq!(r.code(), "owner_cannot_leave");
    let r = app
        .delete(
            &format!("/api/v1/sections/{id}/teachers/{co_id}"),
            None,
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/sections/{id}"), Some(&co))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

// A teacher who deletes their account hands their sections to a co-teacher, or takes them
// (and the managed students in no other section) along.
async fn a_teacher_leaving_hands_over_or_deletes(app: TestApp) {
    let owner = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let co = app.verified_teacher("Mr Ek", "ek@example.org").await;
    let shared = app.section(&owner, "picture").await;
    let alone = app.section(&owner, "picture").await;
    let r = app
        .post(
            &format!("/api/v1/sections/{}/invitations", s(&shared["id"])),
            json!({}),
            Some(&owner),
        )
        .await;
    let token = s(&r.json()["invitation_url"])
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/section-invitations/{token}"),
        json!({}),
        Some(&co),
    )
    .await;
    let kid = app.add_student(&owner, s(&alone["id"]), "Alva").await;
    let r = app
        .delete(
            "/api/v1/me",
            Some(json!({"password": "correct horse battery"})),
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let d = app
        .get(&format!("/api/v1/sections/{}", s(&shared["id"])), Some(&co))
        .await
        .json();
    assert_eq!(d["teachers"][0]["owner"], true);
    assert_eq!(d["teachers"].as_array().unwrap().len(), 1);
    assert!(
        app.state
            .store
            .section(s(&alone["id"]))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.state
            .store
            .account_by_id(s(&kid["student"]["id"]))
            .await
            .unwrap()
            .is_none()
    );
}

async fn grid_rows(app: &TestApp, teacher: &str, section_id: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/sections/{section_id}/progress"),
            Some(teacher),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["students"].clone()
}

// promise PROG-4: the grid that the dashboards keep in memory follows every attempt, also one
// that another server recorded in the same database.
async fn the_grid_follows_play_after_it_was_read(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "word").await;
    let (id, code) = (s(&sec["id"]).to_owned(), s(&sec["code"]).to_owned());
    let mut kids = Vec::new();
    for name in ["Alva", "Bo"] {
        let kid = app.add_student(&t, &id, name).await;
        let kid_id = s(&kid["student"]["id"]).to_owned();
        let cookie = app
            .secret_sign_in(&code, &kid_id, s(&kid["secret"]["value"]))
            .await
            .session_cookie()
            .unwrap();
        kids.push((kid_id, cookie));
    }
    let cell = |g: &Value, row: usize| g[row]["levels"]["maze-1"].clone();
    let g = grid_rows(&app, &t, &id).await;
    assert!(cell(&g, 0).is_null() && cell(&g, 1).is_null());
    assert_eq!(app.state.progress.len(), 2, "both students are kept");

    let wrong =
        json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s"}]}});
    let r = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": wrong}),
            Some(&kids[0].1),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let g = grid_rows(&app, &t, &id).await;
    assert_eq!(cell(&g, 0)["status"], "failed");
    assert_eq!(cell(&g, 0)["attempts"], 1);
    assert!(cell(&g, 1).is_null());

    // Another server writes to the same database: this one's copy must not hide it.
    app.state
        .store
        .record_attempts(&[kodlek_store::NewAttempt {
            id: kodlek_store::new_id(),
            account_id: kids[1].0.clone(),
            level_id: "maze-1".into(),
            at: kodlek_domain::now_millis(),
            status: "perfect".into(),
            program: None,
            answer: None,
            client_attempt_id: None,
        }])
        .await
        .unwrap();
    let g = grid_rows(&app, &t, &id).await;
    assert_eq!(cell(&g, 1)["status"], "perfect");
    assert_eq!(cell(&g, 0)["attempts"], 1);

    // The pages read the same copy.
    let page = app.get(&format!("/sections/{id}"), Some(&t)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text.matches("<td class=p").count(), 1, "Bo's star");
    assert_eq!(page.text.matches("<td class=f").count(), 1, "Alva's try");

    // A student who is removed is gone from the grid at once.
    let r = app
        .delete(
            &format!("/api/v1/sections/{id}/students/{}", kids[1].0),
            None,
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(app.state.progress.len(), 1, "Bo's copy went with him");
    let g = grid_rows(&app, &t, &id).await;
    assert_eq!(g.as_array().unwrap().len(), 1);
}

/// The secrets of a section's cards, as children tell them apart ("happy tiger" is "tiger
/// happy"), with how many there are.
async fn card_secrets(
    app: &TestApp,
    t: &str,
    id: &str,
) -> (usize, std::collections::HashSet<String>) {
    let cards = app
        .get(&format!("/api/v1/sections/{id}/sign-in-cards"), Some(t))
        .await
        .json();
    let cards = cards["cards"].as_array().unwrap().clone();
    let keys = cards
        .iter()
        .map(|c| {
            let mut w: Vec<&str> = c["secret"]["value"].as_str().unwrap().split(' ').collect();
            w.sort_unstable();
            w.join(" ")
        })
        .collect();
    (cards.len(), keys)
}

// Two children of a section never get the same secret picture or word pair, whether added one
// at a time or in a list, or given a new secret, while there are pictures or pairs enough.
async fn secrets_are_unique_within_a_section(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    for kind in ["picture", "word"] {
        let id = app.section(&t, kind).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let names: Vec<String> = (1..=40).map(|i| format!("Child {i}")).collect();
        let r = app
            .post(
                &format!("/api/v1/sections/{id}/students/bulk"),
                json!({"names": names, "school_permission": true}),
                Some(&t),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let mut ids = Vec::new();
        for i in 41..=50 {
            ids.push(
                app.add_student(&t, &id, &format!("Child {i}")).await["student"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let (count, keys) = card_secrets(&app, &t, &id).await;
        assert_eq!(
            (count, keys.len()),
            (50, 50),
            "{kind}: 50 children, 50 secrets"
        );
        // New secrets for ten of them: still all different.
        for sid in &ids {
            let r = app
                .post(
                    &format!("/api/v1/sections/{id}/students/{sid}/secret"),
                    json!({}),
                    Some(&t),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        let (count, keys) = card_secrets(&app, &t, &id).await;
        assert_eq!((count, keys.len()), (50, 50), "{kind}: after new secrets");
    }
    // Where pictures are left, a new secret is never the old one nor a classmate's.
    let id = app.section(&t, "picture").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.add_student(&t, &id, "Alva").await;
    let bo = app.add_student(&t, &id, "Bo").await["student"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..20 {
        let (_, before) = card_secrets(&app, &t, &id).await;
        let r = app
            .post(
                &format!("/api/v1/sections/{id}/students/{bo}/secret"),
                json!({}),
                Some(&t),
            )
            .await;
        let new = r.json()["secret"]["value"].as_str().unwrap().to_owned();
        assert!(!before.contains(&new), "{new} was taken: {before:?}");
    }
}

on_both_backends!(
    secrets_are_unique_within_a_section,
    the_grid_follows_play_after_it_was_read,
    teachers_manage_sections,
    other_teachers_see_nothing,
    teachers_create_students,
    students_sign_in_with_a_picture,
    guessing_locks_until_a_teacher_unlocks,
    secrets_reset_until_the_student_takes_control,
    students_join_and_leave,
    removal_erases_managed_students_in_no_section,
    the_dashboard_shows_progress_and_code,
    co_teachers_share_a_section,
    a_teacher_leaving_hands_over_or_deletes,
);

/// Every property of every schema reachable from a response of the sections endpoints.
fn properties(doc: &Value, schema: &Value, seen: &mut Vec<String>, out: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap().to_owned();
        if seen.contains(&name) {
            return;
        }
        seen.push(name.clone());
        properties(doc, &doc["components"]["schemas"][&name], seen, out);
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            out.push(k.clone());
            properties(doc, v, seen, out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(v) = schema.get(key).filter(|v| v.is_object()) {
            properties(doc, v, seen, out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for v in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            properties(doc, v, seen, out);
        }
    }
}

// promise CLASS-5: no response a teacher gets from the sections endpoints can carry an email.
#[test]
fn teacher_facing_types_cannot_carry_an_email() {
    let doc = kodlek_web::openapi::document();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/sections") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            for (status, resp) in op["responses"].as_object().unwrap() {
                let mut props = Vec::new();
                for media in resp
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    properties(&doc, &media.1["schema"], &mut Vec::new(), &mut props);
                }
                if status.starts_with('2') {
                    checked += 1;
                }
                let bad: Vec<_> = props
                    .iter()
                    .filter(|p| p.to_lowercase().contains("email"))
                    .collect();
                assert!(bad.is_empty(), "{method} {path} {status}: {bad:?}");
            }
        }
    }
    assert!(checked >= 15, "only {checked} responses checked");
    // The walk finds properties at all: SectionStudent's are reached.
    let mut props = Vec::new();
    properties(
        &doc,
        &json!({"$ref": "#/components/schemas/SectionDetail"}),
        &mut Vec::new(),
        &mut props,
    );
    assert!(
        props.contains(&"display_name".to_owned())
            && props.contains(&"managed_by_teacher".to_owned())
    );
}
