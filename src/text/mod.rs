//! Text primitives that every stage shares: what counts as white space,
//! and the reporting verbs ([`verbs`]).

pub mod verbs;

/// White space, including the byte-order mark and no-break spaces.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}'
}
