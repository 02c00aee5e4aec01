//! Families on both backends: codes and links, a parent's view of a child, parents' requests
//! and their effects (promise U13-7), a parent's permission for a child's own sign-up, and the
//! routes × roles table.

mod common;

use axum::http::StatusCode;
use common::{PARENT_EMAIL, TestApp, contains, solution};
use kodlek_domain::now_millis;
use kodlek_web::families::ChildSignUp;
use serde_json::{Value, json};

const PW: &str = "correct horse battery";
const DAY: i64 = 24 * 3600 * 1000;

async fn run_jobs(app: &TestApp, now: i64) {
    let runner = kodlek_web::background(&app.state);
    while runner.run_due(now).await.unwrap() > 0 {}
}

/// A parent whose address is verified, signed in: the cookie and the account's id.
async fn parent(app: &TestApp, name: &str, email: &str) -> (String, String) {
    let (cookie, me) = app
        .sign_up(json!({"role": "parent", "display_name": name, "email": email, "password": PW}))
        .await;
    let token = app.last_link_token("/verify-email/");
    let r = app
        .post(
            &format!("/api/v1/email-verifications/{token}"),
            json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    (cookie, me["id"].as_str().unwrap().to_owned())
}

/// A student's own family code.
async fn code_of(app: &TestApp, student: &str) -> String {
    let r = app
        .post("/api/v1/me/family-codes", json!({}), Some(student))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["code"].as_str().unwrap().to_owned()
}

/// A child of 9 with a linked, verified parent: (child cookie, child id, parent cookie).
async fn family(app: &TestApp) -> (String, String, String) {
    let (child, me) = app.student("Kim", "kim@example.org", 9).await;
    let (parent, _) = parent(app, "Pat", "pat@example.org").await;
    let code = code_of(app, &child).await;
    let r = app
        .post("/api/v1/me/children", json!({"code": code}), Some(&parent))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    (child, me["id"].as_str().unwrap().to_owned(), parent)
}

async fn attempt(app: &TestApp, cookie: &str) -> Value {
    let r = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": solution("maze-1")}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

/// A linked parent asks for `action` and confirms it through the emailed link.
async fn ask_and_confirm(app: &TestApp, parent: &str, child_id: &str, action: &str) -> Value {
    let r = app
        .post(
            &format!("/api/v1/me/children/{child_id}/requests"),
            json!({"action": action, "password": PW}),
            Some(parent),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.json()["request"]["status"], "awaiting_email_confirmation");
    let token = app.last_link_token("/parent-requests/");
    let c = app
        .post(&format!("/api/v1/parent-requests/{token}"), json!({}), None)
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.json()["request"]["status"], "done");
    // A second use of the link changes nothing.
    let again = app
        .post(&format!("/api/v1/parent-requests/{token}"), json!({}), None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    c.json()["request"].clone()
}

/// Every row the platform keeps about the account, table by table.
async fn rows_of(app: &TestApp, id: &str) -> Vec<(String, Vec<serde_json::Map<String, Value>>)> {
    let mut out = Vec::new();
    for (table, owner) in app.state.inventory.owned_tables() {
        let rows = app
            .state
            .store
            .rows_owned_by(table, owner, id)
            .await
            .unwrap();
        out.push((table.to_owned(), rows));
    }
    out
}

// promise U13-7: a code links a verified parent to a child once; both sides see the link; a
// child may not remove a parent, a teen may; the parent never sees the child's email.
async fn codes_link_parents_and_children(app: TestApp) {
    let (child, child_me) = app.student("Kim", "kim@example.org", 9).await;
    let child_id = child_me["id"].as_str().unwrap();
    let code = code_of(&app, &child).await;
    assert_eq!(code.len(), 9, "two groups of four: {code}");
    // Not yet verified: refused, and the code still works afterwards.
    let (unverified, _) = app
        .sign_up(json!({"role": "parent", "display_name": "Una", "email": "una@example.org", "password": PW}))
        .await;
    let r = app
        .post(
            "/api/v1/me/children",
            json!({"code": code}),
            Some(&unverified),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "email_unverified".into())
    );
    let (parent_cookie, parent_id) = parent(&app, "Pat", "pat@example.org").await;
    for bad in ["", "KMNP-QRTW", "not a code at all"] {
        let r = app
            .post(
                "/api/v1/me/children",
                json!({"code": bad}),
                Some(&parent_cookie),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "family_code_not_found".into()),
            "{bad}"
        );
    }
    let typed = code.to_lowercase().replace('-', " ");
    let r = app
        .post(
            "/api/v1/me/children",
            json!({"code": typed}),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let child_view = &r.json()["child"];
    assert_eq!(child_view["id"], child_id);
    assert_eq!(child_view["status"], "active");
    assert_eq!(child_view["age"], 9);
    assert!(
        !r.text.contains("kim@example.org"),
        "never the child's email"
    );
    // Used: gone.
    let again = app
        .post(
            "/api/v1/me/children",
            json!({"code": code}),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(again.code(), "family_code_not_found");
    let list = app.get("/api/v1/me/children", Some(&parent_cookie)).await;
    assert_eq!(list.json()["children"].as_array().unwrap().len(), 1);
    assert!(!list.text.contains("kim@example.org"));
    let parents = app.get("/api/v1/me/parents", Some(&child)).await;
    assert_eq!(parents.json()["parents"][0]["id"], parent_id.as_str());
    assert_eq!(parents.json()["parents"][0]["display_name"], "Pat");
    // A child may not remove a parent.
    let r = app
        .delete(
            &format!("/api/v1/me/parents/{parent_id}"),
            None,
            Some(&child),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "parent_controls".into())
    );
    // Roles: a student has no children here, a parent no parents.
    assert_eq!(
        app.get("/api/v1/me/children", Some(&child)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/me/parents", Some(&parent_cookie))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A teen removes a parent.
    let (teen, _) = app.student("Tove", "tove@example.org", 15).await;
    let code = code_of(&app, &teen).await;
    let r = app
        .post(
            "/api/v1/me/children",
            json!({"code": code}),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // A teen's address is on file, encrypted; still none of the parent's answers holds it.
    let teen_id = r.json()["child"]["id"].as_str().unwrap().to_owned();
    for path in [
        "/api/v1/me/children".to_owned(),
        format!("/api/v1/me/children/{teen_id}/progress"),
    ] {
        let a = app.get(&path, Some(&parent_cookie)).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(!a.text.contains("tove@example.org"), "{path}");
    }
    let r = app
        .delete(
            &format!("/api/v1/me/parents/{parent_id}"),
            None,
            Some(&teen),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .delete(
            &format!("/api/v1/me/parents/{parent_id}"),
            None,
            Some(&teen),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The parent ends a link.
    let r = app
        .delete(
            &format!("/api/v1/me/children/{child_id}"),
            None,
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .delete(
            &format!("/api/v1/me/children/{child_id}"),
            None,
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        app.get("/api/v1/me/children", Some(&parent_cookie))
            .await
            .json()["children"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

// promise CLASS-6, U13-7: the letter home carries a code per managed student.
async fn the_letter_home_carries_codes(app: TestApp) {
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let section = app.section(&teacher, "picture").await;
    let sid = section["id"].as_str().unwrap();
    let made = app.add_student(&teacher, sid, "Alva").await;
    app.add_student(&teacher, sid, "Bo").await;
    let path = format!("/api/v1/sections/{sid}/family-codes");
    let r = app.post(&path, json!({}), Some(&teacher)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let codes = r.json()["codes"].as_array().unwrap().clone();
    assert_eq!(codes.len(), 2);
    let alva = codes.iter().find(|c| c["display_name"] == "Alva").unwrap();
    assert_eq!(alva["student_id"], made["student"]["id"]);
    let other = app.verified_teacher("Olle", "olle@example.org").await;
    assert_eq!(
        app.post(&path, json!({}), Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let (parent_cookie, _) = parent(&app, "Pat", "pat@example.org").await;
    assert_eq!(
        app.post(&path, json!({}), Some(&parent_cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            "/api/v1/me/children",
            json!({"code": alva["code"]}),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["child"]["display_name"], "Alva");
    // The letter page offers a slip per child with its code.
    let letter = app
        .get(&format!("/sections/{sid}/letter"), Some(&teacher))
        .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.text.contains("id=\"family-slips-form\""));
}

// promise U13-7: a linked parent sees the child's progress, programs and what is kept;
// anyone else gets 404.
async fn parents_see_progress_and_programs(app: TestApp) {
    let (child, child_id, parent_cookie) = family(&app).await;
    assert_eq!(attempt(&app, &child).await["saved"], true);
    let progress = app
        .get(
            &format!("/api/v1/me/children/{child_id}/progress"),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.text);
    assert_eq!(progress.json()["levels"]["maze-1"]["attempts"], 1);
    let attempts = app
        .get(
            &format!("/api/v1/me/children/{child_id}/levels/maze-1/attempts"),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(attempts.status, StatusCode::OK);
    assert!(attempts.json()["attempts"][0]["program"].is_object());
    let unknown = app
        .get(
            &format!("/api/v1/me/children/{child_id}/levels/nope/attempts"),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let (stranger, _) = parent(&app, "Sam", "sam@example.org").await;
    for who in [Some(stranger.as_str()), Some(child.as_str()), None] {
        let r = app
            .get(&format!("/api/v1/me/children/{child_id}/progress"), who)
            .await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED),
            "{}",
            r.status
        );
    }
    // The pages: the child's course map links each level to its attempts, shown as blocks.
    let page = app
        .get(
            &format!("/parents/children/{child_id}"),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("data-level-id=\"maze-1\""));
    assert!(page.text.contains("id=\"child-kept\""));
    assert!(!page.text.contains("kim@example.org"));
    let level = app
        .get(
            &format!("/parents/children/{child_id}/levels/maze-1"),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(level.status, StatusCode::OK);
    assert!(
        level.text.contains("class=\"blocks\""),
        "the program is shown"
    );
    let stranger_page = app
        .get(&format!("/parents/children/{child_id}"), Some(&stranger))
        .await;
    assert_eq!(stranger_page.status, StatusCode::NOT_FOUND);
    let home = app.get("/parents", Some(&parent_cookie)).await;
    assert!(home.text.contains("Kim"));
    // Each side's account page says so.
    let account = app.get("/account", Some(&child)).await;
    assert!(account.text.contains("id=\"family-parents\"") && account.text.contains("Pat"));
    let account = app.get("/account", Some(&parent_cookie)).await;
    assert!(account.text.contains("href=\"/parents\""));
}

// promise CREATE-2: a linked parent sees what their child has made and who can see each
// project, with a link only while anyone can open it; the programs stay the child's.
async fn parents_see_what_their_child_shares(app: TestApp) {
    let (child, child_id, parent_cookie) = family(&app).await;
    let url = format!("/parents/children/{child_id}");
    let page = app.get(&url, Some(&parent_cookie)).await.text;
    assert!(page.contains("id=\"child-projects\""));
    let mut ids = Vec::new();
    for title in ["Secret garden", "Rainbow house"] {
        let r = app
            .post(
                "/api/v1/projects",
                json!({"kind": "artist", "title": title}),
                Some(&child),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        ids.push(r.json()["project"]["id"].as_str().unwrap().to_owned());
    }
    let (kept, shown) = (&ids[0], &ids[1]);
    let r = app
        .patch(
            &format!("/api/v1/projects/{shown}"),
            json!({"sharing": "link"}),
            Some(&child),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let share_id = r.json()["project"]["share_id"].as_str().unwrap().to_owned();

    let page = app.get(&url, Some(&parent_cookie)).await.text;
    assert!(page.contains("Secret garden") && page.contains("Rainbow house"));
    assert!(page.contains("Only me") && page.contains("Anyone with the link"));
    assert!(page.contains(&format!("href=\"/shared/{share_id}\"")));
    assert!(
        !page.contains(kept.as_str()),
        "a private project has no link"
    );
    assert!(!page.contains("\"blocks\""), "no program is shown");

    // Hidden by the moderators: still listed, said to be hidden, and no longer linked.
    let project_id = app
        .state
        .store
        .project_by_share_id(&share_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    app.state
        .store
        .moderate(&project_id, "hidden", kodlek_domain::now_millis())
        .await
        .unwrap();
    let page = app.get(&url, Some(&parent_cookie)).await.text;
    assert!(page.contains("Rainbow house") && page.contains("hidden for now"));
    assert!(!page.contains(&format!("href=\"/shared/{share_id}\"")));
}

// promise U13-7: deactivation ends the child's sessions and sign-ins, tells their teachers
// and the parent, and resume undoes it; every step is in the audit log.
async fn deactivate_and_resume(app: TestApp) {
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let section = app.section(&teacher, "email").await;
    let (child, child_id, parent_cookie) = family(&app).await;
    let join = app
        .post(
            "/api/v1/sections/join",
            json!({"code": section["code"]}),
            Some(&child),
        )
        .await;
    assert_eq!(join.status, StatusCode::OK);
    let wrong = app
        .post(
            &format!("/api/v1/me/children/{child_id}/requests"),
            json!({"action": "deactivate", "password": "wrong password"}),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::FORBIDDEN, "reauthentication_required".into())
    );
    let (stranger, _) = parent(&app, "Sam", "sam@example.org").await;
    let r = app
        .post(
            &format!("/api/v1/me/children/{child_id}/requests"),
            json!({"action": "deactivate", "password": PW}),
            Some(&stranger),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not their child");
    let before = app.outbox().len();
    ask_and_confirm(&app, &parent_cookie, &child_id, "deactivate").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&child)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "kim@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(
        (s.status, s.code()),
        (StatusCode::UNAUTHORIZED, "account_deactivated".into())
    );
    let children = app.get("/api/v1/me/children", Some(&parent_cookie)).await;
    assert_eq!(children.json()["children"][0]["status"], "deactivated");
    let mails = app.outbox();
    let new: Vec<_> = mails[before..].iter().collect();
    assert!(
        new.iter().any(|m| m.contains("To: tess@example.org")),
        "the teacher is told"
    );
    assert!(
        new.iter()
            .filter(|m| m.contains("To: pat@example.org"))
            .count()
            >= 2,
        "confirmation and outcome"
    );
    ask_and_confirm(&app, &parent_cookie, &child_id, "resume").await;
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "kim@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
    let audit = app
        .state
        .store
        .audit_entries(Some(&child_id), 0, 100)
        .await
        .unwrap();
    let actions: Vec<_> = audit.iter().map(|e| e.action.as_str()).collect();
    for step in [
        "parent_request.created",
        "parent_request.confirmed",
        "parent_request.carried_out",
    ] {
        assert!(actions.contains(&step), "{step} in {actions:?}");
    }
}

// promise U13-7: with collection stopped, the child plays but no row changes.
async fn stop_collection_keeps_nothing(app: TestApp) {
    let (child, child_id, parent_cookie) = family(&app).await;
    ask_and_confirm(&app, &parent_cookie, &child_id, "stop_collection").await;
    let before = rows_of(&app, &child_id).await;
    let a = attempt(&app, &child).await;
    assert_eq!(
        (a["saved"].clone(), a["progress"].clone()),
        (json!(false), Value::Null)
    );
    assert_eq!(a["status"], "perfect", "the verdict is still given");
    let import = app
        .post(
            "/api/v1/me/progress/import",
            json!({"attempts": [{"level_id": "maze-1", "program": solution("maze-1")}]}),
            Some(&child),
        )
        .await;
    assert_eq!(
        (import.status, import.code()),
        (StatusCode::CONFLICT, "not_collecting".into())
    );
    let patch = app
        .patch("/api/v1/me", json!({"display_name": "Kimmy"}), Some(&child))
        .await;
    assert_eq!(
        (patch.status, patch.code()),
        (StatusCode::CONFLICT, "not_collecting".into())
    );
    assert_eq!(rows_of(&app, &child_id).await, before, "no row changed");
    ask_and_confirm(&app, &parent_cookie, &child_id, "resume").await;
    assert_eq!(attempt(&app, &child).await["saved"], true);
}

// promise U13-7, RIGHTS-2: delete erases the child as DELETE /api/v1/me does; the request
// stays on record with the child's id only.
async fn delete_erases_and_keeps_the_record(app: TestApp) {
    let (child, child_id, parent_cookie) = family(&app).await;
    attempt(&app, &child).await;
    let done = ask_and_confirm(&app, &parent_cookie, &child_id, "delete").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&child)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        app.state
            .store
            .account_by_id(&child_id)
            .await
            .unwrap()
            .is_none()
    );
    for (table, rows) in rows_of(&app, &child_id).await {
        assert!(rows.is_empty(), "{table} still holds the child");
    }
    let kept = app
        .state
        .store
        .parent_request(done["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.child_id.as_deref(), Some(child_id.as_str()));
    assert_eq!(
        (kept.action.as_str(), kept.status.as_str()),
        ("delete", "done")
    );
    assert_eq!(kept.child_display_name, None);
    assert!(
        app.get("/api/v1/me/children", Some(&parent_cookie))
            .await
            .json()["children"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "kim@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(s.code(), "invalid_credentials");
}

// promise U13-7: support asks the teachers of the section the parent named to confirm the
// relationship; the teacher never gets the parent's address, and the step is recorded.
async fn support_asks_the_teacher(app: TestApp) {
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let section = app.section(&teacher, "picture").await;
    let sent = app
        .post(
            "/api/v1/parent-requests",
            json!({"parent_name": "Pat Parent", "parent_email": "pat.parent@example.net",
                "child_display_name": "Kim", "section_code": section["code"], "action": "delete"}),
            None,
        )
        .await;
    let id = sent.json()["request"]["id"].as_str().unwrap().to_owned();
    let (_, support) = staff_cookie(&app, "support").await;
    let early = app
        .post(
            &format!("/api/v1/staff/parent-requests/{id}/ask-teacher"),
            json!({}),
            Some(&support),
        )
        .await;
    assert_eq!(early.code(), "request_decided", "not yet confirmed");
    let token = app.last_link_token("/parent-requests/");
    app.post(&format!("/api/v1/parent-requests/{token}"), json!({}), None)
        .await;
    let r = app
        .post(
            &format!("/api/v1/staff/parent-requests/{id}/ask-teacher"),
            json!({}),
            Some(&support),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["teachers_asked"], 1);
    let mail = app.outbox().pop().unwrap();
    assert!(mail.contains("To: tess@example.org") && mail.contains("Pat Parent"));
    assert!(
        !mail.contains("pat.parent@example.net"),
        "the parent's address stays with support"
    );
    let audit = app.state.store.audit_entries(None, 0, 100).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "parent_request.teacher_asked")
    );
}

// promise U13-7: a parent without a link writes in, confirms by email, and support decides
// within 30 days; overdue requests stand out; the requester's details go once decided.
async fn public_requests_are_reviewed_by_support(app: TestApp) {
    let (_, child_me) = app.student("Kim", "kim@example.org", 9).await;
    let child_id = child_me["id"].as_str().unwrap().to_owned();
    let bad = app
        .post(
            "/api/v1/parent-requests",
            json!({"parent_name": "", "parent_email": "x@example.net", "child_display_name": "Kim", "action": "delete"}),
            None,
        )
        .await;
    assert_eq!(bad.code(), "invalid_field");
    let long = app
        .post(
            "/api/v1/parent-requests",
            json!({"parent_name": "P", "parent_email": "x@example.net", "child_display_name": "Kim", "action": "delete", "details": "x".repeat(2001)}),
            None,
        )
        .await;
    assert_eq!(long.code(), "invalid_field");
    assert!(
        app.state
            .store
            .parent_requests(10)
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    let id = common::confirmed_parent_request(&app).await;
    let (_, support) = staff_cookie(&app, "support").await;
    let list = app
        .get("/api/v1/staff/parent-requests", Some(&support))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let r = &list.json()["requests"][0];
    assert_eq!(
        (r["id"].as_str(), r["parent_email"].as_str()),
        (Some(id.as_str()), Some("pat.parent@example.net"))
    );
    assert_eq!(r["overdue"], false);
    assert!(r["due_at"].is_string());
    // Made overdue, it stands out in the list and on the console page.
    let mut row = app.state.store.parent_request(&id).await.unwrap().unwrap();
    row.due_at = Some(now_millis() - DAY);
    assert!(
        app.state
            .store
            .update_parent_request(&row, "awaiting_review")
            .await
            .unwrap()
    );
    let list = app
        .get("/api/v1/staff/parent-requests", Some(&support))
        .await;
    assert_eq!(list.json()["requests"][0]["overdue"], true);
    let page = app.get("/staff/parent-requests", Some(&support)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("overdue-mark"));
    let decide = format!("/api/v1/staff/parent-requests/{id}/decision");
    let short = app
        .post(
            &decide,
            json!({"decision": "carry_out", "child_id": child_id, "reason": "ok"}),
            Some(&support),
        )
        .await;
    assert_eq!(short.code(), "reason_required");
    let no_child = app
        .post(
            &decide,
            json!({"decision": "carry_out", "reason": "Checked with the teacher"}),
            Some(&support),
        )
        .await;
    assert_eq!(no_child.code(), "invalid_field");
    let ok = app
        .post(&decide, json!({"decision": "carry_out", "child_id": child_id, "reason": "Checked with the teacher"}), Some(&support))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.json()["request"]["status"], "done");
    let again = app
        .post(
            &decide,
            json!({"decision": "refuse", "reason": "Checked with the teacher"}),
            Some(&support),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "request_decided".into())
    );
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": "kim@example.org", "password": PW}),
            None,
        )
        .await;
    assert_eq!(s.code(), "account_deactivated");
    assert!(
        app.outbox()
            .last()
            .unwrap()
            .contains("To: pat.parent@example.net"),
        "the outcome"
    );
    run_jobs(&app, now_millis()).await;
    let kept = app.state.store.parent_request(&id).await.unwrap().unwrap();
    assert_eq!(
        (kept.parent_email_ciphertext, kept.parent_name, kept.details),
        (None, None, None)
    );
    assert_eq!(kept.child_id.as_deref(), Some(child_id.as_str()));
    let audit = app
        .state
        .store
        .audit_entries(Some(&child_id), 0, 100)
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "parent_request.decision"));
    // Never confirmed, a request's details go when its link lapses.
    let sent = app
        .post(
            "/api/v1/parent-requests",
            json!({"parent_name": "Lo", "parent_email": "lo@example.net", "child_display_name": "Bo", "action": "delete"}),
            None,
        )
        .await;
    let lapsing = sent.json()["request"]["id"].as_str().unwrap().to_owned();
    run_jobs(&app, now_millis() + 8 * DAY).await;
    let kept = app
        .state
        .store
        .parent_request(&lapsing)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            kept.parent_email_ciphertext,
            kept.parent_name,
            kept.token_hash
        ),
        (None, None, None)
    );
    assert!(!contains(
        &app.settled_database_bytes().await,
        "lo@example.net"
    ));
}

async fn staff_cookie(app: &TestApp, roles: &str) -> (String, String) {
    let email = format!("{roles}@kodlek.test");
    let (id, secret) = app.staff_member(&email, roles).await;
    let code = kodlek_privacy::totp::code_at(&secret, (now_millis() / 1000) as u64).unwrap();
    let r = app
        .post(
            "/api/v1/session",
            json!({"login": email, "password": common::STAFF_PW, "totp": code}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (id, r.session_cookie().unwrap())
}

// promise U13-7: a child of 9 signing up names a parent; nothing of their play is kept until
// the parent says yes; the parent's address is in no database file after the answer.
async fn a_parent_grants_a_childs_own_account(app: TestApp) {
    let body = json!({"role": "student", "display_name": "Kim", "email": "kim@example.org", "password": PW, "age": 9});
    let r = app.post("/api/v1/accounts", body.clone(), None).await;
    assert_eq!(
        (r.status, r.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "parent_email_required".into()
        )
    );
    let mut own = body.clone();
    own["parent_email"] = json!("kim@example.org");
    assert_eq!(
        app.post("/api/v1/accounts", own, None).await.code(),
        "invalid_field"
    );
    let (child, me) = app.sign_up_pending(body).await;
    assert_eq!(me["permission"], "pending");
    let child_id = me["id"].as_str().unwrap().to_owned();
    let a = attempt(&app, &child).await;
    assert_eq!(a["saved"], false);
    let level = app.get("/levels/maze-1", Some(&child)).await;
    assert!(
        level.text.contains("id=\"not-kept-banner\""),
        "the page says nothing is kept"
    );
    let account = app.get("/account", Some(&child)).await;
    assert!(account.text.contains("id=\"family-awaiting\""));
    assert!(
        app.get("/support", None)
            .await
            .text
            .contains("href=\"/parent-requests\"")
    );
    assert_eq!(
        app.get("/parent-requests", None).await.status,
        StatusCode::OK
    );
    assert!(
        app.state
            .store
            .progress_of(&child_id)
            .await
            .unwrap()
            .is_empty()
    );
    let token = app.last_link_token("/permissions/");
    let page = app.get(&format!("/permissions/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("permission-grant") && page.text.contains("lang=\"en\""));
    let sv = app
        .get(&format!("/permissions/{token}?lang=sv"), None)
        .await;
    assert!(sv.text.contains("lang=\"sv\""));
    let bad = app
        .post(
            &format!("/api/v1/permissions/{token}"),
            json!({"decision": "maybe"}),
            None,
        )
        .await;
    assert_eq!(bad.code(), "invalid_field");
    let code = app.grant_permission().await;
    assert_eq!(code.len(), 9);
    let again = app
        .post(
            &format!("/api/v1/permissions/{token}"),
            json!({"decision": "grant"}),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let me = app.get("/api/v1/me", Some(&child)).await.json();
    assert_eq!(me["user"]["permission"], "granted");
    assert_eq!(attempt(&app, &child).await["saved"], true);
    // The parent's address is gone from the database (SQLite's files are scanned; on
    // PostgreSQL the row is read back).
    let row = app
        .state
        .store
        .sign_up_permission(&child_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.parent_email_ciphertext, row.token_hash), (None, None));
    let bytes = app.settled_database_bytes().await;
    assert!(!contains(&bytes, PARENT_EMAIL));
    // The offered code links a parent account to the child.
    let (parent_cookie, _) = parent(&app, "Pat", "pat@example.org").await;
    let r = app
        .post(
            "/api/v1/me/children",
            json!({"code": code}),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let progress = app
        .get(
            &format!("/api/v1/me/children/{child_id}/progress"),
            Some(&parent_cookie),
        )
        .await;
    assert_eq!(progress.json()["levels"]["maze-1"]["attempts"], 1);
}

// promise U13-7: declined, or unanswered for 7 days, the account is erased, and the address
// with it.
async fn declined_or_lapsed_permissions_erase_the_account(app: TestApp) {
    let (_, me) = app
        .sign_up_pending(json!({"role": "student", "display_name": "Kim", "email": "kim@example.org", "password": PW, "age": 9, "parent_email": "pat@example.org"}))
        .await;
    let token = app.last_link_token("/permissions/");
    let r = app
        .post(
            &format!("/api/v1/permissions/{token}"),
            json!({"decision": "decline"}),
            None,
        )
        .await;
    assert_eq!(r.json()["status"], "declined");
    assert!(
        app.state
            .store
            .account_by_id(me["id"].as_str().unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert!(!contains(
        &app.settled_database_bytes().await,
        "pat@example.org"
    ));
    let (_, me) = app
        .sign_up_pending(json!({"role": "student", "display_name": "Bo", "email": "bo@example.org", "password": PW, "age": 8, "parent_email": "pia@example.org"}))
        .await;
    let id = me["id"].as_str().unwrap();
    run_jobs(&app, now_millis() + DAY).await;
    assert!(
        app.state.store.account_by_id(id).await.unwrap().is_some(),
        "not yet"
    );
    run_jobs(&app, now_millis() + 8 * DAY).await;
    assert!(
        app.state.store.account_by_id(id).await.unwrap().is_none(),
        "lapsed"
    );
    assert!(!contains(
        &app.settled_database_bytes().await,
        "pia@example.org"
    ));
}

// The server's rule for children's own sign-up.
async fn the_child_sign_up_rule(app: TestApp) {
    let app = app.with_child_sign_up(ChildSignUp::Closed);
    let body = json!({"role": "student", "display_name": "Kim", "email": "kim@example.org", "password": PW, "age": 9});
    let r = app.post("/api/v1/accounts", body.clone(), None).await;
    assert_eq!(
        (r.status, r.code()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "child_sign_up_closed".into()
        )
    );
    let (_, teen) = app.student("Tove", "tove@example.org", 14).await;
    assert_eq!(teen["permission"], "not_needed");
    let mut with_parent = json!({"role": "student", "display_name": "T", "email": "t2@example.org", "password": PW, "age": 14});
    with_parent["parent_email"] = json!("p@example.net");
    assert_eq!(
        app.post("/api/v1/accounts", with_parent, None).await.code(),
        "invalid_field"
    );
    let app = app.with_child_sign_up(ChildSignUp::Open);
    let (child, me) = app.sign_up(body).await;
    assert_eq!(me["permission"], "not_needed");
    assert_eq!(attempt(&app, &child).await["saved"], true);
}

/// Every families route with who gets what: nobody, a child, a linked parent, another
/// parent, a teacher.
async fn routes_by_role(app: TestApp) {
    let (child, child_id, linked) = family(&app).await;
    let (other, _) = parent(&app, "Sam", "sam@example.org").await;
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let section = app.section(&teacher, "picture").await;
    let sid = section["id"].as_str().unwrap();
    use StatusCode as S;
    let nobody = None;
    type Row<'a> = (&'a str, String, Option<Value>, [S; 5]);
    let rows: Vec<Row> = vec![
        (
            "POST",
            "/api/v1/me/family-codes".into(),
            None,
            [
                S::UNAUTHORIZED,
                S::CREATED,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
        (
            "POST",
            format!("/api/v1/sections/{sid}/family-codes"),
            None,
            [
                S::UNAUTHORIZED,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::CREATED,
            ],
        ),
        (
            "GET",
            "/api/v1/me/children".into(),
            None,
            [S::UNAUTHORIZED, S::FORBIDDEN, S::OK, S::OK, S::FORBIDDEN],
        ),
        (
            "POST",
            "/api/v1/me/children".into(),
            Some(json!({"code": "KMNP-QRTW"})),
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::NOT_FOUND,
                S::NOT_FOUND,
                S::FORBIDDEN,
            ],
        ),
        (
            "GET",
            format!("/api/v1/me/children/{child_id}/progress"),
            None,
            [
                S::UNAUTHORIZED,
                S::NOT_FOUND,
                S::OK,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "GET",
            format!("/api/v1/me/children/{child_id}/levels/maze-1/attempts"),
            None,
            [
                S::UNAUTHORIZED,
                S::NOT_FOUND,
                S::OK,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "POST",
            format!("/api/v1/me/children/{child_id}/requests"),
            Some(json!({"action": "resume", "password": PW})),
            [
                S::UNAUTHORIZED,
                S::NOT_FOUND,
                S::ACCEPTED,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
        (
            "GET",
            "/api/v1/me/parents".into(),
            None,
            [
                S::UNAUTHORIZED,
                S::OK,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
        (
            "DELETE",
            "/api/v1/me/parents/nobody".into(),
            None,
            [
                S::UNAUTHORIZED,
                S::NOT_FOUND,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
        (
            "POST",
            "/api/v1/parent-requests/not-a-token".into(),
            None,
            [S::NOT_FOUND; 5],
        ),
        (
            "POST",
            "/api/v1/permissions/not-a-token".into(),
            Some(json!({"decision": "grant"})),
            [S::NOT_FOUND; 5],
        ),
        (
            "DELETE",
            format!("/api/v1/me/children/{child_id}"),
            None,
            [
                S::UNAUTHORIZED,
                S::NOT_FOUND,
                S::NO_CONTENT,
                S::NOT_FOUND,
                S::NOT_FOUND,
            ],
        ),
    ];
    for (method, path, body, expected) in rows {
        let m = axum::http::Method::from_bytes(method.as_bytes()).unwrap();
        for (who, cookie, want) in [
            ("nobody", nobody, expected[0]),
            ("the child", Some(child.as_str()), expected[1]),
            ("another parent", Some(other.as_str()), expected[3]),
            ("a teacher", Some(teacher.as_str()), expected[4]),
            ("the linked parent", Some(linked.as_str()), expected[2]),
        ] {
            let r = app.call(m.clone(), &path, body.clone(), cookie).await;
            assert_eq!(r.status, want, "{method} {path} for {who}: {}", r.text);
        }
    }
}

on_both_backends!(
    codes_link_parents_and_children,
    the_letter_home_carries_codes,
    parents_see_progress_and_programs,
    parents_see_what_their_child_shares,
    deactivate_and_resume,
    stop_collection_keeps_nothing,
    delete_erases_and_keeps_the_record,
    public_requests_are_reviewed_by_support,
    support_asks_the_teacher,
    a_parent_grants_a_childs_own_account,
    declined_or_lapsed_permissions_erase_the_account,
    the_child_sign_up_rule,
    routes_by_role,
);
