//! An installed `newstone` works outside the repository: the reference data is built into
//! the binary, and paths in a pipeline file are relative to the file's folder.

mod common;
use common::*;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Runs the binary from `cwd` (not the repository).
fn newstone_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newstone"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NEWSTONE_LOG")
        .output()
        .expect("the newstone binary runs")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn the_default_pipeline_copied_elsewhere_gives_the_same_tables_from_any_folder() {
    // The repository's run.
    let tmp = tempdir();
    let repo_out = tmp.path().join("repo-out");
    newstone_ok(&[
        "run",
        "pipelines/default.toml",
        "--out",
        &path_str(&repo_out),
    ]);

    // The same pipeline file and sample corpus in a folder with no gazetteer, lexicons or
    // models, run by a scheduler from another folder.
    let job = tmp.path().join("job");
    copy_dir(&repo().join("data/sample"), &job.join("data/sample"));
    fs::create_dir_all(job.join("pipelines")).unwrap();
    fs::copy(
        repo().join("pipelines/default.toml"),
        job.join("pipelines/default.toml"),
    )
    .unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let pipeline = path_str(&job.join("pipelines/default.toml"));
    let run = newstone_in(&elsewhere, &["run", &pipeline]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("balance: 26 records in = 22 articles + 3 rejects + 1 duplicates"),
        "{stderr}"
    );
    // `out = "../out/default"` is next to the pipeline folder, not in the working folder.
    let job_out = job.join("out/default");
    assert!(job_out.join("articles.parquet").is_file());
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    for table in newstone::stages::export::TABLES {
        assert!(
            read(&repo_out, table).equals_missing(&read(&job_out, table)),
            "{table} differs"
        );
        assert_eq!(
            fs::read(repo_out.join(format!("{table}.csv"))).unwrap(),
            fs::read(job_out.join(format!("{table}.csv"))).unwrap(),
            "{table}.csv differs"
        );
    }
    // Rejects name the files as the pipeline file does.
    assert!(strings(&read(&job_out, "rejects"), "source")
        .iter()
        .all(|s| s == "../data/sample/wire.jsonl"));

    // Run again from a third folder: nothing to do (fingerprints do not depend on it).
    let stderr =
        String::from_utf8_lossy(&newstone_in(tmp.path(), &["run", &pipeline]).stderr).into_owned();
    assert!(stderr.contains("nothing to do"), "{stderr}");
    // `status` from yet another folder agrees.
    let status = newstone_in(&job, &["status", "pipelines/default.toml"]);
    let table = String::from_utf8_lossy(&status.stdout);
    assert_eq!(table.matches("up to date").count(), 6, "{table}");
}

#[test]
fn command_line_paths_stay_relative_to_the_working_folder() {
    let tmp = tempdir();
    let job = tmp.path().join("job");
    fs::create_dir_all(job.join("feeds")).unwrap();
    fs::copy(
        repo().join("data/sample/wire.jsonl"),
        job.join("feeds/wire.jsonl"),
    )
    .unwrap();
    // A pipeline file in another folder, without inputs of its own.
    let conf = tmp.path().join("conf");
    fs::create_dir_all(&conf).unwrap();
    fs::write(conf.join("p.toml"), "name = \"cli\"\n").unwrap();
    let run = newstone_in(
        &job,
        &[
            "run",
            "../conf/p.toml",
            "--input",
            "feeds/wire.jsonl",
            "--out",
            "results",
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(job.join("results/articles.parquet").is_file());
    assert_eq!(
        strings(&read(&job.join("results"), "rejects"), "source")[0],
        "feeds/wire.jsonl"
    );
    // `status` inspects that run when given the same --input and --out.
    let status = newstone_in(
        &job,
        &[
            "status",
            "../conf/p.toml",
            "--input",
            "feeds/wire.jsonl",
            "--out",
            "results",
        ],
    );
    let table = String::from_utf8_lossy(&status.stdout);
    assert_eq!(table.matches("up to date").count(), 6, "{table}");
    // An input that does not exist names the folder it was looked for in.
    fs::write(
        conf.join("p.toml"),
        "[[inputs]]\npath = \"feeds/missing.jsonl\"\n",
    )
    .unwrap();
    let run = newstone_in(&job, &["run", "../conf/p.toml"]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("relative to the pipeline file's folder") && err.contains("conf"),
        "{err}"
    );
}
