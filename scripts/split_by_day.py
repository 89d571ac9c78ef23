#!/usr/bin/env python3
"""Splits a JSONL corpus into N files in date order, as a daily archive would arrive.

Lines are sorted by their `date` field (RFC 2822 or ISO 8601; lines without a parsable
date go last) and cut into N files of (nearly) equal line counts, named so that their
path order is the date order: `<out>/day-000.jsonl`, `day-001.jsonl`, …

usage: split_by_day.py CORPUS.jsonl OUT_DIR N
"""
import email.utils
import json
import os
import sys
from datetime import datetime


def when(line):
    try:
        d = json.loads(line).get("date") or ""
    except json.JSONDecodeError:
        return float("inf")
    try:
        return email.utils.parsedate_to_datetime(d).timestamp()
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(d.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return float("inf")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    corpus, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(corpus, encoding="utf-8") as f:
        lines = [l for l in f if l.strip()]
    lines.sort(key=when)
    os.makedirs(out, exist_ok=True)
    per = -(-len(lines) // n)
    for i in range(n):
        with open(os.path.join(out, f"day-{i:03d}.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(lines[i * per:(i + 1) * per])
    print(f"{len(lines)} lines in {n} files of {per} lines in {out}")


if __name__ == "__main__":
    main()
