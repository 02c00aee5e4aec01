//! The media JSON handlers: upload, list, read and delete one's own files, and a file inside a
//! shared project.

use crate::AppState;
use crate::kit::error::{ApiError, ErrorBody};
use crate::kit::extract::SignedIn;
use crate::media::files::{self, MediaCreated, MediaFile, MediaList};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// A file's bytes, as the document describes them: a binary string.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(super::UPLOAD_PATH, get(list).post(upload))
        .route("/api/v1/media/{id}", get(read).delete(delete))
        .route(
            "/api/v1/shared/{share_id}/media/{media_id}",
            get(read_shared),
        )
}

/// The file with its stored type, a name of our own making, and no sniffing by the browser.
impl IntoResponse for MediaFile {
    fn into_response(self) -> Response {
        let disposition = format!(
            "inline; filename=\"{}.{}\"",
            self.id,
            self.format.extension()
        );
        let mut r = (
            [(header::CONTENT_TYPE, self.format.content_type())],
            self.bytes,
        )
            .into_response();
        let h = r.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        // Only the people allowed to see it: kept in their browser for a while, in no shared
        // cache.
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        );
        r
    }
}

#[utoipa::path(post, tag = "media", path = "/api/v1/media", operation_id = "upload_media",
    request_body(description = "The file itself, at most 5,000,000 bytes: a PNG, JPEG, GIF or WebP picture or an MP3, WAV or OGG sound, recognised by its content whatever type is declared", content((FileBytes = "application/octet-stream"))),
    responses(
        (status = 201, body = MediaCreated, description = "Stored, cleaned of its metadata (pictures re-encoded, sounds without tags)"),
        (status = 401, body = ErrorBody, description = "`not_signed_in`"),
        (status = 403, body = ErrorBody, description = "`age_restricted` (a child under 13), `forbidden` (not a student)"),
        (status = 409, body = ErrorBody, description = "`storage_full`: the account keeps 100,000,000 bytes already"),
        (status = 413, body = ErrorBody, description = "`too_large`: over 5,000,000 bytes"),
        (status = 415, body = ErrorBody, description = "`unsupported_media_type`: not a PNG, JPEG, GIF, WebP, MP3, WAV or OGG by its content"),
        (status = 422, body = ErrorBody, description = "`image_too_large`: over 8192 pixels wide or tall, or too many to decode"),
        (status = 503, body = ErrorBody, description = "`overloaded`: too many uploads at once; Retry-After says when to try again")))]
pub async fn upload(
    State(state): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<MediaCreated>), ApiError> {
    // Who may upload is settled before a byte of the body is read (promise U13-4).
    files::may_upload(&me.account)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > files::MAX_BYTES as u64) {
        return Err(files::too_large());
    }
    let _turn = files::upload_turn(&state).await?;
    let body = axum::body::to_bytes(body, files::MAX_BYTES)
        .await
        .map_err(|_| files::too_large())?;
    let created = files::upload(&state, &me.account, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, tag = "media", path = "/api/v1/media", operation_id = "list_media",
    responses((status = 200, body = MediaList, description = "The caller's own files, newest first, with the bytes they take and may take"),
        (status = 401, body = ErrorBody, description = "`not_signed_in`")))]
pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<MediaList>, ApiError> {
    Ok(Json(files::list(&state, &me.account).await?))
}

#[utoipa::path(get, tag = "media", path = "/api/v1/media/{id}", operation_id = "read_media",
    params(("id" = String, Path, description = "The file's id")),
    responses((status = 200, content((FileBytes = "image/png"), (FileBytes = "image/jpeg"), (FileBytes = "image/gif"), (FileBytes = "image/webp"), (FileBytes = "audio/mpeg"), (FileBytes = "audio/wav"), (FileBytes = "audio/ogg")), description = "The file, as stored"),
        (status = 401, body = ErrorBody, description = "`not_signed_in`"),
        (status = 404, body = ErrorBody, description = "`not_found`: no such file of the caller's")))]
pub async fn read(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<MediaFile, ApiError> {
    files::own_file(&state, &me.account, &id).await
}

#[utoipa::path(delete, tag = "media", path = "/api/v1/media/{id}", operation_id = "delete_media",
    params(("id" = String, Path, description = "The file's id")),
    responses((status = 204, description = "Deleted, and its bytes erased"),
        (status = 401, body = ErrorBody, description = "`not_signed_in`"),
        (status = 404, body = ErrorBody, description = "`not_found`: no such file of the caller's")))]
pub async fn delete(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    files::delete(&state, &me.account, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, tag = "media", path = "/api/v1/shared/{share_id}/media/{media_id}", operation_id = "read_shared_media",
    params(("share_id" = String, Path, description = "The shared project's id"), ("media_id" = String, Path, description = "The file's id")),
    responses((status = 200, content((FileBytes = "image/png"), (FileBytes = "image/jpeg"), (FileBytes = "image/gif"), (FileBytes = "image/webp"), (FileBytes = "audio/mpeg"), (FileBytes = "audio/wav"), (FileBytes = "audio/ogg")), description = "The file, when that shared project's program uses it"),
        (status = 404, body = ErrorBody, description = "`not_found`: no such shared project, or its program does not use the file")))]
pub async fn read_shared(
    State(state): State<AppState>,
    Path((share_id, media_id)): Path<(String, String)>,
) -> Result<MediaFile, ApiError> {
    files::shared_file(&state, &share_id, &media_id).await
}
