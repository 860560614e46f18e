//! Password hashing off the event loop, with bounded concurrency.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::core::{
    hash_password, HashError, HashingParams, Password, PasswordHash, PasswordHasher,
};

/// Runs the core's [`hash_password`] on tokio's blocking pool, at most
/// `concurrency` at a time. Argon2 is slow and memory-hard on purpose: on the
/// async worker threads it would stall every other request, and unbounded it
/// would let a burst of registrations take `burst x memory` of RAM.
#[derive(Debug, Clone)]
pub struct BlockingHasher {
    params: Arc<HashingParams>,
    permits: Arc<Semaphore>,
}

impl BlockingHasher {
    /// A hasher with these costs, hashing at most `concurrency` passwords at once.
    pub fn new(params: HashingParams, concurrency: usize) -> Self {
        Self {
            params: Arc::new(params),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }
}

impl PasswordHasher for BlockingHasher {
    async fn hash(&self, password: Password) -> Result<PasswordHash, HashError> {
        // Fair (FIFO) queue for a hashing slot.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|err| HashError::Worker(err.to_string()))?;
        let params = Arc::clone(&self.params);
        // The permit moves into the job: if the request is dropped (timeout,
        // client gone), the slot stays taken until the hash really finishes.
        tokio::task::spawn_blocking(move || {
            let result = hash_password(&password, &params);
            drop(permit);
            result
        })
        .await
        .map_err(|err| HashError::Worker(err.to_string()))?
    }
}
