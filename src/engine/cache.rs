//! The cache under the target directory (`target/panicfree/`): each file's
//! [`FileResult`] keyed by a hash of everything that shapes it, and the workspace
//! model (see [`super::metadata`]).
//!
//! The cache never changes a result. Every file it writes starts with a header
//! (magic, format version, the tool's version) and a checksum of its payload; a
//! file that is corrupt, truncated, foreign or from another version is ignored and
//! rewritten. Files are written to a temporary file and renamed into place
//! ([`super::atomic`]), so two runs at once (an editor and a pre-commit hook) never
//! see half a file: the last one to finish wins. An interrupted run's temporary
//! file is never read, and the next run that opens the cache removes it. A cache
//! that cannot be used means a run without it and one warning, never a failure.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::engine::analyze::{FileInput, FileResult};
use crate::engine::atomic;

const MAGIC: &[u8; 8] = b"PNCFREE\0";
/// Bumped whenever the layout of anything cached changes.
const FORMAT: u32 = 5;
/// The tool's version and the hash of the sources it was built from (`build.rs`).
const TOOL_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("PANICFREE_BUILD_ID"));
const FILES: &str = "files.bin";

#[derive(Debug, thiserror::Error)]
#[error("the cache in {dir} cannot be used ({why}); running without it")]
pub struct CacheError {
    dir: String,
    why: String,
}

/// The directory the cache lives in, under a target directory.
pub fn dir(target_dir: &Path) -> PathBuf {
    target_dir.join("panicfree")
}

/// A stable 128-bit hash (xxh3): the same bytes give the same hash in every release.
pub fn hash_bytes(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The cache directory, created if needed.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn at(target_dir: &Path) -> Result<Store, CacheError> {
        let dir = dir(target_dir);
        std::fs::create_dir_all(&dir).map_err(|e| CacheError {
            dir: dir.display().to_string(),
            why: e.to_string(),
        })?;
        // What interrupted runs left.
        atomic::prune(&dir, None);
        Ok(Store { dir })
    }

    /// The value in `name`, when the file is whole and of this version.
    pub fn read<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let bytes = std::fs::read(self.dir.join(name)).ok()?;
        decode(&bytes)
    }

    /// The bytes of `name` and where its payload starts, when the file is whole
    /// and of this version: for values that borrow from the bytes.
    fn read_payload(&self, name: &str) -> Option<(Vec<u8>, usize)> {
        let bytes = std::fs::read(self.dir.join(name)).ok()?;
        let start = payload_start(&bytes)?;
        Some((bytes, start))
    }

    /// Writes `value` to `name` through a temporary file and a rename, encoded
    /// straight into the file: a cold run's results are tens of megabytes, which
    /// need not be copied into one buffer first.
    pub fn write<T: Serialize>(&self, name: &str, value: &T) -> Result<(), CacheError> {
        let fail = |why: String| CacheError {
            dir: self.dir.display().to_string(),
            why,
        };
        let fill = |file: &mut std::fs::File| {
            let out = std::io::BufWriter::with_capacity(1 << 20, file);
            write_to(value, checksum(value)?, out)
        };
        atomic::write_with(&self.dir.join(name), fill).map_err(|e| fail(e.to_string()))
    }
}

fn header() -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(TOOL_VERSION.len() as u32).to_le_bytes());
    out.extend_from_slice(TOOL_VERSION.as_bytes());
    out
}

/// The bytes of a cache file holding `value`: header, checksum, payload.
pub fn encode<T: Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_to(value, checksum(value)?, &mut out)?;
    Ok(out)
}

/// Writes a cache file holding `value` whose payload hashes to `checksum`.
fn write_to<T: Serialize>(value: &T, checksum: u128, mut out: impl Write) -> std::io::Result<()> {
    out.write_all(&header())?;
    out.write_all(&checksum.to_le_bytes())?;
    let mut out = postcard::to_io(value, out).map_err(std::io::Error::other)?;
    out.flush()
}

/// The checksum of `value`'s payload, which precedes it in the file: a first pass
/// that encodes it into the hash alone.
fn checksum<T: Serialize>(value: &T) -> std::io::Result<u128> {
    // The encoder writes a byte or a field at a time; the hash is fast on large blocks.
    let out = std::io::BufWriter::with_capacity(1 << 16, Hashing::default());
    let hashed = postcard::to_io(value, out).map_err(std::io::Error::other)?;
    let hashed = hashed.into_inner().map_err(|e| e.into_error())?;
    Ok(hashed.0.digest128())
}

/// A writer that only hashes what it is given, as [`hash_bytes`] would hash it whole.
#[derive(Default)]
struct Hashing(xxhash_rust::xxh3::Xxh3);

impl Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of a payload's checksum, which follows the header.
const CHECKSUM: usize = 16;

/// The value of a cache file's bytes, when they are whole and of this version.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    postcard::from_bytes(bytes.get(payload_start(bytes)?..)?).ok()
}

/// Where the payload of a cache file's bytes starts, when they are whole (the
/// checksum matches) and of this version.
fn payload_start(bytes: &[u8]) -> Option<usize> {
    let header = header();
    let rest = bytes.strip_prefix(header.as_slice())?;
    let (checksum, payload) = rest.split_first_chunk::<CHECKSUM>()?;
    (u128::from_le_bytes(*checksum) == hash_bytes(payload)).then_some(header.len() + CHECKSUM)
}

/// The cache key of a file's analysis: its text and every input of [`FileInput`].
pub fn file_key(text: &str, input: &FileInput<'_>) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [
        TOOL_VERSION.as_bytes(),
        input.module_path.as_bytes(),
        input.library.unwrap_or("").as_bytes(),
        &[
            u8::from(input.in_test),
            u8::from(input.include_tests),
            u8::from(input.include_debug),
            u8::from(input.library.is_some()),
        ],
    ] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    for marker in input.markers {
        hasher.update(&(marker.len() as u64).to_le_bytes());
        hasher.update(marker.as_bytes());
    }
    hasher.update(&(text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
    hasher.digest128()
}

/// One file's entry as the cache file holds it: its path, its key, and its
/// result's bytes, which are decoded only when the key matches, on the thread that
/// needs the result. Read in place: the entry borrows from the file's bytes.
#[derive(Deserialize)]
struct Entry<'a> {
    path: PathBuf,
    key: u128,
    #[serde(borrow)]
    result: &'a [u8],
}

#[derive(Serialize)]
struct EntryRef<'a> {
    path: &'a Path,
    key: u128,
    #[serde(serialize_with = "as_bytes")]
    result: &'a [u8],
}

/// A byte slice as one block of bytes: serde would write a `[u8]` a byte at a
/// time. postcard encodes both the same way (a length, then the bytes), which is
/// what [`Entry`] borrows back.
fn as_bytes<S: serde::Serializer>(bytes: &&[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_bytes(bytes)
}

/// A result as its cache entry stores it.
pub fn result_bytes(result: &FileResult) -> Option<Vec<u8>> {
    postcard::to_stdvec(result).ok()
}

/// The result a cache entry stores.
pub fn result_of(bytes: &[u8]) -> Option<FileResult> {
    postcard::from_bytes(bytes).ok()
}

/// A file's encoded result, as the cache will write it back: fresh from this
/// run, or still where the last run's cache file (which [`FileCache`] holds)
/// has it, so that a warm run copies none of the tens of megabytes it read.
#[derive(Debug)]
pub enum Encoded {
    Fresh(Vec<u8>),
    Stored(std::ops::Range<usize>),
}

/// The per-file results of the last run, one entry per file path, and what this
/// run adds. Lookups take an entry out; [`FileCache::save`] writes back what this
/// run used and whatever it did not visit whose file still exists.
pub struct FileCache {
    store: Option<Store>,
    /// The last run's cache file, read whole.
    bytes: Vec<u8>,
    /// Where in `bytes` each entry's result is, by path and key: a file that two
    /// targets reach as different modules has an entry for each.
    old: Mutex<HashMap<(PathBuf, u128), std::ops::Range<usize>>>,
    /// Results of files the walk reached twice (see [`FileCache::keep`]).
    extra: Mutex<Vec<(PathBuf, u128, Encoded)>>,
    changed: Mutex<bool>,
}

impl FileCache {
    /// No cache at all (`--no-cache`, or a directory that cannot be used).
    pub fn disabled() -> FileCache {
        FileCache {
            store: None,
            bytes: Vec::new(),
            old: Mutex::new(HashMap::new()),
            extra: Mutex::new(Vec::new()),
            changed: Mutex::new(false),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.store.is_some()
    }

    /// Opens the cache under `target_dir`; an unusable directory is an error the
    /// caller reports as a warning before running without a cache.
    pub fn open(target_dir: &Path) -> Result<FileCache, CacheError> {
        let store = Store::at(target_dir)?;
        let (bytes, start) = store.read_payload(FILES).unwrap_or_default();
        let entries: Vec<Entry<'_>> = bytes
            .get(start..)
            .and_then(|payload| postcard::from_bytes(payload).ok())
            .unwrap_or_default();
        // Each result is a slice of `bytes`: its range, from the addresses.
        let base = bytes.as_ptr().addr();
        let old = entries
            .into_iter()
            .map(|e| {
                let start = e.result.as_ptr().addr() - base;
                ((e.path, e.key), start..start + e.result.len())
            })
            .collect();
        Ok(FileCache {
            store: Some(store),
            bytes,
            old: Mutex::new(old),
            extra: Mutex::new(Vec::new()),
            changed: Mutex::new(false),
        })
    }

    /// The cached result of `path` and where its bytes are, when its key matches;
    /// a miss marks the cache as needing a write.
    pub fn take(&self, path: &Path, key: u128) -> Option<(FileResult, Encoded)> {
        self.store.as_ref()?;
        let entry = self
            .old
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(path.to_path_buf(), key));
        let hit = entry.and_then(|range| {
            let result = result_of(self.bytes.get(range.clone())?)?;
            Some((result, Encoded::Stored(range)))
        });
        if hit.is_none() {
            *self.changed.lock().unwrap_or_else(PoisonError::into_inner) = true;
        }
        hit
    }

    /// Keeps the result of a file the walk reached a second time, as another target's
    /// module: the report shows the first, but the next run asks for both.
    pub fn keep(&self, path: PathBuf, key: u128, encoded: Encoded) {
        if self.store.is_some() {
            self.extra
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((path, key, encoded));
        }
    }

    /// Writes the cache when anything changed: this run's results (as bytes), and
    /// the entries it did not visit whose files still exist.
    pub fn save<'a>(
        self,
        used: impl Iterator<Item = (&'a Path, u128, &'a Encoded)>,
    ) -> Result<(), CacheError> {
        let Some(store) = self.store else {
            return Ok(());
        };
        let mut changed = self
            .changed
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let old = self
            .old
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let bytes = self.bytes;
        let extra = self
            .extra
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut entries: Vec<EntryRef<'_>> = used
            .filter_map(|(path, key, encoded)| entry_ref(&bytes, path, key, encoded))
            .collect();
        entries.extend(
            extra
                .iter()
                .filter_map(|(path, key, encoded)| entry_ref(&bytes, path, *key, encoded)),
        );
        let visited: HashSet<&Path> = entries.iter().map(|e| e.path).collect();
        // What the last run stored and this one did not use: files this run did not
        // visit keep their entries while they exist; other versions of visited files
        // are stale.
        let kept: Vec<EntryRef<'_>> = old
            .iter()
            .filter(|((path, _), _)| {
                let keep = !visited.contains(path.as_path()) && path.is_file();
                changed |= !keep;
                keep
            })
            .filter_map(|((path, key), range)| {
                Some(EntryRef {
                    path,
                    key: *key,
                    result: bytes.get(range.clone())?,
                })
            })
            .collect();
        if !changed {
            return Ok(());
        }
        entries.extend(kept);
        entries.sort_by(|a, b| (a.path, a.key).cmp(&(b.path, b.key)));
        entries.dedup_by(|a, b| (a.path, a.key) == (b.path, b.key));
        store.write(FILES, &entries)
    }
}

/// The entry `save` writes for a file's encoded result (`bytes`: the last run's
/// cache file, where a [`Encoded::Stored`] result still is).
fn entry_ref<'b>(
    bytes: &'b [u8],
    path: &'b Path,
    key: u128,
    encoded: &'b Encoded,
) -> Option<EntryRef<'b>> {
    let result = match encoded {
        Encoded::Fresh(fresh) => fresh.as_slice(),
        Encoded::Stored(range) => bytes.get(range.clone())?,
    };
    Some(EntryRef { path, key, result })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_written_as_a_block_and_read_back_in_place() {
        /// How serde writes a byte slice by default: one element at a time.
        #[derive(Serialize)]
        struct Elementwise<'a> {
            path: &'a Path,
            key: u128,
            result: &'a [u8],
        }
        let result: Vec<u8> = (0..=255).cycle().take(1000).collect();
        let path = Path::new("src/lib.rs");
        let entry = EntryRef {
            path,
            key: 7,
            result: &result,
        };
        let block = postcard::to_stdvec(&entry).expect("encodes");
        let elementwise = Elementwise {
            path,
            key: 7,
            result: &result,
        };
        assert_eq!(block, postcard::to_stdvec(&elementwise).expect("encodes"));
        let back: Entry<'_> = postcard::from_bytes(&block).expect("decodes");
        assert_eq!(
            (back.path.as_path(), back.key, back.result),
            (path, 7, &result[..])
        );
    }
}
