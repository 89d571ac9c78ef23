//! Reruns: up-to-date detection, one-stage reruns, lexicon changes, determinism.

mod common;
use common::*;
use std::fs;
use std::path::Path;

/// Copies the reference data into `dir` and writes a pipeline using those copies, so a
/// test can change a lexicon without touching the repository.
fn private_pipeline(dir: &Path) -> String {
    let data = dir.join("data");
    for sub in ["gazetteer", "lexicons", "models"] {
        copy_dir(&repo().join("data").join(sub), &data.join(sub));
    }
    let pipeline = format!(
        r#"name = "rerun-test"
out = "{out}"
timezone = "Europe/Paris"
[[inputs]]
path = "{sample}/wire.jsonl"
[[inputs]]
path = "{sample}/*.xml"
[[inputs]]
path = "{sample}/notes"
[entities]
gazetteer = "{d}/gazetteer"
[sentiment]
lexicons = "{d}/lexicons"
"#,
        out = path_str(&dir.join("out")),
        d = path_str(&data),
        sample = path_str(&repo().join("data").join("sample")),
    );
    let p = dir.join("pipeline.toml");
    fs::write(&p, pipeline).unwrap();
    path_str(&p)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    let Ok(rd) = fs::read_dir(from) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn ran(stderr: &str, stage: &str) -> bool {
    stderr.lines().any(|l| {
        l.contains(&format!(" {stage}: ")) && (l.contains(" in → ") || l.contains(": wrote "))
    })
}

#[test]
fn second_run_does_nothing_and_lexicon_change_reruns_sentiment_only() {
    let tmp = tempdir();
    let pipeline = private_pipeline(tmp.path());
    let first = newstone_ok(&["run", &pipeline]);
    for stage in [
        "ingest",
        "normalize",
        "entities",
        "sentiment",
        "aggregate",
        "export",
    ] {
        assert!(ran(&first, stage), "first run should run {stage}:\n{first}");
    }
    assert!(first.contains("balance:"), "{first}");

    let second = newstone_ok(&["run", &pipeline]);
    assert!(second.contains("nothing to do"), "{second}");
    assert!(!ran(&second, "ingest"), "{second}");

    let status = newstone(&["status", &pipeline]);
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert_eq!(status.matches("up to date").count(), 6, "{status}");

    // Change a lexicon: sentiment and what follows are stale, not before.
    let lex = tmp.path().join("data/lexicons/en_finance.tsv");
    let mut text = fs::read_to_string(&lex).unwrap();
    text.push_str("zzqxnewword\t0.5\n");
    fs::write(&lex, text).unwrap();
    let status = newstone(&["status", &pipeline]);
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    for (stage, state) in [
        ("ingest", "up to date"),
        ("normalize", "up to date"),
        ("entities", "up to date"),
        ("sentiment", "stale"),
        ("aggregate", "stale"),
        ("export", "stale"),
    ] {
        let line = status.lines().find(|l| l.starts_with(stage)).unwrap();
        assert!(line.contains(state), "{stage} should be {state}: {line}");
    }
    let third = newstone_ok(&["run", &pipeline]);
    assert!(
        !ran(&third, "ingest") && !ran(&third, "normalize") && !ran(&third, "entities"),
        "{third}"
    );
    assert!(
        ran(&third, "sentiment") && ran(&third, "aggregate") && ran(&third, "export"),
        "{third}"
    );
}

#[test]
fn one_stage_can_be_rerun_alone() {
    let tmp = tempdir();
    let pipeline = private_pipeline(tmp.path());
    // Before any run, a stage alone cannot run: its inputs do not exist.
    let out = newstone(&["run", &pipeline, "--stage", "sentiment"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("run the whole pipeline first"), "{err}");

    newstone_ok(&["run", &pipeline]);
    let again = newstone_ok(&["run", &pipeline, "--stage", "sentiment"]);
    assert!(ran(&again, "sentiment"), "{again}");
    assert!(
        !ran(&again, "aggregate") && !ran(&again, "normalize"),
        "{again}"
    );

    let from = newstone_ok(&["run", &pipeline, "--from", "aggregate"]);
    assert!(
        ran(&from, "aggregate") && ran(&from, "export") && !ran(&from, "sentiment"),
        "{from}"
    );
}

#[test]
fn same_rows_whatever_the_thread_count() {
    let a = tempdir();
    let b = tempdir();
    let pa = private_pipeline(a.path());
    let pb = private_pipeline(b.path());
    newstone_ok(&["--threads", "1", "run", &pa]);
    newstone_ok(&["--threads", "2", "run", &pb]);
    for table in [
        "articles",
        "mentions",
        "article_entities",
        "company_daily",
        "rejects",
    ] {
        let ca = fs::read_to_string(a.path().join("out").join(format!("{table}.csv"))).unwrap();
        let cb = fs::read_to_string(b.path().join("out").join(format!("{table}.csv"))).unwrap();
        assert_eq!(ca, cb, "{table} differs between 1 and 2 threads");
    }
}

#[test]
fn a_second_concurrent_run_is_refused_and_a_lock_left_behind_does_not_block() {
    let tmp = tempdir();
    let pipeline = private_pipeline(tmp.path());
    let stages = tmp.path().join("out/_stages");
    fs::create_dir_all(&stages).unwrap();
    // A run holds the OS lock (played by this test process): a second run is refused.
    let held = fs::File::create(stages.join(".lock")).unwrap();
    held.try_lock().unwrap();
    let out = newstone(&["run", &pipeline]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("locked by another newstone run") && err.contains("_stages"),
        "{err}"
    );
    drop(held);
    // A lock file left by a killed run, naming a live unrelated pid, does not block.
    fs::write(stages.join(".lock"), std::process::id().to_string()).unwrap();
    newstone_ok(&["run", &pipeline]);
    assert!(!stages.join(".lock").exists());
}

/// A failed run removes its temporary files; a killed run's leftovers go at the next start.
#[test]
fn leftovers_are_removed_on_failure_and_at_the_next_start() {
    let tmp = tempdir();
    let pipeline = private_pipeline(tmp.path());
    let out = tmp.path().join("out");
    // The export cannot put `company_daily.parquet` in place: a folder has its name.
    fs::create_dir_all(out.join("company_daily.parquet/x")).unwrap();
    let failed = newstone(&["run", &pipeline]);
    assert_eq!(failed.status.code(), Some(1));
    let hidden_tmp = |dir: &Path| -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    };
    assert!(hidden_tmp(&out).is_empty(), "{:?}", hidden_tmp(&out));
    assert!(
        hidden_tmp(&out.join("_stages")).is_empty(),
        "{:?}",
        hidden_tmp(&out.join("_stages"))
    );
    // What a killed run leaves is removed when the next run starts.
    fs::remove_dir_all(out.join("company_daily.parquet")).unwrap();
    fs::create_dir_all(out.join("_stages/sentiment.tmp")).unwrap();
    fs::write(out.join("_stages/sentiment.tmp/part.parquet"), b"x").unwrap();
    fs::write(out.join(".mentions.csv.tmp"), b"x").unwrap();
    let status = newstone(&["status", &pipeline]);
    assert!(status.status.success());
    let shown = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        shown.contains("sentiment.tmp") && shown.contains(".mentions.csv.tmp"),
        "{shown}"
    );
    let log = newstone_ok(&["run", &pipeline]);
    assert!(log.contains("left by an earlier run"), "{log}");
    assert!(hidden_tmp(&out).is_empty());
    assert!(hidden_tmp(&out.join("_stages")).is_empty());
}

/// A stage whose parts do not match its manifest (one truncated, one missing) is not up to
/// date: it reruns, the log names the part, and the tables come out as before.
#[test]
fn a_truncated_or_missing_part_makes_its_stage_rerun() {
    let tmp = tempdir();
    let pipeline = private_pipeline(tmp.path());
    let out = tmp.path().join("out");
    newstone_ok(&["run", &pipeline]);
    let before = fs::read_to_string(out.join("mentions.csv")).unwrap();
    let parts = |stage: &str| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = fs::read_dir(out.join("_stages").join(stage))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
            .collect();
        v.sort();
        v
    };
    let part = parts("entities")[0].clone();
    let name = part.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = fs::read(&part).unwrap();
    fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
    let shown = String::from_utf8_lossy(&newstone(&["status", &pipeline]).stdout).into_owned();
    assert!(
        shown.contains(&format!("part {name} is {} bytes", bytes.len() / 2)),
        "{shown}"
    );
    let log = newstone_ok(&["run", &pipeline]);
    assert!(
        log.contains(&format!("entities: rerunning (part {name} is")),
        "{log}"
    );
    assert!(!log.contains("ingest: rerunning"), "{log}");
    assert_eq!(
        fs::read_to_string(out.join("mentions.csv")).unwrap(),
        before
    );

    let part = parts("normalize")[0].clone();
    let name = part.file_name().unwrap().to_string_lossy().into_owned();
    fs::remove_file(&part).unwrap();
    let log = newstone_ok(&["run", &pipeline]);
    assert!(
        log.contains(&format!("normalize: rerunning (part {name} is missing)")),
        "{log}"
    );
    assert_eq!(
        fs::read_to_string(out.join("mentions.csv")).unwrap(),
        before
    );
    // Intact again: nothing to do.
    let log = newstone_ok(&["run", &pipeline]);
    assert!(log.contains("nothing to do"), "{log}");
}

/// A part with one byte changed (same size) and a final table truncated by hand are found
/// by their checksums and sizes: `status` names them, and a plain rerun writes them again,
/// byte for byte as before.
#[test]
fn a_flipped_byte_or_a_truncated_table_is_found_and_repaired() {
    let tmp = tempdir();
    let pipeline = private_pipeline(tmp.path());
    let out = tmp.path().join("out");
    newstone_ok(&["run", &pipeline]);
    let tables = ["mentions.csv", "articles.parquet", "company_daily.csv"];
    let before: Vec<Vec<u8>> = tables
        .iter()
        .map(|t| fs::read(out.join(t)).unwrap())
        .collect();

    // One byte flipped in the middle of a sentiment part.
    let part = out.join("_stages/sentiment/tones-00000.parquet");
    let mut bytes = fs::read(&part).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    fs::write(&part, &bytes).unwrap();
    let shown = String::from_utf8_lossy(&newstone(&["status", &pipeline]).stdout).into_owned();
    let line = shown.lines().find(|l| l.starts_with("sentiment")).unwrap();
    assert!(
        line.contains("damaged")
            && line.contains(
                "part tones-00000.parquet has changed since it was written, its checksum differs"
            )
            && line.contains("`newstone run` computes this stage again"),
        "{shown}"
    );
    let log = newstone_ok(&["run", &pipeline]);
    assert!(
        log.contains("sentiment: rerunning (part tones-00000.parquet has changed"),
        "{log}"
    );
    assert!(!log.contains("entities: rerunning"), "{log}");
    // The balance counts the articles the export wrote.
    let articles = read(&out, "articles").height();
    assert!(log.contains(&format!(" = {articles} articles + ")), "{log}");

    // A final table truncated by hand: not "nothing to do".
    let table = out.join("mentions.csv");
    let len = fs::metadata(&table).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&table)
        .unwrap()
        .set_len(len / 3)
        .unwrap();
    let shown = String::from_utf8_lossy(&newstone(&["status", &pipeline]).stdout).into_owned();
    assert!(
        shown.contains(&format!(
            "table mentions.csv is {} bytes, its manifest says {len}",
            len / 3
        )),
        "{shown}"
    );
    let log = newstone_ok(&["run", &pipeline]);
    assert!(
        log.contains("export: rerunning (table mentions.csv is"),
        "{log}"
    );
    assert!(!log.contains("nothing to do"), "{log}");
    assert!(!log.contains("sentiment: rerunning"), "{log}");

    // A final table deleted.
    fs::remove_file(out.join("articles.parquet")).unwrap();
    let log = newstone_ok(&["run", &pipeline]);
    assert!(
        log.contains("export: rerunning (table articles.parquet is missing)"),
        "{log}"
    );
    for (t, b) in tables.iter().zip(&before) {
        assert_eq!(
            &fs::read(out.join(t)).unwrap(),
            b,
            "{t} differs after the repair"
        );
    }
    let log = newstone_ok(&["run", &pipeline]);
    assert!(log.contains("nothing to do"), "{log}");
}

/// `--stage` does not read a damaged earlier stage: it says to run the whole pipeline.
#[test]
fn one_stage_alone_refuses_damaged_inputs() {
    let tmp = tempdir();
    let pipeline = private_pipeline(tmp.path());
    let out = tmp.path().join("out");
    newstone_ok(&["run", &pipeline]);
    fs::remove_file(out.join("_stages/normalize/articles-00000.parquet")).unwrap();
    let res = newstone(&["run", &pipeline, "--stage", "entities"]);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(!res.status.success());
    assert!(
        err.contains("cannot run entities alone")
            && err.contains("part articles-00000.parquet is missing")
            && err.contains("run without --stage"),
        "{err}"
    );
}
