//! Configuration from the environment, with defaults that run out of the box.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::core::{HashError, HashingParams};
use crate::infra::DbSettings;

/// The database used when `DATABASE_URL` is unset: a SQLite file in the working
/// directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://example-service.db?mode=rwc";

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Everything the service can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `HOST` and `PORT`: where to listen (default `127.0.0.1:3000`).
    pub bind: SocketAddr,
    /// `DATABASE_URL` and the `DB_*` pool settings.
    pub database: DbSettings,
    /// `REQUEST_TIMEOUT_MS`: longest a request may take before a `503` (default 10 s).
    pub request_timeout: Duration,
    /// `BODY_LIMIT_BYTES`: largest request body accepted (default 16 KiB).
    pub body_limit: usize,
    /// `SHUTDOWN_GRACE_MS`: how long in-flight requests get after SIGINT/SIGTERM (default 30 s).
    pub shutdown_grace: Duration,
    /// `ARGON2_MEMORY_KIB`, `ARGON2_ITERATIONS`, `ARGON2_PARALLELISM`
    /// (defaults 19456, 2, 1: OWASP's recommendation).
    pub hashing: HashingParams,
    /// `HASH_CONCURRENCY`: passwords hashed at once (default: the number of CPUs).
    /// Each hash holds `ARGON2_MEMORY_KIB` of memory, so this bounds memory too.
    pub hash_concurrency: usize,
    /// `LOG_FORMAT`: `text` (default) or `json`. Levels come from `RUST_LOG`.
    pub log_format: LogFormat,
}

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The value does not parse.
    #[error("{name}={value:?} is invalid: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What was expected.
        reason: String,
    },
    /// The Argon2 settings are out of range.
    #[error("invalid password hashing settings: {0}")]
    Hashing(HashError),
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3000),
            database: DbSettings {
                url: DEFAULT_DATABASE_URL.to_owned(),
                max_connections: 1,
                acquire_timeout: Duration::from_secs(5),
                idle_timeout: Some(Duration::from_secs(600)),
                max_lifetime: Some(Duration::from_secs(1800)),
            },
            request_timeout: Duration::from_secs(10),
            body_limit: 16 * 1024,
            shutdown_grace: Duration::from_secs(30),
            hashing: HashingParams::default(),
            hash_concurrency: default_hash_concurrency(),
            log_format: LogFormat::Text,
        }
    }
}

fn default_hash_concurrency() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    /// Unset or empty variables take their defaults.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let defaults = Self::default();

        let host: IpAddr = parse_or(&get, "HOST", defaults.bind.ip())?;
        let port: u16 = parse_or(&get, "PORT", defaults.bind.port())?;
        let url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let is_sqlite = url.starts_with("sqlite:");
        let max_connections = parse_or(&get, "DB_MAX_CONNECTIONS", if is_sqlite { 1 } else { 10 })?;
        let acquire_timeout = millis_or(
            &get,
            "DB_ACQUIRE_TIMEOUT_MS",
            defaults.database.acquire_timeout,
        )?;
        let idle_timeout =
            optional_millis(&get, "DB_IDLE_TIMEOUT_MS", defaults.database.idle_timeout)?;
        let max_lifetime =
            optional_millis(&get, "DB_MAX_LIFETIME_MS", defaults.database.max_lifetime)?;

        let default_hashing = HashingParams::default();
        let hashing = HashingParams::new(
            parse_or(&get, "ARGON2_MEMORY_KIB", default_hashing.memory_kib())?,
            parse_or(&get, "ARGON2_ITERATIONS", default_hashing.iterations())?,
            parse_or(&get, "ARGON2_PARALLELISM", default_hashing.parallelism())?,
        )
        .map_err(ConfigError::Hashing)?;

        let hash_concurrency: usize =
            parse_or(&get, "HASH_CONCURRENCY", defaults.hash_concurrency)?;
        if hash_concurrency == 0 {
            return Err(invalid("HASH_CONCURRENCY", "0", "must be at least 1"));
        }
        let body_limit: usize = parse_or(&get, "BODY_LIMIT_BYTES", defaults.body_limit)?;
        if body_limit == 0 {
            return Err(invalid("BODY_LIMIT_BYTES", "0", "must be at least 1"));
        }
        let log_format = match get("LOG_FORMAT").as_deref().map(str::trim) {
            None => defaults.log_format,
            Some(text) if text.eq_ignore_ascii_case("text") => LogFormat::Text,
            Some(text) if text.eq_ignore_ascii_case("json") => LogFormat::Json,
            Some(other) => return Err(invalid("LOG_FORMAT", other, "expected `text` or `json`")),
        };

        Ok(Self {
            bind: SocketAddr::new(host, port),
            database: DbSettings {
                url,
                max_connections,
                acquire_timeout,
                idle_timeout,
                max_lifetime,
            },
            request_timeout: millis_or(&get, "REQUEST_TIMEOUT_MS", defaults.request_timeout)?,
            body_limit,
            shutdown_grace: millis_or(&get, "SHUTDOWN_GRACE_MS", defaults.shutdown_grace)?,
            hashing,
            hash_concurrency,
            log_format,
        })
    }
}

fn invalid(name: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        name,
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

fn parse_or<T>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match get(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .map_err(|err: T::Err| invalid(name, &text, &err.to_string())),
    }
}

fn millis_or(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<u64>() {
            Ok(0) => Err(invalid(name, &text, "must be at least 1 millisecond")),
            Ok(ms) => Ok(Duration::from_millis(ms)),
            Err(err) => Err(invalid(name, &text, &err.to_string())),
        },
    }
}

/// Like [`millis_or`], but `0` turns the limit off.
fn optional_millis(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: Option<Duration>,
) -> Result<Option<Duration>, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<u64>() {
            Ok(0) => Ok(None),
            Ok(ms) => Ok(Some(Duration::from_millis(ms))),
            Err(err) => Err(invalid(name, &text, &err.to_string())),
        },
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

    use std::collections::HashMap;

    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_run_on_sqlite_without_setup() {
        let config = from(&[]).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database.url, DEFAULT_DATABASE_URL);
        assert_eq!(config.database.max_connections, 1);
        assert_eq!(config.hashing, HashingParams::default());
        assert_eq!(config.log_format, LogFormat::Text);
    }

    #[test]
    fn variables_override_defaults() {
        let config = from(&[
            ("HOST", "0.0.0.0"),
            ("PORT", "8080"),
            ("DATABASE_URL", "postgres://u@localhost/db"),
            ("REQUEST_TIMEOUT_MS", "1500"),
            ("BODY_LIMIT_BYTES", "100"),
            ("ARGON2_MEMORY_KIB", "64"),
            ("ARGON2_ITERATIONS", "1"),
            ("DB_MAX_LIFETIME_MS", "0"),
            ("LOG_FORMAT", "JSON"),
        ])
        .unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:8080");
        assert_eq!(config.database.max_connections, 10);
        assert_eq!(config.database.max_lifetime, None);
        assert_eq!(config.request_timeout, Duration::from_millis(1500));
        assert_eq!(config.body_limit, 100);
        assert_eq!(config.hashing.memory_kib(), 64);
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = from(&[("PORT", "eighty")]).unwrap_err();
        assert!(
            err.to_string().starts_with("PORT=\"eighty\" is invalid"),
            "{err}"
        );
        assert!(from(&[("ARGON2_ITERATIONS", "0")]).is_err());
        assert!(from(&[("REQUEST_TIMEOUT_MS", "0")]).is_err());
        assert!(from(&[("LOG_FORMAT", "xml")]).is_err());
        assert!(from(&[("BODY_LIMIT_BYTES", "0")]).is_err());
    }
}
