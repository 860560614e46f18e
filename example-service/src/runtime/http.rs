//! The HTTP surface: routes, handlers, and the mapping of every failure to a
//! status and a JSON body.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRef, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::core::{ServiceError, User, UserService};
use crate::infra::SqlUserStore;
use crate::input::{
    parse_user_id, BodyLimit, CreateUserRequest, ErrorBody, FieldProblem, JsonBody,
};

use super::hasher::BlockingHasher;

/// The service as wired in production.
pub type Service = UserService<SqlUserStore, BlockingHasher>;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    service: Arc<Service>,
    body_limit: BodyLimit,
}

impl AppState {
    /// State over this service, accepting bodies up to `body_limit` bytes.
    pub fn new(service: Service, body_limit: usize) -> Self {
        Self {
            service: Arc::new(service),
            body_limit: BodyLimit(body_limit),
        }
    }

    /// The service.
    pub fn service(&self) -> &Service {
        &self.service
    }
}

impl FromRef<AppState> for BodyLimit {
    fn from_ref(state: &AppState) -> Self {
        state.body_limit
    }
}

/// The public answer for a user: never the password or its hash.
#[derive(Debug, Serialize)]
struct UserBody {
    id: String,
    username: String,
    email: String,
}

impl From<&User> for UserBody {
    fn from(user: &User) -> Self {
        Self {
            id: user.id().to_string(),
            username: user.username().as_str().to_owned(),
            email: user.email().as_str().to_owned(),
        }
    }
}

#[derive(Debug, Serialize)]
struct HealthBody {
    status: &'static str,
    database: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

/// The full application: routes, then (inside out) a request timeout, the
/// catch-panic boundary, request tracing and request ids.
///
/// `extra` routes are merged before the layers are applied, so they get the
/// same protection; production passes `Router::new()`. Tests use it to add a
/// route that panics, which therefore never exists in the binary.
pub fn router(state: AppState, extra: Router<AppState>, request_timeout: Duration) -> Router {
    Router::new()
        .route("/users", post(create_user))
        .route("/users/{id}", get(get_user))
        .route("/health", get(health))
        .merge(extra)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            request_timeout,
            enforce_timeout,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let request_id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        uri = %req.uri(),
                        request_id = %request_id,
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

async fn create_user(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CreateUserRequest>,
) -> Response {
    let valid = match request.validate() {
        Ok(valid) => valid,
        Err(errors) => return crate::input::InputRejection::from(errors).into_response(),
    };
    match state.service.register(valid).await {
        Ok(user) => {
            let location = HeaderValue::from_str(&format!("/users/{}", user.id())).ok();
            let mut response = (StatusCode::CREATED, Json(UserBody::from(&user))).into_response();
            if let Some(location) = location {
                response.headers_mut().insert(header::LOCATION, location);
            }
            tracing::info!(user.id = %user.id(), "user registered");
            response
        }
        Err(err) => service_error(err),
    }
}

async fn get_user(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    // An id that is not even a UUID names no user: same answer as an unknown one.
    let id = match path.ok().and_then(|Path(raw)| parse_user_id(&raw).ok()) {
        Some(id) => id,
        None => return service_error(ServiceError::NotFound),
    };
    match state.service.get(id).await {
        Ok(user) => (StatusCode::OK, Json(UserBody::from(&user))).into_response(),
        Err(err) => service_error(err),
    }
}

async fn health(State(state): State<AppState>) -> Response {
    match state.service.health().await {
        Ok(()) => (
            StatusCode::OK,
            Json(HealthBody {
                status: "ok",
                database: "up",
                error: None,
            }),
        )
            .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, detail = ?err, "health check failed");
            let code = match err {
                ServiceError::Timeout(_) => "timeout",
                _ => "unavailable",
            };
            with_retry_after(
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(HealthBody {
                        status: "unavailable",
                        database: "down",
                        error: Some(code),
                    }),
                )
                    .into_response(),
            )
        }
    }
}

async fn not_found() -> Response {
    ErrorBody::new("not_found", "no such route").into_response_with(StatusCode::NOT_FOUND)
}

async fn method_not_allowed() -> Response {
    ErrorBody::new(
        "method_not_allowed",
        "this route does not accept this method",
    )
    .into_response_with(StatusCode::METHOD_NOT_ALLOWED)
}

/// Maps a use-case failure to its answer. Details of 5xx failures go to the
/// log, never to the client.
fn service_error(err: ServiceError) -> Response {
    match err {
        ServiceError::EmailTaken => {
            ErrorBody::new("conflict", "a user with this email address already exists")
                .with_fields(vec![FieldProblem {
                    field: "email".to_owned(),
                    reason: "is already registered".to_owned(),
                }])
                .into_response_with(StatusCode::CONFLICT)
        }
        ServiceError::NotFound => ErrorBody::new("not_found", "no user with this id")
            .into_response_with(StatusCode::NOT_FOUND),
        ServiceError::Timeout(detail) => {
            tracing::warn!(%detail, "database timeout");
            with_retry_after(
                ErrorBody::new(
                    "timeout",
                    "the database did not answer in time; retry later",
                )
                .into_response_with(StatusCode::SERVICE_UNAVAILABLE),
            )
        }
        ServiceError::Unavailable(detail) => {
            tracing::warn!(%detail, "database unavailable");
            with_retry_after(
                ErrorBody::new("unavailable", "the database is unavailable; retry later")
                    .into_response_with(StatusCode::SERVICE_UNAVAILABLE),
            )
        }
        ServiceError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            internal_error()
        }
    }
}

fn with_retry_after(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn internal_error() -> Response {
    ErrorBody::new("internal", "internal server error")
        .into_response_with(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The catch-panic boundary's answer. The panic itself was already logged by
/// the panic hook; the payload is not shown to the client.
fn panic_response(_payload: Box<dyn Any + Send + 'static>) -> Response {
    internal_error()
}

/// Bounds the whole request, body reading included.
async fn enforce_timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_elapsed) => {
            tracing::warn!(timeout_ms = limit.as_millis(), "request timed out");
            with_retry_after(
                ErrorBody::new("timeout", "the request took too long")
                    .into_response_with(StatusCode::SERVICE_UNAVAILABLE),
            )
        }
    }
}
