//! The workspace's packages and targets: from `cargo metadata --no-deps`, or from
//! the cache when nothing that shaped the last answer has changed.
//!
//! `cargo metadata` is a subprocess of 40 to 60 ms, most of a run on a small crate.
//! Its answer depends on the manifests, on which directories the member globs and
//! cargo's target auto-discovery see, and on where the target directory is; the
//! cached model records a fingerprint of each of those and is used only while every
//! one still matches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::cache::{hash_bytes, Store};
use crate::engine::model::{Package, Target, Workspace};

#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// cargo's own message: one line as is, several lines indented as cargo printed them.
    #[error("cannot read the workspace:{}", cargo_message(.0))]
    Cargo(String),
    #[error("cannot read the workspace: {0}")]
    Other(String),
    #[error("cannot read the workspace: its path {0:?} is not UTF-8, and cargo needs UTF-8 paths")]
    NotUtf8(String),
    /// rustup could not start cargo: the toolchain a `rust-toolchain.toml` pins is
    /// not installed. The check itself needs no particular toolchain.
    #[error(
        "cannot read the workspace: {file} pins the toolchain `{toolchain}`, which is not installed; install it (`rustup toolchain install {toolchain}`) or run with one that is: `cargo +stable panicfree` or `RUSTUP_TOOLCHAIN=stable cargo-panicfree`. rustup said:{}",
        cargo_message(.stderr)
    )]
    Toolchain {
        file: String,
        toolchain: String,
        stderr: String,
    },
}

fn cargo_message(stderr: &str) -> String {
    // rustup adds its own stack trace under `RUST_BACKTRACE=1`: noise for the user.
    let lines: Vec<&str> = stderr
        .lines()
        .take_while(|l| !l.trim_start().starts_with("Stack backtrace:"))
        .filter(|l| !l.trim().is_empty())
        .collect();
    match lines.as_slice() {
        [one] => format!(" {}", one.trim().trim_start_matches("error: ")),
        many => many.iter().map(|l| format!("\n  {l}")).collect(),
    }
}

/// When cargo could not start because rustup lacks the toolchain that a
/// `rust-toolchain.toml` (or `rust-toolchain`) file pins: that file (the one
/// rustup reads, nearest the current directory) and the toolchain's name.
fn missing_toolchain(stderr: &str) -> Option<(PathBuf, String)> {
    let lower = stderr.to_lowercase();
    let missing = lower.contains("toolchain")
        && (lower.contains("is not installed") || lower.contains("could not download"));
    if !missing {
        return None;
    }
    let cwd = std::env::current_dir().ok()?;
    let file = cwd.ancestors().find_map(|dir| {
        ["rust-toolchain.toml", "rust-toolchain"]
            .iter()
            .map(|name| dir.join(name))
            .find(|f| f.is_file())
    })?;
    let named = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| pinned_channel(&text));
    // rustup's own message names it too: `toolchain '1.60.0-x86_64-...' is not installed`.
    let from_message = || {
        let start = stderr.find("toolchain '")? + "toolchain '".len();
        let rest = stderr.get(start..)?;
        rest.find('\'')
            .and_then(|end| rest.get(..end))
            .map(str::to_owned)
    };
    let toolchain = named.or_else(from_message)?;
    Some((file, toolchain))
}

/// The channel of a toolchain file: `[toolchain] channel = ".."`, or the legacy
/// one-line form.
fn pinned_channel(text: &str) -> Option<String> {
    if let Ok(value) = toml::from_str::<toml::Table>(text) {
        return value
            .get("toolchain")?
            .get("channel")?
            .as_str()
            .map(str::to_owned);
    }
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(line.to_owned())
}

/// Where a run starts: `--manifest-path`, or the current directory.
#[derive(Clone, Debug, Default)]
pub struct Start {
    pub manifest_path: Option<PathBuf>,
    /// `--target-dir`, which wins over `CARGO_TARGET_DIR` and cargo's config.
    pub target_dir: Option<PathBuf>,
}

/// The workspace model, cached or fresh. `use_cache` false always asks cargo.
/// The second value is a warning when the model could not be cached.
pub fn load(start: &Start, use_cache: bool) -> Result<(Workspace, Option<String>), MetadataError> {
    let cwd = std::env::current_dir().map_err(|e| MetadataError::Other(e.to_string()))?;
    let key = start_key(start, &cwd);
    if use_cache {
        if let Some(ws) = cached(start, &cwd, &key) {
            return Ok((ws, None));
        }
    }
    let ws = from_cargo(start)?;
    if !use_cache {
        return Ok((ws, None));
    }
    let entry = ModelEntry {
        inputs: fingerprint(&ws, start, &cwd),
        workspace: ws,
    };
    let warning = Store::at(&entry.workspace.target_dir)
        .and_then(|store| store.write(&model_file(&key), &entry))
        .err()
        .map(|e| e.to_string());
    Ok((entry.workspace, warning))
}

/// What a cached model was made from: each input path with a hash of its content
/// (a file) or of its entry names (a directory), `0` when it did not exist.
#[derive(Serialize, Deserialize)]
struct ModelEntry {
    inputs: Vec<(PathBuf, u128)>,
    workspace: Workspace,
}

/// Bumped whenever the layout of the cached [`Workspace`] changes (postcard is not
/// self-describing: an old entry must not be read as a new one).
const MODEL_VERSION: u32 = 2;

fn model_file(key: &str) -> String {
    format!("workspace-{key}.bin")
}

/// The run's starting point and target-dir override, as a file name part.
fn start_key(start: &Start, cwd: &Path) -> String {
    let mut text = format!("model {MODEL_VERSION}\0");
    text.push_str(&cwd.to_string_lossy());
    text.push('\0');
    if let Some(m) = &start.manifest_path {
        text.push_str(&m.to_string_lossy());
    }
    text.push('\0');
    if let Some(t) = &start.target_dir {
        text.push_str(&t.to_string_lossy());
    }
    text.push('\0');
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        text.push_str(&t.to_string_lossy());
    }
    format!("{:032x}", hash_bytes(text.as_bytes()))
}

fn cached(start: &Start, cwd: &Path, key: &str) -> Option<Workspace> {
    let target_dir = guess_target_dir(start, cwd)?;
    let store = Store::at(&target_dir).ok()?;
    let entry: ModelEntry = store.read(&model_file(key))?;
    let unchanged = entry
        .inputs
        .iter()
        .all(|(path, hash)| fingerprint_of(path) == *hash);
    (unchanged && entry.workspace.target_dir == target_dir).then_some(entry.workspace)
}

/// Asks `cargo metadata --no-deps`.
fn from_cargo(start: &Start) -> Result<Workspace, MetadataError> {
    // cargo refuses such a path with a usage error about its own arguments.
    let place = start
        .manifest_path
        .clone()
        .or_else(|| std::env::current_dir().ok());
    if let Some(place) = place.filter(|p| p.to_str().is_none()) {
        return Err(MetadataError::NotUtf8(place.to_string_lossy().into_owned()));
    }
    let mut cmd = cargo_metadata::MetadataCommand::new();
    cmd.no_deps();
    if let Some(path) = &start.manifest_path {
        cmd.manifest_path(path);
    }
    if let Some(dir) = &start.target_dir {
        cmd.env("CARGO_TARGET_DIR", dir);
    }
    let metadata = cmd.exec().map_err(|e| match e {
        cargo_metadata::Error::CargoMetadata { stderr } => {
            let stderr = stderr.trim_end().to_owned();
            match missing_toolchain(&stderr) {
                Some((file, toolchain)) => MetadataError::Toolchain {
                    file: file.display().to_string(),
                    toolchain,
                    stderr,
                },
                None => MetadataError::Cargo(stderr),
            }
        }
        other => MetadataError::Other(other.to_string()),
    })?;
    let defaults = &metadata.workspace_default_members;
    let packages = metadata
        .workspace_packages()
        .into_iter()
        .map(|p| Package {
            name: p.name.to_string(),
            manifest_path: p.manifest_path.as_std_path().to_path_buf(),
            manifest_dir: p
                .manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf())
                .unwrap_or_default(),
            targets: p
                .targets
                .iter()
                .map(|t| Target {
                    crate_name: t.name.replace('-', "_"),
                    root: t.src_path.as_std_path().to_path_buf(),
                    is_test: t.is_test() || t.is_bench() || t.is_example() || t.is_custom_build(),
                    is_bin: t.is_bin(),
                    is_lib: t.is_lib()
                        || t.is_rlib()
                        || t.is_proc_macro()
                        || t.is_dylib()
                        || t.is_cdylib()
                        || t.is_staticlib(),
                    is_proc_macro: t.is_proc_macro(),
                })
                .collect(),
            renames: p
                .dependencies
                .iter()
                .filter_map(|d| {
                    let rename = d.rename.as_ref()?;
                    Some((rename.replace('-', "_"), d.name.replace('-', "_")))
                })
                .collect::<HashMap<_, _>>(),
            default_member: !defaults.is_available() || defaults.contains(&p.id),
        })
        .collect();
    Ok(Workspace {
        root: metadata.workspace_root.into_std_path_buf(),
        target_dir: metadata.target_directory.into_std_path_buf(),
        packages,
    })
}

/// Every path whose change could change cargo's answer: the manifests, the
/// directories target auto-discovery and member globs look at, and cargo's config
/// files (they can move the target directory).
fn fingerprint(ws: &Workspace, start: &Start, cwd: &Path) -> Vec<(PathBuf, u128)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let root_manifest = ws.root.join("Cargo.toml");
    paths.push(root_manifest.clone());
    paths.push(ws.root.clone());
    if let Some(m) = &start.manifest_path {
        paths.push(cwd.join(m));
    } else {
        paths.extend(cwd.ancestors().map(|d| d.join("Cargo.toml")));
    }
    for package in &ws.packages {
        let dir = &package.manifest_dir;
        paths.push(package.manifest_path.clone());
        paths.push(dir.clone());
        paths.push(dir.join("src"));
        // Targets are `src/bin/x.rs` and `src/bin/x/main.rs` (and so on): the
        // folders and each of their subfolders.
        for sub in ["src/bin", "tests", "examples", "benches"] {
            let folder = dir.join(sub);
            if let Ok(entries) = std::fs::read_dir(&folder) {
                paths.extend(
                    entries
                        .flatten()
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                        .map(|e| e.path()),
                );
            }
            paths.push(folder);
        }
    }
    paths.extend(member_glob_dirs(&root_manifest, &ws.root));
    paths.extend(cargo_configs(cwd));
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            let hash = fingerprint_of(&p);
            (p, hash)
        })
        .collect()
}

/// A file's content hash, a directory's entry names' hash, or 0 when absent.
fn fingerprint_of(path: &Path) -> u128 {
    if let Ok(bytes) = std::fs::read(path) {
        return hash_bytes(&bytes) | 1;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    let mut names: Vec<Vec<u8>> = entries
        .flatten()
        .map(|e| e.file_name().as_encoded_bytes().to_vec())
        .collect();
    names.sort();
    hash_bytes(&names.join(&0u8)) | 1
}

/// The directories the root manifest's `workspace.members` globs list.
fn member_glob_dirs(root_manifest: &Path, root: &Path) -> Vec<PathBuf> {
    #[derive(Deserialize)]
    struct Manifest {
        workspace: Option<WorkspaceTable>,
    }
    #[derive(Deserialize)]
    struct WorkspaceTable {
        #[serde(default)]
        members: Vec<String>,
    }
    let Some(manifest) = std::fs::read_to_string(root_manifest)
        .ok()
        .and_then(|t| toml::from_str::<Manifest>(&t).ok())
    else {
        return Vec::new();
    };
    let members = manifest.workspace.map(|w| w.members).unwrap_or_default();
    members
        .iter()
        .filter(|m| m.contains(['*', '?', '[']))
        .map(|m| {
            let fixed: Vec<&str> = m
                .split('/')
                .take_while(|part| !part.contains(['*', '?', '[']))
                .collect();
            root.join(fixed.join("/"))
        })
        .collect()
}

/// cargo's configuration files that apply from `cwd`: `.cargo/config.toml` (or
/// `.cargo/config`) in `cwd` and its ancestors, then in `$CARGO_HOME`.
fn cargo_configs(cwd: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = cwd.ancestors().map(|d| d.join(".cargo")).collect();
    if let Some(home) = cargo_home() {
        dirs.push(home);
    }
    dirs.into_iter()
        .flat_map(|d| [d.join("config.toml"), d.join("config")])
        .collect()
}

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// Where cargo would build, worked out without cargo: `--target-dir`, then
/// `CARGO_TARGET_DIR`, then `build.target-dir` in the nearest cargo config, then
/// `target/` beside the nearest enclosing manifest with a `[workspace]` table.
/// A wrong guess only misses the cached model: it is checked against cargo's answer.
fn guess_target_dir(start: &Start, cwd: &Path) -> Option<PathBuf> {
    if let Some(dir) = &start.target_dir {
        return Some(cwd.join(dir));
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(cwd.join(dir));
    }
    for config in cargo_configs(cwd) {
        let Some(dir) = configured_target_dir(&config) else {
            continue;
        };
        // Relative to the directory that holds `.cargo/`.
        let base = config.parent().and_then(Path::parent).unwrap_or(cwd);
        return Some(base.join(dir));
    }
    let manifest = match &start.manifest_path {
        Some(m) => cwd.join(m),
        None => cwd
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|m| m.is_file())?,
    };
    let first = manifest.parent()?;
    let root = first
        .ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml"))
                .is_ok_and(|t| t.lines().any(|l| l.trim_start().starts_with("[workspace")))
        })
        .unwrap_or(first);
    Some(root.join("target"))
}

fn configured_target_dir(config: &Path) -> Option<String> {
    let text = std::fs::read_to_string(config).ok()?;
    let value: toml::Table = toml::from_str(&text).ok()?;
    value
        .get("build")?
        .get("target-dir")?
        .as_str()
        .map(str::to_owned)
}
