"""newstone: company mentions and their sentiment in French and English news.

The analysis of the newstone crate (the same code as ``newstone run``) over Arrow
tables. Inputs may be pyarrow tables or record batches, Polars or pandas data frames,
or anything with ``__arrow_c_stream__``, with the columns

- ``id`` (optional: a digest of the content otherwise), ``text`` (the body) and the
  optional ``title``, ``lang`` (declared language, ``en``/``fr``; detected otherwise),
  ``date`` (string, date or timestamp), ``url``, ``source``, ``section``.

Outputs are pyarrow tables with the columns of the exported tables of a run
(``articles``, ``mentions``, ``article_entities``); ``table.to_pandas()`` or
``polars.from_arrow(table)`` turn them into frames.

Without ``pipeline``, the settings are the pipeline file's defaults (timezone UTC for
the ``date`` column, English and French analysed, the built-in gazetteer and lexicons),
except that a record without a date is kept with a null date. ``pipeline`` names a
pipeline file (``pipelines/lemonde.toml``) whose ``timezone``, ``[normalize]``,
``[entities]`` and ``[sentiment]`` settings apply.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import pyarrow as pa
import pyarrow.compute as pc

try:
    from . import _native
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError(
        "newstone's native module is missing: install the package (`pip install ./python`, "
        "or the wheel `maturin build --release` makes) instead of importing the source "
        f"folder {__path__[0]} ({e})"
    ) from e

__version__ = _native.__version__

__all__ = [
    "analyze",
    "entities",
    "sentiment",
    "normalize",
    "analyze_articles",
    "assign_stories",
    "enrich_daily",
    "entities_table",
    "to_arrow",
]

# Input columns (user names) and the raw-record columns they feed.
_FIELDS = {
    "id": "id",
    "title": "title",
    "text": "text",
    "date": "date",
    "url": "url",
    "source": "source",
    "lang": "lang",
    "section": "section",
}
_RAW_COLUMNS = [
    "source_file",
    "record",
    "id",
    "title",
    "text",
    "date",
    "url",
    "source",
    "lang",
    "section",
]


class _Capsules:
    """A pair of Arrow C data interface capsules (schema, array) as pyarrow imports them."""

    def __init__(self, pair):
        self._pair = pair

    def __arrow_c_array__(self, requested_schema=None):
        return self._pair


def _import(pair) -> pa.Table:
    """A table exported by the native module (one struct array), without copying."""
    return pa.Table.from_batches([pa.record_batch(_Capsules(pair))])


def to_arrow(table: Any) -> pa.Table:
    """Any supported table (pyarrow, Polars, pandas, ``__arrow_c_stream__``) as a pyarrow table."""
    if isinstance(table, pa.Table):
        return table
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    try:
        import pandas as pd  # noqa: F401

        if isinstance(table, pd.DataFrame):
            return pa.Table.from_pandas(table, preserve_index=False)
    except ImportError:
        pass
    if hasattr(table, "__arrow_c_stream__"):
        return pa.table(table)
    if hasattr(table, "to_arrow"):
        return table.to_arrow()
    raise TypeError(
        f"expected a pyarrow table, a Polars or pandas data frame, got {type(table).__name__}"
    )


def _as_text(col: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    """A column as strings: string columns as they are (no copy), dates as ISO dates,
    timestamps as ISO instants (UTC with a ``Z`` when the column has a timezone; a naive
    timestamp is a local time of the pipeline's timezone), other types cast."""
    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return col
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            col = col.cast(pa.timestamp("us", tz="UTC"))
            return pc.strftime(col, format="%Y-%m-%dT%H:%M:%SZ")
        return pc.strftime(col.cast(pa.timestamp("us")), format="%Y-%m-%dT%H:%M:%S")
    if pa.types.is_date(t):
        return col.cast(pa.date32()).cast(pa.string())
    if pa.types.is_dictionary(t):
        return _as_text(col.cast(t.value_type), name)
    try:
        return col.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise TypeError(f"column {name!r} of type {t} cannot be read as text") from e


def _raw(table: Any) -> pa.Table:
    """The user's table as raw records (the ingest stage's columns)."""
    t = to_arrow(table)
    names = set(t.column_names)
    if "text" not in names and "title" not in names:
        raise ValueError(
            f"the table needs a 'text' (or 'title') column; it has {sorted(names)}"
        )
    n = t.num_rows
    cols = {}
    for field, raw_name in _FIELDS.items():
        if field in names:
            cols[raw_name] = _as_text(t.column(field), field)
        else:
            cols[raw_name] = pa.nulls(n, pa.string())
    cols["source_file"] = pa.nulls(n, pa.string()).fill_null("")
    cols["record"] = pa.array([f"row {i + 1}" for i in range(n)], pa.string())
    arrays = [cols[c] for c in _RAW_COLUMNS]
    arrays.append(pa.array([False] * n, pa.bool_()))
    return pa.table(arrays, names=_RAW_COLUMNS + ["lang_fixed"])


def _stream(table: pa.Table):
    return table.__arrow_c_stream__()


def analyze(
    table: Any,
    lang: Optional[str] = None,
    *,
    pipeline: Optional[str] = None,
    with_text: bool = False,
) -> Dict[str, pa.Table]:
    """Normalizes, de-duplicates and analyses the articles of ``table``.

    Returns a dict of pyarrow tables: ``mentions`` (one row per mention: entity, place,
    sentence, sentiment) and ``article_entities`` (one row per entity of each article,
    with its combined sentiment), and also ``articles`` (the kept articles with their
    date, language and tone) and ``rejects`` (the records that were not articles, and
    why). ``lang`` (``"en"`` or ``"fr"``) fixes the language of every row instead of
    detecting it. Duplicates are dropped within the table (same id, or same title and
    text within the pipeline's ``duplicate_window_days``: the first one is kept).
    """
    out = _native.analyze(_stream(_raw(table)), pipeline, lang, with_text)
    return {name: _import(pair) for name, pair in out.items()}


def entities(table: Any, lang: Optional[str] = None, *, pipeline: Optional[str] = None) -> pa.Table:
    """The ``mentions`` table of ``table``'s articles (see :func:`analyze`)."""
    return analyze(table, lang, pipeline=pipeline)["mentions"]


def sentiment(table: Any, lang: Optional[str] = None, *, pipeline: Optional[str] = None) -> pa.Table:
    """The ``article_entities`` table of ``table``'s articles: the sentiment toward each
    entity in each article (see :func:`analyze`)."""
    return analyze(table, lang, pipeline=pipeline)["article_entities"]


def normalize(
    table: Any, lang: Optional[str] = None, *, pipeline: Optional[str] = None
) -> Dict[str, pa.Table]:
    """Cleans the records of ``table`` without de-duplicating them: ``articles`` (the
    normalized articles, with ``row``, the index of their record in ``table``,
    ``content_key``, equal for articles with the same title and text up to case and
    spacing, and ``signature``, the article's story signature for
    :func:`assign_stories`) and ``rejects`` (with ``row``, the index of the rejected
    record in ``table``). The Spark job de-duplicates these across partitions."""
    out = _native.normalize(_stream(_raw(table)), pipeline, lang)
    return {name: _import(pair) for name, pair in out.items()}


def analyze_articles(
    articles: Any, *, pipeline: Optional[str] = None, with_text: bool = False
) -> Dict[str, pa.Table]:
    """Analyses normalized articles (as :func:`normalize` gives them): ``articles``
    (with their tone), ``mentions`` and ``article_entities``."""
    t = to_arrow(articles)
    out = _native.analyze_articles(_stream(t), pipeline, with_text)
    return {name: _import(pair) for name, pair in out.items()}


def assign_stories(articles: Any, *, pipeline: Optional[str] = None) -> pa.Table:
    """The stories of kept (de-duplicated) articles given IN INPUT ORDER, as a local
    run's normalize stage assigns them: ``articles`` has ``article_id``, ``date`` and
    ``signature`` (as :func:`normalize` gives them). Returns ``article_id``,
    ``story_id`` (the id of the story's first article) and ``novel`` (the article starts
    its story), one row per row, in order. The pass is sequential: each article is
    compared with the earlier ones of the pipeline's ``story_window_days``."""
    t = to_arrow(articles).select(["article_id", "date", "signature"])
    return _import(_native.assign_stories(_stream(t), pipeline))


def enrich_daily(base: Any, *, pipeline: Optional[str] = None) -> pa.Table:
    """The ``company_daily`` table from its base columns (one row per company and day:
    ``date``, ``entity_id``, ``name``, ``articles``, ``mentions``, ``sentiment_mean``,
    ``sentiment_weighted``, ``relevance_weighted_sentiment``, ``positive``,
    ``negative``, ``neutral``, ``novel_articles``), as a local run's aggregate stage
    finishes it: ``articles_7d``/``30d``, ``sentiment_7d``/``30d``, ``buzz_z`` and
    ``sentiment_z`` added (zero rows filled in with the pipeline's ``[aggregate]
    dense``), sorted by date and company."""
    t = to_arrow(base)
    return _import(_native.enrich_daily(_stream(t), pipeline))


def entities_table(discovered: Any = None, *, pipeline: Optional[str] = None) -> pa.Table:
    """The ``entities`` table of a run: the pipeline's gazetteer (one row per entity and
    name period, without the entities its ``[entities] exclude`` drops), then the
    discovered companies of ``discovered`` (a table with ``entity_id`` and ``name``, as
    the ``discovered_companies`` table; none when ``None``), in that order."""
    if discovered is None:
        t = pa.table({"entity_id": pa.array([], pa.string()), "name": pa.array([], pa.string())})
    else:
        t = to_arrow(discovered).select(["entity_id", "name"])
    return _import(_native.entities_table(_stream(t), pipeline))
