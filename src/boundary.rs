//! The whole-workspace pass: the boundary rules, working on file summaries.
//!
//! Each file's [`Facts`] hold its paths resolved as far as the file allows;
//! here re-exports are followed across files (`pub use` in an allowed module
//! that leads into a forbidden one), renamed dependencies are mapped to their
//! crates, and every rule with a [`Rule::workspace`] hook sees the result.
//! No file is read or parsed again.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Finding;
use crate::facts::{Facts, ModuleFacts};
use crate::rules::Rule;
use crate::workspace::{Checked, Workspace};

/// How many re-exports one path may go through (a cycle stops here).
const MAX_HOPS: usize = 16;

/// One checked file as the workspace rules see it.
pub struct FileView<'a> {
    /// Index into the checked files.
    pub index: usize,
    pub package: Option<usize>,
    pub target: Option<usize>,
    pub facts: &'a Facts,
}

/// Where a workspace finding goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A checked file, by index.
    File(usize),
    /// The workspace's root `Cargo.toml`.
    Manifest,
}

/// What the workspace rules see.
pub struct WorkspaceFacts<'a> {
    pub ws: &'a Workspace,
    pub checked: &'a Checked,
    pub config: &'a Config,
    pub files: Vec<FileView<'a>>,
    /// The root manifest's text, for the profile rule.
    pub manifest: Option<&'a str>,
    modules: HashMap<&'a str, &'a ModuleFacts>,
    /// First segments of the known modules: the crates re-exports can be followed in.
    roots: HashSet<&'a str>,
}

impl<'a> WorkspaceFacts<'a> {
    pub fn new(
        ws: &'a Workspace,
        checked: &'a Checked,
        config: &'a Config,
        manifest: Option<&'a str>,
    ) -> WorkspaceFacts<'a> {
        let files: Vec<FileView<'a>> = checked
            .files
            .iter()
            .enumerate()
            .map(|(index, f)| FileView {
                index,
                package: f.package,
                target: f.target,
                facts: &f.facts,
            })
            .collect();
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
        WorkspaceFacts {
            ws,
            checked,
            config,
            files,
            manifest,
            modules,
            roots,
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
    pub fn follow(&self, target: &[String]) -> Vec<String> {
        let mut current = target.to_vec();
        for _ in 0..MAX_HOPS {
            match self.follow_once(&current) {
                Some(next) if next != current => current = next,
                _ => break,
            }
        }
        current
    }

    fn follow_once(&self, path: &[String]) -> Option<Vec<String>> {
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
    pub fn crate_of(&self, package: Option<usize>, first: &str) -> String {
        package
            .and_then(|p| self.ws.packages.get(p))
            .and_then(|p| p.renames.get(first))
            .cloned()
            .unwrap_or_else(|| first.to_owned())
    }
}

/// Findings the workspace rules report.
#[derive(Default)]
pub struct Emit {
    pub findings: Vec<(Place, Finding)>,
}

impl Emit {
    pub fn push(&mut self, place: Place, finding: Finding) {
        self.findings.push((place, finding));
    }
}

/// Runs every enabled workspace rule, in parallel; findings come back in
/// registry order, so the result does not depend on scheduling.
pub fn check(facts: &WorkspaceFacts<'_>, rules: &[&'static dyn Rule]) -> Vec<(Place, Finding)> {
    let per_rule: Vec<Vec<(Place, Finding)>> = rules
        .par_iter()
        .map(|rule| {
            let mut emit = Emit::default();
            rule.workspace(facts, &mut emit);
            emit.findings
        })
        .collect();
    per_rule.into_iter().flatten().collect()
}
