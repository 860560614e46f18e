//! The end-to-end harness: a real server on an ephemeral loopback port, a real
//! database (a SQLite file in a temp dir, or a fresh PostgreSQL database per
//! test when `TEST_POSTGRES_URL` is set), and a real HTTP client.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use example_service::core::HashingParams;
use example_service::runtime::{App, AppState, Config};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database behind one test server.
pub enum TestDb {
    Sqlite {
        /// Keeps the directory alive for the test; removed on drop.
        dir: tempfile::TempDir,
        /// The directory that holds the database file.
        db_dir: PathBuf,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    /// A fresh, empty database, or `None` (after saying so) when the backend is
    /// not available.
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let db_dir = dir.path().join("data");
                std::fs::create_dir(&db_dir).unwrap();
                let url = format!("sqlite://{}/users.db?mode=rwc", db_dir.display());
                Some(Self::Sqlite { dir, db_dir, url })
            }
            Backend::Postgres => {
                let Some(admin_url) = std::env::var("TEST_POSTGRES_URL")
                    .ok()
                    .filter(|url| !url.trim().is_empty())
                else {
                    // CI says PostgreSQL is required: a skip there would be a silent pass.
                    assert!(
                        std::env::var_os("REQUIRE_POSTGRES").is_none(),
                        "REQUIRE_POSTGRES is set but TEST_POSTGRES_URL is not: the PostgreSQL \
                         variant must run here"
                    );
                    println!(
                        "skipped: TEST_POSTGRES_URL is not set, so this PostgreSQL variant did not run \
                         (run it with `bash example-service/scripts/with-postgres.sh cargo test -p example-service`)"
                    );
                    return None;
                };
                let name = format!("es_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to TEST_POSTGRES_URL");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let mut url = reqwest::Url::parse(&admin_url).unwrap();
                url.set_path(&format!("/{name}"));
                Some(Self::Postgres {
                    admin_url,
                    name,
                    url: url.to_string(),
                })
            }
        }
    }

    /// Whether a SQLite database file exists where the server expects it.
    pub fn sqlite_file_exists(&self) -> Option<bool> {
        match self {
            Self::Sqlite { db_dir, .. } => Some(db_dir.join("users.db").exists()),
            Self::Postgres { .. } => None,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// Rows in `users`, counted over a separate connection.
    pub async fn count_users(&self) -> (i64, i64) {
        let sql = "SELECT COUNT(*), COUNT(DISTINCT email) FROM users";
        match self {
            Self::Sqlite { .. } => {
                let mut conn = sqlx::SqliteConnection::connect(self.url()).await.unwrap();
                let row: (i64, i64) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                row
            }
            Self::Postgres { url, .. } => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                let row: (i64, i64) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                row
            }
        }
    }

    /// The stored password hash of a user, read directly.
    pub async fn password_hash_of(&self, email: &str) -> String {
        let sql = "SELECT password_hash FROM users WHERE email = $1";
        match self {
            Self::Sqlite { .. } => {
                let mut conn = sqlx::SqliteConnection::connect(self.url()).await.unwrap();
                let (hash,): (String,) = sqlx::query_as(sql)
                    .bind(email)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
                hash
            }
            Self::Postgres { url, .. } => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                let (hash,): (String,) = sqlx::query_as(sql)
                    .bind(email)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
                hash
            }
        }
    }

    /// Makes the database disappear for the running server.
    ///
    /// SQLite: the database file (with its `-wal` and `-shm` companions) is
    /// moved out of its directory, which stays, so a service that reopened with
    /// `mode=rwc` could silently create an empty database there. PostgreSQL:
    /// the database stops accepting connections and every open connection to
    /// it is terminated by the server.
    pub async fn take_away(&self) {
        match self {
            Self::Sqlite { dir, db_dir, .. } => {
                let away = dir.path().join("away");
                std::fs::create_dir(&away).unwrap();
                for name in ["users.db", "users.db-wal", "users.db-shm"] {
                    if db_dir.join(name).exists() {
                        std::fs::rename(db_dir.join(name), away.join(name)).unwrap();
                    }
                }
            }
            Self::Postgres {
                admin_url, name, ..
            } => {
                let mut admin = allow_connections(admin_url, name, false).await;
                // Terminate every connection to it, and wait (up to 5 s each)
                // until they are really gone.
                sqlx::query(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
                     WHERE datname = $1 AND pid <> pg_backend_pid()",
                )
                .bind(name)
                .execute(&mut admin)
                .await
                .unwrap();
                admin.close().await.unwrap();
            }
        }
    }

    /// Brings the database back.
    pub async fn bring_back(&self) {
        match self {
            Self::Sqlite { dir, db_dir, .. } => {
                let away = dir.path().join("away");
                for name in ["users.db", "users.db-wal", "users.db-shm"] {
                    if away.join(name).exists() {
                        std::fs::rename(away.join(name), db_dir.join(name)).unwrap();
                    }
                }
                std::fs::remove_dir(&away).unwrap();
            }
            Self::Postgres {
                admin_url, name, ..
            } => {
                let admin = allow_connections(admin_url, name, true).await;
                admin.close().await.unwrap();
            }
        }
    }

    /// Drops a PostgreSQL test database; SQLite's temp dir goes on drop.
    pub async fn destroy(self) {
        if let Self::Postgres {
            admin_url, name, ..
        } = self
        {
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await
            .unwrap();
            admin.close().await.unwrap();
        }
    }
}

/// The configuration tests use: the real defaults, except cheap (but real,
/// salted) Argon2 and generous timeouts so that a slow CI machine does not
/// turn into flaky 503s.
pub fn test_config(database_url: &str) -> Config {
    let defaults = Config::default();
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database: example_service::infra::DbSettings {
            url: database_url.to_owned(),
            max_connections: if database_url.starts_with("sqlite:") {
                1
            } else {
                10
            },
            acquire_timeout: Duration::from_secs(30),
            ..defaults.database.clone()
        },
        request_timeout: Duration::from_secs(60),
        shutdown_grace: Duration::from_secs(5),
        hashing: HashingParams::new(64, 1, 1).unwrap(),
        hash_concurrency: 2,
        ..defaults
    }
}

/// A running server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<()>,
}

impl TestServer {
    /// The production router on a fresh database, or `None` when skipped.
    pub async fn start(backend: Backend) -> Option<Self> {
        Self::start_with(backend, |_| {}, Router::new()).await
    }

    /// A server whose configuration is adjusted by `tweak` and whose router has
    /// the `extra` (test-only) routes.
    pub async fn start_with(
        backend: Backend,
        tweak: impl FnOnce(&mut Config),
        extra: Router<AppState>,
    ) -> Option<Self> {
        let db = TestDb::create(backend).await?;
        let mut config = test_config(db.url());
        tweak(&mut config);
        let app = App::build(&config).await.expect("the app starts");
        let router = app.router_with(extra);
        let listener = tokio::net::TcpListener::bind(config.bind).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            app.serve_router(listener, router, async {
                let _ = rx.await;
            })
            .await
            .expect("the server runs and stops cleanly");
        });
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        Some(Self {
            addr,
            base: format!("http://{addr}"),
            client,
            db,
            shutdown: Some(tx),
            handle,
        })
    }

    /// Graceful shutdown, then the database goes away.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), &mut self.handle)
            .await
            .expect("the server stops within its grace period")
            .expect("the server task did not panic");
        self.db.destroy().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POST a JSON value to /users.
    pub async fn register(&self, body: &Value) -> Answer {
        let response = self
            .client
            .post(self.url("/users"))
            .json(body)
            .send()
            .await
            .unwrap();
        Answer::read(response).await
    }

    /// POST raw bytes to /users with an optional content type.
    pub async fn register_raw(
        &self,
        body: impl Into<reqwest::Body>,
        content_type: Option<&str>,
    ) -> Answer {
        let mut request = self.client.post(self.url("/users")).body(body);
        if let Some(content_type) = content_type {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        Answer::read(request.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        Answer::read(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// Sends bytes as they are over a fresh TCP connection and reads the answer
    /// (for requests a well-behaved client cannot make, like a chunked body
    /// that never ends within the limit).
    pub async fn raw_http(&self, request: &[u8]) -> Answer {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        stream.write_all(request).await.unwrap();
        let mut bytes = Vec::new();
        // The server may close before reading everything we sent; what it
        // answered before closing is what we check.
        let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut bytes)).await;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let status_line = text.lines().next().unwrap_or_default().to_owned();
        let code: u16 = status_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"))
            .parse()
            .unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let content_type = head
            .lines()
            .find_map(|line| {
                line.split_once(':')
                    .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                    .map(|(_, value)| value.trim().to_owned())
            })
            .unwrap_or_default();
        Answer {
            status: StatusCode::from_u16(code).unwrap(),
            content_type,
            json: serde_json::from_str(body).unwrap_or(Value::Null),
            text: body.to_owned(),
            location: None,
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub json: Value,
    pub text: String,
    pub location: Option<String>,
}

impl Answer {
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        let location = header(reqwest::header::LOCATION);
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            content_type,
            json,
            text,
            location,
        }
    }

    /// Asserts the status and that the body is a JSON error with this code;
    /// returns the body.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "status of {self:?}");
        assert!(
            self.content_type.starts_with("application/json"),
            "JSON content type in {self:?}"
        );
        assert_eq!(self.json["error"], code, "error code in {self:?}");
        assert!(self.json["message"].is_string(), "message in {self:?}");
        &self.json
    }

    /// The `fields` of an error body as `(field, reason)` pairs.
    pub fn fields(&self) -> Vec<(String, String)> {
        self.json["fields"]
            .as_array()
            .map(|fields| {
                fields
                    .iter()
                    .map(|f| {
                        (
                            f["field"].as_str().unwrap().to_owned(),
                            f["reason"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A valid registration body.
pub fn user_body(username: &str, email: &str) -> Value {
    serde_json::json!({
        "username": username,
        "email": email,
        "password": "correct horse battery staple",
        "age": 30,
    })
}

/// Generates one `#[tokio::test]` per backend for each scenario function
/// `async fn NAME(backend: Backend)`, in modules `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// Lets connections to a PostgreSQL test database in (or keeps them out), and
/// returns the admin connection that said so.
async fn allow_connections(admin_url: &str, name: &str, allow: bool) -> sqlx::PgConnection {
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {allow}"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    admin
}
