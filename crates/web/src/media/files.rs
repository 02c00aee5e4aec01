//! The media use cases: upload (recognise, bound, clean, store), list, read, delete, the files
//! shown inside shared projects, and the erasure of deleted files' bytes.

use super::images::{self, NotPicture};
use super::sniff::{self, Format};
use super::sounds;
use crate::AppState;
use crate::kit::error::ApiError;
use async_trait::async_trait;
use axum::http::StatusCode;
use bytes::Bytes;
use kodlek_domain::{Role, StatedAge, is_child, now_millis};
use kodlek_services::MediaFiles;
use kodlek_store::{AccountRecord, MediaRecord};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use utoipa::ToSchema;

/// The largest file accepted, in bytes (API.md).
pub const MAX_BYTES: usize = 5_000_000;
/// What one account may keep, in bytes (API.md).
pub const ALLOWANCE: i64 = 100_000_000;
/// Uploads whose bodies are held in memory at once: more are shed with 503.
pub const UPLOADS: usize = 4;
/// Pictures decoded at once, each on a blocking thread.
pub const DECODES: usize = 2;
/// How long an upload waits for its turn before it is shed.
pub const WAIT: Duration = Duration::from_secs(5);

/// A shared project as the media route needs it: whose it is and its stored program.
pub struct SharedProgram {
    pub owner_id: String,
    /// The canonical JSON of the program.
    pub program: String,
}

/// The projects that are shared and visible now (link or gallery, not hidden). The projects
/// feature provides them; without it no project is shared.
#[async_trait]
pub trait SharedProjects: Send + Sync {
    async fn shared_program(&self, share_id: &str) -> Result<Option<SharedProgram>, ApiError>;
}

/// No project is shared: what the server has until projects are wired in.
pub struct NoSharedProjects;

#[async_trait]
impl SharedProjects for NoSharedProjects {
    async fn shared_program(&self, _: &str) -> Result<Option<SharedProgram>, ApiError> {
        Ok(None)
    }
}

/// Where media bytes go, which shared projects exist, and the bounds on uploads at once.
#[derive(Clone)]
pub struct Media {
    pub files: MediaFiles,
    pub projects: Arc<dyn SharedProjects>,
    uploads: Arc<Semaphore>,
    decodes: Arc<Semaphore>,
    wait: Duration,
}

impl Media {
    pub fn new(files: MediaFiles) -> Media {
        Media {
            files,
            projects: Arc::new(NoSharedProjects),
            uploads: Arc::new(Semaphore::new(UPLOADS)),
            decodes: Arc::new(Semaphore::new(DECODES)),
            wait: WAIT,
        }
    }

    /// Other bounds than [`UPLOADS`], [`DECODES`] and [`WAIT`].
    pub fn with_bounds(mut self, uploads: usize, decodes: usize, wait: Duration) -> Media {
        self.uploads = Arc::new(Semaphore::new(uploads));
        self.decodes = Arc::new(Semaphore::new(decodes));
        self.wait = wait;
        self
    }

    /// Files in `<dir>` (tests and the default).
    pub fn local(dir: &std::path::Path) -> Media {
        Media::new(MediaFiles::local(dir).expect("a media directory"))
    }

    pub fn with_projects(mut self, projects: Arc<dyn SharedProjects>) -> Media {
        self.projects = projects;
        self
    }
}

/// `{"id", "kind", "content_type", "bytes", "created_at"}`
#[derive(Serialize, ToSchema)]
pub struct MediaView {
    pub id: String,
    /// "image" or "sound".
    pub kind: String,
    pub content_type: String,
    pub bytes: i64,
    pub created_at: String,
}

impl MediaView {
    fn of(m: &MediaRecord) -> MediaView {
        MediaView {
            id: m.id.clone(),
            kind: m.kind.clone(),
            content_type: m.content_type.clone(),
            bytes: m.bytes,
            created_at: kodlek_domain::rfc3339(m.created_at),
        }
    }
}

/// `{"media": MediaView}`
#[derive(Serialize, ToSchema)]
pub struct MediaCreated {
    pub media: MediaView,
}

/// `{"media": [MediaView], "bytes_used", "bytes_allowed"}`
#[derive(Serialize, ToSchema)]
pub struct MediaList {
    pub media: Vec<MediaView>,
    pub bytes_used: i64,
    pub bytes_allowed: i64,
}

/// A file to answer with: its bytes and what they are.
pub struct MediaFile {
    pub id: String,
    pub format: Format,
    pub bytes: Bytes,
}

fn age_restricted() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "age_restricted",
        "Uploading pictures and sounds is for learners aged 13 or more.",
    )
}

pub fn unsupported() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Only pictures (PNG, JPEG, GIF, WebP) and sounds (MP3, WAV, OGG) can be uploaded.",
    )
}

pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "A file may be at most 5,000,000 bytes (5 MB).",
    )
}

/// Who may upload: a student aged 13 or more (promise U13-4: a child is refused, before the
/// body is read). Others are not learners with projects.
pub fn may_upload(a: &AccountRecord) -> Result<(), ApiError> {
    if a.role != Role::Student {
        return Err(ApiError::forbidden(
            "Only students keep pictures and sounds for their projects.",
        ));
    }
    // An age not given counts as a child's, as everywhere (promise U13-1).
    let age = match (a.age_years, a.age_stated_at) {
        (Some(years), Some(stated_at)) => Some(StatedAge {
            years: u8::try_from(years).unwrap_or(u8::MAX),
            stated_at,
        }),
        _ => None,
    };
    if is_child(age, now_millis()) {
        return Err(age_restricted());
    }
    Ok(())
}

/// Whether the account may see the media pages and upload (a student aged 13 or more).
pub fn offered_to(a: &AccountRecord) -> bool {
    may_upload(a).is_ok()
}

/// A turn to hold an upload's body in memory; 503 when none frees up in time.
pub async fn upload_turn(state: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    turn(&state.media.uploads, state.media.wait).await
}

async fn turn(s: &Arc<Semaphore>, wait: Duration) -> Result<OwnedSemaphorePermit, ApiError> {
    if let Ok(p) = s.clone().try_acquire_owned() {
        return Ok(p);
    }
    match tokio::time::timeout(wait, s.clone().acquire_owned()).await {
        Ok(Ok(p)) => Ok(p),
        _ => Err(ApiError::overloaded(2)),
    }
}

/// The file cleaned of its metadata: pictures re-encoded on a blocking thread (at most
/// [`DECODES`] at once), sounds stripped of their tags.
async fn clean(state: &AppState, format: Format, body: Bytes) -> Result<Vec<u8>, ApiError> {
    match format {
        Format::Mp3 => sounds::clean_mp3(&body).map_err(|_| unsupported()),
        Format::Wav => sounds::clean_wav(&body).map_err(|_| unsupported()),
        Format::Ogg => sounds::clean_ogg(&body).map_err(|_| unsupported()),
        _ => {
            let _decoding = turn(&state.media.decodes, state.media.wait).await?;
            let done = tokio::task::spawn_blocking(move || images::reencode(format, &body))
                .await
                .map_err(|_| ApiError::internal())?;
            done.map_err(|e| match e {
                NotPicture::Broken => unsupported(),
                NotPicture::TooBig => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "image_too_large",
                    format!(
                        "A picture may be at most {0}×{0} pixels (about 16 megapixels).",
                        images::MAX_SIDE
                    ),
                ),
            })
        }
    }
}

fn storage_full() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "storage_full",
        "Your pictures and sounds already take the 100 MB you may keep: delete some first.",
    )
}

fn stored_failed(e: kodlek_services::MediaStoreError) -> ApiError {
    tracing::error!(error = %e, "media storage failed");
    ApiError::internal()
}

/// Stores an upload: recognised by its content, cleaned, its bytes put in the object store
/// under a random key, and its row added while the owner's allowance has room.
pub async fn upload(
    state: &AppState,
    a: &AccountRecord,
    body: Bytes,
) -> Result<MediaCreated, ApiError> {
    let format = sniff::recognise(&body).ok_or_else(unsupported)?;
    if state.store.media_bytes_used(&a.id).await? >= ALLOWANCE {
        return Err(storage_full());
    }
    let cleaned = clean(state, format, body).await?;
    let record = MediaRecord {
        id: kodlek_store::new_id(),
        owner_id: a.id.clone(),
        kind: format.kind().into(),
        content_type: format.content_type().into(),
        bytes: cleaned.len() as i64,
        object_key: uuid::Uuid::new_v4().simple().to_string(),
        created_at: now_millis(),
    };
    state
        .media
        .files
        .put(&record.object_key, Bytes::from(cleaned))
        .await
        .map_err(stored_failed)?;
    // The bytes go in first: a row never names bytes that are not there. When the allowance
    // turns out full (another upload was quicker), the bytes are taken out again.
    if !state.store.insert_media(&record, ALLOWANCE).await? {
        if let Err(e) = state.media.files.delete(&record.object_key).await {
            tracing::warn!(error = %e, "an unrecorded media file was not deleted");
        }
        return Err(storage_full());
    }
    Ok(MediaCreated {
        media: MediaView::of(&record),
    })
}

pub async fn list(state: &AppState, a: &AccountRecord) -> Result<MediaList, ApiError> {
    let rows = state.store.media_of(&a.id).await?;
    Ok(MediaList {
        bytes_used: rows.iter().map(|m| m.bytes).sum(),
        media: rows.iter().map(MediaView::of).collect(),
        bytes_allowed: ALLOWANCE,
    })
}

/// Ids are ours: anything else is not looked up at all.
fn plausible_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn read(state: &AppState, m: &MediaRecord) -> Result<MediaFile, ApiError> {
    let format = Format::of_content_type(&m.content_type).ok_or_else(ApiError::internal)?;
    let bytes = state
        .media
        .files
        .get(&m.object_key)
        .await
        .map_err(stored_failed)?
        .ok_or_else(ApiError::not_found)?;
    Ok(MediaFile {
        id: m.id.clone(),
        format,
        bytes,
    })
}

/// The owner's own file; anyone else's is 404, as if it did not exist.
pub async fn own_file(
    state: &AppState,
    a: &AccountRecord,
    id: &str,
) -> Result<MediaFile, ApiError> {
    if !plausible_id(id) {
        return Err(ApiError::not_found());
    }
    match state.store.media_by_id(id).await? {
        Some(m) if m.owner_id == a.id => read(state, &m).await,
        _ => Err(ApiError::not_found()),
    }
}

/// Deletes the owner's file, its row at once and its bytes right after.
pub async fn delete(state: &AppState, a: &AccountRecord, id: &str) -> Result<(), ApiError> {
    if !plausible_id(id) {
        return Err(ApiError::not_found());
    }
    state
        .store
        .delete_media(id, &a.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    erase_deleted_bytes(state).await;
    Ok(())
}

/// The export's media rows (promise RIGHTS-1) with the address each file is downloaded from
/// by its owner.
pub fn link_in_export(state: &AppState, tables: &mut serde_json::Map<String, serde_json::Value>) {
    let Some(serde_json::Value::Array(rows)) = tables.get_mut("media") else {
        return;
    };
    for row in rows {
        if let Some(id) = row["id"].as_str().map(str::to_owned) {
            row["url"] =
                serde_json::Value::String(format!("{}/api/v1/media/{id}", state.config.public_url));
        }
    }
}

/// Whether a program uses the file: one of its blocks has a field whose value is
/// `media:<id>` (API.md). The program is walked without recursion.
pub fn program_uses(program: &str, media_id: &str) -> bool {
    // The walk is the program parser's, the same one the projects feature stores with.
    kodlek_puzzles::Doc::parse(program)
        .map(|d| kodlek_puzzles::creations::uses_media(d.root(), media_id))
        .unwrap_or(false)
}

/// A file inside a shared project (CREATE-4: shown nowhere else): only when the project is
/// shared and visible now, its program uses the file, and the file is the project owner's.
pub async fn shared_file(
    state: &AppState,
    share_id: &str,
    media_id: &str,
) -> Result<MediaFile, ApiError> {
    if !plausible_id(media_id) || share_id.len() > 64 {
        return Err(ApiError::not_found());
    }
    let Some(project) = state.media.projects.shared_program(share_id).await? else {
        return Err(ApiError::not_found());
    };
    let Some(m) = state.store.media_by_id(media_id).await? else {
        return Err(ApiError::not_found());
    };
    if m.owner_id != project.owner_id || !program_uses(&project.program, media_id) {
        return Err(ApiError::not_found());
    }
    read(state, &m).await
}

/// Erases from the object store the bytes of every deleted row (deleted by its owner or
/// erased with its account, promise RIGHTS-2), then forgets their keys. Failures are kept
/// for the next run.
pub async fn erase_deleted_bytes(state: &AppState) {
    if let Err(e) = erase_deleted_bytes_now(state).await {
        tracing::warn!(error = %e, "erasing media bytes failed; the chore tries again");
    }
}

/// The chore's body: [`erase_deleted_bytes`] that reports its failure.
pub async fn erase_deleted_bytes_now(state: &AppState) -> Result<(), String> {
    loop {
        let keys = state
            .store
            .media_erasures(100)
            .await
            .map_err(|e| e.to_string())?;
        if keys.is_empty() {
            return Ok(());
        }
        for key in &keys {
            state
                .media
                .files
                .delete(key)
                .await
                .map_err(|e| e.to_string())?;
            state
                .store
                .forget_media_erasure(key)
                .await
                .map_err(|e| e.to_string())?;
        }
        if keys.len() < 100 {
            return Ok(());
        }
    }
}
