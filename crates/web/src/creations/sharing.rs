//! What anyone sees of a shared project (promise CREATE-2: the author's display name and
//! nothing else of them), the gallery, the artist thumbnails, and the seam media files use.

use crate::AppState;
use crate::creations::projects::{Kind, program_json};
use crate::kit::error::ApiError;
use kodlek_domain::rfc3339;
use kodlek_puzzles::{Doc, ProgramJson, creations};
use kodlek_store::{GalleryCursor, SharedRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most projects one page of the gallery shows.
pub const GALLERY_PAGE: u32 = 24;

/// A shared project as anyone sees it: the display name is all that is said of the author.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedProject {
    pub share_id: String,
    pub kind: Kind,
    pub title: String,
    #[schema(value_type = Object)]
    pub program: ProgramJson,
    pub author_display_name: String,
    pub created_at: String,
    pub remix_count: i64,
}

/// `{"project": SharedProject}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedProjectBody {
    pub project: SharedProject,
}

/// A project in the gallery: a shared project without its program, with a picture.
#[derive(Debug, Serialize, ToSchema)]
pub struct GalleryProject {
    pub share_id: String,
    pub kind: Kind,
    pub title: String,
    pub author_display_name: String,
    pub created_at: String,
    pub remix_count: i64,
    /// The drawing (artist) or the first sprite's costume (sprites), served by Kodlek.
    pub thumbnail_url: String,
}

/// `{"projects": [...], "next": cursor|null}`, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Gallery {
    pub projects: Vec<GalleryProject>,
    /// Pass as `before` for the next page; null on the last one.
    pub next: Option<String>,
}

/// The gallery's query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GalleryQuery {
    /// `artist` or `sprites`; all kinds when left out.
    #[param(value_type = Option<Kind>)]
    pub kind: Option<String>,
    /// The `next` of the page before.
    pub before: Option<String>,
}

fn shared_view(r: SharedRecord) -> SharedProject {
    let p = r.project;
    SharedProject {
        share_id: p.share_id.unwrap_or_default(),
        kind: Kind::parse(&p.kind).unwrap_or(Kind::Sprites),
        title: p.title,
        program: program_json(p.program),
        author_display_name: r.author_display_name,
        created_at: rfc3339(p.created_at),
        remix_count: r.remix_count,
    }
}

/// A shared project anyone may see now; 404 when private again, hidden, deleted or unknown.
pub async fn shared(state: &AppState, share_id: &str) -> Result<SharedProject, ApiError> {
    let r = state
        .store
        .shared_project(share_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(shared_view(r))
}

/// The picture of a sprites project: its first built-in costume.
fn first_costume(program: &str) -> &'static str {
    let found = creations::COSTUMES
        .iter()
        .map(|c| (program.find(&format!("\"COSTUME\":\"{c}\"")), *c))
        .filter_map(|(at, c)| at.map(|i| (i, c)))
        .min();
    found.map_or("cat", |(_, c)| c)
}

fn thumbnail_url(kind: Kind, share_id: &str, program: &str) -> String {
    match kind {
        Kind::Artist => format!("/api/v1/shared/{share_id}/thumbnail"),
        Kind::Sprites => format!("/static/sprites/{}.svg", first_costume(program)),
    }
}

fn cursor(text: &str) -> Result<GalleryCursor, ApiError> {
    let bad = || ApiError::invalid("before", "is not a cursor this gallery gave");
    let (at, id) = text.split_once('.').ok_or_else(bad)?;
    let shared_at = at.parse::<i64>().map_err(|_| bad())?;
    if id.is_empty() || id.len() > 64 {
        return Err(bad());
    }
    Ok(GalleryCursor {
        shared_at,
        share_id: id.to_owned(),
    })
}

pub async fn gallery(state: &AppState, q: &GalleryQuery) -> Result<Gallery, ApiError> {
    let kind = match q.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(
            Kind::parse(k).ok_or_else(|| ApiError::invalid("kind", "must be artist or sprites"))?,
        ),
    };
    let before = q
        .before
        .as_deref()
        .filter(|b| !b.is_empty())
        .map(cursor)
        .transpose()?;
    let rows = state
        .store
        .gallery(kind.map(Kind::as_str), before.as_ref(), GALLERY_PAGE)
        .await?;
    let next = if rows.len() == GALLERY_PAGE as usize {
        rows.last().map(|r| {
            format!(
                "{}.{}",
                r.project.shared_at.unwrap_or(0),
                r.project.share_id.as_deref().unwrap_or("")
            )
        })
    } else {
        None
    };
    let projects = rows
        .into_iter()
        .map(|r| {
            let p = r.project;
            let kind = Kind::parse(&p.kind).unwrap_or(Kind::Sprites);
            let share_id = p.share_id.unwrap_or_default();
            GalleryProject {
                thumbnail_url: thumbnail_url(kind, &share_id, &p.program),
                share_id,
                kind,
                title: p.title,
                author_display_name: r.author_display_name,
                created_at: rfc3339(p.created_at),
                remix_count: r.remix_count,
            }
        })
        .collect();
    Ok(Gallery { projects, next })
}

/// The SVG of a shared artist project's drawing, drawn on the server; 404 for what is not
/// shared now or is not a drawing.
pub async fn thumbnail(state: &AppState, share_id: &str) -> Result<String, ApiError> {
    let r = state
        .store
        .shared_project(share_id)
        .await?
        .filter(|r| r.project.kind == Kind::Artist.as_str())
        .ok_or_else(ApiError::not_found)?;
    let doc = Doc::parse(&r.project.program).map_err(|_| ApiError::not_found())?;
    let lines = creations::artist_drawing(doc.root()).map_err(|_| ApiError::not_found())?;
    Ok(creations::thumbnail_svg(&lines))
}

/// The shared projects as the media feature needs them: whose a visible shared project is, and
/// its stored program. Given to `media::Media::with_projects` where the server is put together.
pub struct SharedPrograms(pub std::sync::Arc<dyn kodlek_store::Store>);

#[async_trait::async_trait]
impl crate::media::SharedProjects for SharedPrograms {
    async fn shared_program(
        &self,
        share_id: &str,
    ) -> Result<Option<crate::media::SharedProgram>, ApiError> {
        Ok(self
            .0
            .shared_project(share_id)
            .await?
            .map(|r| crate::media::SharedProgram {
                owner_id: r.project.owner_id,
                program: r.project.program,
            }))
    }
}
