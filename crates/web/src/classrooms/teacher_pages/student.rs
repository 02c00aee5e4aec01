//! One student's levels and attempts, with programs shown as outlines and failures explained
//! with the grader's reason, and one level as the student left it.

use super::common::*;
use crate::AppState;
use crate::classrooms::sections::{self};
use crate::classrooms::students;
use crate::kit::error::ApiError;
use crate::kit::i18n::Tr;
use crate::kit::page::{Page, fail, not_found, render};
use crate::puzzles::AttemptView;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kodlek_puzzles::json::Node;
use kodlek_puzzles::{Doc, Submission, judge};

// ---------------------------------------------------------------------------------------------
// 4. One student's levels and attempts

pub(super) struct AttemptRow {
    pub(super) at: String,
    pub(super) status: String,
    pub(super) status_label: String,
    /// Why a failed attempt failed, in the teacher's words.
    pub(super) reason: Option<String>,
    pub(super) code: Option<String>,
    pub(super) answer: Option<String>,
}

pub(super) struct LevelRow {
    pub(super) number: usize,
    pub(super) id: String,
    pub(super) title: String,
    pub(super) status: String,
    pub(super) status_label: String,
    pub(super) attempts: i64,
    pub(super) last: String,
    pub(super) stuck: bool,
    pub(super) rows: Vec<AttemptRow>,
}

#[derive(Template)]
#[template(path = "classrooms/teacher/student.html")]
pub(super) struct StudentT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) name: String,
    pub(super) student_id: String,
    pub(super) levels: Vec<LevelRow>,
    /// The student's attempts are refused for want of storage: the teacher sees why.
    pub(super) storage_full: bool,
}

pub(super) async fn student_page(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid)): Path<(String, String)>,
) -> Response {
    let grid = match students::grid_of(&state, &t.section, p.lang()).await {
        Ok(g) => g,
        Err(e) => return fail(&state, p, &e),
    };
    let Some(row) = grid.rows.iter().find(|s| s.id == sid) else {
        return not_found(State(state), p).await;
    };
    let mut levels = Vec::with_capacity(grid.levels.len());
    for (i, l) in grid.levels.iter().enumerate() {
        let cell = row.cells.get(i);
        let mut rows = Vec::new();
        if cell.is_some() {
            let attempts = match students::student_attempts(&state, &t.me, &id, &sid, &l.id).await {
                Ok(a) => a,
                Err(e) => return failed(&state, &p, &e).await,
            };
            // The newest first: that is what the teacher looks for.
            for a in attempts.into_iter().rev() {
                rows.push(attempt_row(&p, &l.id, a));
            }
        }
        let status = cell.map(|c| c.status()).unwrap_or("none").to_owned();
        levels.push(LevelRow {
            number: i + 1,
            id: l.id.clone(),
            title: l.title.clone(),
            status_label: status_label(&p, &status),
            status,
            attempts: cell.map(|c| c.attempts).unwrap_or(0),
            last: cell
                .map(|c| {
                    let mut t = String::new();
                    push_short_time(c.last_attempt_at, &mut t);
                    t
                })
                .unwrap_or_default(),
            stuck: cell.is_some_and(sections::stuck),
            rows,
        });
    }
    let storage_full = match state.store.storage_used(&sid).await {
        Ok(used) => crate::puzzles::storage_is_full(used, state.writer.budget()),
        Err(e) => return fail(&state, p, &ApiError::from(e)),
    };
    let view = StudentT {
        h: Head::new(&state, &p, &t, "progress"),
        name: row.display_name.clone(),
        student_id: sid.clone(),
        levels,
        storage_full,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

/// An attempt as the student's pages show it.
pub(super) fn attempt_row(p: &Page, level_id: &str, a: AttemptView) -> AttemptRow {
    let reason = match (a.status.as_str(), &a.program) {
        ("failed", Some(prog)) => Some(failure_text(p, level_id, prog.text())),
        _ => None,
    };
    AttemptRow {
        at: short_time(&a.at),
        status_label: status_label(p, &a.status),
        code: a.program.as_ref().map(|prog| outline(&tr(p), prog.text())),
        status: a.status,
        reason,
        answer: a.answer,
    }
}

/// Why a stored program failed, in the teacher's words. The reason is not stored: the grader
/// is deterministic, so running the stored (canonical) program again gives the same verdict.
pub(super) fn failure_text(p: &Page, level_id: &str, program: &str) -> String {
    let verdict = crate::puzzles::level(level_id).ok().and_then(|level| {
        let doc = Doc::parse(program).ok()?;
        judge(level, Submission::Json(doc.root())).ok()
    });
    match verdict
        .as_ref()
        .and_then(|v| Some((v.reason?, v.detail.as_ref())))
    {
        Some((r, detail)) => {
            crate::puzzles::reasons::failure_text(&tr(p), "sections-reason", r, detail)
        }
        None => p.t("sections-reason-unknown"),
    }
}

/// One level as a student left it.
#[derive(Template)]
#[template(path = "classrooms/teacher/student_level.html")]
pub(super) struct StudentLevelT {
    pub(super) p: Page,
    pub(super) h: Head,
    pub(super) student_id: String,
    pub(super) name: String,
    pub(super) level_id: String,
    pub(super) title: String,
    pub(super) instructions: String,
    /// The student's newest attempt at it, if any.
    pub(super) latest: Option<AttemptRow>,
}

/// The level with the student's newest program, read-only: what the teacher opens from the
/// student's page. The program is the stored one, shown as an outline, with its verdict.
pub(super) async fn student_level(
    State(state): State<AppState>,
    p: Page,
    t: Taught,
    Path((id, sid, lid)): Path<(String, String, String)>,
) -> Response {
    let attempts = match students::student_attempts(&state, &t.me, &id, &sid, &lid).await {
        Ok(a) => a,
        Err(e) => return failed(&state, &p, &e).await,
    };
    let Ok(level) = crate::puzzles::level(&lid) else {
        return not_found(State(state), p).await;
    };
    let name = match super::students::find_student(&state, &id, &sid).await {
        Ok(Some(s)) => s.display_name,
        Ok(None) => return not_found(State(state), p).await,
        Err(e) => return fail(&state, p, &e),
    };
    let view = StudentLevelT {
        h: Head::new(&state, &p, &t, "progress"),
        student_id: sid,
        name,
        title: level.title.get(p.code()).to_owned(),
        instructions: level.instructions.get(p.code()).to_owned(),
        latest: attempts
            .into_iter()
            .last()
            .map(|a| attempt_row(&p, &lid, a)),
        level_id: lid,
        p: p.clone(),
    };
    render(&state, &p, StatusCode::OK, &view)
}

/// Blocks shown at most, and how deep: a hostile program must not make a huge page.
pub(super) const OUTLINE_BLOCKS: usize = 600;
pub(super) const OUTLINE_DEPTH: usize = 32;

/// A Blockly program as an indented outline a person reads: "when run", then the blocks
/// under it, one per line, with the insides of loops and conditions indented further.
/// The stored program is read by the puzzles crate's flat reader, which no nesting can
/// overflow, and walked only as deep as the outline shows.
pub fn outline(p: &Tr, program: &str) -> String {
    let mut out = String::new();
    let mut budget = OUTLINE_BLOCKS;
    let Ok(doc) = Doc::parse(program) else {
        return p.t("sections-code-unreadable");
    };
    let tops = doc
        .root()
        .get("blocks")
        .and_then(|b| b.get("blocks"))
        .and_then(|b| b.elements());
    let Some(tops) = tops else {
        return p.t("sections-code-unreadable");
    };
    let tops: Vec<Node<'_>> = tops.collect();
    // The stack that runs first, then any loose blocks.
    let mut ordered: Vec<Node<'_>> = tops
        .iter()
        .copied()
        .filter(|b| is_type(*b, "when_run"))
        .collect();
    ordered.extend(tops.iter().copied().filter(|b| !is_type(*b, "when_run")));
    for (i, top) in ordered.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !is_type(top, "when_run") {
            out.push_str(&p.t("sections-code-loose"));
            out.push('\n');
        }
        stack(p, top, 0, &mut out, &mut budget);
    }
    if out.is_empty() {
        return p.t("sections-code-empty");
    }
    out.truncate(out.trim_end().len());
    out
}

pub(super) fn is_type(b: Node<'_>, ty: &str) -> bool {
    b.get("type").and_then(|t| t.as_str()) == Some(ty)
}

/// The block in a connection: the real one, else its shadow.
pub(super) fn connected(c: Option<Node<'_>>) -> Option<Node<'_>> {
    let c = c?;
    c.get("block").or_else(|| c.get("shadow"))
}

pub(super) fn field_str<'a>(b: Node<'a>, name: &str) -> &'a str {
    b.get("fields")
        .and_then(|f| f.get(name))
        .and_then(|v| v.as_str())
        .unwrap_or("")
}

pub(super) fn field_num(b: Node<'_>, name: &str) -> String {
    let Some(v) = b.get("fields").and_then(|f| f.get(name)) else {
        return "?".into();
    };
    match (v.as_f64(), v.as_str()) {
        (Some(f), _) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        (Some(f), _) => format!("{f}"),
        (None, Some(s)) => s.chars().take(20).collect(),
        _ => "?".into(),
    }
}

pub(super) fn block_text(p: &Tr, b: Node<'_>) -> String {
    let ty = b.get("type").and_then(|t| t.as_str()).unwrap_or("?");
    let path = |b: Node<'_>| match field_str(b, "DIR") {
        "isPathLeft" => p.t("block-path-left"),
        "isPathRight" => p.t("block-path-right"),
        _ => p.t("block-path-forward"),
    };
    let left = field_str(b, "DIR") == "turnLeft";
    match ty {
        "when_run" => p.t("block-when-run"),
        "maze_move_forward" => p.t("block-move-forward"),
        "maze_turn" if left => p.t("block-turn-left"),
        "maze_turn" => p.t("block-turn-right"),
        "controls_repeat" => format!(
            "{} {} {}:",
            p.t("block-repeat"),
            field_num(b, "TIMES"),
            p.t("block-times")
        ),
        "maze_forever" => format!("{}:", p.t("block-forever")),
        "maze_if" | "maze_ifElse" => format!("{} {}:", p.t("block-if"), path(b)),
        "artist_move_forward" => {
            format!(
                "{} {}",
                p.t("block-artist-forward"),
                field_num(b, "DISTANCE")
            )
        }
        "artist_move_backward" => format!(
            "{} {}",
            p.t("block-artist-backward"),
            field_num(b, "DISTANCE")
        ),
        "artist_turn" => format!(
            "{} {} {}",
            p.t(if left {
                "block-artist-turn-left"
            } else {
                "block-artist-turn-right"
            }),
            field_num(b, "ANGLE"),
            p.t("block-degrees")
        ),
        "artist_pen_up" => p.t("block-pen-up"),
        "artist_pen_down" => p.t("block-pen-down"),
        "artist_colour" => format!(
            "{} {}",
            p.t("block-colour"),
            field_str(b, "COLOUR").chars().take(12).collect::<String>()
        ),
        other => {
            let shown: String = other.chars().take(40).collect();
            p.args("sections-code-unknown", &[("type", &shown)])
        }
    }
}

pub(super) fn is_off(b: Node<'_>) -> bool {
    b.get("enabled").and_then(|e| e.as_bool()) == Some(false)
        || b.get("disabledReasons")
            .and_then(|r| r.elements())
            .is_some_and(|mut r| r.next().is_some())
}

pub(super) fn line(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push_str("    ");
    }
    out.push_str(text);
    out.push('\n');
}

pub(super) fn stack(p: &Tr, first: Node<'_>, depth: usize, out: &mut String, budget: &mut usize) {
    let mut cur = Some(first);
    while let Some(b) = cur {
        if *budget == 0 || depth > OUTLINE_DEPTH {
            line(out, depth, "…");
            return;
        }
        *budget -= 1;
        let mut text = block_text(p, b);
        if is_off(b) {
            text = format!("{text} ({})", p.t("sections-code-off"));
        }
        line(out, depth, &text);
        let inputs = b.get("inputs");
        if let Some(inner) = connected(inputs.and_then(|i| i.get("DO"))) {
            stack(p, inner, depth + 1, out, budget);
        }
        if is_type(b, "maze_ifElse") {
            line(out, depth, &format!("{}:", p.t("block-else")));
            if let Some(inner) = connected(inputs.and_then(|i| i.get("ELSE"))) {
                stack(p, inner, depth + 1, out, budget);
            }
        }
        let next = connected(b.get("next"));
        if is_type(b, "when_run") {
            // What hangs under "when run" is its program: shown one step in.
            if let Some(n) = next {
                stack(p, n, depth + 1, out, budget);
            }
            return;
        }
        cur = next;
    }
}
