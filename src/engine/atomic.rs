//! Files written whole or not at all: the report (`--output`), the baseline and the
//! cache are written to a temporary file beside their target and renamed onto it,
//! so that a reader (a CI step, a second run) never sees half a file and a failed
//! write leaves the old file as it was.
//!
//! A process that is interrupted (Ctrl-C, `kill -9`, the OOM killer, a power cut)
//! cannot remove its temporary file, and no signal handler can cover all of these.
//! So a temporary file is made harmless instead: it has a name no reader opens
//! (`.NAME.PID.RANDOM.tmp`), and the next write of `NAME`, or the next run's cache,
//! removes the ones whose process is gone ([`prune`]).
//!
//! A target that exists and is not a regular file (`/dev/stdout`, `/dev/full`, a
//! FIFO) is written in place: renaming onto it would replace the device or pipe
//! with a file. A symlink to a regular file is kept, and its target replaced.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How old a temporary file must be before it is taken for abandoned where
/// process ids cannot be checked (no `/proc`).
const ABANDONED_AFTER: Duration = Duration::from_secs(3600);

/// Writes `bytes` to `path` as a whole (see the module docs).
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |out| out.write_all(bytes))
}

/// Writes what `fill` writes to `path` as a whole (see the module docs), streamed:
/// the content need never be in memory at once.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let existing = std::fs::metadata(path).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return File::create(path).and_then(|mut file| fill(&mut file));
    }
    // A symlink to a file stays a symlink: its target is the file replaced.
    let target = match existing {
        Some(_) => std::fs::canonicalize(path).map_err(plain)?,
        None => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(OsString::from)
        .unwrap_or_else(|| OsString::from("file"));
    prune(&dir, Some(&name));
    let prefix = temp_prefix(&name);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As `File::create` would make it (the umask applies), not 0600.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(&dir).map_err(plain)?;
    fill(temp.as_file_mut()).map_err(plain)?;
    if let Some(old) = &existing {
        // The report keeps the mode of the file it replaces.
        temp.as_file()
            .set_permissions(old.permissions())
            .map_err(plain)?;
    }
    temp.persist(&target).map_err(|e| plain(e.error))?;
    Ok(())
}

const TEMP_SUFFIX: &str = ".tmp";

/// `.NAME.PID.`: the temporary files of `name` written by this process.
fn temp_prefix(name: &std::ffi::OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(format!(".{}.", std::process::id()));
    prefix
}

/// Removes the temporary files in `dir` (of `name` only, when given) whose process
/// is gone. Best effort: what cannot be listed or removed stays, and is harmless.
pub fn prune(dir: &Path, name: Option<&std::ffi::OsStr>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = temp_owner(&file_name, name) else {
            continue;
        };
        if abandoned(pid, &entry) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in the name of one of our temporary files (`.NAME.PID.RANDOM.tmp`).
fn temp_owner(file_name: &std::ffi::OsStr, name: Option<&std::ffi::OsStr>) -> Option<u32> {
    let text = file_name.to_str()?;
    let rest = text.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let rest = match name {
        Some(name) => rest.strip_prefix(name.to_str()?)?.strip_prefix('.')?,
        None => rest,
    };
    // NAME may hold dots: the process id is the second field from the end.
    let mut fields = rest.rsplit('.');
    let _random = fields.next()?;
    fields.next()?.parse().ok()
}

/// Whether the process that made a temporary file is gone: its id is not running,
/// or, where running processes cannot be listed, the file is old. (This process's
/// own files may be another thread's write in progress; an old one of the same id
/// is left to a later run.)
fn abandoned(pid: u32, entry: &std::fs::DirEntry) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if cfg!(target_os = "linux") && proc.join("self").exists() {
        return !proc.join(pid.to_string()).exists();
    }
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > ABANDONED_AFTER)
}

/// The error without the temporary file's path, which tempfile adds to its
/// messages: the user named the target, and the target is what failed.
fn plain(e: io::Error) -> io::Error {
    if e.raw_os_error().is_some() {
        return e;
    }
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((why, _)) => io::Error::new(e.kind(), why),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_file_names_its_target_and_process() {
        let name = std::ffi::OsStr::new("report.v1.json");
        let temp = format!(".report.v1.json.4242.aB3dE9{TEMP_SUFFIX}");
        assert_eq!(temp_owner(temp.as_ref(), Some(name)), Some(4242));
        assert_eq!(temp_owner(temp.as_ref(), None), Some(4242));
        assert_eq!(
            temp_owner(".other.json.4242.aB3dE9.tmp".as_ref(), Some(name)),
            None
        );
        assert_eq!(temp_owner("report.v1.json".as_ref(), None), None);
        assert_eq!(temp_owner(".x.notapid.aB3dE9.tmp".as_ref(), None), None);
    }
}
