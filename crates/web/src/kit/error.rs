//! The one error type at the edge: a status, a stable snake_case code and a message.
//! Internal details are logged, never returned.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kodlek_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

/// `{"error": {"code", "message"}}`
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    pub fn invalid(field: &str, why: impl std::fmt::Display) -> ApiError {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("{field}: {why}"),
        )
    }
    pub fn not_found() -> ApiError {
        Self::new(StatusCode::NOT_FOUND, "not_found", "There is nothing here.")
    }
    pub fn not_signed_in() -> ApiError {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "not_signed_in",
            "Please sign in first.",
        )
    }
    pub fn forbidden(message: &str) -> ApiError {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// 401 `invalid_credentials`: the same answer for an unknown login, a wrong password and
    /// a wrong or used staff code, so that none tells which was wrong.
    pub fn invalid_credentials() -> ApiError {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "That login and password do not match an account.",
        )
    }
    pub fn reauthenticate() -> ApiError {
        Self::new(
            StatusCode::FORBIDDEN,
            "reauthentication_required",
            "Type your current password to make this change.",
        )
    }
    pub fn rate_limited(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many attempts; please wait a little and try again.",
            )
        }
    }
    pub fn too_large() -> ApiError {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "The request body is larger than 1 MiB.",
        )
    }
    /// 503 `overloaded`: the server sheds this request to stay responsive; come back shortly.
    pub fn overloaded(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "The server is busy; please try again in a moment.",
            )
        }
    }
    pub fn internal() -> ApiError {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side; please try again.",
        )
    }
}

impl From<kodlek_privacy::Overloaded> for ApiError {
    fn from(_: kodlek_privacy::Overloaded) -> ApiError {
        ApiError::overloaded(1)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict("email") => ApiError::new(
                StatusCode::CONFLICT,
                "email_taken",
                "An account with this email address already exists.",
            ),
            StoreError::Conflict("username") => ApiError::new(
                StatusCode::CONFLICT,
                "username_taken",
                "This username is taken.",
            ),
            other => {
                tracing::error!(error = %other, "storage failed");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}
