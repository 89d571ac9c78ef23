"""The Python package: newstone.analyze / entities / sentiment / normalize over pyarrow,
Polars and pandas tables."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

import newstone

from conftest import REPO, local_run

ARTICLES = {
    "id": ["n-1", "n-2", "n-3", "n-4"],
    "title": [
        "Airbus décroche une commande record",
        "Renault warns on profits as chip shortage bites",
        "Airbus décroche une commande record",
        "",
    ],
    "text": [
        "Airbus a remporté lundi une commande record auprès d'une compagnie asiatique, "
        "et son action a progressé de 4 % à la Bourse de Paris.",
        "Renault cut its margin forecast on Tuesday, blaming the shortage of chips, and "
        "its shares fell 6% in Paris. Analysts said Stellantis was better placed.",
        # Same title and text as n-1, spaced differently, two days later: a duplicate.
        "Airbus a remporté lundi une commande record auprès d'une compagnie  asiatique, "
        "et son action a progressé de 4 % à la Bourse de Paris.",
        "",
    ],
    "date": ["2022-03-07T08:00:00Z", "2022-03-08T10:30:00Z", "2022-03-09", "2022-03-09"],
}

MENTION_COLUMNS = [
    "article_id", "date", "entity_id", "name", "type", "via", "confidence", "surface", "field",
    "start", "end", "sentence", "sentiment", "label", "evidence",
]
ARTICLE_ENTITY_COLUMNS = [
    "article_id", "date", "entity_id", "name", "type", "mentions", "in_title",
    "relevance", "novel", "sentiment", "label", "evidence",
]


def rows(t: pa.Table, *cols: str) -> list:
    return sorted(zip(*(t.column(c).to_pylist() for c in cols)))


def test_analyze_gives_the_exported_tables_and_drops_duplicates_and_empty_records():
    out = newstone.analyze(pa.table(ARTICLES))
    assert {"mentions", "article_entities"} <= set(out)
    m, e, a = out["mentions"], out["article_entities"], out["articles"]
    # Columns as the exported tables' (new columns of the crate appear in both).
    assert m.column_names[: len(MENTION_COLUMNS)] == MENTION_COLUMNS
    assert e.column_names[: len(ARTICLE_ENTITY_COLUMNS)] == ARTICLE_ENTITY_COLUMNS
    assert sorted(a.column("article_id").to_pylist()) == ["n-1", "n-2"]
    assert out["rejects"].column("reason").to_pylist()[0].startswith("no text")
    ents = rows(e, "article_id", "entity_id", "label")
    assert ("n-1", "airbus", "positive") in ents
    assert ("n-2", "renault", "negative") in ents
    assert e.schema.field("date").type == pa.date32()
    assert e.column("date").to_pylist()[0] in (dt.date(2022, 3, 7), dt.date(2022, 3, 8))
    langs = dict(zip(a.column("article_id").to_pylist(), a.column("lang").to_pylist()))
    assert langs == {"n-1": "fr", "n-2": "en"}
    # entities() and sentiment() are the two tables of analyze().
    assert newstone.entities(pa.table(ARTICLES)).equals(m)
    assert newstone.sentiment(pa.table(ARTICLES)).equals(e)


def test_polars_pandas_and_pyarrow_give_the_same_rows():
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    ref = newstone.analyze(pa.table(ARTICLES))
    for frame in (pl.DataFrame(ARTICLES), pd.DataFrame(ARTICLES), pa.table(ARTICLES).to_batches()[0]):
        got = newstone.analyze(frame)
        for name in ("mentions", "article_entities", "articles"):
            assert got[name].equals(ref[name]), (type(frame), name)
    # A Polars user turns the result into Polars frames without copying.
    assert pl.from_arrow(ref["mentions"]).height == ref["mentions"].num_rows


def test_dates_may_be_timestamps_or_dates_and_ids_numbers():
    t = pa.table(
        {
            "id": pa.array([1, 2], pa.int64()),
            "text": [ARTICLES["text"][0], ARTICLES["text"][1]],
            "date": pa.array(
                [dt.datetime(2022, 3, 7, 23, 30), dt.datetime(2022, 3, 8, 10, 0)],
                pa.timestamp("us", tz="UTC"),
            ),
        }
    )
    a = newstone.analyze(t)["articles"]
    assert a.column("article_id").to_pylist() == ["1", "2"]
    assert a.column("date").to_pylist() == [dt.date(2022, 3, 7), dt.date(2022, 3, 8)]
    assert a.column("published_at").to_pylist()[0] == dt.datetime(2022, 3, 7, 23, 30, tzinfo=dt.timezone.utc)
    d = pa.table({"text": [ARTICLES["text"][1]], "date": pa.array([dt.date(2022, 3, 8)])})
    assert newstone.analyze(d)["articles"].column("date").to_pylist() == [dt.date(2022, 3, 8)]
    # Without any date the article is kept with a null date (batch defaults).
    n = newstone.analyze(pa.table({"text": [ARTICLES["text"][1]]}))["articles"]
    assert n.column("date").to_pylist() == [None]


def test_lang_fixes_the_language_and_bad_input_says_what_to_fix():
    t = pa.table({"id": ["x"], "text": [ARTICLES["text"][1]]})
    assert newstone.analyze(t)["articles"].column("lang").to_pylist() == ["en"]
    assert newstone.analyze(t, lang="fr")["articles"].column("lang").to_pylist() == ["fr"]
    with pytest.raises(ValueError, match="analyses"):
        newstone.analyze(t, lang="de")
    with pytest.raises(ValueError, match="'text'"):
        newstone.analyze(pa.table({"id": ["x"], "body": ["y"]}))
    with pytest.raises(TypeError):
        newstone.analyze([1, 2, 3])
    with pytest.raises(ValueError, match="pipeline file"):
        newstone.analyze(t, pipeline="/nonexistent/pipeline.toml")


def test_normalize_keeps_duplicates_with_their_content_key():
    n = newstone.normalize(pa.table(ARTICLES))
    a = n["articles"]
    assert a.column("row").to_pylist() == [0, 1, 2]
    keys = a.column("content_key").to_pylist()
    assert keys[0] == keys[2] and keys[0] != keys[1]
    assert n["rejects"].num_rows == 1
    # The rejected record's place in the table (the fourth row: no title, no text).
    assert n["rejects"].column("row").to_pylist() == [3]
    # The normalized articles analysed give analyze()'s rows (plus the duplicate's).
    again = newstone.analyze_articles(a)
    ref = newstone.analyze(pa.table(ARTICLES))
    sel = lambda t: rows(t, "article_id", "entity_id", "sentiment")  # noqa: E731
    assert set(sel(ref["article_entities"])) <= set(sel(again["article_entities"]))
    assert len(again["articles"]) == 3


def test_a_batch_gives_the_rows_of_a_local_run(newstone_cli, tmp_path):
    """The sample wire's articles analysed in Python give the local run's rows."""
    out = local_run(newstone_cli, REPO / "pipelines" / "default.toml", tmp_path / "out")
    records = []
    for line in (REPO / "data" / "sample" / "wire.jsonl").read_text().splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue  # the sample has broken lines on purpose (they are rejects)
        if isinstance(r, dict):
            records.append(r)
    table = pa.table(
        {
            "id": [r.get("id") for r in records],
            "title": [r.get("title") for r in records],
            "text": [r.get("text") for r in records],
            "date": [r.get("date") for r in records],
            "lang": [r.get("lang") for r in records],
            "url": [r.get("url") for r in records],
            "source": [r.get("source") or "Sample Wire" for r in records],
        }
    )
    got = newstone.analyze(table, pipeline=str(REPO / "pipelines" / "default.toml"))
    from compare import read_table

    for name in ("mentions", "article_entities"):
        local = read_table(str(out), name)
        ids = set(got["articles"].column("article_id").to_pylist())
        mask = pa.array([i in ids for i in local.column("article_id").to_pylist()])
        local = local.filter(mask)
        cols = got[name].column_names
        assert set(local.column_names) == set(cols), name
        assert local.num_rows > 0
        mine = got[name].cast(local.select(cols).schema)
        assert rows(local, *cols) == rows(mine, *cols), name


def test_the_entities_table_is_the_local_runs(newstone_cli, tmp_path):
    """The gazetteer then the discovered companies, as the local run's export writes them."""
    from compare import read_table

    pipeline = REPO / "pipelines" / "default.toml"
    out = local_run(newstone_cli, pipeline, tmp_path / "out")
    local = read_table(str(out), "entities")
    discovered = read_table(str(out), "discovered_companies")
    assert discovered.num_rows > 0
    mine = newstone.entities_table(discovered, pipeline=str(pipeline))
    assert mine.column_names == local.column_names
    assert mine.cast(local.schema).equals(local)
    # Without discovered companies: the gazetteer's rows only.
    alone = newstone.entities_table(pipeline=str(pipeline))
    assert alone.num_rows == local.num_rows - discovered.num_rows


def test_stories_and_the_daily_signals_are_the_crates_sequential_steps():
    """assign_stories follows the input order; enrich_daily adds the rolling columns."""
    table = pa.table(
        {
            "id": ["s-1", "s-2", "s-3"],
            "title": ["Renault recalls its electric vans"] * 2 + ["Danone raises its dividend"],
            "text": [
                "Renault is recalling thousands of electric delivery vans after a battery fault "
                "caused fires in depots near Lyon and Lille, the carmaker said on Tuesday.",
                "Renault is recalling thousands of electric delivery vans after a battery fault "
                "caused fires in depots near Lyon and Lille, the carmaker confirmed on Wednesday.",
                "Danone will raise its dividend this year as yogurt sales in Europe and bottled "
                "water in Asia grew faster than analysts had expected.",
            ],
            "date": ["2022-05-10", "2022-05-11", "2022-05-11"],
        }
    )
    norm = newstone.normalize(table)["articles"]
    assert pa.types.is_large_binary(norm.schema.field("signature").type)
    st = newstone.assign_stories(norm)
    assert st.column("story_id").to_pylist() == ["s-1", "s-1", "s-3"]
    assert st.column("novel").to_pylist() == [True, False, True]
    # In another order, the follow-up comes first and starts the story.
    st = newstone.assign_stories(norm.take([1, 0, 2]))
    assert st.column("story_id").to_pylist() == ["s-2", "s-2", "s-3"]
    # The same flags in the analysed tables.
    out = newstone.analyze(table)
    flags = dict(zip(out["articles"].column("article_id").to_pylist(), out["articles"].column("novel").to_pylist()))
    assert flags == {"s-1": True, "s-2": False, "s-3": True}
    base = pa.table(
        {
            "date": pa.array([dt.date(2022, 5, 10), dt.date(2022, 5, 12)], pa.date32()),
            "entity_id": ["renault", "renault"],
            "name": ["Renault", "Renault"],
            "articles": [2, 1],
            "mentions": [3, 1],
            "sentiment_mean": [-0.5, 0.25],
            "sentiment_weighted": [-0.5, 0.25],
            "relevance_weighted_sentiment": [-0.5, 0.25],
            "positive": [0, 1],
            "negative": [2, 0],
            "neutral": [0, 0],
            "novel_articles": [1, 1],
        }
    )
    daily = newstone.enrich_daily(base)
    assert daily.column("articles_7d").to_pylist() == [2, 3]
    # (2 × -0.5 + 1 × 0.25) / 3
    assert daily.column("sentiment_7d").to_pylist() == [-0.5, -0.25]
    assert {"articles_30d", "sentiment_30d", "buzz_z", "sentiment_z"} <= set(daily.column_names)
