//! Password hashing with Argon2id: a real, salted, memory-hard hash.

use argon2::password_hash::phc;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

use super::error::HashError;
use super::model::{Password, PasswordHash};
use super::ports::PasswordHasher;

/// Argon2id cost parameters, checked when built.
///
/// The defaults are OWASP's recommendation (19 MiB, 2 passes, 1 lane). Tests use
/// [`HashingParams::new`] with tiny costs: still real, salted Argon2id, just cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashingParams {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

impl HashingParams {
    /// Memory in KiB, number of passes, number of lanes. Rejects values Argon2
    /// cannot use (memory below 8 KiB per lane, zero passes or lanes, ...).
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, HashError> {
        let params = Self {
            memory_kib,
            iterations,
            parallelism,
        };
        params.argon2_params()?;
        Ok(params)
    }

    /// Memory in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    /// Number of passes.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Number of lanes.
    pub fn parallelism(&self) -> u32 {
        self.parallelism
    }

    fn argon2_params(&self) -> Result<Params, HashError> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|err| HashError::Params(err.to_string()))
    }

    fn hasher(&self) -> Result<Argon2<'static>, HashError> {
        Ok(Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            self.argon2_params()?,
        ))
    }
}

impl Default for HashingParams {
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
        }
    }
}

/// Hashes a password with a fresh random salt; returns the PHC string.
///
/// CPU- and memory-heavy by design: async callers should run it off the event
/// loop (the runtime's hasher does, on the blocking pool).
pub fn hash_password(
    password: &Password,
    params: &HashingParams,
) -> Result<PasswordHash, HashError> {
    let hash = params
        .hasher()?
        .hash_password(password.expose())
        .map_err(|err| HashError::Hash(err.to_string()))?;
    Ok(PasswordHash::from_phc(hash.to_string()))
}

/// Checks a password against a stored hash, with the parameters recorded in the
/// hash. `Ok(false)` is a wrong password; `Err` is a hash that cannot be read.
pub fn verify_password(password: &Password, hash: &PasswordHash) -> Result<bool, HashError> {
    let parsed = phc::PasswordHash::new(hash.as_str())
        .map_err(|err| HashError::Malformed(err.to_string()))?;
    match Argon2::default().verify_password(password.expose(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
        Err(err) => Err(HashError::Hash(err.to_string())),
    }
}

/// Hashes on the calling thread. Right for tests and command-line tools; a
/// server wants the runtime's hasher, which keeps hashing off the event loop.
#[derive(Debug, Clone, Default)]
pub struct InlineHasher {
    params: HashingParams,
}

impl InlineHasher {
    /// A hasher with these costs.
    pub fn new(params: HashingParams) -> Self {
        Self { params }
    }
}

impl PasswordHasher for InlineHasher {
    async fn hash(&self, password: Password) -> Result<PasswordHash, HashError> {
        hash_password(&password, &self.params)
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

    fn cheap() -> HashingParams {
        HashingParams::new(64, 1, 1).unwrap()
    }

    #[test]
    fn hashes_are_salted_argon2id_and_verify() {
        let password = Password::parse("correct horse battery").unwrap();
        let first = hash_password(&password, &cheap()).unwrap();
        let second = hash_password(&password, &cheap()).unwrap();
        assert!(first.as_str().starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(!first.as_str().contains("correct horse"));
        assert!(verify_password(&password, &first).unwrap());
        let wrong = Password::parse("incorrect horse").unwrap();
        assert!(!verify_password(&wrong, &first).unwrap());
    }

    #[test]
    fn bad_params_and_bad_hashes_are_errors_not_panics() {
        assert!(matches!(
            HashingParams::new(0, 1, 1),
            Err(HashError::Params(_))
        ));
        assert!(matches!(
            HashingParams::new(64, 0, 1),
            Err(HashError::Params(_))
        ));
        assert!(matches!(
            HashingParams::new(64, 1, 0),
            Err(HashError::Params(_))
        ));
        let password = Password::parse("correct horse battery").unwrap();
        // A PHC string without salt and output verifies nothing.
        let empty = PasswordHash::from_stored("$argon2id".to_owned()).unwrap();
        assert!(!verify_password(&password, &empty).unwrap());
        // One that does not parse is an error, not a panic.
        let junk =
            PasswordHash::from_stored("$argon2id$v=19$m=64,t=1,p=1$@@@@$@@@@".to_owned()).unwrap();
        assert!(matches!(
            verify_password(&password, &junk),
            Err(HashError::Malformed(_))
        ));
    }

    #[test]
    fn default_params_are_owasps() {
        let params = HashingParams::default();
        assert_eq!(
            (
                params.memory_kib(),
                params.iterations(),
                params.parallelism()
            ),
            (19 * 1024, 2, 1)
        );
    }
}
