//! The three stances, and a pair's probabilities over them.
//!
//! [`Stance`] is the one place that names favor, against and none and
//! fixes their order; every table, head and metric uses it.

use serde::{Serialize, Serializer};

/// A stance toward a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stance {
    Favor,
    Against,
    None,
}

impl Stance {
    /// Every stance, in the order of [`Stance::index`].
    pub const ALL: [Stance; 3] = [Stance::Favor, Stance::Against, Stance::None];
    /// Their names, in the same order.
    pub const NAMES: [&'static str; 3] = ["favor", "against", "none"];

    /// The lower-case name used in every table.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self.index()]
    }

    /// Position in [`Stance::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stance at `i` of [`Stance::ALL`].
    pub fn from_index(i: usize) -> Option<Stance> {
        Self::ALL.get(i).copied()
    }

    /// Read a stance name exactly as written in our tables (any case).
    pub fn from_name(s: &str) -> Option<Stance> {
        Self::NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(s.trim()))
            .and_then(Self::from_index)
    }
}

impl std::fmt::Display for Stance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Stance {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The three stance probabilities of one pair; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probs {
    pub favor: f32,
    pub against: f32,
    pub none: f32,
}

impl Probs {
    /// A pair ruled off-topic: certainly `none`.
    pub const OFF_TOPIC: Probs = Probs {
        favor: 0.0,
        against: 0.0,
        none: 1.0,
    };

    /// Build from values in [`Stance::ALL`] order.
    pub fn from_array(p: [f32; 3]) -> Self {
        Probs {
            favor: p[0],
            against: p[1],
            none: p[2],
        }
    }

    /// Values in [`Stance::ALL`] order.
    pub fn to_array(self) -> [f32; 3] {
        [self.favor, self.against, self.none]
    }

    /// favor − against.
    pub fn score(&self) -> f32 {
        self.favor - self.against
    }

    /// The most probable stance (ties go to the earlier one).
    pub fn stance(&self) -> Stance {
        if self.favor >= self.against && self.favor >= self.none {
            Stance::Favor
        } else if self.against >= self.none {
            Stance::Against
        } else {
            Stance::None
        }
    }

    /// The most probable stance's name.
    pub fn label(&self) -> &'static str {
        self.stance().as_str()
    }

    /// Index of the most probable stance in [`Stance::ALL`].
    pub fn index(&self) -> usize {
        self.stance().index()
    }
}

/// Softmax of one row of logits.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&x| (x - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_labels_pick_the_largest() {
        let p = softmax(&[1.0, 2.0, 3.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[2] > p[1] && p[1] > p[0]);
        let probs = Probs {
            favor: 0.2,
            against: 0.5,
            none: 0.3,
        };
        assert_eq!(probs.label(), "against");
        assert_eq!(probs.stance(), Stance::Against);
        assert!((probs.score() + 0.3).abs() < 1e-6);
    }

    #[test]
    fn names_and_indices_agree() {
        for (i, s) in Stance::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
            assert_eq!(Stance::from_name(s.as_str()), Some(*s));
            assert_eq!(Stance::from_index(i), Some(*s));
        }
        assert_eq!(Stance::from_name(" FAVOR "), Some(Stance::Favor));
        assert_eq!(Stance::from_name("neutral"), None);
        assert_eq!(Stance::from_index(3), None);
        // Ties go to the earlier stance.
        assert_eq!(Probs::from_array([0.4, 0.4, 0.2]).stance(), Stance::Favor);
        assert_eq!(Probs::OFF_TOPIC.stance(), Stance::None);
    }
}
