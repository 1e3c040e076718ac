//! Speaker phrases: finding the noun phrase that goes with a reporting verb,
//! and folding its surface form into a canonical speaker name. One file
//! per kind of phrase:
//!
//! - `left.rs`: the phrase before the verb (`Putin himself acknowledged`),
//!   with its appositives, dashes and parentheses;
//! - `right.rs`: the phrase after an inverted verb (`said Sen. Lopez`);
//! - `subject.rs`: the sentence's own subject;
//! - `counts.rs`: counted groups (`6 in 10 voters`) and where a subject
//!   may open;
//! - `words.rs`: words that are no speaker;
//! - `names.rs`: canonical names ([`NameBook`]) and salience for pronouns.

use std::collections::HashMap;

use super::lexicon::{self, Gender, PronounKind};
use super::tokens::{Tok, TokKind};

mod counts;
mod left;
mod names;
mod right;
mod subject;
mod words;

pub(super) use counts::*;
pub use left::*;
pub use names::*;
pub use right::*;
pub use subject::*;
pub(super) use words::*;

/// A noun phrase: token indices, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Np {
    pub first: usize,
    pub last: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Person,
    Organisation,
    Group,
}

/// A resolved speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    /// A person's gender, when a given name or an honorific states it.
    pub gender: Option<Gender>,
}

pub(super) fn frame_word<'a>(toks: &'a [Tok], i: usize) -> Option<&'a Tok<'a>> {
    toks.get(i).filter(|t| t.is_frame_word())
}

/// A capitalised word outside quotation marks that can be part of a name:
/// no function word or pronoun.
pub(in crate::attribute) fn is_name_word(t: &Tok) -> bool {
    t.is_frame_word()
        && t.is_capitalised()
        && !lexicon::is_function_word(t.text)
        && lexicon::pronoun_kind(t.text).is_none()
}
