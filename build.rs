//! Gives the build an identity for the cache: a hash of the tool's own sources,
//! so that a changed analysis never reads results an older build stored under
//! the same version number (a developer's build, a patched install).
//!
//! And reads the number of mimalloc's `purge_delay` option from the header the
//! allocator is built from (`DEP_MIMALLOC_INCLUDE_DIR`, set by libmimalloc-sys),
//! so that the binary can set it without a number written by hand
//! (`cli::tune_allocator`).

use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.sort();
    // SipHash with fixed keys: the same sources give the same id on this compiler.
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new();
    for file in &files {
        file.hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=PANICFREE_BUILD_ID={:016x}",
        hasher.finish()
    );

    println!("cargo:rerun-if-env-changed=DEP_MIMALLOC_INCLUDE_DIR");
    let header = std::env::var("DEP_MIMALLOC_INCLUDE_DIR")
        .ok()
        .and_then(|dir| std::fs::read_to_string(Path::new(&dir).join("mimalloc.h")).ok());
    if let Some(option) = header
        .as_deref()
        .and_then(|h| option_number(h, "mi_option_purge_delay"))
    {
        println!("cargo:rustc-env=PANICFREE_MI_OPTION_PURGE_DELAY={option}");
    }
}

/// The value of `name` in the header's `mi_option_e` enum: its position, when
/// no enumerator before it has a value of its own.
fn option_number(header: &str, name: &str) -> Option<usize> {
    let body = header.split("typedef enum mi_option_e {").nth(1)?;
    let body = body.split('}').next()?;
    let mut number = 0;
    for line in body.lines() {
        let code = line.split("//").next().unwrap_or("").trim();
        let Some(enumerator) = code.strip_suffix(',') else {
            continue;
        };
        if enumerator.contains('=') {
            return None;
        }
        if enumerator.trim() == name {
            return Some(number);
        }
        number += 1;
    }
    None
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
