//! [`SqlUserStore`]: users in SQLite or PostgreSQL. Owns the connection
//! settings ([`DbSettings`]), the pool, start-up (drivers, SQLite preparation,
//! migrations) and the SQL behind each [`UserStore`] operation.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Connection as _, Executor as _, Row as _};

use crate::core::{
    Age, Email, NewUserRecord, RepoError, Timestamp, User, UserId, UserStore, Username,
};

use super::backend::Backend;
use super::errors::{map_sqlx_error, InfraError, Phase};

/// The schema, embedded at compile time; the same files serve both databases.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How to reach the database and size the pool. Built by the runtime from its
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSettings {
    /// `sqlite://path?mode=rwc` or `postgres://user:pass@host:port/db`.
    pub url: String,
    /// Most connections open at once. SQLite allows one writer at a time, so
    /// one connection there makes writers queue fairly in the pool instead of
    /// spinning in SQLite's busy handler.
    pub max_connections: u32,
    /// How long a request waits for a connection before it is a `Timeout`.
    pub acquire_timeout: Duration,
    /// Close connections idle this long.
    pub idle_timeout: Option<Duration>,
    /// Replace connections this old.
    pub max_lifetime: Option<Duration>,
}

/// The SQL implementation of [`UserStore`]. Cheap to clone (the pool is shared).
///
/// Recovery after an outage needs no restart: every connection is pinged before
/// use and replaced when it is broken, so once the database is back the next
/// request gets a fresh connection.
#[derive(Debug, Clone)]
pub struct SqlUserStore {
    pool: AnyPool,
    backend: Arc<Backend>,
}

fn install_drivers() {
    // Installing twice (several stores in one process, as in tests) is an error
    // we do not care about: the same drivers are already there.
    let _already_installed =
        sqlx::any::install_drivers(&[sqlx::postgres::any::DRIVER, sqlx::sqlite::any::DRIVER]);
}

impl SqlUserStore {
    /// Opens the database named by `settings.url`, creating a SQLite file if the
    /// URL asks for it (`mode=rwc`), and applies pending migrations.
    pub async fn connect(settings: &DbSettings) -> Result<Self, InfraError> {
        install_drivers();
        let options = AnyConnectOptions::from_str(&settings.url)
            .map_err(|err| InfraError::Url(err.to_string()))?;
        let scheme = options.database_url.scheme().to_owned();
        let (backend, serving_options) = match scheme.as_str() {
            "sqlite" => prepare_sqlite(&settings.url, options).await?,
            "postgres" | "postgresql" => (Backend::Postgres, options),
            _ => return Err(InfraError::Scheme(scheme)),
        };
        let backend = Arc::new(backend);

        // `idle_timeout` and `max_lifetime` start sqlx's reaper, which can spin a
        // worker at full CPU for good: it loops over `0..num_idle()` while a
        // connection being released can leave that count wrapped below zero (sqlx
        // #3645; the fix, #4289, is in no release yet). It hung this service's tests
        // once. A SQLite pool is one connection to a local file, with nothing to
        // reap, so it starts no reaper.
        let reaps = !matches!(backend.as_ref(), Backend::Sqlite { .. });
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .min_connections(0)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(settings.idle_timeout.filter(|_| reaps))
            .max_lifetime(settings.max_lifetime.filter(|_| reaps))
            .test_before_acquire(true);
        if let Backend::Sqlite { file: Some(file) } = backend.as_ref() {
            // A SQLite connection keeps working on a database file that was
            // deleted or moved away, and every write after that is lost with
            // the orphaned file. Before a connection is handed out, check that
            // the file is still where it was; if not, the connection is closed
            // and reopening it fails: the store reports `Unavailable` until the
            // file is back.
            let file = file.clone();
            pool_options = pool_options.before_acquire(move |_conn, _meta| {
                let present = file.is_file();
                Box::pin(async move { Ok(present) })
            });
        }
        let pool = pool_options.connect_lazy_with(serving_options);

        let store = Self { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), InfraError> {
        // Migrations need a working connection: report "cannot connect" as such.
        self.ping().await.map_err(InfraError::Connect)?;
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|err| InfraError::Migrate(err.to_string()))
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Closes every connection; afterwards every operation is `Unavailable`.
    /// For shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn acquire(&self) -> Result<PoolConnection<Any>, RepoError> {
        self.pool
            .acquire()
            .await
            .map_err(|err| map_sqlx_error(err, Phase::Acquire, &self.backend))
    }

    fn statement_error(&self, err: sqlx::Error) -> RepoError {
        map_sqlx_error(err, Phase::Statement, &self.backend)
    }
}

/// SQLite: creates the file if asked (and only at start-up), switches it to
/// WAL, and returns options that never create the file again. A database that
/// disappears later is an outage to report, not an empty database to start over.
async fn prepare_sqlite(
    url: &str,
    options: AnyConnectOptions,
) -> Result<(Backend, AnyConnectOptions), InfraError> {
    let sqlite = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|err| InfraError::Url(err.to_string()))?;
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if in_memory {
        return Ok((Backend::Sqlite { file: None }, options));
    }
    let backend = Backend::Sqlite { file: None };
    let mut conn = sqlx::AnyConnection::connect_with(&options)
        .await
        .map_err(|err| InfraError::Connect(map_sqlx_error(err, Phase::Acquire, &backend)))?;
    // WAL lets readers work while one writer commits; the setting is stored in
    // the file, so once is enough.
    conn.execute("PRAGMA journal_mode = WAL")
        .await
        .map_err(|err| InfraError::Connect(map_sqlx_error(err, Phase::Statement, &backend)))?;
    conn.close()
        .await
        .map_err(|err| InfraError::Connect(map_sqlx_error(err, Phase::Statement, &backend)))?;

    let file = std::fs::canonicalize(sqlite.get_filename()).map_err(|err| {
        InfraError::Connect(RepoError::Unavailable(format!(
            "cannot resolve the database path {}: {err}",
            sqlite.get_filename().display()
        )))
    })?;
    Ok((Backend::Sqlite { file: Some(file) }, never_create(options)))
}

/// The same options with `mode=rwc` turned into `mode=rw`.
fn never_create(mut options: AnyConnectOptions) -> AnyConnectOptions {
    let pairs: Vec<(String, String)> = options
        .database_url
        .query_pairs()
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if pairs.is_empty() {
        return options;
    }
    {
        let mut query = options.database_url.query_pairs_mut();
        query.clear();
        for (key, value) in &pairs {
            if key == "mode" && value == "rwc" {
                query.append_pair(key, "rw");
            } else {
                query.append_pair(key, value);
            }
        }
    }
    options
}

const INSERT_USER: &str =
    "INSERT INTO users (id, username, email, password_hash, age, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
const SELECT_USER: &str = "SELECT id, username, email, age, created_at FROM users WHERE id = $1";

impl UserStore for SqlUserStore {
    async fn insert(&self, record: &NewUserRecord) -> Result<(), RepoError> {
        let user = record.user();
        let mut conn = self.acquire().await?;
        sqlx::query(INSERT_USER)
            .bind(user.id().to_string())
            .bind(user.username().as_str().to_owned())
            .bind(user.email().as_str().to_owned())
            .bind(record.password_hash().as_str().to_owned())
            .bind(user.age().years())
            .bind(user.created_at().unix_seconds())
            .execute(&mut *conn)
            .await
            .map_err(|err| self.statement_error(err))?;
        Ok(())
    }

    async fn find(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let mut conn = self.acquire().await?;
        let row = sqlx::query(SELECT_USER)
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|err| self.statement_error(err))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let get_text = |column: &str| -> Result<String, RepoError> {
            row.try_get::<String, _>(column)
                .map_err(|err| self.statement_error(err))
        };
        let get_int = |column: &str| -> Result<i64, RepoError> {
            row.try_get::<i64, _>(column)
                .map_err(|err| self.statement_error(err))
        };
        let corrupt =
            |err: crate::core::FieldError| RepoError::Corrupt(format!("user {id}: {err}"));
        let user = User::new(
            UserId::parse(&get_text("id")?).map_err(corrupt)?,
            Username::parse(&get_text("username")?).map_err(corrupt)?,
            Email::parse(&get_text("email")?).map_err(corrupt)?,
            Age::new(get_int("age")?).map_err(corrupt)?,
            Timestamp::from_unix_seconds(get_int("created_at")?),
        );
        Ok(Some(user))
    }

    async fn ping(&self) -> Result<(), RepoError> {
        let mut conn = self.acquire().await?;
        conn.execute("SELECT 1")
            .await
            .map_err(|err| self.statement_error(err))?;
        Ok(())
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
    fn never_create_turns_rwc_into_rw() {
        for (url, expected) in [
            (
                "sqlite://example-service.db?mode=rwc",
                "sqlite://example-service.db?mode=rw",
            ),
            (
                "sqlite:///tmp/x/users.db?mode=rwc",
                "sqlite:///tmp/x/users.db?mode=rw",
            ),
            (
                "sqlite:data.db?mode=rwc&cache=private",
                "sqlite:data.db?mode=rw&cache=private",
            ),
            ("sqlite://data.db", "sqlite://data.db"),
        ] {
            let options = never_create(AnyConnectOptions::from_str(url).unwrap());
            assert_eq!(options.database_url.as_str(), expected);
        }
    }
}
