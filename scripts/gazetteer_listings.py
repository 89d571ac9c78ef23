"""Companies from exchange listings and SEC name histories, for scripts/build_gazetteer.py.

Reads (from the reference folder given on the command line, `--reference DIR`):
  * listings/financedatabase/<EXCHANGE>.csv  (JerBouma/FinanceDatabase, MIT)
  * listings/us/nasdaq-listed-symbols.csv, other-listed.csv  (datasets/*-listings, PDDL)
  * former-names/listed_filer_names.csv.gz, listed_filer_metadata.csv.gz
    (john-friedman/datamule-data, MIT; from SEC EDGAR)

and turns legal security names into the forms news uses:

  legal_to_forms('Tullow Oil plc')      -> full 'Tullow Oil plc', base 'Tullow Oil', head 'Tullow'
  legal_to_forms('PETROFAC LIMITED')    -> full 'Petrofac Limited', base 'Petrofac'
  legal_to_forms('London Stock Exchange Group plc') -> base 'London Stock Exchange Group',
                                                       short 'London Stock Exchange'

Which forms are kept, flagged ambiguous or dropped is decided in build_gazetteer.py
(`listing_form_policy`), with the word lists it already loads.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from pathlib import Path

# Legal forms that news drops ('Tullow Oil plc' -> 'Tullow Oil'). Applied repeatedly at the end.
LEGAL_TAIL = (
    r"Inc\.?|Incorporated|Corp\.?|Corporation|Co\.?|Company|Ltd\.?|Limited|L\.?T\.?D\.?|"
    r"P\.?L\.?C\.?|Plc|plc|S\.?A\.?|S\.?A\.?S\.?|S\.?C\.?A\.?|SE|AG|N\.?V\.?|B\.?V\.?|A/S|ASA|AB|"
    r"Oyj|Oy|Abp|S\.?p\.?A\.?|GmbH|KGaA|LLC|L\.?P\.?|LP|Tbk\.?|Bhd\.?|Berhad|PJSC|OJSC|JSC|"
    r"Pty|Pcl|PCL|SAB de CV|S\.?A\.?B\.? de C\.?V\.?|S\.?A\.?/N\.?V\.?|SA/NV|NV/SA|"
    r"Aktiengesellschaft|Societe Anonyme|Société Anonyme|\(publ\)|publ|REIT|"
    r"ADR|ADS|Kabushiki Kaisha|K\.?K\.?|SOCIMI|Socimi|SICAV|S\.?L\.?|Ltda\.?"
)
LEGAL_RE = re.compile(r"(?:(?:\s*,\s*|\s+)(?:&\s*Co\.?|" + LEGAL_TAIL + r"))+\s*$", re.I)
# Forms news may or may not keep ('London Stock Exchange Group' -> 'London Stock Exchange').
GROUP_RE = re.compile(r"\s+(?:Group|Groupe|Holdings?|Gruppe|Grupo|Gruppo|Groep)$", re.I)
# Security descriptions glued to US listing names ('Agilent Technologies, Inc. Common Stock').
SECURITY_RE = re.compile(
    r"\s*(?:-\s+|,\s+)?(?:Class\s+[A-Z]\b.*|Series\s+[A-Z0-9]+\b.*|Common\s+Stock.*|"
    r"Common\s+Shares.*|Ordinary\s+Shares.*|Ordinary\s+Share.*|American\s+Depositary.*|"
    r"American\s+Depository.*|Depositary\s+Shares.*|Sponsored\s+ADR.*|ADR\b.*|ADS\b.*|"
    r"Subordinate\s+Voting.*|Voting\s+Shares.*|Shares\s+of\s+Beneficial.*|"
    r"Beneficial\s+Interest.*|Common\s+Units.*|Limited\s+Partnership\s+Units.*|"
    r"Capital\s+Stock.*|New\s+York\s+Registry.*|Registered\s+Shares.*|Units?\s+Representing.*|"
    r"\(The\)|\(Holding Company\)|Each\s+Representing.*|Stapled.*)$",
    re.I,
)
# Rows that are not a company's equity, or not a company at all.
NON_EQUITY_RE = re.compile(
    r"\b(?:Warrants?|WTS?|Rights?|Units?|Preferred|Pref\.?|Preference|Notes?|Debentures?|Bonds?|"
    r"BDS|Subordinated|ETF|ETN|ETP|ETC|Fund|Funds|Index|Tracker|Certificates?|"
    r"Turbo|Call|Put|Mini|Knock|Exchange[- ]Traded|T-BILL|Treasury|Acquisition\s+Corp\w*|"
    r"Acquisition\s+(?:Co|Company|Inc|Ltd|Limited|Holdings?)|Blank\s+Check|SPAC|"
    r"Income\s+Trust|Investment\s+Trust|Unit\s+Trust|Portfolio|Municipal|Muni|"
    r"Closed[- ]End|Test\s+(?:Issue|Company)|Depositary\s+Receipt|Perpetual|Capital\s+Trust|"
    r"iShares|SPDR|ProShares|Vanguard\s+\w+\s+ETF|Invesco\s+\w+\s+ETF|Xtrackers|Lyxor|Amundi\s+ETF|"
    r"Leveraged|Inverse|Bull|Bear|UCITS|SICAV|OEIC|LOF|EO|MTN|FLR|Nts|Obl|Anl|TL\.?Z)\b|"
    r"%|\d{6}|\d+/\d+|-,\d|,\d",
    re.I,
)
PERIOD_RE = re.compile(r"^(?:Q[1-4]|H[12]|[1-9]M|FY\s?\d{0,4}|CY\d{2,4}|\d{4})$", re.I)
WORDISH = re.compile(r"[A-Za-zÀ-ÿ]")

# Tokens that never make a company name on their own, nor together ('Global Energy',
# 'Capital Holdings', 'First National'): industry nouns and generic business adjectives.
GENERIC = set("""
a an the of and de du des la le les et for in on at by to van von der di da del y e &
group groupe holding holdings company companies corp corporation inc ltd limited plc co
international global world worldwide universal general national american america american
united first new old great royal standard common central continental pacific atlantic
north south east west northern southern eastern western asia asian europe european euro
africa african china chinese india indian japan japanese korea korean canada canadian
british uk us usa australia australian emerging
capital financial finance financials investment investments investors invest equity
equities partners partnership ventures venture management asset assets advisors fund funds
bank banks banking bancorp bancshares bankshares savings trust trusts credit securities
insurance assurance reinsurance life mutual
energy power oil gas petroleum resources resource mining minerals mineral metals metal
gold silver copper iron coal uranium lithium nickel zinc exploration
technology technologies tech systems system solutions software digital data networks
network communications telecom media entertainment
health healthcare medical pharma pharmaceutical pharmaceuticals therapeutics biotech
biosciences bioscience sciences science labs laboratories diagnostics care
industries industrial industrials manufacturing products services service enterprises
enterprise trading logistics transport transportation shipping marine airlines aviation
properties property realty real estate land homes housing development developments
infrastructure construction engineering materials chemicals chemical
foods food beverage beverages brands consumer retail stores store
green clean renewable renewables solar wind water environmental
one two three alpha beta omega prime smart advanced innovative
investment holding reit plc
""".split())
STOP = {"a", "an", "the", "of", "and", "de", "du", "des", "la", "le", "les", "et", "for",
        "in", "on", "at", "by", "to", "van", "von", "der", "di", "da", "del", "y", "e", "&"}


SAINT = {"saint", "sainte", "san", "santa", "st", "ste", "sao"}

# Generic words that only qualify another ('First', 'Standard', 'Northern', 'British'): a
# pair of two of them ('First National', 'North West') names nothing in particular.
QUALIFIERS = set("""
international global world worldwide universal general national american america united
first new old great royal standard common central continental pacific atlantic north south
east west northern southern eastern western asia asian europe european euro africa african
china chinese india indian japan japanese korea korean canada canadian british uk us usa
australia australian emerging one two three alpha beta omega prime smart advanced
innovative green clean
""".split())
# Last words that make a pair a holding's label ('Science Group', 'World Holdings').
HOLDING_WORDS = {"group", "groupe", "holding", "holdings", "company", "companies", "corp",
                 "corporation", "inc", "ltd", "limited", "plc", "co", "partners",
                 "partnership", "enterprises", "enterprise", "reit"}


def _read(path: Path):
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def smart_case(name: str, is_word) -> str:
    """Proper casing of an ALL-CAPS legal name; names with lowercase letters are kept.

    A token stays uppercase when it looks like an acronym: no vowel (HSBC, RBS, BP), or at
    most three letters and not an English/French word (AAR, ABB, but 'Oil', 'And').
    """
    letters = [c for c in name if c.isalpha()]
    # Mostly capitals ('CAMUS ENGINEERING & CONSTRUCTION Inc.') counts as ALL-CAPS.
    if not letters or sum(c.islower() for c in letters) > 0.2 * len(letters):
        return name
    out = []
    for tok in re.split(r"(\s+|-|/|\.)", name):
        t = tok
        core = re.sub(r"[^A-Za-z]", "", t)
        if not core or not core.isupper():
            out.append(t)
            continue
        low = core.lower()
        acronym = not re.search(r"[AEIOUY]", core) or (len(core) <= 3 and not is_word(low))
        if acronym and low not in STOP:
            out.append(t)
        elif low in STOP and out:
            out.append(t.lower())
        else:
            # 'MCDONALD'S' -> "Mcdonald's": good enough; keep letters after apostrophes low.
            out.append(t[:1] + t[1:].lower())
    return "".join(out)


def clean_legal(name: str) -> str:
    """Trim a listing name to the company's legal name (no share class, no security text)."""
    s = name.replace("’", "'").replace("–", "-").strip()
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s*\((?:publ|The|Holding Company|[A-Z]{1,4})\)\s*", " ", s).strip()
    s = re.sub(r"\s*/(?:[A-Z]{2,3}|NEW|ADR|FI|CAN)?/?$", "", s).strip()  # SEC: 'ACME INC /DE/'
    s = re.sub(r"\s*/(?:[A-Z]{2,3}|NEW|ADR|FI|CAN)?/?$", "", s).strip()
    for _ in range(3):
        s2 = SECURITY_RE.sub("", s).strip(" ,-")
        s2 = re.sub(r"[\s-]+(?:[A-C]\s+)?(?:SHS|SHARES?|SH|AKTIE|SER\.?\s*[A-C]|[A-C])$", "",
                    s2, flags=re.I).strip(" ,-")
        if not s2 or s2 == s:
            break
        s = s2
    s = re.sub(r"(?i)\bCo\.?,\s*Ltd\.?$", "Co., Ltd.", s)
    return s.strip(" ,")


def strip_legal(name: str) -> str:
    """'Tullow Oil plc' -> 'Tullow Oil'; never strips to nothing."""
    s = re.sub(r"^The\s+", "", name, flags=re.I)
    prev = None
    while s != prev:
        prev = s
        m = LEGAL_RE.search(s)
        if m and m.start() > 0:
            s = s[: m.start()].rstrip(" ,.&-")
    s = re.sub(r"\s*,\s*$", "", s)
    return s.strip()


def tokens(form: str) -> list[str]:
    return [t for t in re.split(r"[\s\-/&.,]+", form.lower()) if t]


def all_generic(form: str, places: set[str]) -> bool:
    """True when every token is generic or a place ('Global Energy', 'China Gold')."""
    toks = tokens(form)
    return all(t in GENERIC or t in STOP or t in places or t.isdigit() for t in toks)


def legal_to_forms(raw: str, is_word) -> dict | None:
    """News forms of one legal name: {'full', 'base', 'short', 'head_candidate'}."""
    legal = clean_legal(raw)
    if not legal or not WORDISH.search(legal):
        return None
    full = smart_case(legal, is_word)
    base = strip_legal(full)
    short = None
    m = GROUP_RE.search(base)
    if m and m.start() > 0:
        rest = base[: m.start()].strip(" ,")
        toks = tokens(rest)
        # 'Lloyds Banking Group' keeps Group: the rest ends with an industry noun.
        if toks and toks[-1] not in GENERIC:
            short = strip_legal(rest)
    head = None
    bt = base.split()
    if len(bt) >= 2 and all(t in GENERIC or t in STOP for t in tokens(" ".join(bt[1:]))):
        head = bt[0]
    return {"full": full, "base": base, "short": short, "head": head}


# ---------------------------------------------------------------------------------------
# Listings
# ---------------------------------------------------------------------------------------

FD_KEEP = ("symbol", "name", "sector", "industry_group", "industry", "country", "isin",
           "delisted", "exchange")


def load_financedatabase(ref: Path, en_names: dict) -> list[dict]:
    """Equity rows of FinanceDatabase with a country (rows without one are funds, warrants,
    certificates, bonds)."""
    out = []
    for p in sorted((ref / "listings" / "financedatabase").glob("*.csv")):
        for r in _read(p):
            name = (r.get("name") or "").strip()
            country = (r.get("country") or "").strip()
            if not name or not country:
                continue
            if NON_EQUITY_RE.search(name):
                continue
            iso = en_names.get(country, "")
            isin = (r.get("isin") or "").strip()
            # ISINs in this data are sometimes another company's (Tullow Oil carries a US
            # one): trust an ISIN only when its prefix is the row's country.
            if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{9}[0-9]", isin) or isin[:2] != iso:
                isin = ""
            out.append({
                "symbol": r["symbol"].strip(), "name": name, "country": iso,
                "industries": [r.get("sector", ""), r.get("industry_group", ""),
                               r.get("industry", "")],
                "isin": isin, "delisted": r.get("delisted") == "True",
                "exchange": r.get("exchange", p.stem), "source": "financedatabase",
            })
    return out


def load_us(ref: Path) -> list[dict]:
    """Nasdaq / NYSE / NYSE American / Arca / BATS equities (no ETFs, test issues, or
    warrant/unit/right/preferred lines)."""
    out = []
    us = ref / "listings" / "us"
    seen = set()
    for r in _read(us / "nasdaq-listed-symbols.csv"):
        if r.get("ETF") == "Y" or r.get("Test Issue") == "Y":
            continue
        sym, sec = r["Symbol"].strip(), r.get("Security Name", "")
        if not sym or NON_EQUITY_RE.search(sec) or not re.fullmatch(r"[A-Z]{1,5}", sym):
            continue
        seen.add(sym)
        out.append({"symbol": sym, "name": r.get("Company Name") or sec, "country": "",
                    "industries": [], "isin": "", "delisted": False, "exchange": "NASDAQ",
                    "source": "us"})
    for r in _read(us / "other-listed.csv"):
        if r.get("ETF") == "Y" or r.get("Test Issue") == "Y":
            continue
        sym = (r.get("ACT Symbol") or "").strip()
        sec = (r.get("Security Name") or r.get("Company Name") or "").strip()
        if not sym or sym in seen or NON_EQUITY_RE.search(sec):
            continue
        if not re.fullmatch(r"[A-Z]{1,5}", sym):  # BRK.A, ABR$D, XYZ.W: classes/preferreds
            continue
        out.append({"symbol": sym, "name": sec, "country": "", "industries": [], "isin": "",
                    "delisted": False, "exchange": "NYSE", "source": "us"})
    return out


def load_sec(ref: Path) -> tuple[dict, dict]:
    """cik -> metadata row; cik -> [(name, start, end)] sorted by start."""
    d = ref / "former-names"
    meta = {}
    with gzip.open(d / "listed_filer_metadata.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            r["tickers"] = re.findall(r"'([^']+)'", r.get("tickers", ""))
            meta[r["cik"]] = r
    names = defaultdict(list)
    with gzip.open(d / "listed_filer_names.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            names[r["cik"]].append((r["name"].strip(), r["start_date"].strip(),
                                    r["end_date"].strip()))
    for v in names.values():
        v.sort(key=lambda x: (x[1], x[2] or "9999"))
    return meta, dict(names)


def initialism(base: str) -> str | None:
    """'Royal Bank of Scotland' -> 'RBS': initials of the capitalised words of a name of
    three or more significant words (general rule; the caller checks clashes and words)."""
    words = [w for w in re.split(r"[\s\-]+", base) if w]
    sig = [w for w in words if w.lower() not in STOP]
    if len(sig) < 3 or len(sig) > 5:
        return None
    if not all(w[:1].isupper() and w[:1].isalpha() for w in sig):
        return None
    return "".join(w[0] for w in sig).upper()


# ---------------------------------------------------------------------------------------
# Merge listings and SEC names into the gazetteer's companies
# ---------------------------------------------------------------------------------------

# Exchanges whose foreign lines are mere cross-listings (Berkshire Hathaway on Xetra, in
# Mexico, in Vienna): their tickers are kept only for home companies.
EXCHANGE_COUNTRY = {
    "LSE": "GB", "PAR": "FR", "GER": "DE", "AMS": "NL", "BRU": "BE", "LIS": "PT", "MIL": "IT",
    "MCE": "ES", "STO": "SE", "HEL": "FI", "CPH": "DK", "OSL": "NO", "EBS": "CH", "VIE": "AT",
    "ISE": "IE", "JPX": "JP", "HKG": "HK", "TOR": "CA", "ASX": "AU", "NSE": "IN", "KSC": "KR",
    "TAI": "TW", "SHH": "CN", "SHZ": "CN", "SAO": "BR", "MEX": "MX", "JNB": "ZA", "SES": "SG",
}
US_STATE_CODES = set("""AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS
MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR""".split())


class Policy:
    """Which listing-derived forms to keep; word evidence comes from build_gazetteer."""

    def __init__(self, norm_key, is_word, zipf, person_keys, location_keys):
        self.norm_key, self.is_word, self.zipf = norm_key, is_word, zipf
        self.person_keys, self.location_keys = person_keys, location_keys
        self.place_tokens = {k for k in location_keys if " " not in k}

    def frequent(self, tok: str, level: float) -> bool:
        low = tok.lower()
        return self.zipf(low, "en") >= level or self.zipf(low, "fr") >= level

    def keep(self, form: str | None, kind: str) -> bool:
        """kind: 'full' (legal name), 'base' (suffix stripped), 'short' (Group stripped),
        'head' (first word of 'Tullow Oil'), 'former' (an earlier name's base form)."""
        if not form:
            return False
        k = self.norm_key(form)
        letters = re.sub(r"[^A-Za-zÀ-ÿ0-9]", "", form)
        if len(letters) <= 2:
            return False
        # Reporting periods ('Q2 Holdings' -> 'Q2', 'H1', 'FY24', '9M') are what results
        # headlines are full of: never a company form.
        if PERIOD_RE.match(form):
            return False
        if all_generic(form, self.place_tokens):
            return False
        if k in self.location_keys or k in self.person_keys:
            return False
        toks = tokens(form)
        # Phrases joined by a connective or 'Saint' ('Made in USA', 'Saint-Jean') whose other
        # words are all frequent words, generic or places read as text, not as a name.
        if len(toks) > 1 and any(t in STOP or t in SAINT for t in toks) and all(
                t in STOP or t in SAINT or t in GENERIC or t in self.place_tokens
                or self.frequent(t, 3.5) for t in toks):
            return False
        single = len(toks) == 1
        if single:
            if form.isupper() and len(letters) <= 4 and kind != "base":
                # Minor companies' acronyms collide with everything; one that is the
                # company's whole name (`GKN plc`) is kept, flagged ambiguous.
                return False
            if self.frequent(form, 3.0) or self.is_word(form):
                return False
            if kind == "head":
                if len(letters) < 5 or self.frequent(form, 2.5):
                    return False
                if k in self.person_keys or any(c.isdigit() for c in form):
                    return False
        return True


    def context_form(self, form: str | None, kind: str) -> bool:
        """A listed company's own short name made of two generic words ('Standard Life',
        'Old Mutual', 'Royal Gold'), which `keep` refuses: kept as a context-dependent
        form (flagged ambiguous, so found only with company evidence around it).

        Only the base or short form (the name itself, not a head word), two capitalised
        words, one of them a noun rather than a qualifier ('First National' and 'North
        West' stay out), not a holding label ('Science Group'), no place name ('Georgia
        Power' is left to context rules) and not a place or person as a whole.
        """
        if not form or kind not in ("base", "short") or not all_generic(form, self.place_tokens):
            return False
        words = form.split()
        toks = tokens(form)
        if len(words) != 2 or len(toks) != 2:
            return False
        if not all(w[:1].isupper() and w.isalpha() and len(w) >= 3 for w in words):
            return False
        if any(t in STOP or t not in GENERIC for t in toks) or toks[-1] in HOLDING_WORDS:
            return False
        if all(t in QUALIFIERS for t in toks):
            return False
        k = self.norm_key(form)
        return k not in self.location_keys and k not in self.person_keys


def _uf_find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def group_listings(rows: list[dict], norm_key, is_word) -> list[list[dict]]:
    """One group per company: rows linked by ISIN, then by (base name, country); US rows
    (no country) join the group of the same base name."""
    for r in rows:
        r["forms"] = legal_to_forms(r["name"], is_word)
    rows = [r for r in rows if r["forms"]]
    parent = list(range(len(rows)))

    def union(a, b):
        ra, rb = _uf_find(parent, a), _uf_find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first = {}
    by_name = defaultdict(list)
    for i, r in enumerate(rows):
        key = norm_key(r["forms"]["base"])
        r["key"] = key
        if r["isin"]:
            if ("isin", r["isin"]) in first:
                union(i, first[("isin", r["isin"])])
            else:
                first[("isin", r["isin"])] = i
        if r["country"]:
            by_name[key].append(i)
            kk = ("name", key, r["country"])
            if kk in first:
                union(i, first[kk])
            else:
                first[kk] = i
    for i, r in enumerate(rows):
        if not r["country"] and by_name.get(r["key"]):
            union(i, by_name[r["key"]][0])
        elif not r["country"]:
            kk = ("name", r["key"], "")
            if kk in first:
                union(i, first[kk])
            else:
                first[kk] = i
    groups = defaultdict(list)
    for i, r in enumerate(rows):
        groups[_uf_find(parent, i)].append(r)
    return [groups[k] for k in sorted(groups)]


def group_tickers(group: list[dict], country: str) -> list[str]:
    out = []
    for r in group:
        ex_c = EXCHANGE_COUNTRY.get(r["exchange"])
        sym = r["symbol"]
        if r["source"] == "us":
            out.append(sym)
        elif ex_c == country or (country and ex_c is None):
            out.append(sym)
        elif r["exchange"] in ("LSE", "PAR", "AMS", "BRU", "ISE") and not sym[:1].isdigit():
            out.append(sym)
    return sorted(set(out))
