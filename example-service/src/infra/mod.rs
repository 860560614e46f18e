//! The infrastructure layer: the SQL implementation of the core's
//! [`crate::core::UserStore`] port, for SQLite and PostgreSQL through sqlx's
//! `Any` driver, with embedded migrations. It may use the core and nothing else
//! of this crate.

mod backend;
mod errors;
mod store;

pub use backend::Backend;
pub use errors::InfraError;
pub use store::{DbSettings, SqlUserStore};
