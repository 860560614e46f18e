//! Which findings a team has accepted: the identity of a finding across edits
//! ([`fingerprint`]), which SARIF's fingerprints and the baseline both use.

pub mod fingerprint;
