//! A source file as text: where its lines start, what each line holds, and its
//! `//` comments.
//!
//! syn drops comments, so justification comments are read here with a small
//! lexer that knows strings, raw strings, char literals, lifetimes and nested
//! block comments. The same pass measures how deeply the file nests, so that a
//! pathological file can be refused before a recursive parser sees it.

use std::collections::HashMap;

use crate::api::Pos;

/// What a line holds, as far as justification comments care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Only white space.
    Blank,
    /// Only a plain `//` comment (not a doc comment).
    Comment,
    /// Only attributes or doc comments: skipped between a comment and its statement.
    Attribute,
    /// Anything else, including block comments.
    Code,
}

/// A plain `//` line comment (doc comments are not collected).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineComment {
    pub line: u32,
    /// Column of the first `/`, 1-based, in characters.
    pub column: u32,
    /// Column one past the comment's last character.
    pub end_column: u32,
    /// The text after `//`.
    pub text: String,
    /// Code precedes the comment on its line.
    pub trailing: bool,
}

/// The lexical facts of one file.
#[derive(Debug, Default)]
pub struct Scan {
    /// Index 0 is line 1.
    pub lines: Vec<LineKind>,
    pub comments: Vec<LineComment>,
    /// Deepest nesting of `()`, `[]` and `{}`.
    pub max_depth: u32,
    /// The deepest nesting, a bound on how deep the syntax tree can be: at each
    /// point, [`BRACKET_WEIGHT`] for each open bracket, plus the links of the
    /// chains open there, at the current depth and at each enclosing one. A chain
    /// is a run of operator characters, keywords ([`is_nesting_keyword`]) and postfix brackets
    /// (the second `(` of `f()()`, the second `[` of `v[0][1]`) that `;` and `,`
    /// break, and so does the start of a statement or item after a block (a
    /// block followed by an operator, `as` or `else` goes on with it: `{ a } - {
    /// b }`, `if a { } else if b { }`).
    pub max_nesting: u32,
}

impl Scan {
    pub fn line_kind(&self, line: u32) -> LineKind {
        line.checked_sub(1)
            .and_then(|i| self.lines.get(i as usize))
            .copied()
            .unwrap_or(LineKind::Blank)
    }
}

/// What an open bracket weighs in [`Scan::max_nesting`], against 1 for a link of a
/// chain: the parser spends about twice the stack on a bracket.
pub const BRACKET_WEIGHT: u32 = 2;

/// Whether `word` is a keyword that begins an expression holding another one
/// with no bracket in between (`return return 1`, `if if a { b } else { c } { d
/// }`, `match match x {..} {..}`, `x as u8 as u8`): the parser and the visitor
/// recurse once per keyword, as they do once per operator, so these are links of
/// a chain too. (`else` links a chain of `else if`s: each nests the rest of the
/// chain.)
fn is_nesting_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "become"
            | "break"
            | "else"
            | "for"
            | "if"
            | "in"
            | "let"
            | "match"
            | "return"
            | "while"
            | "yield"
    )
}

/// Whether `text` may nest deeper than `limit` ([`Scan::max_nesting`]), from its
/// length: no byte adds more than [`BRACKET_WEIGHT`] to the measure (an open
/// bracket adds that, an operator character or keyword at most 1, and the link
/// of a postfix bracket is paid for by the `)` or `]` before it), so a text of
/// fewer than `limit / BRACKET_WEIGHT` bytes needs no lexer for it.
pub fn may_nest_deeper(text: &str, limit: u32) -> bool {
    text.len().saturating_mul(BRACKET_WEIGHT as usize) > limit as usize
}

/// `text` with each doc comment made a plain comment of the same length
/// (`///`, `//!` and `/**`, `/*!` lose their third character to a space), or
/// `None` when it has none, or when it has a literal or comment that does not end
/// (the parser then reports the original).
///
/// The parser turns every doc comment into a `#[doc = ".."]` attribute, with an
/// escaped string literal, that no rule reads: a tenth of the parse on documented
/// code. Offsets, lines and columns stay the same, so every span is still a span
/// of the original text. One difference: a doc comment that documents nothing,
/// which rustc rejects, is no longer a parse error.
pub fn without_doc_comments(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut docs = Vec::new();
    let mut at = 0;
    while let Some(found) = bytes
        .get(at..)
        .and_then(|b| memchr::memchr3(b'"', b'\'', b'/', b))
    {
        let start = at + found;
        let doc = match bytes.get(start..)? {
            [b'/', b'/', rest @ ..] => {
                matches!(rest, [b'!', ..])
                    || matches!(rest, [b'/', next, ..] if *next != b'/')
                    || rest == b"/"
            }
            [b'/', b'*', rest @ ..] => {
                matches!(rest, [b'!', ..])
                    || matches!(rest, [b'*', next, ..] if !matches!(next, b'*' | b'/'))
            }
            _ => false,
        };
        if doc {
            docs.push(start + 2);
        }
        at = skip_unit(bytes, start)?;
    }
    if docs.is_empty() {
        return None;
    }
    let mut out = bytes.to_vec();
    for doc in docs {
        if let Some(b) = out.get_mut(doc) {
            *b = b' ';
        }
    }
    String::from_utf8(out).ok()
}

/// The text the parser sees: [`without_doc_comments`], with [`doc_attributes`]
/// and the insides of [`data_tables`] blanked, and with `skip_tests` the bodies
/// of `#[cfg(test)]` modules too ([`test_module_bodies`]), all found in one pass;
/// `None` when nothing changes. Lines, columns and byte offsets stay those of
/// `text`.
pub fn for_parser(text: &str, skip_tests: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut candidates: Vec<Candidate> = table_candidates(bytes)
        .chain(doc_candidates(bytes))
        .collect();
    if skip_tests {
        candidates.extend(test_candidates(bytes));
    }
    candidates.sort_unstable_by_key(|&(at, _)| at);
    let bodies = regions_in_code(bytes, candidates);
    let plain = without_doc_comments(text);
    if bodies.is_empty() {
        return plain;
    }
    let mut bytes = plain.unwrap_or_else(|| text.to_owned()).into_bytes();
    for body in bodies {
        for b in bytes.get_mut(body).into_iter().flatten() {
            if !matches!(b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// The bodies (inside the braces) of the `#[cfg(test)] mod name { .. }` items of
/// `text`, in order: code that only test builds compile, which the analysis skips
/// unless tests are checked. Blanking a body before parsing saves its parse (a
/// tenth of a typical crate's); the module item stays, with its span.
///
/// A body is only found when the attribute is written `#[cfg(test)]` (white space
/// aside) among the module's outer attributes, and only when no character after
/// the body's last line break is outside ASCII: blanked byte by byte, such a
/// character would move the columns of what follows the `}` on its line.
pub fn test_module_bodies(text: &str) -> Vec<std::ops::Range<usize>> {
    regions_in_code(text.as_bytes(), test_candidates(text.as_bytes()))
}

fn test_candidates(bytes: &[u8]) -> impl Iterator<Item = Candidate> + '_ {
    memchr::memmem::find_iter(bytes, b"cfg(test)").map(|at| (at, test_module_body as Finder))
}

/// The insides of the array literals, of more than [`MIN_TABLE`] bytes, that are
/// the whole initialiser of a `const` or `static` item and hold only literal data:
/// literals, `true`, `false`, unary `-` and `&`, and tuples and arrays of them
/// (`static T: [(u16, &str); 3] = [(1, "a"), (2, "b"), (3, "c")];`). Such data
/// holds no panic site, no path and no call, and the analysis reads an item's
/// array length from its type, so its parse (a tenth of the parse of real crates,
/// whose Unicode and codec tables are large) can be saved. As for test modules, a
/// table whose last line holds a character outside ASCII is left alone.
pub fn data_tables(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut candidates: Vec<Candidate> = table_candidates(text.as_bytes()).collect();
    candidates.sort_unstable_by_key(|&(at, _)| at);
    regions_in_code(text.as_bytes(), candidates)
}

fn table_candidates(bytes: &[u8]) -> impl Iterator<Item = Candidate> + '_ {
    memchr::memmem::find_iter(bytes, b"static")
        .chain(memchr::memmem::find_iter(bytes, b"const"))
        .map(|at| (at, data_table as Finder))
}

/// Smaller tables are parsed: blanking them would save little.
const MIN_TABLE: usize = 64;

/// The inside of the array literal that the `const` or `static` at `keyword` is
/// initialised with, when it is one of literal data ([`is_literal_data`]) over
/// [`MIN_TABLE`] bytes whose last line is ASCII.
fn data_table(bytes: &[u8], keyword: usize) -> Option<std::ops::Range<usize>> {
    let word = word_at(bytes, keyword);
    let starts_word = keyword == 0
        || bytes
            .get(keyword - 1)
            .is_some_and(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80));
    if !starts_word || !matches!(word, b"const" | b"static") {
        return None;
    }
    let mut at = next_token(bytes, keyword + word.len())?;
    if matches!(word_at(bytes, at), b"mut" | b"ref") {
        at = next_token(bytes, at + 3)?;
    }
    let name = word_at(bytes, at).len();
    if name == 0 || matches!(word_at(bytes, at), b"fn" | b"unsafe" | b"extern" | b"async") {
        return None;
    }
    at = next_token(bytes, at + name)?;
    if bytes.get(at) != Some(&b':') {
        return None;
    }
    // The type, up to the `=` outside its brackets.
    at += 1;
    loop {
        match bytes.get(at)? {
            b'=' if !matches!(bytes.get(at + 1), Some(b'=' | b'>')) => break,
            b';' | b'{' | b'}' => return None,
            b'(' | b'[' => at = matching_close(bytes, at)? + 1,
            b'"' | b'\'' | b'/' => at = skip_unit(bytes, at)?,
            _ => at += 1,
        }
    }
    at = next_token(bytes, at + 1)?;
    if bytes.get(at) == Some(&b'&') {
        at = next_token(bytes, at + 1)?;
    }
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    let close = matching_close(bytes, at)?;
    let inside = at + 1..close;
    let end = next_token(bytes, close + 1)?;
    let table = bytes.get(end) == Some(&b';')
        && inside.len() > MIN_TABLE
        && is_literal_data(bytes, inside.clone())
        && last_line_is_ascii(bytes, &inside);
    table.then_some(inside)
}

/// Whether `range` of `bytes` is a list of literal data, as in `[..]`: values
/// separated by commas (a trailing one allowed), each a literal (a string, raw or
/// byte string, character or number), `true` or `false`, or a tuple or array of
/// such values, after any number of unary `-` and `&`.
fn is_literal_data(bytes: &[u8], range: std::ops::Range<usize>) -> bool {
    // Open brackets inside the range: whether each is `(`.
    let mut open: Vec<bool> = Vec::new();
    // A value may come (after `[`, `(`, `,` or a unary operator), and whether
    // one must (after a unary operator).
    let (mut may, mut must) = (true, false);
    let mut at = range.start;
    while at < range.end {
        let Some(next) = next_token(bytes, at) else {
            return false;
        };
        if next >= range.end {
            break;
        }
        at = next;
        let Some(&b) = bytes.get(at) else {
            return false;
        };
        let value_end = match b {
            b'0'..=b'9' => Some(number_end(bytes, at)),
            b'"' => string_end(bytes, at),
            b'\'' => {
                let len = char_literal_len(bytes.get(at + 1..).unwrap_or_default());
                (len > 0).then_some(at + 1 + len)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let word = word_at(bytes, at);
                let after = bytes.get(at + word.len()).copied();
                match (word, after) {
                    (b"true" | b"false", _) => Some(at + word.len()),
                    (b"b" | b"c", Some(b'"' | b'\''))
                    | (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => {
                        let quote = at
                            + word.len()
                            + bytes
                                .get(at + word.len()..)
                                .unwrap_or_default()
                                .iter()
                                .take_while(|&&b| b == b'#')
                                .count();
                        match bytes.get(quote) {
                            Some(b'"') => string_end(bytes, quote),
                            Some(b'\'') if word == b"b" => {
                                let len =
                                    char_literal_len(bytes.get(quote + 1..).unwrap_or_default());
                                (len > 0).then_some(quote + 1 + len)
                            }
                            _ => None,
                        }
                    }
                    _ => return false,
                }
            }
            _ => None,
        };
        if let Some(end) = value_end {
            if !may || end > range.end {
                return false;
            }
            (may, must) = (false, false);
            at = end;
            continue;
        }
        match b {
            b'-' | b'&' if may => must = true,
            b'(' | b'[' if may => {
                open.push(b == b'(');
                must = false;
            }
            b')' | b']' if !must && open.pop() == Some(b == b')') => may = false,
            b',' if !may => may = true,
            _ => return false,
        }
        at += 1;
    }
    open.is_empty() && !must
}

/// The end of the number literal that starts at `at` (digits, `_`, a suffix, a
/// fraction, and an exponent with its sign when the literal is decimal).
fn number_end(bytes: &[u8], at: usize) -> usize {
    let decimal = !matches!(bytes.get(at..at + 2), Some([b'0', b'x' | b'o' | b'b']));
    let mut end = at;
    while let Some(&b) = bytes.get(end) {
        let exponent_sign = decimal
            && matches!(b, b'+' | b'-')
            && matches!(
                end.checked_sub(1).and_then(|i| bytes.get(i)),
                Some(b'e' | b'E')
            );
        let fraction = b == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if b.is_ascii_alphanumeric() || b == b'_' || exponent_sign || fraction {
            end += 1;
        } else {
            break;
        }
    }
    end
}

/// The `#[doc = ".."]` and `#![doc = ".."]` attributes of `text` whose value is
/// a string literal, whole: documentation that generated code (`wasm-bindgen`'s,
/// say) writes as attributes rather than as comments, which no rule reads either.
/// As for tables, one whose last line holds a character outside ASCII is left
/// alone, unless nothing but a comment follows it on that line.
pub fn doc_attributes(text: &str) -> Vec<std::ops::Range<usize>> {
    regions_in_code(text.as_bytes(), doc_candidates(text.as_bytes()))
}

fn doc_candidates(bytes: &[u8]) -> impl Iterator<Item = Candidate> + '_ {
    memchr::memmem::find_iter(bytes, b"doc").map(|at| (at, doc_attribute as Finder))
}

/// The whole attribute that the `doc` at `doc` (in code) names, when it is
/// `#[doc = "string"]` or `#![doc = "string"]` (a raw string too), and its last
/// line is ASCII or nothing but a comment follows it on that line.
fn doc_attribute(bytes: &[u8], doc: usize) -> Option<std::ops::Range<usize>> {
    let before = bytes.get(..doc)?.trim_ascii_end().strip_suffix(b"[")?;
    let mut start = before.trim_ascii_end().len().checked_sub(1)?;
    if bytes.get(start) == Some(&b'!') {
        start = bytes.get(..start)?.trim_ascii_end().len().checked_sub(1)?;
    }
    if bytes.get(start) != Some(&b'#') || word_at(bytes, doc) != b"doc" {
        return None;
    }
    let mut at = next_token(bytes, doc + 3)?;
    if bytes.get(at) != Some(&b'=') {
        return None;
    }
    at = next_token(bytes, at + 1)?;
    let raw = match bytes.get(at..)? {
        [b'"', ..] => 0,
        [b'r', rest @ ..] => 1 + rest.iter().take_while(|&&b| b == b'#').count(),
        _ => return None,
    };
    if bytes.get(at + raw) != Some(&b'"') {
        return None;
    }
    at = next_token(bytes, string_end(bytes, at + raw)?)?;
    if bytes.get(at) != Some(&b']') {
        return None;
    }
    let attribute = start..at + 1;
    let rest = bytes.get(attribute.end..).unwrap_or_default();
    let rest = rest
        .get(..memchr::memchr(b'\n', rest).unwrap_or(rest.len()))
        .unwrap_or_default()
        .trim_ascii();
    (last_line_is_ascii(bytes, &attribute) || rest.is_empty() || rest.starts_with(b"//"))
        .then_some(attribute)
}

/// What finds a region to blank at a candidate offset, if there is one.
type Finder = fn(&[u8], usize) -> Option<std::ops::Range<usize>>;

/// An offset where a region may start, and what finds it.
type Candidate = (usize, Finder);

/// The regions found at the `candidates` (in order of offset) that lie in code,
/// not in a literal or comment, nor in a region found before: one lexing pass.
fn regions_in_code(
    bytes: &[u8],
    candidates: impl IntoIterator<Item = Candidate>,
) -> Vec<std::ops::Range<usize>> {
    let mut regions = Vec::new();
    let mut at = 0;
    for (found, region) in candidates {
        if found < at {
            continue;
        }
        match code_until(bytes, at, found) {
            Some(next) if next == found => {}
            Some(next) => {
                at = next;
                continue;
            }
            None => break,
        }
        at = found + 1;
        if let Some(found) = region(bytes, found) {
            at = found.end;
            regions.push(found);
        }
    }
    regions
}

/// Whether the last line of `range` (from its last line break) is ASCII: blanked
/// byte by byte, a character outside ASCII there would move the columns of what
/// follows on that line.
fn last_line_is_ascii(bytes: &[u8], range: &std::ops::Range<usize>) -> bool {
    bytes
        .get(range.clone())
        .map(|b| memchr::memrchr(b'\n', b).map_or(b, |n| b.get(n..).unwrap_or_default()))
        .is_some_and(<[u8]>::is_ascii)
}

/// Lexes from `from` (which is in code) towards `target`: `Some(target)` when
/// `target` is in code, else the offset just past the literal or comment that
/// holds it; `None` when one does not end.
fn code_until(bytes: &[u8], from: usize, target: usize) -> Option<usize> {
    let mut at = from;
    while at < target {
        let Some(found) = bytes
            .get(at..target)
            .and_then(|b| memchr::memchr3(b'"', b'\'', b'/', b))
        else {
            return Some(target);
        };
        at = skip_unit(bytes, at + found)?;
    }
    Some(at.max(target))
}

/// The offset just past the literal or comment that starts at `start`, or
/// `start + 1` when none does (a lifetime, a `/` of code).
fn skip_unit(bytes: &[u8], start: usize) -> Option<usize> {
    Some(match bytes.get(start..)? {
        [b'/', b'/', rest @ ..] => {
            memchr::memchr(b'\n', rest).map_or(bytes.len(), |n| start + 3 + n)
        }
        [b'/', b'*', ..] => block_comment_end(bytes, start + 2)?,
        [b'"', ..] => string_end(bytes, start)?,
        [b'\'', rest @ ..] => start + 1 + char_literal_len(rest),
        _ => start + 1,
    })
}

/// The body of the module that the `cfg(test)` at `cfg` (in code) is the
/// attribute of, when it is `#[cfg(test)]` followed by more outer attributes, a
/// visibility, `mod`, a name and `{`, and the body's last line is ASCII.
fn test_module_body(bytes: &[u8], cfg: usize) -> Option<std::ops::Range<usize>> {
    let before = bytes.get(..cfg)?.trim_ascii_end().strip_suffix(b"[")?;
    let hash = before.trim_ascii_end().len().checked_sub(1)?;
    if bytes.get(hash) != Some(&b'#') {
        return None;
    }
    let after = cfg + "cfg(test)".len();
    let mut at = next_token(bytes, after)?;
    if bytes.get(at) != Some(&b']') {
        return None;
    }
    at = next_token(bytes, at + 1)?;
    while bytes.get(at) == Some(&b'#') {
        at = next_token(bytes, at + 1)?;
        if bytes.get(at) != Some(&b'[') {
            return None;
        }
        at = next_token(bytes, matching_close(bytes, at)? + 1)?;
    }
    if word_at(bytes, at) == b"pub" {
        at = next_token(bytes, at + 3)?;
        if bytes.get(at) == Some(&b'(') {
            at = next_token(bytes, matching_close(bytes, at)? + 1)?;
        }
    }
    if word_at(bytes, at) != b"mod" {
        return None;
    }
    at = next_token(bytes, at + 3)?;
    if bytes.get(at..)?.starts_with(b"r#") {
        at += 2;
    }
    let name = word_at(bytes, at).len();
    if name == 0 {
        return None;
    }
    let open = next_token(bytes, at + name)?;
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let body = open + 1..matching_close(bytes, open)?;
    last_line_is_ascii(bytes, &body).then_some(body)
}

/// The offset of the first byte at or after `at` that is neither white space nor
/// in a comment.
fn next_token(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at += bytes
            .get(at..)?
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        match bytes.get(at..)? {
            [b'/', b'/' | b'*', ..] => at = skip_unit(bytes, at)?,
            _ => return Some(at),
        }
    }
}

/// The identifier or keyword (ASCII letters, digits, `_`) that starts at `at`.
fn word_at(bytes: &[u8], at: usize) -> &[u8] {
    let rest = bytes.get(at..).unwrap_or_default();
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    rest.get(..len).unwrap_or_default()
}

/// The offset of the bracket that closes the one at `open`, literals and comments
/// skipped. Brackets of every kind count alike: code whose brackets do not match
/// does not parse either way.
fn matching_close(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = open;
    loop {
        match bytes.get(at)? {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            b'"' | b'\'' | b'/' => {
                at = skip_unit(bytes, at)?;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
}

/// The offset just past the `*/` that closes a block comment whose body starts
/// at `from`; block comments nest.
fn block_comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut at = from;
    loop {
        let found = at + memchr::memchr2(b'*', b'/', bytes.get(at..)?)?;
        match bytes.get(found..)? {
            [b'*', b'/', ..] => {
                depth -= 1;
                at = found + 2;
                if depth == 0 {
                    return Some(at);
                }
            }
            [b'/', b'*', ..] => {
                depth += 1;
                at = found + 2;
            }
            _ => at = found + 1,
        }
    }
}

/// The offset just past the string literal whose `"` is at `quote`: a raw string
/// (`r"`, `r#"`, `br##"`..) when an `r` and hashes lead to the quote, else one
/// with escapes.
fn string_end(bytes: &[u8], quote: usize) -> Option<usize> {
    let before = bytes.get(..quote)?;
    let hashes = before.iter().rev().take_while(|&&b| b == b'#').count();
    let prefix = before.get(..before.len() - hashes)?;
    if prefix.last() == Some(&b'r') {
        let word = prefix
            .iter()
            .rev()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80);
        if matches!(word.count(), 1) || matches!(prefix.iter().rev().nth(1), Some(b'b' | b'c')) {
            let mut at = quote + 1;
            loop {
                let found = at + memchr::memchr(b'"', bytes.get(at..)?)?;
                let closes = bytes
                    .get(found + 1..found + 1 + hashes)
                    .is_some_and(|h| h.iter().all(|&b| b == b'#'));
                if closes {
                    return Some(found + 1 + hashes);
                }
                at = found + 1;
            }
        }
    }
    let mut at = quote + 1;
    loop {
        let found = at + memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
        match bytes.get(found)? {
            b'\\' => at = found + 2,
            _ => return Some(found + 1),
        }
    }
}

/// How many bytes after a `'` belong to a character literal (`'a'`, `'\n'`,
/// `'\u{1F600}'`, `'"'`), or 0 for a lifetime or label.
fn char_literal_len(rest: &[u8]) -> usize {
    match rest {
        [b'\\', _, tail @ ..] => memchr::memchr(b'\'', tail).map_or(0, |n| n + 3),
        [first, tail @ ..] => {
            let width = match first {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            match tail.get(width - 1) {
                Some(b'\'') => width + 1,
                _ => 0,
            }
        }
        [] => 0,
    }
}

/// The character at a position of `text` (1-based line and column, in characters).
pub fn char_at(text: &str, pos: Pos) -> Option<char> {
    let line = text.split('\n').nth((pos.line as usize).checked_sub(1)?)?;
    line.chars().nth((pos.column as usize).checked_sub(1)?)
}

/// The longest message a finding carries (in characters): a parse error quoting
/// a whole generated line must not flood a terminal or a CI annotation.
pub const MAX_MESSAGE: usize = 300;

/// `message`, cut at a character boundary to at most `max` characters, an ellipsis
/// marking the cut.
pub fn clip(message: &str, max: usize) -> String {
    match message.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if message.chars().count() > max => {
            let mut out = message.get(..end).unwrap_or(message).trim_end().to_owned();
            out.push('…');
            out
        }
        _ => message.to_owned(),
    }
}

/// Where the first byte that is not UTF-8 sits, given that the `valid` bytes
/// before it are: its line, and its column counted in characters as every other
/// column is (a leading byte-order mark does not count, as rustc ignores it).
pub fn first_bad_byte(valid: &str) -> Pos {
    let valid = valid.strip_prefix('\u{feff}').unwrap_or(valid);
    let line = valid.matches('\n').count() + 1;
    let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
    let column = valid.get(line_start..).map_or(0, |l| l.chars().count()) + 1;
    Pos::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Source text with a line index, for turning line/column into byte offsets.
#[derive(Debug)]
pub struct SourceText {
    text: String,
    line_starts: Vec<usize>,
    /// Per line: it is all ASCII, so its columns are byte offsets.
    ascii: Vec<bool>,
    /// For each line that is not ASCII and longer than [`MARK_EVERY`] bytes, the
    /// byte offset (from the line's start) of every [`MARK_EVERY`]th character,
    /// so that a column is found without counting from the start of the line
    /// (a generated line with a million findings would be quadratic).
    marks: HashMap<usize, Vec<usize>>,
}

/// See [`SourceText::marks`].
const MARK_EVERY: usize = 256;

impl SourceText {
    /// Takes the text as read; a leading byte-order mark is dropped, as rustc does.
    pub fn new(text: String) -> SourceText {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii: Vec<bool> = line_starts
            .iter()
            .zip(line_starts.iter().skip(1).chain([&text.len()]))
            .map(|(&a, &b)| text.as_bytes().get(a..b).is_some_and(<[u8]>::is_ascii))
            .collect();
        let mut marks = HashMap::new();
        for (idx, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(idx + 1).copied().unwrap_or(text.len());
            if ascii.get(idx).copied().unwrap_or(true) || end - start <= MARK_EVERY {
                continue;
            }
            let line = text.get(start..end).unwrap_or("");
            let every: Vec<usize> = line
                .char_indices()
                .step_by(MARK_EVERY)
                .map(|(i, _)| i)
                .collect();
            marks.insert(idx, every);
        }
        SourceText {
            text,
            line_starts,
            ascii,
            marks,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text of a line (1-based) without its line ending.
    pub fn line(&self, line: u32) -> &str {
        let Some(idx) = (line as usize).checked_sub(1) else {
            return "";
        };
        let start = self
            .line_starts
            .get(idx)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        let raw = self.text.get(start..end).unwrap_or("");
        raw.trim_end_matches(['\n', '\r'])
    }

    /// Byte offset of a position; positions past the end clamp to the end.
    pub fn offset(&self, pos: Pos) -> usize {
        let Some(idx) = (pos.line as usize).checked_sub(1) else {
            return 0;
        };
        let Some(&start) = self.line_starts.get(idx) else {
            return self.text.len();
        };
        let line = self.line(pos.line);
        let chars = pos.column.saturating_sub(1) as usize;
        // Columns count characters: on an ASCII prefix they are bytes, which keeps
        // a million findings on one generated line linear.
        let within = if self.ascii.get(idx).copied().unwrap_or(false) {
            chars.min(line.len())
        } else {
            // From the last mark before the column, if the line has marks.
            let (from, skip) = self
                .marks
                .get(&idx)
                .and_then(|marks| marks.get(chars / MARK_EVERY))
                .map_or((0, chars), |&at| (at, chars % MARK_EVERY));
            line.get(from..)
                .and_then(|rest| rest.char_indices().nth(skip))
                .map_or(line.len(), |(i, _)| from + i)
        };
        start + within
    }

    /// The 0-based index of the line that holds byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The byte range of lines `first..=last` (0-based, clamped to the text),
    /// line endings included.
    pub fn lines_range(&self, first: usize, last: usize) -> std::ops::Range<usize> {
        let start = self
            .line_starts
            .get(first)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(last + 1)
            .copied()
            .unwrap_or(self.text.len());
        start..end.max(start)
    }
}

/// Lexes `text` once and returns its lines, comments and nesting measures.
pub fn scan(text: &str) -> Scan {
    Lexer::new(text).run()
}

/// A lexer over bytes: ASCII, most of any source, takes a byte compare, and
/// literals and comments are skipped with `memchr`. A character beyond ASCII is
/// decoded where it matters (white space, a letter, or an operator character).
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// The offset of the next byte.
    at: usize,
    /// The line of `at` and where that line starts.
    line: u32,
    line_start: usize,
    scan: Scan,
    /// What the current line has seen so far.
    line_has_code: bool,
    line_is_attr: bool,
    line_has_comment: bool,
    /// Bracket depth at which an attribute that opened a line closes.
    attr_close_depth: Option<u32>,
    depth: u32,
    /// The links of the chain being read at the current bracket depth.
    chain: u32,
    /// The chains of the enclosing depths, as they were when each bracket opened,
    /// and their sum: a chain inside a bracket inside a chain nests in both.
    outer: Vec<u32>,
    outer_sum: u32,
    /// The last token, as far as chains care.
    prev: Prev,
}

/// The kind of the last token for chains (comments and whitespace leave it alone).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Other,
    /// `)` or `]`: a bracket after it is a postfix call or index.
    Close,
    /// `}`: what comes next either goes on with the expression that holds the
    /// block (`{ a } - b`, `match x { .. }.f()`, `} else if`) or starts a new
    /// statement or item, which breaks the chain.
    Brace,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Lexer<'a> {
        Lexer {
            text,
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            line_start: 0,
            scan: Scan::default(),
            line_has_code: false,
            line_is_attr: false,
            line_has_comment: false,
            attr_close_depth: None,
            depth: 0,
            chain: 0,
            outer: Vec::new(),
            outer_sum: 0,
            prev: Prev::Other,
        }
    }

    /// The byte `n` bytes after the next one.
    fn peek(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.at + n).copied()
    }

    /// The character at the next byte, which starts one.
    fn char(&self) -> char {
        self.text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('\0')
    }

    /// Steps past a `\n` at `at`.
    fn newline(&mut self) {
        self.at += 1;
        self.line_start = self.at;
        self.end_line();
    }

    fn end_line(&mut self) {
        let kind = if self.line_is_attr && !self.line_has_code {
            LineKind::Attribute
        } else if self.line_has_code {
            LineKind::Code
        } else if self.line_has_comment {
            LineKind::Comment
        } else {
            LineKind::Blank
        };
        self.scan.lines.push(kind);
        self.line += 1;
        self.line_has_code = false;
        self.line_has_comment = false;
        // An attribute still open continues onto the next line.
        self.line_is_attr = self.attr_close_depth.is_some();
    }

    fn code(&mut self) {
        if self.attr_close_depth.is_none() {
            self.line_has_code = true;
        }
    }

    fn run(mut self) -> Scan {
        while let Some(b) = self.peek(0) {
            match b {
                b'/' if self.peek(1) == Some(b'/') => self.line_comment(),
                b'/' if self.peek(1) == Some(b'*') => {
                    self.code();
                    self.block_comment();
                }
                b'"' => {
                    self.code();
                    self.token(false);
                    self.at += 1;
                    self.quoted(b'"');
                }
                b'\'' => {
                    self.code();
                    self.token(false);
                    self.quote_or_lifetime();
                }
                b'#' if !self.line_has_code
                    && self.attr_close_depth.is_none()
                    && (self.peek(1) == Some(b'[')
                        || (self.peek(1) == Some(b'!') && self.peek(2) == Some(b'['))) =>
                {
                    self.line_is_attr = true;
                    self.attr_close_depth = Some(self.depth);
                    self.token(false);
                    self.at += 1;
                }
                b'\n' => self.newline(),
                // What `char::is_whitespace` takes of ASCII.
                b'\t' | b'\x0B' | b'\x0C' | b'\r' | b' ' => {
                    // Indentation comes in runs.
                    let rest = self.bytes.get(self.at + 1..).unwrap_or_default();
                    self.at += 1 + rest.iter().take_while(|&&b| b == b' ').count();
                }
                b'_' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => {
                    self.code();
                    self.word();
                }
                0..0x80 => {
                    self.code();
                    self.punct(b);
                    self.at += 1;
                }
                _ => {
                    let c = self.char();
                    if c.is_alphanumeric() {
                        self.code();
                        self.word();
                    } else {
                        if !c.is_whitespace() {
                            self.code();
                            // Not ASCII: a link, as any operator character.
                            self.punct(b);
                        }
                        self.at += c.len_utf8();
                    }
                }
            }
        }
        // The last line, when the file does not end with a newline.
        if self.line_has_code || self.line_has_comment || self.line_is_attr {
            self.end_line();
        }
        self.scan
    }

    fn punct(&mut self, b: u8) {
        let prev = self.prev;
        // After a block, an operator, a call or an index goes on with the
        // expression that holds it; anything else starts a statement or item.
        self.token(matches!(
            b,
            b'.' | b'?'
                | b'+'
                | b'-'
                | b'*'
                | b'/'
                | b'%'
                | b'^'
                | b'&'
                | b'|'
                | b'<'
                | b'>'
                | b'='
                | b'!'
                | b'('
                | b'['
        ));
        match b {
            b'(' | b'[' | b'{' => {
                if b != b'{' && prev == Prev::Close {
                    // A postfix call or index (`f()()`, `v[0][1]`).
                    self.link();
                }
                self.outer.push(self.chain);
                self.outer_sum = self.outer_sum.saturating_add(self.chain);
                self.chain = 0;
                self.depth += 1;
                self.scan.max_depth = self.scan.max_depth.max(self.depth);
                self.measure();
            }
            b')' | b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                // The bracket is one operand of the chain around it.
                self.chain = self.outer.pop().unwrap_or(0);
                self.outer_sum = self.outer_sum.saturating_sub(self.chain);
                if b == b']' && self.attr_close_depth == Some(self.depth) {
                    self.attr_close_depth = None;
                }
            }
            b';' | b',' => self.chain = 0,
            _ => self.link(),
        }
        self.prev = match b {
            b')' | b']' => Prev::Close,
            b'}' => Prev::Brace,
            _ => Prev::Other,
        };
    }

    /// A token other than a comment: after a block, unless it `continues` the
    /// expression that holds the block, it breaks the chain.
    fn token(&mut self, continues: bool) {
        if self.prev == Prev::Brace && !continues {
            self.chain = 0;
        }
        self.prev = Prev::Other;
    }

    /// One more link of the current chain.
    fn link(&mut self) {
        self.chain = self.chain.saturating_add(1);
        self.measure();
    }

    fn measure(&mut self) {
        let nesting = self
            .depth
            .saturating_mul(BRACKET_WEIGHT)
            .saturating_add(self.outer_sum)
            .saturating_add(self.chain);
        self.scan.max_nesting = self.scan.max_nesting.max(nesting);
    }

    fn line_comment(&mut self) {
        let start = self.at;
        let trailing = self.line_has_code || (self.line_is_attr && self.attr_close_depth.is_none());
        let end = self
            .bytes
            .get(start..)
            .and_then(|rest| memchr::memchr(b'\n', rest))
            .map_or(self.bytes.len(), |n| start + n);
        self.at = end;
        let whole = self
            .text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r');
        let body = whole.strip_prefix("//").unwrap_or(whole);
        let is_doc = (body.starts_with('/') && !body.starts_with("//")) || body.starts_with('!');
        if is_doc {
            // Doc comments are attributes.
            if !self.line_has_code {
                self.line_is_attr = true;
            }
            return;
        }
        self.line_has_comment = true;
        let column = 1 + chars(self.text.get(self.line_start..start).unwrap_or(""));
        self.scan.comments.push(LineComment {
            line: self.line,
            column,
            end_column: column + chars(whole),
            text: body.to_owned(),
            trailing,
        });
    }

    /// Steps past the first of `a`, `b` and `\n` from `at` on and returns it, or
    /// goes to the end and returns `None`. A `\n` ends a line that holds code
    /// (a comment or literal), and the next line holds code too.
    fn past(&mut self, a: u8, b: u8) -> Option<u8> {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let Some(n) = memchr::memchr3(a, b, b'\n', rest) else {
            self.at = self.bytes.len();
            return None;
        };
        self.at += n;
        let found = self.peek(0);
        if found == Some(b'\n') {
            self.newline();
            self.line_has_code = true;
        } else {
            self.at += 1;
        }
        found
    }

    fn block_comment(&mut self) {
        self.at += 2;
        let mut nesting = 1u32;
        while nesting > 0 {
            match self.past(b'*', b'/') {
                None => return,
                Some(b'*') if self.peek(0) == Some(b'/') => {
                    self.at += 1;
                    nesting -= 1;
                }
                Some(b'/') if self.peek(0) == Some(b'*') => {
                    self.at += 1;
                    nesting += 1;
                }
                Some(_) => {}
            }
        }
    }

    /// Consumes up to and including the closing `close`, honouring escapes.
    fn quoted(&mut self, close: u8) {
        loop {
            match self.past(close, b'\\') {
                None => return,
                Some(b'\\') => match self.peek(0) {
                    Some(b'\n') => {
                        self.newline();
                        self.line_has_code = true;
                    }
                    // The escaped character's first byte: the rest are never
                    // `close`, `\` or `\n`.
                    Some(_) => self.at += 1,
                    None => return,
                },
                Some(b'\n') => {}
                Some(_) => return,
            }
        }
    }

    /// `r"..."`, `r#"..."#`: no escapes, ends at `"` followed by as many `#`.
    fn raw_string(&mut self) {
        let mut hashes = 0usize;
        while self.peek(0) == Some(b'#') {
            self.at += 1;
            hashes += 1;
        }
        if self.peek(0) != Some(b'"') {
            return;
        }
        self.at += 1;
        loop {
            match self.past(b'"', b'"') {
                None => return,
                Some(b'"') => {
                    let mut seen = 0;
                    while seen < hashes && self.peek(0) == Some(b'#') {
                        self.at += 1;
                        seen += 1;
                    }
                    if seen == hashes {
                        return;
                    }
                }
                Some(_) => {}
            }
        }
    }

    fn word(&mut self) {
        let start = self.at;
        loop {
            let rest = self.bytes.get(self.at..).unwrap_or_default();
            self.at += rest.iter().take_while(|&&b| is_word_byte(b)).count();
            match self.peek(0) {
                Some(0x80..) if self.char().is_alphanumeric() => self.at += self.char().len_utf8(),
                _ => break,
            }
        }
        let word = self.text.get(start..self.at).unwrap_or("");
        match (word, self.peek(0)) {
            ("r" | "br" | "cr", Some(b'"')) => self.raw_string(),
            ("r" | "br" | "cr", Some(b'#')) if matches!(self.peek(1), Some(b'"' | b'#')) => {
                self.raw_string()
            }
            ("b" | "c", Some(b'"')) => {
                self.at += 1;
                self.quoted(b'"');
            }
            ("b", Some(b'\'')) => {
                self.at += 1;
                self.quoted(b'\'');
            }
            _ => {}
        }
        self.token(matches!(word, "as" | "else"));
        if is_nesting_keyword(word) {
            self.link();
        }
    }

    /// `'a'`, `'\n'`, `'\u{1F600}'` are char literals; `'a` and `'static` are lifetimes.
    fn quote_or_lifetime(&mut self) {
        self.at += 1;
        match self.peek(0) {
            Some(b'\\') => self.quoted(b'\''),
            Some(b'\n') if self.peek(1) == Some(b'\'') => {
                self.newline();
                self.at += 1;
            }
            Some(_) => {
                let width = self.char().len_utf8();
                if self.peek(width) == Some(b'\'') {
                    self.at += width + 1;
                }
            }
            None => {}
        }
    }
}

/// `_`, an ASCII letter or digit: a byte of a word, when ASCII. A table
/// lookup, for the lexer's hottest loop.
fn is_word_byte(b: u8) -> bool {
    #[allow(
        clippy::indexing_slicing,
        reason = "a const initialiser: an index out of bounds fails the build, never a run"
    )]
    const WORD_BYTES: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 128 {
            table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
            b += 1;
        }
        table
    };
    WORD_BYTES.get(usize::from(b)).copied().unwrap_or(false)
}

/// The characters of `text`: its bytes that are not continuation bytes.
fn chars(text: &str) -> u32 {
    text.bytes().filter(|b| !(0x80..0xC0).contains(b)).count() as u32
}

#[cfg(test)]
mod tests {

    #[test]
    fn clip_cuts_at_a_character_boundary() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("exactly10!", 10), "exactly10!");
        assert_eq!(clip("abcdefghijk", 10), "abcdefghi…");
        assert_eq!(clip("ééééééééééé", 5), "éééé…");
        assert_eq!(clip("ab  cdef", 5), "ab…");
        assert_eq!(clip("abcdefghijk", 10).chars().count(), 10);
    }

    #[test]
    fn first_bad_byte_counts_characters() {
        assert_eq!(first_bad_byte(""), Pos::new(1, 1));
        assert_eq!(first_bad_byte("// caf"), Pos::new(1, 7));
        assert_eq!(first_bad_byte("a\n// é"), Pos::new(2, 5));
        assert_eq!(first_bad_byte("\u{feff}ab"), Pos::new(1, 3));
    }

    use super::*;

    #[test]
    fn comments_in_strings_are_not_comments() {
        let s = scan("let a = \"// PANIC: no\"; // PANIC: yes\nlet b = r#\"/* \"# ; // x\n");
        let texts: Vec<_> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec![" PANIC: yes", " x"]);
        assert!(s.comments.iter().all(|c| c.trailing));
    }

    #[test]
    fn lifetimes_and_chars() {
        let s = scan("fn f<'a>(x: &'a str) -> char { '\"' } // c\n");
        assert_eq!(s.comments.len(), 1);
        let s = scan("let c = '\\''; // c\n");
        assert_eq!(s.comments.len(), 1);
    }

    #[test]
    fn line_kinds() {
        let s = scan("// a\n#[inline]\n/// doc\nfn f() {}\n\n/* b */\n#[cfg(all(\n  test))]\n");
        assert_eq!(
            s.lines,
            vec![
                LineKind::Comment,
                LineKind::Attribute,
                LineKind::Attribute,
                LineKind::Code,
                LineKind::Blank,
                LineKind::Code,
                LineKind::Attribute,
                LineKind::Attribute,
            ]
        );
    }

    #[test]
    fn nested_block_comments() {
        let s = scan("/* a /* b */ // not */ x // yes\n");
        assert_eq!(s.comments.len(), 1);
    }

    #[test]
    fn offsets_count_characters() {
        let t = SourceText::new("é = 1;\r\nab\n".to_owned());
        assert_eq!(t.offset(Pos::new(1, 2)), 2);
        assert_eq!(t.line(1), "é = 1;");
        assert_eq!(t.offset(Pos::new(2, 2)), 10);
    }

    #[test]
    fn characters_beyond_ascii_are_read_as_characters() {
        // Columns count characters, not bytes.
        let s = scan("let é = \"ü\"; // c\n");
        assert_eq!(
            (s.comments.len(), s.comments.first().map(|c| c.column)),
            (1, Some(14))
        );
        // A letter is part of a word; another symbol is an operator character, a
        // link; Unicode white space is white space.
        assert_eq!(scan("fn f() { été }").max_nesting, 2);
        assert_eq!(scan("fn f() { a ∑ b }").max_nesting, 2 + 1);
        assert_eq!(scan("fn f() {\u{3000}a\u{85}}").max_nesting, 2);
        // A character literal of any width hides its character; a lifetime does not
        // end at the next quote.
        assert_eq!(scan("fn f() { ('é', '(', '\\'') }").max_nesting, 2 + 2);
        assert_eq!(scan("fn f(x: &'a u8) { ((x)) }").max_nesting, 2 + 2 + 2);
        // A literal or comment that does not end takes the rest of the text.
        assert_eq!(scan("fn f() { \"((((").max_nesting, 2);
        assert_eq!(scan("fn f() { /* (( /* */ ((").max_nesting, 2);
        assert_eq!(scan("fn f() { r#\"((\" ((\"#").max_nesting, 2);
    }

    #[test]
    fn depth_is_measured() {
        let s = scan("fn f() { ((((1)))) }");
        assert_eq!(s.max_depth, 5);
    }

    #[test]
    fn columns_of_a_long_line_that_is_not_ascii_are_found_from_marks() {
        let line = format!("/* é */ {}", "o.unwrap(); ü ".repeat(200));
        let text = SourceText::new(format!("fn f() {{}}\n{line}\nx\n"));
        assert!(text.marks.contains_key(&1));
        for column in [1, 9, 255, 256, 257, 258, 1000, 2500] {
            let naive = 10
                + line
                    .char_indices()
                    .nth(column - 1)
                    .map_or(line.len(), |(i, _)| i);
            assert_eq!(text.offset(Pos::new(2, column as u32)), naive, "{column}");
        }
        // Past the end of the line: its end.
        assert_eq!(text.offset(Pos::new(2, 1_000_000)), 10 + line.len());
    }

    #[test]
    fn keywords_that_lead_an_expression_are_links_of_a_chain() {
        // Inside `f`'s block (2): `return return 1` nests as deep as `- - 1`.
        assert_eq!(scan("fn f() { return return return 1 }").max_nesting, 2 + 3);
        assert_eq!(scan("fn f() { - - - 1 }").max_nesting, 2 + 3);
        // `returned` is a name; `if if a {..} {..}`: two ifs, then the block.
        assert_eq!(scan("fn f() { returned + inner }").max_nesting, 2 + 1);
        // `if if a { b } else { c } { d }`: `if`, `if`, `else`, then a block.
        assert_eq!(
            scan("fn f() { if if a { b } else { c } { d } }").max_nesting,
            2 + 3 + 2
        );
        for keyword in [
            "as", "become", "break", "else", "for", "if", "in", "let", "match", "return", "while",
            "yield",
        ] {
            assert!(is_nesting_keyword(keyword), "{keyword}");
            assert!(!is_nesting_keyword(&format!("{keyword}x")));
            assert_eq!(scan(&format!("fn f() {{ {keyword} }}")).max_nesting, 2 + 1);
        }
        assert!(!is_nesting_keyword("inner"));
        assert!(!is_nesting_keyword("if_"));
    }

    #[test]
    fn postfix_brackets_and_else_ifs_are_links_of_a_chain() {
        // Each postfix bracket is a link, and its contents one level deeper.
        assert_eq!(scan("fn f() { x()()() }").max_nesting, 2 + 2 + 2);
        assert_eq!(
            scan("fn f() { v[0] [1] /* c */ [2] }").max_nesting,
            2 + 2 + 2
        );
        assert_eq!(scan("fn f() { g(h(1)) }").max_nesting, 2 + 2 + 2);
        // An `else if` is two links, which the blocks between them do not break.
        let chain = format!(
            "fn f() {{ if a {{}} {}else {{}} }}",
            "else if b {} ".repeat(5)
        );
        assert_eq!(scan(&chain).max_nesting, 2 + 1 + 10 + 1 + 2);
        // Statements one after another are not one chain.
        let statements = format!("fn f() {{ {} }}", "if a {} else if b {} ".repeat(5));
        assert_eq!(scan(&statements).max_nesting, 2 + 3 + 2);
        let items = "#[a] fn f() -> u8 { 1 }\n#[a] fn g() -> u8 { 1 }\n".repeat(5);
        assert_eq!(scan(&items).max_nesting, 2 + 2);
    }

    #[test]
    fn a_chain_inside_a_bracket_inside_a_chain_nests_in_both() {
        // Blocks in a chain of operators (`- { - { .. } }`), and a chain of blocks.
        let nested = format!("fn f() {{ {}1{} }}", "- - { ".repeat(3), " }".repeat(3));
        assert_eq!(scan(&nested).max_nesting, 2 + 3 * (2 + 2));
        let blocks = format!("fn f() {{ {{1}}{} }}", " - {1}".repeat(10));
        assert_eq!(scan(&blocks).max_nesting, 2 + 10 + 2);
    }
    #[test]
    fn the_bound_is_above_the_measure() {
        let mut texts: Vec<String> = [
            "fn f() { x()()() }",
            "fn f() { v[0] [1] /* c */ [2] }",
            "fn f() { if if a { b } else { c } { d } }",
            "fn f() { return return return 1 }",
            "fn f() { let s = \"((((\"; 'a' as u8 as u8 }",
        ]
        .map(str::to_owned)
        .into();
        texts.push(format!(
            "fn f() {{ {}1{} }}",
            "- - { ".repeat(300),
            " }".repeat(300)
        ));
        texts.push(format!(
            "fn f() {{ if a {{}} {}else {{}} }}",
            "else if b {} ".repeat(900)
        ));
        texts.push(format!("fn f() {{ x{} }}", "()".repeat(3000)));
        for dir in std::fs::read_dir("fixtures")
            .into_iter()
            .flatten()
            .flatten()
        {
            for file in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                texts.extend(std::fs::read_to_string(file.path()));
            }
        }
        assert!(texts.len() > 20);
        for text in &texts {
            let measured = scan(text).max_nesting;
            if measured > 0 {
                assert!(may_nest_deeper(text, measured - 1), "{text}");
            }
        }
        // Short texts never need the lexer for the bound: two per byte at most.
        assert!(!may_nest_deeper("((((", 8));
        assert!(may_nest_deeper("((((", 7));
        assert_eq!(scan("((((").max_nesting, 8);
    }

    /// The text of each region that `find` finds in `text`.
    fn found(find: fn(&str) -> Vec<std::ops::Range<usize>>, text: &str) -> Vec<&str> {
        find(text).into_iter().filter_map(|r| text.get(r)).collect()
    }

    #[test]
    fn test_module_bodies_are_found_exactly() {
        assert_eq!(
            found(test_module_bodies, "#[cfg(test)]\nmod tests { fn t() {} }"),
            [" fn t() {} "]
        );
        assert_eq!(
            found(
                test_module_bodies,
                "#[cfg(test)] #[path = \"]\"] pub(crate) mod r#t /* c */ {x}\nfn f() {}"
            ),
            ["x"]
        );
        assert_eq!(
            found(test_module_bodies, "# [ cfg(test) ]\n// c\npub mod t {}"),
            [""]
        );
        // Literals and comments that hold brackets, and nested blocks.
        let text =
            "#[cfg(test)] mod t { '}'; \"}\"; r#\"}\"#; /* } */ // }\n { } 'a; b'{' }\nfn f() {}";
        assert_eq!(
            found(test_module_bodies, text),
            [" '}'; \"}\"; r#\"}\"#; /* } */ // }\n { } 'a; b'{' "]
        );
        // Two modules, and one inside a test module (found with it).
        assert_eq!(
            found(
                test_module_bodies,
                "#[cfg(test)] mod a { #[cfg(test)] mod b {} }\n#[cfg(test)] mod c {}"
            ),
            [" #[cfg(test)] mod b {} ", ""]
        );
        for text in [
            "#[cfg(not(test))] mod t {}",
            "#[cfg(all(test, unix))] mod t {}",
            "#![cfg(test)] mod t {}",
            "#[cfg(test)] mod t;",
            "#[cfg(test)] fn t() {}",
            "#[cfg(test)] mod t { unclosed",
            "#[cfg(test)] mod t { \"unterminated }",
            "// #[cfg(test)] mod t {}",
            "/* #[cfg(test)] mod t {} */",
            "const S: &str = \"#[cfg(test)] mod t {}\";",
            "const S: &str = r#\"#[cfg(test)] mod t {}\"#;",
            // A character outside ASCII before the `}` on its line would move
            // the columns after it.
            "#[cfg(test)] mod t {\n\"é\" } fn f() {}",
        ] {
            assert!(found(test_module_bodies, text).is_empty(), "{text}");
        }
        // Outside ASCII on other lines is fine.
        assert_eq!(
            found(test_module_bodies, "#[cfg(test)] mod t { \"é\"\n}"),
            [" \"é\"\n"]
        );
    }

    #[test]
    fn data_tables_are_literal_data_that_initialise_an_item() {
        let data = "1, -2, 0x1F_u8, 1.5e-3, 2E+7f64, 'a', b'\\'', \"s]\", b\"x\", r#\"\"]\"#, br\"y\", true";
        let nested =
            "(1, \"a\"), (2, &[3, 4]), (-5, &\"b\"), [(6,), ()], (7, 8,), (9, \"c\"), (10, \"d\"),";
        for (text, inside) in [
            (format!("static T: [u8; 12] = [{data}];"), data),
            (format!("pub const T: &[(u8, &str)] = &[{nested}];"), nested),
            (
                format!("static mut T: [u8; 12] = [ /* c */ {data} // c\n];"),
                "",
            ),
            (format!("const _: [u8; 12] = [{data}];\nfn f() {{}}"), data),
        ] {
            let found = found(data_tables, &text);
            assert_eq!(found.len(), 1, "{text}");
            if !inside.is_empty() {
                assert_eq!(found, [inside], "{text}");
            }
        }
        let long = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22";
        for text in [
            // Not literal data.
            format!("static T: [u8; 23] = [{long}, X];"),
            format!("static T: [u8; 23] = [{long}, f(1)];"),
            format!("static T: [u8; 23] = [{long}, 1 + 2];"),
            format!("static T: [u8; 23] = [{long}, 1 - 2];"),
            format!("static T: [u8; 23] = [{long}, 0x1e-5];"),
            format!("static T: [u8; 23] = [{long}, {{ 1 }}];"),
            format!("static T: [u8; 23] = [{long}, 'a];"),
            format!("static T: [u8; 23] = [{long}, #[cfg(x)] 1];"),
            format!("static T: [u8; 23] = [{long} 23];"),
            format!("static T: [u8; 23] = [{long},, 23];"),
            format!("static T: [u8; 23] = [{long}, -];"),
            format!("static T: [u8; 23] = [{long}, (1, 2];"),
            "static T: [u8; 23] = [0; 23];".to_owned(),
            // Not the whole initialiser of a `const` or `static`.
            format!("static T: u8 = [{long}][0];"),
            format!("static T: usize = [{long}].len();"),
            format!("fn f() {{ let t = [{long}]; }}"),
            format!("fn f() -> &'static [u8] {{ &[{long}] }}"),
            format!("const fn f() -> [u8; 22] {{ [{long}] }}"),
            format!("fn f<const N: usize>() {{ g([{long}]) }}"),
            format!("// static T: [u8; 22] = [{long}];"),
            format!("const S: &str = \"static T: [u8; 22] = [{long}];\";"),
            format!("static T: [u8; 22] = [{long}] // no semicolon"),
            // Too small to matter, and outside ASCII on the last line.
            "static T: [u8; 3] = [1, 2, 3];".to_owned(),
            format!("static T: [&str; 23] = [{long}, \"é\"];"),
        ] {
            assert!(found(data_tables, &text).is_empty(), "{text}");
        }
    }

    #[test]
    fn doc_attributes_with_a_string_are_found_whole() {
        assert_eq!(
            found(
                doc_attributes,
                "#[doc = \"a ] b\"]\n# [ doc=r#\"raw\"# ]\n#![doc = \"\"] fn f() {}"
            ),
            [
                "#[doc = \"a ] b\"]",
                "# [ doc=r#\"raw\"# ]",
                "#![doc = \"\"]"
            ]
        );
        for text in [
            "#[doc(hidden)] fn f() {}",
            "#[doc = include_str!(\"x.md\")] fn f() {}",
            "#[doc = concat!(\"a\", \"b\")] fn f() {}",
            "#[cfg_attr(x, doc = \"a\")] fn f() {}",
            "#[doc = b\"a\"] fn f() {}",
            "#[docs = \"a\"] fn f() {}",
            "#[doc = \"a\" \"b\"] fn f() {}",
            "const S: &str = \"#[doc = \\\"a\\\"]\";",
            "// #[doc = \"a\"]",
            "#[doc = \"é\"] fn f() {}",
        ] {
            assert!(found(doc_attributes, text).is_empty(), "{text}");
        }
        // Outside ASCII is fine when nothing follows on the line.
        assert_eq!(
            found(doc_attributes, "#[doc = \"é\"]\nfn f() {}"),
            ["#[doc = \"é\"]"]
        );
    }

    #[test]
    fn the_parser_sees_test_bodies_blank_only_when_tests_are_skipped() {
        let text = "/// doc\n#[cfg(test)]\nmod t {\r\n    fn é() {}\n}\nfn f() {}";
        let blanked = for_parser(text, true).expect("a body");
        // One space a byte: `é` is two.
        let spaces = " ".repeat("    fn é() {}".len());
        assert_eq!(
            blanked,
            format!("//  doc\n#[cfg(test)]\nmod t {{\r\n{spaces}\n}}\nfn f() {{}}")
        );
        assert_eq!(blanked.len(), text.len());
        assert_eq!(for_parser(text, false), without_doc_comments(text));
        assert_eq!(for_parser("fn f() {}", true), None);
    }

    #[test]
    fn doc_comments_become_plain_comments_of_the_same_length() {
        let text = "//! crate\n/// an item\nfn f() {} /** block */ fn g() {}\n/*! inner */";
        let plain = without_doc_comments(text).expect("docs");
        assert_eq!(
            plain,
            "//  crate\n//  an item\nfn f() {} /*  block */ fn g() {}\n/*  inner */"
        );
        // Not doc comments, or not comments at all: nothing to do.
        for text in [
            "//// four\n/**/ /***/ /*** x */ fn f() {}",
            "fn f() { let s = \"/// in a string\"; }",
            "fn f() { let s = r#\"/// \"raw\" //! \"#; }",
            "fn f() { let s = br##\"/**\"# x\"##; }",
            "fn f() { let s = \"\\\" ///\"; }",
            "fn f() { let c = '\"'; let s = \"///\"; }",
            "fn f<'a>(x: &'a str) { let s = \"///\"; let c = '\\''; let u = '\\u{2F}'; }",
            "/* nested /* /// */ still a comment */ fn f() {}",
            "fn f() { let s = \"unterminated /// ",
        ] {
            assert_eq!(without_doc_comments(text), None, "{text}");
        }
        // After the tricky literals, a doc comment is still found.
        let text = "fn f<'a>() { let c = '\"'; let d = 'é'; let r = r\"\\\"; }\n/// doc\nfn g() {}";
        assert!(without_doc_comments(text).is_some_and(|t| t.contains("//  doc")));
    }
}
