//! Rust-shaped source built from a small grammar of the constructs the rules
//! care about (method chains, indexing, macros, attributes, comments, nesting),
//! so that the fuzzer spends its time past the parser.
#![no_main]

#[path = "../pipeline.rs"]
mod pipeline;

use libfuzzer_sys::arbitrary::{Result, Unstructured};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut out = String::new();
    while !u.is_empty() {
        if item(&mut u, &mut out, 0).is_err() {
            break;
        }
    }
    pipeline::run(out.as_bytes());
});

const NAMES: &[&str] = &["a", "v", "self", "r#type", "x", "buf", "N", "é"];
const METHODS: &[&str] = &[
    "unwrap", "expect", "unwrap_err", "expect_err", "r#unwrap", "get", "octets", "to_be_bytes",
];
const MACROS: &[&str] = &[
    "panic", "todo", "unreachable", "assert", "debug_assert", "format", "vec", "write",
    "sqlx::query", "cfg", "r#panic", "matches", "tokio::select", "thread_local",
];
const ATTRS: &[&str] = &[
    "#[allow(clippy::unwrap_used)]",
    "#[expect(clippy::indexing_slicing, reason = \"r\")]",
    "#[cfg_attr(not(test), allow(clippy::panic))]",
    "#[deny(clippy::expect_used)]",
    "#[cfg(test)]",
    "#[cfg(debug_assertions)]",
    "#[test]",
    "#![allow(clippy::todo)]",
    "#[path = \"x.rs\"]",
];
const COMMENTS: &[&str] = &["// PANIC: reason\n", "// PANIC:\n", "/* PANIC: */", "//PANIC:x\n"];

fn pick<'a>(u: &mut Unstructured<'_>, from: &[&'a str]) -> Result<&'a str> {
    u.choose(from).copied()
}

fn item(u: &mut Unstructured<'_>, out: &mut String, depth: u32) -> Result<()> {
    if u.ratio(1, 4)? {
        out.push_str(pick(u, ATTRS)?);
        out.push('\n');
    }
    if u.ratio(1, 5)? {
        out.push_str(pick(u, COMMENTS)?);
    }
    match u.int_in_range(0..=5)? {
        0 => {
            out.push_str("pub fn f(a: [u8; 4], v: &[u8], x: Option<u8>) -> u8 {\n");
            block_body(u, out, depth + 1)?;
            out.push_str("}\n");
        }
        1 => {
            out.push_str("mod m {\n");
            if depth < 8 {
                item(u, out, depth + 1)?;
            }
            out.push_str("}\n");
        }
        2 => out.push_str("const N: usize = 4;\nstatic T: [u8; N] = [0; N];\n"),
        3 => out.push_str("struct S { buf: [u8; 16] }\nimpl S { fn g(&self) -> u8 { self.buf[3] } }\n"),
        4 => out.push_str("use sqlx::{Pool, Error};\nextern crate alloc as a;\n"),
        _ => {
            out.push_str("macro_rules! m { ($e:expr) => { $e.unwrap() } }\n");
        }
    }
    Ok(())
}

fn block_body(u: &mut Unstructured<'_>, out: &mut String, depth: u32) -> Result<()> {
    let statements = u.int_in_range(0..=4)?;
    for _ in 0..statements {
        if u.ratio(1, 5)? {
            out.push_str(pick(u, ATTRS)?);
            out.push('\n');
        }
        if u.ratio(1, 5)? {
            out.push_str(pick(u, COMMENTS)?);
        }
        out.push_str("let _ = ");
        expr(u, out, depth)?;
        out.push_str(";\n");
    }
    expr(u, out, depth)
}

fn expr(u: &mut Unstructured<'_>, out: &mut String, depth: u32) -> Result<()> {
    if depth > 40 {
        out.push('0');
        return Ok(());
    }
    match u.int_in_range(0..=9)? {
        0 => out.push_str(pick(u, NAMES)?),
        1 => {
            expr(u, out, depth + 1)?;
            out.push('.');
            out.push_str(pick(u, METHODS)?);
            out.push_str(if u.ratio(1, 2)? { "()" } else { "(\"m\")" });
        }
        2 => {
            expr(u, out, depth + 1)?;
            out.push('[');
            match u.int_in_range(0..=3)? {
                0 => out.push_str(&u.int_in_range(0u8..=20)?.to_string()),
                1 => out.push_str(".."),
                2 => out.push_str("1..=3"),
                _ => expr(u, out, depth + 1)?,
            }
            out.push(']');
        }
        3 => {
            out.push_str(pick(u, MACROS)?);
            out.push_str("!(");
            expr(u, out, depth + 1)?;
            out.push_str(", ");
            expr(u, out, depth + 1)?;
            out.push(')');
        }
        4 => {
            expr(u, out, depth + 1)?;
            out.push_str(pick(u, &[" / ", " % ", " /= ", " + "])?);
            expr(u, out, depth + 1)?;
        }
        5 => {
            out.push_str("if cfg!(debug_assertions) { ");
            expr(u, out, depth + 1)?;
            out.push_str(" } else { ");
            expr(u, out, depth + 1)?;
            out.push_str(" }");
        }
        6 => {
            out.push_str("match x { Some(a) => ");
            expr(u, out, depth + 1)?;
            out.push_str(", _ => 0 }");
        }
        7 => {
            out.push_str("|a: [u8; 2]| ");
            expr(u, out, depth + 1)?;
        }
        8 => {
            // Deep nesting, sometimes past what the tool accepts.
            let n = u.int_in_range(0usize..=7000)?;
            out.push_str(&"(".repeat(n));
            out.push('1');
            out.push_str(&")".repeat(n));
        }
        _ => {
            let text: &str = u.arbitrary()?;
            out.push_str(text);
        }
    }
    Ok(())
}
