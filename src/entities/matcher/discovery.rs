//! Discovery of names the gazetteer does not list: companies introduced by a cue
//! (a legal form, a company noun, a leader role) or by the learned recogniser, persons
//! introduced by a title or a given name, and coreference of later bare mentions
//! (`le groupe`) to the last company named.

use super::evidence::agent_verb_after;
use super::{
    sorted_overlap, Article, PatInfo, CONF_COREF, CONF_DISCOVERED, CONF_DISCOVERED_REPEAT, COREF,
    LEADER, LEGAL, NOUN, TITLE, WINDOW_AFTER, WINDOW_BEFORE,
};
use crate::entities::discover::{
    char_after_is, chunk_after, chunk_before, elision_before, in_caps_line, in_title_case,
    is_capitalised, is_legal_suffix, is_non_company_group, is_non_company_name, is_short_acronym,
    is_stopword, name_after, name_before, non_company_appositive, person_after, sentence_breaks,
    slug, word_after, word_before,
};
use crate::entities::fold::{fold_word, with_folded_word};
use crate::entities::lexicon::{
    AGENT_VERBS, COMPANY_NAME_WORDS, COMPANY_NOUNS, DEFINITE, EVIDENCE, INDEFINITE,
    INDUSTRY_NAME_WORDS, LEADERS, NATIONALITY_ADJECTIVES, SECTION_LABELS, TITLES,
};
use crate::entities::{EntityKind, Mention, Via};
use crate::text::lang::Lang;

/// What introduced a discovered name; weak cues also introduce parties, unions, NGOs
/// and public bodies (`le groupe LR`, `le patron du Medef`), so they need more checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Cue {
    /// A legal form (`Acme SA`) or a noun that only names firms (`la société X`,
    /// `l'entreprise X`, `X, a Paris-based startup`).
    Strong,
    /// `le groupe X` / `the group X` (cue noun span): also political groups.
    Group { cs: usize, ce: usize },
    /// A leader role (`PDG de X`, `X's CEO`) or a vaguer noun (`le géant X`); `group`
    /// holds the noun span when it is `groupe`/`group` in an appositive.
    Weak { group: Option<(usize, usize)> },
    /// A later bare mention of a name already accepted in this article.
    Repeat,
}

/// Company nouns that may also head a non-company group of people or a vague
/// description; every other company noun (`société`, `start-up`, `company`) is strong.
const WEAK_NOUNS: &[&str] = &[
    "groupe",
    "group",
    "geant",
    "giant",
    "laboratoire",
    "holding",
    "conglomerat",
    "conglomerate",
];

/// The cue for a company noun hit at `s..e` (`groupe` → [`Cue::Group`]).
fn noun_cue(text: &str, s: usize, e: usize) -> Cue {
    let f = fold_word(text.get(s..e).unwrap_or(""));
    if f == "groupe" || f == "group" {
        Cue::Group { cs: s, ce: e }
    } else if WEAK_NOUNS.contains(&f.as_str()) {
        Cue::Weak { group: None }
    } else {
        Cue::Strong
    }
}

impl Article<'_> {
    /// Is an evidence word (`shares`, `deal`, `CEO`…) or a legal suffix near `s..e`,
    /// outside it (the window of the ambiguous-name rules)?
    fn evidence_near(&self, s: usize, e: usize) -> bool {
        let lo = s.saturating_sub(WINDOW_BEFORE);
        let hi = e + WINDOW_AFTER;
        let first = self.evidence.partition_point(|&(_, b)| b <= lo);
        self.evidence[first..]
            .iter()
            .take_while(|&&(a, _)| a < hi)
            .any(|&(a, b)| b <= s || a >= e)
    }

    pub(super) fn covered(&self, s: usize, e: usize) -> bool {
        sorted_overlap(&self.form_spans, s, e) || self.mention_at(s, e)
    }

    /// Does a mention found so far overlap `s..e`?
    fn mention_at(&self, s: usize, e: usize) -> bool {
        let mut taken = self.taken.borrow_mut();
        for m in self.mentions.iter().skip(taken.indexed) {
            taken.insert(m.start, m.end);
        }
        taken.indexed = self.mentions.len();
        taken.overlaps(s, e)
    }

    pub(super) fn add_discovered(&mut self, s: usize, e: usize, conf: f32, cue: Cue) -> bool {
        // `Buying Corvane`, `Pellix Offers`: a deal word at the span's edge is not the name.
        let (s, e) = super::deal_words::trim_deal_words(self.text, s, e);
        // `médias d'Etat Voltix`: a capitalised complement noun is not the name.
        let s = super::not_company::trim_complement_head(self.text, s, e);
        let Some(name) = self.text.get(s..e) else {
            return false;
        };
        // `BUZZ-Corvane Group`, `UPDATE 1-Acme`: a wire tag or a number glued by a hyphen
        // is not part of the name.
        let (s, name) = match name.split_once('-') {
            Some((tag, rest))
                if !tag.is_empty()
                    && tag
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && (tag.len() >= 4 || tag.bytes().all(|b| b.is_ascii_digit()))
                    && rest.starts_with(|c: char| c.is_uppercase()) =>
            {
                (s + tag.len() + 1, rest)
            }
            _ => (s, name),
        };
        let sl = slug(name);
        if sl.is_empty() || self.covered(s, e) || !plausible_company_name(name) {
            return false;
        }
        // A cue phrase (`CAC 40`, `Wall Street`) is never a company name.
        if self.cue_phrases.iter().any(|&(a, b)| a < e && s < b) {
            return false;
        }
        if cue != Cue::Repeat && (is_non_company_name(name) || non_company_appositive(self.text, e))
        {
            return false;
        }
        match cue {
            Cue::Weak { .. } if is_short_acronym(name) => return false,
            Cue::Group { cs, ce }
            | Cue::Weak {
                group: Some((cs, ce)),
            } if is_short_acronym(name) || is_non_company_group(self.text, cs, ce, s, e) => {
                return false
            }
            _ => {}
        }
        // `l'assureur Pascal Demurger`: a first name + surname is a person; two names
        // joined by `&` are a firm's (`Simon & Schuster`).
        let mut words = name.split_whitespace();
        let ampersand = name.split_whitespace().any(|w| w == "&");
        if let (Some(first), Some(_), false) = (words.next(), words.next(), ampersand) {
            let first = first.split('-').next().unwrap_or(first);
            if self.given_names.contains(&fold_word(first)) {
                return false;
            }
        }
        self.mentions.push(Mention {
            entity_id: format!("new:{sl}"),
            name: name.to_string(),
            kind: EntityKind::Company,
            start: s,
            end: e,
            confidence: conf,
            via: Via::Discovered,
        });
        true
    }
}

/// A discovered name must contain a letter, not be a lone stop word or a single
/// capital letter, and not end in an elision (`qu'`).
fn plausible_company_name(name: &str) -> bool {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && !name.ends_with('\'')
        && !name.split_whitespace().all(is_stopword)
        && !name.split_whitespace().next().is_some_and(is_stopword)
}

/// Drops a trailing legal-form word (`Apple Inc.` → `Apple`) and a lowercase leading
/// `groupe` (`groupe Orange` → `Orange`) from a gazetteer span, so spans follow one
/// convention: the name itself.
pub(super) fn trim_legal_tail(text: &str, s: usize, e: usize) -> (usize, usize) {
    let Some(surface) = text.get(s..e) else {
        return (s, e);
    };
    // `le groupe Orange`: a lowercase `groupe` is a common noun, not part of the name.
    for head in ["groupe ", "group "] {
        if let Some(rest) = surface.strip_prefix(head) {
            if !rest.is_empty() {
                return trim_legal_tail(text, s + head.len(), e);
            }
        }
    }
    if let Some(sp) = surface.rfind(' ') {
        let tail = surface.get(sp + 1..).unwrap_or("");
        if is_legal_suffix(tail) && tail != "Group" && sp > 0 {
            let head = surface.get(..sp).unwrap_or("").trim_end_matches([',', ' ']);
            return (s, s + head.len());
        }
    }
    (s, e)
}

fn is_lower_word(text: &str, s: usize, e: usize) -> bool {
    text.get(s..e)
        .and_then(|w| w.chars().find(|c| c.is_alphabetic()))
        .is_some_and(char::is_lowercase)
}

/// Unknown companies from legal suffixes (`Acme SA`), company nouns (`la start-up X`,
/// `X, a Paris-based startup`), leaders (`PDG de X`, `X's CEO`); then later bare
/// mentions of the same names in the article.
pub(super) fn discover_companies(art: &mut Article<'_>, pats: &[PatInfo]) {
    let text = art.text;
    let adjectives = if art.lang == Lang::En { 0 } else { 2 };
    let mut found: Vec<(usize, usize)> = Vec::new();
    for h in art.hits.iter() {
        let flags = pats[h.pat].flags;
        if flags & (LEGAL | NOUN | LEADER) == 0 {
            continue;
        }
        let surface = text.get(h.s..h.e).unwrap_or("");
        let legal = flags & LEGAL != 0 && is_legal_suffix(surface);
        let noun = flags & NOUN != 0 && is_lower_word(text, h.s, h.e);
        if !(legal || noun || flags & LEADER != 0) {
            continue;
        }
        // Shouting headlines capitalise everything: no name can be told apart.
        let caps = || in_caps_line(text, h.s);
        if legal {
            if let Some((s, e)) = name_before(text, h.s) {
                // The name must touch the suffix (one space).
                if text.get(e..h.s).is_some_and(|g| g == " ")
                    && !caps()
                    && art.add_discovered(s, e, CONF_DISCOVERED, Cue::Strong)
                {
                    found.push((s, e));
                }
            }
            continue;
        }
        // `selon le quotidien X`: an outlet named as a medium (see `media`).
        if noun && super::media::medium_noun_cited(text, h.s, h.e) {
            continue;
        }
        if noun {
            let cue = noun_cue(text, h.s, h.e);
            // `la société X`, `the company X`
            if let Some((s, e)) = name_after(text, h.e, adjectives) {
                let e = with_number(text, s, e);
                if !caps() && art.add_discovered(s, e, CONF_DISCOVERED, cue) {
                    found.push((s, e));
                }
            }
            // `X, a Paris-based startup` / `X, une start-up lyonnaise`
            if let Some((s, e)) = appositive_name(text, h.s) {
                let cue = match cue {
                    Cue::Group { cs, ce } => Cue::Weak {
                        group: Some((cs, ce)),
                    },
                    c => c,
                };
                if !caps() && art.add_discovered(s, e, CONF_DISCOVERED, cue) {
                    found.push((s, e));
                }
            }
        }
        if flags & LEADER != 0 {
            // `PDG de X`, `CEO of X`
            if let Some((ws, we)) = chunk_after(text, h.e) {
                let w = text.get(ws..we).unwrap_or("");
                let fw = fold_word(w);
                let start = if fw == "de" || fw == "of" || fw == "du" {
                    Some(we)
                } else if fw.starts_with("d'") {
                    Some(ws) // name_after strips the elision
                } else {
                    None
                };
                if let Some(p) = start {
                    if let Some((s, e)) = name_after(text, p, 0) {
                        let e = with_number(text, s, e);
                        let cue = Cue::Weak { group: None };
                        if !caps() && art.add_discovered(s, e, CONF_DISCOVERED, cue) {
                            found.push((s, e));
                        }
                    }
                }
            }
            // `X's CEO`
            if let Some((cs, ce)) = chunk_before(text, h.s) {
                let c = text.get(cs..ce).unwrap_or("");
                for suf in ["'s", "’s"] {
                    if let Some(stem) = c.strip_suffix(suf) {
                        if let Some((s, e)) = name_before(text, cs + stem.len()) {
                            let cue = Cue::Weak { group: None };
                            if !caps() && art.add_discovered(s, e, CONF_DISCOVERED, cue) {
                                found.push((s, e));
                            }
                        }
                    }
                }
            }
        }
    }
    // Later (or earlier) bare mentions of discovered names.
    let mut names: Vec<(String, String)> = Vec::new();
    for (s, e) in found {
        if let Some(n) = text.get(s..e) {
            if !names.iter().any(|(x, _)| x == n) {
                names.push((n.to_string(), format!("new:{}", slug(n))));
            }
        }
    }
    for (name, _) in names {
        let mut from = 0;
        while let Some(off) = text.get(from..).and_then(|t| t.find(name.as_str())) {
            let s = from + off;
            let e = s + name.len();
            from = e;
            let left_ok = crate::entities::discover::char_before(text, s)
                .is_none_or(|(_, c)| !c.is_alphanumeric());
            let right_ok = !char_after_is(text, e, char::is_alphanumeric);
            if left_ok && right_ok {
                art.add_discovered(s, e, CONF_DISCOVERED_REPEAT, Cue::Repeat);
            }
        }
    }
}

/// Capitalised spans that no list or pattern covers and that the learned recogniser
/// ([`crate::entities::recognizer`]) scores as a company at or above its threshold; the score is
/// the confidence. The same filters as pattern discoveries apply (`add_discovered`).
pub(super) fn discover_learned(art: &mut Article<'_>) {
    let rec = crate::entities::recognizer::CompanyRecognizer::shipped();
    let t = rec.threshold_for(art.lang);
    let text = art.text;
    // Spans that `add_discovered` would refuse anyway are not scored: capitalised
    // acronyms (`ISR`, `AAPL`: mostly labels, bodies or tickers) and `Prénom Nom`.
    let keep = |s: usize, e: usize| {
        let Some(n) = text.get(s..e) else {
            return false;
        };
        let acronym = !n.contains(' ')
            && !n.chars().any(char::is_lowercase)
            && n.chars().filter(|c| c.is_alphabetic()).count() <= 5;
        let given = n.split_once(' ').is_some_and(|(first, _)| {
            let first = first.split('-').next().unwrap_or(first);
            with_folded_word(first, |f| art.given_names.contains(f))
        });
        // `The CompaniesRenault label`: a section label glued to a name mid-line is a
        // scraping artefact (at a line start the tokeniser splits it off).
        let glued = SECTION_LABELS.iter().any(|l| {
            n.strip_prefix(l)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
        });
        // `Economie :` opening a line is a topic label (checked before scoring: cheap).
        !acronym && !given && !glued && !art.covered(s, e) && !topic_label(text, s, e)
    };
    // English has a lower threshold than French (see `threshold_for`); a name shaped
    // like a person's (`Girish Pai`: plain capitalised words, no company word) still
    // needs the general one, since the model cannot see the words themselves.
    let general = rec.threshold();
    // Public and non-company bodies are left out before scoring.
    let scored = rec.scored_companies(text, art.lang, keep);
    for (s, e, p) in scored {
        if p < t {
            continue;
        }
        let name = text.get(s..e).unwrap_or("");
        // Below the general threshold the model alone is not enough: the name must also
        // have company context (an evidence word nearby, a corporate verb or a
        // possessive right after: `Ambrose soars`, `Corvane shareholders`), which
        // places (`the oracle at Delphi`) and products (`Prime Day helped…`) lack.
        let sure = p >= general
            || (!person_shaped(name) && (art.evidence_near(s, e) || agent_verb_after(text, e)));
        // `the French operator`: checked on the few accepted spans only.
        let nationality =
            !name.contains(' ') && with_folded_word(name, |f| NATIONALITY_ADJECTIVES.contains(&f));
        if sure && !nationality && !in_caps_line(text, s) {
            let (s, e) = trim_title_case_words(text, s, e);
            let s = trim_descriptor(text, s, e);
            art.add_discovered(s, e, p, Cue::Strong);
        }
    }
}

/// Recogniser score from which the object of a takeover word (`to buy X`, `bid for X`,
/// `acquisition of X`) is accepted in English: the word is the company context, so the
/// model only has to rule out places, persons and products (which score lower).
const TAKING_OBJECT_FLOOR: f32 = 0.1;

/// `Pellix to buy Dravix`, `Brewco plans acquisition of Ambrose`: in English, a
/// capitalised span right after a takeover word ([`super::deal_words::after_taking_word`])
/// that the recogniser scores at [`TAKING_OBJECT_FLOOR`] or more is a company, acronyms
/// included (which the general pass leaves out).
pub(super) fn discover_taking_objects(art: &mut Article<'_>) {
    if art.lang != Lang::En || !super::deal_words::any_taking_object(art.text) {
        return;
    }
    let rec = crate::entities::recognizer::CompanyRecognizer::shipped();
    let text = art.text;
    let keep = |s: usize, e: usize| {
        super::deal_words::after_taking_word(text, s)
            && text.get(s..e).is_some_and(|n| {
                let first = n.split([' ', '-']).next().unwrap_or(n);
                !with_folded_word(first, |f| art.given_names.contains(f))
            })
            && !art.covered(s, e)
    };
    for (s, e, p) in rec.scored_companies(text, art.lang, keep) {
        let name = text.get(s..e).unwrap_or("");
        let nationality =
            !name.contains(' ') && with_folded_word(name, |f| NATIONALITY_ADJECTIVES.contains(&f));
        // `buys Rs 11.50-crore Radico shares`: a unit before an amount is no company.
        let amount = word_after(text, e).is_some_and(|(a, _)| {
            text.get(e..a).is_some_and(|g| g.trim().is_empty())
                && text[a..].starts_with(|c: char| c.is_ascii_digit())
        });
        if p >= TAKING_OBJECT_FLOOR
            && !amount
            && !person_shaped(name)
            && !nationality
            && !in_caps_line(text, s)
        {
            let (s, e) = trim_title_case_words(text, s, e);
            art.add_discovered(s, e, p, Cue::Strong);
        }
    }
}

/// `Girish Pai`, `Sandra Keller Moss`: two to four words that are each a capital and
/// lower-case letters (no acronym, digit, `&` or inner capital), none of them a word
/// that continues company names (`Mecklai Financial`, `Home Retail` are not person-shaped).
pub(super) fn person_shaped(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase)
                && cs.clone().next().is_some()
                && cs.all(char::is_lowercase)
                && !with_folded_word(w, |f| {
                    COMPANY_NAME_WORDS.contains(&f) || INDUSTRY_NAME_WORDS.contains(&f)
                })
        })
}

/// `Immobilier : …`, `Cryptomonnaies : …`: one word opening a line and followed by a
/// colon is the topic label French headlines start with; the known companies that take
/// that slot (`Orpea : …`) come from the lists, so the recogniser does not claim it.
fn topic_label(text: &str, s: usize, e: usize) -> bool {
    let line_start = text.get(..s).is_some_and(|b| {
        b.trim_end_matches([' ', '\t', '«', '\u{a0}']).is_empty()
            || b.trim_end_matches([' ', '\t', '«', '\u{a0}'])
                .ends_with('\n')
    });
    let one_word = text
        .get(s..e)
        .is_some_and(|n| !n.contains(char::is_whitespace));
    let colon = text.get(e..).is_some_and(|r| {
        r.trim_start_matches([' ', '\u{a0}', '\u{202f}'])
            .starts_with(':')
    });
    line_start && one_word && colon
}

/// `Editis et Madrigall`, `RFI et France 24`, `Lime, Dott ou Tier`: a capitalised name
/// listed right after a company (found by any means) is a company too. Only to the
/// right, one name at a time, so a list grows from a known member; names that open with
/// a known first name stay out (`Xavier Niel et Rodolphe Saadé`: `add_discovered`).
pub(super) fn discover_listed(art: &mut Article<'_>) {
    let text = art.text;
    let mut i = 0;
    while i < art.mentions.len() {
        let m = &art.mentions[i];
        i += 1;
        if m.kind != EntityKind::Company || m.via == Via::Coref {
            continue;
        }
        let end = m.end;
        let rest = text.get(end..).unwrap_or("");
        let gap = rest.len() - rest.trim_start_matches([' ', ',']).len();
        let mut p = end + gap;
        let comma = rest[..gap].contains(',');
        let coordinator = |at: usize| {
            word_after(text, at).filter(|&(a, b)| {
                text.get(at..a).is_some_and(|g| g.trim().is_empty())
                    && text.get(a..b).is_some_and(|w| {
                        with_folded_word(w, |f| matches!(f, "et" | "ou" | "and" | "or"))
                    })
            })
        };
        let by_comma = match coordinator(p) {
            Some((_, b)) => {
                p = b;
                false
            }
            None if comma => true,
            None => continue,
        };
        let Some((s, e)) = name_after(text, p, 0) else {
            continue;
        };
        // `Red Bull, Dietrich Mateschitz, roi du…`: after a comma alone the name must
        // go on a list (another name after a comma or a coordinator), not an apposition.
        let named_at = |at: usize| {
            name_after(text, at, 0)
                .is_some_and(|(ns, _)| text.get(at..ns).is_some_and(|g| g.trim().is_empty()))
        };
        let listed_on = || {
            let after = text.get(e..).unwrap_or("");
            let next = after.trim_start_matches([' ', ',']);
            let q = e + (after.len() - next.len());
            match coordinator(q) {
                Some((_, b)) => named_at(b),
                None => after[..after.len() - next.len()].contains(',') && named_at(q),
            }
        };
        if by_comma && !listed_on() {
            continue;
        }
        if text.get(p..s).is_some_and(|g| g.trim().is_empty())
            && !in_caps_line(text, s)
            && !in_title_case(text, s, e)
        {
            art.add_discovered(s, e, CONF_DISCOVERED_REPEAT, Cue::Weak { group: None });
        }
    }
}

/// `Pellix Offers`, `Takeover of Corvane`: a Title Case headline capitalises the words
/// around a name too, so a discovered span there loses the leading words that are the
/// entity rules' own vocabulary (context words, corporate verbs, titles; company nouns
/// stay, as in `Bank BPH`) and the trailing corporate verbs (a name may end with
/// `Bank`, not with `Offers`), and a dangling `of`/`de`.
fn trim_title_case_words(text: &str, mut s: usize, mut e: usize) -> (usize, usize) {
    if !in_title_case(text, s, e) {
        return (s, e);
    }
    let connector = |f: &str| matches!(f, "of" | "de" | "du" | "des" | "for" | "pour");
    let leading = |w: &str| {
        with_folded_word(w, |f| {
            connector(f)
                || AGENT_VERBS.contains(&f)
                || TITLES.contains(&f)
                || LEADERS.contains(&f)
                || (EVIDENCE.contains(&f) && !COMPANY_NOUNS.contains(&f))
        })
    };
    let trailing = |w: &str| with_folded_word(w, |f| connector(f) || AGENT_VERBS.contains(&f));
    while let Some((first, rest)) = text.get(s..e).and_then(|span| span.split_once(' ')) {
        if !leading(first) {
            break;
        }
        s += first.len() + 1 + (rest.len() - rest.trim_start().len());
    }
    while let Some((rest, last)) = text.get(s..e).and_then(|t| t.rsplit_once(' ')) {
        if !trailing(last) {
            break;
        }
        e = s + rest.trim_end().len();
    }
    (s, e)
}

/// `Drugmaker Pellix to buy…`, `Insurer Corvane Life picks…`: a sentence opens with the
/// company's descriptor (a context word such as `drugmaker`, `insurer`, `lender`) or
/// the story's label (`Scandale`, `Affaire`), capitalised only because it comes first;
/// the name starts after it. Returns the new
/// start (unchanged when nothing is left after the descriptor).
pub(super) fn trim_descriptor(text: &str, s: usize, e: usize) -> usize {
    if !crate::entities::discover::is_sentence_initial(text, s) {
        return s;
    }
    let Some((first, rest)) = text.get(s..e).and_then(|span| span.split_once(' ')) else {
        return s;
    };
    // French headlines open on the story's label the same way (`Scandale Orpea`,
    // `Affaire Theranos`).
    let descriptor = with_folded_word(first, |f| {
        (EVIDENCE.contains(&f) && !COMPANY_NOUNS.contains(&f))
            || matches!(
                f,
                "affaire" | "affaires" | "scandale" | "proces" | "dossier"
            )
    });
    if descriptor && rest.trim_start().starts_with(char::is_uppercase) {
        s + first.len() + 1 + (rest.len() - rest.trim_start().len())
    } else {
        s
    }
}

/// `Assu 2000`: a one-word name directly followed by a 2-4 digit number (then
/// punctuation, a space or the end) includes it; returns the possibly extended end.
fn with_number(text: &str, s: usize, e: usize) -> usize {
    let one_word = text
        .get(s..e)
        .is_some_and(|n| !n.contains(char::is_whitespace));
    let Some(num) = text.get(e..).and_then(|r| r.strip_prefix(' ')) else {
        return e;
    };
    let digits = num.bytes().take_while(u8::is_ascii_digit).count();
    let rest = num.get(digits..).unwrap_or("");
    let next_ok = rest
        .chars()
        .next()
        .is_none_or(|c| matches!(c, ' ' | ',' | '.' | ';' | ':' | '\n' | ')'));
    // Not an amount: `Acme 12 %`, `Acme 25 millions`, `Acme 2,5`.
    let amount = {
        let r = rest.trim_start();
        r.starts_with(['%', '€', '$'])
            || r.starts_with(|c: char| c.is_ascii_digit())
            || rest
                .strip_prefix([',', '.'])
                .is_some_and(|x| x.starts_with(|c: char| c.is_ascii_digit()))
            || ["million", "milliard", "billion", "euro", "dollar"]
                .iter()
                .any(|u| r.starts_with(u))
    };
    if one_word && (2..=4).contains(&digits) && next_ok && !amount {
        e + 1 + digits
    } else {
        e
    }
}

/// `X, a Paris-based startup`: from a company noun, walk back over up to three words
/// to an indefinite article that follows a comma, and take the name before it.
fn appositive_name(text: &str, noun_start: usize) -> Option<(usize, usize)> {
    let mut p = noun_start;
    for _ in 0..4 {
        let (cs, ce) = chunk_before(text, p)?;
        let w = text.get(cs..ce)?;
        if INDEFINITE.contains(&fold_word(w).as_str()) {
            let before = text.get(..cs)?.trim_end();
            let comma = before.strip_suffix(',')?;
            return name_before(text, comma.len());
        }
        if w.ends_with([',', '.', ';', ':']) {
            return None;
        }
        p = cs;
    }
    None
}

/// Persons introduced by a title or role (`M. Dupont`, `CEO Jane Doe`) that the
/// gazetteer does not know: `person:<slug>` ids.
pub(super) fn discover_persons(art: &mut Article<'_>, pats: &[PatInfo]) {
    let text = art.text;
    let mut add: Vec<Mention> = Vec::new();
    for h in art.hits.iter() {
        let flags = pats[h.pat].flags;
        if flags & (TITLE | LEADER) == 0 {
            continue;
        }
        let surface = text.get(h.s..h.e).unwrap_or("");
        let honorific = with_folded_word(surface, |f| {
            matches!(
                f,
                "m." | "mme" | "mr" | "mr." | "mrs" | "mrs." | "ms" | "ms." | "dr" | "dr."
            )
        });
        if honorific && !is_capitalised(surface) {
            continue;
        }
        // Honorifics take one word (`M. Macron`); roles need a full name.
        let min_words = if honorific { 1 } else { 2 };
        let Some((s, e)) = person_after(text, h.e, min_words) else {
            continue;
        };
        if in_caps_line(text, h.s) {
            continue;
        }
        // Rejected gazetteer hits (`M. Dupont` is not the company DuPont) may be claimed.
        let taken = art.mention_at(s, e);
        if taken || add.iter().any(|m| m.start < e && s < m.end) {
            continue;
        }
        let Some(name) = text.get(s..e) else { continue };
        add.push(Mention {
            entity_id: format!("person:{}", slug(name)),
            name: name.to_string(),
            kind: EntityKind::Person,
            start: s,
            end: e,
            confidence: CONF_DISCOVERED,
            via: Via::Discovered,
        });
    }
    art.mentions.extend(add);
}

/// `le groupe`, `l'entreprise`, `the company` without a name after them refer to the
/// last company mentioned in the same or the two previous sentences.
pub(super) fn coreference(art: &mut Article<'_>, pats: &[PatInfo]) {
    let text = art.text;
    let mut companies: Vec<(usize, usize, usize)> = art
        .mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == EntityKind::Company)
        .map(|(i, m)| (m.start, m.end, i))
        .collect();
    companies.sort_by_key(|c| c.0);
    if companies.is_empty() {
        return;
    }
    let mut add = Vec::new();
    for h in art.hits.iter() {
        if pats[h.pat].flags & COREF == 0 || !is_lower_word(text, h.s, h.e) {
            continue;
        }
        // Determiner right before: `le groupe`, `l'entreprise`, `the company`.
        let det_start = if let Some(el) = elision_before(text, h.s) {
            if el != "l'" {
                continue;
            }
            word_before(text, h.s.saturating_sub(1), false).map(|(a, _)| a)
        } else {
            match word_before(text, h.s, false) {
                Some((a, b))
                    if text
                        .get(a..b)
                        .is_some_and(|w| DEFINITE.contains(&fold_word(w).as_str()))
                        && text.get(b..h.s).is_some_and(|g| g.trim().is_empty()) =>
                {
                    Some(a)
                }
                _ => None,
            }
        };
        let Some(ds) = det_start else { continue };
        // Not `le groupe Renault` / `la société Acme` / `la société de conseil`.
        if let Some((ns, ne)) = chunk_after(text, h.e) {
            let next = text.get(ns..ne).unwrap_or("");
            let fnext = fold_word(next);
            if is_capitalised(next)
                || fnext == "de"
                || fnext == "des"
                || fnext == "du"
                || fnext.starts_with("d'")
                || fnext == "of"
            {
                continue;
            }
            // `la société jordanienne`, `la société civile`: society, not a firm.
            let noun = fold_word(text.get(h.s..h.e).unwrap_or(""));
            let next_word = word_after(text, h.e)
                .and_then(|(a, b)| text.get(a..b))
                .map(fold_word)
                .unwrap_or_default();
            if noun == "societe" && looks_like_adjective(&next_word) {
                continue;
            }
        }
        // `le constructeur sino-suédois Polestar`: a name follows the adjectives, so
        // this introduces another company rather than referring back.
        if name_after(text, h.e, 2).is_some_and(|(ns, _)| {
            text.get(h.e..ns)
                .is_some_and(|g| g.split_whitespace().count() <= 2)
        }) {
            continue;
        }
        if art.covered(ds, h.e) {
            continue;
        }
        let Some(ante) = companies.iter().rev().find(|c| c.1 <= ds) else {
            continue;
        };
        if sentence_breaks(text, ante.1, ds) > 2 {
            continue;
        }
        let Some(am) = art.mentions.get(ante.2) else {
            continue;
        };
        add.push(Mention {
            entity_id: am.entity_id.clone(),
            name: am.name.clone(),
            kind: EntityKind::Company,
            start: ds,
            end: h.e,
            confidence: CONF_COREF,
            via: Via::Coref,
        });
    }
    art.mentions.extend(add);
}

/// Typical French adjective endings (nationalities, `civile`, `moderne`…).
fn looks_like_adjective(w: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "aise", "ais", "aine", "ain", "ienne", "ien", "ique", "ale", "aux", "ile", "elle", "ive",
        "if", "iste", "ere", "euse", "eux", "ee", "ne", "que",
    ];
    w.chars().count() > 3
        && w.chars().all(char::is_alphabetic)
        && ENDINGS.iter().any(|e| w.ends_with(e))
}
