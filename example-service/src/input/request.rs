//! Request shapes and their validation.

use std::fmt;

use serde::Deserialize;

use crate::core::{Age, Email, FieldError, Password, UserId, Username, ValidCreateUser};

/// The body of `POST /users`, as the client sent it.
///
/// Every field is optional at this stage so that a missing or `null` field is
/// reported by validation (`400`, "is required") together with the other
/// problems, rather than by the JSON parser one at a time. A field of the wrong
/// JSON type (`"age": "ten"`) is a `422`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CreateUserRequest {
    /// The display name.
    pub username: Option<String>,
    /// The email address; unique per user.
    pub email: Option<String>,
    /// The password in clear text; only its hash is stored.
    pub password: Option<String>,
    /// Age in whole years.
    pub age: Option<i64>,
}

/// One or more field errors: the request is rejected with all of them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// The field errors, in field order.
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for err in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{err}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

fn required<T>(field: &'static str, value: Option<T>) -> Result<T, FieldError> {
    value.ok_or_else(|| FieldError::new(field, "is required"))
}

impl CreateUserRequest {
    /// Checks every field and builds the validated registration, or reports every
    /// field that is wrong.
    pub fn validate(self) -> Result<ValidCreateUser, ValidationErrors> {
        let username = required("username", self.username).and_then(|raw| Username::parse(&raw));
        let email = required("email", self.email).and_then(|raw| Email::parse(&raw));
        let password = required("password", self.password).and_then(|raw| Password::parse(&raw));
        let age = required("age", self.age).and_then(Age::new);
        match (username, email, password, age) {
            (Ok(username), Ok(email), Ok(password), Ok(age)) => {
                Ok(ValidCreateUser::new(username, email, password, age))
            }
            (username, email, password, age) => Err(ValidationErrors(
                [username.err(), email.err(), password.err(), age.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            )),
        }
    }
}

/// Parses the `{id}` of `/users/{id}`.
pub fn parse_user_id(raw: &str) -> Result<UserId, FieldError> {
    UserId::parse(raw)
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

    fn full() -> CreateUserRequest {
        CreateUserRequest {
            username: Some("  ann ".into()),
            email: Some("Ann@Example.com".into()),
            password: Some("correct horse battery".into()),
            age: Some(30),
        }
    }

    #[test]
    fn a_good_request_validates_and_normalises() {
        let valid = full().validate().unwrap();
        assert_eq!(valid.username().as_str(), "ann");
        assert_eq!(valid.email().as_str(), "ann@example.com");
        assert_eq!(valid.age().years(), 30);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = CreateUserRequest::default().validate().unwrap_err();
        let fields: Vec<_> = errors.errors().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["username", "email", "password", "age"]);
        assert!(errors.errors().iter().all(|e| e.reason == "is required"));

        let errors = CreateUserRequest {
            age: Some(12),
            email: Some("nope".into()),
            ..full()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.errors().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "age"]);
        assert_eq!(
            errors.to_string(),
            "email: must contain an '@'; age: must be at least 13"
        );
    }
}
