//! Which findings a team has accepted, for adopting the check on an existing codebase.
//!
//! A baseline counts findings by their [`Key`] (package, path, owning item, rule, hash
//! of the normalized code; never a line number), as PHPStan's baseline does. Against a
//! baseline, the first `count` findings of each key are *baselined* (reported in JSON
//! and SARIF, never blocking); the rest are new, and an entry that matches fewer
//! findings than it counts is *gone*. Rewriting a baseline only shrinks it, unless
//! asked to accept new findings. The file is TOML, one entry a line, sorted, so that
//! its diffs review well.
//!
//! It sits in the engine because it decides what the report says (which findings
//! block), as the configuration does; it renders nothing.

pub mod fingerprint;
pub mod key;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::api::RuleId;
use crate::engine::atomic;
use crate::engine::report::{BaselineUse, Finding, Report};
pub use key::Key;

/// The baseline format's version; a file of another version is refused.
pub const VERSION: u32 = 1;

/// The longest baseline read (an entry is about a hundred bytes).
const MAX_BYTES: u64 = 1 << 30;

/// Why a baseline could not be read or written (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a cargo-panicfree baseline: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "{path} is a baseline of version {found}; this cargo-panicfree reads version {VERSION}"
    )]
    Version { path: PathBuf, found: u32 },
    #[error("cannot write the baseline {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Accepted findings: how many of each key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<Key, u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    package: String,
    path: String,
    item: String,
    rule: RuleId,
    code: String,
    count: u32,
}

/// Which findings a run could have seen: an entry outside it is neither matched nor
/// gone, and a rewrite keeps it as it is.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Only some files were checked (FILES, `--since`): entries of other files are
    /// out of sight.
    partial: bool,
    paths: HashSet<String>,
    packages: HashSet<String>,
}

impl Coverage {
    /// What `report` covers; `partial` when the run checked only some files.
    pub fn of(report: &Report, partial: bool) -> Coverage {
        Coverage {
            partial,
            paths: report
                .files
                .iter()
                .filter(|f| report.is_reported(f.id))
                .map(|f| f.display.clone())
                .collect(),
            packages: report
                .files
                .iter()
                .filter_map(|f| f.package.clone())
                .collect(),
        }
    }

    pub fn covers(&self, key: &Key) -> bool {
        self.paths.contains(&key.path) || (!self.partial && self.packages.contains(&key.package))
    }
}

/// What a rewrite did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rewrite {
    /// Findings in the file now.
    pub findings: usize,
    /// Entries (keys) in the file now.
    pub entries: usize,
    /// Findings dropped because they no longer occur.
    pub removed: usize,
    /// Findings added (a new file, or `accept_new`).
    pub added: usize,
    /// New findings not added, because the file only shrinks.
    pub left_out: usize,
}

/// Whether a finding can be baselined: justified findings need no baseline, and the
/// tool's own failures are never accepted.
fn counts(finding: &Finding) -> bool {
    finding.justification.is_none() && finding.rule != RuleId::InternalError
}

impl Baseline {
    /// The baseline of every finding of `report` that can be baselined.
    pub fn of(report: &Report) -> Baseline {
        let mut entries = BTreeMap::new();
        for (finding, key) in report.findings.iter().zip(fingerprint::keys(report)) {
            if counts(finding) {
                *entries.entry(key).or_insert(0u32) += 1;
            }
        }
        Baseline { entries }
    }

    /// How many findings it accepts.
    pub fn findings(&self) -> usize {
        self.entries.values().map(|n| *n as usize).sum()
    }

    pub fn entries(&self) -> usize {
        self.entries.len()
    }

    /// Reads a baseline file (or a pipe: `--baseline <(git show main:baseline.toml)`),
    /// of at most [`MAX_BYTES`]: `/dev/zero` must not fill the memory.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let error = |source| BaselineError::Read {
            path: path.to_owned(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_BYTES + 1).read_to_string(&mut text))
            .map_err(error)?;
        if text.len() as u64 > MAX_BYTES {
            return Err(error(std::io::Error::other(format!(
                "it is longer than {} MiB",
                MAX_BYTES >> 20
            ))));
        }
        Baseline::parse(&text, path)
    }

    /// Reads the baseline file that `--write-baseline` would shrink, or `None` when
    /// there is none. A target that is not a regular file (`/dev/stdout`, a pipe)
    /// holds no old baseline, and reading it could wait forever.
    pub fn read_if_exists(path: &Path) -> Result<Option<Baseline>, BaselineError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Ok(meta) if !meta.is_file() => Ok(None),
            _ => Baseline::read(path).map(Some),
        }
    }

    fn parse(text: &str, path: &Path) -> Result<Baseline, BaselineError> {
        let file: File = toml::from_str(text).map_err(|e| BaselineError::Parse {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })?;
        if file.version != VERSION {
            return Err(BaselineError::Version {
                path: path.to_owned(),
                found: file.version,
            });
        }
        let mut entries = BTreeMap::new();
        for e in file.entries.into_iter().filter(|e| e.count > 0) {
            let key = Key {
                package: e.package,
                path: e.path,
                item: e.item,
                rule: e.rule,
                code: e.code,
            };
            let n: &mut u32 = entries.entry(key).or_insert(0);
            *n = n.saturating_add(e.count);
        }
        Ok(Baseline { entries })
    }

    /// The file's text: a header, the version, and one entry a line, sorted.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# cargo-panicfree baseline: findings accepted when the check was adopted.\n\
             # `cargo panicfree --baseline FILE` reports only findings not counted here. An entry\n\
             # matches by package, path, owning item, rule and a hash of the site's code (never by\n\
             # line). `--write-baseline FILE` rewrites it and only ever shrinks it, unless given\n\
             # `--accept-new`.\n",
        );
        out.push_str(&format!("version = {VERSION}\nentries = [\n"));
        for (key, count) in &self.entries {
            out.push_str(&format!(
                "  {{ package = {}, path = {}, item = {}, rule = {}, code = {}, count = {count} }},\n",
                quote(&key.package),
                quote(&key.path),
                quote(&key.item),
                quote(key.rule.as_str()),
                quote(&key.code),
            ));
        }
        out.push_str("]\n");
        out
    }

    /// Writes the file (to a temporary file beside it, then renamed).
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let error = |source| BaselineError::Write {
            path: path.to_owned(),
            source,
        };
        atomic::write(path, self.to_text().as_bytes()).map_err(error)
    }

    /// The baseline to write over `old` now that the run found `self`: entries the run
    /// covers shrink to what still occurs, others stay; new findings are added only
    /// when `accept_new` (or when there is no old baseline).
    pub fn rewrite(
        &self,
        old: Option<&Baseline>,
        coverage: &Coverage,
        accept_new: bool,
    ) -> (Baseline, Rewrite) {
        let empty = Baseline::default();
        let accept_new = accept_new || old.is_none();
        let old = old.unwrap_or(&empty);
        let mut entries = BTreeMap::new();
        let mut change = Rewrite::default();
        for (key, &was) in &old.entries {
            if !coverage.covers(key) {
                entries.insert(key.clone(), was);
                continue;
            }
            let now = self.entries.get(key).copied().unwrap_or(0);
            let kept = if accept_new { now } else { now.min(was) };
            change.removed += was.saturating_sub(now) as usize;
            if kept > 0 {
                entries.insert(key.clone(), kept);
            }
        }
        for (key, &now) in &self.entries {
            let was = old.entries.get(key).copied().unwrap_or(0);
            let new = now.saturating_sub(was) as usize;
            if accept_new {
                change.added += new;
                entries.insert(key.clone(), now);
            } else {
                change.left_out += new;
            }
        }
        let baseline = Baseline { entries };
        change.findings = baseline.findings();
        change.entries = baseline.entries();
        (baseline, change)
    }
}

/// Marks the findings of `report` that `baseline` accepts, and records which entries
/// are gone (among those the run covers). `file` names the baseline in reports.
pub fn apply(report: &mut Report, baseline: &Baseline, coverage: &Coverage, file: String) {
    let keys = fingerprint::keys(report);
    let mut left: HashMap<&Key, u32> = baseline.entries.iter().map(|(k, n)| (k, *n)).collect();
    for (finding, key) in report.findings.iter_mut().zip(&keys) {
        if !counts(finding) {
            continue;
        }
        if let Some(n) = left.get_mut(key).filter(|n| **n > 0) {
            *n -= 1;
            finding.baselined = true;
        }
    }
    let mut gone: Vec<(Key, u32)> = left
        .into_iter()
        .filter(|(key, n)| *n > 0 && coverage.covers(key))
        .map(|(key, n)| (key.clone(), n))
        .collect();
    gone.sort();
    report.baseline = Some(BaselineUse { file, gone });
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Baseline, Coverage, Key};
    use crate::api::RuleId;

    fn key(item: &str, code: &str) -> Key {
        Key {
            package: "demo".to_owned(),
            path: "src/lib.rs".to_owned(),
            item: item.to_owned(),
            rule: RuleId::Unwrap,
            code: code.to_owned(),
        }
    }

    fn baseline(entries: &[(Key, u32)]) -> Baseline {
        Baseline {
            entries: entries.iter().cloned().collect(),
        }
    }

    #[test]
    fn the_text_round_trips_sorted_with_odd_characters() {
        let b = baseline(&[
            (key("demo::z", "00000000000000ff"), 2),
            (
                key("demo::<impl \"Q\\\" for T>::f\t", "0000000000000001"),
                1,
            ),
        ]);
        let text = b.to_text();
        assert_eq!(
            Baseline::parse(&text, Path::new("b.toml")).expect("parses"),
            b
        );
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("  {")).collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("<impl"), "sorted by item: {text}");
    }

    #[test]
    fn unknown_keys_and_other_versions_are_refused() {
        let path = Path::new("b.toml");
        assert!(Baseline::parse("version = 1\nentries = []\nextra = 1\n", path).is_err());
        let err = Baseline::parse("version = 2\n", path).expect_err("version 2");
        assert!(err.to_string().contains("version 2"), "{err}");
    }

    #[test]
    fn a_rewrite_only_shrinks_unless_new_findings_are_accepted() {
        let (a, b, c) = (
            key("demo::a", "1"),
            key("demo::b", "2"),
            key("demo::c", "3"),
        );
        let old = baseline(&[(a.clone(), 2), (b.clone(), 1)]);
        let now = baseline(&[(a.clone(), 3), (c.clone(), 1)]);
        let coverage = Coverage {
            partial: false,
            paths: ["src/lib.rs".to_owned()].into(),
            packages: ["demo".to_owned()].into(),
        };
        let (shrunk, change) = now.rewrite(Some(&old), &coverage, false);
        assert_eq!(shrunk, baseline(&[(a.clone(), 2)]));
        assert_eq!((change.removed, change.added, change.left_out), (1, 0, 2));
        let (grown, change) = now.rewrite(Some(&old), &coverage, true);
        assert_eq!(grown, now);
        assert_eq!((change.removed, change.added), (1, 2));
        // Entries of files the run did not see stay as they were.
        let elsewhere = Coverage {
            partial: true,
            ..Coverage::default()
        };
        let (kept, _) = now.rewrite(Some(&old), &elsewhere, false);
        assert_eq!(kept, old);
    }
}
