//! The [`Key`] of each finding of a report: the hash of the normalized code of its
//! site, read from the text the report keeps of every file with findings.

use std::collections::HashMap;

use crate::engine::baseline::key::{hex, Key};
use crate::engine::report::Texts;
use crate::engine::report::{Finding, Report};
use crate::engine::source::SourceText;

/// The key of every finding of `report`, in the report's order.
pub fn keys(report: &Report) -> Vec<Key> {
    let mut texts = Texts::new(report);
    report
        .findings
        .iter()
        .map(|finding| key(report, finding, texts.get(finding.file)))
        .collect()
}

fn key(report: &Report, finding: &Finding, text: Option<&SourceText>) -> Key {
    let file = report.file(finding.file);
    let code = text.map_or_else(String::new, |text| {
        let start = text.offset(finding.span.start);
        let end = text.offset(finding.span.end).max(start);
        let mut code = normalize_upto(text.as_str().get(start..end).unwrap_or(""), MAX_CODE);
        code.truncate(floor_char_boundary(&code, MAX_CODE));
        code
    });
    Key {
        rule: finding.rule,
        package: file.and_then(|f| f.package.clone()).unwrap_or_default(),
        path: file.map(|f| f.display.clone()).unwrap_or_default(),
        item: finding.item.clone().unwrap_or_default(),
        code: hex(xxhash_rust::xxh3::xxh3_64(code.as_bytes())),
    }
}

/// SARIF's `primaryLocationLineHash` of every finding: the hash of its [`Key`] and,
/// after a colon, which occurrence of that key it is (1-based, in report order), as
/// GitHub's own fingerprints count repeated lines.
pub fn line_hashes(keys: &[Key]) -> Vec<String> {
    let mut seen: HashMap<&Key, u32> = HashMap::new();
    keys.iter()
        .map(|key| {
            let n = seen.entry(key).or_insert(0);
            *n = n.saturating_add(1);
            format!("{}:{n}", key.hash())
        })
        .collect()
}

/// How much of a site's normalized code its key hashes (bytes). The sites of one
/// long expression nest (`x / x / x ..`, each `/` a site spanning all before it):
/// hashing each whole would be quadratic in the expression's length.
const MAX_CODE: usize = 1_000;

/// The code of a site as rustfmt cannot change it: whitespace outside string and
/// character literals removed, and a comma right before a closing bracket dropped
/// (rustfmt adds one when it breaks a call over several lines).
pub fn normalize(code: &str) -> String {
    normalize_upto(code, usize::MAX)
}

/// [`normalize`], stopped once more than `limit` bytes of it are final (a comma
/// may still be dropped from the end, so a few bytes past the limit are made).
fn normalize_upto(code: &str, limit: usize) -> String {
    let limit = limit.saturating_add(8);
    let mut out = String::with_capacity(code.len().min(limit));
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() > limit {
            break;
        }
        match c {
            c if c.is_whitespace() => {}
            ')' | ']' | '}' => {
                if out.ends_with(',') {
                    out.pop();
                }
                out.push(c);
            }
            '"' => {
                out.push(c);
                copy_literal(&mut chars, &mut out, '"', limit);
            }
            // A character literal (`' '`, `'"'`, `'\''`) is copied as it is; a
            // lifetime (`'a`) has no closing quote right after its first character.
            '\'' => {
                out.push(c);
                let mut ahead = chars.clone();
                let literal = match ahead.next() {
                    Some('\\') => ahead.any(|c| c == '\''),
                    Some(_) => ahead.next() == Some('\''),
                    None => false,
                };
                if literal {
                    copy_literal(&mut chars, &mut out, '\'', limit);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Copies the rest of a literal up to its closing `quote` (escapes honoured), or
/// until `out` is longer than `limit`.
fn copy_literal(
    chars: &mut impl Iterator<Item = char>,
    out: &mut String,
    quote: char,
    limit: usize,
) {
    let mut escaped = false;
    for c in chars {
        if out.len() > limit {
            break;
        }
        out.push(c);
        match c {
            '\\' if !escaped => escaped = true,
            c if c == quote && !escaped => break,
            _ => escaped = false,
        }
    }
}

/// The largest char boundary of `s` at or below `at`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{normalize, normalize_upto, MAX_CODE};

    #[test]
    fn a_long_site_is_keyed_by_the_start_of_its_code() {
        let code = format!("x{}", " / x".repeat(2_000));
        let whole = normalize(&code);
        let start = normalize_upto(&code, MAX_CODE);
        assert!(start.len() > MAX_CODE && start.len() < MAX_CODE + 16);
        assert!(whole.starts_with(&start));
        // A comma right before a bracket is dropped at the cut as anywhere else.
        let code = format!("f({}a,)", "a, ".repeat(600));
        let cut = normalize_upto(&code, MAX_CODE);
        assert!(normalize(&code).starts_with(&cut));
    }

    #[test]
    fn rustfmt_changes_nothing_that_counts() {
        assert_eq!(normalize("unwrap ( )"), "unwrap()");
        assert_eq!(
            normalize("panic!(\n    \"bad {}\",\n    x,\n)"),
            normalize("panic!(\"bad {}\", x)")
        );
        assert_eq!(normalize("v[ i ]"), "v[i]");
    }

    #[test]
    fn literals_keep_their_spaces() {
        assert_eq!(normalize("expect(\"a b\")"), "expect(\"a b\")");
        assert_eq!(normalize("expect(\"a \\\" b\")"), "expect(\"a \\\" b\")");
        assert_ne!(normalize("f(' ')"), normalize("f('')"));
        assert_eq!(normalize("f('\"', a , b)"), "f('\"',a,b)");
        assert_eq!(normalize("f::< 'a >( x )"), "f::<'a>(x)");
        assert_ne!(normalize("expect(\"a b\")"), normalize("expect(\"ab\")"));
    }
}
