//! One module per subcommand, each with its usage text at the top, and
//! [`args`], the options they share.

pub mod args;
pub mod bench;
pub mod eval;
pub mod eval_attribution;
pub mod merge;
pub mod negate;
pub mod report;
pub mod run;
pub mod train;
mod train_cross;
mod train_setfit;
mod train_tune;
