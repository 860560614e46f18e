//! Clippy's lints that correspond to our site rules: a team that allows or expects
//! one of them has decided about the sites it covers (contract, fine print).
//!
//! A site carries the set of lints ([`Lints`]) whose `#[allow]`/`#[expect]`
//! justifies it; its rule chooses them (`todo!` is `clippy::todo`, a range slice is
//! also `clippy::string_slice`).

use serde::{Deserialize, Serialize};

/// One Clippy lint that justifies some of our sites. Groups (`clippy::all`,
/// `clippy::restriction`) are not lints and justify nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClippyLint {
    UnwrapUsed,
    ExpectUsed,
    IndexingSlicing,
    StringSlice,
    Panic,
    Todo,
    Unimplemented,
    Unreachable,
    ArithmeticSideEffects,
    IntegerDivision,
    IntegerDivisionRemainderUsed,
}

impl ClippyLint {
    const ALL: [ClippyLint; 11] = [
        ClippyLint::UnwrapUsed,
        ClippyLint::ExpectUsed,
        ClippyLint::IndexingSlicing,
        ClippyLint::StringSlice,
        ClippyLint::Panic,
        ClippyLint::Todo,
        ClippyLint::Unimplemented,
        ClippyLint::Unreachable,
        ClippyLint::ArithmeticSideEffects,
        ClippyLint::IntegerDivision,
        ClippyLint::IntegerDivisionRemainderUsed,
    ];

    /// The lint's name after `clippy::`.
    pub fn name(self) -> &'static str {
        match self {
            ClippyLint::UnwrapUsed => "unwrap_used",
            ClippyLint::ExpectUsed => "expect_used",
            ClippyLint::IndexingSlicing => "indexing_slicing",
            ClippyLint::StringSlice => "string_slice",
            ClippyLint::Panic => "panic",
            ClippyLint::Todo => "todo",
            ClippyLint::Unimplemented => "unimplemented",
            ClippyLint::Unreachable => "unreachable",
            ClippyLint::ArithmeticSideEffects => "arithmetic_side_effects",
            ClippyLint::IntegerDivision => "integer_division",
            ClippyLint::IntegerDivisionRemainderUsed => "integer_division_remainder_used",
        }
    }

    /// The lint named `name` (after `clippy::`), if it is one of ours.
    pub fn parse(name: &str) -> Option<ClippyLint> {
        ClippyLint::ALL.into_iter().find(|l| l.name() == name)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of [`ClippyLint`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lints(u16);

impl Lints {
    pub const NONE: Lints = Lints(0);

    pub fn of(lints: &[ClippyLint]) -> Lints {
        Lints(lints.iter().fold(0, |set, l| set | l.bit()))
    }

    pub fn with(self, lint: ClippyLint) -> Lints {
        Lints(self.0 | lint.bit())
    }

    pub fn union(self, other: Lints) -> Lints {
        Lints(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the two sets share a lint.
    pub fn meets(self, other: Lints) -> bool {
        self.0 & other.0 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_meet() {
        for lint in ClippyLint::ALL {
            assert_eq!(ClippyLint::parse(lint.name()), Some(lint));
        }
        assert_eq!(ClippyLint::parse("all"), None);
        let unwrap = Lints::of(&[ClippyLint::UnwrapUsed]);
        assert!(unwrap.meets(Lints::NONE.with(ClippyLint::UnwrapUsed)));
        assert!(!unwrap.meets(Lints::of(&[ClippyLint::ExpectUsed])));
        assert!(Lints::NONE.is_empty());
    }
}
