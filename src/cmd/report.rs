//! `stance report`: (re)build the HTML report of an output folder.
//!
//! ```text
//! stance report DIR
//! ```
//!
//! Reads DIR's tables (CSV or Parquet) and `manifest.json`, and writes
//! `DIR/report.html`: one self-contained page (no network needed to open
//! it) showing who stands where on each claim, with the sentences behind
//! every number. `stance run --html` writes the same page at the end of a
//! run; this rebuilds it for merged shards and older runs.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// An output folder of `stance run` or `stance merge`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn main(args: ReportArgs) -> Result<()> {
    let path = stance::report::html::write(&args.dir)?;
    eprintln!("stance: wrote {}", path.display());
    Ok(())
}
