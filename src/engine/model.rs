//! The workspace model: packages and their targets (from `cargo metadata`, or from
//! the cache), and the table of files a run looked at, Rust files and manifests
//! alike, each with a [`FileId`] that every finding names.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::api::FileId;

/// A workspace member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub manifest_path: PathBuf,
    pub manifest_dir: PathBuf,
    pub targets: Vec<Target>,
    /// Renamed dependencies: the name code uses -> the crate's real name
    /// (`db = { package = "sqlx" }` gives `db` -> `sqlx`), `-` written as `_`.
    pub renames: HashMap<String, String>,
    /// A member of `workspace.default-members` (every member when there are none).
    pub default_member: bool,
}

impl Package {
    /// Whether one of its targets is a proc-macro library.
    pub fn is_proc_macro(&self) -> bool {
        self.targets.iter().any(|t| t.is_proc_macro)
    }

    /// The crate name of its library target, if it has one.
    pub fn library(&self) -> Option<&str> {
        self.targets
            .iter()
            .find(|t| t.is_lib)
            .map(|t| t.crate_name.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The crate name (`my_service`), the first segment of its module paths.
    pub crate_name: String,
    pub root: PathBuf,
    /// Test, bench and example targets and build scripts: test code.
    pub is_test: bool,
    pub is_bin: bool,
    pub is_lib: bool,
    /// A proc-macro library: its code runs inside the compiler, out of scope by default.
    pub is_proc_macro: bool,
}

/// The packages of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub root: PathBuf,
    /// Where cargo builds (`target/`, `CARGO_TARGET_DIR`, `--target-dir`).
    pub target_dir: PathBuf,
    pub packages: Vec<Package>,
}

impl Workspace {
    /// The package whose directory holds `path` (the innermost one).
    pub fn package_of(&self, path: &Path) -> Option<usize> {
        self.packages
            .iter()
            .enumerate()
            .filter(|(_, p)| path.starts_with(&p.manifest_dir))
            .max_by_key(|(_, p)| p.manifest_dir.components().count())
            .map(|(i, _)| i)
    }

    /// A path as reports show it: relative to the workspace root, `/`-separated.
    pub fn display_path(&self, path: &Path) -> String {
        display_from(&self.root, path)
    }
}

/// A path as reports show it: relative to `base` (a workspace's root, or in a run
/// over several workspaces the root of the run's own), `/`-separated, or as it is
/// when it is not under `base` (a file named outside every workspace).
pub fn display_from(base: &Path, path: &Path) -> String {
    let path = normalize(path);
    let Ok(shown) = path.strip_prefix(base) else {
        return path.to_string_lossy().into_owned();
    };
    let parts: Vec<_> = shown
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// What kind of file a [`File`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A Rust file reached from a target's root (`target` indexes the run's targets),
    /// or named on the command line and reached by none.
    Rust {
        module: String,
        target: Option<usize>,
    },
    Manifest,
}

/// One file of a run.
#[derive(Clone, Debug)]
pub struct File {
    pub id: FileId,
    pub kind: FileKind,
    /// The path as discovered (absolute).
    pub path: PathBuf,
    /// Relative to the workspace root, `/`-separated.
    pub display: String,
    /// The name of the package it belongs to.
    pub package: Option<String>,
    /// The text, when it could be read as UTF-8 (reports show it).
    pub text: Option<Arc<String>>,
}

/// Removes `.` and resolves `..` lexically (symlinks are not resolved).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
