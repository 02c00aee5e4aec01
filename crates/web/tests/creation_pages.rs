//! The creations' pages: both languages, the forms, the share page's plain links for social
//! networks, the teachers' and moderators' pages, the built-in sprites and sounds, and the
//! export and erasure of projects.

mod common;

use axum::http::StatusCode;
use common::{Answer, TestApp};
use serde_json::{Value, json};

/// A form token for a signed-in cookie: the csrf cookie is added beside the session.
async fn with_csrf(app: &TestApp, cookie: &str) -> (String, String) {
    let page = app.get("/gallery", Some(cookie)).await;
    let pair = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("kodlek_csrf="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = pair.trim_start_matches("kodlek_csrf=").to_owned();
    (format!("{cookie}; {pair}"), token)
}

fn location(a: &Answer) -> String {
    a.headers["location"].to_str().unwrap().to_owned()
}

/// No page of ours loads anything from another site: no script, style, image or frame
/// addressed elsewhere, and no inline script.
fn loads_nothing_from_elsewhere(html: &str) {
    for bad in [
        "src=\"http",
        "src=\"//",
        "<iframe",
        "<link rel=\"stylesheet\" href=\"http",
        "style=\"",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    for script in html.split("<script").skip(1) {
        let head = script.split('>').next().unwrap();
        assert!(
            head.contains("src=\"/") || head.contains("type=\"application/json\""),
            "an inline script: <script{head}>"
        );
    }
}

async fn project(app: &TestApp, cookie: &str, kind: &str) -> Value {
    let r = app
        .post(
            "/api/v1/projects",
            json!({"kind": kind, "title": "Rocket ride"}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["project"].clone()
}

// promise CREATE-1: the pages make, open, rename and delete a project, in both languages.
#[tokio::test]
async fn my_projects_pages_in_both_languages() {
    let app = TestApp::sqlite().await;
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let (cookie, token) = with_csrf(&app, &kim).await;
    let en = app.get("/projects?lang=en", Some(&cookie)).await;
    assert!(en.text.contains("My projects") && en.text.contains("id=\"new-project\""));
    let sv = app.get("/projects?lang=sv", Some(&cookie)).await;
    assert!(sv.text.contains("Mina projekt"), "{}", sv.text);
    loads_nothing_from_elsewhere(&sv.text);

    let made = app
        .post_form(
            "/projects",
            &cookie,
            &[
                ("csrf_token", &token),
                ("kind", "sprites"),
                ("title", "Dog race"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let path = location(&made);
    let editor = app.get(&path, Some(&cookie)).await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(editor.text.contains("/static/dist/creations.js"));
    assert!(editor.text.contains("id=\"project-data\""));
    loads_nothing_from_elsewhere(&editor.text);

    // A title that gives away how to reach the child is refused with a clear message.
    let bad = app
        .post_form(
            &format!("{path}/rename"),
            &cookie,
            &[("csrf_token", &token), ("title", "ring mig 0701234567")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("phone number"), "{}", bad.text);
    let renamed = app
        .post_form(
            &format!("{path}/rename"),
            &cookie,
            &[("csrf_token", &token), ("title", "Cat race")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert!(
        app.get("/projects", Some(&cookie))
            .await
            .text
            .contains("Cat race")
    );
    let gone = app
        .post_form(
            &format!("{path}/delete"),
            &cookie,
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&path, Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    // Without the form token, nothing happens.
    let forged = app
        .post_form("/projects", &kim, &[("kind", "sprites"), ("title", "X")])
        .await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    // Signed out, the pages send to the sign-in.
    assert_eq!(location(&app.get("/projects", None).await), "/sign-in");
}

// promise CREATE-5: the share page offers social networks only as plain links, which send
// nothing until the learner clicks one, and only to learners aged 13 or more; children get the
// link to copy and nothing else.
#[tokio::test]
async fn social_networks_get_plain_links_and_only_from_teens() {
    let app = TestApp::sqlite().await;
    for (age, email, social) in [
        (14, "teen@example.org", true),
        (10, "child@example.org", false),
    ] {
        let (student, _) = app.student("Sam", email, age).await;
        let (cookie, token) = with_csrf(&app, &student).await;
        let p = project(&app, &student, "artist").await;
        let id = p["id"].as_str().unwrap();
        let page = app
            .get(&format!("/projects/{id}/share"), Some(&cookie))
            .await;
        assert!(!page.text.contains("facebook"), "nothing before sharing");
        let shared = app
            .post_form(
                &format!("/projects/{id}/share"),
                &cookie,
                &[("csrf_token", &token), ("sharing", "link")],
            )
            .await;
        assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", shared.text);
        let page = app
            .get(&format!("/projects/{id}/share"), Some(&cookie))
            .await;
        loads_nothing_from_elsewhere(&page.text);
        assert!(page.text.contains("id=\"share-url\""));
        assert_eq!(
            page.text.contains(
                "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Fkodlek.test%2Fshared%2F"
            ),
            social,
            "{}",
            page.text
        );
        assert_eq!(page.text.contains("id=\"social-links\""), social);
        if social {
            assert!(page.text.contains("rel=\"noopener noreferrer\""));
        }
    }
}

// promise CREATE-2: the shared page and the gallery show the display name only; the gallery
// page lists what was shared to it, in both languages.
#[tokio::test]
async fn shared_and_gallery_pages() {
    let app = TestApp::sqlite().await;
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let p = project(&app, &kim, "artist").await;
    let id = p["id"].as_str().unwrap();
    let r = app
        .patch(
            &format!("/api/v1/projects/{id}"),
            json!({"sharing": "gallery"}),
            Some(&kim),
        )
        .await;
    let sid = r.json()["project"]["share_id"].as_str().unwrap().to_owned();
    let shared = app.get(&format!("/shared/{sid}?lang=sv"), None).await;
    assert_eq!(shared.status, StatusCode::OK);
    assert!(
        shared.text.contains("av Kim") && shared.text.contains("Spela"),
        "{}",
        shared.text
    );
    assert!(!shared.text.contains("kim@example.org"));
    assert!(
        !shared.text.contains("id=\"remix-form\""),
        "no remix for a visitor"
    );
    loads_nothing_from_elsewhere(&shared.text);
    let gallery = app.get("/gallery?lang=en", None).await;
    assert!(
        gallery.text.contains("Rocket ride")
            && gallery
                .text
                .contains(&format!("/api/v1/shared/{sid}/thumbnail"))
    );
    loads_nothing_from_elsewhere(&gallery.text);
    assert!(
        app.get("/gallery?lang=sv", None)
            .await
            .text
            .contains("Galleri")
    );
    assert_eq!(
        app.get("/shared/nope", None).await.status,
        StatusCode::NOT_FOUND
    );
    // A visitor reports from the page.
    let (cookie, token) = {
        let page = app.get("/gallery", None).await;
        let pair = page
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("kodlek_csrf="))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let token = pair.trim_start_matches("kodlek_csrf=").to_owned();
        (pair, token)
    };
    let sent = app
        .post_form(
            &format!("/shared/{sid}/report"),
            &cookie,
            &[
                ("csrf_token", &token),
                ("reason", "other"),
                ("details", "Looks sad"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(app.state.store.open_reports(10).await.unwrap().len(), 1);
}

// The teacher's page switches sharing off for the section and hides a project.
#[tokio::test]
async fn the_teachers_page_switches_and_hides() {
    let app = TestApp::sqlite().await;
    let teacher = app.verified_teacher("Tess", "tess@example.org").await;
    let (cookie, token) = with_csrf(&app, &teacher).await;
    let section = app.section(&teacher, "email").await;
    let sec = section["id"].as_str().unwrap();
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    app.post(
        "/api/v1/sections/join",
        json!({"code": section["code"]}),
        Some(&kim),
    )
    .await;
    let p = project(&app, &kim, "sprites").await;
    let r = app
        .patch(
            &format!("/api/v1/projects/{}", p["id"].as_str().unwrap()),
            json!({"sharing": "link"}),
            Some(&kim),
        )
        .await;
    let sid = r.json()["project"]["share_id"].as_str().unwrap().to_owned();

    let dashboard = app.get(&format!("/sections/{sec}"), Some(&cookie)).await;
    assert!(dashboard.text.contains(&format!("/sections/{sec}/shares")));
    let page = app
        .get(&format!("/sections/{sec}/shares?lang=sv"), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Det dina elever delar") && page.text.contains("Rocket ride"));
    let off = app
        .post_form(
            &format!("/sections/{sec}/shares"),
            &cookie,
            &[("csrf_token", &token), ("sharing_allowed", "off")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    app.post_form(
        &format!("/sections/{sec}/shares"),
        &cookie,
        &[("csrf_token", &token), ("sharing_allowed", "on")],
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}"), None).await.status,
        StatusCode::OK
    );
    let hid = app
        .post_form(
            &format!("/sections/{sec}/shares/{sid}"),
            &cookie,
            &[("csrf_token", &token), ("hidden_by_teacher", "true")],
        )
        .await;
    assert_eq!(hid.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    // Another teacher's section: not found.
    let other = app.verified_teacher("Otto", "otto@example.org").await;
    assert_eq!(
        app.get(&format!("/sections/{sec}/shares"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

// The built-in costumes and sounds come from Kodlek itself, with their types.
#[tokio::test]
async fn sprites_and_sounds_are_served_by_kodlek() {
    let app = TestApp::sqlite().await;
    let svg = app.get("/static/sprites/cat.svg", None).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(svg.headers["content-type"], "image/svg+xml");
    let wav = app.get("/static/sounds/pop.wav", None).await;
    assert_eq!(wav.headers["content-type"], "audio/wav");
    assert_eq!(
        app.get("/static/sprites/nope.svg", None).await.status,
        StatusCode::NOT_FOUND
    );
    let credits = app.get("/creations/credits", None).await;
    assert!(credits.text.contains("CC-BY 4.0"));
}

// promise RIGHTS-1, RIGHTS-2: the export holds the learner's projects; deleting the account
// erases them, and what they shared stops showing.
#[tokio::test]
async fn projects_are_exported_and_erased_with_the_account() {
    let app = TestApp::sqlite().await;
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let p = project(&app, &kim, "artist").await;
    let r = app
        .patch(
            &format!("/api/v1/projects/{}", p["id"].as_str().unwrap()),
            json!({"sharing": "link"}),
            Some(&kim),
        )
        .await;
    let sid = r.json()["project"]["share_id"].as_str().unwrap().to_owned();
    let export = app.get("/api/v1/me/export", Some(&kim)).await.json();
    let rows = export["tables"]["projects"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["title"], "Rocket ride");
    assert!(rows[0]["program"].as_str().unwrap().contains("when_run"));
    let d = app
        .delete(
            "/api/v1/me",
            Some(json!({"password": "correct horse battery"})),
            Some(&kim),
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.state
            .store
            .project(p["id"].as_str().unwrap())
            .await
            .unwrap(),
        None
    );
}

// The moderators' console page lists open reports and takes decisions.
#[tokio::test]
async fn the_moderation_page_decides() {
    let app = TestApp::sqlite().await;
    let (kim, _) = app.student("Kim", "kim@example.org", 10).await;
    let p = project(&app, &kim, "sprites").await;
    let r = app
        .patch(
            &format!("/api/v1/projects/{}", p["id"].as_str().unwrap()),
            json!({"sharing": "gallery"}),
            Some(&kim),
        )
        .await;
    let sid = r.json()["project"]["share_id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/shared/{sid}/reports"),
        json!({"reason": "inappropriate"}),
        None,
    )
    .await;
    let email = "mod@staff.kodlek.example";
    let (_, secret) = app.staff_member(email, "moderator").await;
    let code = kodlek_privacy::totp::code_at(&secret, (kodlek_domain::now_millis() / 1000) as u64)
        .unwrap();
    let s = app
        .post(
            "/api/v1/session",
            json!({"login": email, "password": common::STAFF_PW, "totp": code}),
            None,
        )
        .await;
    let staff = s.session_cookie().unwrap();
    let (cookie, token) = with_csrf(&app, &staff).await;
    let home = app.get("/staff", Some(&cookie)).await;
    assert!(
        home.text.contains("href=\"/staff/reports\""),
        "{}",
        home.text
    );
    let page = app.get("/staff/reports", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&sid));
    let done = app
        .post_form(
            &format!("/staff/reports/{sid}"),
            &cookie,
            &[
                ("csrf_token", &token),
                ("decision", "hide"),
                ("reason", "Not for children"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(
        app.get(&format!("/api/v1/shared/{sid}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    // A student is not let in.
    assert_ne!(
        app.get("/staff/reports", Some(&kim)).await.status,
        StatusCode::OK
    );
}
