#!/usr/bin/env python3
"""Builds a benchmark corpus (JSONL) of a given size from the Le Monde 2022 RSS items.

Each benchmark article has a unique id and a unique text: a lead item (title, date, link)
followed by the descriptions of several other items chosen with a fixed seed, so the
normalize stage sees no duplicates and articles are a realistic 1-3 KB. The Le Monde
text is third-party content: the corpus is written outside the repository and only used
to measure speed.

usage: make_bench_corpus.py --mb 100 --out /tmp/bench/corpus-100.jsonl [--corpus DIR]
"""
import argparse
import glob
import json
import os
import random
import sys
import xml.etree.ElementTree as ET


def load_items(corpus):
    items, seen = [], set()
    for path in sorted(glob.glob(os.path.join(corpus, "*", "*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            print(f"skipping {path}: {e}", file=sys.stderr)
            continue
        for it in root.iter("item"):
            guid = it.findtext("guid") or it.findtext("link")
            if not guid or guid in seen:
                continue
            seen.add(guid)
            items.append(
                {
                    "title": (it.findtext("title") or "").strip(),
                    "text": (it.findtext("description") or "").strip(),
                    "date": it.findtext("pubDate"),
                    "url": it.findtext("link"),
                }
            )
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, required=True, help="target size of title+text, in MB")
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", default="../shared/corpora/lemonde-2022")
    ap.add_argument("--per-article", type=int, default=8, help="descriptions per article")
    args = ap.parse_args()
    items = load_items(args.corpus)
    if not items:
        sys.exit(f"no items found under {args.corpus}")
    rng = random.Random(2022)
    target = int(args.mb * 1_000_000)
    written = n = 0
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        while written < target:
            lead = items[n % len(items)]
            others = rng.sample(items, args.per_article)
            text = "\n\n".join([lead["text"]] + [o["title"] + ". " + o["text"] for o in others])
            rec = {
                "id": f"bench-{n}",
                "title": lead["title"],
                "text": text,
                "date": lead["date"],
                "url": lead["url"],
                "source": "Le Monde (bench)",
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            written += len(rec["title"].encode()) + len(text.encode())
            n += 1
    print(json.dumps({"articles": n, "text_bytes": written, "file_bytes": os.path.getsize(args.out)}))


if __name__ == "__main__":
    main()
