"""Press forms of listed companies' names, derived from the names the gazetteer holds.

Called by build_gazetteer.py after the listings, renames and index initialisms are in.
News shortens well-known company names in a few regular ways that the legal names do not
show; each rule below derives one kind, from the whole reference, and reports how many
forms it added (`python scripts/build_gazetteer.py --reference DIR -v` lists them):

* ampersand initials: `Legal & General` -> `L&G`, `Procter & Gamble` -> `P&G`;
* a ticker that abbreviates the name: `InterContinental Hotels Group` with symbol `IHG`;
* the head of a glued CamelCase name: `GlaxoSmithKline` -> `Glaxo`, `ExxonMobil` -> `Exxon`;
* the name before a closing `Group`/`Holdings` when it ends with an industry noun:
  `RSA Insurance Group` -> `RSA Insurance` (the listing rules keep `Group` there), and
  for a well-known company its opening acronym (`RSA`);
* the possessive spelling of a name ending in `s` (`Barclays` -> `Barclay's`) and the
  apostrophe-less spelling of one ending in `'s` (`Sainsbury's` -> `Sainsburys`).

Forms that may be something else (an acronym, a short head word) are flagged ambiguous
(the finder then needs company evidence around them); a form another company already
owns, or that is a word, place or person, is never added. Contractions that news makes up
from two words (`StanChart`) are resolved when reading (src/entities/matcher/contraction.rs),
not enumerated here.
"""

from __future__ import annotations

import re

# Ampersand pairs that are common abbreviations, not a company's initials.
AMPERSAND_TERMS = {
    "m&a", "r&d", "p&l", "q&a", "b&b", "s&p", "f&b", "g&a", "e&p", "o&g", "c&i", "d&o",
    "t&c", "a&e", "h&s", "s&l", "b&w", "r&b", "r&r", "p&c", "l&d", "i&c", "m&e", "o&m",
    "e&o", "c&f", "p&i", "d&a", "a&r", "k&r",
}
# Name prefixes that are not a CamelCase part of their own (`McDonald`, `MacAndrews`).
CAMEL_PREFIXES = {"mc", "mac", "de", "di", "le", "la", "van", "von", "du", "o"}
CAMEL_RE = re.compile(r"^([A-Z][a-z]{3,})((?:[A-Z][a-z]+)+)$")
AMP_RE = re.compile(r"^([A-Z][A-Za-z]+)\s*&\s*([A-Z][A-Za-z]+)$")
GROUP_TAIL_RE = re.compile(r"\s+(?:Group|Holdings?|Groupe)$")


def prominent(rec: dict) -> bool:
    """An index member or a curated company: news knows it well enough to shorten it."""
    src = rec.get("source", "")
    return bool(rec.get("indices")) or src.startswith("curated") or "+curated" in src


def ampersand_initials(form: str) -> str | None:
    """'Legal & General' -> 'L&G': initials of the two words around an ampersand."""
    m = AMP_RE.match(form.strip())
    if not m:
        return None
    acr = f"{m.group(1)[0]}&{m.group(2)[0]}".upper()
    return None if acr.lower() in AMPERSAND_TERMS else acr


def camel_head(form: str) -> str | None:
    """'GlaxoSmithKline' -> 'Glaxo': the first part of a one-word CamelCase name."""
    m = CAMEL_RE.match(form.strip())
    if not m:
        return None
    head = m.group(1)
    if head.lower() in CAMEL_PREFIXES:
        return None
    return head


def industry_short(form: str, generic: set[str]) -> str | None:
    """'RSA Insurance Group' -> 'RSA Insurance': the name before a closing 'Group' when it
    ends with an industry noun and starts with a word of its own."""
    m = GROUP_TAIL_RE.search(form)
    if not m or m.start() == 0:
        return None
    rest = form[: m.start()].strip(" ,")
    words = rest.split()
    if len(words) < 2 or words[-1].lower() not in generic:
        return None
    if words[0].lower() in generic:
        return None
    return rest


def possessive_variants(form: str) -> list[str]:
    """'Barclays' -> "Barclay's"; "Sainsbury's" -> 'Sainsburys' (one-word names)."""
    f = form.strip()
    if " " in f:
        return []
    if re.fullmatch(r"[A-Z][A-Za-z]{3,}'s", f):
        return [f[:-2] + "s"]
    if re.fullmatch(r"[A-Z][a-z]{3,}[^s]s", f):
        return [f[:-1] + "'s"]
    return []


def initials(form: str) -> str:
    """Initials of the capitalised words of a name ('Intercontinental Hotels Group' -> 'IHG')."""
    words = [w for w in re.split(r"[\s\-]+", form) if w and w[:1].isupper()]
    return "".join(w[0] for w in words).upper()


def ticker_forms(rec: dict, strip_legal) -> list[str]:
    """Tickers that abbreviate the company's name: the initials of one of its names of
    three or more words. (A name that opens with its ticker, `CMS Energy`, gives no form:
    such letters open other names too, `CMS Francis Lefebvre`.)"""
    bases = set()
    for t in rec.get("ticker", []):
        b = t.split(".")[0].upper()
        if re.fullmatch(r"[A-Z]{3,5}", b):
            bases.add(b)
    out = []
    for a in [rec["name"]] + rec["aliases"]:
        base = strip_legal(a)
        for form in (base, GROUP_TAIL_RE.sub("", base)):
            words = [w for w in form.split() if w[:1].isupper()]
            if len(words) >= 3 and initials(form) in bases:
                out.append(initials(form))
    return sorted(set(out))


def current_names(rec: dict, norm_key) -> list[str]:
    """The name and the aliases that spell it (legal variants, `Group` or not): a former
    name's forms are history, not what news calls the company today."""
    first = norm_key(rec["name"]).split(" ")[0] if rec["name"].strip() else ""
    return [a for a in [rec["name"]] + list(rec["aliases"])
            if a.strip() and norm_key(a).split(" ")[0] == first]


def compact(s: str) -> str:
    """Letters and digits only, lowercase: 'Domino's' and 'Dominos', 'Gorman-Rupp' and
    'Gorman Rupp' are one spelling."""
    return re.sub(r"[^a-z0-9]", "", s.lower())


def related_names(names_a, names_b) -> bool:
    """Whether two lists of names can be one company's (used with a shared ticker, which
    is reused after delistings): the same first word up to punctuation, the same name up
    to punctuation, or one name's initials as the other's first word
    (`Intercontinental Hotels Group` and `IHG Hotels & Resorts`)."""
    def firsts(names):
        return {compact(n.split()[0]) for n in names if n.split()}

    def inits(names):
        out = set()
        for n in names:
            ws = [w for w in re.split(r"[\s\-]+", n) if w[:1].isalpha()]
            if len(ws) >= 3:
                out.add("".join(w[0] for w in ws).lower())
        return out

    fa, fb = firsts(names_a), firsts(names_b)
    ca = {compact(n) for n in names_a}
    cb = {compact(n) for n in names_b}
    if (fa & fb) - {""} or (ca & cb) - {""}:
        return True
    if any(c.startswith(d) or d.startswith(c) for c in ca for d in cb if min(len(c), len(d)) >= 6):
        return True
    return bool(inits(names_a) & fb or inits(names_b) & fa)


def add_press_forms(companies: dict, norm_key, is_word, frequent, blocked, generic: set[str],
                    strip_legal, surnames: dict[str, int], word_prefix,
                    verbose: bool = False) -> dict[str, int]:
    """Adds the press forms above to `companies` (aliases, and `curated_ambiguous` for
    the flagged ones). `is_word(form)`: an ordinary word; `frequent(token)`: a frequent
    word in English or French; `blocked(key)`: a place or person name; `surnames`: folded
    family names -> frequency rank (a name `Barclays` is a family's, so `Barclay's` is its
    spelling too); `word_prefix(head, name)`: the head starts a longer frequent word
    other than the name itself (`Pharm`, `Compu`).
    Returns the number of forms added per rule."""
    taken = {norm_key(a) for rec in companies.values() for a in [rec["name"]] + rec["aliases"]}
    counts = {"ampersand": 0, "ticker": 0, "camel": 0, "industry": 0, "possessive": 0}
    added_forms = []

    def add(rec, form, rule, ambiguous):
        k = norm_key(form)
        if k in taken or blocked(k):
            return
        taken.add(k)
        rec["aliases"] = rec["aliases"] + [form]
        if ambiguous:
            rec["curated_ambiguous"] = rec.get("curated_ambiguous", []) + [form]
        counts[rule] += 1
        added_forms.append((rule, rec["entity_id"], form, ambiguous))

    # Well-known companies first: a form two companies could claim goes to the one news
    # means by it.
    for eid in sorted(companies, key=lambda e: (not prominent(companies[e]), e)):
        rec = companies[eid]
        known = prominent(rec)
        # A well-known company's former names are still in the news it is dated by
        # (`GlaxoSmithKline` before `GSK`); a minor one's are not.
        current = current_names(rec, norm_key)
        for a in [rec["name"]] + list(rec["aliases"]) if known else current:
            base = strip_legal(a)
            acr = ampersand_initials(GROUP_TAIL_RE.sub("", base))
            # Initials stay with the name they abbreviate: `D&B` is Dun & Bradstreet's,
            # not that of the company that once filed under that name.
            if acr and a in current:
                # A minor company's initials need company context around them.
                add(rec, acr, "ampersand", not known)
            short = industry_short(base, generic)
            if short:
                # `Super Retail`, `Home Retail`: a frequent first word makes the pair
                # read as text; company evidence decides.
                first = short.split()[0]
                add(rec, short, "industry", not first.isupper() and frequent(first))
                # `RSA` from `RSA Insurance Group`: a well-known company's own acronym,
                # which many bodies share, so flagged.
                if known and first.isupper() and first.isalpha() and 3 <= len(first) <= 4:
                    add(rec, first, "industry", True)
            head = camel_head(base)
            if (head and known and not frequent(head) and not is_word(head)
                    and not word_prefix(head, base)):
                # A head word may be a surname or a product: context decides.
                add(rec, head, "camel", True)
            if known:
                for v in possessive_variants(base):
                    stem = v[:-2] if v.endswith("'s") else v[:-1]
                    # `Barclays` is the Barclay family's; `Hawkins` is a surname itself.
                    if v.endswith("'s") and (norm_key(stem) not in surnames or surnames.get(
                            norm_key(base), float("inf")) < surnames[norm_key(stem)]):
                        continue
                    if not blocked(norm_key(stem)) and not is_word(stem):
                        add(rec, v, "possessive", False)
        if known:
            for t in ticker_forms(rec, strip_legal):
                if not is_word(t.capitalize()):
                    add(rec, t, "ticker", True)
    if verbose:
        for rule, eid, form, amb in added_forms:
            print(f"  press form [{rule}] {eid}: {form}{' (ambiguous)' if amb else ''}")
    return counts
