//! The staff console's page of course figures, /staff/research: the same figures as the API,
//! as a table a course's author can read.

use crate::AppState;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{Page, fail, render};
use crate::kit::staff::staff_or_page;
use crate::research::levels::{self, LevelFiguresView};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use kodlek_domain::StaffRole;
use kodlek_privacy::aggregate::MIN_GROUP;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/research", get(research))
}

/// A course's part of the table: its title in the page's language and its levels' rows.
struct CourseRows {
    course_id: String,
    title: String,
    rows: Vec<Row>,
}

/// One row of the table: the level's title in the page's language, and its figures as text.
struct Row {
    level: String,
    level_id: String,
    learners: String,
    solved: String,
    perfect: String,
    tries_median: String,
    tries_p90: String,
}

#[derive(Template)]
#[template(path = "research/levels.html")]
struct LevelsT {
    p: Page,
    courses: Vec<CourseRows>,
    min_group: u64,
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{:.0} %", s * 100.0))
}

fn row(p: &Page, v: LevelFiguresView) -> Row {
    let level = kodlek_puzzles::catalog()
        .level(&v.level_id)
        .map(|(_, l)| l.title.get(p.lang().code()).to_owned())
        .unwrap_or_default();
    let number = |n: Option<u64>| n.map_or_else(|| "–".to_owned(), |n| n.to_string());
    Row {
        level,
        learners: match v.learners {
            Some(n) => n.to_string(),
            None => p.args("research-too-few", "min", MIN_GROUP.to_string()),
        },
        solved: percent(v.solved_share),
        perfect: percent(v.perfect_share),
        tries_median: number(v.tries_median),
        tries_p90: number(v.tries_p90),
        level_id: v.level_id,
    }
}

async fn research(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    if let Err(r) = staff_or_page(&state, &p, me, Some(StaffRole::Research)).await {
        return r;
    }
    match levels::figures(&state).await {
        Ok(figures) => {
            // The figures come in the courses' order: a new course starts a new part.
            let mut courses: Vec<CourseRows> = Vec::new();
            for v in figures {
                if courses.last().is_none_or(|c| c.course_id != v.course_id) {
                    let title = kodlek_puzzles::catalog()
                        .course(&v.course_id)
                        .map(|c| c.title.get(p.lang().code()).to_owned())
                        .unwrap_or_default();
                    courses.push(CourseRows {
                        course_id: v.course_id.clone(),
                        title,
                        rows: Vec::new(),
                    });
                }
                if let Some(c) = courses.last_mut() {
                    c.rows.push(row(&p, v));
                }
            }
            let t = LevelsT {
                courses,
                p: p.clone(),
                min_group: MIN_GROUP,
            };
            render(&state, &p, StatusCode::OK, &t)
        }
        Err(e) => fail(&state, p, &e),
    }
}
