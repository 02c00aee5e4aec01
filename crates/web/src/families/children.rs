//! What a linked parent sees of a child: progress, each level's attempts, the sections by name,
//! the child's projects and who can see them, and what the platform keeps about the child (from
//! the data inventory).

use crate::AppState;
use crate::families::links::linked_child;
use crate::kit::error::ApiError;
use crate::kit::extract::SignedIn;
use crate::puzzles::{AttemptView, MyProgress, resume};

/// The child's progress, as GET /api/v1/me/progress gives it to the child.
pub async fn progress(
    state: &AppState,
    me: &SignedIn,
    child_id: &str,
) -> Result<MyProgress, ApiError> {
    let (child, _) = linked_child(state, me, child_id).await?;
    let progress = state.store.progress_of(&child.id).await?;
    Ok(MyProgress {
        levels: progress
            .iter()
            .map(|p| (p.level_id.clone(), p.into()))
            .collect(),
        resume: resume(&progress),
    })
}

/// The child's attempts at one level, programs included, oldest first.
pub async fn attempts(
    state: &AppState,
    me: &SignedIn,
    child_id: &str,
    level_id: &str,
) -> Result<Vec<AttemptView>, ApiError> {
    let (child, _) = linked_child(state, me, child_id).await?;
    crate::puzzles::level(level_id)?;
    let rows = state.store.attempts_of(&child.id, level_id).await?;
    Ok(rows.into_iter().map(AttemptView::from).collect())
}

/// The names of the child's sections, with their teacher's display name.
pub async fn sections(state: &AppState, child_id: &str) -> Result<Vec<(String, String)>, ApiError> {
    Ok(state
        .store
        .sections_joined_by(child_id)
        .await?
        .into_iter()
        .map(|s| (s.section.name, s.teacher_display_name))
        .collect())
}

/// One of the child's projects as a linked parent sees it: what it is, and who can see it now.
pub struct ChildProject {
    pub title: String,
    /// "artist" or "sprites".
    pub kind: String,
    /// What the child chose: "private", "link" or "gallery".
    pub sharing: String,
    /// The shared page, while anyone can open it (shared, and not hidden by a teacher, the
    /// section's switch or the moderators).
    pub open_at: Option<String>,
    /// The day it was last changed (YYYY-MM-DD).
    pub changed: String,
}

/// The child's projects, last changed first. A parent sees the titles and who can see each,
/// so they know what their child shows the world; the programs stay the child's.
pub async fn projects(state: &AppState, child_id: &str) -> Result<Vec<ChildProject>, ApiError> {
    let mut list = state.store.projects_of(child_id).await?;
    list.sort_by_key(|p| std::cmp::Reverse(p.updated_at));
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        let open_at = match (&p.share_id, p.sharing.as_str()) {
            (Some(id), "link" | "gallery") => state
                .store
                .shared_project(id)
                .await?
                .map(|_| format!("/shared/{id}")),
            _ => None,
        };
        out.push(ChildProject {
            changed: kodlek_domain::rfc3339(p.updated_at)
                .get(..10)
                .unwrap_or("")
                .to_owned(),
            title: p.title,
            kind: p.kind,
            sharing: p.sharing,
            open_at,
        });
    }
    Ok(out)
}

/// One kind of thing the platform keeps about the child.
pub struct Kept {
    pub title: String,
    /// How many rows of it there are now.
    pub rows: usize,
    /// What each stored field is, in the reader's language.
    pub fields: Vec<String>,
}

/// What the platform keeps about a student, from the data inventory as the student's own
/// data page lists it: each kind with its count and what its fields are (not their values:
/// a parent is told what is kept; the child's data page and export show it).
pub async fn kept_about(
    state: &AppState,
    child_id: &str,
    lang: &str,
) -> Result<Vec<Kept>, ApiError> {
    let inv = &state.inventory;
    let mut out = Vec::new();
    for (table, owner) in inv.owned_tables() {
        let rows = state
            .store
            .rows_owned_by(table, owner, child_id)
            .await?
            .len();
        let fields: Vec<String> = inv
            .columns_of(table)
            .filter(|c| c.applies_to("student"))
            .map(|c| c.describe(lang).to_owned())
            .collect();
        if rows == 0 || fields.is_empty() {
            continue;
        }
        let t = &inv.tables[table];
        out.push(Kept {
            title: if lang == "sv" {
                t.sv.clone()
            } else {
                t.en.clone()
            },
            rows,
            fields,
        });
    }
    Ok(out)
}
