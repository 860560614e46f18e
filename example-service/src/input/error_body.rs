//! The JSON shape of every error answer:
//!
//! ```json
//! {"error": "validation_failed", "message": "the request is invalid",
//!  "fields": [{"field": "email", "reason": "must contain an '@'"}]}
//! ```
//!
//! `error` is a stable machine-readable code, `message` is for people, and
//! `fields` (absent when empty) names each offending field and why.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::core::FieldError;

/// One offending field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field's name or JSON path (`"age"`).
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl From<&FieldError> for FieldProblem {
    fn from(err: &FieldError) -> Self {
        Self {
            field: err.field.to_owned(),
            reason: err.reason.clone(),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    /// Stable code: `validation_failed`, `invalid_type`, `malformed_json`,
    /// `payload_too_large`, `unsupported_media_type`, `not_found`, `conflict`,
    /// `unavailable`, `timeout`, `internal`, ...
    pub error: &'static str,
    /// A human-readable explanation.
    pub message: String,
    /// The offending fields, if the error is about fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

impl ErrorBody {
    /// An error without field details.
    pub fn new(error: &'static str, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// Adds field details.
    pub fn with_fields(mut self, fields: Vec<FieldProblem>) -> Self {
        self.fields = fields;
        self
    }

    /// The answer with this status.
    pub fn into_response_with(self, status: StatusCode) -> Response {
        (status, Json(self)).into_response()
    }
}
