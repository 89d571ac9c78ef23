//! Command-line interface (clap). Each subcommand lives in its own file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::reference::{Folder, ReferenceData};
use crate::stages::Stage;

pub mod entities;
pub mod eval;
pub mod io;
pub mod report;
pub mod run;
pub mod sentiment;
pub mod status;

/// newstone — news articles in, company-by-date sentiment tables out.
#[derive(Debug, Parser)]
#[command(
    name = "newstone",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  \
    newstone run pipelines/default.toml\n  \
    newstone status pipelines/default.toml\n  \
    echo '{\"id\": 1, \"text\": \"Airbus shares rose after strong deliveries.\"}' | newstone sentiment\n\n\
    `newstone COMMAND --help` shows each command's options and examples."
)]
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
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

/// Help for the paths of `run` and `status`.
const PATHS_NOTE: &str =
    "Paths inside the pipeline file are relative to the pipeline file's folder; \
--input and --out are relative to the working folder.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a pipeline: only the stages that are not up to date, unless told otherwise.
    #[command(after_help = format!("{PATHS_NOTE}\n\n\
Exit codes: 0 ok; 1 error (one line on stderr); 2 command-line mistake; \
3 the run produced no articles (every record rejected or a duplicate).\n\n\
Examples:\n  \
newstone run pipelines/default.toml\n  \
newstone run pipelines/default.toml --input 'feeds/*.xml' --out out/feeds\n  \
newstone run pipelines/default.toml --from sentiment\n  \
newstone run pipelines/default.toml --dates 2022-03-01..2022-03-31"))]
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
        #[arg(long, value_enum, conflicts_with = "from", value_name = "STAGE")]
        stage: Option<Stage>,
        /// Run this stage and every stage after it.
        #[arg(long, value_enum, value_name = "STAGE")]
        from: Option<Stage>,
        /// Run every stage even if up to date.
        #[arg(long)]
        force: bool,
        /// Backfill: compute the articles of these days again from the entities stage on
        /// (after a gazetteer or lexicon change), rewriting only their partitions; the other
        /// days keep their rows. FROM..TO, both included (YYYY-MM-DD), or one day.
        #[arg(long, value_name = "FROM..TO", conflicts_with_all = ["stage", "from", "force"])]
        dates: Option<String>,
    },
    /// Show each stage's state (up to date, stale or missing) without running anything.
    #[command(after_help = format!("{PATHS_NOTE} Give the same --input and --out as the run \
you want to inspect.\n\n\
Examples:\n  \
newstone status pipelines/default.toml\n  \
newstone status pipelines/default.toml --input 'feeds/*.xml' --out out/feeds"))]
    Status {
        /// Pipeline file (TOML), e.g. pipelines/default.toml.
        pipeline: PathBuf,
        /// The inputs the run was given with --input (repeatable).
        #[arg(long = "input", value_name = "PATH_OR_GLOB")]
        inputs: Vec<String>,
        /// The output folder the run was given with --out.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Find entities in JSONL texts: {"id","text","lang"?} in, {"id","entities":[…]} out.
    #[command(after_help = "Examples:\n  \
echo '{\"id\": 1, \"text\": \"TotalEnergies et Airbus ouvrent une usine à Toulouse.\"}' | newstone entities\n  \
newstone entities --input texts.jsonl --output found.jsonl --gazetteer my-gazetteer/")]
    Entities {
        /// JSONL input file, or - for standard input.
        #[arg(long, default_value = "-", value_name = "FILE")]
        input: String,
        /// JSONL output file, or - for standard output.
        #[arg(long, default_value = "-", value_name = "FILE")]
        output: String,
        /// Gazetteer folder replacing the built-in one.
        #[arg(long, value_name = "DIR")]
        gazetteer: Option<PathBuf>,
    },
    /// Targeted sentiment of JSONL texts: {"id","text","lang"?,"targets"?} in.
    #[command(
        after_help = "Without `targets`, the targets are the companies found in the text.\n\n\
Examples:\n  \
echo '{\"id\": 1, \"text\": \"Airbus shares rose while Boeing slumped.\"}' | newstone sentiment\n  \
echo '{\"id\": 2, \"text\": \"Oracle beat estimates.\", \"targets\": [{\"text\": \"Oracle\"}]}' | newstone sentiment\n  \
newstone sentiment --input texts.jsonl --output scored.jsonl"
    )]
    Sentiment {
        /// JSONL input file, or - for standard input.
        #[arg(long, default_value = "-", value_name = "FILE")]
        input: String,
        /// JSONL output file, or - for standard output.
        #[arg(long, default_value = "-", value_name = "FILE")]
        output: String,
        /// Gazetteer folder replacing the built-in one.
        #[arg(long, value_name = "DIR")]
        gazetteer: Option<PathBuf>,
        /// Lexicons folder replacing the built-in ones (learned weights, if any, are
        /// read from the `models` folder beside it).
        #[arg(long, value_name = "DIR")]
        lexicons: Option<PathBuf>,
    },
    /// Measure the model: on the labelled sets in DIR, or on your own set with --file.
    #[command(
        after_help = "--file takes a CSV file with a header row, or JSON lines, with \
`text` and `label` (positive, negative or neutral) and optionally `target` (score the \
sentiment toward this name in the text; without it, the whole text) and `lang` (en or fr). \
It prints n, accuracy, macro-F1 and the confusion matrix.\n\n\
Examples:\n  \
newstone eval                              # the sets in ../shared/eval\n  \
newstone eval --file my-headlines.csv\n  \
newstone eval --file my-headlines.jsonl --errors wrong.jsonl"
    )]
    Eval {
        /// Folder holding the labelled sets (sentfin/, fpb/, newsmtsc/, books-fr/,
        /// lemonde-companies/, semeval2017/); default ../shared/eval.
        #[arg(value_name = "DIR", conflicts_with = "file")]
        dir: Option<PathBuf>,
        /// Your own labelled set (.csv or .jsonl) instead of the sets in DIR.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Gazetteer folder replacing the built-in one.
        #[arg(long, value_name = "DIR")]
        gazetteer: Option<PathBuf>,
        /// Lexicons folder replacing the built-in ones.
        #[arg(long, value_name = "DIR")]
        lexicons: Option<PathBuf>,
        /// Write the errors as JSON lines to FILE (with --file: every wrongly labelled
        /// item; otherwise the company sets' missed gold companies and false positives).
        #[arg(long, value_name = "FILE")]
        errors: Option<PathBuf>,
    },
    /// Write one self-contained HTML report (no network needed to view it) of a run's
    /// output folder: summary, top companies, movers, one section per company.
    #[command(
        after_help = "The folder must hold a complete run (its _SUCCESS marker); the \
tables may be single files or partitioned folders. Timestamps are shown in the time zone \
the run recorded (or --timezone).\n\n\
Examples:\n  \
newstone report ../out/default\n  \
newstone report ../out/lemonde --lang fr --output lemonde.html\n  \
newstone report ../out/lemonde --as-of 2022-10-31"
    )]
    Report {
        /// The run's output folder (the pipeline's `out`).
        #[arg(value_name = "OUT_DIR")]
        out: PathBuf,
        /// The HTML file to write (default: OUT_DIR/report.html).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Language of the labels.
        #[arg(long, value_enum, default_value = "en")]
        lang: crate::report::Lang,
        /// IANA time zone for timestamps (default: the one the run recorded; UTC if none).
        #[arg(long, value_name = "TZ")]
        timezone: Option<String>,
        /// How many companies get a section (the top ones by articles, plus the buzz and
        /// movers companies).
        #[arg(long, default_value_t = crate::report::DEFAULT_COMPANIES, value_name = "N")]
        companies: usize,
        /// Report on a folder without _SUCCESS (its tables may come from two runs).
        #[arg(long)]
        allow_incomplete: bool,
        /// Last day of the buzz and movers windows, YYYY-MM-DD (default: the last day
        /// of the data).
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        as_of: Option<i32>,
    },
}

/// A `YYYY-MM-DD` day as days since 1970-01-01.
fn parse_day(s: &str) -> Result<i32, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(crate::report::load::days_since_epoch)
        .map_err(|_| format!("{s:?} is not a day as YYYY-MM-DD"))
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

/// The reference data of `--gazetteer` and `--lexicons` (built-in when absent).
fn reference(gazetteer: Option<PathBuf>, lexicons: Option<PathBuf>) -> ReferenceData {
    ReferenceData::new(
        Folder::from_option(gazetteer.as_deref()),
        None,
        Folder::from_option(lexicons.as_deref()),
    )
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
            dates,
        } => run::run(
            &pipeline,
            inputs,
            out,
            run::Choice {
                stage,
                from,
                force,
                dates,
            },
            cli.quiet,
        ),
        Command::Status {
            pipeline,
            inputs,
            out,
        } => status::status(&pipeline, inputs, out),
        Command::Entities {
            input,
            output,
            gazetteer,
        } => entities::entities(&input, &output, &reference(gazetteer, None)),
        Command::Sentiment {
            input,
            output,
            gazetteer,
            lexicons,
        } => sentiment::sentiment(&input, &output, &reference(gazetteer, lexicons)),
        Command::Report {
            out,
            output,
            lang,
            timezone,
            companies,
            allow_incomplete,
            as_of,
        } => report::report(
            &out,
            output,
            &crate::report::Options {
                lang,
                timezone,
                companies,
                allow_incomplete,
                as_of,
            },
        ),
        Command::Eval {
            dir,
            file,
            gazetteer,
            lexicons,
            errors,
        } => {
            let data = reference(gazetteer, lexicons);
            match file {
                Some(file) => eval::eval_file(&file, &data, errors.as_deref()),
                None => eval::eval(
                    &dir.unwrap_or_else(|| PathBuf::from(eval::DEFAULT_DIR)),
                    &data,
                    errors.as_deref(),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_option_has_help_and_every_command_an_example() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        for arg in cli.get_arguments() {
            assert!(
                arg.get_help().is_some(),
                "global {:?} has no help",
                arg.get_id()
            );
        }
        for sub in cli.get_subcommands() {
            let name = sub.get_name();
            assert!(sub.get_about().is_some(), "{name} has no description");
            let after = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                after.contains("Examples:") && after.contains(&format!("newstone {name}")),
                "{name} --help shows no example"
            );
            for arg in sub.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "{name} {:?} has no help",
                    arg.get_id()
                );
            }
        }
    }

    #[test]
    fn status_takes_the_same_overrides_as_run() {
        let cli = Cli::try_parse_from([
            "newstone", "status", "p.toml", "--input", "a/*.xml", "--input", "b.jsonl", "--out",
            "o",
        ])
        .unwrap();
        match cli.command {
            Command::Status { inputs, out, .. } => {
                assert_eq!(inputs, ["a/*.xml", "b.jsonl"]);
                assert_eq!(out, Some(PathBuf::from("o")));
            }
            other => panic!("parsed as {other:?}"),
        }
        // --file and a folder of sets exclude each other.
        assert!(Cli::try_parse_from(["newstone", "eval", "sets", "--file", "x.csv"]).is_err());
    }
}
