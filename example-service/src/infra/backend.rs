//! [`Backend`]: which database is behind the pool. The store decides it at
//! start-up and the error mapping reads it to interpret the database's error
//! codes; neither of those modules owns it.

use std::path::PathBuf;

/// Which database is behind the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite database; `file` is its path, `None` for an in-memory database.
    Sqlite {
        /// The database file, made absolute at start-up.
        file: Option<PathBuf>,
    },
    /// A PostgreSQL server.
    Postgres,
}
