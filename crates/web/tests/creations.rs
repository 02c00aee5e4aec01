//! Creations on both backends: projects, sharing, the gallery, remixes, the sections' switch,
//! teachers hiding, reports and moderation, and a routes × roles table.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::{Answer, TestApp};
use kodlek_domain::now_millis;
use kodlek_privacy::totp;
use serde_json::{Value, json};
use std::net::SocketAddr;

const SPRITES: &str = r#"{"blocks":{"languageVersion":0,"blocks":[
  {"type":"when_run","id":"a","x":10,"y":10,"next":{"block":{"type":"sprites_costume","id":"b","fields":{"SPRITE":"1","COSTUME":"dog"}}}},
  {"type":"sprites_when_key","id":"c","fields":{"KEY":"right"},"next":{"block":{"type":"sprites_move","id":"d","fields":{"SPRITE":"1","DIR":"right","STEPS":10}}}}
]}}"#;

const ARTIST: &str = r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"artist_move_forward","fields":{"DISTANCE":100}}}}]}}"#;

fn program(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

async fn make(app: &TestApp, cookie: &str, kind: &str, title: &str, prog: Option<&str>) -> Value {
    let mut body = json!({"kind": kind, "title": title});
    if let Some(p) = prog {
        body["program"] = program(p);
    }
    let r = app.post("/api/v1/projects", body, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["project"].clone()
}

async fn share(app: &TestApp, cookie: &str, id: &str, sharing: &str) -> Answer {
    app.patch(
        &format!("/api/v1/projects/{id}"),
        json!({"sharing": sharing}),
        Some(cookie),
    )
    .await
}

async fn shared_id(app: &TestApp, cookie: &str, id: &str, sharing: &str) -> String {
    let r = share(app, cookie, id, sharing).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["project"]["share_id"].as_str().unwrap().to_owned()
}

async fn count(app: &TestApp, cookie: &str) -> usize {
    let r = app.get("/api/v1/projects", Some(cookie)).await;
    r.json()["projects"].as_array().unwrap().len()
}

// promise CREATE-1: a student makes projects and keeps them; only they see, change or delete
// them; nothing is shared until they say so.
async fn students_keep_their_projects(app: TestApp) {
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let (ola, _) = app.student("Ola", "ola@example.org", 11).await;
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let p = make(&app, &kim, "sprites", "My dog game", Some(SPRITES)).await;
    assert_eq!(p["sharing"], "private");
    assert_eq!(p["share_id"], Value::Null);
    assert_eq!(p["remixed_from"], Value::Null);
    // Stored canonically: Blockly's ids are gone.
    assert!(
        !p["program"].to_string().contains("\"id\""),
        "{}",
        p["program"]
    );
    assert_eq!(
        p["program"]["blocks"]["blocks"][1]["next"]["block"]["fields"]["DIR"],
        "right"
    );
    let a = make(&app, &kim, "artist", "Square", None).await;
    assert_eq!(a["program"]["blocks"]["blocks"][0]["type"], "when_run");
    assert_eq!(count(&app, &kim).await, 2);
    assert_eq!(count(&app, &ola).await, 0);
    let id = p["id"].as_str().unwrap();
    let path = format!("/api/v1/projects/{id}");

    let r = app.get(&path, Some(&kim)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["project"]["title"], "My dog game");
    let r = app
        .patch(&path, json!({"title": "  Dog race  "}), Some(&kim))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["project"]["title"], "Dog race");

    // Another student, a teacher, nobody: as if it did not exist.
    for cookie in [Some(ola.as_str()), Some(teacher.as_str())] {
        assert_eq!(app.get(&path, cookie).await.status, StatusCode::NOT_FOUND);
        let r = app.patch(&path, json!({"title": "Mine"}), cookie).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.delete(&path, None, cookie).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(app.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post(
            "/api/v1/projects",
            json!({"kind": "artist", "title": "T"}),
            Some(&teacher),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    let r = app
        .post(
            "/api/v1/projects",
            json!({"kind": "artist", "title": "T"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    assert_eq!(
        app.delete(&path, None, Some(&kim)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&path, Some(&kim)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count(&app, &kim).await, 1);
}

// Bad input gets a clear error and changes nothing.
async fn bad_projects_are_refused_and_change_nothing(app: TestApp) {
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let p = make(&app, &kim, "artist", "Stars", Some(ARTIST)).await;
    let path = format!("/api/v1/projects/{}", p["id"].as_str().unwrap());
    let two_starts = r#"{"blocks":{"blocks":[{"type":"when_run"},{"type":"when_run"}]}}"#;
    let maze_block = r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"maze_move_forward"}}}]}}"#;
    let unknown = r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"sprites_teleport"}}}]}}"#;
    let far_url = r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"sprites_costume","fields":{"SPRITE":"1","COSTUME":"https://example.com/a.png"}}}}]}}"#;
    // More blocks than a program may run, in many event stacks.
    let stack = r#"{"type":"sprites_when_key","fields":{"KEY":"up"},"next":{"block":{"type":"sprites_wait","fields":{"SECONDS":1}}}}"#;
    let too_many = format!(
        r#"{{"blocks":{{"blocks":[{}]}}}}"#,
        vec![stack; 501].join(",")
    );
    for (kind, body, code) in [
        (
            "artist",
            json!({"program": program(two_starts)}),
            "invalid_program",
        ),
        (
            "artist",
            json!({"program": program(maze_block)}),
            "invalid_program",
        ),
        (
            "sprites",
            json!({"program": program(unknown)}),
            "invalid_program",
        ),
        (
            "sprites",
            json!({"program": program(far_url)}),
            "invalid_program",
        ),
        (
            "sprites",
            json!({"program": program(&too_many)}),
            "invalid_program",
        ),
        (
            "sprites",
            json!({"title": "write to kim@example.org"}),
            "title_personal_information",
        ),
        (
            "sprites",
            json!({"title": "ring 070 123 45 67"}),
            "title_personal_information",
        ),
        (
            "sprites",
            json!({"title": "fuck this"}),
            "title_not_allowed",
        ),
        ("sprites", json!({"title": ""}), "invalid_field"),
        ("sprites", json!({"title": "x".repeat(61)}), "invalid_field"),
        (
            "sprites",
            json!({"birth_date": "2015-01-01"}),
            "unknown_field",
        ),
        ("cartoon", json!({}), "invalid_field"),
    ] {
        let mut new = json!({"kind": kind, "title": "Fine"});
        for (k, v) in body.as_object().unwrap() {
            new[k] = v.clone();
        }
        let r = app.post("/api/v1/projects", new, Some(&kim)).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code.into()),
            "{body}: {}",
            r.text
        );
        if kind == "artist" {
            let r = app.patch(&path, body.clone(), Some(&kim)).await;
            assert_eq!(r.code(), code, "{body}");
        }
    }
    let r = app
        .patch(&path, json!({"sharing": "everyone"}), Some(&kim))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .patch(&path, json!({"title": "phone 0701234567"}), Some(&kim))
        .await;
    assert_eq!(r.code(), "title_personal_information");
    let after = app.get(&path, Some(&kim)).await.json()["project"].clone();
    assert_eq!(after, p, "nothing changed");
    assert_eq!(count(&app, &kim).await, 1);

    // A speech bubble is checked too before it is shared.
    let said = r#"{"blocks":{"blocks":[{"type":"when_run","next":{"block":{"type":"sprites_say","fields":{"SPRITE":"1","TEXT":"mail me at kim@example.org"}}}}]}}"#;
    let s = make(&app, &kim, "sprites", "Talk", Some(said)).await;
    let r = share(&app, &kim, s["id"].as_str().unwrap(), "link").await;
    assert_eq!(r.code(), "title_personal_information");
}

/// Every key of a JSON value, recursively, and every string in it.
fn words(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                words(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| words(x, out)),
        Value::String(s) => out.push(s.clone()),
        _ => {}
    }
}

// promise CREATE-2: a student shares by link or in the gallery at their own choice; anyone
// sees the project with the author's display name and nothing else of the author; private
// again at once.
async fn sharing_is_the_owners_choice_and_shows_the_display_name_only(app: TestApp) {
    let (kim, me) = app.student("Kim", "kim@example.org", 10).await;
    let kim_id = me["id"].as_str().unwrap().to_owned();
    let p = make(&app, &kim, "artist", "Big line", Some(ARTIST)).await;
    let id = p["id"].as_str().unwrap();
    let sid = shared_id(&app, &kim, id, "link").await;
    assert!(sid.len() >= 22, "unguessable: {sid}");

    let r = app.get(&format!("/api/v1/shared/{sid}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let shared = r.json()["project"].clone();
    let mut keys: Vec<_> = shared.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "author_display_name",
            "created_at",
            "kind",
            "program",
            "remix_count",
            "share_id",
            "title"
        ]
    );
    assert_eq!(shared["author_display_name"], "Kim");
    // Only in the gallery when the owner chose it.
    let g = app.get("/api/v1/gallery", None).await.json();
    assert!(g["projects"].as_array().unwrap().is_empty());
    shared_id(&app, &kim, id, "gallery").await;
    let g = app.get("/api/v1/gallery", None).await.json();
    let item = &g["projects"][0];
    assert_eq!(item["share_id"], sid.as_str());
    assert_eq!(
        item["thumbnail_url"],
        format!("/api/v1/shared/{sid}/thumbnail")
    );
    assert!(item.get("program").is_none());
    let thumb = app
        .get(&format!("/api/v1/shared/{sid}/thumbnail"), None)
        .await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.headers["content-type"], "image/svg+xml");
    assert!(
        thumb
            .text
            .contains(r#"<line x1="200" y1="200" x2="200" y2="100""#),
        "{}",
        thumb.text
    );

    // Nothing of the author but the display name, in any answer about the shared project.
    let mut all = Vec::new();
    words(&shared, &mut all);
    words(&g, &mut all);
    all.push(thumb.text.clone());
    for secret in [
        kim_id.as_str(),
        "kim@example.org",
        "correct horse",
        "female",
    ] {
        assert!(!all.iter().any(|w| w.contains(secret)), "{secret} leaked");
    }
    for key in ["email", "age", "username", "owner_id", "id", "gender"] {
        assert!(!all.iter().any(|w| w == key), "{key} leaked");
    }

    // Private again at once: the link, the gallery and the thumbnail stop working.
    let r = share(&app, &kim, id, "private").await;
    assert_eq!(
        r.json()["project"]["share_id"],
        sid.as_str(),
        "kept for later"
    );
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}/thumbnail"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let g = app.get("/api/v1/gallery", None).await.json();
    assert!(g["projects"].as_array().unwrap().is_empty());
    // A forged or deleted share id is not found.
    for forged in ["AAAAAAAAAAAAAAAAAAAAAA", "x"] {
        let r = app.get(&format!("/api/v1/shared/{forged}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    shared_id(&app, &kim, id, "link").await;
    app.delete(&format!("/api/v1/projects/{id}"), None, Some(&kim))
        .await;
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}"), None).await.status,
        StatusCode::NOT_FOUND
    );
}

// promise CREATE-2: the gallery, newest first, by kind, a page at a time.
async fn the_gallery_pages_newest_first(app: TestApp) {
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let mut sids = Vec::new();
    for i in 0..26 {
        let kind = if i % 2 == 0 { "sprites" } else { "artist" };
        let p = make(&app, &kim, kind, &format!("Work {i}"), None).await;
        sids.push(shared_id(&app, &kim, p["id"].as_str().unwrap(), "gallery").await);
    }
    let first = app.get("/api/v1/gallery", None).await.json();
    let page: Vec<_> = first["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(page.len(), 24);
    assert_eq!(page[0], "Work 25");
    let next = first["next"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/gallery?before={next}"), None)
        .await
        .json();
    let rest: Vec<_> = second["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(rest, ["Work 1", "Work 0"]);
    assert_eq!(second["next"], Value::Null);
    let sprites = app.get("/api/v1/gallery?kind=sprites", None).await.json();
    let all = sprites["projects"].as_array().unwrap();
    assert_eq!(all.len(), 13);
    assert!(all.iter().all(|p| p["kind"] == "sprites"));
    assert_eq!(all[0]["thumbnail_url"], "/static/sprites/cat.svg");
    for bad in [
        "kind=cartoon",
        "before=nonsense",
        "before=12.",
        "before=x.y",
    ] {
        let r = app.get(&format!("/api/v1/gallery?{bad}"), None).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".into()),
            "{bad}"
        );
    }
}

// promise CREATE-2: a remix credits the original, and keeps the credit without the author's
// name once that account is erased.
async fn remixes_credit_the_original(app: TestApp) {
    let (kim, kim_user) = app.student("Kim", "kim@example.org", 10).await;
    let (ola, _) = app.student("Ola", "ola@example.org", 11).await;
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let p = make(&app, &kim, "sprites", "Dog race", Some(SPRITES)).await;
    let sid = shared_id(&app, &kim, p["id"].as_str().unwrap(), "link").await;
    let path = format!("/api/v1/shared/{sid}/remix");
    assert_eq!(
        app.post(&path, json!({}), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post(&path, json!({}), Some(&teacher)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post(&path, json!({}), Some(&ola)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let remix = r.json()["project"].clone();
    assert_eq!(remix["sharing"], "private");
    assert_eq!(remix["program"], p["program"]);
    assert_eq!(
        remix["remixed_from"],
        json!({"share_id": sid, "title": "Dog race", "author_display_name": "Kim"})
    );
    let seen = app.get(&format!("/api/v1/shared/{sid}"), None).await.json();
    assert_eq!(seen["project"]["remix_count"], 1);
    let forged = app
        .post(
            "/api/v1/shared/AAAAAAAAAAAAAAAAAAAAAA/remix",
            json!({}),
            Some(&ola),
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);

    app.state
        .store
        .erase_account(kim_user["id"].as_str().unwrap())
        .await
        .unwrap();
    let r = app
        .get(
            &format!("/api/v1/projects/{}", remix["id"].as_str().unwrap()),
            Some(&ola),
        )
        .await;
    assert_eq!(
        r.json()["project"]["remixed_from"],
        json!({"share_id": sid, "title": "Dog race", "author_display_name": null})
    );
}

async fn joined(app: &TestApp, teacher: &str, student: &str) -> Value {
    let section = app.section(teacher, "email").await;
    let r = app
        .post(
            "/api/v1/sections/join",
            json!({"code": section["code"]}),
            Some(student),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    section
}

// promise CREATE-2: a teacher switches sharing off for a section: its students cannot share,
// and what they share is hidden until it is on again; the teacher sees and hides what they share.
async fn teachers_switch_sharing_off_and_hide(app: TestApp) {
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let other = app.verified_teacher("Otto", "otto@example.org").await;
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let section = joined(&app, &teacher, &kim).await;
    assert_eq!(section["sharing_allowed"], true);
    let sec = section["id"].as_str().unwrap();
    let p = make(&app, &kim, "sprites", "Dog race", None).await;
    let id = p["id"].as_str().unwrap();
    let sid = shared_id(&app, &kim, id, "gallery").await;
    let link = format!("/api/v1/shared/{sid}");

    let list = format!("/api/v1/sections/{sec}/shared-projects");
    let r = app.get(&list, Some(&teacher)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let row = &r.json()["projects"][0];
    assert_eq!(row["share_id"], sid.as_str());
    assert_eq!(row["student_display_name"], "Kim");
    assert_eq!(row["visible"], true);
    assert_eq!(
        app.get(&list, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&list, Some(&kim)).await.status,
        StatusCode::NOT_FOUND
    );

    let r = app
        .patch(
            &format!("/api/v1/sections/{sec}"),
            json!({"sharing_allowed": false}),
            Some(&teacher),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["section"]["sharing_allowed"], false);
    assert_eq!(app.get(&link, None).await.status, StatusCode::NOT_FOUND);
    assert!(
        app.get("/api/v1/gallery", None).await.json()["projects"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = share(&app, &kim, id, "link").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "sharing_disabled_by_teacher".into())
    );
    // Editing stays open; making it private too.
    let r = app
        .patch(
            &format!("/api/v1/projects/{id}"),
            json!({"title": "Cat race"}),
            Some(&kim),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.get(&list, Some(&teacher)).await.json();
    assert_eq!(r["sharing_allowed"], false);
    assert_eq!(r["projects"][0]["visible"], false);

    app.patch(
        &format!("/api/v1/sections/{sec}"),
        json!({"sharing_allowed": true}),
        Some(&teacher),
    )
    .await;
    assert_eq!(app.get(&link, None).await.status, StatusCode::OK);

    let hide = format!("{list}/{sid}");
    let r = app
        .patch(&hide, json!({"hidden_by_teacher": true}), Some(&teacher))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["project"]["visible"], false);
    assert_eq!(app.get(&link, None).await.status, StatusCode::NOT_FOUND);
    for (cookie, status) in [
        (Some(&other), StatusCode::NOT_FOUND),
        (Some(&kim), StatusCode::NOT_FOUND),
    ] {
        let r = app
            .patch(
                &hide,
                json!({"hidden_by_teacher": false}),
                cookie.map(|c| c.as_str()),
            )
            .await;
        assert_eq!(r.status, status);
    }
    let r = app
        .patch(
            &format!("{list}/nope"),
            json!({"hidden_by_teacher": false}),
            Some(&teacher),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .patch(&hide, json!({"hidden_by_teacher": "no"}), Some(&teacher))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .patch(&hide, json!({"hidden_by_teacher": false}), Some(&teacher))
        .await;
    assert_eq!(r.json()["project"]["visible"], true);
    assert_eq!(app.get(&link, None).await.status, StatusCode::OK);
}

async fn report_from(app: &TestApp, sid: &str, ip: [u8; 4], cookie: Option<&str>) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/shared/{sid}/reports"))
        .header("content-type", "application/json");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let mut req = req
        .body(Body::from(
            json!({"reason": "personal_information", "details": "It shows a name"}).to_string(),
        ))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 4000))));
    app.send(req).await
}

async fn staff_cookie(app: &TestApp, roles: &str) -> String {
    let email = format!("{}@staff.kodlek.example", kodlek_store::new_id());
    let (_, secret) = app.staff_member(&email, roles).await;
    let code = totp::code_at(&secret, (now_millis() / 1000) as u64).unwrap();
    let r = app
        .post(
            "/api/v1/session",
            json!({"login": email, "password": common::STAFF_PW, "totp": code}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.session_cookie().unwrap()
}

// Three different reporters, or one verified teacher, hide a shared project until a moderator
// decides; a restore starts the count again; each decision is in the audit log.
async fn reports_hide_and_moderators_decide(app: TestApp) {
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let (ola, _) = app.student("Ola", "ola@example.org", 11).await;
    let p = make(&app, &kim, "sprites", "Dog race", None).await;
    let sid = shared_id(&app, &kim, p["id"].as_str().unwrap(), "gallery").await;
    let link = format!("/api/v1/shared/{sid}");
    let moderator = staff_cookie(&app, "moderator").await;

    // The same address twice counts once; a signed-in reporter counts by account.
    for (ip, cookie) in [
        ([10, 0, 0, 1], None),
        ([10, 0, 0, 1], None),
        ([10, 0, 0, 2], Some(ola.as_str())),
    ] {
        let r = report_from(&app, &sid, ip, cookie).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    }
    assert_eq!(app.get(&link, None).await.status, StatusCode::OK);
    let q = app.get("/api/v1/staff/reports", Some(&moderator)).await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    assert_eq!(
        q.json()["reports"][0],
        json!({"share_id": sid, "reason": "personal_information", "details": "It shows a name", "count": 2, "hidden": false, "reported_at": q.json()["reports"][0]["reported_at"]})
    );
    report_from(&app, &sid, [10, 0, 0, 3], None).await;
    assert_eq!(
        app.get(&link, None).await.status,
        StatusCode::NOT_FOUND,
        "hidden by three"
    );
    let q = app
        .get("/api/v1/staff/reports", Some(&moderator))
        .await
        .json();
    assert_eq!(
        (
            q["reports"][0]["count"].clone(),
            q["reports"][0]["hidden"].clone()
        ),
        (json!(3), json!(true))
    );

    let decide = format!("/api/v1/staff/projects/{sid}/moderation");
    for bad in [
        json!({"decision": "restore", "reason": ""}),
        json!({"decision": "maybe", "reason": "x"}),
        json!({"decision": "restore"}),
    ] {
        let r = app.post(&decide, bad.clone(), Some(&moderator)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = app
        .post(
            &decide,
            json!({"decision": "restore", "reason": "A cartoon name, not a person's"}),
            Some(&moderator),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(app.get(&link, None).await.status, StatusCode::OK);
    let q = app
        .get("/api/v1/staff/reports", Some(&moderator))
        .await
        .json();
    assert!(q["reports"].as_array().unwrap().is_empty(), "decided");
    // Counted again from nothing: one verified teacher's report hides it at once.
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let r = report_from(&app, &sid, [10, 0, 0, 9], Some(&teacher)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(app.get(&link, None).await.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &decide,
            json!({"decision": "hide", "reason": "Shows a phone number in a costume"}),
            Some(&moderator),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&link, None).await.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            "/api/v1/staff/projects/nope/moderation",
            json!({"decision": "hide", "reason": "x"}),
            Some(&moderator),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Reporting what is hidden, or bad reports, change nothing.
    assert_eq!(
        report_from(&app, &sid, [10, 0, 0, 4], None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            &format!("/api/v1/shared/{sid}/reports"),
            json!({"reason": "boring"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let audit = app.state.store.audit_entries(None, 0, 100).await.unwrap();
    let actions: Vec<_> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"project_restored") && actions.contains(&"project_hidden"),
        "{actions:?}"
    );
    let hidden = audit.iter().find(|e| e.action == "project_hidden").unwrap();
    assert_eq!(
        hidden.reason.as_deref(),
        Some("Shows a phone number in a costume")
    );
}

/// Who may call each route, and what the others get.
const ROUTES: [(&str, &str, &str); 12] = [
    ("POST", "/api/v1/projects", "student"),
    ("GET", "/api/v1/projects", "student"),
    ("GET", "/api/v1/projects/{id}", "owner"),
    ("PATCH", "/api/v1/projects/{id}", "owner"),
    ("DELETE", "/api/v1/projects/{id}", "owner"),
    ("GET", "/api/v1/shared/{share_id}", "anyone"),
    ("GET", "/api/v1/shared/{share_id}/thumbnail", "anyone"),
    ("POST", "/api/v1/shared/{share_id}/remix", "student"),
    ("POST", "/api/v1/shared/{share_id}/reports", "anyone"),
    ("GET", "/api/v1/gallery", "anyone"),
    ("GET", "/api/v1/sections/{id}/shared-projects", "teacher"),
    (
        "PATCH",
        "/api/v1/sections/{id}/shared-projects/{share_id}",
        "teacher",
    ),
];

#[test]
fn every_creations_route_is_in_the_table() {
    let doc = kodlek_web::openapi::document();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let ours = ["/api/v1/projects", "/api/v1/shared/", "/api/v1/gallery"]
            .iter()
            .any(|p| path.starts_with(p))
            || path.contains("/shared-projects");
        if ours && !path.contains("/media") {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    documented.sort();
    let mut table: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    table.sort();
    assert_eq!(
        documented, table,
        "each creations route needs its row in ROUTES"
    );
}

// Each route for each role: nobody, the owner student, another student, the section's
// teacher, another teacher, a moderator.
async fn each_route_answers_each_role(app: TestApp) {
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let other_teacher = app.verified_teacher("Otto", "otto@example.org").await;
    let moderator = staff_cookie(&app, "moderator").await;
    for (method, template, who) in ROUTES {
        let (owner, _) = app
            .student(
                "Kim",
                &format!("kim{}@example.org", kodlek_store::new_id()),
                10,
            )
            .await;
        let (other, _) = app
            .student(
                "Ola",
                &format!("ola{}@example.org", kodlek_store::new_id()),
                10,
            )
            .await;
        let section = joined(&app, &teacher, &owner).await;
        let p = make(&app, &owner, "artist", "Line", Some(ARTIST)).await;
        let id = p["id"].as_str().unwrap();
        let sid = shared_id(&app, &owner, id, "gallery").await;
        let path_id = if template.starts_with("/api/v1/sections") {
            section["id"].as_str().unwrap()
        } else {
            id
        };
        let path = template
            .replace("{id}", path_id)
            .replace("{share_id}", &sid);
        let body = match (method, template) {
            ("POST", "/api/v1/projects") => Some(json!({"kind": "sprites", "title": "New"})),
            ("PATCH", t) if t.contains("shared-projects") => {
                Some(json!({"hidden_by_teacher": false}))
            }
            ("PATCH", _) => Some(json!({"title": "Renamed"})),
            ("POST", t) if t.ends_with("/reports") => Some(json!({"reason": "other"})),
            ("POST", _) => Some(json!({})),
            _ => None,
        };
        let roles: [(&str, Option<&str>); 6] = [
            ("nobody", None),
            ("owner", Some(&owner)),
            ("student", Some(&other)),
            ("teacher", Some(&teacher)),
            ("other teacher", Some(&other_teacher)),
            ("moderator", Some(&moderator)),
        ];
        for (role, cookie) in roles {
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            let r = app.call(m, &path, body.clone(), cookie).await;
            let allowed = match who {
                "anyone" => true,
                "student" => matches!(role, "owner" | "student"),
                "owner" => role == "owner",
                "teacher" => role == "teacher",
                _ => unreachable!(),
            };
            if allowed {
                assert!(
                    r.status.is_success(),
                    "{method} {template} for {role}: {} {}",
                    r.status,
                    r.text
                );
                // A trusted report hides the project; the next role finds it shown again.
                app.state
                    .store
                    .moderate(id, "restored", now_millis())
                    .await
                    .unwrap();
                continue;
            }
            let expected = match (who, role) {
                (_, "nobody") => StatusCode::UNAUTHORIZED,
                ("student", _) => StatusCode::FORBIDDEN,
                _ => StatusCode::NOT_FOUND,
            };
            assert_eq!(
                r.status, expected,
                "{method} {template} for {role}: {}",
                r.text
            );
        }
    }
}

on_both_backends!(
    students_keep_their_projects,
    bad_projects_are_refused_and_change_nothing,
    sharing_is_the_owners_choice_and_shows_the_display_name_only,
    the_gallery_pages_newest_first,
    remixes_credit_the_original,
    teachers_switch_sharing_off_and_hide,
    reports_hide_and_moderators_decide,
    each_route_answers_each_role,
);
