//! The six stages. Each has one entry point `run(&Context, …) -> Result<Manifest>` that
//! reads the previous stage's artefacts and writes its own under `<out>/_stages/<stage>/`.

use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::Pipeline;
use crate::reference::ReferenceData;

pub mod aggregate;
pub mod batch;
pub mod chunks;
pub mod entities;
pub mod export;
pub mod ingest;
pub mod normalize;
pub mod sentiment;

/// The stages in run order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Stage {
    Ingest,
    Normalize,
    Entities,
    Sentiment,
    Aggregate,
    Export,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Ingest,
        Stage::Normalize,
        Stage::Entities,
        Stage::Sentiment,
        Stage::Aggregate,
        Stage::Export,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Stage::Ingest => "ingest",
            Stage::Normalize => "normalize",
            Stage::Entities => "entities",
            Stage::Sentiment => "sentiment",
            Stage::Aggregate => "aggregate",
            Stage::Export => "export",
        }
    }
    /// Stages whose artefacts this one reads.
    pub fn upstream(self) -> &'static [Stage] {
        match self {
            Stage::Ingest => &[],
            Stage::Normalize => &[Stage::Ingest],
            Stage::Entities => &[Stage::Normalize],
            Stage::Sentiment => &[Stage::Normalize, Stage::Entities],
            Stage::Aggregate => &[Stage::Sentiment],
            Stage::Export => &[
                Stage::Ingest,
                Stage::Normalize,
                Stage::Entities,
                Stage::Sentiment,
                Stage::Aggregate,
            ],
        }
    }
}

/// What every stage needs to know about the run.
pub struct Context<'a> {
    pub pipeline: &'a Pipeline,
    /// The gazetteer and sentiment data the pipeline names (built-in by default).
    pub reference: &'a ReferenceData,
    /// `<out>/_stages`.
    pub stages_dir: PathBuf,
    /// Draw progress bars (only on a terminal).
    pub progress: bool,
    /// This run's id: its start time (UTC) and process id, e.g. `20260102T030405.678Z-4242`.
    /// `_SUCCESS` and `_runs.jsonl` name the run with it.
    pub run_id: String,
    /// A backfill (`run --dates FROM..TO`): the first and last day (since 1970-01-01) whose
    /// articles are computed again from the entities stage on.
    pub backfill: Option<(i32, i32)>,
}

impl<'a> Context<'a> {
    /// The context of a run of `pipeline` with `reference` (see [`reference_data`]).
    pub fn new(pipeline: &'a Pipeline, reference: &'a ReferenceData, progress: bool) -> Self {
        Context {
            pipeline,
            reference,
            stages_dir: pipeline.stages_dir(),
            progress,
            run_id: format!(
                "{}-{}",
                chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
                std::process::id()
            ),
            backfill: None,
        }
    }

    /// Folder of a completed stage's artefacts.
    pub fn stage_dir(&self, stage: Stage) -> PathBuf {
        self.stages_dir.join(stage.name())
    }

    /// A progress bar over `len` units, hidden when stderr is not a terminal.
    pub fn bar(&self, stage: Stage, len: u64, unit: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if !self.progress {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let template = format!(
            "{{prefix:>10}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{elapsed_precise}} ETA {{eta}}"
        );
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage.name());
        bar
    }
}

/// The reference data a pipeline names: its folders, else the built-in files.
pub fn reference_data(p: &Pipeline) -> ReferenceData {
    use crate::reference::Folder;
    ReferenceData::new(
        Folder::from_option(p.entities.gazetteer.as_deref()),
        p.entities.extra_companies.clone(),
        Folder::from_option(p.sentiment.lexicons.as_deref()),
    )
}

/// Seconds since `t`, rounded for manifests and logs.
pub fn secs(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}

/// Lists `table-00000.parquet`, `table-00001.parquet`… in a stage folder, in order.
pub fn list_parts(dir: &std::path::Path, table: &str) -> anyhow::Result<Vec<PathBuf>> {
    let prefix = format!("{table}-");
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot read stage artefacts in {} ({e}); run the previous stages first",
                dir.display()
            )
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".parquet"))
        })
        .collect();
    parts.sort();
    Ok(parts)
}

/// Runs one job at a time on a background thread: a stage hands it the frame building
/// and Parquet writing of part *k* and goes on computing part *k + 1*. At most one part
/// is in flight, so memory stays flat; errors come back on the next `submit` or `finish`.
pub struct PartWriter<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    writing: Option<std::thread::ScopedJoinHandle<'scope, anyhow::Result<()>>>,
    stage: &'static str,
}

impl<'scope, 'env> PartWriter<'scope, 'env> {
    /// A writer for `stage` (named in the error if a job panics).
    pub fn new(scope: &'scope std::thread::Scope<'scope, 'env>, stage: &'static str) -> Self {
        PartWriter {
            scope,
            writing: None,
            stage,
        }
    }

    /// Runs `work` (a stage's loop over its parts) with a writer for `stage`, then
    /// waits for the last job, also after an error of `work`, so the writer's own error
    /// is not lost.
    pub fn run(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        stage: &'static str,
        work: impl FnOnce(&mut Self) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut writer = PartWriter::new(scope, stage);
        let result = work(&mut writer);
        result.and(writer.finish())
    }

    /// Waits for the previous job, then starts `job`.
    pub fn submit(
        &mut self,
        job: impl FnOnce() -> anyhow::Result<()> + Send + 'scope,
    ) -> anyhow::Result<()> {
        self.finish()?;
        self.writing = Some(self.scope.spawn(job));
        Ok(())
    }

    /// Waits for the job in flight, if any, and returns its result. Call it also after
    /// an error so the writer's own error is not lost.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        match self.writing.take() {
            Some(h) => h.join().map_err(|_| {
                anyhow::anyhow!("internal error: writing a {} part panicked", self.stage)
            })?,
            None => Ok(()),
        }
    }
}

/// Reads a stage's input parts one ahead on a background thread: part *k + 1* is decoded
/// while part *k* is processed (the reading was a serial step before each part's
/// parallel work). At most two parts are in memory, so memory stays flat.
pub struct ReadAhead<'scope, 'env, T, F> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    read: F,
    /// Number of parts and the next one to start reading.
    count: usize,
    next: usize,
    reading: Option<std::thread::ScopedJoinHandle<'scope, anyhow::Result<T>>>,
    stage: &'static str,
}

impl<'scope, 'env, T, F> ReadAhead<'scope, 'env, T, F>
where
    T: Send + 'scope,
    F: Fn(usize) -> anyhow::Result<T> + Send + Sync + Copy + 'scope,
{
    /// Starts reading part 0 of `count` with `read(index)`.
    pub fn new(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        stage: &'static str,
        count: usize,
        read: F,
    ) -> Self {
        let mut r = ReadAhead {
            scope,
            read,
            count,
            next: 0,
            reading: None,
            stage,
        };
        r.start_next();
        r
    }

    fn start_next(&mut self) {
        if self.next < self.count {
            let (read, i) = (self.read, self.next);
            self.reading = Some(self.scope.spawn(move || read(i)));
            self.next += 1;
        }
    }
}

impl<'scope, 'env, T, F> Iterator for ReadAhead<'scope, 'env, T, F>
where
    T: Send + 'scope,
    F: Fn(usize) -> anyhow::Result<T> + Send + Sync + Copy + 'scope,
{
    type Item = anyhow::Result<T>;

    /// The next part, once read; the read of the one after it starts at once.
    fn next(&mut self) -> Option<Self::Item> {
        let h = self.reading.take()?;
        let part = h.join().unwrap_or_else(|_| {
            Err(anyhow::anyhow!(
                "internal error: reading a {} input part panicked",
                self.stage
            ))
        });
        if part.is_ok() {
            self.start_next();
        }
        Some(part)
    }
}

#[cfg(test)]
mod read_ahead_tests {
    use super::ReadAhead;

    #[test]
    fn yields_every_part_in_order_then_stops_at_the_first_error() {
        let got: Vec<usize> = std::thread::scope(|s| {
            ReadAhead::new(s, "test", 5, |i| Ok(i * 10))
                .map(|r| r.unwrap_or(usize::MAX))
                .collect()
        });
        assert_eq!(got, [0, 10, 20, 30, 40]);
        let got: Vec<Result<usize, String>> = std::thread::scope(|s| {
            ReadAhead::new(s, "test", 5, |i| {
                if i == 2 {
                    anyhow::bail!("part {i} is damaged")
                }
                Ok(i)
            })
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
        });
        assert_eq!(got, [Ok(0), Ok(1), Err("part 2 is damaged".to_string())]);
        let none = std::thread::scope(|s| ReadAhead::new(s, "test", 0, Ok).count());
        assert_eq!(none, 0);
    }
}
