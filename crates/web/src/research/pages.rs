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

/// One row of the table: the level's words in the page's language, and its figures as text.
struct Row {
    course: String,
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
    rows: Vec<Row>,
    min_group: u64,
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{:.0} %", s * 100.0))
}

fn row(p: &Page, v: LevelFiguresView) -> Row {
    let lang = p.lang();
    let catalog = kodlek_puzzles::catalog();
    let (course, level) = catalog
        .level(&v.level_id)
        .map(|(c, l)| {
            (
                c.title.get(lang.code()).to_owned(),
                l.title.get(lang.code()).to_owned(),
            )
        })
        .unwrap_or_default();
    let number = |n: Option<u64>| n.map_or_else(|| "–".to_owned(), |n| n.to_string());
    Row {
        course,
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
            let t = LevelsT {
                rows: figures.into_iter().map(|v| row(&p, v)).collect(),
                p: p.clone(),
                min_group: MIN_GROUP,
            };
            render(&state, &p, StatusCode::OK, &t)
        }
        Err(e) => fail(&state, p, &e),
    }
}
