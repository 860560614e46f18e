//! One file's analysis: parse, one visit of the syntax tree, dispatch to every
//! site rule, note which comment covers each site, gather the file's facts.
//!
//! [`analyze`] is a pure function from (source text, [`FileInput`]) to a
//! [`FileResult`]: no I/O, no configuration, no thread-local state left behind.
//! Its result is what the cache stores and what [`super::apply`] turns into
//! findings under a configuration.

use proc_macro2::Span as TokenSpan;
use serde::{Deserialize, Serialize};
use smol_str::ToSmolStr;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ImplItem, Item, Lit, Meta, Stmt, Token, TraitItem};

use crate::api::calls::{CallFacts, FnKind};
use crate::api::facts::{Facts, RawPath, RefKind};
use crate::api::span::Spines;
use crate::api::{
    span, Lints, MacroCall, Name, Pos, Rule, RuleId, RuleKind, Site, SiteContext, SiteSink, Span,
};
use crate::engine::arrays::Arrays;
use crate::engine::calls::CallsBuilder;
use crate::engine::facts::{
    derives_deserialize, ident_name, item_name, may_be_evidence, raw_path, runtime_evidence,
    use_leaves, use_tree_start, FactsBuilder, LeafName, TypePaths,
};
use crate::engine::justify::{Justification, Justifications};
use crate::engine::lint_attrs::{self, LintAttr};
use crate::engine::macros::{self, Piece};
use crate::engine::source::{self, BRACKET_WEIGHT};
use crate::rules;

/// Files nesting deeper than this ([`source::Scan::max_nesting`]: 6,000 brackets,
/// or 12,000 operators or keywords in a chain, or a mix) are refused before
/// parsing: the parser and the visitor recurse once per level.
pub const MAX_NESTING: u32 = 12_000;

/// What the analysis needs to know about a file besides its text. Everything here
/// changes the result, so all of it is part of the cache key.
#[derive(Clone, Copy, Debug)]
pub struct FileInput<'a> {
    /// The module path of the file, `my_crate::a::b`.
    pub module_path: &'a str,
    /// The whole file is test code (a test target, or reached through `#[cfg(test)] mod`).
    pub in_test: bool,
    /// Test code inside the file is visited too (`--include-tests`); otherwise it
    /// is skipped, and comments in it are left alone.
    pub include_tests: bool,
    /// Code that exists only in debug builds (`#[cfg(debug_assertions)]`,
    /// `if cfg!(debug_assertions) { .. }`) is visited too; otherwise it is skipped.
    pub include_debug: bool,
    /// The crate name of its package's library, if the package has one: a
    /// binary that names it calls the library.
    pub library: Option<&'a str>,
    /// The comment prefixes that justify a site (`PANIC:`).
    pub markers: &'a [String],
}

/// Everything one file yields, before any configuration applies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileResult {
    /// Every site of every site rule, in visit order; a file that cannot be parsed
    /// has one `parse-error` site.
    pub sites: Vec<Site>,
    /// The justification comments; [`Site::justification`] indexes them.
    pub justifications: Vec<Justification>,
    /// `mod name;` declarations whose files must be found and checked.
    pub mods: Vec<ModDecl>,
    /// The Clippy lint attributes ([`LintAttr`]) that [`Site::attributes`] index.
    pub lint_attrs: Vec<LintAttr>,
    /// What the whole-workspace rules need.
    pub facts: Facts,
    /// What the call graph needs (`engine::paths`).
    pub calls: CallFacts,
}

impl FileResult {
    /// A file that yields one `parse-error` site and nothing else.
    pub fn parse_error(
        module: &str,
        span: Span,
        message: String,
        help: Option<&str>,
    ) -> FileResult {
        FileResult {
            sites: vec![tool_site(RuleId::ParseError, module, span, message, help)],
            ..FileResult::default()
        }
    }

    /// The tool failed on the file.
    pub fn internal_error(module: &str, what: &str) -> FileResult {
        FileResult {
            sites: vec![tool_site(
                RuleId::InternalError,
                module,
                Span::point(Pos::START),
                format!("cargo-panicfree failed on this file: {what}"),
                Some("this is a bug in cargo-panicfree; please report it with the file"),
            )],
            ..FileResult::default()
        }
    }
}

/// A site the engine itself reports about a file.
pub fn tool_site(
    rule: RuleId,
    module: &str,
    span: Span,
    message: String,
    help: Option<&str>,
) -> Site {
    Site {
        rule,
        span,
        message,
        help: help.map(str::to_owned),
        module: module.to_owned(),
        item: None,
        in_test: false,
        justification: None,
        lints: crate::api::Lints::NONE,
        attributes: Vec::new(),
    }
}

/// A `mod name;` declaration (a module whose body is in another file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModDecl {
    pub name: String,
    /// The value of its `#[path = "..."]` attribute.
    pub path_attr: Option<String>,
    /// The inline modules (`mod a { mod b { mod name; } }`) it sits in, outermost first.
    pub inline: Vec<InlineMod>,
    /// It is test code (`#[cfg(test)]`, or inside test code).
    pub is_test: bool,
    /// The Clippy lint attributes around the declaration (its own included),
    /// outermost first: they cover the module's file too.
    pub attributes: Vec<LintAttr>,
    /// The `mod` item, for a finding when its file is missing.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlineMod {
    pub name: String,
    pub path_attr: Option<String>,
}

/// proc-macro2 remembers every file parsed on a thread so that spans can say where
/// they are; the analysis forgets them when it is done (or fails), so that its
/// caller has nothing to clean up and memory does not grow file after file.
struct ForgetSpans;

impl Drop for ForgetSpans {
    fn drop(&mut self) {
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

/// Analyzes one file. `text` is the file's text without a byte-order mark.
pub fn analyze(text: &str, input: &FileInput<'_>) -> FileResult {
    let scan = if needs_scan(text, input.markers) {
        source::scan(text)
    } else {
        source::Scan::default()
    };
    if scan.max_nesting > MAX_NESTING {
        let levels = scan.max_nesting;
        return FileResult::parse_error(
            input.module_path,
            Span::point(Pos::START),
            format!("file nests too deeply to check (nesting {levels}, a bracket counting {BRACKET_WEIGHT} and an operator or keyword of a chain 1; the limit is {MAX_NESTING})"),
            Some("split the expression; generated code can be excluded with `scope.exclude`"),
        );
    }
    let _forget = ForgetSpans;
    // Doc comments, doc attributes, tables of literal data and (when tests are
    // skipped) the bodies of `#[cfg(test)]` modules are blanked: no rule reads
    // them, and every span stays a span of `text` (`source::for_parser`).
    let skip_tests = !input.in_test && !input.include_tests;
    let prepared = source::for_parser(text, skip_tests);
    let file = match syn::parse_file(prepared.as_deref().unwrap_or(text)) {
        Ok(file) => file,
        Err(e) => {
            let start = span::pos(e.span().start());
            let start = if start.line == 0 { Pos::START } else { start };
            // The lexer's message does not say what it met: a NUL byte, a form feed.
            let what = match source::char_at(text, start) {
                Some('\0') => " (a NUL byte)".to_owned(),
                Some(c) if c.is_control() && !c.is_whitespace() => {
                    format!(" (the control character U+{:04X})", u32::from(c))
                }
                _ => String::new(),
            };
            return FileResult::parse_error(
                input.module_path,
                Span::point(start),
                source::clip(
                    &format!("file does not parse: {e}{what}"),
                    source::MAX_MESSAGE,
                ),
                Some("fix the syntax error; `cargo check` shows it too"),
            );
        }
    };

    let mut checker = Checker {
        text,
        arrays: Arrays::of_file(&file),
        spines: Spines::default(),
        allowing: Vec::new(),
        include_debug: input.include_debug,
        rules: site_rules(),
        justifications: Justifications::collect(&scan, input.markers),
        pending: Vec::new(),
        result: FileResult::default(),
        in_test: input.in_test,
        include_tests: input.include_tests,
        in_const: false,
        runtime_statics: false,
        anchors: Vec::new(),
        module: Name::from(input.module_path),
        owner: Vec::new(),
        impl_owner: None,
        inline: Vec::new(),
        skipped: Vec::new(),
        facts: FactsBuilder::new(input.module_path, input.library),
        calls: CallsBuilder::default(),
    };
    // A file whose inner attributes make it test or debug-only code is skipped whole.
    checker.enter(&file.attrs, None, || None, |this| this.visit_file(&file));

    let Checker {
        justifications,
        mut result,
        skipped,
        facts,
        calls,
        ..
    } = checker;
    // The tree and its text go before the summaries are built, which then take
    // the memory the tree leaves instead of adding to it (README, Speed: no gain
    // in speed was measurable).
    drop(file);
    drop(prepared);
    result.calls = calls.finish(&facts);
    result.facts = facts.finish();
    let in_skipped = |line: u32| skipped.iter().any(|&(a, b)| a <= line && line <= b);
    result.justifications = justifications.into_comments(in_skipped);
    result
}

/// Whether the file needs the lexer: it may hold a justification comment, or it
/// may nest deeper than the limit (its length bounds the measure from above).
/// A short file without a marker needs neither.
fn needs_scan(text: &str, markers: &[String]) -> bool {
    markers.iter().any(|m| text.contains(m.as_str())) || source::may_nest_deeper(text, MAX_NESTING)
}

/// A site rule with its id and Clippy lints, read once: the visit offers it
/// every node of the kinds it may flag.
struct SiteRule {
    rule: &'static dyn Rule,
    id: RuleId,
    lints: Lints,
}

/// The site rules, in registry order.
fn site_rules() -> &'static [SiteRule] {
    static SITE_RULES: std::sync::OnceLock<Vec<SiteRule>> = std::sync::OnceLock::new();
    SITE_RULES.get_or_init(|| {
        rules::ALL
            .iter()
            .filter(|r| r.kind() == RuleKind::Site)
            .map(|&rule| SiteRule {
                rule,
                id: rule.id(),
                lints: rule.clippy_lints(),
            })
            .collect()
    })
}

struct Checker<'a> {
    text: &'a str,
    /// Array lengths the syntax shows, for constant indices.
    arrays: Arrays,
    /// The ends of the expressions visited, for the rules' spans.
    spines: Spines,
    /// Indices into `result.lint_attrs` of the lint attributes around the node
    /// being visited, outermost first.
    allowing: Vec<u32>,
    include_debug: bool,
    rules: &'a [SiteRule],
    justifications: Justifications,
    pending: Vec<Site>,
    result: FileResult,
    /// Inside test code that is being checked (`--include-tests`).
    in_test: bool,
    include_tests: bool,
    /// Inside a compile-time initialiser: nothing here runs at run time.
    in_const: bool,
    /// Inside `thread_local!`, whose `static` initialisers run at run time.
    runtime_statics: bool,
    /// Where the enclosing items, statements, arms and fields start (their lines
    /// are looked up only for a site: a span's line costs a search).
    anchors: Vec<TokenSpan>,
    /// The module path of the code visited: one string that the summaries'
    /// references and functions share (a long `Name` is reference-counted), not a
    /// copy each.
    module: Name,
    /// Paths of the enclosing functions and other owning items, innermost last.
    owner: Vec<String>,
    /// `module::Type` (or `module::Trait`) of the enclosing impl or trait block.
    impl_owner: Option<String>,
    inline: Vec<InlineMod>,
    /// Line ranges of test code that was skipped.
    skipped: Vec<(u32, u32)>,
    facts: FactsBuilder,
    calls: CallsBuilder,
}

impl Checker<'_> {
    /// Facts (imports, references, runtime evidence) come from production code only.
    fn gathers_facts(&self) -> bool {
        !self.in_test
    }

    fn record_path(&mut self, path: &syn::Path, kind: RefKind) {
        if !self.gathers_facts() {
            return;
        }
        if !self.facts.runtime.uses_library
            && path
                .segments
                .first()
                .zip(self.facts.library())
                .is_some_and(|(s, library)| s.ident == library)
        {
            self.facts.runtime.uses_library = true;
        }
        // Most paths matter to neither: decide before allocating anything. Paths into
        // the standard library are never layer or crate violations.
        let reference = (path.leading_colon.is_some() || path.segments.len() > 1)
            && !path
                .segments
                .first()
                .is_some_and(|s| s.ident == "std" || s.ident == "core" || s.ident == "alloc");
        if !reference && !may_be_evidence(path) {
            return;
        }
        let raw = raw_path(path);
        let span = span::between(span::path_start(path), span::path_end(path));
        runtime_evidence(&raw.segments, span, &mut self.facts.runtime);
        if reference {
            self.facts.reference(&self.module, raw, span, kind);
        }
    }

    fn note_deserialize(&mut self, attrs: &[Attribute], ident: &syn::Ident) {
        if !self.gathers_facts() || !derives_deserialize(attrs) {
            return;
        }
        let raw = RawPath {
            segments: vec![ident.to_smolstr()],
            leading_colon: false,
        };
        self.facts.deserialize_type(&self.module, raw);
    }

    /// The parameter types of a public function.
    fn note_public_fn(&mut self, vis: &syn::Visibility, sig: &syn::Signature) {
        if !self.gathers_facts() || matches!(vis, syn::Visibility::Inherited) {
            return;
        }
        let mut paths = TypePaths::default();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(arg) = input {
                paths.visit_type(&arg.ty);
            }
        }
        self.facts
            .public_fn(&self.module, sig.ident.to_smolstr(), paths.found);
    }

    /// Visits the body of an item named `name` that owns the sites inside it: a
    /// function is `module::f`, a method `module::Type::f`, a nested function
    /// `module::outer::inner`.
    fn owning(&mut self, name: &syn::Ident, visit: impl FnOnce(&mut Self)) {
        let name = ident_name(name);
        let path = match (self.owner.last(), &self.impl_owner) {
            (Some(outer), _) => format!("{outer}::{name}"),
            (None, Some(owner)) => format!("{owner}::{name}"),
            (None, None) => format!("{}::{name}", self.module),
        };
        self.owner.push(path);
        let impl_owner = self.impl_owner.take();
        visit(self);
        self.impl_owner = impl_owner;
        self.owner.pop();
    }

    /// Opens the call-graph node of the function whose body is being visited
    /// (`in_impl`: an item of the innermost impl or trait block).
    fn enter_calls(
        &mut self,
        vis: &syn::Visibility,
        sig: &syn::Signature,
        attrs: &[Attribute],
        in_impl: bool,
    ) {
        if let (true, Some(path)) = (self.gathers_facts(), self.owner.last()) {
            let public = !matches!(vis, syn::Visibility::Inherited);
            self.calls.enter_fn(
                path.clone().into(),
                &self.module,
                public,
                sig,
                attrs,
                in_impl,
            );
        }
    }

    fn leave_calls(&mut self) {
        if self.gathers_facts() {
            self.calls.leave_fn();
        }
    }

    /// Visits the argument of a spawn as a node of its own (`f::{spawn@12}`): a
    /// panic there does not unwind into the function that spawned it.
    fn spawned(
        &mut self,
        kind: Option<FnKind>,
        at: impl FnOnce() -> TokenSpan,
        visit: impl FnOnce(&mut Self),
    ) {
        let (Some(kind), Some(outer)) = (kind, self.owner.last()) else {
            return visit(self);
        };
        let line = span::pos(at().start()).line;
        let label = if kind == FnKind::Thread {
            "thread"
        } else {
            "spawn"
        };
        let path = format!("{outer}::{{{label}@{line}}}");
        self.owner.push(path.clone());
        self.calls
            .enter_spawn(path.into(), &self.module, kind, line);
        visit(self);
        self.calls.leave_fn();
        self.owner.pop();
    }

    /// Visits an impl or trait block whose items are owned by `module::name`.
    fn in_impl(&mut self, name: Option<String>, visit: impl FnOnce(&mut Self)) {
        let owner = name.map(|n| match self.owner.last() {
            Some(outer) => format!("{outer}::{n}"),
            None => format!("{}::{n}", self.module),
        });
        let was = std::mem::replace(&mut self.impl_owner, owner);
        let outer = std::mem::take(&mut self.owner);
        visit(self);
        self.owner = outer;
        self.impl_owner = was;
    }

    /// Offers a node to every site rule and records what they report, with the
    /// comment that covers each site.
    fn dispatch(&mut self, offer: impl Fn(&dyn Rule, &mut SiteSink<'_>)) {
        if self.in_const {
            return;
        }
        let cx = SiteContext {
            module: &self.module,
            in_test: self.in_test,
            item: self.owner.last().map(String::as_str),
            known: &self.arrays,
            spines: &self.spines,
        };
        for r in self.rules {
            offer(
                r.rule,
                &mut SiteSink::new(r.id, r.lints, cx, &mut self.pending),
            );
        }
        if self.pending.is_empty() {
            return;
        }
        let anchors: Vec<u32> = self
            .anchors
            .iter()
            .map(|a| span::pos(a.start()).line)
            .collect();
        for mut site in self.pending.drain(..) {
            site.justification = self.justifications.covering(site.span.start.line, &anchors);
            let lint_attrs = &self.result.lint_attrs;
            site.attributes = self
                .allowing
                .iter()
                .rev()
                .copied()
                .filter(|&i| {
                    lint_attrs
                        .get(i as usize)
                        .is_some_and(|a| a.lints.meets(site.lints))
                })
                .collect();
            self.result.sites.push(site);
        }
    }

    /// Visits a node that starts on `anchor` (`whole` is all of it, `None` for the
    /// file) and may be test code or debug-only code, which is skipped (and
    /// remembered, so comments in it are left alone) unless it is in scope. The
    /// node's Clippy lint attributes cover everything inside it.
    fn enter(
        &mut self,
        attrs: &[Attribute],
        anchor: Option<TokenSpan>,
        whole: impl FnOnce() -> Option<TokenSpan>,
        visit: impl FnOnce(&mut Self),
    ) {
        let is_test = is_test_code(attrs);
        let skip_test = is_test && !self.in_test && !self.include_tests;
        if skip_test || (!self.include_debug && is_debug_only(attrs)) {
            self.skip(whole());
            return;
        }
        let was_test = self.in_test;
        self.in_test |= is_test;
        let pushed = anchor.map(|a| self.anchors.push(a));
        let allowing = self.allowing.len();
        for attr in attrs {
            if let Some(found) = lint_attrs::parse(attr, self.text) {
                let idx = u32::try_from(self.result.lint_attrs.len()).unwrap_or(u32::MAX);
                self.result.lint_attrs.push(found);
                self.allowing.push(idx);
            }
        }
        visit(self);
        self.allowing.truncate(allowing);
        if pushed.is_some() {
            self.anchors.pop();
        }
        self.in_test = was_test;
    }

    /// Remembers code that is out of scope and not visited (so comments in it are
    /// left alone): the lines of `whole`, or the whole file without it.
    fn skip(&mut self, whole: Option<TokenSpan>) {
        let lines = match whole {
            Some(whole) => (
                u32::try_from(whole.start().line).unwrap_or(0),
                u32::try_from(whole.end().line).unwrap_or(u32::MAX),
            ),
            None => (0, u32::MAX),
        };
        self.skipped.push(lines);
    }

    /// The lint attributes around the node being visited, outermost first.
    fn allowing_attrs(&self) -> Vec<LintAttr> {
        self.allowing
            .iter()
            .filter_map(|&i| self.result.lint_attrs.get(i as usize))
            .cloned()
            .collect()
    }

    /// Visits a node whose pattern bindings end with it.
    fn scoped(&mut self, visit: impl FnOnce(&mut Self)) {
        self.arrays.enter_scope();
        visit(self);
        self.arrays.leave_scope();
    }

    /// Visits a compile-time (or, with `false`, a run-time) context.
    fn in_const_context(&mut self, is_const: bool, visit: impl FnOnce(&mut Self)) {
        let was = self.in_const;
        self.in_const = is_const;
        visit(self);
        self.in_const = was;
    }

    /// Visits what a macro's tokens parse to, in place. The pieces are dropped
    /// after it and their addresses may be given to the next macro's: the call
    /// facts number each tree, and the spines forget them.
    fn visit_pieces(&mut self, pieces: Vec<Piece>) {
        let outer = self.calls.enter_tree();
        for piece in &pieces {
            match piece {
                Piece::Expr(e) => self.visit_expr(e),
                Piece::Stmt(s) => self.visit_stmt(s),
                Piece::Arm(a) => self.visit_arm(a),
                Piece::Pat(p) => self.visit_pat(p),
            }
        }
        self.calls.leave_tree(outer);
        drop(pieces);
        self.spines.forget();
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        self.enter(
            item_attrs(item),
            item_anchor(item),
            || Some(item.span()),
            |this| {
                if let Some(name) = item_name(item) {
                    if this.gathers_facts() && this.owner.is_empty() {
                        this.facts.item(&this.module, name);
                    }
                }
                visit::visit_item(this, item)
            },
        );
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if !self.gathers_facts() {
            return;
        }
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        let start = match &item.leading_colon {
            Some(colon) => colon
                .spans
                .first()
                .copied()
                .unwrap_or_else(TokenSpan::call_site),
            None => use_tree_start(&item.tree),
        };
        let mut leaves = Vec::new();
        use_leaves(&item.tree, &mut Vec::new(), &mut leaves);
        for leaf in leaves {
            let raw = RawPath {
                segments: leaf.segments,
                leading_colon: item.leading_colon.is_some(),
            };
            let span = span::between(start, leaf.end);
            runtime_evidence(&raw.segments, span, &mut self.facts.runtime);
            if raw.segments.first().map(Name::as_str) == self.facts.library() {
                self.facts.runtime.uses_library = true;
            }
            self.facts
                .reference(&self.module, raw.clone(), span, RefKind::Use);
            match leaf.name {
                LeafName::Name(name) => self.facts.import(&self.module, raw, Some(name), public),
                LeafName::Glob => {
                    self.calls.glob(&self.module, raw.clone());
                    self.facts.import(&self.module, raw, None, public)
                }
                LeafName::Underscore => {}
            }
        }
    }

    fn visit_item_extern_crate(&mut self, item: &'ast syn::ItemExternCrate) {
        if self.gathers_facts() {
            self.facts.extern_crate(&self.module, item);
        }
    }

    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        if self.gathers_facts() {
            self.facts.item_macro(&self.module, item);
        }
        visit::visit_item_macro(self, item);
    }

    /// The paths of one type (a return type, a field's type) are one boundary finding.
    fn visit_type(&mut self, ty: &'ast syn::Type) {
        let group = self.facts.enter_type();
        visit::visit_type(self, ty);
        self.facts.exit_type(group);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.record_path(path, RefKind::Path);
        visit::visit_path(self, path);
    }

    fn visit_attribute(&mut self, attr: &'ast Attribute) {
        if attr.path().is_ident("derive") {
            let derives =
                attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated);
            let outer = self.facts.open_group();
            for path in derives.iter().flatten() {
                self.record_path(path, RefKind::Path);
            }
            self.facts.close_group(outer);
        }
        visit::visit_attribute(self, attr);
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.note_deserialize(&item.attrs, &item.ident);
        if self.gathers_facts() {
            self.calls.item_struct(&self.module, item);
        }
        visit::visit_item_struct(self, item);
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.note_deserialize(&item.attrs, &item.ident);
        visit::visit_item_enum(self, item);
    }

    fn visit_item_union(&mut self, item: &'ast syn::ItemUnion) {
        self.note_deserialize(&item.attrs, &item.ident);
        visit::visit_item_union(self, item);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let implements_deserialize = item
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Deserialize");
        if implements_deserialize && self.gathers_facts() {
            if let syn::Type::Path(ty) = &*item.self_ty {
                self.facts
                    .deserialize_type(&self.module, raw_path(&ty.path));
            }
        }
        let name = match &*item.self_ty {
            syn::Type::Path(ty) => ty.path.segments.last().map(|s| ident_name(&s.ident)),
            _ => None,
        }
        .map(String::from);
        let self_type = self.arrays.set_self_type(name.clone());
        self.calls.enter_impl(item);
        self.in_impl(name, |this| visit::visit_item_impl(this, item));
        self.calls.leave_impl();
        self.arrays.set_self_type(self_type);
    }

    fn visit_impl_item(&mut self, item: &'ast ImplItem) {
        let (attrs, anchor) = match item {
            ImplItem::Const(i) => (&i.attrs[..], Some(i.ident.span())),
            ImplItem::Fn(i) => (&i.attrs[..], Some(i.sig.ident.span())),
            ImplItem::Type(i) => (&i.attrs[..], Some(i.ident.span())),
            ImplItem::Macro(i) => (&i.attrs[..], Some(span::path_start(&i.mac.path))),
            _ => (&[][..], None),
        };
        self.enter(
            attrs,
            anchor,
            || Some(item.span()),
            |this| visit::visit_impl_item(this, item),
        );
    }

    fn visit_trait_item(&mut self, item: &'ast TraitItem) {
        let (attrs, anchor) = match item {
            TraitItem::Const(i) => (&i.attrs[..], Some(i.ident.span())),
            TraitItem::Fn(i) => (&i.attrs[..], Some(i.sig.ident.span())),
            TraitItem::Type(i) => (&i.attrs[..], Some(i.ident.span())),
            TraitItem::Macro(i) => (&i.attrs[..], Some(span::path_start(&i.mac.path))),
            _ => (&[][..], None),
        };
        self.enter(
            attrs,
            anchor,
            || Some(item.span()),
            |this| visit::visit_trait_item(this, item),
        );
    }

    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        let (attrs, anchor) = match stmt {
            // Items anchor themselves.
            Stmt::Item(_) => return visit::visit_stmt(self, stmt),
            Stmt::Local(l) => (&l.attrs[..], l.let_token.span),
            Stmt::Macro(m) => (&m.attrs[..], span::path_start(&m.mac.path)),
            Stmt::Expr(e, _) => (expr_attrs(e), span::expr_start(e)),
        };
        self.enter(
            attrs,
            Some(anchor),
            || Some(stmt.span()),
            |this| visit::visit_stmt(this, stmt),
        );
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.enter(
            &arm.attrs,
            Some(span::pat_start(&arm.pat)),
            || Some(arm.span()),
            |this| this.scoped(|this| visit::visit_arm(this, arm)),
        );
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.scoped(|this| visit::visit_expr_for_loop(this, expr));
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.scoped(|this| visit::visit_expr_while(this, expr));
    }

    fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
        self.enter(
            &field.attrs,
            Some(field.member.span()),
            || Some(field.span()),
            |this| visit::visit_field_value(this, field),
        );
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let path_attr = path_attr(&item.attrs);
        // `mod r#type;` lives in `type.rs`.
        let name = ident_name(&item.ident);
        if item.content.is_none() {
            let end = item.semi.map_or(item.ident.span(), |s| s.span);
            let start = match &item.vis {
                syn::Visibility::Inherited => item.mod_token.span,
                vis => vis.span(),
            };
            self.result.mods.push(ModDecl {
                name: name.to_string(),
                path_attr,
                inline: self.inline.clone(),
                is_test: self.in_test,
                attributes: self.allowing_attrs(),
                span: span::between(start, end),
            });
            return;
        }
        let inner = Name::from(format!("{}::{name}", self.module));
        let enclosing = std::mem::replace(&mut self.module, inner);
        self.facts.enter_module(&self.module);
        self.inline.push(InlineMod {
            name: name.to_string(),
            path_attr,
        });
        let outer = std::mem::take(&mut self.owner);
        visit::visit_item_mod(self, item);
        self.owner = outer;
        self.inline.pop();
        self.module = enclosing;
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if self.gathers_facts() && self.inline.is_empty() && item.sig.ident == "main" {
            self.facts.runtime.main_fn = Some(span::of(item.sig.ident.span()));
        }
        self.note_public_fn(&item.vis, &item.sig);
        let outer = self.arrays.enter_fn();
        self.owning(&item.sig.ident, |this| {
            this.enter_calls(&item.vis, &item.sig, &item.attrs, false);
            this.in_const_context(false, |this| visit::visit_item_fn(this, item));
            this.leave_calls();
        });
        self.arrays.leave_fn(outer);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.note_public_fn(&item.vis, &item.sig);
        let outer = self.arrays.enter_fn();
        self.owning(&item.sig.ident, |this| {
            this.enter_calls(&item.vis, &item.sig, &item.attrs, true);
            this.in_const_context(false, |this| visit::visit_impl_item_fn(this, item));
            this.leave_calls();
        });
        self.arrays.leave_fn(outer);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        let outer = self.arrays.enter_fn();
        self.owning(&item.sig.ident, |this| {
            this.enter_calls(&syn::Visibility::Inherited, &item.sig, &item.attrs, true);
            this.in_const_context(false, |this| visit::visit_trait_item_fn(this, item));
            this.leave_calls();
        });
        self.arrays.leave_fn(outer);
    }

    fn visit_fn_arg(&mut self, arg: &'ast syn::FnArg) {
        // One parameter is one finding, however many paths its type names.
        let outer = self.facts.open_group();
        visit::visit_fn_arg(self, arg);
        self.facts.close_group(outer);
        if let syn::FnArg::Typed(typed) = arg {
            self.arrays.bind_param(&typed.pat, Some(&typed.ty));
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scoped(|this| visit::visit_block(this, block));
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // The initialiser sees the names before the `let` binds them.
        for attr in &local.attrs {
            self.visit_attribute(attr);
        }
        self.calls.local_init(local);
        if let Some(init) = &local.init {
            self.visit_local_init(init);
        }
        self.visit_pat(&local.pat);
        self.calls.local_bound(local);
        self.arrays
            .bind_let(&local.pat, local.init.as_ref().map(|i| &*i.expr));
    }

    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        self.arrays.hide_pattern_ident(&pat.ident);
        self.calls.bind_name(&pat.ident);
        visit::visit_pat_ident(self, pat);
    }

    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        let name = ident_name(&item.ident);
        self.calls.enter_trait(item);
        self.in_impl(Some(name.to_string()), |this| {
            visit::visit_item_trait(this, item)
        });
        self.calls.leave_impl();
    }

    fn visit_expr_closure(&mut self, expr: &'ast syn::ExprClosure) {
        self.calls.enter_closure();
        self.arrays.enter_scope();
        for input in &expr.inputs {
            self.visit_pat(input);
            self.arrays.bind_param(input, None);
        }
        self.in_const_context(false, |this| {
            for attr in &expr.attrs {
                this.visit_attribute(attr);
            }
            if let syn::ReturnType::Type(_, ty) = &expr.output {
                this.visit_type(ty);
            }
            this.visit_expr(&expr.body)
        });
        self.arrays.leave_scope();
        self.calls.leave_closure();
    }

    fn visit_expr_async(&mut self, expr: &'ast syn::ExprAsync) {
        self.calls.enter_closure();
        visit::visit_expr_async(self, expr);
        self.calls.leave_closure();
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.in_const_context(true, |this| visit::visit_item_const(this, item));
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        let is_const = !self.runtime_statics;
        self.in_const_context(is_const, |this| visit::visit_item_static(this, item));
    }

    fn visit_impl_item_const(&mut self, item: &'ast syn::ImplItemConst) {
        self.in_const_context(true, |this| visit::visit_impl_item_const(this, item));
    }

    fn visit_trait_item_const(&mut self, item: &'ast syn::TraitItemConst) {
        self.in_const_context(true, |this| visit::visit_trait_item_const(this, item));
    }

    fn visit_expr_const(&mut self, expr: &'ast syn::ExprConst) {
        self.in_const_context(true, |this| visit::visit_expr_const(this, expr));
    }

    fn visit_expr_repeat(&mut self, expr: &'ast syn::ExprRepeat) {
        self.visit_expr(&expr.expr);
        self.in_const_context(true, |this| this.visit_expr(&expr.len));
    }

    fn visit_type_array(&mut self, ty: &'ast syn::TypeArray) {
        self.visit_type(&ty.elem);
        self.in_const_context(true, |this| this.visit_expr(&ty.len));
    }

    fn visit_variant(&mut self, variant: &'ast syn::Variant) {
        self.in_const_context(true, |this| visit::visit_variant(this, variant));
    }

    fn visit_generic_argument(&mut self, arg: &'ast syn::GenericArgument) {
        let is_const = matches!(arg, syn::GenericArgument::Const(_));
        if is_const {
            self.in_const_context(true, |this| visit::visit_generic_argument(this, arg));
        } else {
            visit::visit_generic_argument(self, arg);
        }
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        if self.include_debug || !is_debug_condition(&expr.cond) {
            // `if let` binds for the block (the `else` sees them too: that only
            // hides more).
            return self.scoped(|this| visit::visit_expr_if(this, expr));
        }
        // `if cfg!(debug_assertions) { .. }`: the block runs only in debug builds.
        self.skip(Some(expr.then_branch.brace_token.span.join()));
        if let Some((_, other)) = &expr.else_branch {
            self.visit_expr(other);
        }
    }

    fn visit_expr_method_call(&mut self, expr: &'ast syn::ExprMethodCall) {
        if expr.method == "catch_unwind" && self.gathers_facts() {
            self.facts.runtime.catches = true;
        }
        self.dispatch(|rule, cx| rule.method_call(expr, cx));
        let mut spawn = None;
        if self.gathers_facts() {
            self.calls.method_call(expr, &self.module);
            spawn = self.calls.method_spawn_kind(expr);
        }
        self.spawned(
            spawn,
            || expr.method.span(),
            |this| visit::visit_expr_method_call(this, expr),
        );
    }

    fn visit_expr_index(&mut self, expr: &'ast syn::ExprIndex) {
        self.dispatch(|rule, cx| rule.index(expr, cx));
        visit::visit_expr_index(self, expr);
    }

    fn visit_expr_binary(&mut self, expr: &'ast syn::ExprBinary) {
        self.dispatch(|rule, cx| rule.binary(expr, cx));
        visit::visit_expr_binary(self, expr);
    }

    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        self.dispatch(|rule, cx| rule.path(expr, cx));
        visit::visit_expr_path(self, expr);
    }

    fn visit_expr_call(&mut self, expr: &'ast syn::ExprCall) {
        self.dispatch(|rule, cx| rule.call(expr, cx));
        let mut spawn = None;
        if self.gathers_facts() {
            self.calls.call(expr);
            spawn = self.calls.spawn_kind(expr, &self.module, &self.facts);
        }
        self.spawned(
            spawn,
            || span::expr_start(&expr.func),
            |this| visit::visit_expr_call(this, expr),
        );
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // A macro's path names crates and modules like any other (`sqlx::query!`).
        self.record_path(&mac.path, RefKind::Path);
        let name = mac
            .path
            .segments
            .last()
            .map(|s| ident_name(&s.ident))
            .unwrap_or_default();
        let call = MacroCall { mac, name: &name };
        self.dispatch(|rule, cx| rule.macro_call(&call, cx));
        let pieces = macros::parse(&name, &mac.tokens);
        let was = self.runtime_statics;
        self.runtime_statics = name == "thread_local";
        self.visit_pieces(pieces);
        self.runtime_statics = was;
    }
}

/// `#[test]`, `#[tokio::test]`, `#[bench]`, or a `cfg` that requires `test`.
fn is_test_code(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("cfg") {
            return cfg_mentions(attr, "test")
                && attr.parse_args::<Meta>().is_ok_and(|m| requires_test(&m));
        }
        path.segments
            .last()
            .is_some_and(|s| s.ident == "test" || (path.segments.len() == 1 && s.ident == "bench"))
    })
}

/// Whether a `cfg` predicate can only hold when compiling tests.
fn requires_test(meta: &Meta) -> bool {
    requires(meta, "test")
}

/// `#[cfg(debug_assertions)]` (or a `cfg` that requires it): code that exists only
/// in debug builds.
fn is_debug_only(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && cfg_mentions(attr, "debug_assertions")
            && attr
                .parse_args::<Meta>()
                .is_ok_and(|m| requires(&m, "debug_assertions"))
    })
}

/// Whether a `cfg` attribute names `option` at all (most name features and
/// targets): one that does not cannot require it, and need not be parsed.
fn cfg_mentions(attr: &Attribute, option: &str) -> bool {
    matches!(&attr.meta, Meta::List(list) if lint_attrs::mentions(&list.tokens, option))
}

/// Whether a `cfg` predicate can only hold when the option `name` is set.
fn requires(meta: &Meta, name: &str) -> bool {
    requires_within(meta, name, 0)
}

fn requires_within(meta: &Meta, name: &str, depth: u32) -> bool {
    match meta {
        Meta::Path(path) => path.is_ident(name),
        // Too deep to read: in scope, which checks more, never less.
        Meta::List(_) if depth > lint_attrs::MAX_META_DEPTH => false,
        Meta::List(list) => {
            let Ok(args) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            else {
                return false;
            };
            let inner = |m: &Meta| requires_within(m, name, depth + 1);
            if list.path.is_ident("all") {
                args.iter().any(inner)
            } else if list.path.is_ident("any") {
                !args.is_empty() && args.iter().all(inner)
            } else {
                false
            }
        }
        Meta::NameValue(_) => false,
    }
}

/// `cfg!(debug_assertions)` (or a predicate that requires it) as a condition.
fn is_debug_condition(cond: &Expr) -> bool {
    let Expr::Macro(m) = cond else {
        return false;
    };
    m.mac.path.is_ident("cfg")
        && m.mac
            .parse_body::<Meta>()
            .is_ok_and(|meta| requires(&meta, "debug_assertions"))
}

fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// A token on the line where an item starts, after its attributes.
fn item_anchor(item: &Item) -> Option<TokenSpan> {
    Some(match item {
        Item::Const(i) => i.const_token.span,
        Item::Enum(i) => i.enum_token.span,
        Item::ExternCrate(i) => i.extern_token.span,
        Item::Fn(i) => i.sig.ident.span(),
        Item::ForeignMod(i) => i.abi.extern_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Macro(i) => span::path_start(&i.mac.path),
        Item::Mod(i) => i.mod_token.span,
        Item::Static(i) => i.static_token.span,
        Item::Struct(i) => i.struct_token.span,
        Item::Trait(i) => i.trait_token.span,
        Item::TraitAlias(i) => i.trait_token.span,
        Item::Type(i) => i.type_token.span,
        Item::Union(i) => i.union_token.span,
        Item::Use(i) => i.use_token.span,
        _ => return None,
    })
}

fn expr_attrs(expr: &Expr) -> &[Attribute] {
    match expr {
        Expr::Array(e) => &e.attrs,
        Expr::Assign(e) => &e.attrs,
        Expr::Async(e) => &e.attrs,
        Expr::Await(e) => &e.attrs,
        Expr::Binary(e) => &e.attrs,
        Expr::Block(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::Closure(e) => &e.attrs,
        Expr::ForLoop(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Loop(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        Expr::While(e) => &e.attrs,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls_of(code: &str, function: &str) -> Vec<String> {
        let input = FileInput {
            module_path: "m",
            in_test: false,
            include_tests: false,
            include_debug: false,
            library: None,
            markers: &[],
        };
        let result = analyze(code, &input);
        let f = result.calls.fns.iter().find(|f| f.name == function);
        f.map(|f| f.calls.iter().map(|c| c.name.to_string()).collect())
            .unwrap_or_default()
    }

    /// The call facts remember the router chains they read by address: a macro
    /// piece visited after another must not be taken for it, though it may be
    /// given the same addresses (the same stack slot, or a dropped piece's).
    #[test]
    fn every_piece_of_a_macro_has_its_own_calls() {
        let code = "fn f(other: Option<u8>) {\n    let _v = vec![Router::new().route(\"/\", get(h)), other.unwrap_or_default()];\n}\n";
        let calls = calls_of(code, "f");
        assert!(calls.iter().any(|c| c == "unwrap_or_default"), "{calls:?}");
        let code = "fn f(a: Option<u8>, b: Option<u8>) {\n    g!(Router::new().route(\"/\", get(h)); a.unwrap_or_default(); b.is_some());\n}\n";
        let calls = calls_of(code, "f");
        assert!(calls.iter().any(|c| c == "unwrap_or_default"), "{calls:?}");
        assert!(calls.iter().any(|c| c == "is_some"), "{calls:?}");
        // One macro after another: the second's body may be given the first's memory.
        let code = "fn f(a: Option<u8>) {\n    g!(Router::new().route(\"/\", get(h)));\n    g!(a.unwrap_or_default());\n}\n";
        let calls = calls_of(code, "f");
        assert!(calls.iter().any(|c| c == "unwrap_or_default"), "{calls:?}");
    }
}
