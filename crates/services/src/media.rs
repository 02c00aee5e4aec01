//! Media files' bytes: in a local directory by default, or in an S3-compatible bucket.

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum MediaStoreError {
    #[error("media URL: {0}")]
    Url(String),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("media directory: {0}")]
    Dir(#[from] std::io::Error),
}

/// Where media bytes are kept. Keys are the callers' random names; nothing about the owner or
/// the file is in them.
#[derive(Clone)]
pub struct MediaFiles {
    store: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
    backend: &'static str,
}

impl std::fmt::Debug for MediaFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaFiles({}, {})", self.backend, self.prefix)
    }
}

impl MediaFiles {
    /// Files under `dir`, created if missing.
    pub fn local(dir: &Path) -> Result<MediaFiles, MediaStoreError> {
        std::fs::create_dir_all(dir)?;
        Ok(MediaFiles {
            store: Arc::new(LocalFileSystem::new_with_prefix(dir)?),
            prefix: ObjectPath::default(),
            backend: "local",
        })
    }

    /// `s3://bucket/prefix`, with the endpoint, keys and region from the usual `AWS_*`
    /// environment variables (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_REGION`). An `http://` endpoint (a server on the same network) is allowed.
    pub fn s3(url: &str) -> Result<MediaFiles, MediaStoreError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| MediaStoreError::Url(format!("{url} does not start with s3://")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(MediaStoreError::Url(format!("{url} names no bucket")));
        }
        install_crypto();
        let endpoint = std::env::var("AWS_ENDPOINT_URL").ok();
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(e) = &endpoint {
            builder = builder
                .with_endpoint(e)
                .with_allow_http(e.starts_with("http://"));
        }
        if std::env::var("AWS_REGION").is_err() && std::env::var("AWS_DEFAULT_REGION").is_err() {
            builder = builder.with_region("us-east-1");
        }
        Ok(MediaFiles {
            store: Arc::new(builder.build()?),
            prefix: ObjectPath::from(prefix.trim_matches('/')),
            backend: "s3",
        })
    }

    /// `KODLEK_MEDIA_URL` as given (an `s3://` URL), else `<data-dir>/media/`.
    pub fn from_setting(url: Option<&str>, data_dir: &Path) -> Result<MediaFiles, MediaStoreError> {
        match url {
            Some(u) if u.starts_with("s3://") => Self::s3(u),
            Some(u) => Err(MediaStoreError::Url(format!(
                "{u}: the media URL must start with s3://"
            ))),
            None => Self::local(&data_dir.join("media")),
        }
    }

    /// "local" or "s3".
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    fn path(&self, key: &str) -> ObjectPath {
        self.prefix.clone().join(key)
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), MediaStoreError> {
        self.store
            .put(&self.path(key), PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    /// The bytes under `key`, or None when there are none.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaStoreError> {
        match self.store.get(&self.path(key)).await {
            Ok(r) => Ok(Some(r.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Erases the bytes under `key`; bytes already gone are no error.
    pub async fn delete(&self, key: &str) -> Result<(), MediaStoreError> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// TLS (to the bucket, to sign-in providers) uses ring, the crypto rustls already has here;
/// installed once, by whichever client is made first.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
