//! The runtime's safety nets, end to end: a panicking handler is a JSON `500`
//! and the server keeps serving; the panic hook logs the panic; a slow request
//! is cut off with a JSON `503`; shutdown is graceful.
//!
//! The routes that panic or hang exist only here: they are added through
//! `App::router_with`, so the production binary has no way to reach them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use common::{user_body, Backend, TestServer};
use example_service::runtime::{telemetry, AppState};
use tokio::sync::Notify;

on_both_backends!(
    a_panicking_handler_is_a_json_500_and_the_server_keeps_serving,
    a_slow_request_is_cut_off_with_a_json_503,
    shutdown_lets_in_flight_requests_finish,
);

/// Log lines written by the tracing subscriber of this test binary (and echoed
/// to the captured stderr so that a failing test shows them).
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&logs);
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || Tee(Arc::clone(&sink)))
            .init();
        telemetry::install_panic_hook();
        logs
    })
    .clone()
}

struct Tee(Arc<Mutex<Vec<u8>>>);

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        // `eprint!`, not `io::stderr()`: the test harness captures the former.
        eprint!("{}", String::from_utf8_lossy(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Routes only these tests add. `started` is notified when `/test/brief` begins.
fn test_routes(started: Arc<Notify>) -> Router<AppState> {
    Router::new()
        .route(
            "/test/panic",
            get(|| async {
                let values: Vec<u32> = Vec::new();
                // A real bug, the kind the linter exists for: indexing an empty Vec.
                values[3].to_string()
            }),
        )
        .route(
            "/test/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "too late"
            }),
        )
        .route(
            "/test/brief",
            get(move || {
                let started = Arc::clone(&started);
                async move {
                    started.notify_one();
                    tokio::time::sleep(Duration::from_millis(700)).await;
                    "done"
                }
            }),
        )
}

async fn a_panicking_handler_is_a_json_500_and_the_server_keeps_serving(backend: Backend) {
    let logs = captured_logs();
    let Some(server) = TestServer::start_with(backend, |_| {}, test_routes(Arc::default())).await
    else {
        return;
    };
    for _ in 0..3 {
        let answer = server.get("/test/panic").await;
        answer.expect_error(500, "internal");
        assert_eq!(answer.json["message"], "internal server error");
        assert!(
            !answer.text.contains("index out of bounds"),
            "no panic details leak: {answer:?}"
        );

        // The next requests are served normally.
        assert_eq!(server.get("/health").await.status, 200);
    }
    let created = server.register(&user_body("ann", "ann@example.com")).await;
    assert_eq!(created.status, 201, "{created:?}");

    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("panic"), "the panic hook logged: {logs}");
    assert!(
        logs.contains("index out of bounds"),
        "with its message: {logs}"
    );
    assert!(logs.contains("boundaries.rs"), "and its location: {logs}");
    server.stop().await;
}

async fn a_slow_request_is_cut_off_with_a_json_503(backend: Backend) {
    let Some(server) = TestServer::start_with(
        backend,
        |config| config.request_timeout = Duration::from_millis(300),
        test_routes(Arc::default()),
    )
    .await
    else {
        return;
    };
    let started = Instant::now();
    let answer = server.get("/test/slow").await;
    answer.expect_error(503, "timeout");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cut off, not waited out"
    );
    assert_eq!(server.get("/health").await.status, 200);
    server.stop().await;
}

async fn shutdown_lets_in_flight_requests_finish(backend: Backend) {
    let started = Arc::new(Notify::new());
    let Some(server) =
        TestServer::start_with(backend, |_| {}, test_routes(Arc::clone(&started))).await
    else {
        return;
    };
    let client = server.client.clone();
    let url = server.url("/test/brief");
    let in_flight = tokio::spawn(async move { client.get(url).send().await });
    // Shut down only once the handler is running.
    started.notified().await;
    let addr = server.addr;
    server.stop().await;
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request was answered");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "done");
    // And the port no longer accepts connections.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
