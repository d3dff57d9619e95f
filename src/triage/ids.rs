//! Typed indices into the compiled rule base's lists, so that a fact, a red
//! flag, a cause and an advice item can never be mistaken for one another.
//! Each is 16 bits; `compile` refuses a rule base with more entries.

use serde::{Deserialize, Serialize};

/// An index into one of the rule base's lists.
pub trait Index: Copy {
    /// The index at position `i` (at most `u16::MAX`, which `compile` checks).
    fn at(i: usize) -> Self;
    /// The position in its list.
    fn index(self) -> usize;
}

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(u16);

        impl $name {
            /// The index at position `i` (at most `u16::MAX`, which
            /// `compile` checks).
            pub fn at(i: usize) -> Self {
                $name(u16::try_from(i).unwrap_or(u16::MAX))
            }
            /// The position in its list.
            pub fn index(self) -> usize {
                usize::from(self.0)
            }
        }

        impl Index for $name {
            fn at(i: usize) -> Self {
                $name::at(i)
            }
            fn index(self) -> usize {
                $name::index(self)
            }
        }

        impl From<$name> for usize {
            fn from(i: $name) -> usize {
                usize::from(i.0)
            }
        }
    };
}

index_type!(
    /// A fact: a finding (asked) or a derived fact (concluded).
    FactId
);
index_type!(
    /// A red flag.
    FlagId
);
index_type!(
    /// A cause.
    CauseId
);
index_type!(
    /// An advice item.
    AdviceId
);
