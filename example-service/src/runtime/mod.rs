//! The runtime: configuration, logging, the panic boundary, the HTTP server and
//! its shutdown. It wires the other three layers together and is the only one
//! that may use them all.

pub mod config;
pub mod hasher;
pub mod http;
pub mod telemetry;

use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use tokio::net::TcpListener;

use crate::core::UserService;
use crate::infra::{Backend, InfraError, SqlUserStore};

pub use config::{Config, ConfigError, LogFormat};
pub use hasher::BlockingHasher;
pub use http::{AppState, Service};

/// Why the service could not start or keep serving.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] InfraError),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The async runtime could not start, or the server loop failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// The binary's entry point: reads the environment, installs logging and the
/// panic hook, and serves until SIGINT or SIGTERM. Exit status 0 after a clean
/// shutdown, 1 when the service could not run, 2 for a bad setting.
pub fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("example-service: {err}");
            return ExitCode::from(2);
        }
    };
    if let Err(err) = telemetry::init_tracing(config.log_format) {
        eprintln!("example-service: logging not initialised: {err}");
    }
    telemetry::install_panic_hook();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "service stopped");
            ExitCode::FAILURE
        }
    }
}

/// Builds the application, binds `config.bind`, and serves until SIGINT/SIGTERM.
pub async fn run(config: Config) -> Result<(), StartupError> {
    let app = App::build(&config).await?;
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.bind,
            source,
        })?;
    app.serve(listener, shutdown_signal()).await
}

/// The wired application: store, hasher, service, router.
#[derive(Debug, Clone)]
pub struct App {
    state: AppState,
    store: SqlUserStore,
    config: Config,
}

impl App {
    /// Opens (and migrates) the database and wires the layers together.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let store = SqlUserStore::connect(&config.database).await?;
        let hasher = BlockingHasher::new(config.hashing.clone(), config.hash_concurrency);
        let state = AppState::new(UserService::new(store.clone(), hasher), config.body_limit);
        Ok(Self {
            state,
            store,
            config: config.clone(),
        })
    }

    /// The production router.
    pub fn router(&self) -> Router {
        self.router_with(Router::new())
    }

    /// The production router plus `extra` routes, which get every layer
    /// (timeout, catch-panic, tracing) the real routes get.
    pub fn router_with(&self, extra: Router<AppState>) -> Router {
        http::router(self.state.clone(), extra, self.config.request_timeout)
    }

    /// The store (for shutdown and diagnostics).
    pub fn store(&self) -> &SqlUserStore {
        &self.store
    }

    /// Serves the production router on `listener` until `shutdown` completes.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let router = self.router();
        self.serve_router(listener, router, shutdown).await
    }

    /// Serves `router` on `listener` until `shutdown` completes, then lets
    /// in-flight requests finish for up to the configured grace period, then
    /// closes the database pool.
    pub async fn serve_router(
        self,
        listener: TcpListener,
        router: Router,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let address = listener.local_addr()?;
        let database = match self.store.backend() {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres => "postgres",
        };
        tracing::info!(%address, database, "listening");

        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            let _receivers_gone = stopping_tx.send(true);
        };
        let grace = self.config.shutdown_grace;
        let grace_over = async move {
            if stopping_rx.wait_for(|stopping| *stopping).await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        let server = axum::serve(listener, router).with_graceful_shutdown(signal);
        let result = tokio::select! {
            result = server => result.map_err(StartupError::Io),
            () = grace_over => {
                tracing::warn!(grace_ms = grace.as_millis(), "grace period over: dropping open connections");
                Ok(())
            }
        };
        self.store.close().await;
        tracing::info!("stopped");
        result
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("received SIGINT"),
        () = terminate => tracing::info!("received SIGTERM"),
    }
}
