//! Faults and load, end to end: the database goes away and comes back while the
//! server runs; 500 concurrent registrations race for 50 emails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{user_body, Backend, TestServer};
use serde_json::json;

on_both_backends!(
    database_outage_is_503_and_recovers_without_restart,
    concurrent_registrations_neither_lose_nor_duplicate,
);

async fn database_outage_is_503_and_recovers_without_restart(backend: Backend) {
    // A short acquire timeout so that a dead database answers quickly.
    let Some(server) = TestServer::start_with(
        backend,
        |config| config.database.acquire_timeout = Duration::from_secs(2),
        axum::Router::new(),
    )
    .await
    else {
        return;
    };

    let before = server.register(&user_body("ann", "ann@example.com")).await;
    assert_eq!(before.status, 201, "{before:?}");
    let id = before.json["id"].as_str().unwrap().to_owned();
    assert_eq!(server.get("/health").await.status, 200);

    server.db.take_away().await;

    // Health says so, and every data request is a 503 with a JSON body.
    let health = server.get("/health").await;
    assert_eq!(health.status, 503, "{health:?}");
    assert_eq!(health.json["status"], "unavailable", "{health:?}");
    assert_eq!(health.json["database"], "down", "{health:?}");
    let read = server.get(&format!("/users/{id}")).await;
    read.expect_error(503, "unavailable");
    let write = server.register(&user_body("bob", "bob@example.com")).await;
    write.expect_error(503, "unavailable");
    assert_eq!(
        write.json["message"],
        "the database is unavailable; retry later"
    );

    // Still down on repeated tries: the pool does not hand out stale
    // connections, and does not make a new, empty database.
    for _ in 0..3 {
        assert_eq!(server.get("/health").await.status, 503);
    }
    assert_ne!(
        server.db.sqlite_file_exists(),
        Some(true),
        "no empty database was created in place of the missing one"
    );

    server.db.bring_back().await;

    // The same server, no restart: the pool reconnects on the next request.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let health = server.get("/health").await;
        if health.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "did not recover: {health:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let read = server.get(&format!("/users/{id}")).await;
    assert_eq!(
        read.status, 200,
        "data written before the outage is there: {read:?}"
    );
    let write = server.register(&user_body("bob", "bob@example.com")).await;
    assert_eq!(write.status, 201, "{write:?}");
    assert_eq!(server.db.count_users().await, (2, 2));

    server.stop().await;
}

async fn concurrent_registrations_neither_lose_nor_duplicate(backend: Backend) {
    const REQUESTS: usize = 500;
    const EMAILS: usize = 50;
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let server = Arc::new(server);

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..REQUESTS {
        let server = Arc::clone(&server);
        tasks.spawn(async move {
            let email = format!("user{}@load.example.com", i % EMAILS);
            let answer = server
                .register(&user_body(&format!("user {i}"), &email))
                .await;
            (answer.status.as_u16(), answer.json, email)
        });
    }
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut created_emails = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (status, body, email) = joined.unwrap();
        *statuses.entry(status).or_default() += 1;
        match status {
            201 => {
                assert_eq!(body["email"], json!(email));
                created_emails.push(email);
            }
            409 => assert_eq!(body["error"], "conflict"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    let elapsed = started.elapsed();
    println!("{REQUESTS} concurrent registrations in {elapsed:?}: {statuses:?}");

    assert_eq!(statuses.get(&201), Some(&EMAILS), "{statuses:?}");
    assert_eq!(
        statuses.get(&409),
        Some(&(REQUESTS - EMAILS)),
        "{statuses:?}"
    );
    created_emails.sort();
    created_emails.dedup();
    assert_eq!(created_emails.len(), EMAILS, "one 201 per email");
    assert_eq!(
        server.db.count_users().await,
        (
            i64::try_from(EMAILS).unwrap(),
            i64::try_from(EMAILS).unwrap()
        ),
        "exactly one row per email"
    );

    let server = Arc::into_inner(server).expect("all requests finished");
    server.stop().await;
}
