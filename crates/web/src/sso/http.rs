//! The HTTP client that talks to providers: the same reqwest the media store uses, following no
//! redirects, with a timeout, and reading no more of an answer than a provider ever needs.

use axum::http;
use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// How long one call to a provider may take; no request or job waits longer on one.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of one answer that is read: a discovery document, a key set, a token answer and
/// a userinfo answer are each a few KiB. A provider (or whoever answers in its name) that
/// sends more is cut off instead of filling the server's memory.
pub const ANSWER_BYTES: usize = 256 * 1024;

/// Why a call to a provider gave no answer to use.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the request failed: {0}")]
    Request(#[from] reqwest::Error),
    #[error("the answer is longer than {ANSWER_BYTES} bytes")]
    TooLong,
    #[error("the answer could not be rebuilt: {0}")]
    Http(#[from] http::Error),
    #[error("the call ended without an answer")]
    Lost,
}

/// The client shared by every provider.
#[derive(Clone, Debug)]
pub struct ProviderHttp(reqwest::Client);

impl ProviderHttp {
    pub fn new() -> ProviderHttp {
        kodlek_services::install_crypto();
        let client = reqwest::Client::builder()
            // Following redirects would let a provider point us anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .connect_timeout(PROVIDER_TIMEOUT)
            .build()
            .expect("the HTTP client builds");
        ProviderHttp(client)
    }

    /// The client, for the calls Kodlek makes itself (discovery, Facebook's endpoints).
    pub fn client(&self) -> &reqwest::Client {
        &self.0
    }
}

impl Default for ProviderHttp {
    fn default() -> Self {
        ProviderHttp::new()
    }
}

/// An answer's body, refused when longer than [`ANSWER_BYTES`].
pub async fn body(mut answer: reqwest::Response) -> Result<Vec<u8>, HttpError> {
    if answer
        .content_length()
        .is_some_and(|n| n > ANSWER_BYTES as u64)
    {
        return Err(HttpError::TooLong);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = answer.chunk().await? {
        if bytes.len() + chunk.len() > ANSWER_BYTES {
            return Err(HttpError::TooLong);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The provider calls that openidconnect makes (code exchange, keys, userinfo, refresh) go
/// through the same client and the same bound.
impl<'c> AsyncHttpClient<'c> for ProviderHttp {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        let client = self.0.clone();
        // Run on its own task: its handle is Send and Sync whatever reqwest's futures are.
        let task = tokio::spawn(async move {
            let answer = client.execute(reqwest::Request::try_from(request)?).await?;
            let mut rebuilt = http::Response::builder()
                .status(answer.status())
                .version(answer.version());
            for (name, value) in answer.headers() {
                rebuilt = rebuilt.header(name, value);
            }
            Ok(rebuilt.body(body(answer).await?)?)
        });
        Box::pin(async move {
            match task.await {
                Ok(answer) => answer,
                // The task panicked or was cancelled with the runtime: no answer.
                Err(_) => Err(HttpError::Lost),
            }
        })
    }
}
