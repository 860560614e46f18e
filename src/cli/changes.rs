//! `--since REV` and `--changed-lines`: the files, and the lines, changed since a
//! git revision, for pre-push hooks and pull-request checks.
//!
//! We run `git` rather than link a git library: the commands used (`merge-base`,
//! `diff --name-only -z`, `diff -U0`, `ls-files --others`) are stable, every machine
//! that has a repository to compare has `git`, the user's own git configuration
//! applies, and no dependency of hundreds of crates (gix) or of C (libgit2) is added.
//! Changes are counted from the merge base of REV and `HEAD` to the working tree
//! (staged and unstaged edits, and untracked files that git does not ignore), as a
//! pull request shows them.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::api::FileId;
use crate::engine::report::Report;

/// Why the changes could not be read (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error("`git {command}` failed: {stderr}")]
    Git { command: String, stderr: String },
}

/// The Rust files changed since a revision, and their changed lines.
#[derive(Debug, Default)]
pub struct Changes {
    /// Changed or new `.rs` files, absolute.
    pub files: Vec<PathBuf>,
    /// The added or changed lines of each file (canonical path); a file missing here
    /// (untracked, new) is new in every line.
    lines: HashMap<PathBuf, Vec<RangeInclusive<u32>>>,
}

impl Changes {
    /// The changes since the merge base of `rev` and `HEAD`, in the repository
    /// around `dir`; with `lines`, also which lines changed.
    pub fn since(rev: &str, dir: &Path, lines: bool) -> Result<Changes, ChangesError> {
        let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?.trim_end());
        let base = git(dir, &["merge-base", rev, "HEAD"])?;
        let base = base.trim_end();
        let changed = git(
            &top,
            &["diff", "--name-only", "-z", "--diff-filter=d", base, "--"],
        )?;
        let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])?;
        let rust = |list: &str| -> Vec<PathBuf> {
            list.split('\0')
                .filter(|p| p.ends_with(".rs"))
                .map(|p| top.join(p))
                .collect()
        };
        let mut changes = Changes {
            files: rust(&changed),
            lines: HashMap::new(),
        };
        if lines {
            for file in &changes.files {
                let diff = git(
                    &top,
                    &[
                        "diff",
                        "-U0",
                        "--no-color",
                        "--no-ext-diff",
                        base,
                        "--",
                        &file.to_string_lossy(),
                    ],
                )?;
                changes.lines.insert(canonical(file), added_lines(&diff));
            }
        }
        changes.files.extend(rust(&untracked));
        changes.files.sort();
        changes.files.dedup();
        Ok(changes)
    }

    /// Keeps only the findings on changed lines: a finding stays when its span
    /// touches one (or its file is new).
    pub fn retain_changed_lines(&self, report: &mut Report) {
        let mut ranges: HashMap<FileId, Option<Option<&Vec<RangeInclusive<u32>>>>> = HashMap::new();
        for f in &report.findings {
            ranges.entry(f.file).or_insert_with(|| {
                let file = report.file(f.file)?;
                Some(self.lines.get(&canonical(&file.path)))
            });
        }
        report
            .findings
            .retain(|f| match ranges.get(&f.file).copied().flatten() {
                Some(Some(changed)) => {
                    let span = f.span.start.line..=f.span.end.line.max(f.span.start.line);
                    changed
                        .iter()
                        .any(|r| r.start() <= span.end() && span.start() <= r.end())
                }
                // A new file: every line is new.
                Some(None) => true,
                None => false,
            });
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, ChangesError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(ChangesError::Spawn)?;
    if !out.status.success() {
        return Err(ChangesError::Git {
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The new-side line ranges of a `-U0` diff's hunks (`@@ -a,b +c,d @@`); a hunk
/// that only deletes (`d` = 0) adds none.
fn added_lines(diff: &str) -> Vec<RangeInclusive<u32>> {
    diff.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("@@ -")?;
            let new = rest.split(' ').nth(1)?.strip_prefix('+')?;
            let (start, count) = match new.split_once(',') {
                Some((start, count)) => (start.parse::<u32>().ok()?, count.parse::<u32>().ok()?),
                None => (new.parse::<u32>().ok()?, 1),
            };
            let last = start.checked_add(count)?.checked_sub(1)?;
            (count > 0).then_some(start..=last)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::added_lines;

    #[test]
    fn hunk_headers_give_the_new_lines() {
        let diff =
            "diff --git a/x b/x\n@@ -1,0 +2,3 @@ fn f\n+a\n@@ -10 +12 @@\n@@ -20,2 +23,0 @@\n";
        assert_eq!(added_lines(diff), [2..=4, 12..=12]);
    }
}
