"""newstone on Apache Spark: the tables of a local ``newstone run``, computed on a cluster.

    spark-submit python/newstone_spark.py --pipeline pipelines/lemonde.toml --out out/spark
    spark-submit python/newstone_spark.py --input 'news/*.jsonl' --out out/spark

or from a Spark session: ``newstone.spark.run(spark, out=..., pipeline=..., inputs=[...])``
or ``run(spark, out=..., articles=df)`` for any Spark DataFrame with the input columns
(``id``, ``text``, optional ``title``, ``lang``, ``date``, ``url``, ``source``, ``section``).

How the work is split (each step is a Spark job; the per-article work is the crate's,
through the ``newstone`` package on the executors, with ``mapInArrow``):

1. read: one task per input file reads it with newstone's own readers (JSONL, CSV,
   Parquet, RSS/Atom, text, Markdown, HTML; as ``newstone run`` reads them), each
   record keyed by (file number in sorted path order, record number in the file), and
   the reader's rejects (broken lines, unreadable files) passed on with them;
2. normalize: the records are spread over ``--partitions`` tasks and cleaned (text,
   dates, language, ids) with their content key, without de-duplication; each record
   gives one row, an article or a reject;
3. de-duplicate with the local rule, across partitions: in input order, an article whose
   id was seen before is dropped; then, among articles with the same content key, the
   first is kept and a later copy is dropped when it is dated within
   ``duplicate_window_days`` of the last kept copy (a copy outside the window is kept and
   becomes the new reference). Window functions over the (small) key columns; only
   groups of two or more copies are scanned in order (an ``aggregate`` over their sorted
   keys, in Spark SQL);
4. stories (a driver-side step): the kept articles' (order key, id, date, signature),
   about 300 bytes each, are collected to the driver in input order and given their
   ``story_id`` and ``novel`` by the crate's sequential pass
   (:func:`newstone.assign_stories`, as a local run's normalize stage), then joined back;
5. analyse the kept articles (entities and sentiment) with ``mapInArrow``: one pass
   gives the ``articles``, ``mentions`` and ``article_entities`` rows (with the
   articles' ``story_id`` and ``novel``);
6. aggregate ``company_daily`` and ``discovered_companies`` with Spark SQL, with the
   definitions of the aggregate stage (src/stages/aggregate/): the base columns of
   ``company_daily`` from sums, then its rolling and z-score columns on the driver
   (:func:`newstone.enrich_daily`; one row per company and day, a small table); the
   ``entities`` table (the gazetteer, then the discovered companies) by the crate on the
   driver (:func:`newstone.entities_table`);
7. write the seven tables of a local run: the dated ones partitioned by date (Hive
   style, ``date=YYYY-MM-DD`` or ``month=YYYY-MM``), ``entities``,
   ``discovered_companies`` and ``rejects`` as one ``<table>.parquet`` each (every table
   so with ``single_files``);
8. check that nothing was lost or doubled: records in = articles + rejects +
   duplicates, printed as a local run logs it.

The output columns are those the crate gives: a column added to the crate's tables
appears here without a change to this file (the schemas are read off a sample batch).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from typing import Dict, Iterator, List, Optional

import pyarrow as pa

import newstone
from newstone import _native

# Order key of a record: file number (sorted paths) and record number in the file.
_FILE, _REC, _POS = "_file", "_rec", "_pos"
# What a normalized row is (one of the kinds below), a reject's columns (a struct of the
# exported `rejects` columns: source, record, reason), and the reader's reason for a
# reject in the stream of read records.
_KIND, _REJECT, _REASON = "_kind", "_reject", "_reason"
# The kinds of normalized rows: an article, a record the reader rejected (its order key:
# the file and the reject's number among the file's rejects), a record normalize
# rejected (the record's order key). Rejects are written in this order, as a local run
# writes those of ingest, then those of normalize.
ARTICLE, INGEST_REJECT, NORMALIZE_REJECT = 0, 1, 2
# Columns of the job's own, never written.
_PRIVATE = (_FILE, _REC, _POS, _KIND)
_REJECT_TYPE = pa.struct([pa.field(c, pa.string()) for c in ("source", "record", "reason")])

# The tables this job writes, as a local run names them.
DATED_TABLES = ["articles", "mentions", "article_entities", "company_daily"]
TABLES = DATED_TABLES + ["entities", "discovered_companies", "rejects"]


def _spark_schema(schema: pa.Schema):
    """A pyarrow schema as a Spark StructType (strings as Spark's StringType)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _for_spark(t: pa.Table, schema: pa.Schema) -> pa.Table:
    """``t`` with the types Spark's Arrow reader takes (``string``, not ``large_string``)."""
    return t.select(schema.names).cast(schema)


def _small_strings(schema: pa.Schema) -> pa.Schema:
    """``schema`` with large strings as strings, recursively (Spark's Arrow types)."""

    def conv(t: pa.DataType) -> pa.DataType:
        if pa.types.is_large_string(t) or pa.types.is_string_view(t):
            return pa.string()
        if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
            return pa.binary()
        if pa.types.is_struct(t):
            return pa.struct([pa.field(f.name, conv(f.type), f.nullable) for f in t])
        return t

    return pa.schema([pa.field(f.name, conv(f.type), True) for f in schema])


def _sample_schemas(pipeline: Optional[str], with_text: bool) -> Dict[str, pa.Schema]:
    """The columns of the normalize output and of the three analysed tables, read off a
    small batch analysed on the driver (so the job follows the crate's columns)."""
    sample = pa.table(
        {
            "id": ["schema-probe"],
            "title": ["Airbus wins an order"],
            "text": ["Airbus won a large order from an airline on Monday, and its shares rose."],
            "date": ["2022-03-07T09:00:00Z"],
        }
    )
    norm = newstone.normalize(sample, pipeline=pipeline)["articles"]
    tables = newstone.analyze_articles(norm, pipeline=pipeline, with_text=with_text)
    stories = newstone.assign_stories(norm, pipeline=pipeline)
    out = {"normalized": _small_strings(norm.schema), "stories": _small_strings(stories.schema)}
    for name, t in tables.items():
        out[name] = _small_strings(t.schema)
    return out


def _raw_schema() -> pa.Schema:
    """Records as read, and the reader's rejects (``_reason`` set; ``source_file`` and
    ``record`` name the rejected record, the other columns are null)."""
    return pa.schema(
        [pa.field(_FILE, pa.int64()), pa.field(_REC, pa.int64())]
        # The columns of a raw record, as the package's readers give them.
        + [pa.field(c, pa.string()) for c in newstone._RAW_COLUMNS]
        + [pa.field("lang_fixed", pa.bool_()), pa.field(_REASON, pa.string())]
    )


def _with_nulls(schema: pa.Schema, n: int, cols: Dict[str, pa.Array]) -> pa.Table:
    """A table of ``schema`` with ``n`` rows: ``cols`` where given, nulls elsewhere."""
    return pa.table(
        [cols[f.name] if f.name in cols else pa.nulls(n, f.type) for f in schema], schema=schema
    )


def _task_threads() -> None:
    """Lets the native code of a task use the task's cores only (Spark runs one task per
    core; the crate's thread pool would otherwise start a thread per core in every task).
    Set ``RAYON_NUM_THREADS`` in the executors' environment to choose otherwise."""
    if "RAYON_NUM_THREADS" in os.environ:
        return
    cpus = 1
    try:
        from pyspark import TaskContext

        tc = TaskContext.get()
        if tc is not None:
            cpus = max(1, int(tc.cpus()))
    except Exception:  # noqa: BLE001 - an older pyspark: one thread
        pass
    os.environ["RAYON_NUM_THREADS"] = str(cpus)


def _read_files(pipeline: str, inputs: Optional[List[str]]):
    """mapInArrow function: reads the files named by each row (file, spec, path, shown):
    their records, then their rejects (a broken line, a file that cannot be read)."""
    schema = _raw_schema()

    def read(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        _task_threads()
        for b in batches:
            for task in b.to_pylist():
                out = _native.read_file(pipeline, task["spec"], task["path"], task["shown"], inputs)
                raw = newstone._import(out["raw"])
                n = raw.num_rows
                raw = raw.append_column(_FILE, pa.array([task["file"]] * n, pa.int64()))
                raw = raw.append_column(_REC, pa.array(range(n), pa.int64()))
                raw = raw.append_column(_REASON, pa.nulls(n, pa.string()))
                for rb in _for_spark(raw, schema).to_batches(max_chunksize=2000):
                    yield rb
                rej = newstone._import(out["rejects"])
                m = rej.num_rows
                if m:
                    rows = _with_nulls(
                        schema,
                        m,
                        {
                            _FILE: pa.array([task["file"]] * m, pa.int64()),
                            _REC: pa.array(range(m), pa.int64()),
                            "source_file": rej.column("source").cast(pa.string()),
                            "record": rej.column("record").cast(pa.string()),
                            "lang_fixed": pa.array([False] * m, pa.bool_()),
                            _REASON: rej.column("reason").cast(pa.string()),
                        },
                    )
                    for rb in rows.to_batches(max_chunksize=2000):
                        yield rb

    return read


def _normalize(pipeline: Optional[str], schema: pa.Schema):
    """mapInArrow function: normalizes raw records, keeping their order key. Every row
    in gives one row out (``_kind``): an article, or a reject (``_reject``), normalize's
    or the reader's (passed on)."""
    from pyarrow import compute as pc

    def kind(k: int, n: int) -> pa.Array:
        return pa.array([k] * n, pa.int8())

    def normalize(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        _task_threads()
        for b in batches:
            t = pa.Table.from_batches([b])
            if t.column(_REASON).null_count == t.num_rows:
                # The usual batch: no reject of the reader (the texts are not copied).
                records, passed = t, t.slice(0, 0)
            else:
                read_rejects = pc.is_valid(t.column(_REASON))
                records = t.filter(pc.invert(read_rejects))
                passed = t.filter(read_rejects)
            raw = records.drop_columns([_FILE, _REC, _REASON])
            out = _native.normalize(raw.__arrow_c_stream__(), pipeline, None)
            arts = newstone._import(out["articles"])
            rejs = newstone._import(out["rejects"])
            if arts.num_rows + rejs.num_rows != records.num_rows:
                raise RuntimeError(
                    f"internal error: normalize gave {arts.num_rows} articles and {rejs.num_rows} "
                    f"rejects for {records.num_rows} records; please report this as a bug"
                )
            rows = arts.column("row")
            arts = arts.append_column(_FILE, pc.take(records.column(_FILE), rows))
            arts = arts.append_column(_REC, pc.take(records.column(_REC), rows))
            arts = arts.append_column(_KIND, kind(ARTICLE, arts.num_rows))
            arts = arts.append_column(_REJECT, pa.nulls(arts.num_rows, _REJECT_TYPE))
            for rb in _for_spark(arts, schema).to_batches():
                yield rb
            rows = rejs.column("row")
            reasons = pa.StructArray.from_arrays(
                [rejs.column(c).cast(pa.string()).combine_chunks() for c in ("source", "record", "reason")],
                fields=list(_REJECT_TYPE),
            )
            theirs = pa.StructArray.from_arrays(
                [passed.column(c).combine_chunks() for c in ("source_file", "record", _REASON)],
                fields=list(_REJECT_TYPE),
            )
            for part in (
                _with_nulls(schema, rejs.num_rows, {
                    _FILE: pc.take(records.column(_FILE), rows),
                    _REC: pc.take(records.column(_REC), rows),
                    _KIND: kind(NORMALIZE_REJECT, rejs.num_rows),
                    _REJECT: reasons,
                }),
                _with_nulls(schema, passed.num_rows, {
                    _FILE: passed.column(_FILE),
                    _REC: passed.column(_REC),
                    _KIND: kind(INGEST_REJECT, passed.num_rows),
                    _REJECT: theirs,
                }),
            ):
                if part.num_rows:
                    yield from part.to_batches()

    return normalize


def _analyze(pipeline: Optional[str], with_text: bool, schemas: Dict[str, pa.Schema], out_schema: pa.Schema):
    """mapInArrow function: analyses normalized articles. The three tables come out
    as one stream of rows with a struct column per table (one of them set per row)."""
    from pyarrow import compute as pc

    names = ["articles", "mentions", "article_entities"]

    def analyze(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        _task_threads()
        for b in batches:
            t = pa.Table.from_batches([b])
            tables = newstone.analyze_articles(t, pipeline=pipeline, with_text=with_text)
            # Each row's order key: its article's, then its place in the batch's table
            # (article order, then entity order, as in a local run's parts).
            parts = {}
            ids = t.column("article_id")
            for name in names:
                part = tables[name]
                n = part.num_rows
                if n == 0:
                    continue
                idx = pc.index_in(part.column("article_id"), value_set=ids)
                cols = {
                    "_table": pa.array([name] * n, pa.string()),
                    _FILE: pc.take(t.column(_FILE), idx),
                    _REC: pc.take(t.column(_REC), idx),
                    _POS: pa.array(range(n), pa.int64()),
                }
                for other in names:
                    st = pa.struct(list(schemas[other]))
                    if other == name:
                        body = _for_spark(part, schemas[other])
                        cols[other] = pa.StructArray.from_arrays(
                            [c.combine_chunks() for c in body.columns], fields=list(st)
                        )
                    else:
                        cols[other] = pa.nulls(n, st)
                parts[name] = pa.table(cols, schema=out_schema)
            for name in names:
                if name in parts:
                    for rb in parts[name].to_batches():
                        yield rb

    return analyze


def _stories(spark, kept, pipeline: Optional[str], schema: pa.Schema):
    """``story_id`` and ``novel`` of the kept articles by order key: their (order key,
    ``article_id``, ``date``, ``signature``) collected to the driver in input order (about
    300 bytes an article) and given to the crate's sequential story pass
    (:func:`newstone.assign_stories`). The result goes back as a Spark DataFrame."""
    keys = kept.select(_FILE, _REC, "article_id", "date", "signature").orderBy(_FILE, _REC).toArrow()
    stories = newstone.assign_stories(keys, pipeline=pipeline)
    out = pa.table(
        {
            _FILE: keys.column(_FILE),
            _REC: keys.column(_REC),
            "story_id": stories.column("story_id"),
            "novel": stories.column("novel"),
        }
    )
    target = pa.schema(
        [pa.field(_FILE, pa.int64()), pa.field(_REC, pa.int64())]
        + [schema.field("story_id"), schema.field("novel")]
    )
    return spark.createDataFrame(out.cast(target))


def _content_scan(window: int) -> str:
    """A Spark SQL expression over ``copies`` (the articles of one content key, sorted
    in input order, as structs of ``f``, ``r`` and ``d``, their order key and date): the
    order keys of the kept copies. The first copy is kept; a later one is a duplicate
    when it or the last kept copy has no date, or when their dates are at most
    ``window`` days apart; otherwise it is kept and becomes the reference."""
    key = "struct<f:bigint,r:bigint>"
    return f"""aggregate(
        copies,
        named_struct('started', false, 'ref', cast(null as date), 'kept', cast(array() as array<{key}>)),
        (acc, x) -> CASE
            WHEN NOT acc.started OR (acc.ref IS NOT NULL AND x.d IS NOT NULL
                                     AND abs(datediff(x.d, acc.ref)) > {int(window)})
            THEN named_struct('started', true, 'ref', x.d,
                              'kept', concat(acc.kept, array(named_struct('f', x.f, 'r', x.r))))
            ELSE acc
        END,
        acc -> acc.kept)"""


def _units(col):
    """A score of the tables in units of its last (4th) decimal, a whole number: sums of
    these are exact in any order (``to_units`` in src/stages/aggregate.rs)."""
    from pyspark.sql import functions as F

    y = col * F.lit(10000.0)
    r = F.floor(F.abs(y) + F.lit(0.5))
    return (F.signum(y) * r).cast("long")


def _scaled_mean(total, n):
    """The mean of scores from the sum of their units and their count, rounded half away
    from zero at 4 decimals (``scaled_mean`` in src/stages/aggregate.rs): the double
    quotient is correctly rounded, so a tie is seen exactly. 0 when ``n`` is 0."""
    from pyspark.sql import functions as F

    q = total.cast("double") / n.cast("double")
    a = F.abs(q)
    f = F.floor(a).cast("double")
    r = F.when(a - f >= F.lit(0.5), f + F.lit(1.0)).otherwise(f)
    return F.when(n > 0, F.signum(q) * r / F.lit(10000.0)).otherwise(F.lit(0.0))


def company_daily_base(article_entities, order=(_FILE, _REC, _POS)):
    """The base columns of ``company_daily`` from ``article_entities`` rows (with their
    order key), as the aggregate stage computes them: per (date, company) the articles,
    mentions, mean sentiment per article and per mention (exact means of the 4-decimal
    scores, rounded like every float of the tables), the relevance-weighted sentiment
    (Σ relevance × sentiment / Σ relevance, 0 when the relevances sum to 0), the labels'
    counts, the novel articles, and the company's name of the day (the first name its
    rows carry that day; a discovered company keeps the first name it was seen with).
    :func:`newstone.enrich_daily` adds the rolling columns."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    comp = article_entities.filter(F.col("type") == "company")
    first = Window.partitionBy("entity_id").orderBy(*order)
    first_day = Window.partitionBy("entity_id", "date").orderBy(*order)
    comp = comp.withColumn("_first_name", F.first("name").over(first)).withColumn(
        "_day_name", F.first("name").over(first_day)
    )
    dated = comp.filter(F.col("date").isNotNull())
    g = dated.groupBy("date", "entity_id").agg(
        F.count(F.lit(1)).alias("articles"),
        F.sum("mentions").alias("mentions"),
        F.sum(_units(F.col("sentiment"))).alias("_s"),
        F.sum(_units(F.col("sentiment")) * F.col("mentions")).alias("_w"),
        F.sum(F.when(F.col("label") == "positive", 1).otherwise(0)).cast("long").alias("positive"),
        F.sum(F.when(F.col("label") == "negative", 1).otherwise(0)).cast("long").alias("negative"),
        F.sum(F.when(F.col("label") == "neutral", 1).otherwise(0)).cast("long").alias("neutral"),
        F.sum(_units(F.coalesce(F.col("relevance"), F.lit(0.0)))).alias("_r"),
        F.sum(
            _units(F.coalesce(F.col("relevance"), F.lit(0.0))) * _units(F.coalesce(F.col("sentiment"), F.lit(0.0)))
        ).alias("_rw"),
        F.sum(F.when(F.col("novel"), 1).otherwise(0)).cast("long").alias("novel_articles"),
        F.first("_first_name").alias("_first_name"),
        F.first("_day_name").alias("_day_name"),
    )
    name = F.when(F.col("entity_id").startswith("new:"), F.col("_first_name")).otherwise(
        F.col("_day_name")
    )
    return g.select(
        "date",
        "entity_id",
        name.alias("name"),
        F.col("articles").cast("long").alias("articles"),
        F.col("mentions").cast("long").alias("mentions"),
        _scaled_mean(F.col("_s"), F.col("articles")).alias("sentiment_mean"),
        _scaled_mean(F.col("_w"), F.col("mentions")).alias("sentiment_weighted"),
        _scaled_mean(F.col("_rw"), F.col("_r")).alias("relevance_weighted_sentiment"),
        "positive",
        "negative",
        "neutral",
        "novel_articles",
    )


def company_daily(spark, article_entities, pipeline: Optional[str] = None):
    """``company_daily``: the base columns summed in Spark (:func:`company_daily_base`),
    then collected to the driver (one row per company and day) for the rolling and
    z-score columns, which the crate adds (:func:`newstone.enrich_daily`)."""
    base = company_daily_base(article_entities).toArrow()
    daily = newstone.enrich_daily(base, pipeline=pipeline)
    return spark.createDataFrame(_for_spark(daily, _small_strings(daily.schema)))


def discovered_companies(article_entities, order=(_FILE, _REC, _POS)):
    """``discovered_companies``: companies found by discovery (``new:…`` ids), with the
    first name they were seen with, the first day and the number of articles."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    d = article_entities.filter((F.col("type") == "company") & F.col("entity_id").startswith("new:"))
    w = Window.partitionBy("entity_id").orderBy(*order)
    d = d.withColumn("_first_name", F.first("name").over(w))
    return (
        d.groupBy("entity_id")
        .agg(
            F.first("_first_name").alias("name"),
            F.min("date").alias("first_seen"),
            F.count(F.lit(1)).cast("long").alias("articles"),
        )
        .orderBy("entity_id")
    )


def entities(spark, discovered: pa.Table, pipeline: Optional[str] = None):
    """``entities``: the pipeline's gazetteer, then the discovered companies
    (``discovered``, the ``discovered_companies`` rows), made by the crate on the driver
    (:func:`newstone.entities_table`), with their order (``_pos``)."""
    t = newstone.entities_table(discovered, pipeline=pipeline)
    t = _for_spark(t, _small_strings(t.schema))
    t = t.append_column(_POS, pa.array(range(t.num_rows), pa.int64()))
    return spark.createDataFrame(t)


def _write(df, out: str, table: str, partitioning: str, single_files: bool, order: List[str]):
    """Writes one table sorted by ``order``, without the order-key columns: partitioned
    by date (Hive style, as ``[export] partitioning``), or as one ``<table>.parquet``.
    Returns the path written."""
    from pyspark.sql import functions as F

    body = [c for c in df.columns if c not in _PRIVATE]
    if single_files or partitioning == "none" or "date" not in body:
        tmp = os.path.join(out, f".{table}.parquet.tmp")
        df.orderBy(*order).coalesce(1).select(*body).write.mode("overwrite").parquet(tmp)
        parts = sorted(p for p in os.listdir(tmp) if p.startswith("part-") and p.endswith(".parquet"))
        if not parts:
            raise RuntimeError(f"Spark wrote no Parquet file for {table} in {tmp}")
        shutil.rmtree(os.path.join(out, table), ignore_errors=True)
        os.replace(os.path.join(tmp, parts[0]), os.path.join(out, f"{table}.parquet"))
        shutil.rmtree(tmp, ignore_errors=True)
        return os.path.join(out, f"{table}.parquet")
    key = "date"
    if partitioning == "month":
        # The files keep their `date`, as a local run's.
        key = "month"
        df = df.withColumn(key, F.date_format("date", "yyyy-MM"))
        body = body + [key]
    target = os.path.join(out, table)
    (
        df.repartition(key)
        .sortWithinPartitions(*order)
        .select(*body)
        .write.mode("overwrite")
        .partitionBy(key)
        .parquet(target)
    )
    stale = os.path.join(out, f"{table}.parquet")
    if "://" not in out and os.path.exists(stale):
        os.remove(stale)
    return target


def run(
    spark,
    out: str,
    pipeline: Optional[str] = None,
    inputs: Optional[List[str]] = None,
    articles=None,
    partitions: Optional[int] = None,
    partitioning: Optional[str] = None,
    single_files: bool = False,
) -> Dict[str, float]:
    """Runs the analysis on Spark and writes the tables under ``out``.

    ``pipeline``: a pipeline file (its inputs, timezone, normalize, entities, sentiment
    and export settings), readable from the driver and the executors, or a pipeline
    file's text (with a line break; relative paths then relative to the working folder); ``inputs`` replace its inputs (as ``newstone run --input``);
    ``articles``: a Spark DataFrame with the input columns, read instead of files.
    ``partitions``: tasks for the normalize and analysis steps (default: the default
    parallelism). ``partitioning``: ``day``, ``month`` or ``none`` (default: the
    pipeline's ``[export] partitioning``, ``day`` when it is ``none``);
    ``single_files``: one ``<table>.parquet`` per table, as a local run without
    partitioning writes them.

    Returns the run's balance, as a local run logs it: ``records_in`` (the records read,
    the reader's rejects included), ``articles`` and ``rejects`` (the rows written),
    ``duplicates`` (the articles de-duplication dropped), ``balanced`` (``records_in``
    is their sum) and ``seconds``; the balance line is printed to stderr.
    """
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    t0 = time.time()
    if pipeline is not None and "\n" not in pipeline:
        pipeline = os.path.abspath(pipeline)
    settings = _native.pipeline_settings(pipeline)
    if partitioning is None:
        partitioning = settings["partitioning"]
        if partitioning == "none" and not single_files:
            partitioning = "day"
    if partitioning not in ("none", "day", "month"):
        raise ValueError(f"partitioning={partitioning!r}: use day, month or none")
    window = int(settings["duplicate_window_days"])
    with_text = bool(settings["article_text"])
    partitions = partitions or spark.sparkContext.defaultParallelism
    schemas = _sample_schemas(pipeline, with_text)
    norm_schema = pa.schema(
        list(schemas["normalized"])
        + [
            pa.field(_FILE, pa.int64()),
            pa.field(_REC, pa.int64()),
            pa.field(_KIND, pa.int8()),
            pa.field(_REJECT, _REJECT_TYPE),
        ]
    )

    # 1. Read.
    if articles is not None:
        raw_schema = _raw_schema()
        types = dict(articles.dtypes)
        cols = []
        for c in ["id", "title", "text", "date", "url", "source", "lang", "section"]:
            if c not in types:
                cols.append(F.lit(None).cast("string").alias(c))
            elif types[c] in ("timestamp", "timestamp_ntz"):
                # An instant with its offset (the session's), read as such by normalize.
                cols.append(F.date_format(F.col(c), "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").alias(c))
            else:
                cols.append(F.col(c).cast("string").alias(c))
        # Input order: the DataFrame's own (partition by partition, row by row).
        raw = articles.select(
            F.lit(0).cast("long").alias(_FILE),
            F.monotonically_increasing_id().alias(_REC),
            F.lit("").alias("source_file"),
            F.concat(F.lit("row "), (F.monotonically_increasing_id() + 1).cast("string")).alias("record"),
            *cols,
            F.lit(False).alias("lang_fixed"),
            F.lit(None).cast("string").alias(_REASON),
        ).select(raw_schema.names)
    else:
        if pipeline is None:
            raise ValueError("give a pipeline file (its inputs, or inputs=[...]) or an articles DataFrame")
        files = _native.list_inputs(pipeline, inputs)
        if not files:
            raise ValueError("the inputs name no file")
        tasks = spark.createDataFrame(
            [(i, spec, path, shown) for i, (spec, path, shown) in enumerate(files)],
            "file long, spec long, path string, shown string",
        ).repartition(min(len(files), max(partitions * 4, 1)))
        raw = tasks.mapInArrow(_read_files(pipeline, inputs), _spark_schema(_raw_schema()))
    # 2. Normalize, spread over the tasks.
    norm = raw.repartition(partitions).mapInArrow(
        _normalize(pipeline, norm_schema), _spark_schema(norm_schema)
    )
    norm = norm.persist(StorageLevel.MEMORY_AND_DISK)
    arts = norm.filter(F.col(_KIND) == ARTICLE).drop(_KIND, _REJECT)
    rejects = norm.filter(F.col(_KIND) != ARTICLE).select(_KIND, _FILE, _REC, f"{_REJECT}.*")
    # 3. De-duplicate: first copy of each id, then the content rule.
    by_id = Window.partitionBy("article_id").orderBy(_FILE, _REC)
    cand = (
        arts.select("article_id", "content_key", "date", _FILE, _REC)
        .withColumn("_n", F.row_number().over(by_id))
        .filter(F.col("_n") == 1)
        .withColumn("_copies", F.count(F.lit(1)).over(Window.partitionBy("content_key")))
    )
    single = cand.filter(F.col("_copies") == 1).select(_FILE, _REC)
    multi = (
        cand.filter(F.col("_copies") > 1)
        .groupBy("content_key")
        .agg(
            F.array_sort(
                F.collect_list(
                    F.struct(
                        F.col(_FILE).alias("f"), F.col(_REC).alias("r"), F.col("date").alias("d")
                    )
                )
            ).alias("copies")
        )
        .select(F.explode(F.expr(_content_scan(window))).alias("k"))
        .select(F.col("k.f").alias(_FILE), F.col("k.r").alias(_REC))
    )
    # Kept once: read by the story step and by the analysis.
    kept_keys = single.unionByName(multi).persist(StorageLevel.MEMORY_AND_DISK)
    kept = arts.join(kept_keys, [_FILE, _REC], "left_semi")
    # 4. Stories, on the driver: the crate's sequential pass over the kept articles in
    # input order (their order key, id, date and signature), joined back by order key.
    kept = kept.join(_stories(spark, kept, pipeline, schemas["stories"]), [_FILE, _REC], "left")
    kept = kept.drop("signature")
    # 5. Analyse.
    names = ["articles", "mentions", "article_entities"]
    out_schema = pa.schema(
        [
            pa.field("_table", pa.string()),
            pa.field(_FILE, pa.int64()),
            pa.field(_REC, pa.int64()),
            pa.field(_POS, pa.int64()),
        ]
        + [pa.field(n, pa.struct(list(schemas[n]))) for n in names]
    )
    analysed = (
        kept.repartition(partitions)
        .mapInArrow(_analyze(pipeline, with_text, schemas, out_schema), _spark_schema(out_schema))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    tables = {
        n: analysed.filter(F.col("_table") == n).select(_FILE, _REC, _POS, f"{n}.*")
        for n in names
    }
    # 6. Aggregate; the entities (the gazetteer, then the discovered companies) on the
    # driver.
    tables["company_daily"] = company_daily(spark, tables["article_entities"], pipeline)
    discovered = discovered_companies(tables["article_entities"]).toArrow()
    tables["discovered_companies"] = spark.createDataFrame(_for_spark(discovered, _small_strings(discovered.schema)))
    tables["entities"] = entities(spark, discovered, pipeline)
    tables["rejects"] = rejects
    # 7. Write.
    if "://" not in out:
        os.makedirs(out, exist_ok=True)
    written = {}
    for name in TABLES:
        df = tables[name]
        if name == "rejects":
            order = [_KIND, _FILE, _REC]
        elif _FILE in df.columns:
            order = [_FILE, _REC, _POS]
        elif _POS in df.columns:
            order = [_POS]
        elif name == "company_daily":
            order = ["date", "entity_id"]
        else:
            order = ["entity_id"]
        written[name] = _write(df, out, name, partitioning, single_files, order)
    # 8. Nothing lost, nothing doubled: every record read is an article, a reject or a
    # duplicate, counted as a local run does (the articles and rejects as written, from
    # the Parquet footers).
    kinds = {r[_KIND]: r["n"] for r in norm.groupBy(_KIND).agg(F.count(F.lit(1)).alias("n")).collect()}
    counts = {
        "records_in": sum(kinds.values()),
        "articles": spark.read.parquet(written["articles"]).count(),
        "rejects": spark.read.parquet(written["rejects"]).count(),
        "duplicates": kinds.get(ARTICLE, 0) - kept_keys.count(),
    }
    counts["balanced"] = counts["records_in"] == counts["articles"] + counts["rejects"] + counts["duplicates"]
    line = (
        f"balance: {counts['records_in']} records in = {counts['articles']} articles + "
        f"{counts['rejects']} rejects + {counts['duplicates']} duplicates"
    )
    if not counts["balanced"]:
        line += " does NOT add up: please report this as a bug"
    print(line, file=sys.stderr, flush=True)
    norm.unpersist()
    kept_keys.unpersist()
    analysed.unpersist()
    counts["seconds"] = round(time.time() - t0, 3)
    return counts


def session(master: Optional[str] = None, app: str = "newstone"):
    """A Spark session with the settings the job's tables need: UTC session time (the
    tables' timestamps are UTC instants), Parquet timestamps as microseconds (not INT96)."""
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName(app)
    if master:
        b = b.master(master)
    return (
        b.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2000")
        .getOrCreate()
    )


def main(argv: Optional[List[str]] = None) -> int:
    """``spark-submit python/newstone_spark.py …`` (see ``--help``)."""
    ap = argparse.ArgumentParser(
        prog="newstone_spark.py",
        description="Runs newstone's analysis on Spark and writes the tables of a local run.",
    )
    ap.add_argument("--pipeline", help="pipeline file (inputs, timezone, stage and export settings)")
    ap.add_argument("--input", action="append", dest="inputs", metavar="GLOB_OR_FOLDER",
                    help="replace the pipeline's inputs (repeatable), as `newstone run --input`")
    ap.add_argument("--out", required=True, help="output folder (a local path or a shared file system)")
    ap.add_argument("--master", help="Spark master (default: spark-submit's)")
    ap.add_argument("--partitions", type=int, help="tasks for normalize and analysis (default: the default parallelism)")
    ap.add_argument("--partitioning", choices=["day", "month", "none"],
                    help="layout of the dated tables (default: the pipeline's, `day` when it is `none`)")
    ap.add_argument("--single-files", action="store_true",
                    help="one <table>.parquet per table, as a local run without partitioning")
    a = ap.parse_args(argv)
    if a.pipeline is None and not a.inputs:
        ap.error("give --pipeline or --input")
    pipeline = a.pipeline
    if pipeline is None:
        # A pipeline file's defaults, as text (the executors read no file for it).
        pipeline = 'name = "spark"\n'
    spark = session(a.master)
    counts = run(
        spark,
        out=a.out,
        pipeline=pipeline,
        inputs=[os.path.abspath(i) if not os.path.isabs(i) else i for i in a.inputs] if a.inputs else None,
        partitions=a.partitions,
        partitioning=a.partitioning,
        single_files=a.single_files,
    )
    print(f"newstone on Spark: tables written to {a.out} in {counts['seconds']} s", file=sys.stderr)
    return 0
