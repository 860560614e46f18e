//! What the whole-workspace rules see: every checked file's facts, the targets and
//! packages they belong to, the manifests, and the layers.
//!
//! Re-exports are followed across files here (`pub use` in an allowed module that
//! leads into a forbidden one, `extern crate x as y` in any module, the crate root's
//! `#[macro_export]` macros), and renamed dependencies and the extern prelude's
//! aliases (`extern crate x as y` at a crate root) are mapped to their crates.
//! Nothing is read or parsed: the view is built from the files' cached facts.

use foldhash::{HashMap, HashMapExt, HashSet};

use super::diagnostic::FileId;
use super::facts::{Facts, ModuleFacts};
use super::layers::Layers;
use super::Name;

/// How many re-exports one path may go through (a cycle stops here).
const MAX_HOPS: usize = 16;

/// One checked Rust file.
pub struct FileView<'a> {
    pub file: FileId,
    /// Index into [`WorkspaceView::packages`].
    pub package: Option<usize>,
    /// Index into [`WorkspaceView::targets`]: the target whose module tree reached it.
    pub target: Option<usize>,
    pub facts: &'a Facts,
}

/// A workspace member, as far as the rules care.
pub struct PackageView<'a> {
    pub name: &'a str,
    /// Renamed dependencies: the name code uses -> the crate's real name, `_` for `-`.
    pub renames: &'a std::collections::HashMap<String, String>,
}

/// A checked target.
pub struct TargetView<'a> {
    pub package: usize,
    /// The crate name, the first segment of its module paths.
    pub crate_name: &'a str,
    pub is_bin: bool,
    pub is_lib: bool,
}

/// A manifest of the run (the workspace root's `Cargo.toml`).
pub struct ManifestView<'a> {
    pub file: FileId,
    pub text: &'a str,
}

/// Everything the workspace rules see.
pub struct WorkspaceView<'a> {
    pub files: Vec<FileView<'a>>,
    pub packages: Vec<PackageView<'a>>,
    pub targets: Vec<TargetView<'a>>,
    pub manifests: Vec<ManifestView<'a>>,
    pub layers: &'a Layers,
    modules: HashMap<&'a str, &'a ModuleFacts>,
    /// First segments of the known modules: the crates re-exports can be followed in.
    roots: HashSet<&'a str>,
    /// `(crate, name)` -> the module that defines `#[macro_export]` macro `name`.
    exported_macros: HashMap<(&'a str, &'a str), &'a str>,
    /// `(crate, alias)` -> crate, from `extern crate x as alias` at a crate root.
    extern_prelude: HashMap<(&'a str, &'a str), &'a str>,
}

impl<'a> WorkspaceView<'a> {
    pub fn new(
        files: Vec<FileView<'a>>,
        packages: Vec<PackageView<'a>>,
        targets: Vec<TargetView<'a>>,
        manifests: Vec<ManifestView<'a>>,
        layers: &'a Layers,
    ) -> WorkspaceView<'a> {
        let mut modules = HashMap::new();
        for file in &files {
            for module in &file.facts.modules {
                modules.entry(module.path.as_str()).or_insert(module);
            }
        }
        let roots = modules
            .keys()
            .filter_map(|m| m.split("::").next())
            .collect();
        let mut exported_macros = HashMap::new();
        let mut extern_prelude = HashMap::new();
        for module in modules.values() {
            let krate = module.path.split("::").next().unwrap_or_default();
            for name in &module.exported_macros {
                exported_macros
                    .entry((krate, name.as_str()))
                    .or_insert(module.path.as_str());
            }
            if module.path == krate {
                for (alias, target) in &module.extern_crates {
                    extern_prelude.insert((krate, alias.as_str()), target.as_str());
                }
            }
        }
        WorkspaceView {
            files,
            packages,
            targets,
            manifests,
            layers,
            modules,
            roots,
            exported_macros,
            extern_prelude,
        }
    }

    /// Where a reference from `module` really leads: the extern prelude of the
    /// module's crate applied to an unresolved first segment, then re-exports followed.
    pub fn target_of(&self, module: &str, target: &[Name]) -> Vec<Name> {
        let own = module.split("::").next().unwrap_or_default();
        let aliased = target.split_first().and_then(|(first, rest)| {
            if first == own {
                return None;
            }
            let krate = self.extern_prelude.get(&(own, first.as_str()))?;
            Some(
                std::iter::once(Name::from(*krate))
                    .chain(rest.iter().cloned())
                    .collect::<Vec<_>>(),
            )
        });
        match aliased {
            Some(aliased) => self.follow(&aliased),
            None => self.follow(target),
        }
    }

    /// Whether a module path is defined by a checked file.
    pub fn has_module(&self, path: &str) -> bool {
        self.modules.contains_key(path)
    }

    /// Every module path defined by the checked files.
    pub fn module_paths(&self) -> impl Iterator<Item = &str> {
        self.modules.keys().copied()
    }

    /// Follows `pub use` re-exports until the path names where the item lives.
    pub fn follow(&self, target: &[Name]) -> Vec<Name> {
        let mut current = target.to_vec();
        for _ in 0..MAX_HOPS {
            match self.follow_once(&current) {
                Some(next) if next != current => current = next,
                _ => break,
            }
        }
        current
    }

    fn follow_once(&self, path: &[Name]) -> Option<Vec<Name>> {
        // Most paths start outside the checked crates (`std::`, dependencies).
        if !path
            .first()
            .is_some_and(|first| self.roots.contains(first.as_str()))
        {
            return None;
        }
        let joined = path.join("::");
        // Byte offsets where each prefix of `joined` ends.
        let mut ends = Vec::with_capacity(path.len());
        let mut end = 0;
        for segment in path {
            end += segment.len();
            ends.push(end);
            end += 2;
        }
        // The longest prefix that is a known module decides.
        for split in (1..path.len()).rev() {
            let prefix = ends.get(split - 1).and_then(|&e| joined.get(..e))?;
            let Some(module) = self.modules.get(prefix) else {
                continue;
            };
            let rest = path.get(split..)?;
            let (name, tail) = rest.split_first()?;
            if module.items.iter().any(|i| i == name) {
                return None;
            }
            if let Some((_, to)) = module.reexports.iter().find(|(n, _)| n == name) {
                return Some(to.iter().chain(tail).cloned().collect());
            }
            if let Some((_, krate)) = module.extern_crates.iter().find(|(n, _)| n == name) {
                return Some(std::iter::once(krate).chain(tail).cloned().collect());
            }
            // `#[macro_export]` puts a macro at the crate root, wherever it is defined.
            if split == 1 {
                if let Some(home) = self.exported_macros.get(&(prefix, name.as_str())) {
                    return Some(
                        home.split("::")
                            .map(Name::from)
                            .chain(rest.iter().cloned())
                            .collect(),
                    );
                }
            }
            for glob in &module.glob_reexports {
                let inner = self.modules.get(glob.join("::").as_str());
                let defines = inner.is_some_and(|m| {
                    m.items.iter().any(|i| i == name) || m.reexports.iter().any(|(n, _)| n == name)
                });
                if defines {
                    return Some(glob.iter().chain(rest).cloned().collect());
                }
            }
            return None;
        }
        None
    }

    /// The crate a path's first segment names, with renamed dependencies mapped.
    pub fn crate_of(&self, package: Option<usize>, first: &str) -> Name {
        package
            .and_then(|p| self.packages.get(p))
            .and_then(|p| p.renames.get(first))
            .map_or_else(|| Name::from(first), Name::from)
    }
}
