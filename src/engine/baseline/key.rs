//! The identity of a finding across edits: its package, path, owning item, rule and
//! a hash of the normalized code of the site. Never a line or a column, so inserting
//! lines above a site, moving a function within its file or reformatting the file
//! with rustfmt leaves every identity as it was.

use crate::api::RuleId;

/// What a finding is, whatever line it is on. Ordered as baseline files list entries.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The package of the file (empty when the file belongs to none).
    pub package: String,
    /// The file, relative to the workspace root, `/`-separated.
    pub path: String,
    /// The owning item (`my_crate::users::Store::insert`), empty outside any item.
    pub item: String,
    pub rule: RuleId,
    /// 16 hex digits: the xxh3 hash of the site's code, normalized (see
    /// [`super::fingerprint::normalize`]).
    pub code: String,
}

impl Key {
    /// One hash of the whole key, 16 hex digits.
    pub fn hash(&self) -> String {
        let text = [
            self.rule.as_str(),
            &self.package,
            &self.path,
            &self.item,
            &self.code,
        ]
        .join("\0");
        hex(xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
    }
}

/// A hash as 16 hex digits.
pub fn hex(hash: u64) -> String {
    format!("{hash:016x}")
}
