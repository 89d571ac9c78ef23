#!/usr/bin/env python3
"""Loads every newstone output table with Polars, pandas and DuckDB and checks the types.

usage: python3 scripts/check_outputs.py out/default
needs: pip install polars pandas pyarrow duckdb   (a venv is fine; not needed by the product)

Exit 0 when every table opens in the three tools with the documented types
(dates as Date, timestamps as UTC timestamps, counts as integers), 1 otherwise.
"""
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

EXPECTED = {
    "articles": {"published_at": "timestamp", "date": "date", "n_chars": "int", "tone": "float"},
    "mentions": {"start": "int", "end": "int", "sentiment": "float", "confidence": "float"},
    "article_entities": {"date": "date", "mentions": "int", "in_title": "bool", "sentiment": "float"},
    "company_daily": {"date": "date", "articles": "int", "mentions": "int", "sentiment_mean": "float",
                      "sentiment_weighted": "float", "positive": "int", "negative": "int", "neutral": "int"},
    "entities": {"entity_id": "str", "type": "str"},
    "discovered_companies": {"first_seen": "date", "articles": "int"},
    "rejects": {"source": "str", "record": "str", "reason": "str"},
}


def polars_kind(dtype):
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "timestamp" if dtype.time_zone == "UTC" else "naive-timestamp"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.String:
        return "str"
    return str(dtype)


def duck_kind(t):
    t = t.upper()
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP WITH TIME ZONE"):
        return "timestamp"
    if t in ("BIGINT", "INTEGER"):
        return "int"
    if t == "DOUBLE":
        return "float"
    if t == "BOOLEAN":
        return "bool"
    if t == "VARCHAR":
        return "str"
    return t


def pandas_kind(s):
    k = s.dtype.kind
    if str(s.dtype).startswith("datetime64") and "UTC" in str(s.dtype):
        return "timestamp"
    if k == "M":
        return "naive-timestamp"
    if k in "iu":
        return "int"
    if k == "f":
        return "float"
    if k == "b":
        return "bool"
    if k == "O" and len(s) and hasattr(s.iloc[0], "isoformat"):
        return "date"
    if k == "O" or str(s.dtype) == "string":
        return "str"
    return str(s.dtype)


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/default")
    errors = 0
    for table, cols in EXPECTED.items():
        path = out / f"{table}.parquet"
        pdf = pl.read_parquet(path)
        pan = pd.read_parquet(path)
        duck = duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
        dkinds = {row[0]: duck_kind(row[1]) for row in duck}
        csv_rows = pl.read_csv(out / f"{table}.csv", infer_schema_length=0).height
        for col, want in cols.items():
            got = (polars_kind(pdf.schema[col]), dkinds.get(col),
                   pandas_kind(pan[col]) if len(pan) else want)
            if any(g != want for g in got):
                print(f"{table}.{col}: want {want}, got polars/duckdb/pandas = {got}")
                errors += 1
        if csv_rows != pdf.height:
            print(f"{table}: {pdf.height} Parquet rows but {csv_rows} CSV rows")
            errors += 1
        print(f"{table:22} {pdf.height:>7} rows  ok in polars, pandas, duckdb" if not errors else f"{table}: checked")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
