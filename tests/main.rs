//! The integration tests: one crate (one binary to build and link), with a
//! module per command and one per shared concern.
//!
//! - `run`, `eval`, `train`, `bench`: each subcommand end to end;
//! - `archives`: `run` over JSON lines, CSV, compression, folders, bad
//!   records and duplicate ids;
//! - `attribution`: segmentation and attribution (the founding article,
//!   PolNeAR dev, inputs that must not panic) and `eval-attribution`;
//! - `default_model`: the bundled model through `stance run`;
//! - `golden`: the founding article's tables against the goldens (numbers
//!   within a tolerance: `common/golden.rs`);
//! - `hub`: a model given as a hub id, from a local mirror of the cache;
//! - `negate`: `stance negate`, claims and their negations;
//! - `parity`: candle against the PyTorch reference;
//! - `relevance`: the cascade's gate reading each sentence's document;
//! - `report`: the HTML page (`run --html`, `stance report`);
//! - `datasets`: the bundled labelled data;
//! - `docs`: every relative link in the Markdown files resolves; the README
//!   stays short.
//!
//! ONNX Runtime's tests are in `optional.rs`, a harness that can show a
//! missing dependency as `ignored`.

mod common;

mod archives;
mod attribution;
mod bench;
mod datasets;
mod default_model;
mod docs;
mod eval;
mod golden;
mod hub;
mod library;
mod negate;
mod parity;
mod relevance;
mod report;
mod run;
mod train;
