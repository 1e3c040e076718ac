//! Batching: sort tokenised sequences by length, cut them into batches,
//! and pad each batch to its own longest sequence.
//!
//! A [`Batch`] is flat: the token ids of all sequences one after another,
//! with cumulative sequence lengths marking where each starts. Backends pad
//! it to the batch's longest sequence as their runtime needs.

use super::tokenize::Tokens;

/// Sequences to run through a model in one forward pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub input_ids: Vec<u32>,
    pub token_type_ids: Vec<u32>,
    /// `cumulative_seq_lengths[i]..cumulative_seq_lengths[i + 1]` is
    /// sequence `i`; the vector starts with 0 and has one entry more than
    /// there are sequences.
    pub cumulative_seq_lengths: Vec<u32>,
    /// Length of the longest sequence.
    pub max_length: u32,
}

impl Batch {
    pub fn new() -> Self {
        Batch {
            cumulative_seq_lengths: vec![0],
            ..Default::default()
        }
    }

    pub fn push(&mut self, ids: &[u32], type_ids: &[u32]) {
        debug_assert_eq!(ids.len(), type_ids.len());
        self.input_ids.extend_from_slice(ids);
        self.token_type_ids.extend_from_slice(type_ids);
        self.cumulative_seq_lengths
            .push(self.input_ids.len() as u32);
        self.max_length = self.max_length.max(ids.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.cumulative_seq_lengths.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Tokens in the batch, without padding.
    pub fn tokens(&self) -> usize {
        self.input_ids.len()
    }

    /// Tokens once padded to the longest sequence.
    pub fn padded_tokens(&self) -> usize {
        self.len() * self.max_length as usize
    }

    /// Padded `[len, max_length]` row-major arrays of ids, type ids and the
    /// attention mask.
    pub fn padded(&self, pad_id: u32) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let (n, m) = (self.len(), self.max_length as usize);
        let mut ids = vec![pad_id; n * m];
        let mut types = vec![0; n * m];
        let mut mask = vec![0; n * m];
        for i in 0..n {
            let (s, e) = (
                self.cumulative_seq_lengths[i] as usize,
                self.cumulative_seq_lengths[i + 1] as usize,
            );
            let row = i * m;
            ids[row..row + e - s].copy_from_slice(&self.input_ids[s..e]);
            types[row..row + e - s].copy_from_slice(&self.token_type_ids[s..e]);
            mask[row..row + e - s].fill(1);
        }
        (ids, types, mask)
    }
}

/// Sort `encodings` by length (so that each batch pads little) and cut
/// them into batches of `batch_size`. Each batch comes with the input
/// positions of its sequences.
pub fn plan(encodings: &[Tokens], batch_size: usize) -> Vec<(Vec<usize>, Batch)> {
    let mut order: Vec<usize> = (0..encodings.len()).collect();
    order.sort_by_key(|&i| encodings[i].len());
    order
        .chunks(batch_size.max(1))
        .map(|idx| {
            let mut b = Batch::new();
            for &i in idx {
                b.push(&encodings[i].ids, &encodings[i].type_ids);
            }
            (idx.to_vec(), b)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_keeps_each_sequence_and_masks_the_rest() {
        let mut b = Batch::new();
        b.push(&[5, 6, 7], &[0, 0, 1]);
        b.push(&[8], &[0]);
        assert_eq!(b.len(), 2);
        assert_eq!(b.padded_tokens(), 6);
        let (ids, types, mask) = b.padded(0);
        assert_eq!(ids, vec![5, 6, 7, 8, 0, 0]);
        assert_eq!(types, vec![0, 0, 1, 0, 0, 0]);
        assert_eq!(mask, vec![1, 1, 1, 1, 0, 0]);
    }
}
