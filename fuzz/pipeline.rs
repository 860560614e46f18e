//! The whole per-file pipeline, from one file's bytes to every report: what the
//! fuzz targets run, and what `tests/fuzz_regressions.rs` replays on stable Rust
//! for every input the fuzzer ever found (this file is shared by `#[path]`).

use std::sync::Arc;

use cargo_panicfree::api::FileId;
use cargo_panicfree::engine::analyze::{analyze, FileInput, FileResult};
use cargo_panicfree::engine::apply::{apply, Around};
use cargo_panicfree::engine::cache;
use cargo_panicfree::engine::config::Config;
use cargo_panicfree::engine::model::{File, FileKind};
use cargo_panicfree::engine::report::Report;
use cargo_panicfree::output;

/// The checking threads' stack (the tool's own): the parser recurses per level.
const STACK: usize = 256 * 1024 * 1024;

/// Runs `bytes` through parsing, every rule, the justification scanner, the
/// cache's round trip and every reporter, on a thread with the tool's stack; a
/// panic anywhere is the fuzzer's finding.
pub fn run(bytes: &[u8]) {
    let bytes = bytes.to_vec();
    let worker = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || check(&bytes))
        .expect("a checking thread starts");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

fn check(bytes: &[u8]) {
    // The tool reads files as UTF-8 (a file that is not is one finding, made
    // without parsing); a leading byte-order mark is dropped first.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let _ = doc_comments_only_lose_their_tokens(text);
    let _ = blanking_keeps_every_other_token(text);
    let config = Config::default();
    for include_tests in [false, true] {
        let input = FileInput {
            module_path: "fuzz",
            in_test: false,
            include_tests,
            include_debug: include_tests,
            library: Some("fuzz"),
            markers: &config.markers,
        };
        let result = analyze(text, &input);
        let stored = cache::result_bytes(&result).expect("a result serializes");
        let back: FileResult = postcard::from_bytes(&stored).expect("and deserializes");
        assert_eq!(back, result, "the cache's round trip changes nothing");
        let findings = apply(&result, &Around::default(), FileId(0), "fuzz", &config);
        let file = File {
            id: FileId(0),
            kind: FileKind::Rust {
                module: "fuzz".to_owned(),
                target: None,
            },
            path: "fuzz.rs".into(),
            display: "fuzz.rs".to_owned(),
            package: None,
            text: Some(Arc::new(text.to_owned())),
        };
        let report = Report::new(vec![file], 1, findings);
        for json in [
            output::json::render(&report),
            output::sarif::render(&report),
        ] {
            assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        }
        for hide_justified in [false, true] {
            let view = output::View { hide_justified };
            let _ = output::human::render(&report, false, view);
            let _ = output::short::render(&report, view);
            let _ = output::github::render(&report, view, None);
            let _ = output::cargo_json::render(&report, view);
        }
        let _ = output::statistics::render(&report);
    }
}

/// The analysis parses `text` with its doc comments made plain comments
/// (`source::without_doc_comments`): the lexer must then see the same tokens at
/// the same offsets, less the `#[doc]` attributes that came from comments. Under
/// `cargo fuzz`, proc-macro2 tracks no spans (`cfg(fuzzing)`: every range is
/// empty), so there the check is that the tokens are the same once every `#[doc]`
/// attribute is left out of both. Returns whether `text` had doc comments.
pub fn doc_comments_only_lose_their_tokens(text: &str) -> bool {
    use proc_macro2::{TokenStream, TokenTree};
    type Tokens = Vec<(String, std::ops::Range<usize>)>;
    let spans = tracks_spans();
    fn is_doc(tree: Option<&TokenTree>) -> bool {
        matches!(tree, Some(TokenTree::Group(g))
            if g.delimiter() == proc_macro2::Delimiter::Bracket
                && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc"))
    }
    fn walk(stream: TokenStream, text: &str, spans: bool, out: &mut Tokens) {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        let mut i = 0;
        while let Some(tree) = trees.get(i) {
            i += 1;
            let range = tree.span().byte_range();
            if spans {
                let comment = text
                    .get(range.start..)
                    .is_some_and(|s| s.starts_with("//") || s.starts_with("/*"));
                if comment {
                    continue;
                }
            } else if matches!(tree, TokenTree::Punct(p) if p.as_char() == '#') {
                let bang = matches!(trees.get(i), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                let attr = i + usize::from(bang);
                if is_doc(trees.get(attr)) {
                    i = attr + 1;
                    continue;
                }
            }
            match tree {
                TokenTree::Group(g) => {
                    out.push((format!("{:?}", g.delimiter()), range));
                    walk(g.stream(), text, spans, out);
                }
                other => out.push((other.to_string(), range)),
            }
        }
    }
    let tokens = |text: &str| {
        let stream = text.parse::<TokenStream>().ok()?;
        let mut out = Tokens::new();
        walk(stream, text, spans, &mut out);
        proc_macro2::extra::invalidate_current_thread_spans();
        Some(out)
    };
    let Some(plain) = cargo_panicfree::engine::source::without_doc_comments(text) else {
        return false;
    };
    assert_eq!(plain.len(), text.len(), "the same length");
    if let Some(original) = tokens(text) {
        assert_eq!(tokens(&plain), Some(original), "the same tokens: {text}");
    }
    true
}

/// The analysis also blanks `#[doc = ".."]` attributes, the insides of data
/// tables and, with tests skipped, the bodies of `#[cfg(test)]` modules
/// (`source::for_parser`): each attribute must be a `#` and a `[ ]` group of the
/// original, each inside exactly that of a group (`[ ]` and `{ }`), and the lexer
/// must see every other token unchanged, at the same offset. Without spans
/// (`cfg(fuzzing)`) only the lengths and the line breaks are compared. Returns how
/// many test module bodies, tables and doc attributes `text` has.
pub fn blanking_keeps_every_other_token(text: &str) -> (usize, usize, usize) {
    use cargo_panicfree::engine::source;
    use proc_macro2::{Delimiter, TokenStream, TokenTree};
    type Tokens = Vec<(String, std::ops::Range<usize>)>;
    type Groups = Vec<(Delimiter, usize, usize)>;
    fn walk(stream: TokenStream, out: &mut Tokens, groups: &mut Groups) {
        for tree in stream {
            let range = tree.span().byte_range();
            match tree {
                TokenTree::Group(g) => {
                    let open = g.span_open().byte_range().start;
                    groups.push((g.delimiter(), open, g.span_close().byte_range().start));
                    out.push((format!("{:?}", g.delimiter()), range));
                    walk(g.stream(), out, groups);
                }
                other => out.push((other.to_string(), range)),
            }
        }
    }
    let tokens = |text: &str| {
        let stream = text.parse::<TokenStream>().ok()?;
        let (mut out, mut groups) = (Tokens::new(), Groups::new());
        walk(stream, &mut out, &mut groups);
        proc_macro2::extra::invalidate_current_thread_spans();
        Some((out, groups))
    };
    let bodies = source::test_module_bodies(text);
    let tables = source::data_tables(text);
    let docs = source::doc_attributes(text);
    if bodies.is_empty() && tables.is_empty() && docs.is_empty() {
        return (0, 0, 0);
    }
    let with_docs = source::without_doc_comments(text).unwrap_or_else(|| text.to_owned());
    let blanked = source::for_parser(text, true).expect("something to blank");
    assert_eq!(blanked.len(), text.len(), "the same length: {text}");
    let breaks = |t: &str| t.match_indices('\n').map(|(i, _)| i).collect::<Vec<_>>();
    assert_eq!(breaks(&blanked), breaks(text), "the same lines: {text}");
    let spans = tracks_spans();
    if let (true, Some((original, groups))) = (spans, tokens(&with_docs)) {
        let regions = bodies
            .iter()
            .map(|b| (Delimiter::Brace, b))
            .chain(tables.iter().map(|t| (Delimiter::Bracket, t)));
        for (delimiter, region) in regions {
            assert!(
                groups.contains(&(delimiter, region.start - 1, region.end)),
                "{region:?} is the inside of a {delimiter:?} group: {text}"
            );
        }
        for doc in &docs {
            let starts = original
                .iter()
                .any(|(t, r)| t == "#" && r.start == doc.start);
            assert!(
                starts
                    && groups
                        .iter()
                        .any(|&(d, _, close)| d == Delimiter::Bracket && close + 1 == doc.end),
                "{doc:?} is an attribute: {text}"
            );
        }
        let outside: Tokens = original
            .into_iter()
            .filter(|(_, r)| {
                !bodies
                    .iter()
                    .chain(&tables)
                    .chain(&docs)
                    .any(|b| b.contains(&r.start))
            })
            .collect();
        assert_eq!(
            tokens(&blanked).map(|(t, _)| t),
            Some(outside),
            "the same tokens outside the blanked regions: {text}"
        );
    }
    (bodies.len(), tables.len(), docs.len())
}

/// Whether proc-macro2 tracks spans here (not under `cfg(fuzzing)`).
fn tracks_spans() -> bool {
    "x".parse::<proc_macro2::TokenStream>()
        .ok()
        .and_then(|t| t.into_iter().next())
        .is_some_and(|t| t.span().byte_range() == (0..1))
}
