//! The one error type of the HTTP API, as the original's JSON
//! `{"status":"error","message":"..."}` in French; internal faults are logged, never
//! shown. Owns [`ApiError`] and [`ErrorBody`]; must not import `http` routes, `app`, `cli`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::printer::PrinterError;

/// Every error answer (except the ePOS route's Epson XML and the admin forms' HTML).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "error", "message": "Accès refusé - Local uniquement"}))]
pub struct ErrorBody {
    /// Always `error`.
    pub status: &'static str,
    /// In French: what was wrong and what is accepted.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the message says what is accepted.
    #[error("{0}")]
    BadRequest(String),
    /// 401: the route needs an admin session.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: not at this access level (local-only route, origin, CSRF token...).
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such route or resource.
    #[error("{0}")]
    NotFound(String),
    /// 405: the route exists with other methods.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 429: too many attempts (login throttling).
    #[error("{0}")]
    TooManyRequests(String),
    /// 503: the printer (or another device) is unavailable; the message names it.
    #[error("{0}")]
    Unavailable(String),
    /// 500: logged, never shown in detail.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => "Erreur interne du service (voir le journal)".to_string(),
            other => other.to_string(),
        }
    }

    /// The original's refusal for a network caller on a local-only route.
    pub fn local_only() -> Self {
        ApiError::Forbidden("Accès refusé - Local uniquement".to_string())
    }
}

impl From<PrinterError> for ApiError {
    fn from(err: PrinterError) -> Self {
        ApiError::Unavailable(err.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(err) = &self {
            op!(error, "http", "error"; "internal error: {err:#}");
        }
        let message = self.public_message();
        let body = ErrorBody {
            status: "error",
            message,
        };
        (self.status(), Json(body)).into_response()
    }
}
