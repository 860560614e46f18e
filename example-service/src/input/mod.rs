//! The input layer: raw HTTP bodies in, validated domain types out.
//!
//! Request shapes ([`CreateUserRequest`]) derive `Deserialize` and live only
//! here. [`JsonBody`] reads a body under a size limit and checks its content type;
//! `validate` turns a shape into a [`crate::core::ValidCreateUser`] or a list of
//! field errors. Every rejection answers with the JSON [`ErrorBody`].

pub mod error_body;
pub mod extract;
pub mod request;

pub use error_body::{ErrorBody, FieldProblem};
pub use extract::{BodyLimit, InputRejection, JsonBody};
pub use request::{parse_user_id, CreateUserRequest, ValidationErrors};
