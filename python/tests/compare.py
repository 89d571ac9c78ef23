"""Compares the tables of two newstone outputs (a local run and a Spark run), generically
over all their columns: a column one side lacks is a difference."""

from __future__ import annotations

import math
import os
from typing import List

import pyarrow as pa
import pyarrow.dataset as ds


def _plain(t: pa.Table) -> pa.Table:
    """``t`` with view types as plain strings (Polars writes string views; Spark does not)."""
    fields = []
    for f in t.schema:
        ty = f.type
        if pa.types.is_string_view(ty) or pa.types.is_large_string(ty):
            ty = pa.string()
        elif pa.types.is_binary_view(ty):
            ty = pa.binary()
        fields.append(pa.field(f.name, ty, True))
    return t.cast(pa.schema(fields))


def read_table(out: str, name: str) -> pa.Table:
    """``<out>/<name>.parquet`` or the Hive-partitioned folder ``<out>/<name>/``, with
    the partition column back as a column (``date`` as a date); strings as ``string``."""
    return _plain(_read(out, name))


def _read(out: str, name: str) -> pa.Table:
    single = os.path.join(out, f"{name}.parquet")
    if os.path.exists(single):
        return ds.dataset(single).to_table()
    folder = os.path.join(out, name)
    t = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    if "month" in t.column_names:
        t = t.drop_columns(["month"])
    if "date" in t.column_names and not pa.types.is_date32(t.schema.field("date").type):
        import pyarrow.compute as pc

        d = t.column("date").cast(pa.string())
        d = pc.if_else(pc.equal(d, "__HIVE_DEFAULT_PARTITION__"), None, d)
        t = t.set_column(t.column_names.index("date"), "date", d.cast(pa.date32()))
    return t


def _norm_value(v, digits: int):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return round(v, digits)
    return v


def rows(t: pa.Table, columns: List[str], digits: int = 9) -> List[tuple]:
    """The rows of ``t`` (these columns, in this order) as sorted tuples; floats rounded
    to ``digits`` decimals (the tables' floats have 4)."""
    cols = [t.column(c).to_pylist() for c in columns]
    out = [tuple(_norm_value(v, digits) for v in r) for r in zip(*cols)]
    return sorted(out, key=repr)


def differences(a: pa.Table, b: pa.Table, table: str, ordered_floats: bool = False) -> List[str]:
    """What differs between two versions of a table: columns, then rows (as sets with
    their multiplicity)."""
    problems = []
    ca, cb = set(a.column_names), set(b.column_names)
    if ca != cb:
        problems.append(
            f"{table}: columns differ: only in the first {sorted(ca - cb)}, only in the second {sorted(cb - ca)}"
        )
    common = [c for c in a.column_names if c in cb]
    for c in common:
        ta, tb = a.schema.field(c).type, b.schema.field(c).type
        if ta != tb:
            problems.append(f"{table}: column {c} is {ta} in the first, {tb} in the second")
    ra, rb = rows(a, common), rows(b, common)
    if ra != rb:
        from collections import Counter

        only_a = list((Counter(ra) - Counter(rb)).elements())
        only_b = list((Counter(rb) - Counter(ra)).elements())
        problems.append(
            f"{table}: {len(only_a)} rows only in the first, {len(only_b)} only in the second; "
            f"e.g. {only_a[:2]} / {only_b[:2]}"
        )
    return problems


def compare_float_tables(a: pa.Table, b: pa.Table, keys: List[str], table: str, tol: float = 1e-9) -> List[str]:
    """Row by row on ``keys`` (sorted), every column equal; floats within ``tol``."""
    problems = []
    ca, cb = set(a.column_names), set(b.column_names)
    if ca != cb:
        problems.append(
            f"{table}: columns differ: only in the first {sorted(ca - cb)}, only in the second {sorted(cb - ca)}"
        )
    if a.num_rows != b.num_rows:
        problems.append(f"{table}: {a.num_rows} rows vs {b.num_rows}")
        return problems
    for c in [c for c in a.column_names if c in cb]:
        ta, tb = a.schema.field(c).type, b.schema.field(c).type
        if ta != tb:
            problems.append(f"{table}: column {c} is {ta} in the first, {tb} in the second")
    order = [(k, "ascending") for k in keys]
    a, b = a.sort_by(order), b.sort_by(order)
    for c in [c for c in a.column_names if c in cb]:
        va, vb = a.column(c).to_pylist(), b.column(c).to_pylist()
        for i, (x, y) in enumerate(zip(va, vb)):
            same = (
                abs(x - y) <= tol
                if isinstance(x, float) and isinstance(y, float)
                else x == y
            )
            if not same:
                key = tuple(a.column(k)[i].as_py() for k in keys)
                problems.append(f"{table}: {c} differs at {key}: {x!r} vs {y!r}")
                break
    return problems
