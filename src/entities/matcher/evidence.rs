//! Evidence rules for gazetteer hits that need more than a match: an ambiguous name
//! (`Orange`, `Total`) is a company only with context words, a ticker, a listed
//! company beside it or a company-only shape; a name that looks like a person's
//! (`Dana Whitfield`) or cites a venue or a medium is no company mention.

use super::{
    Article, CaseFit, Decision, EntityFinder, FormMeta, Hit, CONF_CASE, CONF_EVIDENCE,
    WINDOW_AFTER, WINDOW_BEFORE,
};
use crate::entities::discover::{
    char_after_is, elision_before, in_caps_line, in_title_case, is_capitalised, is_legal_suffix,
    is_sentence_initial, person_cue_before, sentence_breaks, word_after, word_before,
};
use crate::entities::fold::{fold_word, with_folded_word};
use crate::entities::lexicon::{
    AGENT_VERBS, AUXILIARIES, COMPANY_NAME_WORDS, INDEFINITE, MEDIUM_LINKS, MEDIUM_NOUNS,
    PLACE_PREPOSITIONS, VENUE_WORDS,
};
use crate::entities::EntityKind;

impl EntityFinder {
    /// `Dana Whitfield`, `Dana\nWhitfield`, `Florence Parly`: a one-word company or
    /// place form that is also a common given name, followed on the same line (or across one line break) by a
    /// surname-like word that is neither a company word (`Dana Holding`), a legal form,
    /// nor a gazetteer name. Returns the end of the surname. Capitalised and Title Case
    /// headlines say nothing about names, so they never trigger it.
    pub(super) fn given_name_then_surname(
        &self,
        art: &Article<'_>,
        h: &Hit,
        surface: &str,
    ) -> Option<usize> {
        let text = art.text;
        if surface.contains(' ')
            || !surface.starts_with(char::is_uppercase)
            || !with_folded_word(surface, |f| self.given_names.contains(f))
            || self.pats[h.pat]
                .forms
                .iter()
                .any(|&fi| self.forms[fi].kind == EntityKind::Person)
        {
            return None;
        }
        let (ws, we) = next_word_across_line(text, h.e)?;
        let w = text.get(ws..we)?;
        let surname = crate::entities::discover::is_given_name_like(w)
            && !is_legal_suffix(w)
            && !with_folded_word(w, |f| COMPANY_NAME_WORDS.contains(&f))
            // `Dana Whitfield's` is fine, `Dana-Farber` is a hyphenated name.
            && !char_after_is(text, we, |c| c == '-')
            && !art.hits.iter().any(|o| o.s == ws);
        (surname && !in_caps_line(text, h.s) && !in_title_case(text, h.s, we)).then_some(we)
    }

    /// True when `surface` is spelt exactly like one of the entity's forms.
    fn exact_form(&self, fm: &FormMeta, surface: &str) -> bool {
        let forms = self.gaz.forms();
        self.entity_forms.get(fm.entity).is_some_and(|fs| {
            fs.iter()
                .any(|&i| forms.get(i).is_some_and(|f| f.surface == surface))
        })
    }

    /// `Orange et SFR`, `Visa and Mastercard`, `Amazon, Apple et Microsoft`: an
    /// ambiguous name coordinated with an unambiguous company name is a company too.
    fn coordinated_with_company(&self, art: &Article<'_>, h: &Hit) -> bool {
        let plain = |o: &Hit| {
            self.pats[o.pat].forms.iter().any(|&fi| {
                let f = &self.forms[fi];
                f.kind == EntityKind::Company && !f.ambiguous
            })
        };
        self.coordinated_with(art, h, plain)
    }

    /// True when `h` is coordinated (`X, Y et Z`, `X or Y`) with a company hit for
    /// which `anchor` holds, through other company hits.
    pub(super) fn coordinated_with(
        &self,
        art: &Article<'_>,
        h: &Hit,
        plain: impl Fn(&Hit) -> bool,
    ) -> bool {
        let text = art.text;
        let any_company = |o: &Hit| {
            self.pats[o.pat]
                .forms
                .iter()
                .any(|&fi| self.forms[fi].kind == EntityKind::Company)
        };
        // Walk right through `X, Y et Z` (up to four names).
        let mut cur = h.e;
        for _ in 0..4 {
            let rest = text.get(cur..).unwrap_or("");
            let trimmed = rest.trim_start_matches([' ', ',']);
            let mut p = cur + (rest.len() - trimmed.len());
            let had_comma =
                rest.len() != trimmed.len() && rest[..rest.len() - trimmed.len()].contains(',');
            if let Some((ws, we)) = word_after(text, p) {
                if is_coordinator(&fold_word(text.get(ws..we).unwrap_or(""))) {
                    p = we + 1;
                } else if !had_comma {
                    break;
                }
            }
            let k = art.hits.partition_point(|o| o.s < p);
            let Some(next) = art
                .hits
                .get(k)
                .filter(|o| o.s == p || o.s == p + 1 && p < text.len())
            else {
                break;
            };
            if !any_company(next) {
                break;
            }
            if plain(next) {
                return true;
            }
            cur = next.e;
        }
        // Walk left through `Y, Z et X`.
        let mut cur = h.s;
        for _ in 0..4 {
            let before = text.get(..cur).unwrap_or("");
            let mut t = before.trim_end();
            let mut linked = false;
            if let Some((ws, we)) = word_before(text, t.len(), false) {
                if we == t.len() && is_coordinator(&fold_word(text.get(ws..we).unwrap_or(""))) {
                    t = text.get(..ws).unwrap_or("").trim_end();
                    linked = true;
                }
            }
            if let Some(x) = t.strip_suffix(',') {
                t = x.trim_end();
                linked = true;
            }
            if !linked {
                break;
            }
            let k = art.hits.partition_point(|o| o.e < t.len());
            let Some(prev) = art.hits.get(k).filter(|o| o.e == t.len()) else {
                break;
            };
            if !any_company(prev) {
                break;
            }
            if plain(prev) {
                return true;
            }
            cur = prev.s;
        }
        false
    }

    /// Is there an unambiguous gazetteer name (company or place) overlapping `s..e`?
    /// Such a word before a name is not a first name (`Nissan Renault`), while an
    /// ambiguous one can be (`Nikola Tesla`).
    fn plain_name_at(&self, art: &Article<'_>, s: usize, e: usize) -> bool {
        let first = art.hits.partition_point(|h| h.e <= s);
        art.hits[first..].iter().take_while(|h| h.s < e).any(|h| {
            self.pats[h.pat]
                .forms
                .iter()
                .any(|&fi| !self.forms[fi].ambiguous && self.forms[fi].kind != EntityKind::Person)
        })
    }

    /// Is `w` a known given name (gazetteer persons' first names and the given-name
    /// list)?
    fn is_given(&self, w: &str) -> bool {
        with_folded_word(w, |f| self.given_names.contains(f))
    }

    /// A single-word company name used as a surname (`M. Dupont`, `Martin Bouygues`):
    /// a person cue right before it, outside capitalised headlines.
    pub(super) fn person_like(&self, art: &Article<'_>, h: &Hit, surface: &str) -> bool {
        let text = art.text;
        if surface.contains(' ') {
            return false;
        }
        let known = |s: usize, e: usize| self.plain_name_at(art, s, e);
        (person_cue_before(text, h.s, known, |w| self.is_given(w)) || family_after(text, h.e))
            && !in_caps_line(text, h.s)
            && !in_title_case(text, h.s, h.e)
    }

    /// Evidence rules for an ambiguous company form (see the module docs of
    /// [`crate::entities`]): person cues reject; context words, tickers, legal suffixes and
    /// `chez` accept; a capital letter mid-sentence accepts weakly.
    pub(super) fn ambiguous_decision(
        &self,
        art: &Article<'_>,
        h: &Hit,
        fm: &FormMeta,
        fit: CaseFit,
    ) -> Decision {
        let text = art.text;
        let surface = text.get(h.s..h.e).unwrap_or("");
        if !surface
            .chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_uppercase)
        {
            return Decision::Reject;
        }
        let known = |s: usize, e: usize| self.plain_name_at(art, s, e);
        if person_cue_before(text, h.s, known, |w| self.is_given(w)) || family_after(text, h.e) {
            return Decision::Reject;
        }
        if fm.institution {
            return if self.coordinated_with_company(art, h) {
                Decision::Accept(CONF_EVIDENCE)
            } else {
                Decision::Undecided
            };
        }
        // Context words nearby (excluding the name itself).
        let lo = h.s.saturating_sub(WINDOW_BEFORE);
        let hi = h.e + WINDOW_AFTER;
        // Evidence spans come from the hits: sorted and non-overlapping, so a binary
        // search finds the window (long articles have hundreds of them).
        let first = art.evidence.partition_point(|&(_, b)| b <= lo);
        let near = art.evidence[first..]
            .iter()
            .take_while(|&&(a, _)| a < hi)
            .any(|&(a, b)| !(a == h.s && b == h.e));
        if near {
            return Decision::Accept(CONF_EVIDENCE);
        }
        let prev = word_before(text, h.s, false)
            .and_then(|(a, b)| text.get(a..b))
            .map(fold_word)
            .unwrap_or_default();
        if prev == "chez" || self.ticker_in_text(text, fm.entity) {
            return Decision::Accept(CONF_EVIDENCE);
        }
        if self.coordinated_with_company(art, h) {
            return Decision::Accept(CONF_EVIDENCE);
        }
        // An accented spelling (`Nestlé`) is not the plain common word (`nestle`).
        if !surface.is_ascii() && self.exact_form(fm, surface) {
            return Decision::Accept(CONF_CASE);
        }
        let caps = in_caps_line(text, h.s);
        if !caps && agent_verb_after(text, h.e) {
            return Decision::Accept(CONF_CASE);
        }
        let elided = elision_before(text, h.s);
        // `Nikola Tesla`, `Apple Watch`: a capitalised word after may make it a first
        // name or a product; the capital alone is then no evidence.
        let next_cap = next_word_across_line(text, h.e)
            .and_then(|(a, b)| text.get(a..b))
            .is_some_and(is_capitalised);
        // `une Mercedes`, `a Coke`: an indefinite article makes it a product or a
        // person; a Title-case acronym (`Scor`) has no capital to trust.
        let indefinite = INDEFINITE.contains(&prev.as_str()) || prev == "des";
        let weak = !caps
            && !next_cap
            && !indefinite
            && fit == CaseFit::Yes
            && !is_sentence_initial(text, h.s)
            && !in_title_case(text, h.s, h.e)
            && surface.chars().any(char::is_lowercase)
            && !fm.conflict
            && !(elided.is_none() && PLACE_PREPOSITIONS.contains(&prev.as_str()));
        if weak {
            Decision::Accept(CONF_CASE)
        } else {
            Decision::Undecided
        }
    }
}

/// The word after `end`, skipping spaces and at most one line break (`Dana\nWhitfield`
/// in wrapped text); `None` after a blank line (a headline ends there).
fn next_word_across_line(text: &str, end: usize) -> Option<(usize, usize)> {
    let rest = text.get(end..)?;
    let gap_len = rest
        .find(|c: char| !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u{a0}'))
        .unwrap_or(rest.len());
    let gap = rest.get(..gap_len)?;
    if gap.is_empty() || gap.matches('\n').count() > 1 {
        return None;
    }
    let (a, b) = word_after(text, end + gap_len)?;
    (a == end + gap_len).then_some((a, b))
}

/// `Amazon va construire`, `Visa processed`: a verb of corporate action right after
/// the name (optionally after an auxiliary) shows an agent, not a fruit or a colour.
pub(super) fn agent_verb_after(text: &str, end: usize) -> bool {
    let mut p = end;
    let rest = text.get(p..).unwrap_or("");
    // `Meta's new app`: a possessive marks an owner, i.e. an agent.
    if rest.starts_with("'s ") || rest.starts_with("’s ") {
        return true;
    }
    if !rest.starts_with(' ') {
        return false;
    }
    for step in 0..2 {
        let Some((a, b)) = word_after(text, p) else {
            return false;
        };
        let (verb, aux) = with_folded_word(text.get(a..b).unwrap_or(""), |w| {
            (AGENT_VERBS.contains(&w), AUXILIARIES.contains(&w))
        });
        if verb {
            return true;
        }
        if step == 0 && aux {
            p = b;
            continue;
        }
        return false;
    }
    false
}

/// `du « Parisien »`, `au Figaro`, `des Echos`: a contracted article (past an opening
/// quote) right before `start`.
pub(super) fn contraction_before(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let bare = before.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '«' | '"' | '“' | '\u{a0}' | '\u{202f}')
    });
    word_before(text, bare.len(), false)
        .filter(|&(_, b)| b == bare.len())
        .and_then(|(a, b)| text.get(a..b))
        .is_some_and(|w| matches!(w, "du" | "au" | "des" | "aux" | "Du" | "Au" | "Des" | "Aux"))
}

/// `Accor Arena`, `Allianz Stadium`: a capitalised venue word right after a company
/// name makes it part of a place named after its sponsor.
pub(super) fn sponsor_of_venue(text: &str, end: usize) -> bool {
    text.get(end..).is_some_and(|r| r.starts_with(' '))
        && word_after(text, end)
            .filter(|&(a, _)| a == end + 1)
            .and_then(|(a, b)| text.get(a..b))
            .is_some_and(|w| is_capitalised(w) && with_folded_word(w, |f| VENUE_WORDS.contains(&f)))
}

/// `dans une tribune au « Monde »`, `selon Le Figaro`, `sur France 2`, `told
/// Reuters`: a newspaper or channel named as the medium that carries a quote, a
/// column or a programme, not as a business. A citing noun (`tribune`, `interview`)
/// may stand within the four words before the name, in its sentence; a citing
/// preposition or verb (`selon`, `sur`, `told`) must come right before it, past
/// articles and `to`.
pub(super) fn cited_as_medium(text: &str, start: usize) -> bool {
    let mut pos = start;
    let mut adjacent = true;
    for _ in 0..4 {
        // Past the opening quote of `au « Monde »`.
        let before = text.get(..pos).unwrap_or("");
        let bare = before.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '«' | '"' | '“' | '‘' | '\u{a0}' | '\u{202f}')
        });
        let Some((a, b)) = word_before(text, bare.len(), false) else {
            return false;
        };
        if sentence_breaks(text, b, pos) > 0 {
            return false;
        }
        let (noun, prep, small) = text.get(a..b).map_or((false, false, false), |w| {
            with_folded_word(w, |f| {
                (
                    MEDIUM_NOUNS.contains(&f),
                    MEDIUM_LINKS.contains(&f),
                    matches!(
                        f,
                        "le" | "la" | "les" | "l" | "the" | "to" | "au" | "du" | "de"
                    ),
                )
            })
        });
        if noun || (adjacent && prep) {
            return true;
        }
        adjacent &= small;
        pos = a;
    }
    false
}

/// Words that put two company names side by side (`X et Y`, `X rather than Y`).
fn is_coordinator(w: &str) -> bool {
    matches!(
        w,
        "et" | "and" | "ou" | "or" | "than" | "vs" | "versus" | "que"
    )
}

/// `the Bouygues family`, `les frères Bouygues` style: a family word right after.
fn family_after(text: &str, end: usize) -> bool {
    word_after(text, end)
        .filter(|&(s, _)| text.get(end..s).is_some_and(|g| g.trim().is_empty()))
        .and_then(|(s, e)| text.get(s..e))
        .is_some_and(|w| {
            matches!(
                fold_word(w).as_str(),
                "family" | "brothers" | "sisters" | "heirs" | "dynasty" | "clan"
            )
        })
}
