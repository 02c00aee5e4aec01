//! Router tests of the teachers' section pages (HTML, forms without JavaScript), on both
//! backends: sections, students, secrets, cards, the progress grid and its CSV, the letter.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Answer, TestApp};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const CSRF: &str = "kodlek_csrf=test-form-token-0123456789";
const TOKEN: &str = "test-form-token-0123456789";

fn with_csrf(cookie: &str) -> String {
    format!("{cookie}; {CSRF}")
}

/// Sends a form as a browser does, with the form token.
async fn form(app: &TestApp, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Answer {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf_token", TOKEN);
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("cookie", with_csrf(cookie))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))
        .unwrap();
    app.send(req).await
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> Answer {
    app.get(path, Some(&with_csrf(cookie))).await
}

fn location(r: &Answer) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    r.headers["location"].to_str().unwrap().to_owned()
}

/// Creates a section through the page form; its id.
async fn new_section(app: &TestApp, cookie: &str, name: &str, login_type: &str) -> String {
    let r = form(
        app,
        "/sections",
        cookie,
        &[
            ("name", name),
            ("course_id", "maze-intro"),
            ("login_type", login_type),
        ],
    )
    .await;
    let to = location(&r);
    to.strip_prefix("/sections/")
        .and_then(|r| r.strip_suffix("?ok=created"))
        .unwrap_or_else(|| panic!("{to}"))
        .to_owned()
}

async fn detail(app: &TestApp, cookie: &str, id: &str) -> Value {
    app.get(&format!("/api/v1/sections/{id}"), Some(cookie))
        .await
        .json()
}

/// The id of the section's student with this name.
async fn student_id(app: &TestApp, cookie: &str, id: &str, name: &str) -> String {
    detail(app, cookie, id).await["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["display_name"] == name)
        .unwrap_or_else(|| panic!("no {name}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn secret_of(app: &TestApp, cookie: &str, id: &str, sid: &str) -> Value {
    let cards = app
        .get(
            &format!("/api/v1/sections/{id}/sign-in-cards"),
            Some(cookie),
        )
        .await
        .json();
    cards["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["student_id"] == sid)
        .unwrap()["secret"]
        .clone()
}

fn code_of(text: &str) -> String {
    let at = text.find("class=\"sec-code\">").unwrap() + "class=\"sec-code\">".len();
    text[at..at + 7].replace(' ', "")
}

// promise CLASS-1: a teacher creates a section on the page, and sees it with its code.
async fn a_teacher_creates_a_section_on_the_page(app: TestApp) {
    assert_eq!(
        app.get("/sections", None).await.status,
        StatusCode::SEE_OTHER
    );
    let (kid, _) = app.student("Kid", "kid@example.org", 14).await;
    let r = page(&app, "/sections", &kid).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("href=\"/my-sections\""), "a student's link");

    let (unverified, _) = app.teacher("New", "new@example.org").await;
    let r = page(&app, "/sections", &unverified).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("id=\"unverified\""));
    assert!(r.text.contains("action=\"/account/verify-email\""));
    assert!(!r.text.contains("id=\"new-section-form\""));
    let r = form(
        &app,
        "/sections",
        &unverified,
        &[
            ("name", "X"),
            ("course_id", "maze-intro"),
            ("login_type", "word"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("Please confirm your email address first"));

    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let r = page(&app, "/sections", &t).await;
    assert!(r.text.contains("id=\"new-section-form\""));
    assert!(r.text.contains("href=\"/sections\""), "the teacher's link");
    assert!(r.text.contains("id=\"no-sections\""));
    for c in kodlek_puzzles::catalog().courses() {
        assert!(r.text.contains(&format!("value=\"{}\"", c.id)));
    }
    // A refused form says why and keeps what was typed.
    let r = form(
        &app,
        "/sections",
        &t,
        &[
            ("name", " "),
            ("course_id", "artist-intro"),
            ("login_type", "word"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("Please give the section a name"),
        "{}",
        r.text
    );
    assert!(r.text.contains("value=\"artist-intro\" selected"));
    assert!(
        r.text
            .contains("value=\"word\" aria-describedby=\"login-word-hint\" checked")
    );
    let r = form(
        &app,
        "/sections",
        &t,
        &[("name", "A"), ("course_id", "nope"), ("login_type", "word")],
    )
    .await;
    assert!(r.text.contains("Please choose one of the courses"));

    let id = new_section(&app, &t, "Class 2B", "picture").await;
    let r = page(&app, &format!("/sections/{id}?ok=created"), &t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("The section is ready"));
    assert!(r.text.contains("<h1>Class 2B</h1>"));
    let code = detail(&app, &t, &id).await["section"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    assert!(r.text.contains(&format!("class=\"sec-code\">{spaced}<")));
    assert!(
        r.text
            .contains(&format!("http://kodlek.test/sign-in/{code}"))
    );
    let r = page(&app, "/sections", &t).await;
    assert!(
        r.text
            .contains(&format!("href=\"/sections/{id}\">Class 2B"))
    );
    assert!(r.text.contains("The maze: your first hour of code"));
    assert!(r.text.contains(&spaced));
}

// promise U13-6: the page asks for the school's permission, with a sentence saying what it
// attests, before it makes children's accounts.
// promise CLASS-1: teachers add students one at a time or as a pasted list.
async fn students_are_added_one_at_a_time_or_by_paste(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "word").await;
    let path = format!("/sections/{id}/students");
    let r = page(&app, &path, &t).await;
    assert!(r.text.contains("name=\"school_permission\""));
    assert!(
        r.text
            .contains("consent from the child&#39;s parent or guardian")
    );

    let paste = format!("{path}/paste");
    let r = form(&app, &paste, &t, &[("names", "Alva\n\nBo\n")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Please tick the box"), "{}", r.text);
    assert!(
        r.text.contains(">Alva\n\nBo\n</textarea>"),
        "kept: {}",
        r.text
    );
    let r = form(
        &app,
        &paste,
        &t,
        &[("names", "\n \n"), ("school_permission", "yes")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Please give at least one name"));

    let r = form(
        &app,
        &paste,
        &t,
        &[
            ("names", "Alva\r\n\r\n  Bo \r\nCleo\r\n"),
            ("school_permission", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("3 students added"));
    assert!(r.text.contains(&format!("href=\"/sections/{id}/cards\"")));
    let names: Vec<String> = detail(&app, &t, &id).await["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["display_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Alva", "Bo", "Cleo"]);
    for n in &names {
        let sid = student_id(&app, &t, &id, n).await;
        let words = secret_of(&app, &t, &id, &sid).await["value"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(r.text.contains(&words), "{n}'s secret is shown");
    }
    // A name already there: nothing is added, and the list stays in the box.
    let r = form(
        &app,
        &paste,
        &t,
        &[("names", "Dan\nbo"), ("school_permission", "yes")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("already in the section: bo."), "{}", r.text);
    assert!(r.text.contains(">Dan\nbo</textarea>"));
    assert_eq!(
        detail(&app, &t, &id).await["students"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // One student, with age and gender; without the attestation the form keeps its values.
    let r = form(
        &app,
        &path,
        &t,
        &[("display_name", "Eli"), ("age", "8"), ("gender", "female")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Please tick the box"));
    assert!(r.text.contains("value=\"Eli\""));
    assert!(r.text.contains("value=\"female\" selected"));
    let r = form(
        &app,
        &path,
        &t,
        &[
            ("display_name", "Eli"),
            ("age", "eight"),
            ("school_permission", "yes"),
        ],
    )
    .await;
    assert!(r.text.contains("Please give the age as a whole number"));
    let r = form(
        &app,
        &path,
        &t,
        &[
            ("display_name", "Eli"),
            ("age", "8"),
            ("gender", "female"),
            ("school_permission", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("1 student added"));
    let r = page(&app, &path, &t).await;
    assert!(r.text.contains("Girl or woman"));
    assert!(r.text.contains("<td>8</td>"));

    // An email section has no students made by the teacher.
    let email = new_section(&app, &t, "Year 9", "email").await;
    let r = page(&app, &format!("/sections/{email}/students"), &t).await;
    assert!(r.text.contains("id=\"email-section-note\""));
    assert!(!r.text.contains("id=\"paste-form\""));
    let r = form(
        &app,
        &format!("/sections/{email}/students/paste"),
        &t,
        &[("names", "Alva"), ("school_permission", "yes")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text
            .contains("Change the section to pictures or words first")
    );
}

// promise CLASS-3: the teacher makes a new secret on the page, and unlocks a locked sign-in.
async fn secrets_are_renewed_and_sign_in_unlocked(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "word").await;
    form(
        &app,
        &format!("/sections/{id}/students/paste"),
        &t,
        &[("names", "Alva"), ("school_permission", "yes")],
    )
    .await;
    let sid = student_id(&app, &t, &id, "Alva").await;
    let old = secret_of(&app, &t, &id, &sid).await;
    let r = form(
        &app,
        &format!("/sections/{id}/students/{sid}/secret"),
        &t,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let new = secret_of(&app, &t, &id, &sid).await;
    assert!(r.text.contains("id=\"new-secret\""));
    assert!(r.text.contains("New secret for Alva"));
    assert!(r.text.contains(new["value"].as_str().unwrap()));
    assert!(
        r.text
            .contains(&format!("/sections/{id}/cards?student={sid}"))
    );
    assert_ne!(old, new, "two words drawn anew");

    let code = detail(&app, &t, &id).await["section"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..10 {
        app.post(
            &format!("/api/v1/sign-in/{code}"),
            json!({"student_id": sid, "secret": "wrong words"}),
            None,
        )
        .await;
    }
    let r = page(&app, &format!("/sections/{id}/students"), &t).await;
    assert!(r.text.contains("Locked: too many wrong tries"));
    // The lock is a picture of Kodlek's own, with a text, not an emoji.
    assert!(r.text.contains(
        "<span class=\"locked\"><img class=\"icon\" src=\"/static/icons/lock.svg\" alt=\"Lock\""
    ));
    assert!(r.text.contains(&format!("/students/{sid}/unlock")));
    let r = form(
        &app,
        &format!("/sections/{id}/students/{sid}/unlock"),
        &t,
        &[],
    )
    .await;
    assert_eq!(location(&r), format!("/sections/{id}/students?ok=unlocked"));
    let r = page(&app, &format!("/sections/{id}/students?ok=unlocked"), &t).await;
    assert!(r.text.contains("Sign-in is unlocked"));
    assert!(!r.text.contains("Locked: too many wrong tries"));
    let r = app
        .post(
            &format!("/api/v1/sign-in/{code}"),
            json!({"student_id": sid, "secret": new["value"]}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

// promise ACCT-6: a teacher corrects and removes the students they manage; a student left in
// no section is erased, and the confirmation says so first.
async fn teachers_correct_and_remove_students(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "picture").await;
    form(
        &app,
        &format!("/sections/{id}/students"),
        &t,
        &[
            ("display_name", "Alva"),
            ("age", "8"),
            ("school_permission", "yes"),
        ],
    )
    .await;
    let sid = student_id(&app, &t, &id, "Alva").await;
    let edit = format!("/sections/{id}/students/{sid}/edit");
    let r = page(&app, &edit, &t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("value=\"8\""));
    let r = form(
        &app,
        &edit,
        &t,
        &[
            ("display_name", "Alva B."),
            ("age", ""),
            ("gender", "nonbinary"),
        ],
    )
    .await;
    assert_eq!(location(&r), format!("/sections/{id}/students?ok=saved"));
    let s = &detail(&app, &t, &id).await["students"][0];
    assert_eq!(s["display_name"], "Alva B.");
    assert_eq!(s["age"], Value::Null);
    assert_eq!(s["gender"], "nonbinary");
    let r = form(&app, &edit, &t, &[("display_name", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Please give a display name"));

    let remove = format!("/sections/{id}/students/{sid}/remove");
    let r = page(&app, &remove, &t).await;
    assert!(r.text.contains("id=\"remove-erases\""));
    assert!(
        r.text
            .contains("is in no other section, the account is erased")
    );
    let r = form(&app, &remove, &t, &[]).await;
    assert_eq!(location(&r), format!("/sections/{id}/students?ok=removed"));
    assert!(
        app.state.store.account_by_id(&sid).await.unwrap().is_none(),
        "erased"
    );
    assert_eq!(page(&app, &edit, &t).await.status, StatusCode::NOT_FOUND);
}

// promise CLASS-2: the teacher prints sign-in cards with each student's picture or words.
async fn cards_show_each_secret(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let pics = new_section(&app, &t, "Class 1A", "picture").await;
    form(
        &app,
        &format!("/sections/{pics}/students/paste"),
        &t,
        &[("names", "Alva\nBo"), ("school_permission", "yes")],
    )
    .await;
    let r = page(&app, &format!("/sections/{pics}/cards"), &t).await;
    assert_eq!(r.status, StatusCode::OK);
    let code = code_of(&r.text);
    for name in ["Alva", "Bo"] {
        let sid = student_id(&app, &t, &pics, name).await;
        let secret = secret_of(&app, &t, &pics, &sid).await;
        let pic = secret["value"].as_str().unwrap();
        assert!(
            r.text
                .contains(&format!("src=\"/static/pictures/{pic}.svg\""))
        );
        let label = kodlek_web::classrooms::secrets::picture(pic)
            .unwrap()
            .label(kodlek_web::extract::Lang::En);
        assert!(
            r.text.contains(&format!("<strong>{label}</strong>")),
            "{label}"
        );
        assert!(
            r.text
                .contains(&format!("<p class=\"card-name\">{name}</p>"))
        );
    }
    assert!(
        r.text
            .contains(&format!("http://kodlek.test/sign-in/{code}"))
    );
    assert_eq!(r.text.matches("<li class=\"card\">").count(), 2);
    // One card alone, for a student with a new secret.
    let bo = student_id(&app, &t, &pics, "Bo").await;
    let r = page(&app, &format!("/sections/{pics}/cards?student={bo}"), &t).await;
    assert_eq!(r.text.matches("<li class=\"card\">").count(), 1);
    assert!(r.text.contains(">Bo</p>"));

    let words = new_section(&app, &t, "Class 4A", "word").await;
    form(
        &app,
        &format!("/sections/{words}/students/paste"),
        &t,
        &[("names", "Cleo"), ("school_permission", "yes")],
    )
    .await;
    let sid = student_id(&app, &t, &words, "Cleo").await;
    let secret = secret_of(&app, &t, &words, &sid).await;
    let r = page(&app, &format!("/sections/{words}/cards"), &t).await;
    assert!(r.text.contains(&format!(
        "<p class=\"card-words\">{}</p>",
        secret["value"].as_str().unwrap()
    )));
    // The print stylesheet leaves the page's frame out and keeps each card in one piece.
    let css = app.get("/static/style.css", None).await.text;
    let print = &css[css.find("/* Sections (teachers) */").unwrap()..];
    assert!(print.contains("@media print"));
    assert!(print.contains("break-inside: avoid"));
}

/// Signs in a student of a word section with their secret; the session cookie.
async fn student_session(app: &TestApp, t: &str, id: &str, sid: &str) -> String {
    let code = detail(app, t, id).await["section"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = secret_of(app, t, id, sid).await;
    let r = app
        .post(
            &format!("/api/v1/sign-in/{code}"),
            json!({"student_id": sid, "secret": secret["value"]}),
            None,
        )
        .await;
    r.session_cookie().unwrap()
}

// promise PROG-4: the dashboard shows each student's best result per level, with a symbol
// and a text as well as a colour, who needs help, and the student page shows the code.
// promise MSG-2: written answers are shown to the student's current teachers and nobody else.
async fn the_dashboard_and_student_page_show_progress_and_code(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "word").await;
    form(
        &app,
        &format!("/sections/{id}/students/paste"),
        &t,
        &[("names", "Alva\nBo"), ("school_permission", "yes")],
    )
    .await;
    let alva = student_id(&app, &t, &id, "Alva").await;
    let kid = student_session(&app, &t, &id, &alva).await;
    let solution = common::solution("maze-1");
    let wrong = json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s",
        "next": {"block": {"type": "controls_repeat", "fields": {"TIMES": 4}, "inputs": {"DO": {"block":
        {"type": "maze_move_forward", "next": {"block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}}}}}}}}]}});
    app.post(
        "/api/v1/levels/maze-1/attempts",
        json!({"program": solution}),
        Some(&kid),
    )
    .await;
    for _ in 0..6 {
        let r = app
            .post(
                "/api/v1/levels/maze-2/attempts",
                json!({"program": wrong}),
                Some(&kid),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = app
        .post(
            "/api/v1/levels/maze-reflect/attempts",
            json!({"answer": "I used a <loop>."}),
            Some(&kid),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let r = page(&app, &format!("/sections/{id}"), &t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("id=\"progress-grid\""));
    assert!(
        r.text.contains("<td class=p data-t=\"1 tries · "),
        "{}",
        r.text
    );
    assert!(r.text.contains(">★</td>"));
    assert!(r.text.contains("<td class=h data-t=\"6 tries · "));
    assert!(r.text.contains(">!</td>"));
    assert!(r.text.contains(">✓</td>"), "the answered prompt");
    assert!(r.text.contains("id=\"needs-help\""));
    assert!(r.text.contains("Needs help with level 2"));
    assert!(r.text.contains("solved perfectly"), "the legend");
    assert!(
        r.text
            .contains(&format!("href=\"/sections/{id}/students/{alva}\">Alva</a>"))
    );
    assert!(
        r.text
            .contains(&format!("href=\"/sections/{id}/progress.csv\""))
    );
    assert!(
        r.text
            .contains("<script src=\"/static/dist/grid.js\" defer></script>")
    );
    assert_eq!(
        app.get("/static/dist/grid.js", None).await.status,
        StatusCode::OK
    );
    // The squares' tooltips get their student's and level's names from a script of Kodlek's.
    assert!(
        r.text
            .contains("<script src=\"/static/js/grid-names.js\" defer></script>")
    );
    let names = app.get("/static/js/grid-names.js", None).await;
    assert_eq!(names.status, StatusCode::OK);
    assert!(names.text.contains("aria-label"));
    assert!(
        !r.text.contains(" style="),
        "no style attributes under the CSP"
    );
    assert!(
        r.text
            .contains(&format!("data-live=\"/sections/{id}/live\""))
    );

    // What the open dashboard refreshes itself from: the same grid and help list.
    let live = page(&app, &format!("/sections/{id}/live"), &t).await;
    assert_eq!(live.status, StatusCode::OK, "{}", live.text);
    assert_eq!(live.headers["cache-control"], "no-store");
    let v = live.json();
    let grid = v["grid"].as_str().unwrap();
    assert!(grid.starts_with("<table class=\"pg\" id=\"progress-grid\""));
    assert!(grid.contains("<td class=h data-t=\"6 tries · "));
    assert!(r.text.contains(grid), "the page's own grid");
    let help = v["help"].as_str().unwrap();
    assert!(help.contains("id=\"needs-help\"") && help.contains("Needs help with level 2"));
    let sv = page(&app, &format!("/sections/{id}/live?lang=sv"), &t).await;
    assert!(
        sv.json()["help"]
            .as_str()
            .unwrap()
            .contains("Behöver hjälp"),
        "{}",
        sv.text
    );
    // Only the section's teachers.
    assert_eq!(
        app.get(&format!("/sections/{id}/live"), Some(&kid))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let student = format!("/sections/{id}/students/{alva}");
    let r = page(&app, &student, &t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text
            .contains("when run\n    repeat 4 times:\n        move forward\n        turn left ↺"),
        "{}",
        r.text
    );
    assert!(r.text.contains("I used a &#60;loop&#62;."), "{}", r.text);
    assert!(r.text.contains("6 attempts"));

    // A co-teacher sees it; a teacher who left, and any other teacher, does not.
    let other = app.verified_teacher("Mr Ek", "ek@example.org").await;
    assert_eq!(
        page(&app, &student, &other).await.status,
        StatusCode::NOT_FOUND
    );
    let r = form(&app, &format!("/sections/{id}/invitations"), &t, &[]).await;
    let link = r.text.split("value=\"http://kodlek.test").nth(1).unwrap();
    let link = &link[..link.find('"').unwrap()];
    let r = form(&app, link, &other, &[]).await;
    assert_eq!(location(&r), format!("/sections/{id}?ok=joined"));
    assert!(
        page(&app, &student, &other)
            .await
            .text
            .contains("I used a &#60;loop&#62;.")
    );
    let ek = detail(&app, &other, &id).await["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["display_name"] == "Mr Ek")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = form(
        &app,
        &format!("/sections/{id}/teachers/{ek}/remove"),
        &other,
        &[],
    )
    .await;
    assert_eq!(location(&r), "/sections?ok=left");
    assert_eq!(
        page(&app, &student, &other).await.status,
        StatusCode::NOT_FOUND
    );
    // Nor does anyone once the student has left the section.
    form(&app, &format!("{student}/remove"), &t, &[]).await;
    assert_eq!(page(&app, &student, &t).await.status, StatusCode::NOT_FOUND);
}

// The CSV of the grid opens safely in a spreadsheet: no cell starts a formula.
async fn the_csv_cannot_start_formulas(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Klass 3B; \"Åsa\"", "word").await;
    form(
        &app,
        &format!("/sections/{id}/students/paste"),
        &t,
        &[
            ("names", "=HYPERLINK(\"http://x\")\n-2+3\nAlva"),
            ("school_permission", "yes"),
        ],
    )
    .await;
    let alva = student_id(&app, &t, &id, "Alva").await;
    let kid = student_session(&app, &t, &id, &alva).await;
    let solution = common::solution("maze-1");
    app.post(
        "/api/v1/levels/maze-1/attempts",
        json!({"program": solution}),
        Some(&kid),
    )
    .await;
    let r = page(&app, &format!("/sections/{id}/progress.csv"), &t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        r.headers["content-disposition"],
        "attachment; filename=\"kodlek-klass-3b-asa-progress.csv\""
    );
    let lines: Vec<&str> = r
        .text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .collect();
    let levels = kodlek_puzzles::catalog().levels_of("maze-intro");
    assert!(lines[0].starts_with("Student,"));
    let empty_row = format!("'-2+3{}", ",".repeat(levels.len() * 3));
    // Each level: its status, its tries and the time of the last one.
    assert!(
        lines[0].starts_with(
            "Student,First steps,First steps: tries,First steps: last try (UTC),Around the corner,"
        ),
        "{}",
        lines[0]
    );
    let alva_row: Vec<&str> = lines
        .iter()
        .find(|l| l.starts_with("Alva,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(alva_row.len(), 1 + levels.len() * 3);
    assert_eq!(alva_row[1..3], ["solved perfectly", "1"], "{alva_row:?}");
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert!(
        alva_row[3].starts_with(&today) && alva_row[3].len() == 16,
        "{alva_row:?}"
    );
    assert_eq!(alva_row[4..7], ["", "", ""], "not tried");
    assert!(lines.contains(&empty_row.as_str()), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\",")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Alva,solved perfectly,")),
        "{lines:?}"
    );
    for l in &lines[1..] {
        assert!(!l.starts_with(['=', '+', '-', '@']), "{l}");
    }
    // In the teacher's language.
    let sv = page(&app, &format!("/sections/{id}/progress.csv?lang=sv"), &t).await;
    assert!(sv.text.contains("\nAlva,perfekt löst,1,"), "{}", sv.text);
    assert!(
        sv.text
            .contains(",Första stegen: försök,Första stegen: senaste försöket (UTC),")
    );
    assert!(
        sv.text.trim_start_matches('\u{feff}').starts_with("Elev,"),
        "{}",
        sv.text
    );
    assert_eq!(
        app.get(&format!("/sections/{id}/progress.csv"), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

// promise CLASS-5: another teacher gets a 404 on every page of a section that is not theirs,
// and the pages show no student's email.
async fn other_teachers_get_not_found(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let other = app.verified_teacher("Mr Ek", "ek@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "word").await;
    form(
        &app,
        &format!("/sections/{id}/students/paste"),
        &t,
        &[("names", "Alva"), ("school_permission", "yes")],
    )
    .await;
    let sid = student_id(&app, &t, &id, "Alva").await;
    let code = detail(&app, &t, &id).await["section"]["code"].clone();
    let (own, _) = app.student("Bo", "bo.own@example.org", 14).await;
    app.post("/api/v1/sections/join", json!({"code": code}), Some(&own))
        .await;
    let bo = student_id(&app, &t, &id, "Bo").await;
    let pages = [
        format!("/sections/{id}"),
        format!("/sections/{id}/progress.csv"),
        format!("/sections/{id}/students"),
        format!("/sections/{id}/students/{sid}"),
        format!("/sections/{id}/students/{bo}"),
        format!("/sections/{id}/students/{sid}/edit"),
        format!("/sections/{id}/students/{sid}/remove"),
        format!("/sections/{id}/cards"),
        format!("/sections/{id}/letter"),
        format!("/sections/{id}/settings"),
        format!("/sections/{id}/delete"),
    ];
    for p in &pages {
        let r = page(&app, p, &other).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
        assert!(!r.text.contains("Alva"), "{p}");
        let r = page(&app, p, &t).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        assert!(!r.text.contains("bo.own@example.org"), "{p}");
    }
    for (p, fields) in [
        (format!("/sections/{id}/students/{sid}/secret"), vec![]),
        (format!("/sections/{id}/students/{sid}/remove"), vec![]),
        (format!("/sections/{id}/delete"), vec![]),
        (
            format!("/sections/{id}/settings"),
            vec![("name", "Mine"), ("course_id", "maze-intro")],
        ),
    ] {
        let r = form(&app, &p, &other, &fields).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
    }
    assert!(!page(&app, "/sections", &other).await.text.contains(&id));
    // A student with their own account: the teacher sees no edit or new secret for them.
    let r = page(&app, &format!("/sections/{id}/students"), &t).await;
    assert!(!r.text.contains(&format!("/students/{bo}/edit")));
    assert!(!r.text.contains(&format!("/students/{bo}/secret")));
    assert!(r.text.contains("their own"));
}

// promise CLASS-6: the letter home explains the course, the sign-in, and what the platform
// keeps about a student and who sees it, from the data inventory.
async fn the_letter_explains_the_course_and_the_data(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "picture").await;
    let r = page(&app, &format!("/sections/{id}/letter"), &t).await;
    assert_eq!(r.status, StatusCode::OK);
    let course = kodlek_puzzles::catalog().course("maze-intro").unwrap();
    assert!(r.text.contains(&course.title.en));
    assert!(
        r.text
            .contains(&format!("The course has {} levels", course.level_count()))
    );
    let code = code_of(&r.text);
    assert!(
        r.text
            .contains(&format!("http://kodlek.test/sign-in/{code}"))
    );
    assert!(r.text.contains("your secret picture"));
    assert!(r.text.contains("never stored in a readable form"));
    assert!(r.text.contains("http://kodlek.test/privacy"));
    assert!(r.text.contains("Ms Berg"));
    let inv = kodlek_privacy::Inventory::shipped();
    for table in kodlek_web::classrooms::STUDENT_TABLES {
        assert!(r.text.contains(&html(&inv.tables[table].en)), "{table}");
        for c in inv.columns_of(table) {
            let shown = r.text.contains(&html(&c.en));
            assert_eq!(shown, c.applies_to("student"), "{}.{}", table, c.column);
        }
    }
    assert!(r.text.contains("<td>the student, their teachers</td>"));
    assert!(
        r.text
            .contains("<td>nobody else (only the platform uses it)</td>")
    );
    assert!(
        !r.text.contains("Counters that slow down"),
        "no table of other people"
    );
    // One page of letter, signed, then the tables as an appendix, and a Print button.
    let signed = r.text.find("class=\"letter-sign\"").unwrap();
    let appendix = r.text.find("<section id=\"letter-appendix\"").unwrap();
    let first_table = r.text.find("<table class=\"inventory").unwrap();
    assert!(signed < appendix && appendix < first_table, "{}", r.text);
    assert!(
        r.text
            .contains("The appendix on the next page lists every piece")
    );
    assert!(r.text.contains("data-print hidden>Print</button>"));

    let r = page(&app, &format!("/sections/{id}/letter?lang=sv"), &t).await;
    assert!(r.text.contains(&course.title.sv));
    assert!(r.text.contains("Bilaga: vad Kodlek sparar om en elev"));
    assert!(r.text.contains("Det här sparar Kodlek om en elev"));
    assert!(r.text.contains("<td>eleven, elevens lärare</td>"));
    for c in inv.columns_of("attempts") {
        assert!(r.text.contains(&html(&c.sv)));
    }
}

/// Text as askama writes it into HTML.
fn html(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

async fn the_pages_speak_swedish(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let r = page(&app, "/sections?lang=sv", &t).await;
    assert!(r.text.contains("<html lang=\"sv\">"));
    assert!(r.text.contains("Skapa en grupp"));
    assert!(r.text.contains(">Grupper</a>"));
    assert!(r.text.contains("Hemlig bild"));
    let id = new_section(&app, &t, "Klass 2B", "word").await;
    let sv = |p: String| format!("{p}?lang=sv");
    let r = page(&app, &sv(format!("/sections/{id}")), &t).await;
    assert!(r.text.contains("Behöver hjälp"));
    assert!(r.text.contains("Inloggningskort"));
    let r = form(
        &app,
        &sv(format!("/sections/{id}/students/paste")),
        &t,
        &[("names", "Åsa")],
    )
    .await;
    assert!(r.text.contains("Kryssa i rutan"), "{}", r.text);
    assert!(r.text.contains("Klistra in en klasslista"));
    let r = page(&app, &sv(format!("/sections/{id}/settings")), &t).await;
    assert!(r.text.contains("Skapa en ny kod"));
}

// promise CLASS-1: the teacher renames, re-courses, changes sign-in and code, and (only the
// owner) deletes the section after a confirmation that counts the accounts to be erased.
async fn settings_change_and_delete_the_section(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "picture").await;
    form(
        &app,
        &format!("/sections/{id}/students/paste"),
        &t,
        &[("names", "Alva\nBo"), ("school_permission", "yes")],
    )
    .await;
    let settings = format!("/sections/{id}/settings");
    let r = form(
        &app,
        &settings,
        &t,
        &[("name", "Class 3B"), ("course_id", "artist-intro")],
    )
    .await;
    assert_eq!(location(&r), format!("{settings}?ok=saved"));
    let d = detail(&app, &t, &id).await;
    assert_eq!(d["section"]["name"], "Class 3B");
    assert_eq!(d["section"]["course_id"], "artist-intro");
    let r = form(
        &app,
        &settings,
        &t,
        &[("name", ""), ("course_id", "maze-intro")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Please give the section a name"));

    let r = page(&app, &settings, &t).await;
    assert!(
        r.text
            .contains("every student you created gets a new secret")
    );
    assert!(r.text.contains("the old code stops working"));
    let r = form(
        &app,
        &format!("/sections/{id}/login-type"),
        &t,
        &[("login_type", "email")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("cannot become an email section"));
    let r = form(
        &app,
        &format!("/sections/{id}/login-type"),
        &t,
        &[("login_type", "word")],
    )
    .await;
    assert_eq!(location(&r), format!("{settings}?ok=login-type"));
    assert!(
        page(&app, &format!("{settings}?ok=login-type"), &t)
            .await
            .text
            .contains("print new cards")
    );
    let old = detail(&app, &t, &id).await["section"]["code"].clone();
    let r = form(&app, &format!("/sections/{id}/code"), &t, &[]).await;
    assert_eq!(location(&r), format!("{settings}?ok=code"));
    assert_ne!(detail(&app, &t, &id).await["section"]["code"], old);

    // A co-teacher can do the rest, but not delete.
    let other = app.verified_teacher("Mr Ek", "ek@example.org").await;
    let r = form(&app, &format!("/sections/{id}/invitations"), &t, &[]).await;
    assert!(r.text.contains("id=\"invitation\""));
    let link = r.text.split("value=\"http://kodlek.test").nth(1).unwrap();
    let link = link[..link.find('"').unwrap()].to_owned();
    let r = page(&app, &link, &other).await;
    assert!(r.text.contains("id=\"accept-form\""));
    assert!(
        app.get(&link, None)
            .await
            .text
            .contains("id=\"invitation-sign-in\"")
    );
    form(&app, &link, &other, &[]).await;
    let r = form(&app, &link, &other, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "used once");
    assert!(r.text.contains("id=\"invitation-invalid\""));
    let r = page(&app, &format!("/sections/{id}/delete"), &other).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text
            .contains("Only the teacher who made this section can delete it")
    );
    let r = form(&app, &format!("/sections/{id}/delete"), &other, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let owner_id = detail(&app, &t, &id).await["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["owner"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = form(
        &app,
        &format!("/sections/{id}/teachers/{owner_id}/remove"),
        &t,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text.contains("you cannot leave it"));

    let r = page(&app, &format!("/sections/{id}/delete"), &t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("The section has 2 students"));
    assert!(
        r.text
            .contains("2 students have accounts made by a teacher")
    );
    let alva = student_id(&app, &t, &id, "Alva").await;
    let r = form(&app, &format!("/sections/{id}/delete"), &t, &[]).await;
    assert_eq!(location(&r), "/sections?ok=deleted");
    assert!(
        app.state
            .store
            .account_by_id(&alva)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        page(&app, &format!("/sections/{id}"), &t).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        page(&app, "/sections?ok=deleted", &t)
            .await
            .text
            .contains("The section is deleted")
    );
}

/// The body of a gzip-compressed answer to a GET, as sent, and its length.
async fn gzipped(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, usize, String) {
    let req = Request::builder()
        .uri(path)
        .header("cookie", with_csrf(cookie))
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let encoding = resp.headers().get("content-encoding").cloned();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let encoding = encoding
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, bytes.len(), encoding)
}

// promise PROG-4: the grid of a full class stays small and quick.
async fn a_full_class_grid_is_small(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "word").await;
    let names: Vec<String> = (1..=40).map(|i| format!("Student number {i}")).collect();
    let r = form(
        &app,
        &format!("/sections/{id}/students/paste"),
        &t,
        &[("names", &names.join("\n")), ("school_permission", "yes")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let levels = kodlek_puzzles::catalog().levels_of("maze-intro");
    let students = detail(&app, &t, &id).await["students"].clone();
    let mut attempts = Vec::new();
    let now = kodlek_domain::now_millis();
    for (i, s) in students.as_array().unwrap().iter().enumerate() {
        for (j, l) in levels.iter().enumerate() {
            attempts.push(kodlek_store::NewAttempt {
                id: kodlek_store::new_id(),
                account_id: s["id"].as_str().unwrap().to_owned(),
                level_id: l.id.clone(),
                at: now - ((i * 7919 + j * 104729) % 864_000_000) as i64,
                status: ["failed", "passed", "perfect", "completed"][(i + j) % 4].to_owned(),
                program: None,
                answer: None,
                client_attempt_id: None,
            });
        }
    }
    app.state.store.record_attempts(&attempts).await.unwrap();
    let started = std::time::Instant::now();
    let (status, size, encoding) = gzipped(&app, &format!("/sections/{id}"), &t).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding, "gzip");
    assert!(size < 100_000, "{size} bytes");
    println!(
        "grid of 40 x {}: {size} bytes gzipped in {:?}",
        levels.len(),
        started.elapsed()
    );
}

// A pasted list that names a child twice is refused with the names it repeats, in the page's
// language, and the list stays in the box to be corrected.
async fn a_repeated_name_is_named(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "picture").await;
    let paste = format!("/sections/{id}/students/paste");
    form(
        &app,
        &paste,
        &t,
        &[("names", "Cleo"), ("school_permission", "yes")],
    )
    .await;
    let list = "Alva\nBo\nalva\ncleo\nDan\nBo";
    let r = form(
        &app,
        &paste,
        &t,
        &[("names", list), ("school_permission", "yes")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text
            .contains("twice, or already in the section: alva, cleo, Bo."),
        "{}",
        r.text
    );
    assert!(r.text.contains(&format!(">{list}</textarea>")));
    let r = form(
        &app,
        &format!("{paste}?lang=sv"),
        &t,
        &[("names", list), ("school_permission", "yes")],
    )
    .await;
    assert!(
        r.text.contains("finns redan i gruppen: alva, cleo, Bo."),
        "{}",
        r.text
    );
    assert_eq!(
        detail(&app, &t, &id).await["students"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing was added"
    );
}

// The sign-in cards page has a Print button: a real button, shown by a script of Kodlek's
// own (no inline script under the CSP).
async fn the_cards_page_has_a_print_button(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = new_section(&app, &t, "Class 2B", "picture").await;
    form(
        &app,
        &format!("/sections/{id}/students/paste"),
        &t,
        &[("names", "Alva\nBo"), ("school_permission", "yes")],
    )
    .await;
    let r = page(&app, &format!("/sections/{id}/cards"), &t).await;
    assert!(
        r.text
            .contains("<script src=\"/static/js/print.js\" defer></script>"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains(
            "<button type=\"button\" id=\"print-cards\" data-print hidden>Print</button>"
        ),
        "{}",
        r.text
    );
    let sv = page(&app, &format!("/sections/{id}/cards?lang=sv"), &t).await;
    assert!(sv.text.contains("data-print hidden>Skriv ut</button>"));
    let js = app.get("/static/js/print.js", None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert!(js.text.contains("window.print()"));
    assert_eq!(
        app.get("/static/js/nothing.js", None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A wrong maze program: it walks a square and never reaches the flag.
fn wrong_program() -> Value {
    json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s",
        "next": {"block": {"type": "controls_repeat", "fields": {"TIMES": 4}, "inputs": {"DO": {"block":
        {"type": "maze_move_forward", "next": {"block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}}}}}}}}]}})
}

/// A picture section with Alva and Bo; its id, Alva's id and her session.
async fn class_with_alva(app: &TestApp, t: &str) -> (String, String, String) {
    let id = new_section(app, t, "Class 2B", "word").await;
    form(
        app,
        &format!("/sections/{id}/students/paste"),
        t,
        &[("names", "Alva\nBo"), ("school_permission", "yes")],
    )
    .await;
    let alva = student_id(app, t, &id, "Alva").await;
    let kid = student_session(app, t, &id, &alva).await;
    (id, alva, kid)
}

/// Alva's six failed attempts at the course's last maze, far down her page: its id, and the
/// reason the grader gave, in English and Swedish, naming the cell it is about.
async fn stuck_far_down(app: &TestApp, kid: &str) -> (String, (String, String)) {
    let levels = kodlek_puzzles::catalog().levels_of("maze-intro");
    let far = levels
        .iter()
        .rev()
        .find(|l| l.kind.as_str() == "maze")
        .unwrap()
        .id
        .clone();
    let mut reason = String::new();
    let mut detail = Value::Null;
    for _ in 0..6 {
        let r = app
            .post(
                &format!("/api/v1/levels/{far}/attempts"),
                json!({"program": wrong_program()}),
                Some(kid),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json()["status"], "failed", "{}", r.text);
        reason = r.json()["reason"].as_str().unwrap().to_owned();
        detail = r.json()["detail"].clone();
    }
    let (row, column) = (
        detail["y"].as_i64().unwrap() + 1,
        detail["x"].as_i64().unwrap() + 1,
    );
    let (en, sv) = match (reason.as_str(), detail["cell"].as_str()) {
        ("crashed", Some("wall")) => ("bumped into the wall", "gick in i väggen"),
        ("crashed", Some("obstacle")) => ("bumped into a rock", "gick in i en sten"),
        ("not_reached_goal", None) => ("stopped", "stannade"),
        other => panic!("a reason this test does not know: {other:?}"),
    };
    let text = (
        format!("{en} at row {row}, column {column}"),
        format!("{sv} på rad {row}, kolumn {column}"),
    );
    (far, text)
}

// The dashboard's "needs help" link lands on the stuck level's entry of the student's page.
async fn help_leads_to_the_stuck_level(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let (id, alva, kid) = class_with_alva(&app, &t).await;
    let (far, _) = stuck_far_down(&app, &kid).await;
    let r = page(&app, &format!("/sections/{id}"), &t).await;
    let link = format!("href=\"/sections/{id}/students/{alva}#level-{far}\">Alva</a>");
    assert!(r.text.contains(&link), "{}", r.text);
    let live = page(&app, &format!("/sections/{id}/live"), &t).await;
    assert!(live.json()["help"].as_str().unwrap().contains(&link));
    let student = page(&app, &format!("/sections/{id}/students/{alva}"), &t).await;
    assert!(
        student
            .text
            .contains(&format!("<section id=\"level-{far}\"")),
        "{}",
        student.text
    );
    assert!(student.text.contains(&format!("href=\"#level-{far}\"")));
}

// Each failed attempt on the student's page says why, with the grader's reason, and "Open the
// level" shows the student's own program, read-only, not an empty level.
async fn failed_attempts_say_why_and_the_level_shows_the_program(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let (id, alva, kid) = class_with_alva(&app, &t).await;
    let (far, text) = stuck_far_down(&app, &kid).await;
    let student = page(&app, &format!("/sections/{id}/students/{alva}"), &t).await;
    assert_eq!(
        student
            .text
            .matches(&format!(": <span class=\"reason\">{}</span>", text.0))
            .count(),
        6,
        "each failed attempt says why: {}",
        student.text
    );
    let sv = page(&app, &format!("/sections/{id}/students/{alva}?lang=sv"), &t).await;
    assert!(sv.text.contains(&text.1), "{}", sv.text);

    let open = format!("/sections/{id}/students/{alva}/levels/{far}");
    assert!(student.text.contains(&format!("href=\"{open}\"")));
    let r = page(&app, &open, &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("id=\"student-program\""));
    assert!(
        r.text
            .contains("when run\n    repeat 4 times:\n        move forward"),
        "{}",
        r.text
    );
    assert!(r.text.contains(&text.0));
    assert!(r.text.contains(&format!("href=\"/levels/{far}\"")));
    let sv = page(&app, &format!("{open}?lang=sv"), &t).await;
    assert!(sv.text.contains("Alvas program"), "{}", sv.text);
    // A level not tried yet says so.
    let first = &kodlek_puzzles::catalog().levels_of("maze-intro")[0].id;
    let r = page(
        &app,
        &format!("/sections/{id}/students/{alva}/levels/{first}"),
        &t,
    )
    .await;
    assert!(r.text.contains("id=\"no-attempts\""));
    // Only the section's teachers, and only the course's levels.
    let other = app.verified_teacher("Mr Ek", "ek@example.org").await;
    assert_eq!(
        page(&app, &open, &other).await.status,
        StatusCode::NOT_FOUND
    );
    let nowhere = format!("/sections/{id}/students/{alva}/levels/no-such-level");
    assert_eq!(page(&app, &nowhere, &t).await.status, StatusCode::NOT_FOUND);
}

// A child locked out after too many wrong secrets is listed under "needs help", tagged as
// locked out, with the unlock button right there.
async fn a_locked_out_child_needs_help(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let (id, _, _) = class_with_alva(&app, &t).await;
    let bo = student_id(&app, &t, &id, "Bo").await;
    let r = page(&app, &format!("/sections/{id}"), &t).await;
    assert!(r.text.contains("id=\"nobody-stuck\""), "{}", r.text);
    let code = detail(&app, &t, &id).await["section"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..10 {
        app.post(
            &format!("/api/v1/sign-in/{code}"),
            json!({"student_id": bo, "secret": "wrong words"}),
            None,
        )
        .await;
    }
    let r = page(&app, &format!("/sections/{id}"), &t).await;
    assert!(r.text.contains("id=\"needs-help\""), "{}", r.text);
    assert!(
        r.text
            .contains(&format!("href=\"/sections/{id}/students/{bo}\">Bo</a>"))
    );
    assert!(r.text.contains("locked out</span>"), "{}", r.text);
    assert!(
        r.text
            .contains("src=\"/static/icons/lock.svg\" alt=\"Lock\"")
    );
    let unlock = format!("/sections/{id}/students/{bo}/unlock");
    assert!(r.text.contains(&format!("action=\"{unlock}\"")));
    let live = page(&app, &format!("/sections/{id}/live?lang=sv"), &t).await;
    assert!(live.json()["help"].as_str().unwrap().contains("utelåst"));
    let r = form(&app, &unlock, &t, &[("back", "progress")]).await;
    assert_eq!(location(&r), format!("/sections/{id}?ok=unlocked"));
    let r = page(&app, &format!("/sections/{id}?ok=unlocked"), &t).await;
    assert!(r.text.contains("Sign-in is unlocked"));
    assert!(r.text.contains("id=\"nobody-stuck\""));
}

// Every icon of the teachers' pages is an SVG Kodlek serves itself, never an emoji or a
// font's symbol that shows as an empty box where the font is missing.
async fn icons_are_svg_served_by_kodlek(app: TestApp) {
    let css = app.get("/static/style.css", None).await.text;
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/classrooms");
    let mut texts = vec![("style.css".to_owned(), css.clone())];
    for dir in ["teacher", "student"] {
        for f in std::fs::read_dir(templates.join(dir)).unwrap() {
            let f = f.unwrap().path();
            texts.push((
                f.display().to_string(),
                std::fs::read_to_string(&f).unwrap(),
            ));
        }
    }
    for (name, text) in &texts {
        // Emoji (U+1F000 on), and the locks, stars and ticks of the symbol blocks.
        let emoji = text
            .chars()
            .find(|c| *c >= '\u{1F000}' || "🔒🔓★✓✔".contains(*c) && !name.ends_with(".css"));
        assert_eq!(emoji, None, "{name}");
    }
    for line in css
        .lines()
        .filter(|l| l.contains(".locked") || l.contains(".st-"))
    {
        assert!(
            !line.contains("🔒") && !line.contains('★') && !line.contains('✓'),
            "{line}"
        );
    }
    for icon in ["lock", "star", "check"] {
        assert!(css.contains(&format!("/static/icons/{icon}.svg")) || icon == "lock");
        let r = app.get(&format!("/static/icons/{icon}.svg"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{icon}");
        assert_eq!(r.headers["content-type"], "image/svg+xml");
        assert!(r.text.starts_with("<svg"), "{icon}");
    }
    assert_eq!(
        app.get("/static/icons/missing.svg", None).await.status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(
    icons_are_svg_served_by_kodlek,
    the_cards_page_has_a_print_button,
    help_leads_to_the_stuck_level,
    failed_attempts_say_why_and_the_level_shows_the_program,
    a_locked_out_child_needs_help,
    a_repeated_name_is_named,
    a_teacher_creates_a_section_on_the_page,
    students_are_added_one_at_a_time_or_by_paste,
    secrets_are_renewed_and_sign_in_unlocked,
    teachers_correct_and_remove_students,
    cards_show_each_secret,
    the_dashboard_and_student_page_show_progress_and_code,
    the_csv_cannot_start_formulas,
    other_teachers_get_not_found,
    the_letter_explains_the_course_and_the_data,
    the_pages_speak_swedish,
    settings_change_and_delete_the_section,
    a_full_class_grid_is_small,
);

// promise PROG-4: 40 students of a 300-level course, every square filled, stay under 100 KB
// when compressed as the server sends it.
#[tokio::test]
async fn a_grid_of_forty_by_three_hundred_is_under_100_kb() {
    use kodlek_web::classrooms::progress_cache::CourseCells;
    use kodlek_web::classrooms::{Grid, GridLevel, GridRow};
    let levels: Vec<GridLevel> = (1..=300)
        .map(|i| GridLevel {
            id: format!("level-{i:03}"),
            title: format!("Loops and turns, part {i}"),
            kind: "maze".into(),
        })
        .collect();
    let column = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i as u16))
        .collect();
    let rows = (0..40)
        .map(|s| {
            // Every square filled; two levels of each student long stuck.
            let packed: Vec<String> = levels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let n = s * 31 + i * 17;
                    let stuck = i == 6 || i == 122;
                    let status = if stuck {
                        "failed"
                    } else {
                        ["failed", "passed", "perfect", "completed"][n % 4]
                    };
                    let last = 1_790_000_000_000 + (n as i64 * 7_654_321) % 2_600_000_000;
                    let first = if stuck {
                        last - 3_600_000
                    } else {
                        last - 60_000
                    };
                    format!("{},{status},{status},{},{first},{last}", l.id, n % 23 + 1)
                })
                .collect();
            GridRow {
                id: format!("{:032x}", s * 7_777_777 + 12345),
                display_name: format!("Student {s}"),
                cells: std::sync::Arc::new(
                    CourseCells::parse(1, &packed.join(";"), &column).unwrap(),
                ),
            }
        })
        .collect();
    let grid = Grid {
        course_id: "big".into(),
        levels,
        rows,
    };
    let tr = kodlek_web::i18n::Tr::new(kodlek_web::extract::Lang::Sv);
    let html = kodlek_web::classrooms::grid_html(&tr, "section-id", &grid);
    assert_eq!(html.matches("<td").count(), 12_000);
    assert_eq!(
        html.matches("class=nh").count() + html.matches("class=\"nh\"").count(),
        40
    );
    // Compressed by the same layer that compresses the server's answers.
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(move || async move { axum::response::Html(html) }),
        )
        .layer(tower_http::compression::CompressionLayer::new().gzip(true));
    let resp = app
        .oneshot(
            Request::builder()
                .uri("/")
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    let size = resp.into_body().collect().await.unwrap().to_bytes().len();
    println!("grid of 40 x 300: {size} bytes gzipped");
    assert!(
        size < 95_000,
        "{size} bytes (the page around the grid needs a few more)"
    );
}
