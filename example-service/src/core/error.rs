//! The core's error types: one per boundary it owns.

use std::fmt;

/// One field of a request that does not satisfy a domain rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client spelled it (`"email"`).
    pub field: &'static str,
    /// Why it was rejected, in words a client developer can act on.
    pub reason: String,
}

impl FieldError {
    /// A rejection of `field` for `reason`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for FieldError {}

/// What can go wrong in a [`crate::core::UserStore`]: the port's error, defined by
/// the core so that the core never names a database crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepoError {
    /// A uniqueness rule of the store rejected the write (the email is taken).
    #[error("a record with the same unique key already exists")]
    AlreadyExists,
    /// The store did not answer in time (pool exhausted, lock wait, statement timeout).
    #[error("the store timed out: {0}")]
    Timeout(String),
    /// The store cannot be reached or cannot serve (connection refused, file gone, pool closed).
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The store holds data that breaks a domain rule.
    #[error("the store returned data that breaks a domain rule: {0}")]
    Corrupt(String),
    /// Any other failure of the store (a bug in a query, an unexpected error code).
    #[error("the store failed: {0}")]
    Other(String),
}

/// What can go wrong while hashing or verifying a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// The Argon2 parameters are out of range.
    #[error("invalid password hashing parameters: {0}")]
    Params(String),
    /// Hashing itself failed (no randomness for the salt, out of memory).
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// A stored hash is not a valid PHC string.
    #[error("stored password hash is malformed: {0}")]
    Malformed(String),
    /// The hashing worker could not run the job (shutting down, worker died).
    #[error("password hashing worker unavailable: {0}")]
    Worker(String),
}

/// The outcome of a use case that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The email address is already registered.
    #[error("a user with this email address already exists")]
    EmailTaken,
    /// No user has this id.
    #[error("no such user")]
    NotFound,
    /// The store did not answer in time; the client may retry.
    #[error("the database did not answer in time")]
    Timeout(String),
    /// The store is down; the client may retry later.
    #[error("the database is unavailable")]
    Unavailable(String),
    /// Anything else: a bug or corrupt data. Details are for the logs only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<RepoError> for ServiceError {
    fn from(err: RepoError) -> Self {
        match err {
            RepoError::AlreadyExists => Self::EmailTaken,
            RepoError::Timeout(detail) => Self::Timeout(detail),
            RepoError::Unavailable(detail) => Self::Unavailable(detail),
            RepoError::Corrupt(detail) | RepoError::Other(detail) => Self::Internal(detail),
        }
    }
}

impl From<HashError> for ServiceError {
    fn from(err: HashError) -> Self {
        Self::Internal(err.to_string())
    }
}
