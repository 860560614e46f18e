//! `--baseline` and `--write-baseline`: the report compared with the findings a team
//! accepted, or today's findings recorded (see [`crate::engine::baseline`]).

use std::io::Write;
use std::path::Path;

use crate::cli::args::CheckArgs;
use crate::cli::{Outcome, RunError};
use crate::engine::baseline::{self, Baseline, Coverage};
use crate::engine::report::Report;

/// Whether the run checked only some files, so that the entries of the others are
/// out of sight.
fn partial(args: &CheckArgs) -> bool {
    !args.files.is_empty() || args.report.since.is_some()
}

/// Marks what `--baseline` accepts, and says on stderr which entries are gone.
pub fn apply_baseline(report: &mut Report, args: &CheckArgs) -> Result<(), RunError> {
    let Some(path) = &args.report.baseline else {
        return Ok(());
    };
    let accepted = Baseline::read(path)?;
    let coverage = Coverage::of(report, partial(args));
    baseline::apply(report, &accepted, &coverage, path.display().to_string());
    let mut stderr = std::io::stderr();
    if let Some(used) = &report.baseline {
        for (key, count) in &used.gone {
            let item = if key.item.is_empty() {
                String::new()
            } else {
                format!(" in `{}`", key.item)
            };
            let _ = writeln!(
                stderr,
                "baseline: gone: {count} `{}`{item} ({}); `--write-baseline {}` drops it",
                key.rule,
                key.path,
                path.display()
            );
        }
    }
    Ok(())
}

/// Writes the baseline of `report` to `path` (shrinking an existing one unless
/// `--accept-new`), and says what changed.
pub fn write_baseline(report: &Report, args: &CheckArgs, path: &Path) -> Result<Outcome, RunError> {
    let old = Baseline::read_if_exists(path)?;
    let now = Baseline::of(report);
    let coverage = Coverage::of(report, partial(args));
    let (baseline, change) = now.rewrite(old.as_ref(), &coverage, args.report.accept_new);
    baseline.write(path)?;
    let mut line = format!(
        "panicfree: wrote {}: {} in {}",
        path.display(),
        plural(change.findings, "finding", "findings"),
        plural(change.entries, "entry", "entries")
    );
    if old.is_some() {
        line.push_str(&format!(
            "; {} gone, {} added",
            change.removed, change.added
        ));
        if change.left_out > 0 {
            line.push_str(&format!(
                "; {} not added (a baseline only shrinks; `--accept-new` adds them)",
                plural(change.left_out, "new finding", "new findings")
            ));
        }
    }
    let _ = writeln!(std::io::stderr(), "{line}");
    Ok(match Outcome::of(&report.summary()) {
        Outcome::Incomplete => Outcome::Incomplete,
        _ => Outcome::Clean,
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
