//! The core: the registration rules, pure `Result` code.
//!
//! It knows nothing about HTTP, JSON or SQL. It takes validated domain types
//! ([`model`]), hashes passwords ([`password`]), and talks to storage only through
//! the [`UserStore`] port, whose failures are [`RepoError`]s defined here.

pub mod error;
pub mod model;
pub mod password;
pub mod ports;
pub mod service;

pub use error::{FieldError, HashError, RepoError, ServiceError};
pub use model::{
    Age, Email, NewUserRecord, Password, PasswordHash, Timestamp, User, UserId, Username,
    ValidCreateUser,
};
pub use password::{hash_password, verify_password, HashingParams, InlineHasher};
pub use ports::{PasswordHasher, UserStore};
pub use service::UserService;
