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
use crate::engine::model::{normalize, Workspace};
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
    /// An error about a key of the configuration in `file` (`layer[0].modules[1]`),
    /// found after validation: the file is read again for the key's line.
    pub fn key(file: &Path, key: &str, message: impl Into<String>) -> ConfigError {
        let text = std::fs::read_to_string(file).ok();
        let is_manifest = file.file_name().is_some_and(|n| n == "Cargo.toml");
        let prefixes: &[&str] = if is_manifest {
            &[WORKSPACE_TABLE, PACKAGE_TABLE]
        } else {
            &[""]
        };
        let found = text.as_deref().and_then(|text| {
            prefixes.iter().find_map(|prefix| {
                let full = join_key(prefix, key);
                line_of(text, &full, prefix).map(|line| (line, full))
            })
        });
        match found {
            Some((line, full)) => ConfigError::located(file, Some(line), &full, message),
            None => ConfigError::located(file, None, key, message),
        }
    }

    /// An error about the file as a whole (it cannot be read).
    fn at(file: &Path, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::located(file, None, key, message)
    }

    fn located(
        file: &Path,
        line: Option<u32>,
        key: &str,
        message: impl Into<String>,
    ) -> ConfigError {
        let mut location = file.display().to_string();
        if let Some(line) = line {
            location.push_str(&format!(":{line}"));
        }
        if !key.is_empty() {
            location.push_str(&format!(": `{key}`"));
        }
        ConfigError {
            location,
            message: message.into(),
        }
    }
}

/// The tables of the root `Cargo.toml` that can hold the configuration.
const WORKSPACE_TABLE: &str = "workspace.metadata.panicfree";
const PACKAGE_TABLE: &str = "package.metadata.panicfree";

/// Where a configuration being validated came from: errors name its line.
#[derive(Clone, Copy)]
struct Origin<'a> {
    path: &'a Path,
    /// The whole file's text, when validation has it.
    text: Option<&'a str>,
    /// The table the configuration sits in (`workspace.metadata.panicfree`), or "".
    prefix: &'a str,
}

impl Origin<'_> {
    /// An error at `key` (relative to the configuration's table), naming its line.
    fn error(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let full = join_key(self.prefix, key);
        let line = self.text.and_then(|text| line_of(text, &full, self.prefix));
        ConfigError::located(self.path, line, &full, message)
    }
}

fn join_key(prefix: &str, key: &str) -> String {
    match (prefix.is_empty(), key.is_empty()) {
        (true, _) => key.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}.{key}"),
    }
}

/// The 1-based line of the entry a key path (`layer[1].modules[0]`,
/// `rules.unwarp`) names in a TOML text: of the deepest part of the path that
/// exists, when it does not all exist, but never outside `within` (the
/// configuration's own table, `""` for the whole file).
fn line_of(text: &str, key: &str, within: &str) -> Option<u32> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut best: Option<std::ops::Range<usize>> = None;
    let mut depth = 0;
    let mut current: Option<&DeValue<'_>> = None;
    for segment in key_segments(key) {
        let next = match (&segment, current) {
            (Segment::Key(name), None) => root
                .get_ref()
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == name.as_str())
                .map(|(_, v)| v),
            (Segment::Key(name), Some(DeValue::Table(table))) => table
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == name.as_str())
                .map(|(_, v)| v),
            (Segment::Index(i), Some(DeValue::Array(array))) => array.get(*i),
            _ => None,
        };
        let Some(next) = next else { break };
        best = Some(next.span());
        depth += 1;
        current = Some(next.get_ref());
    }
    let required = key_segments(within).len();
    let span = best.filter(|_| depth >= required.max(1))?;
    let before = text.get(..span.start)?;
    u32::try_from(before.matches('\n').count() + 1).ok()
}

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `layer[1].modules[0]` as `layer`, `1`, `modules`, `0`.
fn key_segments(key: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in key.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            out.push(Segment::Key(name.to_owned()));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
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
    include_proc_macros: Option<bool>,
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
    /// Check proc-macro crates too (`scope.include_proc_macros`; off by default:
    /// their code runs inside the compiler).
    pub include_proc_macros: bool,
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
            include_proc_macros: false,
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

    /// An error about module `module` of layer `layer`, found after validation (it
    /// names no crate or module of the workspace), at its line in the config.
    pub fn layer_module_error(
        &self,
        layer: usize,
        module: usize,
        message: impl Into<String>,
    ) -> ConfigError {
        let file = self
            .source
            .clone()
            .unwrap_or_else(|| PathBuf::from(FILE_NAME));
        ConfigError::key(&file, &format!("layer[{layer}].modules[{module}]"), message)
    }

    pub fn with_include_tests(mut self, include: bool) -> Config {
        self.include_tests = self.include_tests || include;
        self
    }
}

/// Loads the workspace's configuration: `panicfree.toml` or the root manifest's
/// `[workspace.metadata.panicfree]` (or, when the root package is the workspace's
/// only member, its `[package.metadata.panicfree]`), never two of them. None gives
/// the defaults.
pub fn load(ws: &Workspace) -> Result<Config, ConfigError> {
    let file = ws.root.join(FILE_NAME);
    let manifest = ws.root.join("Cargo.toml");
    let single_package = matches!(ws.packages.as_slice(), [only] if normalize(&only.manifest_path) == normalize(&manifest));
    let from_file = read_optional(&file)?
        .map(|text| parse_file(&text, &file))
        .transpose()?;
    let from_manifest = read_optional(&manifest)?
        .map(|text| parse_manifest(&text, &manifest, single_package))
        .transpose()?
        .flatten();
    match (from_file, from_manifest) {
        (Some(_), Some(raw)) => Err(raw.origin(&manifest).error(
            "",
            format!(
                "configuration is given twice, here and in {}; keep one",
                file.display()
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
    deserialize::<RawConfig>(text, path).map(|raw| RawConfigHandle {
        raw,
        text: Some(text.to_owned()),
        prefix: "",
    })
}

#[derive(Deserialize)]
struct Manifest {
    workspace: Option<ManifestSection>,
    package: Option<ManifestSection>,
}

#[derive(Deserialize)]
struct ManifestSection {
    metadata: Option<ManifestMetadata>,
}

#[derive(Deserialize)]
struct ManifestMetadata {
    panicfree: Option<RawConfig>,
}

/// The configuration in a root manifest: `[workspace.metadata.panicfree]`, or
/// `[package.metadata.panicfree]` of a single-package workspace (both is an error,
/// and so is the package table in a workspace of several members, where it would
/// read as that one package's).
fn parse_manifest(
    text: &str,
    path: &Path,
    single_package: bool,
) -> Result<Option<RawConfigHandle>, ConfigError> {
    let manifest = deserialize::<Manifest>(text, path)?;
    let take = |section: Option<ManifestSection>| {
        section.and_then(|s| s.metadata).and_then(|m| m.panicfree)
    };
    let handle = |raw, prefix| RawConfigHandle {
        raw,
        text: Some(text.to_owned()),
        prefix,
    };
    let in_workspace = take(manifest.workspace);
    let in_package = take(manifest.package);
    let origin = |prefix| Origin {
        path,
        text: Some(text),
        prefix,
    };
    match (in_workspace, in_package) {
        (Some(_), Some(_)) => Err(origin(PACKAGE_TABLE).error(
            "",
            format!("configuration is given twice, here and in [{WORKSPACE_TABLE}]; keep one"),
        )),
        (Some(raw), None) => Ok(Some(handle(raw, WORKSPACE_TABLE))),
        (None, Some(_)) if !single_package => Err(origin(PACKAGE_TABLE).error(
            "",
            format!(
                "[{PACKAGE_TABLE}] is read only when the root package is the workspace's one member; move it to [{WORKSPACE_TABLE}] or {FILE_NAME}"
            ),
        )),
        (None, Some(raw)) => Ok(Some(handle(raw, PACKAGE_TABLE))),
        (None, None) => Ok(None),
    }
}

/// A parsed but not yet validated configuration, with the text it came from
/// (validation errors name their line).
#[derive(Debug)]
pub struct RawConfigHandle {
    raw: RawConfig,
    text: Option<String>,
    /// The table of `text` that holds it (`""` for a whole `panicfree.toml`).
    prefix: &'static str,
}

impl RawConfigHandle {
    fn origin<'a>(&'a self, path: &'a Path) -> Origin<'a> {
        Origin {
            path,
            text: self.text.as_deref(),
            prefix: self.prefix,
        }
    }
}

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
    let RawConfigHandle { raw, text, prefix } = raw.into();
    let origin = Origin {
        path,
        text: text.as_deref(),
        prefix,
    };
    let mut levels: HashMap<RuleId, Option<Severity>> = rules::ALL
        .iter()
        .map(|r| (r.id(), r.default_level().severity()))
        .collect();
    for (id, level) in &raw.rules {
        let rule = known_rule(id, &origin, &format!("rules.{id}"))?;
        levels.insert(rule, level.severity());
    }

    let justifiable = match &raw.justification.rules {
        Some(ids) => ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let key = format!("justification.rules[{i}]");
                let id = known_rule(id, &origin, &key)?;
                match rules::get(id) {
                    Some(rule) if !rule.can_be_justified() => Err(origin.error(&key,
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
        return Err(origin.error(
            &format!("justification.markers[{i}]"),
            "a marker must not be empty",
        ));
    }

    let mut globs = GlobSetBuilder::new();
    for (i, pattern) in raw.scope.exclude.iter().flatten().enumerate() {
        let glob = Glob::new(pattern).map_err(|e| {
            origin.error(&format!("scope.exclude[{i}]"), format!("invalid glob: {e}"))
        })?;
        globs.add(glob);
    }
    let exclude = globs
        .build()
        .map_err(|e| origin.error("scope.exclude", format!("invalid globs: {e}")))?;

    let layers = Layers::new(validate_layers(raw.layers, &origin)?);

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
        include_proc_macros: raw.scope.include_proc_macros.unwrap_or(false),
        exclude,
        layers,
        entries: raw.paths.entry.unwrap_or_default(),
        source: Some(path.to_path_buf()),
    })
}

impl From<RawConfig> for RawConfigHandle {
    fn from(raw: RawConfig) -> Self {
        RawConfigHandle {
            raw,
            text: None,
            prefix: "",
        }
    }
}

fn validate_layers(raw: Vec<RawLayer>, origin: &Origin<'_>) -> Result<Vec<Layer>, ConfigError> {
    let names: Vec<&str> = raw.iter().map(|l| l.name.as_str()).collect();
    let mut seen = HashSet::new();
    let mut owners: HashMap<&str, &str> = HashMap::new();
    for (i, layer) in raw.iter().enumerate() {
        let key = format!("layer[{i}]");
        if layer.name.trim().is_empty() {
            return Err(origin.error(&format!("{key}.name"), "a layer needs a name"));
        }
        if !seen.insert(layer.name.as_str()) {
            return Err(origin.error(
                &format!("{key}.name"),
                format!("layer `{}` is declared twice", layer.name),
            ));
        }
        if layer.modules.is_empty() {
            return Err(origin.error(
                &format!("{key}.modules"),
                "a layer needs at least one module path",
            ));
        }
        for (j, module) in layer.modules.iter().enumerate() {
            if let Some(other) = owners.insert(module.as_str(), layer.name.as_str()) {
                return Err(origin.error(
                    &format!("{key}.modules[{j}]"),
                    format!("module `{module}` is already in layer `{other}`"),
                ));
            }
            if !is_module_path(module) {
                // A package name (`my-service`) is not its crate name (`my_service`).
                let underscored = module.replace('-', "_");
                let hint = if is_module_path(&underscored) {
                    format!(", did you mean `{underscored}`?")
                } else {
                    String::new()
                };
                return Err(origin.error(
                    &format!("{key}.modules[{j}]"),
                    format!("`{module}` is not a module path like `my_crate::core`{hint}"),
                ));
            }
        }
        for (j, other) in layer.may_use.iter().enumerate() {
            if !names.contains(&other.as_str()) {
                return Err(origin.error(
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

fn known_rule(id: &str, origin: &Origin<'_>, key: &str) -> Result<RuleId, ConfigError> {
    match rules::by_name(id) {
        Some(rule) if rule.configurable() => Ok(rule.id()),
        Some(rule) => Err(origin.error(key, format!("rule `{}` cannot be configured", rule.id()))),
        None => Err(origin.error(
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
    nearest(wrong, candidates)
        .map(|c| format!(", did you mean `{c}`?"))
        .unwrap_or_default()
}

/// The nearest candidate within a small edit distance.
pub fn nearest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
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
            Err(
                "p.toml:2: `rules.unwarp`: unknown rule `unwarp`, did you mean `unwrap`?"
                    .to_owned()
            )
        );
    }

    #[test]
    fn key_paths_find_their_line() {
        let text = "[rules]\nunwrap = \"deny\"\n\n[[layer]]\nname = \"a\"\nmodules = [\"c::x\"]\n\n[[layer]]\nname = \"b\"\nmodules = [\n  \"c::y\",\n  \"c::z\",\n]\n";
        let lines: Vec<Option<u32>> = [
            "rules.unwrap",
            "layer[0].name",
            "layer[1]",
            "layer[1].modules[1]",
            "layer[1].may_use[0]",
            "nothing.here",
        ]
        .iter()
        .map(|k| line_of(text, k, ""))
        .collect();
        assert_eq!(lines, [Some(2), Some(5), Some(8), Some(12), Some(8), None]);
    }

    #[test]
    fn manifest_keys_stay_inside_the_table() {
        let text = "[package]\nname = \"x\"\n\n[workspace.metadata.panicfree]\nscope = { exclude = [\"[\"] }\n";
        assert_eq!(
            line_of(
                text,
                "workspace.metadata.panicfree.scope.exclude[0]",
                WORKSPACE_TABLE
            ),
            Some(5)
        );
        assert_eq!(
            line_of(text, "package.metadata.panicfree.rules", PACKAGE_TABLE),
            None
        );
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
