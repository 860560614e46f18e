//! Gives the build an identity for the cache: a hash of the tool's own sources,
//! so that a changed analysis never reads results an older build stored under
//! the same version number (a developer's build, a patched install).

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
