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

/// How a stage's artefacts compare with what the pipeline would produce now.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    UpToDate,
    /// Artefacts exist but were made from something else; the reason says what.
    Stale(String),
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
            Stage::Entities => json!({"languages": p.normalize.languages}),
            Stage::Sentiment | Stage::Aggregate => json!({}),
            Stage::Export => json!({"export": p.export, "out": p.out}),
        };
        let config_fp = hex(Fingerprint::new().add_json("config", &config));
        let mut data = Fingerprint::new();
        match stage {
            Stage::Entities | Stage::Export => {
                data.add_dir(&p.entities.gazetteer)?;
            }
            Stage::Sentiment => {
                data.add_dir(&p.sentiment.lexicons)?;
                data.add_dir(&p.sentiment.models_dir())?;
            }
            _ => {}
        }
        let data_fp = hex(&mut data);
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
            Some(m) if m.fingerprint == fingerprint => State::UpToDate,
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

/// Totals of a run, for the final summary and the exit code.
#[derive(Debug, Default)]
pub struct RunReport {
    pub ran: Vec<Manifest>,
    pub skipped: Vec<Stage>,
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

/// A lock on `<out>/_stages` so two scheduled runs never write the same artefacts.
/// Removed on drop; a lock left by a crashed run (its process is gone) is taken over.
struct RunLock(std::path::PathBuf);

impl RunLock {
    fn acquire(stages_dir: &std::path::Path) -> Result<RunLock> {
        std::fs::create_dir_all(stages_dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", stages_dir.display()))?;
        let path = stages_dir.join(".lock");
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = write!(f, "{}", std::process::id());
                    return Ok(RunLock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = std::fs::read_to_string(&path).unwrap_or_default();
                    let alive = !pid.trim().is_empty()
                        && std::path::Path::new(&format!("/proc/{}", pid.trim())).exists();
                    if alive {
                        bail!(
                            "another newstone run (pid {}) is using {}; wait for it to finish (or delete {} if it is not running)",
                            pid.trim(),
                            stages_dir.display(),
                            path.display()
                        );
                    }
                    tracing::warn!("removing a stale lock left by pid {}", pid.trim());
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => bail!("cannot create the lock {}: {e}", path.display()),
            }
        }
        bail!("cannot take the lock {}", path.display())
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the selected stages in order.
pub fn run(ctx: &Context, selection: Selection) -> Result<RunReport> {
    let _lock = RunLock::acquire(&ctx.stages_dir)?;
    let inputs = ingest::resolve_inputs(ctx.pipeline)?;
    let plans = plan(ctx, &inputs)?;
    let mut report = RunReport::default();
    let wanted = |s: Stage, state: &State| match selection {
        Selection::Stale => *state != State::UpToDate,
        Selection::All => true,
        Selection::From(f) => s >= f,
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
                State::UpToDate => {}
            }
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
        if let State::Stale(why) = &p.state {
            tracing::info!("{}: rerunning ({why})", p.stage.name());
        }
        let template = Manifest {
            finished_at: String::new(),
            ..p.template.clone()
        };
        let mut m = run_stage(ctx, p.stage, &inputs, template)?;
        m.finished_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        // Rewrite the manifest with the finish time.
        let path = ctx.stage_dir(p.stage).join("manifest.json");
        crate::artefact::write_atomic(&path, serde_json::to_string_pretty(&m)?.as_bytes())?;
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
        log_balance(ctx);
    }
    Ok(report)
}

/// Logs "records in = articles + rejects + duplicates" and warns if it does not hold.
fn log_balance(ctx: &Context) {
    let read = |s: Stage| Manifest::read(&ctx.stage_dir(s));
    if let (Some(i), Some(n)) = (read(Stage::Ingest), read(Stage::Normalize)) {
        let rejects = i.rejects + n.rejects;
        let line = format!(
            "balance: {} records in = {} articles + {} rejects + {} duplicates",
            i.rows_in, n.rows_out, rejects, n.duplicates
        );
        if i.rows_in == n.rows_out + rejects + n.duplicates {
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
) -> Result<Manifest> {
    let r = match stage {
        Stage::Ingest => ingest::run(ctx, inputs, template),
        Stage::Normalize => stages::normalize::run(ctx, template),
        Stage::Entities => stages::entities::run(ctx, template),
        Stage::Sentiment => stages::sentiment::run(ctx, template),
        Stage::Aggregate => stages::aggregate::run(ctx, template),
        Stage::Export => stages::export::run(ctx, template),
    };
    r.map_err(|e| e.context(format!("stage {} failed", stage.name())))
}
