#!/usr/bin/env python3
"""Unit tests of scripts/gazetteer_forms.py (standard library only):
python3 scripts/test_gazetteer_forms.py"""

import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gazetteer_forms as gf  # noqa: E402

GENERIC = {"insurance", "group", "retail", "bank", "banking", "oil", "global"}


def norm_key(s):
    return re.sub(r"[.\s]+", " ", s.lower().replace("’", "'")).strip()


def strip_legal(s):
    return re.sub(r"\s+(?:plc|PLC|Inc\.?|Ltd)$", "", s).strip()


class FormRules(unittest.TestCase):
    def test_ampersand_initials(self):
        self.assertEqual(gf.ampersand_initials("Pellix & Norvane"), "P&N")
        self.assertEqual(gf.ampersand_initials("Legal & General"), "L&G")
        # Common abbreviations are not a company's initials.
        self.assertIsNone(gf.ampersand_initials("Research & Development"))
        self.assertIsNone(gf.ampersand_initials("Pellix Corvane"))
        self.assertIsNone(gf.ampersand_initials("Pellix & Corvane & Brewco"))

    def test_camel_head(self):
        self.assertEqual(gf.camel_head("GlaxoSmithKline"), "Glaxo")
        self.assertEqual(gf.camel_head("VoltixBrewco"), "Voltix")
        self.assertIsNone(gf.camel_head("McDonald"))
        self.assertIsNone(gf.camel_head("Pellix"))
        self.assertIsNone(gf.camel_head("Pellix Corvane"))

    def test_industry_short(self):
        self.assertEqual(gf.industry_short("RSA Insurance Group", GENERIC), "RSA Insurance")
        self.assertEqual(gf.industry_short("Corvane Oil Holdings", GENERIC), "Corvane Oil")
        # The listing rules already give 'Corvane' from 'Corvane Group'.
        self.assertIsNone(gf.industry_short("Corvane Group", GENERIC))
        self.assertIsNone(gf.industry_short("Global Oil Group", GENERIC))
        self.assertIsNone(gf.industry_short("Corvane Mining Ltd", GENERIC))

    def test_possessive_variants(self):
        self.assertEqual(gf.possessive_variants("Barclays"), ["Barclay's"])
        self.assertEqual(gf.possessive_variants("Sainsbury's"), ["Sainsburys"])
        self.assertEqual(gf.possessive_variants("Voltix"), [])
        self.assertEqual(gf.possessive_variants("Fabrikor Press"), [])

    def test_ticker_forms(self):
        rec = {"name": "Pellix Corvane Hotels Group", "aliases": [], "ticker": ["PCH.L"]}
        self.assertEqual(gf.ticker_forms(rec, strip_legal), ["PCH"])
        rec = {"name": "PCH Hotels & Resorts", "aliases": [], "ticker": ["PCH"]}
        self.assertEqual(gf.ticker_forms(rec, strip_legal), [])
        rec = {"name": "Pellix Corvane Hotels", "aliases": [], "ticker": ["PXH"]}
        self.assertEqual(gf.ticker_forms(rec, strip_legal), [])

    def test_related_names(self):
        # Punctuation, initials and a glued spelling relate two names; a bare shared
        # ticker with unrelated names does not.
        self.assertTrue(gf.related_names(["Pellixs Foods"], ["Pellix's Foods"]))
        self.assertTrue(gf.related_names(["Corvane Hotels Group"], ["CHG Hotels & Resorts"]))
        self.assertTrue(gf.related_names(["Fabri Kor Systems"], ["FabriKor Systems"]))
        self.assertFalse(gf.related_names(["Voltix Mining"], ["Brewco Drinks"]))
        self.assertEqual(gf.compact("Gorman-Rupp"), gf.compact("Gorman Rupp"))

    def test_add_press_forms_flags_and_clashes(self):
        companies = {
            "legal": {"entity_id": "legal", "name": "Pellix & Grant", "aliases": ["Pellix & Grant plc"],
                      "ticker": [], "indices": {"FTSE 100"}, "source": "pytickersymbols"},
            "minor": {"entity_id": "minor", "name": "Voltix & Brewco", "aliases": [],
                      "ticker": [], "indices": set(), "source": "listings"},
            "clash": {"entity_id": "clash", "name": "Palo & Gerrit", "aliases": [],
                      "ticker": [], "indices": set(), "source": "listings"},
            "camel": {"entity_id": "camel", "name": "NorvaneKlix", "aliases": [],
                      "ticker": [], "indices": {"DAX"}, "source": "pytickersymbols"},
            "fam": {"entity_id": "fam", "name": "Barclays", "aliases": [],
                    "ticker": [], "indices": {"FTSE 100"}, "source": "pytickersymbols"},
        }
        counts = gf.add_press_forms(
            companies, norm_key, lambda f: f.lower() in {"pharm"}, lambda t: False,
            lambda k: k in {"london"}, GENERIC, strip_legal, {"barclay": 10},
            lambda h, n: False)
        self.assertIn("P&G", companies["legal"]["aliases"])
        self.assertNotIn("P&G", companies["legal"].get("curated_ambiguous", []))
        # A minor company's initials are flagged; a second claimant gets nothing.
        self.assertIn("V&B", companies["minor"]["curated_ambiguous"])
        self.assertEqual(companies["clash"]["aliases"], [])
        self.assertIn("Norvane", companies["camel"]["curated_ambiguous"])
        self.assertIn("Barclay's", companies["fam"]["aliases"])
        self.assertEqual(counts["ampersand"], 2)


if __name__ == "__main__":
    unittest.main()
