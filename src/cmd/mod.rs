//! One module per subcommand, each with its usage text at the top.

pub mod bench;
pub mod eval;
pub mod eval_attribution;
pub mod run;
