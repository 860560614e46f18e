//! The infrastructure's errors: [`InfraError`] for a store that cannot be set
//! up, and the mapping by which every sqlx failure becomes a [`RepoError`]: the
//! core never sees sqlx.

use std::borrow::Cow;

use crate::core::RepoError;

use super::backend::Backend;

/// Why the store could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum InfraError {
    /// `DATABASE_URL` does not parse.
    #[error("invalid database URL: {0}")]
    Url(String),
    /// `DATABASE_URL` names a database this service does not support.
    #[error("unsupported database URL scheme `{0}`: use `sqlite:` or `postgres:`")]
    Scheme(String),
    /// The database could not be reached at start-up.
    #[error("cannot open the database: {0}")]
    Connect(RepoError),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migrate(String),
}

/// Where in an operation a failure happened: while getting a connection
/// (everything is "the database is not there") or while running a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Acquire,
    Statement,
}

/// Maps a sqlx error to the port's error.
pub(crate) fn map_sqlx_error(err: sqlx::Error, phase: Phase, backend: &Backend) -> RepoError {
    match err {
        sqlx::Error::PoolTimedOut => {
            RepoError::Timeout("no database connection became available in time".to_owned())
        }
        sqlx::Error::PoolClosed => {
            RepoError::Unavailable("the connection pool is closed".to_owned())
        }
        sqlx::Error::Io(io) => RepoError::Unavailable(format!("I/O error: {io}")),
        sqlx::Error::Tls(tls) => RepoError::Unavailable(format!("TLS error: {tls}")),
        sqlx::Error::Protocol(detail) => {
            RepoError::Unavailable(format!("protocol error: {detail}"))
        }
        sqlx::Error::WorkerCrashed => {
            RepoError::Unavailable("the database worker thread stopped".to_owned())
        }
        sqlx::Error::Database(db) => {
            if db.is_unique_violation() {
                return RepoError::AlreadyExists;
            }
            let code = db.code().map(Cow::into_owned).unwrap_or_default();
            let detail = format!("database error {code}: {}", db.message());
            match classify_code(&code, backend) {
                CodeClass::Timeout => RepoError::Timeout(detail),
                CodeClass::Unavailable => RepoError::Unavailable(detail),
                CodeClass::Other if phase == Phase::Acquire => RepoError::Unavailable(detail),
                CodeClass::Other => RepoError::Other(detail),
            }
        }
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::Decode(_)
        | sqlx::Error::TypeNotFound { .. } => RepoError::Corrupt(err.to_string()),
        other if phase == Phase::Acquire => RepoError::Unavailable(other.to_string()),
        other => RepoError::Other(other.to_string()),
    }
}

enum CodeClass {
    Timeout,
    Unavailable,
    Other,
}

fn classify_code(code: &str, backend: &Backend) -> CodeClass {
    match backend {
        Backend::Postgres => classify_sqlstate(code),
        Backend::Sqlite { .. } => classify_sqlite(code),
    }
}

/// PostgreSQL SQLSTATEs that mean "not now" rather than "wrong query".
fn classify_sqlstate(code: &str) -> CodeClass {
    match code {
        // query_canceled (statement_timeout), lock_not_available
        "57014" | "55P03" => CodeClass::Timeout,
        // invalid_catalog_name: the database was dropped or never created
        "3D000" => CodeClass::Unavailable,
        // connection exceptions, insufficient resources, operator intervention
        // (admin shutdown, crash shutdown, cannot connect now), system errors
        _ if code.starts_with("08")
            || code.starts_with("53")
            || code.starts_with("57P")
            || code.starts_with("58") =>
        {
            CodeClass::Unavailable
        }
        _ => CodeClass::Other,
    }
}

/// SQLite result codes (sqlx reports the extended code; the primary code is its
/// low byte).
fn classify_sqlite(code: &str) -> CodeClass {
    const SQLITE_BUSY: i32 = 5;
    const SQLITE_LOCKED: i32 = 6;
    const SQLITE_READONLY: i32 = 8;
    const SQLITE_IOERR: i32 = 10;
    const SQLITE_CORRUPT: i32 = 11;
    const SQLITE_FULL: i32 = 13;
    const SQLITE_CANTOPEN: i32 = 14;
    const SQLITE_NOTADB: i32 = 26;
    let Ok(extended) = code.parse::<i32>() else {
        return CodeClass::Other;
    };
    match extended & 0xff {
        SQLITE_BUSY | SQLITE_LOCKED => CodeClass::Timeout,
        SQLITE_READONLY | SQLITE_IOERR | SQLITE_CORRUPT | SQLITE_FULL | SQLITE_CANTOPEN
        | SQLITE_NOTADB => CodeClass::Unavailable,
        _ => CodeClass::Other,
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

    #[test]
    fn pool_and_io_errors() {
        let pg = Backend::Postgres;
        assert!(matches!(
            map_sqlx_error(sqlx::Error::PoolTimedOut, Phase::Acquire, &pg),
            RepoError::Timeout(_)
        ));
        assert!(matches!(
            map_sqlx_error(sqlx::Error::PoolClosed, Phase::Acquire, &pg),
            RepoError::Unavailable(_)
        ));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(matches!(
            map_sqlx_error(sqlx::Error::Io(refused), Phase::Statement, &pg),
            RepoError::Unavailable(_)
        ));
        assert!(matches!(
            map_sqlx_error(sqlx::Error::RowNotFound, Phase::Statement, &pg),
            RepoError::Other(_)
        ));
        assert!(matches!(
            map_sqlx_error(
                sqlx::Error::Configuration("bad".into()),
                Phase::Acquire,
                &pg
            ),
            RepoError::Unavailable(_)
        ));
    }

    #[test]
    fn codes() {
        assert!(matches!(classify_sqlstate("08006"), CodeClass::Unavailable));
        assert!(matches!(classify_sqlstate("57P01"), CodeClass::Unavailable));
        assert!(matches!(classify_sqlstate("57014"), CodeClass::Timeout));
        assert!(matches!(classify_sqlstate("42P01"), CodeClass::Other));
        assert!(matches!(classify_sqlite("5"), CodeClass::Timeout));
        assert!(matches!(classify_sqlite("517"), CodeClass::Timeout)); // BUSY_SNAPSHOT
        assert!(matches!(classify_sqlite("14"), CodeClass::Unavailable));
        assert!(matches!(classify_sqlite("1032"), CodeClass::Unavailable)); // READONLY_DBMOVED
        assert!(matches!(classify_sqlite("1"), CodeClass::Other));
        assert!(matches!(classify_sqlite("x"), CodeClass::Other));
    }
}
