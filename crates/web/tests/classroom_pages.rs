//! Router tests of the students' classroom pages: a section's sign-in page by name and secret
//! picture or words, "My classes" (join, leave) and taking control of a teacher-made account;
//! in English and Swedish, on both backends.

mod common;

use axum::http::StatusCode;
use common::{Answer, TestApp};
use serde_json::{Value, json};

const PW: &str = "correct horse battery";

/// A student the teacher creates: (id, secret).
async fn add(app: &TestApp, cookie: &str, section_id: &str, name: &str) -> (String, String) {
    let r = app
        .post(
            &format!("/api/v1/sections/{section_id}/students"),
            json!({"display_name": name, "school_permission": true}),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json();
    (
        s(&v["student"]["id"]).to_owned(),
        s(&v["secret"]["value"]).to_owned(),
    )
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

async fn get(app: &TestApp, path: &str, cookies: &str) -> Answer {
    app.get(path, Some(cookies)).await
}

fn location(a: &Answer) -> &str {
    a.headers
        .get("location")
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

/// Picks a secret through the page's form, as a browser does.
async fn pick(app: &TestApp, code: &str, student: &str, secret: &str, csrf: &str) -> Answer {
    let (_, token) = csrf.split_once('=').unwrap();
    app.post_form(
        &format!("/sign-in/{code}/{student}"),
        csrf,
        &[("csrf_token", token), ("secret", secret)],
    )
    .await
}

fn other_picture(mine: &str) -> &'static str {
    if mine == "apple" { "ball" } else { "apple" }
}

/// Nothing that the strict CSP would refuse, and every picture button labelled in words.
fn csp_clean(html: &str) {
    assert!(!html.contains("style="), "a style attribute: {html}");
    assert!(!html.contains("<style"), "a style element");
    for (i, _) in html.match_indices(" on") {
        let rest: String = html[i + 3..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase())
            .collect();
        assert!(
            !html[i + 3 + rest.len()..].starts_with("=\""),
            "an inline event handler: on{rest}"
        );
    }
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(tag.contains("src=\"/"), "an inline script: {tag}");
    }
}

// promise CLASS-2: a young student signs in on the section's page: their name, then their
// picture; the sign-in ends with the browser, and they land on the section's course.
async fn picture_sign_in_through_the_pages(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let code = s(&sec["code"]).to_owned();
    let (bo, _) = add(&app, &t, s(&sec["id"]), "Bo").await;
    let (alva, picture) = add(&app, &t, s(&sec["id"]), "Alva").await;

    // The code as a child types it: lower case, with a dash.
    let typed = format!("{}-{}", &code[..3], &code[3..]).to_lowercase();
    let (csrf, _) = app.form_token(&format!("/sign-in/{typed}"), None).await;
    let names = get(&app, &format!("/sign-in/{typed}"), &csrf).await;
    assert_eq!(names.status, StatusCode::OK);
    assert!(names.text.contains("Who are you?"));
    assert!(names.text.contains("Class 2B"));
    let (a, b) = (
        names
            .text
            .find(&format!("href=\"/sign-in/{code}/{alva}\">Alva<")),
        names
            .text
            .find(&format!("href=\"/sign-in/{code}/{bo}\">Bo<")),
    );
    assert!(a.is_some() && b.is_some(), "{}", names.text);
    assert!(a < b, "in class-list order");
    csp_clean(&names.text);

    let page = get(&app, &format!("/sign-in/{code}/{alva}"), &csrf).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Hi Alva!"));
    assert!(page.text.contains("Pick your secret picture"));
    assert_eq!(page.text.matches("name=\"secret\"").count(), 50);
    assert!(page.text.contains(
        "name=\"secret\" value=\"apple\"><img src=\"/static/pictures/apple.svg\" alt=\"\" width=\"72\" height=\"72\"><span>apple</span>"
    ));
    assert!(page.text.contains(&format!("href=\"/sign-in/{code}\"")));
    assert!(page.text.contains("Not you? Pick your name"));
    assert!(!page.text.contains("remember_me"));
    csp_clean(&page.text);

    // A wrong picture: a kind word, and the pictures again.
    let r = pick(&app, &code, &alva, other_picture(&picture), &csrf).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.text.contains("not your picture. Try again!"),
        "{}",
        r.text
    );
    assert_eq!(r.text.matches("name=\"secret\"").count(), 50);
    assert!(r.session_cookie().is_none());

    // Without the form token, nothing happens.
    let r = app
        .post_form(
            &format!("/sign-in/{code}/{alva}"),
            &csrf,
            &[("secret", &picture)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = pick(&app, &typed, &alva, &picture, &csrf).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(location(&r), "/courses/maze-intro");
    let set = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("kodlek_session="))
        .expect("a session cookie");
    // Shared classroom computers: a session cookie only, gone when the browser closes.
    assert!(!set.contains("Max-Age"), "{set}");
    let session = r.session_cookie().unwrap();
    let me = app.get("/api/v1/me", Some(&session)).await.json();
    assert_eq!(me["user"]["id"], alva.as_str());
    let course = get(&app, "/courses/maze-intro", &session).await;
    assert_eq!(course.status, StatusCode::OK);
    // Signing out on the shared computer still makes the browser forget the learner.
    let (_, token) = csrf.split_once('=').unwrap();
    let out = app
        .post_form(
            "/sign-out",
            &format!("{csrf}; {session}"),
            &[("csrf_token", token)],
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.headers["clear-site-data"], "\"storage\"");
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A student the teacher removed gets the name list again.
    let r = app
        .delete(
            &format!("/api/v1/sections/{}/students/{bo}", s(&sec["id"])),
            None,
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let page = get(&app, &format!("/sign-in/{code}/{bo}"), &csrf).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Who are you?"));
    assert!(!page.text.contains("name=\"secret\""));
    let r = pick(&app, &code, &bo, "apple", &csrf).await;
    assert!(r.text.contains("Who are you?"));
    assert!(r.session_cookie().is_none());
}

// promise CLASS-2: ten wrong pictures in a row pause the sign-in; the page then asks the child
// to get help from the teacher and shows no pictures to keep guessing with.
async fn ten_wrong_pictures_lock_the_page(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let code = s(&sec["code"]).to_owned();
    let (alva, picture) = add(&app, &t, s(&sec["id"]), "Alva").await;
    let (csrf, _) = app.form_token(&format!("/sign-in/{code}"), None).await;
    for _ in 0..10 {
        let r = pick(&app, &code, &alva, other_picture(&picture), &csrf).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    for secret in [other_picture(&picture), picture.as_str()] {
        let r = pick(&app, &code, &alva, secret, &csrf).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            r.text.contains("Ask your teacher to help you sign in."),
            "{}",
            r.text
        );
        assert!(!r.text.contains("name=\"secret\""));
        assert!(r.text.contains("Not you? Pick your name"));
        assert!(r.session_cookie().is_none());
        csp_clean(&r.text);
    }
    let r = app
        .post(
            &format!("/api/v1/sections/{}/students/{alva}/unlock", s(&sec["id"])),
            json!({}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = pick(&app, &code, &alva, &picture, &csrf).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

// promise CLASS-2: secret words, typed with capitals and extra spaces, sign a student in.
async fn words_sign_in_forgives_capitals_and_spaces(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "word").await;
    let code = s(&sec["code"]).to_owned();
    let (kid, words) = add(&app, &t, s(&sec["id"]), "Kim").await;
    let (csrf, _) = app.form_token(&format!("/sign-in/{code}"), None).await;
    let page = get(&app, &format!("/sign-in/{code}/{kid}"), &csrf).await;
    assert!(page.text.contains("Type your two secret words."));
    for attr in [
        "autocomplete=\"off\"",
        "autocapitalize=\"off\"",
        "spellcheck=\"false\"",
    ] {
        assert!(page.text.contains(attr), "{attr}");
    }
    assert_eq!(page.text.matches("name=\"secret\"").count(), 1);
    csp_clean(&page.text);

    let r = pick(&app, &code, &kid, "zebra zebra", &csrf).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("Those are not your words. Try again!"));
    // Nothing typed is no wrong guess.
    let r = pick(&app, &code, &kid, "   ", &csrf).await;
    assert!(r.text.contains("Type your two secret words first."));

    let (first, second) = words.split_once(' ').unwrap();
    let shouted = format!("  {}   {} ", first.to_uppercase(), capitalised(second));
    let r = pick(&app, &code, &kid, &shouted, &csrf).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{shouted:?}: {}", r.text);
    assert_eq!(location(&r), "/courses/maze-intro");
    assert!(r.session_cookie().is_some());
}

fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

async fn unknown_codes_get_the_code_box_again(app: TestApp) {
    for path in [
        "/sign-in/ZZZZZZ",
        "/sign-in/zz-zzzz",
        "/sign-in/ZZZZZZ/someone",
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.text.contains("find that class"), "{path}");
        assert!(r.text.contains("action=\"/sign-in/code\""));
        csp_clean(&r.text);
    }
    let r = app.get("/sign-in/zz-zzzz", None).await;
    assert!(r.text.contains("value=\"zz-zzzz\""), "what was typed stays");

    // The class-code box of the sign-in page goes to the section's page.
    let r = app.get("/sign-in/code?code=+kmn-pqr+", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/sign-in/KMNPQR");
    let r = app.get("/sign-in/code?code=hello%3Cb%3E", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("value=\"hello&#60;b&#62;\"") || r.text.contains("hello&lt;b&gt;"));
    let r = app.get("/sign-in/code?code=", None).await;
    assert_eq!(location(&r), "/sign-in");

    for path in ["/sign-in", "/"] {
        let r = app.get(path, None).await;
        assert!(r.text.contains("action=\"/sign-in/code\""), "{path}");
        assert!(r.text.contains("method=\"get\""), "{path}");
    }
    let r = app.get("/sign-in", None).await;
    assert!(r.text.contains("Have a class code?"));
    let r = app.get("/", None).await;
    assert!(r.text.contains("Sign in to your class"));
    let r = app.get("/sign-in?lang=sv", None).await;
    assert!(r.text.contains("Har du en klasskod?"));
}

async fn an_email_section_points_to_the_own_account(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "email").await;
    let r = app
        .get(&format!("/sign-in/{}", s(&sec["code"])), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("sign in with your own account"),
        "{}",
        r.text
    );
    assert!(r.text.contains("href=\"/sign-in\""));
    assert!(!r.text.contains("Who are you?"));
    csp_clean(&r.text);
}

// promise CLASS-4: a student joins a class by its code and leaves it again; before leaving,
// the page says the teacher will no longer see their progress, and then the teacher does not.
async fn join_and_leave_through_my_sections(app: TestApp) {
    let r = app.get("/my-sections", None).await;
    assert_eq!(location(&r), "/sign-in");
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let r = app.get("/my-sections", Some(&t)).await;
    assert_eq!(location(&r), "/sections");
    let sec = app.section(&t, "email").await;
    let code = s(&sec["code"]).to_owned();
    let (student, _) = app.student("Sam", "sam@example.org", 14).await;
    let (csrf, token) = app.form_token("/sign-in", None).await;
    let cookies = format!("{csrf}; {student}");

    let page = get(&app, "/my-sections", &cookies).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("You are not in a class yet."));
    csp_clean(&page.text);

    let r = app
        .post_form(
            "/my-sections/join",
            &cookies,
            &[("csrf_token", &token), ("code", "kmn-pqx")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("find a class with that code"), "{}", r.text);
    assert!(r.text.contains("value=\"kmn-pqx\""));

    let typed = code.to_lowercase();
    let r = app
        .post_form(
            "/my-sections/join",
            &cookies,
            &[("csrf_token", &token), ("code", &typed)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let page = get(&app, location(&r), &cookies).await;
    assert!(page.text.contains("You joined Class 2B!"), "{}", page.text);
    assert!(page.text.contains("Teacher: Ms Berg"));
    let leave = format!("/my-sections/{}/leave", s(&sec["id"]));
    assert!(page.text.contains(&format!("href=\"{leave}\"")));
    let detail = app
        .get(&format!("/api/v1/sections/{}", s(&sec["id"])), Some(&t))
        .await
        .json();
    assert_eq!(detail["students"].as_array().unwrap().len(), 1);

    // A co-teacher sees the progress too, and so is named.
    let inv = app
        .post(
            &format!("/api/v1/sections/{}/invitations", s(&sec["id"])),
            json!({}),
            Some(&t),
        )
        .await
        .json();
    let invitation = s(&inv["invitation_url"])
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let ek = app.verified_teacher("Mr Ek", "ek@example.org").await;
    let r = app
        .post(
            &format!("/api/v1/section-invitations/{invitation}"),
            json!({}),
            Some(&ek),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = get(&app, "/my-sections", &cookies).await;
    assert!(
        page.text.contains("Teachers: Ms Berg and Mr Ek"),
        "{}",
        page.text
    );

    let confirm = get(&app, &leave, &cookies).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm
            .text
            .contains("If you leave Class 2B, Ms Berg and Mr Ek will no longer see your progress."),
        "{}",
        confirm.text
    );
    assert!(confirm.text.contains(&format!("action=\"{leave}\"")));
    csp_clean(&confirm.text);
    // The Swedish confirmation says the same.
    let sv = get(&app, &format!("{leave}?lang=sv"), &cookies).await;
    assert!(
        sv.text
            .contains("ser Ms Berg och Mr Ek inte längre hur det går för dig")
    );

    let r = app
        .post_form(&leave, &cookies, &[("csrf_token", &token)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = get(&app, location(&r), &cookies).await;
    assert!(page.text.contains("You left the class."));
    assert!(page.text.contains("You are not in a class yet."));
    let detail = app
        .get(&format!("/api/v1/sections/{}", s(&sec["id"])), Some(&t))
        .await
        .json();
    assert!(detail["students"].as_array().unwrap().is_empty());
    // A second click changes nothing and blames nobody.
    let r = app
        .post_form(&leave, &cookies, &[("csrf_token", &token)])
        .await;
    assert_eq!(location(&r), "/my-sections");
}

/// Signs a managed student in through the pages; returns the cookies of their browser.
async fn signed_in_kid(app: &TestApp, code: &str, kid: &str, picture: &str) -> String {
    let (csrf, _) = app.form_token(&format!("/sign-in/{code}"), None).await;
    let r = pick(app, code, kid, picture, &csrf).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    format!("{csrf}; {}", r.session_cookie().unwrap())
}

async fn a_managed_student_cannot_leave_the_last_class(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let code = s(&sec["code"]).to_owned();
    let (kid, picture) = add(&app, &t, s(&sec["id"]), "Alva").await;
    let cookies = signed_in_kid(&app, &code, &kid, &picture).await;
    let token = cookies
        .split("; ")
        .next()
        .unwrap()
        .trim_start_matches("kodlek_csrf=")
        .to_owned();
    let page = get(&app, "/my-sections", &cookies).await;
    assert!(page.text.contains("Class 2B"));
    let leave = format!("/my-sections/{}/leave", s(&sec["id"]));
    let r = app
        .post_form(&leave, &cookies, &[("csrf_token", &token)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text
            .contains("Your teacher looks after your account, so you sign in through this class."),
        "{}",
        r.text
    );
    assert!(r.text.contains("href=\"/account#own-h\""));
    assert!(r.text.contains("Class 2B"), "still in the class");
}

// promise CLASS-3: a student takes control of the account the teacher made, with a username
// and a password; from then on the secret picture no longer signs them in.
async fn taking_control_ends_the_secret(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let code = s(&sec["code"]).to_owned();
    let (kid, picture) = add(&app, &t, s(&sec["id"]), "Alva").await;
    let cookies = signed_in_kid(&app, &code, &kid, &picture).await;
    let token = cookies
        .split("; ")
        .next()
        .unwrap()
        .trim_start_matches("kodlek_csrf=")
        .to_owned();

    let account = get(&app, "/account", &cookies).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.text.contains("Make this account your own"));
    assert!(account.text.contains("action=\"/account/take-control\""));
    assert!(
        account
            .text
            .contains("your secret picture or words will not work any more")
    );
    // Forms that need a current password cannot work for an account without one.
    assert!(!account.text.contains("id=\"email-form\""));
    assert!(!account.text.contains("id=\"password-form\""));
    csp_clean(&account.text);
    let sv = get(&app, "/account?lang=sv", &cookies).await;
    assert!(sv.text.contains("Gör kontot till ditt eget"));

    let r = app
        .post_form(
            "/account/take-control",
            &cookies,
            &[
                ("csrf_token", &token),
                ("username", "alva"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("Make this account your own"),
        "still managed"
    );

    let r = app
        .post_form(
            "/account/take-control",
            &cookies,
            &[
                ("csrf_token", &token),
                ("username", " alva.b "),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("This account is yours now!"), "{}", r.text);
    assert!(!r.text.contains("take-control-form"));
    assert!(r.text.contains("id=\"password-form\""));
    let me = app.get("/api/v1/me", Some(&cookies)).await.json();
    assert_eq!(me["user"]["managed_by_teacher"], false);
    assert_eq!(me["user"]["username"], "alva.b");

    // The picture no longer opens the account, and the name is gone from the page.
    let (csrf, _) = app.form_token(&format!("/sign-in/{code}"), None).await;
    let names = get(&app, &format!("/sign-in/{code}"), &csrf).await;
    assert!(!names.text.contains("Alva"));
    let r = pick(&app, &code, &kid, &picture, &csrf).await;
    assert!(r.session_cookie().is_none());
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    // The username and password do.
    let r = app
        .post(
            "/api/v1/session",
            json!({"login": "alva.b", "password": PW}),
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    // A second send of the form asks for nothing it cannot do.
    let r = app
        .post_form("/account/take-control", &cookies, &[("csrf_token", &token)])
        .await;
    assert_eq!(location(&r), "/account");
}

async fn swedish_pages(app: TestApp) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "picture").await;
    let code = s(&sec["code"]).to_owned();
    let (alva, picture) = add(&app, &t, s(&sec["id"]), "Alva").await;
    let (csrf, _) = app.form_token(&format!("/sign-in/{code}"), None).await;
    let r = get(&app, &format!("/sign-in/{code}?lang=sv"), &csrf).await;
    assert!(r.text.contains("<html lang=\"sv\">"));
    assert!(r.text.contains("Vem är du?"));
    let r = get(&app, &format!("/sign-in/{code}/{alva}?lang=sv"), &csrf).await;
    assert!(r.text.contains("Hej Alva!"));
    assert!(r.text.contains("Välj din hemliga bild."));
    assert!(r.text.contains("<span>äpple</span>"), "Swedish labels");
    assert!(r.text.contains("Inte du? Välj ditt namn"));
    let (_, token) = csrf.split_once('=').unwrap();
    let r = app
        .post_form(
            &format!("/sign-in/{code}/{alva}?lang=sv"),
            &csrf,
            &[("csrf_token", token), ("secret", other_picture(&picture))],
        )
        .await;
    assert!(r.text.contains("Det är inte din bild. Försök igen!"));
    let r = app.get("/sign-in/ZZZZZZ?lang=sv", None).await;
    assert!(r.text.contains("Vi hittar inte den klassen"));
    let (student, _) = app.student("Sam", "sam@example.org", 14).await;
    let r = app.get("/my-sections?lang=sv", Some(&student)).await;
    assert!(r.text.contains("Mina klasser"));
    assert!(r.text.contains("Gå med i en klass"));
    let r = app.get("/?lang=sv", None).await;
    assert!(r.text.contains("Logga in i din klass"));
}

on_both_backends!(
    picture_sign_in_through_the_pages,
    ten_wrong_pictures_lock_the_page,
    words_sign_in_forgives_capitals_and_spaces,
    unknown_codes_get_the_code_box_again,
    an_email_section_points_to_the_own_account,
    join_and_leave_through_my_sections,
    a_managed_student_cannot_leave_the_last_class,
    taking_control_ends_the_secret,
    swedish_pages,
);

fn keys(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
        .map(|l| l.split(" =").next().unwrap().trim().to_owned())
        .collect()
}

#[test]
fn the_classroom_texts_exist_in_both_languages_once() {
    let en = keys(include_str!("../locales/en/classroom.ftl"));
    let sv = keys(include_str!("../locales/sv/classroom.ftl"));
    assert_eq!(en, sv, "en and sv have the same keys, in the same order");
    let main: Vec<String> = keys(include_str!("../locales/en/main.ftl"));
    for k in &en {
        assert!(!main.contains(k), "{k} is in main.ftl already");
        assert!(
            k.starts_with("classroom-")
                || ["too-many-attempts", "section-not-found", "last-section"].contains(&k.as_str()),
            "{k}"
        );
    }
    let mut sorted = en.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), en.len(), "no key twice");
}
