//! `stance`: find who said each sentence of a news article and score its
//! stance toward a claim with a transformer.
//!
//! The pipeline runs in five stages, one module each:
//!
//! 1. [`ingest`]: read articles into [`ingest::Document`]s;
//! 2. [`segment`]: split them into paragraphs and sentences;
//! 3. [`attribute`]: find the speaker of each sentence;
//! 4. [`score`]: score each (sentence, target) pair with a stance or NLI
//!    model behind the [`score::Backend`] trait;
//! 5. [`report`]: write `sentences.csv`, one CSV per speaker and
//!    `summary.csv`.
//!
//! [`pipeline`] ties the stages together. Beside them: [`text`] (white
//! space and the reporting verbs, shared by segment and attribute),
//! [`atomic`] (every write is whole or not at all), [`stats`] (bootstrap
//! intervals), [`progress`] (how a long run shows it is alive),
//! [`manifest`] (what a run was: inputs, settings, model) and [`eval`] (the measurements behind `stance eval` and
//! `stance eval-attribution`).

pub mod atomic;
pub mod attribute;
pub mod eval;
pub mod ingest;
pub mod manifest;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod score;
pub mod segment;
pub mod stats;
pub mod text;
