//! Configuration: raw TOML in, a validated [`Config`] out.
//!
//! The raw shape mirrors the file (`panicfree.toml` or
//! `[workspace.metadata.panicfree]` in the root `Cargo.toml`); every key is
//! optional and unknown keys are errors. Validation turns rule ids into the
//! registry's ids, globs into a matcher and layers into checked layers, and every
//! error names the file, the key and what was expected.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::api::layers::{Layer, Layers, Role};
use crate::api::{Level, RuleId, Severity};
use crate::rules;

/// The name of the stand-alone configuration file at the workspace root.
pub const FILE_NAME: &str = "panicfree.toml";

/// A configuration that cannot be used: the run stops with exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct ConfigError {
    /// `file`, `file:line` or `file: key.path`.
    pub location: String,
    pub message: String,
}

impl ConfigError {
    /// An error about a key of the configuration in `file`.
    pub fn key(file: &Path, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::at(file, key, message)
    }

    fn at(file: &Path, key: &str, message: impl Into<String>) -> ConfigError {
        let location = if key.is_empty() {
            file.display().to_string()
        } else {
            format!("{}: `{key}`", file.display())
        };
        ConfigError {
            location,
            message: message.into(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, Level>,
    #[serde(default)]
    justification: RawJustification,
    #[serde(default)]
    scope: RawScope,
    #[serde(default, rename = "layer")]
    layers: Vec<RawLayer>,
    #[serde(default)]
    paths: RawPaths,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    entry: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJustification {
    markers: Option<Vec<String>>,
    rules: Option<Vec<String>>,
    clippy_attributes: Option<bool>,
    clippy_attributes_need_reason: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    include_tests: Option<bool>,
    include_debug_assertions: Option<bool>,
    exclude: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    name: String,
    role: Option<RawRole>,
    modules: Vec<String>,
    #[serde(default)]
    may_use: Vec<String>,
    #[serde(default)]
    forbid_crates: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawRole {
    Input,
    Core,
    Infra,
    Runtime,
}

impl From<RawRole> for Role {
    fn from(raw: RawRole) -> Role {
        match raw {
            RawRole::Input => Role::Input,
            RawRole::Core => Role::Core,
            RawRole::Infra => Role::Infra,
            RawRole::Runtime => Role::Runtime,
        }
    }
}

/// The validated configuration of one run.
#[derive(Clone, Debug)]
pub struct Config {
    /// `None` means the rule is off.
    levels: HashMap<RuleId, Option<Severity>>,
    justifiable: HashSet<RuleId>,
    pub markers: Vec<String>,
    /// `#[allow(clippy::L)]`/`#[expect(clippy::L)]` justify the sites of `L`'s rule.
    pub clippy_attributes: bool,
    /// ... only when they give a `reason`.
    pub clippy_attributes_need_reason: bool,
    pub include_tests: bool,
    /// Code that exists only in debug builds is checked too.
    pub include_debug: bool,
    exclude: GlobSet,
    pub layers: Layers,
    /// `paths.entry`: function path patterns (`my_crate::jobs::*`) that are entry points.
    pub entries: Vec<String>,
    /// Where the configuration came from, for messages.
    pub source: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        let raw = RawConfig::default();
        // The defaults are valid by construction; fall back to the bare minimum if not.
        validate(raw, Path::new(FILE_NAME)).unwrap_or_else(|_| Config {
            levels: HashMap::new(),
            justifiable: HashSet::new(),
            markers: vec!["PANIC:".to_owned()],
            clippy_attributes: true,
            clippy_attributes_need_reason: false,
            include_tests: false,
            include_debug: false,
            exclude: GlobSet::empty(),
            layers: Layers::default(),
            entries: Vec::new(),
            source: None,
        })
    }
}

impl Config {
    /// The severity a rule reports at, or `None` when it is allowed (off).
    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        self.levels.get(&rule).copied().flatten()
    }

    /// Whether a `// PANIC:` comment may silence this rule.
    pub fn accepts_justification(&self, rule: RuleId) -> bool {
        self.justifiable.contains(&rule)
    }

    /// Whether a workspace-relative path (with `/` separators) is excluded.
    pub fn is_excluded(&self, relative: &str) -> bool {
        self.exclude.is_match(relative)
    }

    /// The layer that owns a module path: the longest matching prefix wins.
    pub fn layer_of(&self, module: &str) -> Option<&Layer> {
        self.layers.layer_of(module)
    }

    pub fn with_include_tests(mut self, include: bool) -> Config {
        self.include_tests = self.include_tests || include;
        self
    }
}

/// Loads the workspace's configuration: `panicfree.toml` or the root manifest's
/// `[workspace.metadata.panicfree]`, never both. Neither gives the defaults.
pub fn load(workspace_root: &Path) -> Result<Config, ConfigError> {
    let file = workspace_root.join(FILE_NAME);
    let manifest = workspace_root.join("Cargo.toml");
    let from_file = read_optional(&file)?
        .map(|text| parse_file(&text, &file))
        .transpose()?;
    let from_manifest = read_optional(&manifest)?
        .map(|text| parse_manifest(&text, &manifest))
        .transpose()?
        .flatten();
    match (from_file, from_manifest) {
        (Some(_), Some(_)) => Err(ConfigError::at(
            &file,
            "",
            format!(
                "configuration is given twice, here and in [workspace.metadata.panicfree] of {}; keep one",
                manifest.display()
            ),
        )),
        (Some(raw), None) => validate(raw, &file),
        (None, Some(raw)) => validate(raw, &manifest),
        (None, None) => Ok(Config::default()),
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::at(path, "", format!("cannot read: {e}"))),
    }
}

/// Parses a `panicfree.toml` text.
pub fn parse_file(text: &str, path: &Path) -> Result<RawConfigHandle, ConfigError> {
    deserialize::<RawConfig>(text, path).map(RawConfigHandle)
}

#[derive(Deserialize)]
struct Manifest {
    workspace: Option<ManifestWorkspace>,
}

#[derive(Deserialize)]
struct ManifestWorkspace {
    metadata: Option<ManifestMetadata>,
}

#[derive(Deserialize)]
struct ManifestMetadata {
    panicfree: Option<RawConfig>,
}

fn parse_manifest(text: &str, path: &Path) -> Result<Option<RawConfigHandle>, ConfigError> {
    let manifest = deserialize::<Manifest>(text, path)?;
    Ok(manifest
        .workspace
        .and_then(|w| w.metadata)
        .and_then(|m| m.panicfree)
        .map(RawConfigHandle))
}

/// A parsed but not yet validated configuration.
#[derive(Debug)]
pub struct RawConfigHandle(RawConfig);

fn deserialize<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T, ConfigError> {
    let toml_error = |e: toml::de::Error, key: String| {
        let line = e
            .span()
            .map(|span| text.get(..span.start).unwrap_or("").matches('\n').count() + 1);
        let location = match line {
            Some(line) => format!("{}:{line}", path.display()),
            None => path.display().to_string(),
        };
        let location = if key.is_empty() || key == "." {
            location
        } else {
            format!("{location}: `{key}`")
        };
        ConfigError {
            location,
            message: e.message().trim().to_owned(),
        }
    };
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(e, String::new()))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        toml_error(e.into_inner(), key)
    })
}

/// Validates a parsed configuration from `path` (named in errors).
pub fn validate(raw: impl Into<RawConfigHandle>, path: &Path) -> Result<Config, ConfigError> {
    let RawConfigHandle(raw) = raw.into();
    let mut levels: HashMap<RuleId, Option<Severity>> = rules::ALL
        .iter()
        .map(|r| (r.id(), r.default_level().severity()))
        .collect();
    for (id, level) in &raw.rules {
        let rule = known_rule(id, path, &format!("rules.{id}"))?;
        levels.insert(rule, level.severity());
    }

    let justifiable = match &raw.justification.rules {
        Some(ids) => ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let key = format!("justification.rules[{i}]");
                let id = known_rule(id, path, &key)?;
                match rules::get(id) {
                    Some(rule) if !rule.can_be_justified() => Err(ConfigError::at(
                        path,
                        &key,
                        format!("`{id}` cannot be justified by a comment; change the code or the configuration"),
                    )),
                    _ => Ok(id),
                }
            })
            .collect::<Result<HashSet<_>, _>>()?,
        None => rules::ALL
            .iter()
            .filter(|r| r.accepts_justification())
            .map(|r| r.id())
            .collect(),
    };

    let markers = raw
        .justification
        .markers
        .unwrap_or_else(|| vec!["PANIC:".to_owned()]);
    if let Some(i) = markers.iter().position(|m| m.trim().is_empty()) {
        return Err(ConfigError::at(
            path,
            &format!("justification.markers[{i}]"),
            "a marker must not be empty",
        ));
    }

    let mut globs = GlobSetBuilder::new();
    for (i, pattern) in raw.scope.exclude.iter().flatten().enumerate() {
        let glob = Glob::new(pattern).map_err(|e| {
            ConfigError::at(
                path,
                &format!("scope.exclude[{i}]"),
                format!("invalid glob: {e}"),
            )
        })?;
        globs.add(glob);
    }
    let exclude = globs
        .build()
        .map_err(|e| ConfigError::at(path, "scope.exclude", format!("invalid globs: {e}")))?;

    let layers = Layers::new(validate_layers(raw.layers, path)?);

    Ok(Config {
        levels,
        justifiable,
        markers,
        clippy_attributes: raw.justification.clippy_attributes.unwrap_or(true),
        clippy_attributes_need_reason: raw
            .justification
            .clippy_attributes_need_reason
            .unwrap_or(false),
        include_tests: raw.scope.include_tests.unwrap_or(false),
        include_debug: raw.scope.include_debug_assertions.unwrap_or(false),
        exclude,
        layers,
        entries: raw.paths.entry.unwrap_or_default(),
        source: Some(path.to_path_buf()),
    })
}

impl From<RawConfig> for RawConfigHandle {
    fn from(raw: RawConfig) -> Self {
        RawConfigHandle(raw)
    }
}

fn validate_layers(raw: Vec<RawLayer>, path: &Path) -> Result<Vec<Layer>, ConfigError> {
    let names: Vec<&str> = raw.iter().map(|l| l.name.as_str()).collect();
    let mut seen = HashSet::new();
    let mut owners: HashMap<&str, &str> = HashMap::new();
    for (i, layer) in raw.iter().enumerate() {
        let key = format!("layer[{i}]");
        if layer.name.trim().is_empty() {
            return Err(ConfigError::at(
                path,
                &format!("{key}.name"),
                "a layer needs a name",
            ));
        }
        if !seen.insert(layer.name.as_str()) {
            return Err(ConfigError::at(
                path,
                &format!("{key}.name"),
                format!("layer `{}` is declared twice", layer.name),
            ));
        }
        if layer.modules.is_empty() {
            return Err(ConfigError::at(
                path,
                &format!("{key}.modules"),
                "a layer needs at least one module path",
            ));
        }
        for (j, module) in layer.modules.iter().enumerate() {
            if let Some(other) = owners.insert(module.as_str(), layer.name.as_str()) {
                return Err(ConfigError::at(
                    path,
                    &format!("{key}.modules[{j}]"),
                    format!("module `{module}` is already in layer `{other}`"),
                ));
            }
            if !is_module_path(module) {
                return Err(ConfigError::at(
                    path,
                    &format!("{key}.modules[{j}]"),
                    format!("`{module}` is not a module path like `my_crate::core`"),
                ));
            }
        }
        for (j, other) in layer.may_use.iter().enumerate() {
            if !names.contains(&other.as_str()) {
                return Err(ConfigError::at(
                    path,
                    &format!("{key}.may_use[{j}]"),
                    format!(
                        "unknown layer `{other}`{}",
                        suggest(other, names.iter().copied())
                    ),
                ));
            }
        }
    }
    Ok(raw
        .into_iter()
        .map(|l| Layer {
            name: l.name,
            role: l.role.map(Role::from),
            modules: l.modules,
            may_use: l.may_use,
            forbid_crates: l
                .forbid_crates
                .iter()
                .map(|c| c.replace('-', "_"))
                .collect(),
        })
        .collect())
}

fn is_module_path(s: &str) -> bool {
    !s.is_empty()
        && s.split("::").all(|seg| {
            let mut chars = seg.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        })
}

fn known_rule(id: &str, path: &Path, key: &str) -> Result<RuleId, ConfigError> {
    match rules::by_name(id) {
        Some(rule) if rule.configurable() => Ok(rule.id()),
        Some(rule) => Err(ConfigError::at(
            path,
            key,
            format!("rule `{}` cannot be configured", rule.id()),
        )),
        None => Err(ConfigError::at(
            path,
            key,
            format!(
                "unknown rule `{id}`{}",
                suggest(id, RuleId::ALL.iter().map(|r| r.as_str()))
            ),
        )),
    }
}

/// `, did you mean `x`?` for the nearest candidate within a small edit distance.
pub fn suggest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| format!(", did you mean `{c}`?"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute =
                prev.get(j).copied().unwrap_or(usize::MAX - 1) + usize::from(ca != *cb);
            let delete = prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let insert = row.last().copied().unwrap_or(usize::MAX - 1) + 1;
            row.push(substitute.min(delete).min(insert));
        }
        prev = row;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins() {
        let raw = parse_file(
            "[[layer]]\nname = \"a\"\nmodules = [\"c::x\"]\n[[layer]]\nname = \"b\"\nmodules = [\"c::x::y\"]\n",
            Path::new("p.toml"),
        );
        let config = raw.and_then(|r| validate(r, Path::new("p.toml")));
        let config = config.map_err(|e| e.to_string());
        let names = config.map(|c| {
            [
                c.layer_of("c::x::y::z").map(|l| l.name.clone()),
                c.layer_of("c::x::yz").map(|l| l.name.clone()),
                c.layer_of("c").map(|l| l.name.clone()),
            ]
        });
        assert_eq!(
            names,
            Ok([Some("b".to_owned()), Some("a".to_owned()), None])
        );
    }

    #[test]
    fn unknown_rule_suggests() {
        let err = parse_file("[rules]\nunwarp = \"deny\"\n", Path::new("p.toml"))
            .and_then(|r| validate(r, Path::new("p.toml")))
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("p.toml: `rules.unwarp`: unknown rule `unwarp`, did you mean `unwrap`?".to_owned())
        );
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
