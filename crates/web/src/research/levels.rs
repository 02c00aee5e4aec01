//! GET /api/v1/staff/research/levels: how each level goes for learners as a whole, so that a
//! course's author sees which puzzles take too many tries.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::staff::{Research, StaffWithRole};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use kodlek_privacy::aggregate::{self, MIN_GROUP, TallyRow};
use kodlek_store::{LevelTallyRow, status_rank};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/staff/research/levels", get(level_figures))
}

/// `{"min_group", "levels": [LevelFigures]}`
#[derive(Serialize, ToSchema)]
pub struct LevelFiguresBody {
    /// The fewest learners a figure describes: a level tried by fewer has none.
    #[schema(example = 10)]
    pub min_group: u64,
    /// Every level of every course, in the courses' order.
    pub levels: Vec<LevelFiguresView>,
}

/// One level's figures. Only counts and shares: the type has no place for an account, a name
/// or a program, so no answer built from it can hold one.
#[derive(Serialize, ToSchema)]
pub struct LevelFiguresView {
    #[schema(example = "maze-3")]
    pub level_id: String,
    #[schema(example = "maze-intro")]
    pub course_id: String,
    /// False when fewer than `min_group` learners tried the level: every figure is then null.
    pub reported: bool,
    pub learners: Option<u64>,
    /// The share (0 to 1, two decimals) of learners who solved the level.
    pub solved_share: Option<f64>,
    /// The share who solved it with the fewest blocks.
    pub perfect_share: Option<f64>,
    /// Tries per learner: the median, and the 90th percentile.
    pub tries_median: Option<u64>,
    pub tries_p90: Option<u64>,
}

/// The tally's rows of each level, as the aggregate rules read them.
fn by_level(tally: Vec<LevelTallyRow>) -> HashMap<String, Vec<TallyRow>> {
    let mut levels: HashMap<String, Vec<TallyRow>> = HashMap::new();
    for row in tally {
        let rank = status_rank(&row.best_status);
        levels.entry(row.level_id).or_default().push(TallyRow {
            tries: u64::try_from(row.attempts).unwrap_or(0),
            // completed (a prompt or free play), passed or perfect
            solved: rank >= 1,
            perfect: row.best_status == "perfect",
            learners: u64::try_from(row.learners).unwrap_or(0),
        });
    }
    levels
}

/// Every level's figures, in the courses' order.
pub async fn figures(state: &AppState) -> Result<Vec<LevelFiguresView>, ApiError> {
    let mut tally = by_level(state.store.level_tally().await?);
    let mut levels = Vec::new();
    for course in kodlek_puzzles::catalog().courses() {
        for level in course.levels() {
            let figures = tally
                .remove(&level.id)
                .and_then(|rows| aggregate::level_figures(&rows));
            levels.push(LevelFiguresView {
                level_id: level.id.clone(),
                course_id: course.id.clone(),
                reported: figures.is_some(),
                learners: figures.map(|f| f.learners),
                solved_share: figures.map(|f| f.solved_share),
                perfect_share: figures.map(|f| f.perfect_share),
                tries_median: figures.map(|f| f.tries_median),
                tries_p90: figures.map(|f| f.tries_p90),
            });
        }
    }
    Ok(levels)
}

#[utoipa::path(get, tag = "research", path = "/api/v1/staff/research/levels",
    responses((status = 200, body = LevelFiguresBody, description = "Every level's figures, from all learners together; a level tried by fewer than `min_group` learners has none (promise PROG-5)"),
        (status = 403, body = ErrorBody, description = "Staff without the research role: `forbidden`"),
        (status = 404, body = ErrorBody, description = "Not staff: `not_found`")))]
pub async fn level_figures(
    State(state): State<AppState>,
    _staff: StaffWithRole<Research>,
) -> Result<Json<LevelFiguresBody>, ApiError> {
    Ok(Json(LevelFiguresBody {
        min_group: MIN_GROUP,
        levels: figures(&state).await?,
    }))
}
