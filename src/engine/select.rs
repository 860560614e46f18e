//! Which packages a run checks, and which workspace owns each named file: the
//! way cargo selects them.
//!
//! Without FILES, the starting manifest (`--manifest-path`, else the nearest
//! `Cargo.toml` above the current directory) picks the packages: a member's
//! manifest selects that member; the workspace root's selects its default
//! members (all members of a virtual workspace without `default-members`, only
//! the root package of a non-virtual one, as cargo does); `--workspace` selects
//! every member and `-p NAME` the named ones. This runs on the loaded model, never
//! inside it, so the cached model stays valid whatever the current directory.
//!
//! With FILES, each file belongs to the workspace cargo would build it in: the
//! one that has the package whose manifest is nearest above the file as a member
//! (a nested workspace with its own `[workspace]`, such as an `examples/` service,
//! owns its files even when the run starts at the repository root).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::engine::model::{normalize, Workspace};

/// How the packages are chosen (FILES mode aside).
#[derive(Clone, Copy, Debug)]
pub struct Selection<'a> {
    /// `--manifest-path`, as given (relative to `cwd`).
    pub manifest_path: Option<&'a Path>,
    /// `-p NAME`, repeatable.
    pub names: &'a [String],
    /// `--workspace` (or `--all`).
    pub all: bool,
}

/// A `-p` name that is not a member.
#[derive(Debug)]
pub struct UnknownPackage(pub String);

/// The indices of the packages to check.
pub fn packages(
    ws: &Workspace,
    selection: Selection<'_>,
    cwd: &Path,
) -> Result<Vec<usize>, UnknownPackage> {
    let indices = || 0..ws.packages.len();
    if !selection.names.is_empty() {
        if let Some(unknown) = selection
            .names
            .iter()
            .find(|n| !ws.packages.iter().any(|p| &p.name == *n))
        {
            return Err(UnknownPackage(unknown.clone()));
        }
        return Ok(indices()
            .filter(|&i| {
                ws.packages
                    .get(i)
                    .is_some_and(|p| selection.names.contains(&p.name))
            })
            .collect());
    }
    if selection.all {
        return Ok(indices().collect());
    }
    let start = match selection.manifest_path {
        Some(path) => Some(normalize(&cwd.join(path))),
        None => nearest_manifest(cwd),
    };
    let root_manifest = ws.root.join("Cargo.toml");
    let member = start
        .filter(|m| !same_file(m, &root_manifest))
        .and_then(|m| member_with_manifest(ws, &m));
    Ok(match member {
        Some(i) => vec![i],
        None => indices()
            .filter(|&i| ws.packages.get(i).is_some_and(|p| p.default_member))
            .collect(),
    })
}

/// The nearest `Cargo.toml` in `dir` or above it.
pub fn nearest_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
}

/// The manifests a workspace owns (its root's and its members'), canonical: a
/// file whose nearest manifest is one of them belongs to it.
pub fn owned_manifests(ws: &Workspace) -> HashSet<PathBuf> {
    std::iter::once(ws.root.join("Cargo.toml"))
        .chain(ws.packages.iter().map(|p| p.manifest_path.clone()))
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .collect()
}

/// The member whose manifest is `manifest`: compared as written first, then (a
/// symlinked directory) as real paths, so a big workspace costs no system calls in
/// the usual case.
fn member_with_manifest(ws: &Workspace, manifest: &Path) -> Option<usize> {
    let wanted = normalize(manifest);
    if let Some(i) = ws
        .packages
        .iter()
        .position(|p| normalize(&p.manifest_path) == wanted)
    {
        return Some(i);
    }
    let real = std::fs::canonicalize(manifest).ok()?;
    ws.packages.iter().position(|p| {
        std::fs::canonicalize(&p.manifest_path).is_ok_and(|candidate| candidate == real)
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    if normalize(a) == normalize(b) {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
