//! The infrastructure layer: the SQL implementation of the core's
//! [`crate::core::UserStore`] port, for SQLite and PostgreSQL through sqlx's
//! `Any` driver, with embedded migrations. It may use the core and nothing else
//! of this crate.

mod errors;
mod store;

pub use errors::InfraError;
pub use store::{Backend, DbSettings, SqlUserStore};
