//! Router tests of hostile attempts, on both backends: a program stored in canonical form that
//! every later read survives, attempt ids that belong to one level, and the storage budget.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Answer, TestApp};
use serde_json::{Value, json};

const DEEP: usize = 10_000;

/// The reference solution of a level as its `next` connection's text, to hang under a start.
fn solution_next(level: &str) -> String {
    common::solution(level)["blocks"]["blocks"][0]["next"].to_string()
}

/// A correct program whose start block carries Blockly's ignored `extraState`, nested
/// 10,000 lists deep: a body serde_json's own limit would refuse, sent as text.
fn hostile_program(level: &str) -> String {
    format!(
        r#"{{"blocks":{{"languageVersion":0,"blocks":[{{"type":"when_run","id":"start","x":1,"y":2,"extraState":{}7{},"next":{}}}]}}}}"#,
        "[".repeat(DEEP),
        "]".repeat(DEEP),
        solution_next(level)
    )
}

/// Posts a body given as text, as a browser's fetch does.
async fn post_text(app: &TestApp, path: &str, body: String, cookie: &str) -> Answer {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header("cookie", cookie)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

async fn attempt_text(
    app: &TestApp,
    level: &str,
    program: &str,
    cid: Option<&str>,
    cookie: &str,
) -> Answer {
    let cid = cid.map_or(String::new(), |c| format!(r#","client_attempt_id":"{c}""#));
    post_text(
        app,
        &format!("/api/v1/levels/{level}/attempts"),
        format!(r#"{{"program":{program}{cid}}}"#),
        cookie,
    )
    .await
}

/// A teacher with a section of the maze course, and a student with their own account in it:
/// (teacher cookie, section id, student cookie, student id).
async fn class(app: &TestApp) -> (String, String, String, String) {
    let t = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let sec = app.section(&t, "email").await;
    let (kid, me) = app.student("Bo", "bo@example.org", 12).await;
    let r = app
        .post(
            "/api/v1/sections/join",
            json!({"code": sec["code"]}),
            Some(&kid),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (
        t,
        sec["id"].as_str().unwrap().to_owned(),
        kid,
        me["id"].as_str().unwrap().to_owned(),
    )
}

// promise PROG-1: the code that was submitted is kept, in the canonical form of the blocks it
// holds; PROG-3 and PROG-4: the student and their teachers read it back, whatever was sent.
async fn a_hostile_extra_state_is_dropped_and_every_read_survives(app: TestApp) {
    let (t, section, kid, sid) = class(&app).await;
    let r = attempt_text(&app, "maze-1", &hostile_program("maze-1"), None, &kid).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    let v = r.json();
    assert_eq!(
        (v["status"].as_str(), v["saved"].as_bool()),
        (Some("perfect"), Some(true))
    );
    // The trace still names the sent blocks, for the page to highlight them.
    assert!(r.text.contains("\"block\""), "{}", r.text);

    let mine = app
        .get("/api/v1/me/levels/maze-1/attempts", Some(&kid))
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    let stored = &mine.json()["attempts"][0]["program"];
    let text = stored.to_string();
    assert!(
        !text.contains("extraState") && !text.contains("\"id\""),
        "{text}"
    );
    assert_eq!(stored["blocks"]["languageVersion"], 0);
    assert_eq!(stored["blocks"]["blocks"][0]["type"], "when_run");
    assert_eq!(stored["blocks"]["blocks"][0]["x"], 1);
    // Judged again, the stored program is still perfect.
    let again = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": stored}),
            Some(&kid),
        )
        .await;
    assert_eq!(again.json()["status"], "perfect");

    let teacher = app
        .get(
            &format!("/api/v1/sections/{section}/students/{sid}/levels/maze-1"),
            Some(&t),
        )
        .await;
    assert_eq!(teacher.status, StatusCode::OK, "{}", teacher.text);
    assert!(!teacher.text.contains("extraState"));
    let page = app
        .get(&format!("/sections/{section}/students/{sid}"), Some(&t))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("move forward"),
        "the outline of the code"
    );
    let export = app.get("/api/v1/me/export", Some(&kid)).await;
    assert_eq!(export.status, StatusCode::OK);
    let programs = export.json()["programs"].clone();
    let (_, program) = programs.as_object().unwrap().iter().next().unwrap();
    assert_eq!(program["blocks"]["blocks"][0]["type"], "when_run");
    let level_page = app.get("/levels/maze-1", Some(&kid)).await;
    assert_eq!(level_page.status, StatusCode::OK);

    // A long chain, nested two levels per block, is read back whole by every reader.
    let mut chain = r#"{"type":"maze_move_forward"}"#.to_owned();
    for _ in 1..kodlek_puzzles::MAX_BLOCKS {
        chain = format!(r#"{{"type":"maze_move_forward","next":{{"block":{chain}}}}}"#);
    }
    let long =
        format!(r#"{{"blocks":{{"blocks":[{{"type":"when_run","next":{{"block":{chain}}}}}]}}}}"#);
    let r = attempt_text(&app, "maze-2", &long, None, &kid).await;
    assert_eq!(r.json()["saved"], true, "{}", r.text);
    let mine = app
        .get("/api/v1/me/levels/maze-2/attempts", Some(&kid))
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(
        mine.text.matches("maze_move_forward").count(),
        kodlek_puzzles::MAX_BLOCKS as usize
    );
    let teacher = app
        .get(
            &format!("/api/v1/sections/{section}/students/{sid}/levels/maze-2"),
            Some(&t),
        )
        .await;
    assert_eq!(
        teacher.text.matches("maze_move_forward").count(),
        kodlek_puzzles::MAX_BLOCKS as usize
    );
    // The export carries it as a program, not as a string of its text.
    let export = app.get("/api/v1/me/export", Some(&kid)).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export.text.matches("maze_move_forward").count() > kodlek_puzzles::MAX_BLOCKS as usize,
        "the export holds the long program"
    );
    assert!(
        !export.text.contains("\\\"maze_move_forward"),
        "no program as a string"
    );
    // The level page gives it back to the editor, beyond serde_json's nesting limit too.
    let page = app.get("/levels/maze-2", Some(&kid)).await;
    assert!(page.text.matches("maze_move_forward").count() >= kodlek_puzzles::MAX_BLOCKS as usize);
}

// promise PROG-2: what is stored is judged as what was sent; only Blockly's own keys go.
async fn programs_beyond_the_stored_limits_are_refused(app: TestApp) {
    let (kid, _) = app.student("Bo", "bo@example.org", 12).await;
    let next = solution_next("maze-1");
    let with_strays = |strays: usize| {
        let stray = r#"{"type":"maze_move_forward"}"#;
        format!(
            r#"{{"blocks":{{"blocks":[{{"type":"when_run","next":{next}}}{}]}}}}"#,
            format!(",{stray}").repeat(strays)
        )
    };
    let ok = attempt_text(&app, "maze-1", &with_strays(900), None, &kid).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let too_many = attempt_text(&app, "maze-1", &with_strays(1_000), None, &kid).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.code(), "invalid_program");
    assert!(
        too_many.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1000")
    );
    let long_field = format!(
        r#"{{"blocks":{{"blocks":[{{"type":"when_run","next":{next}}},{{"type":"x","fields":{{"NOTE":"{}"}}}}]}}}}"#,
        "a".repeat(201)
    );
    let r = attempt_text(&app, "maze-1", &long_field, None, &kid).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_program")
    );
    let mut deep = r#"{"type":"x"}"#.to_owned();
    for _ in 0..kodlek_puzzles::MAX_NESTING {
        deep = format!(r#"{{"type":"x","inputs":{{"DO":{{"block":{deep}}}}}}}"#);
    }
    let deep_stray =
        format!(r#"{{"blocks":{{"blocks":[{{"type":"when_run","next":{next}}},{deep}]}}}}"#);
    let r = attempt_text(&app, "maze-1", &deep_stray, None, &kid).await;
    assert_eq!(r.code(), "invalid_program", "{}", r.text);
    // Anonymous play has the same limits, though it stores nothing.
    let anon = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            serde_json::from_str::<Value>(&with_strays(1_000))
                .map(|p| json!({"program": p}))
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(anon.code(), "invalid_program");
    let answer = app
        .post(
            "/api/v1/levels/maze-reflect/attempts",
            json!({"answer": "x".repeat(2_001)}),
            Some(&kid),
        )
        .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_answer")
    );
    let attempts = app
        .get("/api/v1/me/levels/maze-1/attempts", Some(&kid))
        .await
        .json();
    assert_eq!(
        attempts["attempts"].as_array().unwrap().len(),
        1,
        "refused attempts change nothing"
    );
}

const CID: &str = "0a8b3c6e-2f1d-4e5a-9b7c-1d2e3f4a5b6c";

fn attempts_on(progress: &Value, level: &str) -> i64 {
    progress["levels"][level]["attempts"].as_i64().unwrap_or(0)
}

// promise PROG-1: the number of attempts is kept; an attempt answered as saved is counted.
async fn an_attempt_id_belongs_to_one_level(app: TestApp) {
    let (kid, _) = app.student("Bo", "bo@example.org", 12).await;
    let program = format!(
        r#"{{"blocks":{{"blocks":[{{"type":"when_run","next":{}}}]}}}}"#,
        solution_next("maze-1")
    );
    let first = attempt_text(&app, "maze-1", &program, Some(CID), &kid).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    // On a level the learner never tried (an error before), then on one they have tried (a
    // "saved" that was never counted before).
    for tried in [false, true] {
        let level = "maze-2";
        if tried {
            attempt_text(&app, level, &program, None, &kid).await;
        }
        let before = app.get("/api/v1/me/progress", Some(&kid)).await.json();
        let r = attempt_text(&app, level, &program, Some(CID), &kid).await;
        assert_eq!(
            (r.status, r.code().as_str()),
            (StatusCode::CONFLICT, "attempt_id_conflict"),
            "{}",
            r.text
        );
        let after = app.get("/api/v1/me/progress", Some(&kid)).await.json();
        assert_eq!(before, after);
    }
    // A retry on its own level is still answered as saved, and counted once.
    let retry = attempt_text(&app, "maze-1", &program, Some(CID), &kid).await;
    assert_eq!(retry.json()["saved"], true);
    let progress = app.get("/api/v1/me/progress", Some(&kid)).await.json();
    assert_eq!(attempts_on(&progress, "maze-1"), 1);
    // Two uses at once, on two levels: one is counted, the other is a conflict; never both
    // answered as saved.
    let other = "5e9d2c1b-7a4f-4c3e-8d2b-6f1a0e9c8b7d";
    let (a, b) = tokio::join!(
        attempt_text(&app, "maze-3", &program, Some(other), &kid),
        attempt_text(&app, "maze-4", &program, Some(other), &kid),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        a.text,
        b.text
    );
    let progress = app.get("/api/v1/me/progress", Some(&kid)).await.json();
    assert_eq!(
        attempts_on(&progress, "maze-3") + attempts_on(&progress, "maze-4"),
        1
    );
}

/// The app with a writer that keeps each learner within `budget` bytes.
fn with_budget(mut app: TestApp, budget: i64) -> TestApp {
    app.state.writer =
        kodlek_web::writer::AttemptWriter::with_budget(app.state.store.clone(), budget);
    app.router = kodlek_web::router(app.state.clone());
    app
}

async fn a_flood_of_huge_attempts_stores_only_their_blocks(app: TestApp) {
    let (kid, me) = app.student("Bo", "bo@example.org", 12).await;
    let id = me["id"].as_str().unwrap();
    // Twenty attempts of almost 1 MB each, the bulk in keys Blockly ignores.
    let filler = "x".repeat(1_000_000 - 2_000);
    let program = format!(
        r#"{{"blocks":{{"blocks":[{{"type":"when_run","extraState":{{"note":"{filler}"}},"next":{}}}]}}}}"#,
        solution_next("maze-1")
    );
    for _ in 0..20 {
        let r = attempt_text(&app, "maze-1", &program, None, &kid).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            &r.text[..r.text.len().min(300)]
        );
    }
    let used = app.state.store.storage_used(id).await.unwrap();
    assert!(used < 20 * 2_000, "{used} bytes for twenty small programs");
}

async fn the_storage_budget_refuses_attempts_and_the_teacher_sees_why(app: TestApp) {
    let app = with_budget(app, 40 * 1024);
    let (t, section, kid, sid) = class(&app).await;
    // Each attempt stores a program of about 10 KB: a stray block with many fields.
    let fields: Vec<String> = (0..60)
        .map(|i| format!(r#""F{i}":"{}""#, "y".repeat(150)))
        .collect();
    let program = format!(
        r#"{{"blocks":{{"blocks":[{{"type":"when_run","next":{}}},{{"type":"note","fields":{{{}}}}}]}}}}"#,
        solution_next("maze-1"),
        fields.join(",")
    );
    let page = |lang: &'static str| {
        let path = format!("/sections/{section}/students/{sid}?lang={lang}");
        let t = t.clone();
        let app = &app;
        async move { app.get(&path, Some(&t)).await.text }
    };
    assert!(!page("en").await.contains("is full"));
    let mut saved = 0;
    let refused = loop {
        let r = attempt_text(&app, "maze-1", &program, None, &kid).await;
        if r.status != StatusCode::OK {
            break r;
        }
        saved += 1;
        assert!(saved < 10, "the budget is never met");
    };
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::CONFLICT, "storage_full")
    );
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("teacher")
    );
    let used = app.state.store.storage_used(&sid).await.unwrap();
    assert!(
        used <= 40 * 1024 && used + used / saved > 40 * 1024,
        "{used} bytes in {saved}"
    );
    let progress = app.get("/api/v1/me/progress", Some(&kid)).await.json();
    assert_eq!(
        attempts_on(&progress, "maze-1"),
        saved,
        "the refused attempt is not counted"
    );
    // A small program still fits in what is left.
    let small = format!(
        r#"{{"blocks":{{"blocks":[{{"type":"when_run","next":{}}}]}}}}"#,
        solution_next("maze-1")
    );
    let r = attempt_text(&app, "maze-1", &small, None, &kid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Anonymous play is never refused for storage.
    let anon = post_text(
        &app,
        "/api/v1/levels/maze-1/attempts",
        format!(r#"{{"program":{program}}}"#),
        "",
    )
    .await;
    assert_eq!(anon.status, StatusCode::OK, "{}", anon.text);
    // The teacher sees why, in English and in Swedish.
    assert!(
        page("en")
            .await
            .contains("space for programs and answers is full")
    );
    assert!(
        page("sv")
            .await
            .contains("utrymme för program och svar är fullt")
    );
    // Answers count too: a few of 4,000 bytes fill what is left.
    let mut refused = None;
    for _ in 0..5 {
        let answer = app
            .post(
                "/api/v1/levels/maze-reflect/attempts",
                json!({"answer": "å".repeat(2_000)}),
                Some(&kid),
            )
            .await;
        if answer.status != StatusCode::OK {
            refused = Some(answer.code());
            break;
        }
    }
    assert_eq!(refused.as_deref(), Some("storage_full"));
    // Progress carried over from anonymous play is refused whole when it does not fit.
    let before = app.get("/api/v1/me/progress", Some(&kid)).await.json();
    let import = post_text(
        &app,
        "/api/v1/me/progress/import",
        format!(r#"{{"attempts":[{{"level_id":"maze-1","program":{program}}}]}}"#),
        &kid,
    )
    .await;
    assert_eq!(
        (import.status, import.code().as_str()),
        (StatusCode::CONFLICT, "storage_full")
    );
    assert_eq!(
        app.get("/api/v1/me/progress", Some(&kid)).await.json(),
        before
    );
}

on_both_backends!(
    a_hostile_extra_state_is_dropped_and_every_read_survives,
    programs_beyond_the_stored_limits_are_refused,
    an_attempt_id_belongs_to_one_level,
    a_flood_of_huge_attempts_stores_only_their_blocks,
    the_storage_budget_refuses_attempts_and_the_teacher_sees_why,
);
