//! `stance negate`: each claim and its negation, as CSV on standard output.
//!
//! ```text
//! stance negate [CLAIM]... [--tokenizer FILE] [--every-form]
//! ```
//!
//! Without CLAIMs, reads one claim per line from standard input (blank
//! lines skipped). Columns: `claim`, `negated` (by grammar where the claim
//! allows it, else by template), `how` (`grammar` or `template`) and
//! `template` (the template's negation, always), so that the two can be
//! compared. With `--every-form`, each claim has one row per wording of
//! the template (`stance::score::negate::FORMS`), numbered in a fifth
//! column, `form`: training on negated claims in many wordings. The
//! training scripts call it for their negated claims, so that the
//! negation is written once (`stance::score::negate`). The word list
//! that checks base forms is the bundled model's tokenizer, or
//! `--tokenizer`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use stance::score::negate::{by_form, by_template, Negator, FORMS};

#[derive(Debug, Args)]
pub struct NegateArgs {
    /// Claims to negate; none: one per line from standard input.
    #[arg(value_name = "CLAIM")]
    pub claims: Vec<String>,
    /// A tokenizer.json whose whole words are the word list [default: the
    /// bundled model's].
    #[arg(long, value_name = "FILE")]
    pub tokenizer: Option<PathBuf>,
    /// One row per wording of the template, numbered in a column `form`.
    #[arg(long)]
    pub every_form: bool,
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
    if args.every_form {
        w.write_record(["claim", "negated", "how", "template", "form"])?;
    } else {
        w.write_record(["claim", "negated", "how", "template"])?;
    }
    for c in &claims {
        let c = c.trim();
        let (negated, how) = negator.negate(c);
        if args.every_form {
            for form in 0..FORMS.len() {
                let (template, form) = (by_form(c, form), form.to_string());
                w.write_record([c, &negated, how.as_str(), &template, &form])?;
            }
        } else {
            w.write_record([c, negated.as_str(), how.as_str(), by_template(c).as_str()])?;
        }
    }
    w.flush()?;
    Ok(())
}
