//! What a rule is: its id, its level, its kind, the hooks the engine calls, and the
//! sinks it reports into.
//!
//! A site rule is offered syntax nodes during the engine's one visit of a file and
//! reports [`Site`]s into a [`SiteSink`]; a workspace rule is called once per run with
//! a [`WorkspaceView`] and reports [`WorkspaceSite`]s. Neither sees the configuration
//! or an output format: the engine decides whether a rule runs, at what severity, and
//! what justifies a site.

use std::fmt;

use serde::{Deserialize, Serialize};
use syn::{ExprBinary, ExprCall, ExprIndex, ExprMethodCall, ExprPath, Macro};

use super::diagnostic::{FileId, Severity, Span};
use super::lint::Lints;
use super::span::Spines;
use super::view::WorkspaceView;

/// The stable, kebab-case rule ids of `../shared/contract.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    Unwrap,
    Expect,
    Indexing,
    Panic,
    Assert,
    Arithmetic,
    LayerViolation,
    ForbiddenCrate,
    UnvalidatedInput,
    MissingPanicBoundary,
    PanicAbortDefeatsCatch,
    ParseError,
    UnusedJustification,
    InternalError,
}

impl RuleId {
    /// Every id, in the order `rules` lists them.
    pub const ALL: [RuleId; 14] = [
        RuleId::Unwrap,
        RuleId::Expect,
        RuleId::Indexing,
        RuleId::Panic,
        RuleId::Assert,
        RuleId::Arithmetic,
        RuleId::LayerViolation,
        RuleId::ForbiddenCrate,
        RuleId::UnvalidatedInput,
        RuleId::MissingPanicBoundary,
        RuleId::PanicAbortDefeatsCatch,
        RuleId::ParseError,
        RuleId::UnusedJustification,
        RuleId::InternalError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::Unwrap => "unwrap",
            RuleId::Expect => "expect",
            RuleId::Indexing => "indexing",
            RuleId::Panic => "panic",
            RuleId::Assert => "assert",
            RuleId::Arithmetic => "arithmetic",
            RuleId::LayerViolation => "layer-violation",
            RuleId::ForbiddenCrate => "forbidden-crate",
            RuleId::UnvalidatedInput => "unvalidated-input",
            RuleId::MissingPanicBoundary => "missing-panic-boundary",
            RuleId::PanicAbortDefeatsCatch => "panic-abort-defeats-catch",
            RuleId::ParseError => "parse-error",
            RuleId::UnusedJustification => "unused-justification",
            RuleId::InternalError => "internal-error",
        }
    }

    /// The id spelled `id`, if there is one.
    pub fn parse(id: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == id)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A configured level: `deny` reports an error, `warn` a warning, `allow` nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Deny,
    Warn,
    Allow,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Deny => Some(Severity::Error),
            Level::Warn => Some(Severity::Warning),
            Level::Allow => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Allow => "allow",
        }
    }
}

/// Where a rule's findings come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A panic site in one file's code, found during the visit; justifiable.
    Site,
    /// An architecture rule over the whole workspace's facts.
    Workspace,
    /// The engine's own report about a file (it does not parse, a comment is unused,
    /// the tool failed).
    Tool,
}

/// A macro call as the visit sees it: the call and the last segment of its path.
pub struct MacroCall<'a> {
    pub mac: &'a Macro,
    pub name: &'a str,
}

/// One rule: what it is called, how it is documented, and what it looks at.
pub trait Rule: Sync {
    fn id(&self) -> RuleId;
    fn kind(&self) -> RuleKind;
    fn default_level(&self) -> Level;
    /// Whether a `// PANIC:` comment silences it by default.
    fn accepts_justification(&self) -> bool {
        false
    }
    /// Whether `[rules]` may set its level (the tool's own failures may not be hidden).
    fn configurable(&self) -> bool {
        true
    }
    /// Whether `justification.rules` may list it: site rules yes; architecture rules
    /// and the tool's own reports no (the fix for those is in code or config).
    fn can_be_justified(&self) -> bool {
        self.kind() == RuleKind::Site
    }
    /// One line for `rules` listings and SARIF short descriptions.
    /// The Clippy lints whose `#[allow]`/`#[expect]` justifies this rule's sites
    /// (a rule may choose others per site with [`SiteSink::site_with_lints`]).
    fn clippy_lints(&self) -> Lints {
        Lints::NONE
    }
    fn summary(&self) -> &'static str;
    /// The full documentation, in Markdown: what, why, example, how to fix, limitations.
    fn docs(&self) -> &'static str;

    fn method_call(&self, _call: &ExprMethodCall, _out: &mut SiteSink<'_>) {}
    fn index(&self, _expr: &ExprIndex, _out: &mut SiteSink<'_>) {}
    fn macro_call(&self, _call: &MacroCall<'_>, _out: &mut SiteSink<'_>) {}
    fn binary(&self, _expr: &ExprBinary, _out: &mut SiteSink<'_>) {}
    fn path(&self, _expr: &ExprPath, _out: &mut SiteSink<'_>) {}
    fn call(&self, _expr: &ExprCall, _out: &mut SiteSink<'_>) {}

    /// Whole-workspace rules: called once per run with every file's facts.
    fn workspace(&self, _view: &WorkspaceView<'_>, _out: &mut WorkspaceSink) {}
}

/// Where in the code a site is, as the engine's visit knows it.
#[derive(Clone, Copy, Debug)]
pub struct SiteContext<'a> {
    /// The module path of the code, `my_crate::a::b` (inline modules included).
    pub module: &'a str,
    /// The site is test code (checked because tests are in scope).
    pub in_test: bool,
    /// The function, method or other item the site sits in (`my_crate::a::Type::method`);
    /// closures belong to the function that writes them.
    pub item: Option<&'a str>,
    /// What the syntax around the site shows about values.
    pub known: &'a dyn Known,
    /// The first and last tokens of expressions, remembered for the file: ask it
    /// rather than [`super::span::expr_start`] for an operand that may be a
    /// long chain.
    pub spines: &'a Spines,
}

/// What the engine can tell a rule about values from the syntax around a site.
pub trait Known: std::fmt::Debug {
    /// The length of the array an expression is, when the code shows it.
    fn array_len(&self, expr: &syn::Expr) -> Option<u64>;
    /// The value of a constant integer expression (a literal, a const of the file).
    fn const_value(&self, expr: &syn::Expr) -> Option<u64>;
}

/// A panic site a site rule reported, before configuration applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub rule: RuleId,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// The module path of the code at the site.
    pub module: String,
    /// The owning item, see [`SiteContext::item`].
    pub item: Option<String>,
    pub in_test: bool,
    /// The justification comment that covers the site (an index the engine gives),
    /// whether or not the rule accepts one.
    pub justification: Option<u32>,
    /// The Clippy lints whose `#[allow]`/`#[expect]` justifies the site.
    pub lints: Lints,
    /// The lint attributes in the file that cover the site and allow one of its
    /// [`Site::lints`], innermost first (indices the engine gives).
    pub attributes: Vec<u32>,
}

/// What a site rule reports into.
pub struct SiteSink<'a> {
    rule: RuleId,
    lints: Lints,
    cx: SiteContext<'a>,
    out: &'a mut Vec<Site>,
}

impl<'a> SiteSink<'a> {
    /// A sink for the sites of `rule`, justified by `lints` unless a site says otherwise.
    pub fn new(
        rule: RuleId,
        lints: Lints,
        cx: SiteContext<'a>,
        out: &'a mut Vec<Site>,
    ) -> SiteSink<'a> {
        SiteSink {
            rule,
            lints,
            cx,
            out,
        }
    }

    /// Reports a panic site, justified by the rule's Clippy lints.
    pub fn site(&mut self, span: Span, message: impl Into<String>, help: Option<&str>) {
        self.site_with_lints(span, message, help, self.lints);
    }

    /// Reports a panic site that these Clippy lints justify.
    pub fn site_with_lints(
        &mut self,
        span: Span,
        message: impl Into<String>,
        help: Option<&str>,
        lints: Lints,
    ) {
        self.out.push(Site {
            rule: self.rule,
            span,
            message: message.into(),
            help: help.map(str::to_owned),
            module: self.cx.module.to_owned(),
            item: self.cx.item.map(str::to_owned),
            in_test: self.cx.in_test,
            justification: None,
            lints,
            attributes: Vec::new(),
        });
    }

    /// Where the node being offered sits.
    pub fn context(&self) -> &SiteContext<'a> {
        &self.cx
    }
}

/// A finding of a workspace rule, before its level applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSite {
    pub rule: RuleId,
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// The architecture layer of the code at the site, when one applies.
    pub layer: Option<String>,
}

/// What a workspace rule reports into.
#[derive(Default)]
pub struct WorkspaceSink {
    found: Vec<WorkspaceSite>,
}

impl WorkspaceSink {
    pub fn push(&mut self, site: WorkspaceSite) {
        self.found.push(site);
    }

    pub fn into_sites(self) -> Vec<WorkspaceSite> {
        self.found
    }
}
