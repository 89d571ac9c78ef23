#!/usr/bin/env python3
"""Build data/gazetteer/en_common_words.txt: English words that running text writes in
lower case, from the openly licensed English NER corpora in ../shared/reference/ner
(Broad Twitter Corpus, WikiGold, WNUT-17; CC BY 4.0).

A word counts when it is tagged O (outside any entity), is made only of lower-case
letters (and inner hyphens), and occurs at least twice. The entity finder uses the list
to tell a word that a headline capitalises only by position or Title Case (`Small
investors…`, `Fewer Orders…`) from an unlisted company's name.

Usage: python3 scripts/build_common_words.py [REFERENCE_DIR]
"""
import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
FILES = [
    "ner/btc-en/btc.train",
    "ner/btc-en/btc.dev",
    "ner/btc-en/btc.test",
    "ner/wikigold-en/wikigold.conll.txt",
    "ner/wnut17-en/wnut17train.conll",
    "ner/wnut17-en/emerging.dev.conll",
]
MIN_COUNT = 2
WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def main() -> None:
    counts: collections.Counter = collections.Counter()
    for rel in FILES:
        with open(os.path.join(REF, rel), encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2 or parts[-1] != "O":
                    continue
                w = parts[0]
                if len(w) >= 3 and WORD.fullmatch(w):
                    counts[w] += 1
    words = sorted(w for w, c in counts.items() if c >= MIN_COUNT)
    out = os.path.join(ROOT, "data", "gazetteer", "en_common_words.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write("# English words written in lower case (tagged O, at least twice) in the\n")
        f.write("# Broad Twitter Corpus, WikiGold and WNUT-17 (CC BY 4.0); built by\n")
        f.write("# scripts/build_common_words.py. One folded word a line.\n")
        for w in words:
            f.write(w + "\n")
    print(f"{len(words)} words -> {out}")


if __name__ == "__main__":
    main()
