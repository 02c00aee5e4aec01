//! Router tests of a course's certificate: offered once every level is done, printed with the
//! display name, the course and the date only; a helpful page otherwise. On both backends.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use kodlek_puzzles::LevelKind;
use serde_json::json;

/// Solves one level as the server wants it: the reference solution, an answer, or a program.
async fn finish(app: &TestApp, cookie: &str, level_id: &str) {
    let (_, level) = kodlek_puzzles::catalog().level(level_id).unwrap();
    let body = match (level.reference_solution(), level.kind) {
        (Some(program), _) => json!({"program": program}),
        (None, LevelKind::Prompt) => json!({"answer": "I would add a bridge."}),
        (None, _) => {
            json!({"program": {"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s", "next": {"block": {"type": "artist_move_forward", "id": "f", "fields": {"DISTANCE": 50}}}}]}}})
        }
    };
    let a = app
        .post(
            &format!("/api/v1/levels/{level_id}/attempts"),
            body,
            Some(cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{level_id}: {}", a.text);
    let status = a.json()["status"].as_str().unwrap().to_owned();
    assert!(
        ["completed", "passed", "perfect"].contains(&status.as_str()),
        "{level_id}: {status}"
    );
}

fn levels(course: &str) -> Vec<String> {
    kodlek_puzzles::catalog()
        .levels_of(course)
        .into_iter()
        .map(|l| l.id.clone())
        .collect()
}

async fn a_student_who_finishes_gets_a_certificate(app: TestApp) {
    let (cookie, _) = app.student("Alva Ek", "alva.cert@example.org", 10).await;
    let c = Some(cookie.as_str());
    let all = levels("artist-intro");
    let (last, first) = (all.last().unwrap().clone(), all[0].clone());

    // Nothing done yet: the page lists every level, with links, and prints nothing.
    let page = app.get("/courses/artist-intro/certificate", c).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"levels-left\""));
    assert!(page.text.contains(&format!("href=\"/levels/{first}\"")));
    assert!(!page.text.contains("id=\"certificate\""));
    assert!(!page.text.contains("Alva Ek"), "no certificate, no name");
    let map = app.get("/courses/artist-intro", c).await;
    assert!(!map.text.contains("id=\"certificate-offer\""));

    // All but the first: only that one is left.
    for id in &all[1..] {
        finish(&app, &cookie, id).await;
    }
    let page = app.get("/courses/artist-intro/certificate", c).await;
    assert!(page.text.contains(&format!("href=\"/levels/{first}\"")));
    assert!(!page.text.contains(&format!("href=\"/levels/{last}\"")));
    assert!(!page.text.contains("id=\"certificate\""));

    // A failed try does not count; then the level is solved and the course is done.
    let failed = app
        .post(
            &format!("/api/v1/levels/{first}/attempts"),
            json!({"program": {"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s"}]}}}),
            c,
        )
        .await;
    assert_eq!(failed.json()["status"], "failed");
    assert!(
        !app.get("/courses/artist-intro/certificate", c)
            .await
            .text
            .contains("id=\"certificate\"")
    );
    finish(&app, &cookie, &first).await;

    let map = app.get("/courses/artist-intro", c).await;
    assert!(map.text.contains(
        "id=\"certificate-link\" class=\"button\" href=\"/courses/artist-intro/certificate\""
    ));
    let page = app.get("/courses/artist-intro/certificate", c).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"certificate\""));
    assert!(
        page.text
            .contains("<p class=\"certificate-name\">Alva Ek</p>")
    );
    assert!(page.text.contains("The artist: drawing with code"));
    assert!(page.text.contains("data-print"));
    let year = time::OffsetDateTime::now_utc().year().to_string();
    assert!(page.text.contains(&year), "the date");
    // Nothing else of the child: no email, no age.
    assert!(!page.text.contains("alva.cert"));
    assert!(!page.text.contains("id=\"levels-left\""));

    // In Swedish, the same certificate.
    let sv = app
        .get("/courses/artist-intro/certificate?lang=sv", c)
        .await;
    assert!(sv.text.contains("Diplom"));
    assert!(sv.text.contains("Alva Ek"));

    // The other course is not done: its certificate is not given.
    let maze = app.get("/courses/maze-intro/certificate", c).await;
    assert!(maze.text.contains("id=\"levels-left\""));
    assert!(!maze.text.contains("Alva Ek"));
}

async fn without_an_account_the_page_explains(app: TestApp) {
    for lang in ["en", "sv"] {
        let page = app
            .get(
                &format!("/courses/maze-intro/certificate?lang={lang}"),
                None,
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("id=\"certificate-sign-in\""));
        assert!(page.text.contains("href=\"/sign-in\""));
        assert!(!page.text.contains("id=\"certificate\""));
    }
    let none = app.get("/courses/no-such-course/certificate", None).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    // The certificate is offered with the last level's celebration, and only there.
    let all = levels("maze-intro");
    let last = app
        .get(&format!("/levels/{}", all.last().unwrap()), None)
        .await;
    assert!(last.text.contains(
        "id=\"certificate-link\" class=\"button secondary\" hidden href=\"/courses/maze-intro/certificate\""
    ));
    let first = app.get(&format!("/levels/{}", all[0]), None).await;
    assert!(!first.text.contains("certificate-link"));
}

/// What a browser kept for each level: the reference solutions, an answer for the prompt.
fn kept_work(course: &str) -> Vec<serde_json::Value> {
    kodlek_puzzles::catalog()
        .levels_of(course)
        .into_iter()
        .map(|l| match l.reference_solution() {
            Some(program) => json!({"level_id": l.id, "program": program}),
            None if l.kind == LevelKind::Prompt => json!({"level_id": l.id, "answer": "A bridge."}),
            None => json!({"level_id": l.id, "program": {"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s", "next": {"block": {"type": "artist_pen_up", "id": "u"}}}]}}}),
        })
        .collect()
}

// promise ANON-3: without an account, a certificate is made from programs the server judges
// again, under a name that is printed and kept nowhere.
async fn without_an_account_the_server_judges_again(app: TestApp) {
    let path = "/courses/maze-intro/certificate";
    let (csrf, token) = app.form_token(path, None).await;
    let page = app.get(path, None).await;
    assert!(page.text.contains("id=\"certificate-browser\" hidden"));
    assert!(page.text.contains("data-levels=\"maze-1 maze-2 "));
    let before = app.settled_database_bytes().await;

    let all = kept_work("maze-intro");
    let work = json!({"attempts": all}).to_string();
    let made = app
        .post_form(
            path,
            &csrf,
            &[
                ("csrf_token", &token),
                ("name", "  Sam Berg "),
                ("work", &work),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    assert!(
        made.text
            .contains("<p class=\"certificate-name\">Sam Berg</p>")
    );
    assert!(made.text.contains("id=\"certificate\""));
    assert_eq!(
        app.settled_database_bytes().await,
        before,
        "nothing is stored"
    );
    assert!(!common::contains(&app.database_bytes(), "Sam Berg"));

    // A verdict the browser claims is not enough: a program that fails is judged as failing.
    let mut claimed = all.clone();
    claimed[1] = json!({"level_id": "maze-2", "program": {"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s"}]}}, "status": "perfect"});
    let forged = json!({"attempts": claimed}).to_string();
    let refused = app
        .post_form(
            path,
            &csrf,
            &[("csrf_token", &token), ("name", "Sam"), ("work", &forged)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!refused.text.contains("id=\"certificate\""));
    let mut failing = all.clone();
    failing[1] = json!({"level_id": "maze-2", "program": {"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s"}]}}});
    let failing = json!({"attempts": failing}).to_string();
    let refused = app
        .post_form(
            path,
            &csrf,
            &[("csrf_token", &token), ("name", "Sam"), ("work", &failing)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("id=\"levels-left\""));
    assert!(refused.text.contains("href=\"/levels/maze-2\""));
    assert!(!refused.text.contains("href=\"/levels/maze-1\""));
    assert!(!refused.text.contains("id=\"certificate\""));
    let missing = json!({"attempts": all[1..]}).to_string();
    let refused = app
        .post_form(
            path,
            &csrf,
            &[("csrf_token", &token), ("name", "Sam"), ("work", &missing)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("href=\"/levels/maze-1\""));

    // No name, a name too long, no token: no certificate.
    for name in ["", "   ", &"x".repeat(61), "a\u{7}b"] {
        let r = app
            .post_form(
                path,
                &csrf,
                &[("csrf_token", &token), ("name", name), ("work", &work)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert!(!r.text.contains("id=\"certificate\""));
    }
    let r = app
        .post_form(path, &csrf, &[("name", "Sam"), ("work", &work)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/courses/nope/certificate",
            &csrf,
            &[("csrf_token", &token), ("name", "Sam"), ("work", &work)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    a_student_who_finishes_gets_a_certificate,
    without_an_account_the_page_explains,
    without_an_account_the_server_judges_again,
);
