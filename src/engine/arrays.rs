//! Array lengths that the syntax shows: what [`crate::api::Known`] answers for
//! the `indexing` rule, so that a constant index into a fixed-size array is not a
//! site (contract, fine print).
//!
//! Known are: array literals and repeats; bindings, parameters, consts and statics
//! whose type is written `[T; N]` or `&[T; N]`; `self.field` in an impl of a type
//! whose field is so typed in the same file; and std methods that return arrays.
//! `N` and indices are integer literals or consts of the file with a literal value.
//! Any binding of a known name (a pattern, a closure parameter, a `let` without a
//! visible type) hides it, so that an unknown length is never taken for a known one.

use foldhash::HashMap;

use syn::{Expr, Fields, Item, Lit, Pat, Type};

use crate::api::Known;

/// What a name is known to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// An array of this length (or a reference to one).
    Array(u64),
    /// An integer of a primitive type this many bytes wide.
    Int(u64),
    /// Something whose length is not known (it hides an outer name).
    Unknown,
}

/// The file's items and the bindings in scope at the node being visited.
#[derive(Debug, Default)]
pub struct Arrays {
    /// `const N: usize = 16;`: integer consts with a literal value.
    consts: HashMap<String, u64>,
    /// Consts and statics whose type is an array.
    items: HashMap<String, u64>,
    /// `(type, field)` of struct fields whose type is an array.
    fields: HashMap<(String, String), u64>,
    /// The type of the enclosing impl, for `self.field`.
    self_type: Option<String>,
    /// Bindings, innermost scope last.
    frames: Vec<Vec<(syn::Ident, Value)>>,
}

impl Arrays {
    /// The lengths the file's items show (consts, statics, struct fields).
    pub fn of_file(file: &syn::File) -> Arrays {
        let mut arrays = Arrays::default();
        // Consts first: array types and fields may use them as lengths.
        arrays.collect_consts(&file.items);
        arrays.collect_items(&file.items);
        arrays
    }

    fn collect_consts(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Const(c) => {
                    if let Some(v) = int_literal(&c.expr) {
                        self.consts.insert(c.ident.to_string(), v);
                    }
                }
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.collect_consts(items);
                    }
                }
                _ => {}
            }
        }
    }

    fn collect_items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Const(c) => {
                    if let Some(n) = self.array_type_len(&c.ty) {
                        self.items.insert(c.ident.to_string(), n);
                    }
                }
                Item::Static(s) => {
                    if let Some(n) = self.array_type_len(&s.ty) {
                        self.items.insert(s.ident.to_string(), n);
                    }
                }
                Item::Struct(s) => {
                    if let Fields::Named(named) = &s.fields {
                        for field in &named.named {
                            let (Some(name), Some(n)) =
                                (&field.ident, self.array_type_len(&field.ty))
                            else {
                                continue;
                            };
                            self.fields
                                .insert((s.ident.to_string(), name.to_string()), n);
                        }
                    }
                }
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.collect_items(items);
                    }
                }
                _ => {}
            }
        }
    }

    /// `N` of `[T; N]`, `&[T; N]` or `&mut [T; N]`.
    fn array_type_len(&self, ty: &Type) -> Option<u64> {
        match ty {
            Type::Array(a) => self.const_value(&a.len),
            Type::Reference(r) => self.array_type_len(&r.elem),
            Type::Paren(p) => self.array_type_len(&p.elem),
            Type::Group(g) => self.array_type_len(&g.elem),
            _ => None,
        }
    }

    /// What a type says about a binding of it.
    fn value_of_type(&self, ty: &Type) -> Value {
        if let Some(n) = self.array_type_len(ty) {
            return Value::Array(n);
        }
        match ty {
            Type::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .and_then(|i| int_width(&i.to_string()))
                .map_or(Value::Unknown, Value::Int),
            _ => Value::Unknown,
        }
    }

    /// Visits the body of an impl of `self_type`.
    pub fn set_self_type(&mut self, self_type: Option<String>) -> Option<String> {
        std::mem::replace(&mut self.self_type, self_type)
    }

    pub fn enter_scope(&mut self) {
        self.frames.push(Vec::new());
    }

    /// Enters a function item: the bindings around it are not in its scope.
    pub fn enter_fn(&mut self) -> Vec<Vec<(syn::Ident, Value)>> {
        std::mem::replace(&mut self.frames, vec![Vec::new()])
    }

    pub fn leave_fn(&mut self, outer: Vec<Vec<(syn::Ident, Value)>>) {
        self.frames = outer;
    }

    pub fn leave_scope(&mut self) {
        self.frames.pop();
    }

    /// A `let` (after its initialiser and pattern are visited).
    pub fn bind_let(&mut self, pat: &Pat, init: Option<&Expr>) {
        match pat {
            Pat::Type(typed) => {
                if let Pat::Ident(ident) = &*typed.pat {
                    if ident.subpat.is_none() {
                        let value = self.value_of_type(&typed.ty);
                        self.bind(&ident.ident, value);
                    }
                }
            }
            Pat::Ident(ident) if ident.subpat.is_none() => {
                let value = init
                    .and_then(|e| self.array_len(e))
                    .map_or(Value::Unknown, Value::Array);
                self.bind(&ident.ident, value);
            }
            // The pattern's names are hidden already (`hide_pattern_ident`).
            _ => {}
        }
    }

    /// A function or closure parameter (after its pattern is visited).
    pub fn bind_param(&mut self, pat: &Pat, ty: Option<&Type>) {
        match (pat, ty) {
            (Pat::Type(typed), None) => self.bind_param(&typed.pat, Some(&typed.ty)),
            (Pat::Ident(ident), Some(ty)) if ident.subpat.is_none() => {
                let value = self.value_of_type(ty);
                self.bind(&ident.ident, value);
            }
            _ => {}
        }
    }

    /// A name a pattern binds: it hides what was known of it.
    pub fn hide_pattern_ident(&mut self, ident: &syn::Ident) {
        self.hide(ident);
    }

    fn hide(&mut self, ident: &syn::Ident) {
        self.bind(ident, Value::Unknown);
    }

    fn bind(&mut self, ident: &syn::Ident, value: Value) {
        // Only a name that is known needs hiding: most bindings cost nothing.
        if value == Value::Unknown && !self.knows(ident) {
            return;
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.push((ident.clone(), value));
        }
    }

    /// Whether anything is known of the name (a binding, or an item of the file).
    fn knows(&self, ident: &syn::Ident) -> bool {
        if self.frames.iter().flatten().any(|(name, _)| name == ident) {
            return true;
        }
        if self.items.is_empty() && self.consts.is_empty() {
            return false;
        }
        let name = ident.to_string();
        self.items.contains_key(&name) || self.consts.contains_key(&name)
    }

    /// What is known of a name: the innermost binding, else a const or static.
    fn lookup(&self, ident: &syn::Ident) -> Option<Value> {
        let bound = self
            .frames
            .iter()
            .rev()
            .flat_map(|f| f.iter().rev())
            .find(|(name, _)| name == ident)
            .map(|(_, v)| *v);
        if bound.is_some() || self.items.is_empty() {
            return bound;
        }
        self.items
            .get(&ident.to_string())
            .copied()
            .map(Value::Array)
    }

    fn path_value(&self, expr: &Expr) -> Option<Value> {
        match expr {
            Expr::Path(p) if p.qself.is_none() => self.lookup(p.path.get_ident()?),
            Expr::Paren(p) => self.path_value(&p.expr),
            Expr::Group(g) => self.path_value(&g.expr),
            Expr::Reference(r) => self.path_value(&r.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.path_value(&u.expr),
            _ => None,
        }
    }
}

impl Known for Arrays {
    fn array_len(&self, expr: &Expr) -> Option<u64> {
        match expr {
            Expr::Array(a) => u64::try_from(a.elems.len()).ok(),
            Expr::Repeat(r) => self.const_value(&r.len),
            Expr::Paren(p) => self.array_len(&p.expr),
            Expr::Group(g) => self.array_len(&g.expr),
            Expr::Reference(r) => self.array_len(&r.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.array_len(&u.expr),
            Expr::Path(_) => match self.path_value(expr)? {
                Value::Array(n) => Some(n),
                _ => None,
            },
            Expr::Field(f) => {
                let syn::Member::Named(field) = &f.member else {
                    return None;
                };
                let Expr::Path(base) = &*f.base else {
                    return None;
                };
                if !base.path.is_ident("self") {
                    return None;
                }
                let key = (self.self_type.clone()?, field.to_string());
                self.fields.get(&key).copied()
            }
            Expr::MethodCall(m) if m.args.is_empty() => {
                let method = m.method.to_string();
                match method.as_str() {
                    // `Ipv4Addr::octets` is 4 bytes, `Ipv6Addr::octets` 16.
                    "octets" => Some(4),
                    "segments" => Some(8),
                    "to_be_bytes" | "to_le_bytes" | "to_ne_bytes" => {
                        match self.path_value(&m.receiver) {
                            Some(Value::Int(bytes)) => Some(bytes),
                            // Every integer has at least one byte.
                            _ => Some(1),
                        }
                    }
                    _ => None,
                }
            }
            Expr::Call(c) if c.args.len() == 1 => {
                // `u32::to_be_bytes(x)`
                let Expr::Path(func) = &*c.func else {
                    return None;
                };
                let mut segments = func.path.segments.iter();
                let (Some(ty), Some(method), None) =
                    (segments.next(), segments.next(), segments.next())
                else {
                    return None;
                };
                let is_bytes = ["to_be_bytes", "to_le_bytes", "to_ne_bytes"]
                    .iter()
                    .any(|m| method.ident == m);
                if is_bytes {
                    int_width(&ty.ident.to_string())
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn const_value(&self, expr: &Expr) -> Option<u64> {
        match expr {
            Expr::Lit(_) => int_literal(expr),
            Expr::Paren(p) => self.const_value(&p.expr),
            Expr::Group(g) => self.const_value(&g.expr),
            Expr::Block(b) if b.block.stmts.len() == 1 => match b.block.stmts.first() {
                Some(syn::Stmt::Expr(e, None)) => self.const_value(e),
                _ => None,
            },
            Expr::Path(p) if p.qself.is_none() => {
                let ident = p.path.get_ident()?;
                // A local binding of the same name hides the const.
                if self.frames.iter().flatten().any(|(name, _)| name == ident) {
                    return None;
                }
                self.consts.get(&ident.to_string()).copied()
            }
            _ => None,
        }
    }
}

/// The value of an integer literal (`4`, `4usize`, `0x10`).
fn int_literal(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

/// The width in bytes of a primitive integer type, on every target.
fn int_width(name: &str) -> Option<u64> {
    Some(match name {
        "u8" | "i8" => 1,
        "u16" | "i16" => 2,
        "u32" | "i32" => 4,
        "u64" | "i64" => 8,
        "u128" | "i128" => 16,
        // 8 bytes on 64-bit targets, 4 on 32-bit ones: at least 4.
        "usize" | "isize" => 4,
        _ => return None,
    })
}
