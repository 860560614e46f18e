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
        normalize(text.as_str().get(start..end).unwrap_or(""))
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

/// The code of a site as rustfmt cannot change it: whitespace outside string and
/// character literals removed, and a comma right before a closing bracket dropped
/// (rustfmt adds one when it breaks a call over several lines).
pub fn normalize(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
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
                copy_literal(&mut chars, &mut out, '"');
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
                    copy_literal(&mut chars, &mut out, '\'');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Copies the rest of a literal up to its closing `quote` (escapes honoured).
fn copy_literal(chars: &mut impl Iterator<Item = char>, out: &mut String, quote: char) {
    let mut escaped = false;
    for c in chars {
        out.push(c);
        match c {
            '\\' if !escaped => escaped = true,
            c if c == quote && !escaped => break,
            _ => escaped = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

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
