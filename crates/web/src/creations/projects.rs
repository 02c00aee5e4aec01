//! Learners' own projects (promise CREATE-1): making, listing, opening, changing and deleting
//! them, the owner's sharing choice (CREATE-2), and remixing a shared one.

use crate::AppState;
use crate::creations::title::{ProjectTitle, check_public_text};
use crate::kit::error::ApiError;
use crate::kit::sessions::SignedIn;
use axum::http::StatusCode;
use kodlek_domain::{Role, now_millis, rfc3339};
use kodlek_privacy::keys::new_token;
use kodlek_puzzles::{Doc, ProgramJson, canonical_program, creations};
use kodlek_store::{ProjectRecord, new_id};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most projects one learner keeps: a whole school career of drawings and games.
pub const MAX_PROJECTS: i64 = 100;

/// What a project is: a drawing made with the artist's blocks, or an animation or small game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Artist,
    Sprites,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Artist => "artist",
            Kind::Sprites => "sprites",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Artist, Kind::Sprites]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
    /// What a new project of this kind starts with.
    fn starting_program(self) -> &'static str {
        match self {
            Kind::Artist => {
                r#"{"blocks":{"blocks":[{"type":"when_run","x":20,"y":20}],"languageVersion":0}}"#
            }
            Kind::Sprites => {
                r#"{"blocks":{"blocks":[{"next":{"block":{"fields":{"COSTUME":"cat","SPRITE":"1"},"type":"sprites_costume"}},"type":"when_run","x":20,"y":20}],"languageVersion":0}}"#
            }
        }
    }
}

/// Who may see a project: nobody but its owner, anyone with the link, or the gallery too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sharing {
    Private,
    Link,
    Gallery,
}

impl Sharing {
    pub fn as_str(self) -> &'static str {
        match self {
            Sharing::Private => "private",
            Sharing::Link => "link",
            Sharing::Gallery => "gallery",
        }
    }
    pub fn parse(s: &str) -> Sharing {
        match s {
            "link" => Sharing::Link,
            "gallery" => Sharing::Gallery,
            _ => Sharing::Private,
        }
    }
}

/// The original a remix was made from; the author's display name is null once that account
/// is erased.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemixedFrom {
    pub share_id: String,
    pub title: String,
    pub author_display_name: Option<String>,
}

/// A project as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Project {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    #[schema(value_type = Object)]
    pub program: ProgramJson,
    pub sharing: Sharing,
    /// Given the first time the project is shared; the link's id.
    pub share_id: Option<String>,
    pub remixed_from: Option<RemixedFrom>,
    pub created_at: String,
    pub updated_at: String,
}

/// `{"project": Project}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectBody {
    pub project: Project,
}

/// `{"projects": [Project]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    pub projects: Vec<Project>,
}

/// POST /api/v1/projects.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    pub kind: Kind,
    /// 1 to 60 characters; no email address, phone number or rude word.
    #[schema(min_length = 1, max_length = 60)]
    pub title: String,
    /// Blockly's JSON; a new project of the kind's own start when left out.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub program: Option<ProgramJson>,
}

/// PATCH /api/v1/projects/{id}: any of these.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    #[schema(min_length = 1, max_length = 60)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub program: Option<ProgramJson>,
    /// The owner's choice; `private` takes effect at once.
    pub sharing: Option<Sharing>,
}

fn invalid_program(e: kodlek_puzzles::Invalid) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message)
}

/// A program checked by the rules of its kind and bounded, in its canonical stored form.
pub fn checked_program(kind: Kind, text: &str) -> Result<String, ApiError> {
    let doc = Doc::parse(text).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The body is not valid JSON: program: {e}"),
        )
    })?;
    match kind {
        Kind::Artist => creations::artist_drawing(doc.root()).map(drop),
        Kind::Sprites => creations::check_sprites(doc.root()),
    }
    .map_err(invalid_program)?;
    canonical_program(doc.root()).map_err(invalid_program)
}

/// The speech bubbles of a program to be shared are public text too.
fn check_shown_texts(program: &str) -> Result<(), ApiError> {
    let Ok(doc) = Doc::parse(program) else {
        return Ok(());
    };
    for text in creations::shown_texts(doc.root()) {
        check_public_text("program", &text)?;
    }
    Ok(())
}

/// Only students make projects: 403 `forbidden` for other accounts.
pub fn student(me: &SignedIn) -> Result<(), ApiError> {
    if me.account.role == Role::Student {
        Ok(())
    } else {
        Err(ApiError::forbidden("Projects are made by students."))
    }
}

/// 403 `sharing_disabled_by_teacher` while one of the owner's sections has sharing off.
pub async fn may_share(state: &AppState, owner_id: &str) -> Result<(), ApiError> {
    if state.store.sharing_blocked(owner_id).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "sharing_disabled_by_teacher",
            "Your teacher has switched sharing off for your class.",
        ));
    }
    Ok(())
}

/// The owner's view of a stored project.
pub async fn view(state: &AppState, p: ProjectRecord) -> Result<Project, ApiError> {
    let remixed_from = match (&p.remixed_from_share_id, &p.remixed_from_title) {
        (Some(share_id), Some(title)) => {
            let author = match &p.remixed_from_author_id {
                Some(id) => state.store.account_by_id(id).await?.map(|a| a.display_name),
                None => None,
            };
            Some(RemixedFrom {
                share_id: share_id.clone(),
                title: title.clone(),
                author_display_name: author,
            })
        }
        _ => None,
    };
    Ok(Project {
        kind: Kind::parse(&p.kind).unwrap_or(Kind::Sprites),
        sharing: Sharing::parse(&p.sharing),
        program: program_json(p.program),
        id: p.id,
        title: p.title,
        share_id: p.share_id,
        remixed_from,
        created_at: rfc3339(p.created_at),
        updated_at: rfc3339(p.updated_at),
    })
}

/// A stored program as JSON; stored programs are canonical, so this never fails in practice.
pub fn program_json(text: String) -> ProgramJson {
    ProgramJson::from_text(text).unwrap_or_else(|| {
        ProgramJson::from_text(kodlek_puzzles::EMPTY_PROGRAM.to_owned()).expect("JSON")
    })
}

async fn count_allows_one_more(state: &AppState, owner_id: &str) -> Result<(), ApiError> {
    if state.store.count_projects_of(owner_id).await? >= MAX_PROJECTS {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "too_many_projects",
            format!("You can keep at most {MAX_PROJECTS} projects; delete one to make another."),
        ));
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    me: &SignedIn,
    body: NewProject,
) -> Result<Project, ApiError> {
    student(me)?;
    let title = ProjectTitle::new(&body.title)?;
    let program = checked_program(
        body.kind,
        body.program
            .as_ref()
            .map_or(body.kind.starting_program(), ProgramJson::text),
    )?;
    count_allows_one_more(state, &me.account.id).await?;
    let now = now_millis();
    let p = ProjectRecord {
        id: new_id(),
        owner_id: me.account.id.clone(),
        kind: body.kind.as_str().to_owned(),
        title: title.into_string(),
        program,
        sharing: Sharing::Private.as_str().to_owned(),
        share_id: None,
        shared_at: None,
        remixed_from_share_id: None,
        remixed_from_title: None,
        remixed_from_author_id: None,
        hidden_by_teacher: false,
        moderation: "none".into(),
        created_at: now,
        updated_at: now,
    };
    state.store.insert_project(&p).await?;
    view(state, p).await
}

pub async fn list(state: &AppState, me: &SignedIn) -> Result<Vec<Project>, ApiError> {
    student(me)?;
    let mut out = Vec::new();
    for p in state.store.projects_of(&me.account.id).await? {
        out.push(view(state, p).await?);
    }
    Ok(out)
}

/// The caller's own project; 404 for anyone else's, as for one that does not exist.
pub async fn owned(state: &AppState, me: &SignedIn, id: &str) -> Result<ProjectRecord, ApiError> {
    state
        .store
        .project(id)
        .await?
        .filter(|p| p.owner_id == me.account.id)
        .ok_or_else(ApiError::not_found)
}

pub async fn update(
    state: &AppState,
    me: &SignedIn,
    id: &str,
    patch: ProjectPatch,
) -> Result<Project, ApiError> {
    let mut p = owned(state, me, id).await?;
    let kind = Kind::parse(&p.kind).unwrap_or(Kind::Sprites);
    if let Some(t) = &patch.title {
        p.title = ProjectTitle::new(t)?.into_string();
    }
    if let Some(program) = &patch.program {
        p.program = checked_program(kind, program.text())?;
    }
    let now = now_millis();
    let sharing = patch.sharing.unwrap_or(Sharing::parse(&p.sharing));
    if sharing != Sharing::Private {
        // Sharing is the owner's act; editing what is shared already stays open to them
        // while their teacher has sharing off (it is hidden meanwhile).
        if patch.sharing.is_some() {
            may_share(state, &p.owner_id).await?;
        }
        check_shown_texts(&p.program)?;
        if p.share_id.is_none() {
            p.share_id = Some(new_token());
        }
        if sharing.as_str() != p.sharing {
            p.shared_at = Some(now);
        }
    }
    p.sharing = sharing.as_str().to_owned();
    p.updated_at = now;
    state.store.update_project(&p).await?;
    view(state, p).await
}

pub async fn delete(state: &AppState, me: &SignedIn, id: &str) -> Result<(), ApiError> {
    if state.store.delete_project(id, &me.account.id).await? {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// A copy of a shared project, private, crediting the original.
pub async fn remix(state: &AppState, me: &SignedIn, share_id: &str) -> Result<Project, ApiError> {
    student(me)?;
    let original = state
        .store
        .shared_project(share_id)
        .await?
        .ok_or_else(ApiError::not_found)?
        .project;
    count_allows_one_more(state, &me.account.id).await?;
    let now = now_millis();
    let p = ProjectRecord {
        id: new_id(),
        owner_id: me.account.id.clone(),
        kind: original.kind.clone(),
        title: original.title.clone(),
        program: original.program.clone(),
        sharing: Sharing::Private.as_str().to_owned(),
        share_id: None,
        shared_at: None,
        remixed_from_share_id: original.share_id.clone(),
        remixed_from_title: Some(original.title.clone()),
        remixed_from_author_id: Some(original.owner_id.clone()),
        hidden_by_teacher: false,
        moderation: "none".into(),
        created_at: now,
        updated_at: now,
    };
    state.store.insert_project(&p).await?;
    view(state, p).await
}
