//! Text to token ids: the hypothesis template, the tokenizer, and
//! tokenising many texts or pairs at once.

use anyhow::{anyhow, bail, Result};
use rayon::prelude::*;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

/// Turn a target claim into a hypothesis. `{}` in the template stands for
/// the target. Where the template puts a period (or `?`, `!`) right after
/// it and the claim already ends in one of the three, the claim's own mark
/// stands and the template's is dropped: `Is it true?` stays `Is it
/// true?` under `{}.`, as the training scripts write it
/// (`models/train/train_stance.py`, `hyp`).
pub fn hypothesis(template: &str, target: &str) -> Result<String> {
    if !template.contains("{}") {
        bail!("the hypothesis template `{template}` has no `{{}}` where the target goes; for example `{{}}.`");
    }
    let target = target.trim();
    let (before, after) = template.split_once("{}").unwrap_or((template, ""));
    let mut rest = after.chars();
    if matches!(rest.next(), Some('.' | '?' | '!')) && target.ends_with(['.', '?', '!']) {
        return Ok(format!("{before}{target}{}", rest.as_str()));
    }
    Ok(format!("{before}{target}{after}"))
}

/// Load `tokenizer.json`, truncating pairs longest-first to `max_tokens`
/// and without padding (batches pad themselves).
pub fn load_tokenizer(path: &std::path::Path, max_tokens: usize) -> Result<Tokenizer> {
    let mut tok = Tokenizer::from_file(path)
        .map_err(|e| anyhow!("{}: cannot load the tokenizer: {e}", path.display()))?;
    tok.with_truncation(Some(TruncationParams {
        max_length: max_tokens,
        strategy: TruncationStrategy::LongestFirst,
        stride: 0,
        direction: TruncationDirection::Right,
    }))
    .map_err(|e| anyhow!("{}: cannot set truncation: {e}", path.display()))?;
    tok.with_padding(None);
    Ok(tok)
}

/// A tokenised text or pair: what a model reads of a tokenizer's
/// `Encoding`. The encoding's token strings, offsets and masks are dropped
/// at once: they take about ten times the room, and a chunk of an archive
/// holds thousands of these while it is scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub ids: Box<[u32]>,
    pub type_ids: Box<[u32]>,
}

impl Tokens {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Tokenise `items` in parallel on the current rayon pool; `input` makes
/// each one's single text or text pair. An error names the text (built
/// only then).
pub fn encode_all<'s, T: Sync, I>(
    tokenizer: &Tokenizer,
    items: &[T],
    input: impl Fn(&T) -> I + Sync,
) -> Result<Vec<Tokens>>
where
    I: Into<tokenizers::EncodeInput<'s>>,
{
    items
        .par_iter()
        .map(|item| {
            let e = tokenizer.encode(input(item), true).map_err(|e| {
                let text = match input(item).into() {
                    tokenizers::EncodeInput::Single(s) => format!("{s:?}"),
                    tokenizers::EncodeInput::Dual(a, _) => format!("{a:?}"),
                };
                anyhow!("cannot tokenise {text}: {e}")
            })?;
            Ok(Tokens {
                ids: e.get_ids().into(),
                type_ids: e.get_type_ids().into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypothesis_template() {
        assert_eq!(
            hypothesis("{}.", "Russia interfered in the 2016 US election").unwrap(),
            "Russia interfered in the 2016 US election."
        );
        assert_eq!(
            hypothesis("{}.", "Taxes should rise.").unwrap(),
            "Taxes should rise."
        );
        // A claim's own question or exclamation mark is kept, not
        // followed by the template's period.
        assert_eq!(
            hypothesis("{}.", "Is the vaccine safe?").unwrap(),
            "Is the vaccine safe?"
        );
        assert_eq!(hypothesis("{}.", "  Ban it now! ").unwrap(), "Ban it now!");
        assert_eq!(
            hypothesis("I think {}. Agreed?", "taxes should rise.").unwrap(),
            "I think taxes should rise. Agreed?"
        );
        assert_eq!(
            hypothesis("This text says that {}.", "taxes should rise").unwrap(),
            "This text says that taxes should rise."
        );
        let err = hypothesis("no slot", "x").unwrap_err().to_string();
        assert!(err.contains("no slot") && err.contains("{}"), "{err}");
        assert!(!err.contains("--"), "a library error names no flag: {err}");
    }
}
