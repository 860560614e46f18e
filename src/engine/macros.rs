//! The code inside macro calls, recovered by parsing their tokens.
//!
//! syn keeps a macro's arguments as raw tokens. Most macros take expressions
//! separated by commas (`format!`, `assert!`, `write!`), statements (`vec![x; n]`,
//! item-defining macros) or match arms; whatever does not parse as a whole is
//! split at top-level `,` `;` `=>` and each piece is tried on its own, then the
//! groups inside it. Tokens keep their spans, so sites point into the macro call.
//! String literals stay literals: nothing inside them is ever parsed.

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Arm, Block, Expr, Pat, Stmt, Token};

/// What a macro's tokens hold, as far as they parse.
pub enum Piece {
    Expr(Expr),
    Stmt(Stmt),
    Arm(Arm),
    Pat(Pat),
}

/// Macros whose arguments are not run-time code: never looked into.
const OPAQUE: &[&str] = &[
    "stringify",
    "concat",
    "concat_idents",
    "concat_bytes",
    "include_str",
    "include_bytes",
    "include",
    "env",
    "option_env",
    "compile_error",
    "line",
    "column",
    "file",
    "module_path",
    "cfg",
    "asm",
    "global_asm",
    "naked_asm",
    // Code that a proc macro generates is not code that this crate runs.
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
];

/// How many tails of a failed piece are tried (`target: "x"`, `field = ?value`).
const MAX_TAILS: usize = 4;

/// Parses the tokens of a call of macro `name`.
pub fn parse(name: &str, tokens: &TokenStream) -> Vec<Piece> {
    if OPAQUE.contains(&name) {
        return Vec::new();
    }
    match name {
        "macro_rules" => macro_rules_bodies(tokens),
        "matches" | "assert_matches" | "debug_assert_matches" => {
            matches_args(tokens).unwrap_or_else(|| generic(tokens.clone()))
        }
        _ => generic(tokens.clone()),
    }
}

fn generic(tokens: TokenStream) -> Vec<Piece> {
    let mut out = Vec::new();
    parse_into(tokens, &mut out);
    out
}

fn parse_into(tokens: TokenStream, out: &mut Vec<Piece>) {
    if tokens.is_empty() {
        return;
    }
    // Each attempt parses the whole stream with `parse2`, which also rejects
    // tokens left over inside nested groups (`(s)[a ; b]` is not an index).
    if let Ok(exprs) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(tokens.clone()) {
        out.extend(exprs.into_iter().map(Piece::Expr));
        return;
    }
    if let Ok(stmts) = Block::parse_within.parse2(tokens.clone()) {
        out.extend(stmts.into_iter().map(Piece::Stmt));
        return;
    }
    if let Ok(arms) = arms.parse2(tokens.clone()) {
        out.extend(arms.into_iter().map(Piece::Arm));
        return;
    }
    for piece in split(tokens) {
        parse_piece(piece, out);
    }
}

fn arms(input: ParseStream<'_>) -> syn::Result<Vec<Arm>> {
    let mut arms = Vec::new();
    while !input.is_empty() {
        arms.push(input.parse()?);
    }
    Ok(arms)
}

/// A piece between separators: the whole, else a tail after a leading
/// punctuation (`target: x`, `field = ?value`), else the groups inside it.
fn parse_piece(piece: Vec<TokenTree>, out: &mut Vec<Piece>) {
    let stream: TokenStream = piece.iter().cloned().collect();
    if let Ok(expr) = syn::parse2::<Expr>(stream) {
        out.push(Piece::Expr(expr));
        return;
    }
    let tails = piece
        .iter()
        .enumerate()
        .filter(|(_, tt)| {
            // `@name [..]`, `#name [..]` and `$name [..]` are macro syntax, not `name[..]`.
            matches!(tt, TokenTree::Punct(p)
                if p.spacing() == Spacing::Alone && !matches!(p.as_char(), '@' | '#' | '$'))
        })
        .take(MAX_TAILS);
    for (i, _) in tails {
        let tail: TokenStream = piece.iter().skip(i + 1).cloned().collect();
        if tail.is_empty() {
            continue;
        }
        if let Ok(expr) = syn::parse2::<Expr>(tail) {
            out.push(Piece::Expr(expr));
            return;
        }
    }
    for tt in piece {
        if let TokenTree::Group(group) = tt {
            parse_into(group.stream(), out);
        }
    }
}

/// Splits at top-level `,`, `;` and `=>`.
fn split(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut pieces = Vec::new();
    let mut current = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        if let TokenTree::Punct(p) = &tt {
            let c = p.as_char();
            let is_arrow = c == '='
                && p.spacing() == Spacing::Joint
                && matches!(iter.peek(), Some(TokenTree::Punct(n)) if n.as_char() == '>');
            if is_arrow {
                iter.next();
            }
            if c == ',' || c == ';' || is_arrow {
                pieces.push(std::mem::take(&mut current));
                continue;
            }
        }
        current.push(tt);
    }
    pieces.push(current);
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// `matches!(expr, pattern if guard)`: the expression, the pattern and the guard.
fn matches_args(tokens: &TokenStream) -> Option<Vec<Piece>> {
    let parser = |input: ParseStream<'_>| {
        let expr: Expr = input.parse()?;
        input.parse::<Token![,]>()?;
        let pat = Pat::parse_multi_with_leading_vert(input)?;
        let guard = if input.peek(Token![if]) {
            input.parse::<Token![if]>()?;
            Some(input.parse::<Expr>()?)
        } else {
            None
        };
        let rest = if input.parse::<Option<Token![,]>>()?.is_some() {
            Punctuated::<Expr, Token![,]>::parse_terminated(input)?
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        Ok((expr, pat, guard, rest))
    };
    let (expr, pat, guard, rest) = parser.parse2(tokens.clone()).ok()?;
    let mut pieces = vec![Piece::Expr(expr), Piece::Pat(pat)];
    pieces.extend(guard.map(Piece::Expr));
    pieces.extend(rest.into_iter().map(Piece::Expr));
    Some(pieces)
}

/// The transcribers of a `macro_rules!` definition, with `$var` read as `var`
/// and `$( ... )*` as its contents, parsed where they parse.
fn macro_rules_bodies(tokens: &TokenStream) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut iter = tokens.clone().into_iter().peekable();
    while let Some(tt) = iter.next() {
        let TokenTree::Punct(p) = &tt else { continue };
        // `=>` followed by the transcriber group.
        if p.as_char() != '=' || p.spacing() != Spacing::Joint {
            continue;
        }
        if !matches!(iter.peek(), Some(TokenTree::Punct(n)) if n.as_char() == '>') {
            continue;
        }
        iter.next();
        if let Some(TokenTree::Group(body)) = iter.next() {
            parse_into(strip_metavars(body.stream()), &mut out);
        }
    }
    out
}

fn strip_metavars(tokens: TokenStream) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '$' => match iter.peek() {
                Some(TokenTree::Ident(_)) => {}
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    let inner = strip_metavars(g.stream());
                    out.extend(inner);
                    iter.next();
                    // An optional separator, then the repetition operator.
                    let is_op = |tt: Option<&TokenTree>| matches!(tt, Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?'));
                    if !is_op(iter.peek()) {
                        iter.next();
                    }
                    if is_op(iter.peek()) {
                        iter.next();
                    }
                }
                _ => out.push(TokenTree::Punct(p)),
            },
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), strip_metavars(g.stream()));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(name: &str, code: &str) -> Vec<&'static str> {
        let tokens: TokenStream = code.parse().expect("tokens");
        parse(name, &tokens)
            .iter()
            .map(|p| match p {
                Piece::Expr(_) => "expr",
                Piece::Stmt(_) => "stmt",
                Piece::Arm(_) => "arm",
                Piece::Pat(_) => "pat",
            })
            .collect()
    }

    #[test]
    fn each_shape_parses_as_a_whole() {
        assert_eq!(kinds("format", r#""{}", x.unwrap()"#), ["expr", "expr"]);
        assert_eq!(kinds("vec", "0; n"), ["stmt", "stmt"]);
        assert_eq!(kinds("m", "Some(x) => 1, None => 2"), ["arm", "arm"]);
        assert_eq!(
            kinds("matches", "o, Some(1) | None if y"),
            ["expr", "pat", "expr"]
        );
    }

    #[test]
    fn other_shapes_are_split_and_tried_piece_by_piece() {
        assert_eq!(
            kinds("info", "target: \"t\", value = ?v.unwrap(), \"msg\""),
            ["expr", "expr", "expr"]
        );
        // Only the group's contents, `x`: never `expand[x]`, an index.
        assert_eq!(kinds("m", "@expand [x]"), ["expr"]);
        // brotli's `fast!((s)[a ; b])`: `[a ; b]` is no index; its statements are code.
        assert_eq!(
            kinds("fast", "(input)[next ; next + 4]"),
            ["expr", "stmt", "stmt"]
        );
        assert_eq!(kinds("stringify", "x.unwrap()"), Vec::<&str>::new());
    }
}
