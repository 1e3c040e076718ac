//! Measuring the stages against labelled data.

pub mod attribution;
pub mod stance;
