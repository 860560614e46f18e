//! The rule API, the bottom layer: what a rule is and everything it may see.
//!
//! Rules, the engine, the reporters and the CLI all build on these types; this
//! module imports none of them. It holds plain data (positions, ids, levels, the
//! facts a file yields, the layers), the [`rule::Rule`] trait with its sinks, the
//! [`view::WorkspaceView`] that workspace rules read, and helpers that turn syn's
//! token spans into [`diagnostic::Span`]s.

pub mod calls;
pub mod diagnostic;
pub mod facts;
pub mod layers;
pub mod lint;
pub mod rule;
pub mod span;
pub mod view;

pub use diagnostic::{FileId, Pos, Severity, Span};

/// A name, path segment or path in a file's facts: up to 23 bytes it is stored
/// inline, so that a file's facts cost few allocations to build, decode and drop
/// (identifiers are short; a large workspace's facts hold millions of them).
pub type Name = smol_str::SmolStr;
pub use lint::{ClippyLint, Lints};
pub use rule::{
    Known, Level, MacroCall, Rule, RuleId, RuleKind, Site, SiteContext, SiteSink, WorkspaceSink,
    WorkspaceSite,
};
