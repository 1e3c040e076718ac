//! One module per subcommand, each with its usage text at the top.

pub mod bench;
pub mod eval;
pub mod eval_attribution;
pub mod run;
pub mod train;

use anyhow::{Context, Result};

/// Write a file whole or not at all: to a temporary name beside it, then
/// rename.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))
}
