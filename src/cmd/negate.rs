//! `stance negate`: each claim and its negation, as CSV on standard output.
//!
//! ```text
//! stance negate [CLAIM]... [--tokenizer FILE]
//! ```
//!
//! Without CLAIMs, reads one claim per line from standard input (blank
//! lines skipped). Columns: `claim`, `negated` (by grammar where the claim
//! allows it, else by template), `how` (`grammar` or `template`) and
//! `template` (the template's negation, always), so that the two can be
//! compared. The training scripts call it for their negated claims, so that
//! the negation is written once (`stance::score::negate`). The word list
//! that checks base forms is the bundled model's tokenizer, or
//! `--tokenizer`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use stance::score::negate::{by_template, Negator};

#[derive(Debug, Args)]
pub struct NegateArgs {
    /// Claims to negate; none: one per line from standard input.
    #[arg(value_name = "CLAIM")]
    pub claims: Vec<String>,
    /// A tokenizer.json whose whole words are the word list [default: the
    /// bundled model's].
    #[arg(long, value_name = "FILE")]
    pub tokenizer: Option<PathBuf>,
}

pub fn main(args: NegateArgs) -> Result<()> {
    let negator = match &args.tokenizer {
        Some(p) => Negator::from_tokenizer(p)?,
        None => Negator::bundled()?,
    };
    let claims: Vec<String> = if args.claims.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<std::io::Result<Vec<_>>>()
            .context("standard input: cannot read the claims")?
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect()
    } else {
        args.claims
    };
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record(["claim", "negated", "how", "template"])?;
    for c in &claims {
        let c = c.trim();
        let (negated, how) = negator.negate(c);
        w.write_record([c, negated.as_str(), how.as_str(), by_template(c).as_str()])?;
    }
    w.flush()?;
    Ok(())
}
