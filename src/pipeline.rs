//! Orchestration: which stages are up to date, which must run, and running them.
//!
//! A stage's fingerprint hashes the code version, its upstream stages' fingerprints,
//! its config section and the data files it reads. A stage is up to date when its
//! manifest holds the fingerprint we would compute now, so changing a lexicon makes
//! `sentiment` stale — and through the chain, `aggregate` and `export` — but nothing
//! before it.

use std::collections::HashMap;

use anyhow::{bail, Result};
use serde_json::json;

use crate::artefact::{Fingerprint, Manifest, CODE_VERSION};
use crate::stages::{self, ingest, Context, Stage};

pub mod runlog;

/// How a stage's artefacts compare with what the pipeline would produce now.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    UpToDate,
    /// Artefacts exist but were made from something else; the reason says what.
    Stale(String),
    /// Artefacts were made from the same things, but their files no longer match the
    /// manifest (a part missing, truncated or changed); the reason names the file.
    Damaged(String),
    Missing,
}

/// A stage with its expected fingerprints and its current state.
#[derive(Debug, Clone)]
pub struct StagePlan {
    pub stage: Stage,
    pub template: Manifest,
    pub state: State,
    pub existing: Option<Manifest>,
}

fn hex(f: &mut Fingerprint) -> String {
    f.hex()
}

/// Computes every stage's expected fingerprint and compares it with its manifest.
pub fn plan(ctx: &Context, inputs: &[ingest::ResolvedInput]) -> Result<Vec<StagePlan>> {
    let p = ctx.pipeline;
    let mut fps: HashMap<Stage, String> = HashMap::new();
    let mut out = Vec::new();
    for stage in Stage::ALL {
        let input_fp = match stage {
            Stage::Ingest => ingest::input_fingerprint(p, inputs)?,
            _ => {
                let mut f = Fingerprint::new();
                for up in stage.upstream() {
                    f.add(up.name(), fps.get(up).map_or("", |s| s.as_str()).as_bytes());
                }
                hex(&mut f)
            }
        };
        let config = match stage {
            Stage::Ingest => json!({"inputs": p.inputs, "ingest": p.ingest}),
            Stage::Normalize => json!({"normalize": p.normalize, "timezone": p.timezone}),
            Stage::Entities => {
                json!({"languages": p.normalize.languages, "exclude": p.entities.exclude})
            }
            Stage::Sentiment => json!({}),
            Stage::Aggregate => json!({"aggregate": p.aggregate}),
            // Not the output folder: its stage artefacts are in it, so another folder is
            // another run already; and a moved folder stays up to date.
            Stage::Export => json!({"export": p.export, "exclude": p.entities.exclude}),
        };
        let config_fp = hex(Fingerprint::new().add_json("config", &config));
        let data_fp = match stage {
            Stage::Entities | Stage::Export => ctx.reference.gazetteer_fingerprint()?,
            Stage::Sentiment => ctx.reference.sentiment_fingerprint()?,
            _ => hex(&mut Fingerprint::new()),
        };
        let fingerprint = hex(Fingerprint::new()
            .add("code", CODE_VERSION.as_bytes())
            .add("stage", stage.name().as_bytes())
            .add("input", input_fp.as_bytes())
            .add("config", config_fp.as_bytes())
            .add("data", data_fp.as_bytes()));
        fps.insert(stage, fingerprint.clone());
        let existing = Manifest::read(&ctx.stage_dir(stage));
        let state = match &existing {
            None => State::Missing,
            Some(m) if m.fingerprint == fingerprint => match damage(ctx, m, stage) {
                None => State::UpToDate,
                Some(why) => State::Damaged(why),
            },
            Some(m) => State::Stale(
                if m.code_version != CODE_VERSION {
                    "made by another version of newstone"
                } else if m.input_fingerprint != input_fp {
                    if stage == Stage::Ingest {
                        "input files changed"
                    } else {
                        "an earlier stage changed"
                    }
                } else if m.config_fingerprint != config_fp {
                    "pipeline settings changed"
                } else if m.data_fingerprint != data_fp {
                    "reference data changed (gazetteer or lexicons)"
                } else {
                    "outputs changed"
                }
                .to_string(),
            ),
        };
        out.push(StagePlan {
            stage,
            template: Manifest {
                stage: stage.name().to_string(),
                code_version: CODE_VERSION.to_string(),
                fingerprint,
                input_fingerprint: input_fp,
                config_fingerprint: config_fp,
                data_fingerprint: data_fp,
                ..Manifest::default()
            },
            state,
            existing,
        });
    }
    Ok(out)
}

/// What is wrong with the files of a stage whose manifest is otherwise current: its
/// parts in the stage folder, and for the export the final tables in the output folder
/// and their `_SUCCESS` marker (missing after a run stopped while publishing).
fn damage(ctx: &Context, m: &Manifest, stage: Stage) -> Option<String> {
    use crate::artefact::check_files;
    check_files(&ctx.stage_dir(stage), &m.files, "part", true)
        .or_else(|| check_files(&ctx.pipeline.out, &m.outputs, "table", false))
        .or_else(|| crate::artefact::marker_mismatch(&ctx.pipeline.out, &m.outputs))
}

/// Which stages to run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selection {
    /// Every stage that is not up to date.
    Stale,
    /// Every stage.
    All,
    /// This stage and all after it.
    From(Stage),
    /// Only this stage, from the existing artefacts of the previous ones.
    Only(Stage),
}

/// Totals of a run, for the final summary, the exit code and the run log.
#[derive(Debug, Default)]
pub struct RunReport {
    pub ran: Vec<Manifest>,
    pub skipped: Vec<Stage>,
    /// The input files compared with the last run that did not fail (once listed).
    pub inputs: Option<runlog::InputCounts>,
}

/// One summary line per stage (rows in/out, rejects, duplicates, seconds).
pub fn summary_line(m: &Manifest) -> String {
    if m.stage == Stage::Export.name() {
        let tables: Vec<String> = m.extra.iter().map(|(k, v)| format!("{k} {v}")).collect();
        return format!(
            "export: wrote {} tables ({}) ({:.2} s)",
            m.extra.len(),
            tables.join(", "),
            m.seconds
        );
    }
    let mut s = format!("{}: {} in → {} out", m.stage, m.rows_in, m.rows_out);
    if m.rejects > 0 {
        s.push_str(&format!(", {} rejects", m.rejects));
    }
    if m.duplicates > 0 {
        s.push_str(&format!(", {} duplicates dropped", m.duplicates));
    }
    for (k, v) in &m.extra {
        s.push_str(&format!(", {k} {v}"));
    }
    s.push_str(&format!(" ({:.2} s)", m.seconds));
    s
}

/// A lock on `<out>/_stages` so two runs never write the same artefacts: an OS file lock
/// (`flock`) on `_stages/.lock`, which the kernel releases when the process ends, however it
/// ends. The file holds the pid of the run, for `status`; it is removed on drop, and a file
/// left behind by a killed run is just reused (nobody holds its lock).
struct RunLock {
    file: std::fs::File,
    path: std::path::PathBuf,
}

/// The lock file in a stages folder.
fn lock_path(stages_dir: &std::path::Path) -> std::path::PathBuf {
    stages_dir.join(".lock")
}

/// True when `file` (open) is still the file at `path`: a run that ends removes the lock file
/// while holding its lock, so a run that locked the removed file must try again.
#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, path: &std::path::Path) -> bool {
    path.exists()
}

impl RunLock {
    fn acquire(stages_dir: &std::path::Path) -> Result<RunLock> {
        use std::io::Write;
        std::fs::create_dir_all(stages_dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", stages_dir.display()))?;
        let path = lock_path(stages_dir);
        // A few tries: each one that fails this way means another run just ended.
        for _ in 0..16 {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| anyhow::anyhow!("cannot create the lock {}: {e}", path.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let pid = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid = pid.trim();
                    let who = if pid.is_empty() {
                        String::new()
                    } else {
                        format!(" (pid {pid})")
                    };
                    bail!(
                        "{} is locked by another newstone run{who}: wait for it to finish, or give this run another output folder",
                        stages_dir.display()
                    );
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    bail!("cannot lock {}: {e}", path.display())
                }
            }
            if !same_file(&file, &path) {
                continue;
            }
            // Replace the pid of whichever run used the file before.
            let written = file
                .set_len(0)
                .and_then(|()| write!(file, "{}", std::process::id()));
            if let Err(e) = written {
                bail!("cannot write the lock {}: {e}", path.display());
            }
            return Ok(RunLock { file, path });
        }
        bail!("cannot take the lock {}", path.display())
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while still locked (see `same_file`); the lock goes with the file handle.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Who holds the run lock of a stages folder, for `status`.
#[derive(Debug, Clone, PartialEq)]
pub enum LockState {
    /// No lock file.
    Free,
    /// A run holds the lock (its pid, when the file says).
    Held(Option<String>),
    /// A lock file that nobody holds: left by a run that was killed; the next run reuses it.
    Leftover(Option<String>),
}

/// Whether a run holds the lock of `stages_dir` (briefly tries a shared lock to find out).
pub fn lock_state(stages_dir: &std::path::Path) -> LockState {
    let path = lock_path(stages_dir);
    let Ok(file) = std::fs::File::open(&path) else {
        return LockState::Free;
    };
    let pid = std::fs::read_to_string(&path)
        .ok()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            LockState::Leftover(pid)
        }
        Err(_) => LockState::Held(pid),
    }
}

/// Runs the selected stages in order, and appends a line to the run log
/// (`<out>/_runs.jsonl`, see [`runlog`]) however the run ends, short of a kill.
pub fn run(ctx: &Context, selection: Selection) -> Result<RunReport> {
    let started = chrono::Utc::now();
    let mut report = RunReport::default();
    let result = run_locked(ctx, selection, &mut report);
    let record = run_record(ctx, started, &report, result.as_ref().err());
    if let Err(e) = runlog::append(&ctx.pipeline.out, &record) {
        tracing::warn!("{e:#}");
    }
    result.map(|()| report)
}

/// The run log's line about a run that started at `started` and ended with `error` (or
/// without).
fn run_record(
    ctx: &Context,
    started: chrono::DateTime<chrono::Utc>,
    report: &RunReport,
    error: Option<&anyhow::Error>,
) -> runlog::RunRecord {
    let finished = chrono::Utc::now();
    let rfc3339 = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let read = |s: Stage| Manifest::read(&ctx.stage_dir(s));
    let (status, articles) = match error {
        Some(_) => ("error", None),
        None => match read(Stage::Normalize) {
            Some(n) if n.rows_out == 0 => ("no_articles", Some(0)),
            n => (
                "ok",
                read(Stage::Export)
                    .and_then(|e| e.extra.get("articles").copied())
                    .or(n.map(|n| n.rows_out)),
            ),
        },
    };
    let before = runlog::read_runs(&ctx.pipeline.out)
        .into_iter()
        .rev()
        .find(|r| r.succeeded())
        .and_then(|r| r.articles)
        .unwrap_or(0);
    let export = report.ran.iter().find(|m| m.stage == Stage::Export.name());
    let rows = export.map(|m| m.extra.clone()).unwrap_or_default();
    let partitions_touched = export.map(|m| m.touched.clone()).unwrap_or_default();
    let c = report.inputs;
    runlog::RunRecord {
        run_id: ctx.run_id.clone(),
        started: rfc3339(started),
        finished: rfc3339(finished),
        seconds: ((finished - started).num_milliseconds() as f64 / 1000.0),
        status: status.to_string(),
        error: error.map(|e| format!("{e:#}")),
        newstone: CODE_VERSION.to_string(),
        pipeline: ctx.pipeline.name.clone(),
        timezone: Some(ctx.pipeline.timezone.clone()),
        inputs_seen: c.map(|c| c.seen),
        inputs_new: c.map(|c| c.new),
        inputs_changed: c.map(|c| c.changed),
        inputs_removed: c.map(|c| c.removed),
        articles,
        articles_added: articles.map(|a| a as i64 - before as i64),
        rows,
        partitions_touched,
        stages_run: report.ran.iter().map(|m| m.stage.clone()).collect(),
        stages_reused: report
            .skipped
            .iter()
            .map(|s| s.name().to_string())
            .collect(),
    }
}

/// [`run`] under the run lock, filling `report` as the stages run.
fn run_locked(ctx: &Context, selection: Selection, report: &mut RunReport) -> Result<()> {
    let _lock = RunLock::acquire(&ctx.stages_dir)?;
    // What a failed or killed run left (a full disk must not stay full).
    for p in crate::artefact::remove_leftovers(&ctx.pipeline.out)? {
        tracing::info!("removed {}, left by an earlier run", p.display());
    }
    let mut inputs = ingest::resolve_inputs(ctx.pipeline)?;
    let before = runlog::read_inputs(&ctx.stages_dir);
    if selection == Selection::All {
        // `--force` reads every file again.
        runlog::digest_inputs(&mut inputs, &runlog::InputFiles::new());
    } else {
        runlog::digest_inputs(&mut inputs, &before);
    }
    let files = runlog::snapshot(&inputs);
    report.inputs = Some(runlog::compare(&before, &files));
    let t0 = std::time::Instant::now();
    let plans = plan(ctx, &inputs)?;
    tracing::debug!(
        "planned in {:.3} s (inputs fingerprinted, artefacts checked)",
        t0.elapsed().as_secs_f64()
    );
    let wanted = |s: Stage, state: &State| match selection {
        // A backfill computes its dates again from the entities stage on.
        Selection::Stale if ctx.backfill.is_some() => {
            *state != State::UpToDate || s >= Stage::Entities
        }
        Selection::Stale => *state != State::UpToDate,
        Selection::All => true,
        // Damaged artefacts before `--from` are not read as they are: computed again.
        Selection::From(f) => s >= f || matches!(state, State::Damaged(_)),
        Selection::Only(o) => s == o,
    };
    if let Selection::Only(stage) = selection {
        for up in stage.upstream() {
            let p = &plans[*up as usize];
            match &p.state {
                State::Missing => bail!(
                    "cannot run {} alone: the {} stage has no artefacts yet in {}; run the whole pipeline first (without --stage)",
                    stage.name(),
                    up.name(),
                    ctx.stage_dir(*up).display()
                ),
                State::Stale(why) => tracing::warn!(
                    "{} is stale ({why}); running {} from its existing artefacts anyway",
                    up.name(),
                    stage.name()
                ),
                State::Damaged(why) => bail!(
                    "cannot run {} alone: the artefacts of the {} stage are damaged ({why}); run without --stage to compute them again",
                    stage.name(),
                    up.name()
                ),
                State::UpToDate => {}
            }
        }
    }
    // A run that brings an existing output up to date (a day's file added) computes
    // little besides the fixed cost of the entity finder: it is built while the earlier
    // stages run.
    if matches!(selection, Selection::Stale) {
        let entities = &plans[Stage::Entities as usize];
        let runs = plans
            .iter()
            .any(|p| p.stage <= Stage::Entities && p.state != State::UpToDate);
        if runs && entities.existing.is_some() {
            stages::entities::build_ahead(ctx)?;
        }
    }
    let mut ran_any_before = false;
    for p in &plans {
        // Once a stage has run, every later stage's input changed: the chain forces them.
        let run_it =
            wanted(p.stage, &p.state) || (ran_any_before && matches!(selection, Selection::Stale));
        if !run_it {
            if let Some(m) = &p.existing {
                tracing::info!(
                    "{}: up to date ({} rows, finished {})",
                    p.stage.name(),
                    m.rows_out,
                    m.finished_at
                );
            }
            report.skipped.push(p.stage);
            continue;
        }
        match &p.state {
            State::Stale(why) => tracing::info!("{}: rerunning ({why})", p.stage.name()),
            State::Damaged(why) => tracing::warn!("{}: rerunning ({why})", p.stage.name()),
            _ => {}
        }
        let template = Manifest {
            finished_at: String::new(),
            ..p.template.clone()
        };
        // Only a run that brings stages up to date keeps the chunks that did not change;
        // `--force`, `--from` and `--stage` compute their stages whole.
        let reuse =
            if matches!(selection, Selection::Stale) && !matches!(p.state, State::Damaged(_)) {
                // A backfill keeps the other days' artefacts as they are, even those made
                // with other reference data.
                stages::chunks::Reuse::from_previous(
                    &ctx.stage_dir(p.stage),
                    &template,
                    ctx.backfill.is_some() && p.stage >= Stage::Entities,
                )
            } else {
                stages::chunks::Reuse::none()
            };
        let m = match run_stage(ctx, p.stage, &inputs, template, &reuse) {
            Ok(m) => m,
            Err(e) => {
                // A failed stage leaves no temporary folder or file behind.
                if let Err(clean) = crate::artefact::remove_leftovers(&ctx.pipeline.out) {
                    tracing::warn!("{clean:#}");
                }
                return Err(e);
            }
        };
        // As committed: with the finish time and the files' sizes and checksums.
        let m = Manifest::read(&ctx.stage_dir(p.stage)).unwrap_or(m);
        tracing::info!("{}", summary_line(&m));
        ran_any_before = true;
        report.ran.push(m);
    }
    if report.ran.is_empty() {
        tracing::info!(
            "nothing to do: all {} stages are up to date",
            Stage::ALL.len()
        );
    } else {
        log_balance(ctx, report);
    }
    // For the next run's log line to say which inputs are new.
    if let Err(e) = runlog::save_inputs(&ctx.stages_dir, &files) {
        tracing::warn!("{e:#}");
    }
    Ok(())
}

/// Logs "records in = articles + rejects + duplicates" and warns if it does not hold.
/// Articles and rejects are those the export wrote when it ran (the rows it really read
/// from the artefacts, not what their manifests say), else those the normalize stage
/// wrote.
fn log_balance(ctx: &Context, report: &RunReport) {
    let read = |s: Stage| Manifest::read(&ctx.stage_dir(s));
    if let (Some(i), Some(n)) = (read(Stage::Ingest), read(Stage::Normalize)) {
        let exported = report
            .ran
            .iter()
            .find(|m| m.stage == Stage::Export.name())
            .and_then(|e| Some((*e.extra.get("articles")?, *e.extra.get("rejects")?)));
        let (articles, rejects) = exported.unwrap_or((n.rows_out, i.rejects + n.rejects));
        let line = format!(
            "balance: {} records in = {articles} articles + {rejects} rejects + {} duplicates",
            i.rows_in, n.duplicates
        );
        if i.rows_in == articles + rejects + n.duplicates {
            tracing::info!("{line}");
        } else {
            tracing::warn!("{line} does NOT add up: please report this as a bug");
        }
    }
}

fn run_stage(
    ctx: &Context,
    stage: Stage,
    inputs: &[ingest::ResolvedInput],
    template: Manifest,
    reuse: &stages::chunks::Reuse,
) -> Result<Manifest> {
    let r = match stage {
        Stage::Ingest => ingest::run(ctx, inputs, template, reuse),
        Stage::Normalize => stages::normalize::run(ctx, template, reuse),
        Stage::Entities => stages::entities::run(ctx, template, reuse),
        Stage::Sentiment => stages::sentiment::run(ctx, template, reuse),
        Stage::Aggregate => stages::aggregate::run(ctx, template, reuse),
        Stage::Export => stages::export::run(ctx, template, reuse),
    };
    r.map_err(|e| e.context(format!("stage {} failed", stage.name())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_file_nobody_holds_does_not_block_even_with_a_live_pid() {
        let dir = tempfile::tempdir().unwrap();
        let stages = dir.path().join("_stages");
        std::fs::create_dir_all(&stages).unwrap();
        // An old lock file naming a live process (this one) that does not hold it.
        std::fs::write(lock_path(&stages), std::process::id().to_string()).unwrap();
        assert_eq!(
            lock_state(&stages),
            LockState::Leftover(Some(std::process::id().to_string()))
        );
        let lock = RunLock::acquire(&stages).unwrap();
        assert_eq!(
            lock_state(&stages),
            LockState::Held(Some(std::process::id().to_string()))
        );
        drop(lock);
        assert!(!lock_path(&stages).exists());
        assert_eq!(lock_state(&stages), LockState::Free);
    }

    #[test]
    fn a_held_lock_stops_a_second_run_naming_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let stages = dir.path().join("_stages");
        let lock = RunLock::acquire(&stages).unwrap();
        let err = RunLock::acquire(&stages).err().unwrap().to_string();
        assert!(
            err.contains(&stages.display().to_string())
                && err.contains("locked by another newstone run")
                && err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(lock);
        // Free again once the first run ends.
        drop(RunLock::acquire(&stages).unwrap());
    }

    #[test]
    fn runs_started_together_exactly_one_gets_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let stages = dir.path().join("_stages");
        std::fs::create_dir_all(&stages).unwrap();
        std::fs::write(lock_path(&stages), "1").unwrap();
        for _ in 0..20 {
            let start = std::sync::Barrier::new(6);
            let tried = std::sync::Barrier::new(6);
            let won = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|s| {
                for _ in 0..6 {
                    s.spawn(|| {
                        start.wait();
                        let lock = RunLock::acquire(&stages);
                        if lock.is_ok() {
                            won.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        // Hold it until every run has tried.
                        tried.wait();
                        drop(lock);
                    });
                }
            });
            assert_eq!(won.load(std::sync::atomic::Ordering::SeqCst), 1);
        }
    }
}
