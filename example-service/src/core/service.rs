//! The use cases.

use super::error::ServiceError;
use super::model::{NewUserRecord, Timestamp, User, UserId, ValidCreateUser};
use super::ports::{PasswordHasher, UserStore};

/// Registration and lookup of users.
#[derive(Debug, Clone)]
pub struct UserService<S, H> {
    store: S,
    hasher: H,
}

impl<S: UserStore, H: PasswordHasher> UserService<S, H> {
    /// A service over this store and hasher.
    pub fn new(store: S, hasher: H) -> Self {
        Self { store, hasher }
    }

    /// Registers a user: hashes the password (the clear text is dropped right
    /// after) and stores the user. A taken email is [`ServiceError::EmailTaken`],
    /// decided by the store's unique constraint.
    pub async fn register(&self, request: ValidCreateUser) -> Result<User, ServiceError> {
        let (username, email, password, age) = request.into_parts();
        let password_hash = self.hasher.hash(password).await?;
        let user = User::new(UserId::generate(), username, email, age, Timestamp::now());
        let record = NewUserRecord::new(user, password_hash);
        self.store.insert(&record).await?;
        Ok(record.into_user())
    }

    /// The user with this id.
    pub async fn get(&self, id: UserId) -> Result<User, ServiceError> {
        self.store.find(id).await?.ok_or(ServiceError::NotFound)
    }

    /// Whether the store answers.
    pub async fn health(&self) -> Result<(), ServiceError> {
        self.store.ping().await.map_err(ServiceError::from)
    }

    /// The store, for shutdown and diagnostics.
    pub fn store(&self) -> &S {
        &self.store
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

    use std::sync::Mutex;

    use super::*;
    use crate::core::error::{HashError, RepoError};
    use crate::core::model::{Age, Email, Password, PasswordHash, Username};
    use crate::core::password::{HashingParams, InlineHasher};

    /// An in-memory store with the same contract as the SQL one.
    #[derive(Default)]
    struct MemoryStore {
        rows: Mutex<Vec<NewUserRecord>>,
        down: bool,
    }

    impl UserStore for MemoryStore {
        async fn insert(&self, record: &NewUserRecord) -> Result<(), RepoError> {
            if self.down {
                return Err(RepoError::Unavailable("down".into()));
            }
            let mut rows = self.rows.lock().unwrap();
            if rows
                .iter()
                .any(|r| r.user().email() == record.user().email())
            {
                return Err(RepoError::AlreadyExists);
            }
            rows.push(record.clone());
            Ok(())
        }

        async fn find(&self, id: UserId) -> Result<Option<User>, RepoError> {
            if self.down {
                return Err(RepoError::Unavailable("down".into()));
            }
            let rows = self.rows.lock().unwrap();
            Ok(rows
                .iter()
                .find(|r| r.user().id() == id)
                .map(|r| r.user().clone()))
        }

        async fn ping(&self) -> Result<(), RepoError> {
            if self.down {
                Err(RepoError::Unavailable("down".into()))
            } else {
                Ok(())
            }
        }
    }

    struct FailingHasher;

    impl PasswordHasher for FailingHasher {
        async fn hash(&self, _password: Password) -> Result<PasswordHash, HashError> {
            Err(HashError::Hash("no entropy".into()))
        }
    }

    fn request(email: &str) -> ValidCreateUser {
        ValidCreateUser::new(
            Username::parse("ann").unwrap(),
            Email::parse(email).unwrap(),
            Password::parse("correct horse battery").unwrap(),
            Age::new(30).unwrap(),
        )
    }

    fn service(store: MemoryStore) -> UserService<MemoryStore, InlineHasher> {
        UserService::new(
            store,
            InlineHasher::new(HashingParams::new(64, 1, 1).unwrap()),
        )
    }

    /// The core's futures never wait on I/O here, so one poll finishes them:
    /// no async runtime needed (the core names none).
    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("an in-memory future should not wait"),
        }
    }

    #[test]
    fn register_then_get() {
        block_on(async {
            let service = service(MemoryStore::default());
            let user = service.register(request("ann@example.com")).await.unwrap();
            assert_eq!(service.get(user.id()).await.unwrap(), user);
            let stored = service.store().rows.lock().unwrap()[0]
                .password_hash()
                .clone();
            assert!(stored.as_str().starts_with("$argon2id$"));
            let password = Password::parse("correct horse battery").unwrap();
            assert!(crate::core::verify_password(&password, &stored).unwrap());
        });
    }

    #[test]
    fn duplicate_email_is_a_conflict() {
        block_on(async {
            let service = service(MemoryStore::default());
            service.register(request("ann@example.com")).await.unwrap();
            let err = service
                .register(request("ANN@example.com"))
                .await
                .unwrap_err();
            assert_eq!(err, ServiceError::EmailTaken);
        });
    }

    #[test]
    fn unknown_id_is_not_found() {
        block_on(async {
            let service = service(MemoryStore::default());
            assert_eq!(
                service.get(UserId::generate()).await.unwrap_err(),
                ServiceError::NotFound
            );
        });
    }

    #[test]
    fn store_and_hasher_failures_are_errors() {
        block_on(async {
            let down = service(MemoryStore {
                down: true,
                ..MemoryStore::default()
            });
            assert!(matches!(
                down.register(request("a@example.com")).await,
                Err(ServiceError::Unavailable(_))
            ));
            assert!(matches!(
                down.health().await,
                Err(ServiceError::Unavailable(_))
            ));

            let broken = UserService::new(MemoryStore::default(), FailingHasher);
            assert!(matches!(
                broken.register(request("a@example.com")).await,
                Err(ServiceError::Internal(_))
            ));
        });
    }
}
