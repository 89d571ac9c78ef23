"""The Spark job: same tables as a local run (Le Monde corpus, local[2]), the local
de-duplication rule across partitions, and Spark reading a run's outputs."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pyarrow as pa
import pytest

import newstone
from compare import compare_float_tables, differences, read_table
from conftest import LEMONDE, REPO, balance, java_missing, local_run, local_run_balance


def spark_submit() -> str:
    """spark-submit of the installed pyspark (skips when pyspark or Java is missing)."""
    try:
        import pyspark
    except ImportError:
        pytest.skip("SKIPPED: pyspark is not installed (pip install pyspark)")
    why = java_missing()
    if why:
        pytest.skip(f"SKIPPED: {why}")
    return os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")


def test_spark_job_gives_the_tables_of_a_local_run_on_le_monde(newstone_cli, tmp_path):
    submit = spark_submit()
    if not LEMONDE.is_dir():
        pytest.skip(f"SKIPPED: the Le Monde corpus is not at {LEMONDE}")
    pipeline = REPO / "pipelines" / "lemonde.toml"
    local = tmp_path / "local"
    local_balance = local_run_balance(newstone_cli, pipeline, local)
    out = tmp_path / "spark"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    job = subprocess.run(
        [
            submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false",
            str(REPO / "python" / "newstone_spark.py"),
            "--pipeline", str(pipeline), "--out", str(out),
        ],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert job.returncode == 0, job.stderr[-3000:]
    # Nothing lost, nothing doubled, and the same counts as the local run (the RSS feeds
    # repeat their items: most records are duplicates). spark-submit passes the driver's
    # stderr on to its stdout.
    assert balance(job.stdout + job.stderr) == local_balance
    assert local_balance["duplicates"] > 1000
    # Partitioned by day (the pipeline says none): Hive folders for the dated tables.
    assert (out / "article_entities").is_dir() and (out / "mentions").is_dir()
    for table in ("discovered_companies", "entities", "rejects"):
        assert (out / f"{table}.parquet").is_file(), table
    problems = []
    for table in ("articles", "mentions", "article_entities", "discovered_companies"):
        a, b = read_table(str(local), table), read_table(str(out), table)
        assert a.num_rows > 0, table
        problems += differences(a, b, table)
    problems += same_entities_and_rejects(local, out)
    daily_local, daily_spark = read_table(str(local), "company_daily"), read_table(str(out), "company_daily")
    assert daily_local.num_rows > 100
    problems += compare_float_tables(daily_local, daily_spark, ["date", "entity_id"], "company_daily", 1e-9)
    assert not problems, "\n".join(problems)


def same_entities_and_rejects(local, out) -> list:
    """`entities` identical to the local run's (rows, types and order: the gazetteer,
    then the discovered companies); `rejects` the same set of rows, every column
    included (`source` is the input's path as the pipeline file names it, the same in
    both when the job is given the same pipeline file)."""
    problems = []
    a, b = read_table(str(local), "entities"), read_table(str(out), "entities")
    assert a.num_rows > 1000
    if not a.equals(b):
        problems += differences(a, b, "entities") or ["entities: same rows in another order"]
    problems += differences(read_table(str(local), "rejects"), read_table(str(out), "rejects"), "rejects")
    return problems


def text(n: int) -> str:
    return (
        f"Airbus a annoncé lundi la commande numéro {n} d'une compagnie aérienne asiatique, "
        "et son action a progressé à la Bourse de Paris."
    )


def test_duplicates_across_partitions_follow_the_local_rule(spark, tmp_path):
    """Same id, same content within the window of the kept copy, outside it, and an id
    dropped as a duplicate whose content then still counts as new."""
    d0 = dt.date(2022, 3, 1)
    day = lambda k: (d0 + dt.timedelta(days=k)).isoformat()  # noqa: E731
    records = [
        ("a", text(1), day(0)),
        ("a", text(2), day(1)),    # same id: duplicate (its content does not count)
        ("b", text(1), day(2)),    # same content, 2 days after the kept copy: duplicate
        ("c", text(1), day(20)),   # 20 days later: news again, the new reference
        ("d", text(1), day(25)),   # 5 days after c: duplicate
        ("e", text(2), day(1)),    # text(2) was only seen under a duplicate id: kept
        ("f", text(3), None),      # no date: kept, with a null date
        ("g", text(3), day(0)),    # same content as a kept copy without a date: duplicate
        ("h", text(4), day(3)),
        ("i", text(1) + " Les analystes saluent la commande.", day(21)),  # c's story, not a copy
        ("j", "", day(4)),         # no text: a reject, not an article nor a duplicate
    ]
    table = pa.table({"id": [r[0] for r in records], "text": [r[1] for r in records], "date": [r[2] for r in records]})
    expected = sorted(newstone.analyze(table)["articles"].column("article_id").to_pylist())
    assert expected == ["a", "c", "e", "f", "h", "i"]
    from newstone.spark import run

    df = spark.createDataFrame(records, "id string, text string, date string")
    # Timestamp columns of a DataFrame are read as instants (midnight UTC here).
    df = df.withColumn("date", df["date"].cast("timestamp"))
    out = tmp_path / "out"
    counts = run(spark, out=str(out), articles=df, partitions=3, single_files=True)
    assert (counts["records_in"], counts["articles"], counts["rejects"], counts["duplicates"]) == (11, 6, 1, 4)
    assert counts["balanced"]
    # A DataFrame's reject: no file, its row (Spark's row id).
    rejects = read_table(str(out), "rejects").to_pylist()
    assert len(rejects) == 1 and rejects[0]["source"] == "", rejects
    assert rejects[0]["record"].startswith("row ") and rejects[0]["reason"].startswith("no text"), rejects
    got = read_table(str(out), "articles")
    assert sorted(got.column("article_id").to_pylist()) == expected
    # The stories of the kept articles, assigned in input order across the partitions
    # (e is novel: c, 20 days later, came before it, and a left the story window).
    stories = lambda t: sorted(zip(*(t.column(c).to_pylist() for c in ("article_id", "story_id", "novel"))))  # noqa: E731
    assert stories(got) == stories(newstone.analyze(table)["articles"])
    assert ("i", "c", False) in stories(got), stories(got)
    # The analysis of the kept articles is the package's.
    ref = newstone.analyze(table)["article_entities"]
    mine = read_table(str(out), "article_entities")
    assert not differences(ref.cast(mine.schema), mine, "article_entities")


def partitioned_sample_pipeline(tmp_path) -> str:
    """The default pipeline with `[export] partitioning = "day"`, inputs made absolute."""
    text = (REPO / "pipelines" / "default.toml").read_text(encoding="utf-8")
    text = text.replace('"../data/', f'"{REPO}/data/').replace(
        "[export]\n", '[export]\npartitioning = "day"\n'
    )
    path = tmp_path / "sample.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_spark_reads_partitioned_parquet_and_the_csv_with_the_documented_options(spark, newstone_cli, tmp_path):
    out = local_run(newstone_cli, partitioned_sample_pipeline(tmp_path), tmp_path / "out")
    assert (out / "articles" ).is_dir()
    articles = spark.read.parquet(str(out / "articles"))
    assert dict(articles.dtypes)["date"] == "date"
    assert articles.count() == read_table(str(out), "articles").num_rows
    assert articles.filter("date = DATE'2022-03-07'").count() > 0
    # CSV (written by an unpartitioned run): the README's options read the sentences
    # (quotes doubled, line breaks kept).
    out = local_run(newstone_cli, REPO / "pipelines" / "default.toml", tmp_path / "plain")
    mentions = read_table(str(out), "mentions")
    csv = spark.read.csv(str(out / "mentions.csv"), header=True, inferSchema=True, escape='"', multiLine=True)
    assert csv.count() == mentions.num_rows
    got = sorted((r["article_id"], r["start"], r["sentence"] or "") for r in csv.collect())
    want = sorted(zip(mentions.column("article_id").to_pylist(), mentions.column("start").to_pylist(),
                      [s or "" for s in mentions.column("sentence").to_pylist()]))
    assert got == want
    quoted = [s for s in mentions.column("sentence").to_pylist() if s and '"' in s]
    if quoted:
        # Spark's default escape (a backslash) does not read doubled quotes.
        plain = spark.read.csv(str(out / "mentions.csv"), header=True)
        plain_sentences = {r["sentence"] for r in plain.collect()}
        assert not set(quoted) <= plain_sentences


def test_every_input_format_of_the_sample_gives_the_local_tables(spark, newstone_cli, tmp_path):
    """JSONL with broken lines, RSS and a folder of .txt/.md/.html, read by newstone's
    readers on the executors; partitioned by month (Hive style, files keep `date`)."""
    from newstone.spark import run

    pipeline = REPO / "pipelines" / "default.toml"
    local = tmp_path / "local"
    local_balance = local_run_balance(newstone_cli, pipeline, local)
    out = tmp_path / "spark"
    counts = run(spark, out=str(out), pipeline=str(pipeline), partitions=3, partitioning="month")
    # A broken JSON line (the reader's reject), a record without text and one with an
    # unreadable date (normalize's), a duplicate: counted as the local run counts them.
    assert {k: counts[k] for k in local_balance} == local_balance
    assert counts["balanced"] and local_balance["rejects"] >= 3 and local_balance["duplicates"] >= 1
    reasons = read_table(str(out), "rejects").column("reason").to_pylist()
    assert any(r.startswith("broken JSON") for r in reasons), reasons
    assert any(r.startswith("no text") for r in reasons), reasons
    months = sorted(p.name for p in (out / "articles").iterdir() if p.name.startswith("month="))
    assert months and months[0].startswith("month=2022-")
    problems = same_entities_and_rejects(local, out)
    for table in ("articles", "mentions", "article_entities", "discovered_companies"):
        problems += differences(read_table(str(local), table), read_table(str(out), table), table)
    problems += compare_float_tables(
        read_table(str(local), "company_daily"), read_table(str(out), "company_daily"),
        ["date", "entity_id"], "company_daily",
    )
    assert not problems, "\n".join(problems)


def test_a_pipeline_given_as_text_with_inputs_and_the_article_text(spark, newstone_cli, tmp_path):
    from newstone.spark import run

    wire = str(REPO / "data" / "sample" / "wire.jsonl")
    text = 'name = "spark"\n[export]\narticle_text = true\n'
    plain = tmp_path / "plain.toml"
    plain.write_text(text, encoding="utf-8")
    local = local_run(newstone_cli, plain, tmp_path / "local", "--input", wire)
    out = tmp_path / "spark"
    run(spark, out=str(out), pipeline=text, inputs=[wire], single_files=True)
    assert (out / "articles.parquet").is_file()
    assert read_table(str(out), "articles").column_names[-1] == "text"
    for table in ("articles", "mentions", "article_entities"):
        assert not differences(read_table(str(local), table), read_table(str(out), table), table)
