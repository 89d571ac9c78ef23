//! `newstone run PIPELINE.toml [--input …] [--out DIR] [--stage S | --from S] [--force]`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::config::{InputSpec, Pipeline};
use crate::pipeline::{self, Selection};
use crate::stages::{Context, Stage};

/// Loads the pipeline file and applies the command-line overrides.
pub fn load(pipeline: &Path, inputs: Vec<String>, out: Option<PathBuf>) -> Result<Pipeline> {
    let mut p = Pipeline::load(pipeline)?;
    if !inputs.is_empty() {
        p.inputs = inputs
            .into_iter()
            .map(|path| InputSpec {
                path,
                format: "auto".into(),
                source: None,
                fields: Default::default(),
                lang: None,
                base: None,
            })
            .collect();
    }
    if let Some(out) = out {
        p.out = out;
    }
    Ok(p)
}

/// Which stages `run` computes: the options `--stage`, `--from`, `--force`, `--dates`.
#[derive(Debug, Default)]
pub struct Choice {
    pub stage: Option<Stage>,
    pub from: Option<Stage>,
    pub force: bool,
    pub dates: Option<String>,
}

/// Parses `FROM..TO` (or one day) into days since 1970-01-01.
pub fn parse_dates(s: &str) -> Result<(i32, i32)> {
    let day = |d: &str| -> Result<i32> {
        let d = chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
            anyhow::anyhow!("--dates: {d:?} is not a date: write YYYY-MM-DD..YYYY-MM-DD, e.g. 2022-03-01..2022-03-31")
        })?;
        Ok(crate::stages::normalize::epoch_days(d))
    };
    let (from, to) = match s.split_once("..") {
        Some((a, b)) => (day(a)?, day(b)?),
        None => (day(s)?, day(s)?),
    };
    if from > to {
        anyhow::bail!("--dates {s}: the first day comes after the last; write FROM..TO");
    }
    Ok((from, to))
}

pub fn run(
    pipeline: &Path,
    inputs: Vec<String>,
    out: Option<PathBuf>,
    choice: Choice,
    quiet: bool,
) -> Result<ExitCode> {
    let Choice {
        stage,
        from,
        force,
        dates,
    } = choice;
    let backfill = dates.as_deref().map(parse_dates).transpose()?;
    let p = load(pipeline, inputs, out)?;
    let reference = crate::stages::reference_data(&p);
    let mut ctx = Context::new(&p, &reference, !quiet && std::io::stderr().is_terminal());
    ctx.backfill = backfill;
    if let Some((from, to)) = backfill {
        if !ctx
            .stage_dir(Stage::Sentiment)
            .join("manifest.json")
            .exists()
        {
            anyhow::bail!(
                "--dates needs a completed run in {}: run the pipeline once without --dates first",
                p.out.display()
            );
        }
        tracing::info!(
            "backfill: the articles of {} days are computed again from the entities stage on",
            to - from + 1
        );
    }
    let selection = match (stage, from, force) {
        (Some(s), _, _) => Selection::Only(s),
        (None, Some(f), _) => Selection::From(f),
        (None, None, true) => Selection::All,
        (None, None, false) => Selection::Stale,
    };
    tracing::info!(
        "pipeline {:?} → {} ({} threads)",
        p.name,
        p.out.display(),
        rayon::current_num_threads()
    );
    pipeline::run(&ctx, selection)?;
    Ok(outcome(&ctx))
}

/// Exit code of `run` when the stages ran (or were up to date) but the output holds no
/// article: every record was rejected or a duplicate. Schedulers can tell it from 0 (ok)
/// and 1 (error).
pub const EXIT_NO_ARTICLES: u8 = 3;

/// [`EXIT_NO_ARTICLES`], with a warning saying where the reasons are, when the normalize
/// stage kept no article; success otherwise.
fn outcome(ctx: &Context) -> ExitCode {
    let read = |s: Stage| crate::artefact::Manifest::read(&ctx.stage_dir(s));
    match read(Stage::Normalize) {
        Some(n) if n.rows_out == 0 => {
            let rows_in = read(Stage::Ingest).map_or(n.rows_in, |i| i.rows_in);
            tracing::warn!(
                "the run produced no articles: all {rows_in} input records were rejected or duplicates; the reasons are in {} (exit code {EXIT_NO_ARTICLES})",
                ctx.pipeline
                    .out
                    .join(if ctx.pipeline.export.csv { "rejects.csv" } else { "rejects.parquet" })
                    .display()
            );
            ExitCode::from(EXIT_NO_ARTICLES)
        }
        _ => ExitCode::SUCCESS,
    }
}
