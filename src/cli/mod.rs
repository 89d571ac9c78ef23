//! Command-line interface (clap). Each subcommand lives in its own file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::stages::Stage;

pub mod entities;
pub mod eval;
pub mod io;
pub mod run;
pub mod sentiment;
pub mod status;

/// newstone — news articles in, company-by-date sentiment tables out.
#[derive(Debug, Parser)]
#[command(name = "newstone", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More log output (-v: debug, -vv: trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only warnings and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a pipeline: only the stages that are not up to date, unless told otherwise.
    Run {
        /// Pipeline file (TOML), e.g. pipelines/default.toml.
        pipeline: PathBuf,
        /// Replace the pipeline's inputs (file, folder or glob; repeatable).
        #[arg(long = "input", value_name = "PATH_OR_GLOB")]
        inputs: Vec<String>,
        /// Replace the pipeline's output folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Run only this stage, from the previous stages' artefacts.
        #[arg(long, value_enum, conflicts_with = "from")]
        stage: Option<Stage>,
        /// Run this stage and every stage after it.
        #[arg(long, value_enum)]
        from: Option<Stage>,
        /// Run every stage even if up to date.
        #[arg(long)]
        force: bool,
    },
    /// Show each stage's state: up to date, stale or missing.
    Status {
        pipeline: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Find entities in JSONL texts: {"id","text","lang"?} in, {"id","entities":[…]} out.
    Entities {
        /// JSONL input file, or - for standard input.
        #[arg(long, default_value = "-")]
        input: String,
        /// JSONL output file, or - for standard output.
        #[arg(long, default_value = "-")]
        output: String,
        #[arg(long, default_value = "data/gazetteer")]
        gazetteer: PathBuf,
    },
    /// Targeted sentiment of JSONL texts: {"id","text","lang"?,"targets"?} in.
    Sentiment {
        #[arg(long, default_value = "-")]
        input: String,
        #[arg(long, default_value = "-")]
        output: String,
        #[arg(long, default_value = "data/gazetteer")]
        gazetteer: PathBuf,
        #[arg(long, default_value = "data/lexicons")]
        lexicons: PathBuf,
    },
    /// Measure the shipped model on the labelled sets in DIR (default ../shared/eval).
    Eval {
        #[arg(default_value = "../shared/eval")]
        dir: PathBuf,
        #[arg(long, default_value = "data/gazetteer")]
        gazetteer: PathBuf,
        #[arg(long, default_value = "data/lexicons")]
        lexicons: PathBuf,
        /// Write the company sets' per-item errors (missed gold companies, false
        /// positives with surface and via) to FILE as JSON lines.
        #[arg(long, value_name = "FILE")]
        errors: Option<PathBuf>,
    },
}

/// Logs go to stderr (stdout is for data in `entities`/`sentiment`).
pub fn init_logging(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match (quiet, verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let filter =
        EnvFilter::try_from_env("NEWSTONE_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// Runs a parsed command; `Err` means exit code 1 with the message.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    match cli.command {
        Command::Run {
            pipeline,
            inputs,
            out,
            stage,
            from,
            force,
        } => run::run(&pipeline, inputs, out, stage, from, force, cli.quiet),
        Command::Status { pipeline, out } => status::status(&pipeline, out),
        Command::Entities {
            input,
            output,
            gazetteer,
        } => entities::entities(&input, &output, &gazetteer),
        Command::Sentiment {
            input,
            output,
            gazetteer,
            lexicons,
        } => sentiment::sentiment(&input, &output, &gazetteer, &lexicons),
        Command::Eval {
            dir,
            gazetteer,
            lexicons,
            errors,
        } => eval::eval(&dir, &gazetteer, &lexicons, errors.as_deref()),
    }
}
