//! The puzzles' pages: the course list, a course's map of levels, and a level with its editor.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{MaybeSignedIn, SignedIn};
use crate::kit::page::{Page, fail, not_found, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/courses", get(courses_page))
        .route("/courses/{id}", get(course_page))
        .route("/levels/{id}", get(level_page))
}

struct CourseCard {
    id: String,
    title: String,
    description: String,
    count: String,
}

#[derive(Template)]
#[template(path = "puzzles/courses.html")]
struct CoursesT {
    p: Page,
    courses: Vec<CourseCard>,
    resume: Option<(String, ())>,
}

/// The best status of each level the learner has tried (signed in; else nothing).
async fn best_statuses(
    state: &AppState,
    me: Option<&SignedIn>,
) -> Result<Vec<kodlek_store::ProgressRecord>, ApiError> {
    match me {
        Some(me) => Ok(state.store.progress_of(&me.account.id).await?),
        None => Ok(Vec::new()),
    }
}

async fn courses_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
) -> Response {
    let progress = match best_statuses(&state, me.as_ref()).await {
        Ok(p) => p,
        Err(e) => return fail(&state, p, &e),
    };
    let resume = crate::puzzles::resume(&progress).map(|r| (format!("/levels/{}", r.level_id), ()));
    let courses = kodlek_puzzles::catalog()
        .courses()
        .iter()
        .map(|c| CourseCard {
            id: c.id.clone(),
            title: c.title.get(p.code()).to_owned(),
            description: c.description.get(p.code()).to_owned(),
            count: p.args("course-levels", "count", c.level_count().to_string()),
        })
        .collect();
    render(
        &state,
        &p,
        StatusCode::OK,
        &CoursesT {
            p: p.clone(),
            courses,
            resume,
        },
    )
}

struct Bubble {
    id: String,
    number: usize,
    title: String,
    status: String,
    label: String,
}

struct LessonView {
    title: String,
    levels: Vec<Bubble>,
}

#[derive(Template)]
#[template(path = "puzzles/course.html")]
struct CourseT {
    p: Page,
    title: String,
    lessons: Vec<LessonView>,
    labels: Vec<(&'static str, String)>,
    /// Signed in with every level done: the address of the certificate.
    certificate: Option<String>,
}

const STATUSES: [&str; 5] = ["none", "failed", "completed", "passed", "perfect"];

async fn course_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(course) = kodlek_puzzles::catalog().course(&id) else {
        return not_found(State(state), p).await;
    };
    let progress = match best_statuses(&state, me.as_ref()).await {
        Ok(p) => p,
        Err(e) => return fail(&state, p, &e),
    };
    let labels: Vec<(&'static str, String)> = STATUSES
        .iter()
        .map(|s| (*s, p.t(format!("level-status-{s}"))))
        .collect();
    let mut number = 0;
    let lessons = course
        .lessons
        .iter()
        .map(|lesson| LessonView {
            title: lesson.title.get(p.code()).to_owned(),
            levels: lesson
                .levels
                .iter()
                .map(|l| {
                    number += 1;
                    let status = progress
                        .iter()
                        .find(|r| r.level_id == l.id)
                        .map(|r| r.best_status.clone())
                        .unwrap_or_else(|| "none".into());
                    let label = p.t(format!("level-status-{status}"));
                    Bubble {
                        id: l.id.clone(),
                        number,
                        title: l.title.get(p.code()).to_owned(),
                        status,
                        label,
                    }
                })
                .collect(),
        })
        .collect();
    let title = course.title.get(p.code()).to_owned();
    let certificate = (me.is_some()
        && super::certificate::levels_left(course, &progress).is_empty())
    .then(|| format!("/courses/{}/certificate", course.id));
    render(
        &state,
        &p,
        StatusCode::OK,
        &CourseT {
            p: p.clone(),
            title,
            lessons,
            labels,
            certificate,
        },
    )
}

#[derive(Template)]
#[template(path = "puzzles/level.html")]
struct LevelT {
    p: Page,
    title: String,
    instructions: String,
    /// "Level 3 of 15": where the level stands in its course.
    place: String,
    has_hints: bool,
    course_id: String,
    next_url: String,
    /// On the last level of its course: the certificate, offered with the celebration.
    certificate_url: Option<String>,
    is_prompt: bool,
    /// Signed in, but nothing is kept for now (a parent's permission is awaited, or a parent
    /// stopped collection): the page says so.
    held: bool,
    /// The level data for the editor, as JSON safe to place inside a script element.
    data: String,
}

/// Texts the editor needs, by the keys it looks them up with.
const LEVEL_TEXTS: [(&str, &str); 52] = [
    ("hint", "level-hint"),
    ("sound", "level-sound"),
    ("run", "level-run"),
    ("running", "level-running"),
    ("reset", "level-reset"),
    ("next", "level-next"),
    ("success_perfect", "level-success-perfect"),
    ("success_passed", "level-success-passed"),
    ("failed_crashed", "level-failed-crashed"),
    ("failed_not_reached_goal", "level-failed-not-reached-goal"),
    ("failed_too_many_steps", "level-failed-too-many-steps"),
    ("failed_block_not_allowed", "level-failed-block-not-allowed"),
    (
        "failed_missing_required_block",
        "level-failed-missing-required-block",
    ),
    ("failed_wrong_drawing", "level-failed-wrong-drawing"),
    ("completed", "level-completed"),
    ("invalid_program", "level-invalid-program"),
    ("error_network", "level-error-network"),
    ("submit_answer", "level-answer-submit"),
    ("block_when_run", "block-when-run"),
    ("block_move_forward", "block-move-forward"),
    ("block_turn_left", "block-turn-left"),
    ("block_turn_right", "block-turn-right"),
    ("block_forever", "block-forever"),
    ("block_if", "block-if"),
    ("block_else", "block-else"),
    ("block_path_forward", "block-path-forward"),
    ("block_path_left", "block-path-left"),
    ("block_path_right", "block-path-right"),
    ("block_repeat", "block-repeat"),
    ("block_times", "block-times"),
    ("block_artist_forward", "block-artist-forward"),
    ("block_artist_backward", "block-artist-backward"),
    ("block_artist_turn_left", "block-artist-turn-left"),
    ("block_artist_turn_right", "block-artist-turn-right"),
    ("block_degrees", "block-degrees"),
    ("block_pen_up", "block-pen-up"),
    ("block_pen_down", "block-pen-down"),
    ("block_colour", "block-colour"),
    ("status_none", "level-status-none"),
    ("status_failed", "level-status-failed"),
    ("status_completed", "level-status-completed"),
    ("status_passed", "level-status-passed"),
    ("status_perfect", "level-status-perfect"),
    ("not_saved", "not-saved-banner"),
    ("stage", "level-stage"),
    ("stage_maze", "level-stage-maze"),
    ("stage_maze_no_way", "level-stage-maze-no-way"),
    ("facing_north", "level-facing-north"),
    ("facing_east", "level-facing-east"),
    ("facing_south", "level-facing-south"),
    ("facing_west", "level-facing-west"),
    ("stage_artist", "level-stage-artist"),
];

/// Texts of the playback controls and the code view, by the keys the editor uses.
const PLAYBACK_TEXTS: [(&str, &str); 2] = [
    ("step_of", "level-step-of"),
    ("code_empty", "level-code-empty"),
];

async fn level_page(
    State(state): State<AppState>,
    p: Page,
    MaybeSignedIn(me): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some((course, level)) = kodlek_puzzles::catalog().level(&id) else {
        return not_found(State(state), p).await;
    };
    // A returning learner sees their own last program for the level.
    let saved = match &me {
        // Carried as the stored text, never built into a tree (see `stored_program_json`), so
        // that a long chain of blocks comes back whole.
        Some(me) => match state.store.attempts_of(&me.account.id, &id).await {
            Ok(a) => a
                .into_iter()
                .rev()
                .find_map(|a| a.program.and_then(crate::puzzles::stored_program_json)),
            Err(e) => return fail(&state, p, &ApiError::from(e)),
        },
        None => None,
    };
    let held = match &me {
        Some(me) => match state.store.child_control(&me.account.id).await {
            Ok(c) => c.is_some(),
            Err(e) => return fail(&state, p, &ApiError::from(e)),
        },
        None => false,
    };
    let next_url = kodlek_puzzles::catalog()
        .next_level(&id)
        .map(|n| format!("/levels/{}", n.id))
        .unwrap_or_else(|| format!("/courses/{}", course.id));
    let texts: serde_json::Map<String, Value> = LEVEL_TEXTS
        .iter()
        .chain(PLAYBACK_TEXTS.iter())
        .map(|(k, key)| ((*k).to_owned(), Value::String(p.t(key))))
        .collect();
    #[derive(serde::Serialize)]
    struct LevelData<'a> {
        level: Value,
        signed_in: bool,
        lang: &'a str,
        next_url: &'a str,
        saved_program: Option<kodlek_puzzles::ProgramJson>,
        texts: serde_json::Map<String, Value>,
    }
    let data = LevelData {
        level: level.to_json(p.code()),
        signed_in: me.is_some(),
        lang: p.code(),
        next_url: &next_url,
        saved_program: saved,
        texts,
    };
    let data = crate::kit::page::script_json(&data);
    let total = course.levels().count();
    let n = course.levels().position(|l| l.id == level.id).unwrap_or(0) + 1;
    let t = LevelT {
        p: p.clone(),
        title: level.title.get(p.code()).to_owned(),
        instructions: level.instructions.get(p.code()).to_owned(),
        place: p.args_all(
            "level-place",
            &[("n", &n.to_string()), ("total", &total.to_string())],
        ),
        has_hints: !level.hints.is_empty(),
        course_id: course.id.clone(),
        next_url,
        certificate_url: (course.levels().last().map(|l| &l.id) == Some(&level.id))
            .then(|| format!("/courses/{}/certificate", course.id)),
        is_prompt: level.kind == kodlek_puzzles::LevelKind::Prompt,
        held,
        data,
    };
    render(&state, &p, StatusCode::OK, &t)
}
