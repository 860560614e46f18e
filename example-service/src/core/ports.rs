//! The ports: what the core needs from the outside world, as traits.

use std::future::Future;

use super::error::{HashError, RepoError};
use super::model::{NewUserRecord, Password, PasswordHash, User, UserId};

/// Where users are kept. The infrastructure layer implements it; the core never
/// learns which database is behind it.
pub trait UserStore: Send + Sync + 'static {
    /// Stores a new user. The store's own uniqueness constraint on the email
    /// decides conflicts: [`RepoError::AlreadyExists`], never a check-then-insert race.
    fn insert(&self, record: &NewUserRecord) -> impl Future<Output = Result<(), RepoError>> + Send;

    /// The user with this id, if any.
    fn find(&self, id: UserId) -> impl Future<Output = Result<Option<User>, RepoError>> + Send;

    /// Whether the store answers at all.
    fn ping(&self) -> impl Future<Output = Result<(), RepoError>> + Send;
}

/// Turns a password into a stored hash. The core provides
/// [`crate::core::InlineHasher`]; the runtime provides one that runs on a
/// bounded blocking pool.
pub trait PasswordHasher: Send + Sync + 'static {
    /// Hashes `password` with a fresh salt.
    fn hash(
        &self,
        password: Password,
    ) -> impl Future<Output = Result<PasswordHash, HashError>> + Send;
}
