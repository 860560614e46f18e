//! The HTTP contract, end to end: a real server on a loopback port, a real
//! database, a real HTTP client. Every scenario runs on SQLite and, when
//! `TEST_POSTGRES_URL` is set, on PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{user_body, Backend, TestServer};
use serde_json::json;

on_both_backends!(
    register_then_fetch,
    every_validation_error_names_its_field,
    duplicate_email_is_409,
    unknown_or_malformed_id_is_404,
    malformed_json_is_400,
    wrong_types_are_422,
    oversized_body_is_413,
    missing_or_wrong_content_type_is_415,
    non_utf8_body_is_400,
    unknown_routes_and_methods_answer_json,
    health_is_200_when_the_database_answers,
);

async fn register_then_fetch(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };

    let created = server
        .register(&json!({
            "username": "  Ann  ",
            "email": "Ann@Example.COM",
            "password": "correct horse battery staple",
            "age": 13,
        }))
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert!(created.content_type.starts_with("application/json"));
    let body = created.json.as_object().unwrap();
    let mut keys: Vec<_> = body.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["email", "id", "username"],
        "exactly these fields: {body:?}"
    );
    assert_eq!(body["username"], "Ann");
    assert_eq!(body["email"], "ann@example.com");
    let id = body["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/users/{id}").as_str())
    );
    assert!(
        !created.text.contains("correct horse"),
        "no password in {created:?}"
    );
    assert!(!created.text.contains("argon2"), "no hash in {created:?}");

    let fetched = server.get(&format!("/users/{id}")).await;
    assert_eq!(fetched.status, 200, "{fetched:?}");
    assert_eq!(fetched.json, created.json);

    // Stored: a real, salted Argon2id hash, never the password.
    let hash = server.db.password_hash_of("ann@example.com").await;
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(!hash.contains("correct horse"));

    server.stop().await;
}

async fn every_validation_error_names_its_field(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let ok = user_body("ann", "ann@example.com");
    let with = |field: &str, value: serde_json::Value| {
        let mut body = ok.clone();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = ok.clone();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let cases: Vec<(serde_json::Value, &str, &str)> = vec![
        (without("username"), "username", "is required"),
        (with("username", json!(null)), "username", "is required"),
        (with("username", json!("")), "username", "must not be empty"),
        (
            with("username", json!("   \t ")),
            "username",
            "must not be empty",
        ),
        (
            with("username", json!("x".repeat(33))),
            "username",
            "must be at most 32 characters",
        ),
        (
            with("username", json!("a\u{7}b")),
            "username",
            "must not contain control characters",
        ),
        (without("email"), "email", "is required"),
        (with("email", json!("")), "email", "must not be empty"),
        (
            with("email", json!("ann.example.com")),
            "email",
            "must contain an '@'",
        ),
        (
            with("email", json!("ann@@example.com")),
            "email",
            "must contain exactly one '@'",
        ),
        (
            with("email", json!("@example.com")),
            "email",
            "must have a name before the '@'",
        ),
        (
            with("email", json!("ann@localhost")),
            "email",
            "must have a domain with a dot after the '@' (like example.com)",
        ),
        (
            with("email", json!("ann@example..com")),
            "email",
            "the domain after the '@' is not well formed",
        ),
        (
            with("email", json!("an n@example.com")),
            "email",
            "must not contain spaces or control characters",
        ),
        (
            with("email", json!(format!("{}@example.com", "a".repeat(250)))),
            "email",
            "must be at most 254 characters",
        ),
        (without("password"), "password", "is required"),
        (
            with("password", json!("short")),
            "password",
            "must be at least 8 characters",
        ),
        (
            with("password", json!("p".repeat(129))),
            "password",
            "must be at most 128 characters",
        ),
        (without("age"), "age", "is required"),
        (with("age", json!(12)), "age", "must be at least 13"),
        (with("age", json!(-1)), "age", "must be at least 13"),
        (with("age", json!(151)), "age", "must be at most 150"),
    ];
    for (body, field, reason) in cases {
        let answer = server.register(&body).await;
        answer.expect_error(400, "validation_failed");
        assert_eq!(
            answer.fields(),
            vec![(field.to_owned(), reason.to_owned())],
            "for {body}"
        );
    }

    // All problems at once, in field order.
    let answer = server.register(&json!({})).await;
    answer.expect_error(400, "validation_failed");
    let fields: Vec<String> = answer
        .fields()
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(fields, ["username", "email", "password", "age"]);

    assert_eq!(server.db.count_users().await.0, 0, "nothing was stored");
    server.stop().await;
}

async fn duplicate_email_is_409(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let first = server.register(&user_body("ann", "ann@example.com")).await;
    assert_eq!(first.status, 201);
    for email in ["ann@example.com", "ANN@example.com", "  ann@EXAMPLE.com "] {
        let again = server.register(&user_body("another ann", email)).await;
        again.expect_error(409, "conflict");
        assert_eq!(
            again.fields(),
            [("email".to_owned(), "is already registered".to_owned())]
        );
    }
    let other = server.register(&user_body("ann", "ann2@example.com")).await;
    assert_eq!(other.status, 201, "same username, other email is fine");
    assert_eq!(server.db.count_users().await, (2, 2));
    server.stop().await;
}

async fn unknown_or_malformed_id_is_404(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let unknown = server
        .get(&format!("/users/{}", uuid::Uuid::new_v4()))
        .await;
    unknown.expect_error(404, "not_found");
    for path in ["/users/not-a-uuid", "/users/%FF%FE", "/users/1"] {
        server.get(path).await.expect_error(404, "not_found");
    }
    server.stop().await;
}

async fn malformed_json_is_400(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    for body in [
        "",
        "{",
        "{\"username\": \"ann\",}",
        "{'username': 'ann'}",
        "not json",
        "{\"username\": \"ann\"} trailing",
    ] {
        let answer = server.register_raw(body, Some("application/json")).await;
        answer.expect_error(400, "malformed_json");
        assert!(
            answer.json["message"]
                .as_str()
                .unwrap()
                .starts_with("the request body is not valid JSON"),
            "{answer:?}"
        );
    }
    server.stop().await;
}

async fn wrong_types_are_422(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let cases = [
        (
            json!({"username": "ann", "email": "ann@example.com", "password": "correct horse", "age": "thirty"}),
            "age",
        ),
        (
            json!({"username": "ann", "email": "ann@example.com", "password": "correct horse", "age": 30.5}),
            "age",
        ),
        (
            json!({"username": 42, "email": "ann@example.com", "password": "correct horse", "age": 30}),
            "username",
        ),
        (
            json!({"username": "ann", "email": ["ann@example.com"], "password": "correct horse", "age": 30}),
            "email",
        ),
        (
            json!({"username": "ann", "email": "ann@example.com", "password": {"x": 1}, "age": 30}),
            "password",
        ),
        (
            json!({"username": "ann", "email": "ann@example.com", "password": "correct horse", "age": 1e40}),
            "age",
        ),
    ];
    for (body, field) in cases {
        let answer = server.register(&body).await;
        answer.expect_error(422, "invalid_type");
        let fields = answer.fields();
        assert_eq!(fields.len(), 1, "{answer:?}");
        assert_eq!(fields[0].0, field, "{answer:?}");
        assert!(
            fields[0].1.starts_with("invalid type") || fields[0].1.starts_with("invalid value"),
            "{answer:?}"
        );
    }
    // Not an object at all.
    let answer = server
        .register_raw("\"ann\"", Some("application/json"))
        .await;
    answer.expect_error(422, "invalid_type");
    assert_eq!(server.db.count_users().await.0, 0);
    server.stop().await;
}

async fn oversized_body_is_413(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let limit = common::test_config("sqlite::memory:").body_limit;

    // Announced with Content-Length: rejected before the body is read.
    let mut body = user_body("ann", "ann@example.com");
    body["padding"] = json!("x".repeat(limit));
    server
        .register(&body)
        .await
        .expect_error(413, "payload_too_large");

    // Exactly at the limit is fine (as far as size goes).
    let small = serde_json::to_string(&user_body("ann", "ann@example.com")).unwrap();
    let padded = format!("{small:<limit$}");
    assert_eq!(padded.len(), limit);
    let answer = server.register_raw(padded, Some("application/json")).await;
    assert_eq!(answer.status, 201, "{answer:?}");

    // Chunked, no Content-Length: counted while reading.
    let chunk = "x".repeat(4096);
    let mut request = String::from(
        "POST /users HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    );
    for _ in 0..(limit / 4096 + 2) {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    let answer = server.raw_http(request.as_bytes()).await;
    answer.expect_error(413, "payload_too_large");

    assert_eq!(server.db.count_users().await.0, 1);
    server.stop().await;
}

async fn missing_or_wrong_content_type_is_415(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let body = serde_json::to_string(&user_body("ann", "ann@example.com")).unwrap();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/xml"),
        Some("application/json; charset=iso-8859-1"),
    ] {
        let answer = server.register_raw(body.clone(), content_type).await;
        answer.expect_error(415, "unsupported_media_type");
    }
    let answer = server
        .register_raw(body, Some("application/json; charset=UTF-8"))
        .await;
    assert_eq!(answer.status, 201, "{answer:?}");
    server.stop().await;
}

async fn non_utf8_body_is_400(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let mut body = br#"{"username": "ann"#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    body.extend_from_slice(
        br#"", "email": "ann@example.com", "password": "correct horse", "age": 30}"#,
    );
    let answer = server.register_raw(body, Some("application/json")).await;
    answer.expect_error(400, "invalid_encoding");
    assert_eq!(server.db.count_users().await.0, 0);
    server.stop().await;
}

async fn unknown_routes_and_methods_answer_json(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    server.get("/nope").await.expect_error(404, "not_found");
    let answer = common::Answer::read(
        server
            .client
            .delete(server.url("/users"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    answer.expect_error(405, "method_not_allowed");
    server.stop().await;
}

async fn health_is_200_when_the_database_answers(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let answer = server.get("/health").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json, json!({"status": "ok", "database": "up"}));
    server.stop().await;
}
