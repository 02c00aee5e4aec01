//! Router tests of courses, levels and attempts, anonymous and signed in, on both backends.

mod common;

use axum::http::StatusCode;
use common::{TestApp, solution};
use serde_json::{Value, json};

/// A program as it is stored and read back: its canonical form, without Blockly's own keys.
fn stored(program: &Value) -> Value {
    serde_json::from_str(&kodlek_puzzles::stored_form(&program.to_string())).unwrap()
}

fn one_step() -> Value {
    json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s", "x": 5, "y": 5, "next": {"block": {"type": "maze_move_forward", "id": "m", "collapsed": false}}}]}})
}

// promise ANON-1: every course and level can be read and played without an account.
async fn courses_and_levels_are_open_to_all(app: TestApp) {
    let list = app.get("/api/v1/courses?lang=sv", None).await.json();
    let courses = list["courses"].as_array().unwrap();
    assert!(
        courses
            .iter()
            .any(|c| c["id"] == "maze-intro" && c["level_count"].as_u64().unwrap() >= 16)
    );
    assert!(courses.iter().all(|c| c["title"].as_str().unwrap() != ""));
    let course = app.get("/api/v1/courses/maze-intro", None).await.json();
    let first = &course["course"]["lessons"][0]["levels"][0];
    assert_eq!(
        (first["id"].as_str(), first["kind"].as_str()),
        (Some("maze-1"), Some("maze"))
    );
    let level = app.get("/api/v1/levels/maze-1", None).await.json();
    assert_eq!(level["level"]["maze"]["start_direction"], "east");
    assert!(
        level["level"]["toolbox"]
            .as_array()
            .unwrap()
            .contains(&json!("maze_move_forward"))
    );
    assert!(!level.to_string().contains("solution"));
    let sv = app.get("/api/v1/levels/maze-1?lang=sv", None).await.json();
    assert_ne!(sv["level"]["title"], level["level"]["title"]);
    let artist = app.get("/api/v1/levels/artist-3", None).await.json();
    assert_eq!(
        artist["level"]["artist"]["target"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        app.get("/api/v1/levels/no-such-level", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/courses/no-such-course", None).await.status,
        StatusCode::NOT_FOUND
    );
}

// promise ANON-2 promise ANON-3: without an account the verdict comes back and nothing is stored.
async fn anonymous_attempts_leave_no_row(app: TestApp) {
    let before = app.settled_database_bytes().await;
    let a = app.post("/api/v1/levels/maze-1/attempts", json!({"program": solution("maze-1"), "client_attempt_id": "7f1c1f3e-4f7a-4a43-8f4b-9c2d8a0a1b2c"}), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let v = a.json();
    assert_eq!(v["status"], "perfect");
    assert_eq!(v["saved"], false);
    assert_eq!(v["progress"], Value::Null);
    assert_eq!(v["trace"].as_array().unwrap().last().unwrap()["op"], "goal");
    let failed = app
        .post(
            "/api/v1/levels/maze-2/attempts",
            json!({"program": one_step()}),
            None,
        )
        .await
        .json();
    assert_eq!(
        (failed["status"].as_str(), failed["reason"].as_str()),
        (Some("failed"), Some("not_reached_goal"))
    );
    assert_eq!(
        app.database_bytes(),
        before,
        "not one byte of the database changed"
    );
}

// promise PROG-1 promise PROG-2: each attempt is kept with its time, status and code; the server decides.
async fn signed_in_attempts_are_kept(app: TestApp) {
    let (cookie, _) = app.student("Player", "player@example.org", 10).await;
    let c = Some(cookie.as_str());
    let fail = app
        .post(
            "/api/v1/levels/maze-2/attempts",
            json!({"program": one_step()}),
            c,
        )
        .await
        .json();
    assert_eq!(fail["saved"], true);
    assert_eq!(fail["progress"]["attempts"], 1);
    assert_eq!(fail["progress"]["best_status"], "failed");
    // The client cannot claim a verdict: a status field is refused.
    let claim = app
        .post(
            "/api/v1/levels/maze-2/attempts",
            json!({"program": one_step(), "status": "perfect"}),
            c,
        )
        .await;
    assert_eq!(claim.code(), "unknown_field");
    let win = app
        .post(
            "/api/v1/levels/maze-2/attempts",
            json!({"program": solution("maze-2")}),
            c,
        )
        .await
        .json();
    assert_eq!(win["status"], "perfect");
    assert_eq!(win["progress"]["attempts"], 2);
    let again = app
        .post(
            "/api/v1/levels/maze-2/attempts",
            json!({"program": one_step()}),
            c,
        )
        .await
        .json();
    assert_eq!(
        again["progress"]["best_status"], "perfect",
        "the best status never goes down"
    );
    assert_eq!(again["progress"]["status"], "failed");
    let attempts = app.get("/api/v1/me/levels/maze-2/attempts", c).await.json();
    let list = attempts["attempts"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[1]["status"], "perfect");
    assert_eq!(
        list[1]["program"],
        stored(&solution("maze-2")),
        "the code is kept, without Blockly's own keys"
    );
    assert!(list[0]["at"].as_str().unwrap().ends_with('Z'));
    let export = app.get("/api/v1/me/export", c).await.json();
    assert_eq!(export["tables"]["attempts"].as_array().unwrap().len(), 3);
    assert_eq!(
        export["programs"].as_object().unwrap().len(),
        2,
        "each distinct program once"
    );
    let prompt = app
        .post(
            "/api/v1/levels/maze-reflect/attempts",
            json!({"answer": "Loops repeat things."}),
            c,
        )
        .await
        .json();
    assert_eq!(prompt["status"], "completed");
    let answers = app
        .get("/api/v1/me/levels/maze-reflect/attempts", c)
        .await
        .json();
    assert_eq!(answers["attempts"][0]["answer"], "Loops repeat things.");
}

async fn retries_count_once(app: TestApp) {
    let (cookie, _) = app.student("Retry", "retry@example.org", 10).await;
    let c = Some(cookie.as_str());
    let id = "0b8e7a52-6d41-4a1e-9c0b-1f2e3d4c5b6a";
    let first = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": solution("maze-1"), "client_attempt_id": id}),
            c,
        )
        .await
        .json();
    let second = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": solution("maze-1"), "client_attempt_id": id}),
            c,
        )
        .await
        .json();
    assert_eq!(first["progress"]["attempts"], 1);
    assert_eq!(second["progress"]["attempts"], 1, "counted once");
    assert_eq!(second["status"], "perfect");
    let other = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": one_step(), "client_attempt_id": id}),
            c,
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert_eq!(other.code(), "attempt_id_conflict");
    let bad = app
        .post(
            "/api/v1/levels/maze-1/attempts",
            json!({"program": one_step(), "client_attempt_id": "not-a-uuid"}),
            c,
        )
        .await;
    assert_eq!(bad.code(), "invalid_field");
}

async fn invalid_programs_are_refused_and_change_nothing(app: TestApp) {
    let (cookie, _) = app.student("Bad", "bad@example.org", 10).await;
    let c = Some(cookie.as_str());
    for program in [
        json!({"blocks": {"blocks": []}}),
        json!({"blocks": {"blocks": [{"type": "when_run"}, {"type": "when_run"}]}}),
        json!({"blocks": {"blocks": [{"type": "when_run", "next": {"block": {"type": "rm_rf"}}}]}}),
        json!("not a program"),
    ] {
        let a = app
            .post(
                "/api/v1/levels/maze-1/attempts",
                json!({"program": program}),
                c,
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.code(), "invalid_program");
    }
    assert_eq!(
        app.post("/api/v1/levels/maze-1/attempts", json!({}), c)
            .await
            .code(),
        "invalid_field"
    );
    assert_eq!(
        app.post(
            "/api/v1/levels/maze-reflect/attempts",
            json!({"answer": "  "}),
            c
        )
        .await
        .code(),
        "invalid_answer"
    );
    assert_eq!(
        app.post(
            "/api/v1/levels/nope/attempts",
            json!({"program": one_step()}),
            c
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let p = app.get("/api/v1/me/progress", c).await.json();
    assert!(p["levels"].as_object().unwrap().is_empty());
    assert_eq!(p["resume"], Value::Null);
}

// promise PROG-3: a learner sees their own progress and continues where they stopped.
async fn a_returning_learner_resumes(app: TestApp) {
    let (cookie, _) = app.student("Back", "back@example.org", 10).await;
    let c = Some(cookie.as_str());
    app.post(
        "/api/v1/levels/maze-1/attempts",
        json!({"program": solution("maze-1")}),
        c,
    )
    .await;
    let p = app.get("/api/v1/me/progress", c).await.json();
    assert_eq!(
        p["resume"],
        json!({"course_id": "maze-intro", "level_id": "maze-2"}),
        "solved: the next level"
    );
    app.post(
        "/api/v1/levels/maze-3/attempts",
        json!({"program": one_step()}),
        c,
    )
    .await;
    let p = app.get("/api/v1/me/progress", c).await.json();
    assert_eq!(
        p["resume"]["level_id"], "maze-3",
        "unsolved: the same level"
    );
    assert_eq!(p["levels"]["maze-1"]["best_status"], "perfect");
    // Signed out and in again: the same.
    let again = app
        .post(
            "/api/v1/session",
            json!({"login": "back@example.org", "password": "correct horse battery"}),
            None,
        )
        .await
        .session_cookie()
        .unwrap();
    assert_eq!(
        app.get("/api/v1/me/progress", Some(&again)).await.json()["resume"]["level_id"],
        "maze-3"
    );
    assert_eq!(
        app.get("/api/v1/me/progress", None).await.code(),
        "not_signed_in"
    );
}

// promise ANON-2: progress made without an account is carried into a new one, re-judged.
async fn anonymous_progress_is_imported_after_rejudging(app: TestApp) {
    let (cookie, _) = app.student("New", "new@example.org", 10).await;
    let c = Some(cookie.as_str());
    let unknown = app.post("/api/v1/me/progress/import", json!({"attempts": [{"level_id": "maze-1", "program": solution("maze-1")}, {"level_id": "ghost", "program": one_step()}]}), c).await;
    assert_eq!(unknown.code(), "unknown_level");
    let invalid = app.post("/api/v1/me/progress/import", json!({"attempts": [{"level_id": "maze-1", "program": solution("maze-1")}, {"level_id": "maze-2", "program": {"blocks": {"blocks": []}}}]}), c).await;
    assert_eq!(invalid.code(), "invalid_program");
    assert!(
        app.get("/api/v1/me/progress", c).await.json()["levels"]
            .as_object()
            .unwrap()
            .is_empty(),
        "nothing recorded"
    );
    let many: Vec<Value> = (0..501)
        .map(|_| json!({"level_id": "maze-1", "program": one_step()}))
        .collect();
    assert_eq!(
        app.post("/api/v1/me/progress/import", json!({"attempts": many}), c)
            .await
            .code(),
        "invalid_field"
    );
    let ok = app
        .post("/api/v1/me/progress/import", json!({"attempts": [{"level_id": "maze-1", "program": solution("maze-1")}, {"level_id": "maze-2", "program": one_step()}, {"level_id": "maze-reflect", "answer": "Fun!"}]}), c)
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let v = ok.json();
    assert_eq!(v["imported"], 3);
    assert_eq!(
        v["levels"]["maze-1"]["best_status"], "perfect",
        "the server's verdict"
    );
    assert_eq!(
        v["levels"]["maze-2"]["best_status"], "failed",
        "a claimed success would not help"
    );
    assert_eq!(
        app.post("/api/v1/me/progress/import", json!({"attempts": []}), None)
            .await
            .code(),
        "not_signed_in"
    );
}

/// Posts a body given as text, for bodies a `Value` cannot hold (serde_json's nesting limit).
async fn post_text(
    app: &TestApp,
    path: &str,
    body: String,
    cookie: Option<&str>,
) -> common::Answer {
    let mut req = axum::http::Request::post(path).header("content-type", "application/json");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.send(req.body(axum::body::Body::from(body)).unwrap())
        .await
}

/// A program of `turns` turns (left, right, left, ...) chained before the level's reference
/// solution, as text: each block of a chain nests two levels deeper.
fn long_chain(level: &str, turns: usize) -> String {
    let reference = solution(level);
    let first = reference["blocks"]["blocks"][0]["next"]["block"].to_string();
    let mut text = String::from(
        r#"{"program": {"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s", "x": 10, "y": 10, "next": {"block": "#,
    );
    for i in 0..turns {
        let dir = if i % 2 == 0 { "turnLeft" } else { "turnRight" };
        text.push_str(&format!(
            r#"{{"type": "maze_turn", "id": "t{i}", "fields": {{"DIR": "{dir}"}}, "next": {{"block": "#
        ));
    }
    text.push_str(&first);
    text.push_str(&"}}".repeat(turns));
    text.push_str("}}]}}}");
    text
}

// Programs up to the program limits are judged however long their chain is; serde_json's
// nesting limit of 128 once refused a chain of more than 61 blocks as malformed JSON.
async fn long_chains_are_judged_and_deep_bodies_refused(app: TestApp) {
    let (cookie, _) = app.student("Long", "long@example.org", 11).await;
    let c = Some(cookie.as_str());
    let mazes: Vec<_> = kodlek_puzzles::catalog()
        .levels_of("maze-intro")
        .into_iter()
        .filter(|l| l.kind == kodlek_puzzles::LevelKind::Maze)
        .collect();
    assert!(mazes.len() > 10);
    for l in mazes {
        let text = long_chain(&l.id, 400);
        let turns = text.matches("maze_turn").count();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "too deep for a Value"
        );
        let a = post_text(&app, &format!("/api/v1/levels/{}/attempts", l.id), text, c).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", l.id, a.text);
        let v = a.json();
        assert_eq!(v["saved"], true);
        let reference =
            kodlek_puzzles::judge(l, kodlek_puzzles::Submission::Program(&solution(&l.id)))
                .unwrap()
                .blocks_used
                .unwrap();
        assert_eq!(v["blocks_used"], 400 + reference, "{}", l.id);
        // The turns cancel out: the solution after them still solves the level, above its ideal,
        // unless the level limits its turns.
        let limited = l.to_json("en")["toolbox_limits"].get("maze_turn").is_some();
        let status = if l.toolbox.iter().any(|b| b == "maze_turn") && !limited {
            "passed"
        } else {
            "failed"
        };
        assert_eq!(v["status"], status, "{}: {v}", l.id);
        // The learner sees the long program again, whole.
        let mine = app
            .get(&format!("/api/v1/me/levels/{}/attempts", l.id), c)
            .await;
        assert_eq!(mine.status, StatusCode::OK);
        assert_eq!(mine.text.matches("maze_turn").count(), turns, "{}", l.id);
    }
    // Past the block limit the program is refused by its own rule, not as malformed JSON.
    let a = post_text(
        &app,
        "/api/v1/levels/maze-1/attempts",
        long_chain("maze-1", 500),
        c,
    )
    .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_program".into())
    );
    // A hostile body nested half a million levels deep, just under the body limit, costs no
    // stack: as a program it is judged invalid, anywhere else it is a field of the wrong type
    // or an unknown field, and unclosed it is malformed.
    let n = 500_000;
    let deep = "[".repeat(n) + &"]".repeat(n);
    for (body, code) in [
        (format!(r#"{{"program": {deep}}}"#), "invalid_program"),
        (format!(r#"{{"answer": {deep}}}"#), "invalid_field"),
        (format!(r#"{{"extra": {deep}}}"#), "unknown_field"),
        (
            format!(r#"{{"program": {}}}"#, "[".repeat(n)),
            "malformed_json",
        ),
    ] {
        let a = post_text(&app, "/api/v1/levels/maze-1/attempts", body, c).await;
        assert_eq!(a.code(), code);
    }
    let progress = app.get("/api/v1/me/progress", c).await.json();
    assert_eq!(
        progress["levels"]["maze-1"]["attempts"], 1,
        "only the long chain was kept"
    );
}

on_both_backends!(
    courses_and_levels_are_open_to_all,
    anonymous_attempts_leave_no_row,
    signed_in_attempts_are_kept,
    retries_count_once,
    invalid_programs_are_refused_and_change_nothing,
    a_returning_learner_resumes,
    anonymous_progress_is_imported_after_rejudging,
    long_chains_are_judged_and_deep_bodies_refused,
);

fn level_data(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/json\" id=\"level-data\">")
        .unwrap();
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).unwrap()
}

// promise ANON-1 promise ANON-2: the pages need no account and say that progress is not saved.
#[tokio::test]
async fn the_course_pages_work_without_an_account() {
    let app = TestApp::sqlite().await;
    let home = app.get("/", None).await;
    assert!(home.text.contains("href=\"/courses\""));
    let list = app.get("/courses", None).await;
    assert!(list.text.contains("href=\"/courses/maze-intro\""));
    let map = app.get("/courses/maze-intro", None).await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.text.contains("id=\"not-saved-banner\""));
    assert!(map.text.contains("data-level-id=\"maze-15\""));
    assert!(
        map.text.contains("class=\"status-label\">not tried yet<"),
        "a text label, not colour alone"
    );
    let page = app.get("/levels/maze-1?lang=sv", None).await;
    assert!(page.text.contains("id=\"not-saved-banner\""));
    let data = level_data(&page.text);
    assert_eq!(data["signed_in"], false);
    assert_eq!(data["level"]["id"], "maze-1");
    assert_eq!(data["texts"]["run"], "Kör");
    assert_eq!(data["next_url"], "/levels/maze-2");
    assert!(
        !page.text.contains("\"b1\""),
        "no reference solution on the page"
    );
    assert_eq!(
        app.get("/levels/nope", None).await.status,
        StatusCode::NOT_FOUND
    );
    let prompt = app.get("/levels/maze-reflect", None).await;
    assert!(prompt.text.contains("id=\"answer-form\""));
}

// The level JSON (API and page) carries the level's own rules, and a failure names its block
// or cell, in the caller's language.
#[tokio::test]
async fn levels_carry_their_rules_and_failures_name_the_block_or_cell() {
    let app = TestApp::sqlite().await;
    let fill = app
        .get("/api/v1/levels/maze-fill-the-loop", None)
        .await
        .json();
    let level = &fill["level"];
    let start = &level["start_blocks"]["blocks"]["blocks"][0];
    assert_eq!(
        (start["type"].as_str(), start["movable"].as_bool()),
        (Some("when_run"), Some(false))
    );
    assert_eq!(start["next"]["block"]["type"], "maze_forever");
    assert_eq!(start["next"]["block"]["deletable"], false);
    assert_eq!(
        level["locked_blocks"],
        json!([{"type": "maze_forever", "fields": {}}])
    );
    let pond = app.get("/api/v1/levels/maze-pond", None).await.json();
    assert_eq!(
        pond["level"]["toolbox_limits"],
        json!({"maze_move_forward": 1, "maze_turn": 1})
    );
    assert_eq!(
        pond["level"]["required_fields"],
        json!([{"type": "maze_turn", "fields": {"DIR": "turnRight"}}])
    );
    assert_eq!(pond["level"]["start_blocks"], Value::Null);
    let rocks = app.get("/api/v1/levels/maze-rocks", None).await.json();
    assert_eq!(rocks["level"]["maze"]["grid"][1], json!([0, 2, 4, 3, 0]));
    let page = app.get("/levels/maze-fill-the-loop", None).await;
    let data = level_data(&page.text);
    assert_eq!(data["level"]["locked_blocks"], level["locked_blocks"]);
    assert_eq!(data["level"]["start_blocks"], level["start_blocks"]);

    let hit = app
        .post(
            "/api/v1/levels/maze-rocks/attempts",
            json!({"program": one_step()}),
            None,
        )
        .await
        .json();
    assert_eq!(hit["reason"], "crashed");
    assert_eq!(hit["detail"], json!({"x": 2, "y": 1, "cell": "obstacle"}));
    assert!(
        hit["message"]
            .as_str()
            .unwrap()
            .contains("rock at row 2, column 3"),
        "{hit}"
    );
    let sv = app
        .post(
            "/api/v1/levels/maze-rocks/attempts?lang=sv",
            json!({"program": one_step()}),
            None,
        )
        .await
        .json();
    assert!(
        sv["message"]
            .as_str()
            .unwrap()
            .contains("stenen på rad 2, kolumn 3"),
        "{sv}"
    );
    let left = json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "next": {"block":
        {"type": "controls_repeat", "fields": {"TIMES": 4}, "inputs": {"DO": {"block": {"type": "controls_repeat", "fields": {"TIMES": 3},
        "inputs": {"DO": {"block": {"type": "maze_move_forward"}}}, "next": {"block": {"type": "maze_turn", "fields": {"DIR": "turnLeft"}}}}}}}}}]}});
    let turn = app
        .post(
            "/api/v1/levels/maze-pond/attempts",
            json!({"program": left}),
            None,
        )
        .await
        .json();
    assert_eq!(turn["reason"], "missing_required_block");
    assert_eq!(
        turn["detail"],
        json!({"block": "maze_turn", "fields": {"DIR": "turnRight"}})
    );
    assert!(
        turn["message"].as_str().unwrap().contains("turn right"),
        "{turn}"
    );
    let solved = app
        .post(
            "/api/v1/levels/maze-rocks/attempts",
            json!({"program": solution("maze-rocks")}),
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            solved["status"].as_str(),
            &solved["message"],
            &solved["detail"]
        ),
        (Some("perfect"), &Value::Null, &Value::Null)
    );
}

/// Blocks one under the other, as Blockly nests them: each the `next` of the one before.
fn chain(blocks: &[Value]) -> Value {
    let Some((first, rest)) = blocks.split_first() else {
        return Value::Null;
    };
    let mut block = first.clone();
    if !rest.is_empty() {
        block["next"] = json!({"block": chain(rest)});
    }
    block
}

/// An artist program: `when run` with `blocks` under it.
fn artist_program(blocks: &[Value]) -> Value {
    json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "next": {"block": chain(blocks)}}]}})
}

fn forward(distance: u32) -> Value {
    json!({"type": "artist_move_forward", "fields": {"DISTANCE": distance}})
}

fn turn(dir: &str, angle: u32) -> Value {
    json!({"type": "artist_turn", "fields": {"DIR": dir, "ANGLE": angle}})
}

fn repeat(times: u32, body: &[Value]) -> Value {
    json!({"type": "controls_repeat", "fields": {"TIMES": times}, "inputs": {"DO": {"block": chain(body)}}})
}

// A wrong drawing says whether a line is too many or part of the picture is missing, and a
// program that runs too long on the canvas names its repeat block.
#[tokio::test]
async fn artist_failures_say_what_is_wrong_with_the_drawing() {
    let app = TestApp::sqlite().await;
    let attempt = |program: Value, lang: &'static str| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/levels/artist-3/attempts?lang={lang}"),
                json!({"program": program}),
                None,
            )
            .await
            .json()
        }
    };
    let three_sides = attempt(
        artist_program(&[repeat(3, &[forward(100), turn("turnRight", 90)])]),
        "en",
    )
    .await;
    assert_eq!(
        (&three_sides["reason"], &three_sides["detail"]),
        (&json!("wrong_drawing"), &json!({"drawing": "missing"}))
    );
    assert!(
        three_sides["message"]
            .as_str()
            .unwrap()
            .contains("not drawn yet"),
        "{three_sides}"
    );
    let other_way = attempt(
        artist_program(&[repeat(4, &[forward(100), turn("turnLeft", 90)])]),
        "sv",
    )
    .await;
    assert_eq!(other_way["detail"], json!({"drawing": "extra"}));
    assert!(
        other_way["message"]
            .as_str()
            .unwrap()
            .contains("inte finns på bilden"),
        "{other_way}"
    );
    let too_long = attempt(
        artist_program(&[repeat(
            100,
            &[repeat(100, &[forward(1), turn("turnRight", 90)])],
        )]),
        "en",
    )
    .await;
    assert_eq!(
        (&too_long["reason"], &too_long["detail"]),
        (
            &json!("too_many_steps"),
            &json!({"block": "controls_repeat"})
        )
    );
    assert!(
        too_long["message"]
            .as_str()
            .unwrap()
            .contains("\"repeat\" block repeats too many times"),
        "{too_long}"
    );
    let square = attempt(
        artist_program(&[repeat(4, &[forward(100), turn("turnRight", 90)])]),
        "en",
    )
    .await;
    assert_eq!(
        (square["status"].as_str(), &square["detail"]),
        (Some("perfect"), &Value::Null)
    );
}

// promise PROG-3: a signed-in learner sees their statuses and their own code again.
#[tokio::test]
async fn signed_in_pages_show_progress_and_own_code() {
    let app = TestApp::sqlite().await;
    let (cookie, _) = app.student("Kim", "kim.pages@example.org", 10).await;
    app.post(
        "/api/v1/levels/maze-1/attempts",
        json!({"program": solution("maze-1")}),
        Some(&cookie),
    )
    .await;
    let map = app.get("/courses/maze-intro", Some(&cookie)).await;
    assert!(!map.text.contains("id=\"not-saved-banner\""));
    assert!(map.text.contains("id=\"carry-progress\""));
    assert!(
        map.text
            .contains("class=\"level-bubble status-perfect\" href=\"/levels/maze-1\"")
    );
    assert!(map.text.contains("solved perfectly"));
    let list = app.get("/courses", Some(&cookie)).await;
    assert!(
        list.text
            .contains("id=\"resume-link\" href=\"/levels/maze-2\"")
    );
    let data = level_data(&app.get("/levels/maze-1", Some(&cookie)).await.text);
    assert_eq!(data["signed_in"], true);
    assert_eq!(data["saved_program"], stored(&solution("maze-1")));
}

#[tokio::test]
async fn signing_out_clears_what_the_browser_kept() {
    let app = TestApp::sqlite().await;
    let (cookie, _) = app.student("Out", "out@example.org", 10).await;
    let page = app.get("/account", Some(&cookie)).await;
    let csrf = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("kodlek_csrf="))
        .unwrap();
    let pair = csrf.split(';').next().unwrap().to_owned();
    let token = pair.trim_start_matches("kodlek_csrf=").to_owned();
    let r = axum::http::Request::builder()
        .method("POST")
        .uri("/sign-out")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("{cookie}; {pair}"))
        .body(axum::body::Body::from(format!("csrf_token={token}")))
        .unwrap();
    let a = app.send(r).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers.get("clear-site-data").unwrap(), "\"storage\"");
    assert_eq!(
        app.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
}
