//! [`JsonBody`]: axum's `Json` extractor, but every rejection is a JSON answer
//! with the right status: `415` for a missing or non-JSON content type, `413`
//! over the size limit, `400` for a body that is not UTF-8 or not JSON, `422` for
//! JSON of the wrong shape.

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::LengthLimitError;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::error_body::{ErrorBody, FieldProblem};
use super::request::ValidationErrors;

/// The largest request body accepted, in bytes. Part of the router state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// Why a request was rejected before reaching the core.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputRejection {
    /// No `Content-Type`, or not JSON, or JSON in a charset other than UTF-8.
    #[error("expected a request body with `Content-Type: application/json`{}", found_suffix(.found))]
    UnsupportedMediaType {
        /// The content type the client sent, if any.
        found: Option<String>,
    },
    /// The body is larger than the limit.
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body could not be read (the client went away mid-body).
    #[error("the request body could not be read: {0}")]
    BodyRead(String),
    /// The body is not UTF-8, which JSON requires.
    #[error("the request body is not valid UTF-8 (first invalid byte at offset {valid_up_to})")]
    NotUtf8 {
        /// Length of the valid prefix.
        valid_up_to: usize,
    },
    /// The body is not JSON at all.
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// The JSON has a field of the wrong type (or is not an object).
    #[error("the JSON body has the wrong shape at `{path}`: {reason}")]
    WrongShape {
        /// The JSON path of the offending value (`"age"`, or `"."` for the root).
        path: String,
        /// What was expected.
        reason: String,
    },
    /// The JSON is well formed but breaks a domain rule.
    #[error("the request is invalid: {0}")]
    Validation(ValidationErrors),
}

fn found_suffix(found: &Option<String>) -> String {
    match found {
        Some(found) => format!(", found `{found}`"),
        None => ", found none".to_owned(),
    }
}

impl From<ValidationErrors> for InputRejection {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(errors)
    }
}

impl InputRejection {
    /// The HTTP status of this rejection.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyRead(_) | Self::NotUtf8 { .. } | Self::MalformedJson(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::WrongShape { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Validation(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The JSON body of this rejection.
    pub fn body(&self) -> ErrorBody {
        match self {
            Self::UnsupportedMediaType { .. } => {
                ErrorBody::new("unsupported_media_type", self.to_string())
            }
            Self::PayloadTooLarge { .. } => ErrorBody::new("payload_too_large", self.to_string()),
            Self::BodyRead(_) => ErrorBody::new("unreadable_body", self.to_string()),
            Self::NotUtf8 { .. } => ErrorBody::new("invalid_encoding", self.to_string()),
            Self::MalformedJson(_) => ErrorBody::new("malformed_json", self.to_string()),
            Self::WrongShape { path, reason } => {
                let body = ErrorBody::new("invalid_type", self.to_string());
                if path == "." {
                    body
                } else {
                    body.with_fields(vec![FieldProblem {
                        field: path.clone(),
                        reason: reason.clone(),
                    }])
                }
            }
            Self::Validation(errors) => {
                ErrorBody::new("validation_failed", "the request is invalid")
                    .with_fields(errors.errors().iter().map(FieldProblem::from).collect())
            }
        }
    }
}

impl IntoResponse for InputRejection {
    fn into_response(self) -> Response {
        tracing::debug!(status = %self.status(), rejection = %self, "request rejected");
        self.body().into_response_with(self.status())
    }
}

/// A JSON request body, deserialized into `T`, read under the [`BodyLimit`] of
/// the router state.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
    BodyLimit: FromRef<S>,
{
    type Rejection = InputRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let BodyLimit(limit) = BodyLimit::from_ref(state);
        check_content_type(req.headers())?;
        check_declared_length(req.headers(), limit)?;
        let bytes = read_body(req.into_body(), limit).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// `application/json` or `application/<anything>+json`, with no charset or a
/// UTF-8 one.
fn check_content_type(headers: &HeaderMap) -> Result<(), InputRejection> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(InputRejection::UnsupportedMediaType { found: None });
    };
    let unsupported = || InputRejection::UnsupportedMediaType {
        found: Some(String::from_utf8_lossy(value.as_bytes()).into_owned()),
    };
    let text = value.to_str().map_err(|_| unsupported())?;
    let mut parts = text.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let is_json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if !is_json {
        return Err(unsupported());
    }
    for param in parts {
        if let Some((name, charset)) = param.split_once('=') {
            let charset = charset.trim().trim_matches('"');
            if name.trim().eq_ignore_ascii_case("charset")
                && !charset.eq_ignore_ascii_case("utf-8")
                && !charset.eq_ignore_ascii_case("utf8")
            {
                return Err(unsupported());
            }
        }
    }
    Ok(())
}

/// Rejects early when the client announces a body over the limit.
fn check_declared_length(headers: &HeaderMap, limit: usize) -> Result<(), InputRejection> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    match declared {
        Some(length) if u64::try_from(limit).is_ok_and(|limit| length > limit) => {
            Err(InputRejection::PayloadTooLarge { limit })
        }
        _ => Ok(()),
    }
}

/// Reads at most `limit` bytes; a longer (e.g. chunked) body is a `413`.
async fn read_body(body: Body, limit: usize) -> Result<axum::body::Bytes, InputRejection> {
    axum::body::to_bytes(body, limit).await.map_err(|err| {
        let inner = err.into_inner();
        if inner.is::<LengthLimitError>() {
            InputRejection::PayloadTooLarge { limit }
        } else {
            InputRejection::BodyRead(inner.to_string())
        }
    })
}

/// UTF-8 first (JSON requires it, and the error is clearer), then JSON syntax
/// (`400`), then shape (`422`), with the JSON path of the offending value.
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, InputRejection> {
    if let Err(err) = std::str::from_utf8(bytes) {
        return Err(InputRejection::NotUtf8 {
            valid_up_to: err.valid_up_to(),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            Category::Data => InputRejection::WrongShape {
                path,
                reason: without_position(&inner),
            },
            Category::Syntax | Category::Eof | Category::Io => {
                InputRejection::MalformedJson(inner.to_string())
            }
        }
    })?;
    deserializer
        .end()
        .map_err(|err| InputRejection::MalformedJson(err.to_string()))?;
    Ok(value)
}

/// serde_json appends " at line L column C"; a field's reason reads better without.
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rsplit_once(" at line ") {
        Some((reason, _)) => reason.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]

    use super::*;
    use crate::input::CreateUserRequest;
    use axum::http::HeaderValue;

    fn headers(content_type: Option<&str>) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Some(ct) = content_type {
            map.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        }
        map
    }

    #[test]
    fn content_types() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/merge-patch+json",
        ] {
            assert!(check_content_type(&headers(Some(ok))).is_ok(), "{ok}");
        }
        for bad in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/json; charset=latin1"),
            Some("json"),
            Some(""),
        ] {
            let err = check_content_type(&headers(bad)).unwrap_err();
            assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{bad:?}");
        }
    }

    #[test]
    fn json_errors_are_classified() {
        let parse = |body: &[u8]| parse_json::<CreateUserRequest>(body).unwrap_err();
        assert_eq!(parse(b"{").status(), StatusCode::BAD_REQUEST);
        assert_eq!(parse(b"{} trailing").status(), StatusCode::BAD_REQUEST);
        assert_eq!(parse(b"").status(), StatusCode::BAD_REQUEST);
        assert!(matches!(
            parse(b"{\"username\": \"\xff\"}"),
            InputRejection::NotUtf8 { valid_up_to: 14 }
        ));
        let wrong = parse(br#"{"username": "ann", "age": "ten"}"#);
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = wrong.body();
        assert_eq!(body.fields[0].field, "age");
        assert!(
            body.fields[0]
                .reason
                .starts_with("invalid type: string \"ten\""),
            "{body:?}"
        );
        let root = parse(b"\"just a string\"");
        assert_eq!(root.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(root.body().fields.is_empty(), "{:?}", root.body());
        // serde reads a struct from an array positionally: the path names the element.
        let array = parse(b"[1, 2]");
        assert_eq!(array.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(array.body().fields[0].field, "[0]");
    }

    #[test]
    fn declared_length_over_the_limit_is_413() {
        let mut map = headers(Some("application/json"));
        map.insert(header::CONTENT_LENGTH, HeaderValue::from_static("11"));
        assert!(check_declared_length(&map, 11).is_ok());
        assert_eq!(
            check_declared_length(&map, 10).unwrap_err().status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
