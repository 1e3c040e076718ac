//! The `stance` command line. Each subcommand lives in `src/cmd/`.

mod cmd;

use clap::{Parser, Subcommand};

/// Find who said each sentence of a news article and score its stance
/// toward a claim with a transformer.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about, long_about = None)]
struct Cli {
    /// Log more (-v: info, -vv: debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score articles and write sentences.csv, per-speaker CSVs and summary.csv.
    Run(cmd::run::RunArgs),
    /// Combine the output folders of a sharded run (`run --shard K/N`).
    Merge(cmd::merge::MergeArgs),
    /// Build the HTML report (report.html) of an output folder.
    Report(cmd::report::ReportArgs),
    /// Measure speaker attribution against PolNeAR's annotations.
    EvalAttribution(cmd::eval_attribution::EvalAttributionArgs),
    /// Measure throughput: pairs/s, tokens/s, batch latency, peak memory.
    Bench(cmd::bench::BenchArgs),
    /// Measure a model on labelled data: accuracy, F1, F_avg, confusion.
    Eval(cmd::eval::EvalArgs),
    /// Fit a stance head on labelled sentences and write a model folder.
    Train(cmd::train::TrainArgs),
    /// Negate claims (by grammar where they allow, else by template), as CSV.
    Negate(cmd::negate::NegateArgs),
}

impl Command {
    /// The model options of a command that loads a model.
    fn model(&self) -> Option<&cmd::args::ModelArgs> {
        match self {
            Command::Run(a) => Some(&a.model),
            Command::Bench(a) => Some(&a.model),
            Command::Eval(a) => Some(&a.model),
            Command::Train(a) => Some(&a.model),
            Command::EvalAttribution(_)
            | Command::Merge(_)
            | Command::Report(_)
            | Command::Negate(_) => None,
        }
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Each forward pass uses --intra-threads threads (default 1), set
    // before any thread starts.
    stance::score::pin_layer_threads(cli.command.model().map_or(1, |m| m.intra_threads));
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STANCE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Run(a) => cmd::run::main(a),
        Command::Merge(a) => cmd::merge::main(a),
        Command::Report(a) => cmd::report::main(a),
        Command::EvalAttribution(a) => cmd::eval_attribution::main(a),
        Command::Bench(a) => cmd::bench::main(a),
        Command::Eval(a) => cmd::eval::main(a),
        Command::Train(a) => cmd::train::main(a),
        Command::Negate(a) => cmd::negate::main(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stance: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
