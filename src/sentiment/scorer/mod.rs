//! Rule-based sentence analysis: finds sentiment cues, applies negation, intensity,
//! modality, questions and contrast, cuts the sentence into clauses and segments, and
//! scores the sentiment toward given targets (with subject/object roles of finance verbs).
//!
//! Everything works on one sentence's tokens at a time; the caller guarantees linear cost
//! over a document by analysing each sentence once.

use super::lexicon::{LexToken, Lexicon, ModKind, Modifier};

use crate::text::lang::Lang;
use crate::text::tokenize::TokenKind;

mod roles;
mod target;

pub use roles::{Role, Roles, WordClass};
use roles::{BARE_MOVE, BASELINE_MARKER, CALL, CLAUSE_PUNCT, MARKER_HEAD, SEGMENT_PUNCT};
pub use target::{list_of, target_contributions};

/// Score of an analyst's call word when it is used as a call: a headline's opening
/// imperative ("Buy Acme with a target of 50", "Avoid banks"), or a rating ("maintains
/// 'buy' on Acme", "a 'sell' call", "buy on dips").
fn call_value(lang: Lang, lower: &str) -> Option<f32> {
    match lang {
        Lang::Fr => match lower {
            "acheter" => Some(0.5),
            "accumuler" => Some(0.45),
            "privilégier" => Some(0.45),
            "vendre" => Some(-0.5),
            "alléger" => Some(-0.35),
            "éviter" => Some(-0.5),
            _ => None,
        },
        _ => match lower {
            "buy" => Some(0.5),
            "accumulate" => Some(0.45),
            "prefer" => Some(0.45),
            "pick" => Some(0.4),
            "sell" => Some(-0.5),
            "avoid" => Some(-0.5),
            "short" => Some(-0.45),
            "reduce" => Some(-0.35),
            _ => None,
        },
    }
}

/// Words of the rating calls that are also ratings ("'buy' on", "a sell call").
fn is_rating(lang: Lang, lower: &str) -> bool {
    match lang {
        Lang::Fr => matches!(lower, "acheter" | "vendre" | "accumuler" | "alléger"),
        _ => matches!(lower, "buy" | "sell" | "accumulate"),
    }
}

/// The call made by the word at `i` (flagged [`CALL`]), if it is used as one: the first
/// word of the sentence followed by a word (an imperative), or a rating word next to
/// "on"/"call"/"rating" or after "maintains"/"a"/"to" (quotes skipped).
fn call_at(lang: Lang, toks: &[LexToken], i: usize, first_word: usize) -> Option<f32> {
    let t = &toks[i];
    let v = call_value(lang, t.lower())?;
    let quote = |u: &LexToken| {
        u.kind == TokenKind::Punct
            && matches!(u.lower(), "'" | "\"" | "‘" | "’" | "“" | "”" | "«" | "»")
    };
    let next = toks[i + 1..].iter().find(|u| !quote(u));
    if i == first_word && next.is_some_and(|u| u.kind == TokenKind::Word) {
        return Some(v);
    }
    if !is_rating(lang, t.lower()) {
        return None;
    }
    let after = next.is_some_and(|u| match lang {
        Lang::Fr => matches!(u.lower(), "sur" | "à"),
        _ => matches!(u.lower(), "on" | "call" | "calls" | "rating" | "ratings"),
    });
    // "to"/"à" before a rating only when it is quoted ("cut to 'sell'", not "to sell").
    let quoted = i > 0 && quote(&toks[i - 1]);
    let prev = toks[..i].iter().rev().find(|u| !quote(u));
    let before = prev.is_some_and(|u| match lang {
        Lang::Fr => {
            matches!(
                u.lower(),
                "recommande" | "conseille" | "maintient" | "réitère"
            ) || quoted && matches!(u.lower(), "à" | "en")
        }
        _ => {
            matches!(
                u.lower(),
                "a" | "maintain"
                    | "maintains"
                    | "maintained"
                    | "retain"
                    | "retains"
                    | "retained"
                    | "reiterate"
                    | "reiterates"
                    | "reiterated"
                    | "recommend"
                    | "recommends"
                    | "recommended"
            ) || quoted && matches!(u.lower(), "to" | "at")
        }
    });
    (after || before).then_some(v)
}

/// One sentiment cue in a sentence.
#[derive(Debug, Clone)]
pub struct Cue {
    /// First token of the cue term (index into the sentence tokens).
    pub head: usize,
    /// One past its last token.
    pub end: usize,
    /// Lexicon score (or role default).
    pub base: f32,
    /// Product of negation, intensity, modality, question and contrast factors.
    pub factor: f32,
    /// Subject/object behaviour, for finance verbs.
    pub role: Option<Role>,
    /// Clause of the cue; `reach` is the last clause it applies to (split roles reach one
    /// further).
    pub clause: usize,
    /// Last clause the cue applies to.
    pub reach: usize,
    /// Comma-delimited segment of the cue.
    pub segment: usize,
    /// Byte range of the evidence text (modifiers + term + attached number).
    pub ev: (usize, usize),
}

impl Cue {
    /// A cue made of token `i` alone (a call, a signed number, a bare up/down), with
    /// no modifier and no role.
    fn single(i: usize, t: &LexToken, base: f32, clause: usize, segment: usize) -> Cue {
        Cue {
            head: i,
            end: i + 1,
            base,
            factor: 1.0,
            role: None,
            clause,
            reach: clause,
            segment,
            ev: (t.start, t.end),
        }
    }

    /// The cue's contribution to an untargeted (sentence/document) score.
    pub fn value(&self) -> f32 {
        self.base * self.factor
    }
}

/// Result of analysing one sentence.
#[derive(Debug, Clone, Default)]
pub struct Sentence {
    /// Cues in order.
    pub cues: Vec<Cue>,
    /// Clause id of each token.
    pub clause_of: Vec<usize>,
    /// Segment id of each token.
    pub segment_of: Vec<usize>,
}

/// Is the punctuation token a segment boundary (commas, brackets, dashes)?
fn is_segment_punct(t: &LexToken) -> bool {
    t.hot.class.flags & SEGMENT_PUNCT != 0
}

/// Is the punctuation token a clause boundary (`;` `:` `.` `!` `?` `…`)?
fn is_clause_punct(t: &LexToken) -> bool {
    t.hot.class.flags & CLAUSE_PUNCT != 0
}

/// Minimum strength of a bare direction word ("grew", "increase").
const MIN_DIRECTION: f32 = 0.3;
/// Strength of a failure with nothing to negate ("fail to find reserves"): a plain cue.
const FAILURE: f32 = 0.45;
/// Longest target (in tokens) treated as a name whose own words carry no sentiment.
const MAX_NAME_TOKENS: usize = 8;
/// Negation factor: negated cues flip and soften ("not bad" is mildly positive).
const NEGATION: f32 = -0.7;
/// Negation factor for negative cues.
const NEGATION_OF_NEGATIVE: f32 = -0.3;
/// Cues before a contrast word count less, those after it more.
const BEFORE_CONTRAST: f32 = 0.6;
const AFTER_CONTRAST: f32 = 1.3;
/// Questions assert nothing.
const QUESTION: f32 = 0.5;
/// Score of a quantity compared with its baseline figure ("EUR 5 mn compared to EUR 4 mn").
const COMPARISON_CUE: f32 = 0.45;
/// Score of a signed percentage (`+5 %`) or `up/down 3%`.
const NUMBER_CUE: f32 = 0.35;

fn is_pct(t: &LexToken) -> bool {
    t.kind == TokenKind::Number && t.lower().ends_with('%')
}

/// Working buffers of [`analyze`], reused from one sentence to the next so that a
/// document's analysis does not allocate them once per sentence.
#[derive(Default)]
pub struct Scratch {
    mods: Vec<Option<Modifier>>,
    nouns: Vec<usize>,
    used_nouns: Vec<usize>,
}

/// Analyses one sentence's tokens.
pub fn analyze(lex: &Lexicon, roles: &Roles, toks: &[LexToken], scratch: &mut Scratch) -> Sentence {
    let mut out = Sentence::default();
    analyze_into(lex, roles, toks, scratch, &mut out);
    out
}

/// [`analyze`] into a [`Sentence`] whose vectors are cleared and reused, so that
/// analysing document after document does not allocate them again.
pub fn analyze_into(
    lex: &Lexicon,
    roles: &Roles,
    toks: &[LexToken],
    scratch: &mut Scratch,
    out: &mut Sentence,
) {
    let n = toks.len();
    let lang = lex.lang();
    let mods = &mut scratch.mods;
    mods.clear();
    mods.resize(n, None);
    let Sentence {
        cues,
        clause_of,
        segment_of,
    } = out;
    cues.clear();
    clause_of.clear();
    clause_of.resize(n, 0);
    segment_of.clear();
    segment_of.resize(n, 0);
    let (mut clause, mut segment) = (0usize, 0usize);
    let mut contrast_at: Option<usize> = None;
    let first_word = toks
        .iter()
        .position(|t| t.kind != TokenKind::Punct)
        .unwrap_or(n);
    let lex_id = lex.id();
    let mut i = 0;
    while i < n {
        let t = &toks[i];
        // Most words trigger nothing below: the modifier, term and role look-ups would
        // all come back empty and no grammar flag is set (memoised by this lexicon, for
        // this language's grammar).
        if t.hot.plain && t.hot.hits.lex_id == lex_id && t.hot.class.lang == Some(roles.lang) {
            clause_of[i] = clause;
            segment_of[i] = segment;
            i += 1;
            continue;
        }
        // Boundaries first.
        if is_clause_punct(t) {
            clause_of[i] = clause;
            segment_of[i] = segment;
            clause += 1;
            segment += 1;
            i += 1;
            continue;
        }
        if is_segment_punct(t) {
            segment += 1;
            clause_of[i] = clause;
            segment_of[i] = segment;
            i += 1;
            continue;
        }
        if t.hot.class.flags & CALL != 0 {
            if let Some(v) = call_at(lang, toks, i, first_word) {
                clause_of[i] = clause;
                segment_of[i] = segment;
                cues.push(Cue::single(i, t, v, clause, segment));
                i += 1;
                continue;
            }
        }
        let m = lex.modifier_at(toks, i);
        let term = lex.term_at(toks, i);
        let role = roles.at(toks, i);
        let mlen = m.map_or(0, |x| x.0);
        let tlen = term.map_or(0, |x| x.0).max(role.map_or(0, |x| x.0));
        if let Some((len, md)) = m.filter(|_| mlen >= tlen) {
            if matches!(md.kind, ModKind::Clause | ModKind::Contrast) && i > 0 {
                clause += 1;
                segment += 1;
            }
            if md.kind == ModKind::Contrast && contrast_at.is_none() {
                contrast_at = Some(i);
            }
            for k in i..(i + len).min(n) {
                mods[k] = Some(md);
                clause_of[k] = clause;
                segment_of[k] = segment;
            }
            i += len;
            continue;
        }
        if let Some((rlen, role)) = role.filter(|r| r.0 >= term.map_or(0, |x| x.0)) {
            // "won a contract": a role good for its subject and neutral for its object
            // is good news overall, however weak the general lexicon's word is.
            let own = role.subj + role.obj;
            let base = term.map_or(own, |x| {
                if role.obj == 0.0 && own > 0.0 && x.1 >= 0.0 {
                    x.1.max(own)
                } else {
                    x.1
                }
            });
            for k in i..(i + rlen).min(n) {
                clause_of[k] = clause;
                segment_of[k] = segment;
            }
            cues.push(Cue {
                head: i,
                end: i + rlen,
                base: if role.split { 0.0 } else { base },
                factor: 1.0,
                role: Some(role),
                clause,
                reach: if role.split { clause + 1 } else { clause },
                segment,
                ev: (t.start, toks[(i + rlen).min(n) - 1].end),
            });
            if role.split {
                clause += 1;
                segment += 1;
            }
            i += rlen;
            continue;
        }
        if let Some((len, score)) = term {
            for k in i..(i + len).min(n) {
                clause_of[k] = clause;
                segment_of[k] = segment;
            }
            if score != 0.0 {
                cues.push(Cue {
                    head: i,
                    end: i + len,
                    base: score,
                    factor: 1.0,
                    role: None,
                    clause,
                    reach: clause,
                    segment,
                    ev: (t.start, toks[(i + len).min(n) - 1].end),
                });
            }
            i += len;
            continue;
        }
        clause_of[i] = clause;
        segment_of[i] = segment;
        // Numbers with direction: "+5 %", "-3 %", "up 3%", "down 3%".
        let signed = t.kind == TokenKind::Number
            && is_pct(t)
            && (t.lower().starts_with('+')
                || t.lower().starts_with('-')
                || t.lower().starts_with('−'));
        let updown = lang != Lang::Fr
            && roles.class(t).flags & BARE_MOVE != 0
            && (toks.get(i + 1).is_some_and(|u| {
                u.kind == TokenKind::Number
                    || matches!(u.lower(), "by" | "from")
                    // "up to six years", "up to 500 jobs": a bound, not a move.
                    || u.lower() == "to" && t.lower() != "up"
            }) || bare_move(toks, i));
        if signed || updown {
            let pos = t.lower().starts_with('+') || t.lower() == "up";
            let base = if pos { NUMBER_CUE } else { -NUMBER_CUE };
            cues.push(Cue::single(i, t, base, clause, segment));
        }
        i += 1;
    }

    compose_quantities(
        roles,
        toks,
        (clause_of, segment_of),
        cues,
        (&mut scratch.nouns, &mut scratch.used_nouns),
    );
    legal_endings(toks, clause_of, cues);
    let mods = &scratch.mods;
    failure_without_object(toks, mods, (clause_of, segment_of), cues);

    let question = toks
        .iter()
        .rev()
        .find(|t| t.kind == TokenKind::Punct)
        .is_some_and(|t| t.lower().contains('?'));
    for cue in cues.iter_mut() {
        let h = cue.head;
        let mut negated = false;
        let mut neg_strength = 1.0f32;
        let mut ev_start = cue.ev.0;
        // A French phrase that starts with the second part of the negation ("pas mal",
        // "pas terrible") already contains it: the "ne" before it is the same negation.
        let has_own_negation = lang == Lang::Fr
            && cue.end - h > 1
            && mods_kind(lex, toks, h) == Some(ModKind::Negator);
        // Look back within the segment for negators (4 tokens) and intensity (2 tokens).
        let mut k = h;
        while k > 0 && h - k < 4 {
            k -= 1;
            if segment_of[k] != cue.segment || toks[k].kind == TokenKind::Punct {
                break;
            }
            if let Some(md) = mods[k] {
                match md.kind {
                    ModKind::Negator
                        if !(restrictive_ne(lang, toks, k)
                            || has_own_negation && matches!(toks[k].lower(), "ne" | "n'")) =>
                    {
                        negated = true;
                        if md.value > 0.0 && md.value <= 1.0 {
                            neg_strength = md.value;
                        }
                        ev_start = ev_start.min(toks[k].start);
                    }
                    ModKind::Intensifier | ModKind::Dampener if h - k <= 2 => {
                        cue.factor *= 1.0 + md.value;
                        ev_start = ev_start.min(toks[k].start);
                    }
                    _ => {}
                }
            }
        }
        // Modal verbs anywhere earlier in the clause.
        let mut k = h;
        while k > 0 && h - k < 8 {
            k -= 1;
            if clause_of[k] != cue.clause {
                break;
            }
            if let Some(md) = mods[k] {
                if md.kind == ModKind::Modal {
                    cue.factor *= md.value.clamp(0.0, 1.5);
                    break;
                }
            }
        }
        // Intensity right after the cue ("rose sharply", "recule légèrement"), French
        // post-verbal negation ("ne baisse pas" is caught by "ne"; "baisse pas" alone is not).
        let mut ev_end = cue.ev.1;
        if let Some(md) = cue.end.lt(&n).then(|| mods[cue.end]).flatten() {
            if matches!(md.kind, ModKind::Intensifier | ModKind::Dampener) {
                cue.factor *= 1.0 + md.value;
                ev_end = toks[cue.end].end;
            }
        }
        // Attached figure: "chute de 12 %", "fell 5%", "rose by 3%".
        let mut j = cue.end;
        let mut steps = 0;
        while j < n && steps < 3 {
            let u = &toks[j];
            if is_pct(u) || (u.kind == TokenKind::Number && steps > 0) {
                ev_end = ev_end.max(u.end);
                if is_pct(u) {
                    let mag: f32 = u
                        .lower()
                        .trim_start_matches(['+', '-', '−'])
                        .trim_end_matches('%')
                        .trim()
                        .replace(',', ".")
                        .parse()
                        .unwrap_or(0.0);
                    if mag >= 10.0 {
                        cue.factor *= 1.2;
                    }
                }
                break;
            }
            if !matches!(
                u.lower(),
                "de" | "d'" | "by" | "of" | "to" | "à" | "du" | "des" | "$" | "€" | "rs"
            ) {
                break;
            }
            j += 1;
            steps += 1;
        }
        // "trop prévisible pour être passionnant", "too slow to be exciting": what
        // follows "too … to" is denied.
        if !negated && too_to(lang, toks, h, cue.segment, segment_of) {
            negated = true;
        }
        if negated {
            // Negating a negative word is a weak positive ("pas mauvais", "not bad"),
            // negating a positive one a clear negative ("not beat", "pas rentable").
            let flip = if cue.base < 0.0 {
                NEGATION_OF_NEGATIVE
            } else {
                NEGATION
            };
            cue.factor *= flip * neg_strength;
        }
        if question {
            cue.factor *= QUESTION;
        }
        if let Some(c) = contrast_at {
            cue.factor *= if h > c {
                AFTER_CONTRAST
            } else {
                BEFORE_CONTRAST
            };
        }
        cue.ev = (ev_start, ev_end);
    }
}

/// "Lawsuit against Acme dismissed", "EU drops Acme from its probe", "la plainte contre
/// Acme classée sans suite": the end of a legal threat is good news for whoever it
/// threatened. A legal noun's negative cue turns into a plain positive when a word that
/// ends it stands in the same clause (within six words; `drop … from` up to twelve
/// before it), and that word's own cue
/// ("drops" as a fall) is dropped.
fn legal_endings(toks: &[LexToken], clause_of: &[usize], cues: &mut [Cue]) {
    let n = toks.len();
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    let legal = |w: &str| {
        matches!(
            w,
            "lawsuit"
                | "lawsuits"
                | "suit"
                | "probe"
                | "probes"
                | "investigation"
                | "investigations"
                | "charges"
                | "allegations"
                | "complaint"
                | "complaints"
                | "plainte"
                | "plaintes"
                | "enquête"
                | "poursuites"
                | "procès"
                | "accusations"
        )
    };
    // Words that end a legal threat wherever they stand ("dismissed", "quashes",
    // "thrown out", "classée sans suite", "abandonne les poursuites").
    let ends = |k: usize| {
        let w = word(k);
        w.starts_with("dismiss")
            || w.starts_with("quash")
            || w.starts_with("overturn")
            || (matches!(w, "thrown" | "throws" | "tossed") && word(k + 1) == "out")
            || (w.starts_with("class") && word(k + 1) == "sans" && word(k + 2) == "suite")
            || w == "non-lieu"
            || w.starts_with("abandonn")
            || w == "relaxé"
            || w == "relaxée"
    };
    // "drop": only as the verb whose object is the threat ("drops the probe", "drops
    // Acme from its probe") or right after it ("charges dropped", "case was dropped"),
    // not in "shares drop on probe".
    let drops = |k: usize, noun: usize| {
        matches!(
            word(k),
            "drop" | "drops" | "dropped" | "dropping" | "withdraws" | "withdrawn"
        ) && if k < noun {
            (k + 1..noun).any(|j| word(j) == "from")
                || (k + 1..noun).all(|j| matches!(word(j), "the" | "its" | "their" | "all"))
        } else {
            k == noun + 1
                || (k == noun + 2 && matches!(word(noun + 1), "was" | "were" | "is" | "are"))
        }
    };
    for ci in 0..cues.len() {
        let c = &cues[ci];
        if c.end - c.head != 1 || c.base >= 0.0 || !legal(word(c.head)) {
            continue;
        }
        let noun = c.head;
        // "drops Acme, Beta and Gamma from its probe": a list may stand between.
        let window = noun.saturating_sub(12)..(noun + 7).min(n);
        let Some(k) = window
            .filter(|&k| k != noun && clause_of[k] == clause_of[noun])
            .find(|&k| (ends(k) && k.abs_diff(noun) <= 6) || drops(k, noun))
        else {
            continue;
        };
        cues[ci].base = FAILURE;
        // The ending word's own cue, and what qualified the threat ("the fraud
        // investigation", "fraud lawsuit … dismissed") are no longer news.
        let (lo, hi) = (k.min(noun.saturating_sub(1)), k.max(noun));
        for c in cues.iter_mut() {
            let ending = c.head == k && c.end == k + 1;
            let qualifier = lo <= c.head && c.end <= hi && c.head != noun && c.base < 0.0;
            if ending || qualifier {
                c.base = 0.0;
            }
        }
    }
}

/// "Oil majors fail to find reserves": a failure (`fail to`, `failed to`) negates the
/// cue that follows it ("failed to meet forecasts"); with no cue in the next words of
/// its segment, the failure itself is the news, a plain negative.
fn failure_without_object(
    toks: &[LexToken],
    mods: &[Option<Modifier>],
    (clause_of, segment_of): (&[usize], &[usize]),
    cues: &mut Vec<Cue>,
) {
    let n = toks.len();
    let mut added = false;
    for k in 0..n {
        let starts = mods[k].is_some_and(|m| m.kind == ModKind::Negator)
            && toks[k].lower().starts_with("fail")
            && toks.get(k + 1).is_some_and(|t| t.lower() == "to");
        if !starts {
            continue;
        }
        let scope = (k + 2..(k + 7).min(n)).take_while(|&j| segment_of[j] == segment_of[k]);
        if scope
            .clone()
            .any(|j| cues.iter().any(|c| c.head <= j && j < c.end))
        {
            continue;
        }
        let mut cue = Cue::single(k, &toks[k], -FAILURE, clause_of[k], segment_of[k]);
        cue.end = k + 2;
        cue.ev = (toks[k].start, toks[k + 1].end);
        cues.push(cue);
        added = true;
    }
    if added {
        cues.sort_by_key(|c| c.head);
    }
}

/// "Infosys, TCS down", "stock up; ...", "Nifty up over 1 %", "shares down on weak
/// demand": a headline's bare `up` / `down` after a name or a market noun, closing its
/// clause or segment or followed by a degree or a cause, reports a move.
/// Phrasal verbs ("steps down", "set up", "tie up", "shut down") are not moves.
fn bare_move(toks: &[LexToken], i: usize) -> bool {
    let closes = match toks.get(i + 1) {
        None => true,
        Some(u) => {
            is_clause_punct(u)
                || is_segment_punct(u)
                || matches!(
                    u.lower(),
                    "over"
                        | "nearly"
                        | "almost"
                        | "about"
                        | "around"
                        | "sharply"
                        | "marginally"
                        | "slightly"
                        | "at"
                        | "in"
                        | "on"
                        | "after"
                        | "as"
                        | "ahead"
                )
        }
    };
    let Some(prev) = i.checked_sub(1).and_then(|p| toks.get(p)) else {
        return false;
    };
    closes && prev.kind == TokenKind::Word && !PHRASAL_VERBS.contains(&prev.stem())
}

/// Stems of verbs whose `up` / `down` particle is part of the verb, not a move.
const PHRASAL_VERBS: &[&str] = &[
    "set", "shut", "step", "tie", "team", "link", "line", "sign", "wind", "wound", "sum", "wrap",
    "crack", "clamp", "lock", "write", "wrote", "hand", "back", "gear", "shore", "ramp", "open",
    "clean", "follow", "play", "talk", "water", "put", "take", "took", "make", "made", "turn",
    "tone", "pay", "paid", "let", "bring", "brought", "call", "settl", "calm", "cool", "break",
    "broke", "burn", "burnt", "mark", "close", "hold", "held", "beef", "speed", "sped", "build",
    "built", "draw", "drew", "shake", "shook", "pull", "cover", "scale", "bottom", "top", "mop",
    "pent",
];

/// Whether the cue at token `h` follows a "trop … pour (être)" / "too … to (be)"
/// construction in its segment, which denies it.
fn too_to(lang: Lang, toks: &[LexToken], h: usize, seg: usize, segment_of: &[usize]) -> bool {
    let (too, to) = match lang {
        Lang::Fr => ("trop", "pour"),
        _ => ("too", "to"),
    };
    // "pour" / "to" at most 3 tokens before the cue ("pour être vraiment passionnant").
    let Some(p) = (h.saturating_sub(3)..h)
        .rev()
        .find(|&k| toks[k].lower() == to && segment_of[k] == seg)
    else {
        return false;
    };
    // "trop" / "too" at most 4 tokens before it.
    (p.saturating_sub(4)..p).any(|k| toks[k].lower() == too && segment_of[k] == seg)
}

/// Kind of the modifier starting at token `i`, if any.
fn mods_kind(lex: &Lexicon, toks: &[LexToken], i: usize) -> Option<ModKind> {
    lex.modifier_at(toks, i).map(|(_, m)| m.kind)
}

/// Quantity nouns: good for a company (+: profit, ventes) or bad (−: loss, dette). Their
/// direction decides the sentiment; the word alone does not.
fn quantity_words(lang: Lang) -> (&'static [&'static str], &'static [&'static str]) {
    match lang {
        Lang::Fr => (
            &[
                "bénéfice",
                "bénéfices",
                "chiffre",
                "ventes",
                "marge",
                "marges",
                "résultat",
                "résultats",
                "dividende",
                "dividendes",
                "commandes",
                "revenus",
                "recettes",
                "excédent",
                "rentabilité",
                "ebitda",
                "ebit",
                "bpa",
                "trésorerie",
            ],
            &[
                "perte",
                "pertes",
                "coût",
                "coûts",
                "dette",
                "dettes",
                "déficit",
                "déficits",
                "charges",
                "chômage",
                "endettement",
                "dépenses",
                "provisions",
                "dépréciation",
                "dépréciations",
            ],
        ),
        _ => (
            &[
                "profit",
                "profits",
                "earnings",
                "revenue",
                "revenues",
                "sales",
                "margin",
                "margins",
                "income",
                "turnover",
                "ebit",
                "ebitda",
                "eps",
                "dividend",
                "dividends",
                "orders",
                "bookings",
                "shipments",
                "deliveries",
                "demand",
                "ebita",
            ],
            &[
                "loss",
                "losses",
                "cost",
                "costs",
                "debt",
                "debts",
                "deficit",
                "expense",
                "expenses",
                "charge",
                "charges",
                "writedown",
                "write-down",
                "impairment",
                "impairments",
                "unemployment",
                "provisions",
                "liabilities",
                "arrears",
            ],
        ),
    }
}

/// Words saying a quantity went up / down: French as prefixes of the lowercase form,
/// English as Snowball stems or exact forms.
fn direction_words(lang: Lang) -> (&'static [&'static str], &'static [&'static str]) {
    match lang {
        Lang::Fr => (
            &[
                "hausse", "augment", "progress", "croiss", "croît", "bondi", "bond", "grimp",
                "envol", "doubl", "accru", "accroiss", "accroît", "gonfl",
            ],
            &[
                "baiss", "diminu", "recul", "chut", "réduit", "rédui", "réduct", "contract",
                "fond", "allég", "repli", "effondr", "dégring", "plong",
            ],
        ),
        _ => (
            &[
                "rise", "rose", "risen", "increas", "grow", "grew", "grown", "jump", "climb",
                "soar", "surg", "doubl", "tripl", "widen", "up", "higher", "rais", "boost",
                "expand", "swell", "swollen", "rebound", "gain", "advanc",
            ],
            &[
                "fall", "fell", "fallen", "declin", "decreas", "drop", "dip", "slip", "slump",
                "plung", "tumbl", "shrank", "shrink", "shrunk", "narrow", "down", "lower", "cut",
                "reduc", "slash", "trim", "eas", "halv", "sank", "sink", "sunk", "plummet",
                "dwindl",
            ],
        ),
    }
}

/// Sentiment composition of direction and quantity: "loss narrowed" and "baisse des
/// coûts" are good news, "costs rose" and "profit fell" bad. A direction word next to a
/// quantity word (same segment, up to 5 tokens before or 4 after) gets the sign
/// `direction × quantity`, and the quantity word's own cue is dropped. A good-quantity
/// word on its own ("profit for the period was …") is not evaluative and is dropped too.
fn compose_quantities(
    g: &Roles,
    toks: &[LexToken],
    (clause_of, segment_of): (&[usize], &[usize]),
    cues: &mut Vec<Cue>,
    (nouns, used_nouns): (&mut Vec<usize>, &mut Vec<usize>),
) {
    let n = toks.len();
    let cue_at = |cues: &Vec<Cue>, k: usize| cues.iter().position(|c| c.head <= k && k < c.end);
    used_nouns.clear();
    // Direction look-ups are the costly part: only do them next to a quantity noun or
    // on an existing cue.
    nouns.clear();
    nouns.extend((0..n).filter(|&k| g.quantity(&toks[k]).is_some()));
    for j in 0..n {
        let near_noun = nouns.iter().any(|&k| k + 12 >= j && k <= j + 5);
        if !near_noun && cue_at(cues, j).is_none() {
            continue;
        }
        let Some(d) = g.direction(&toks[j]) else {
            continue;
        };
        // Skip direction words inside a multi-word cue or a role verb.
        let existing = cue_at(cues, j);
        if let Some(ci) = existing {
            if cues[ci].end - cues[ci].head > 1 || cues[ci].role.is_some() {
                continue;
            }
        }
        let before = (j.saturating_sub(5)..j).rev();
        // After the direction word, stop at "from"/"de": "up from a loss" compares with
        // a baseline, the loss is not what went up.
        let baseline_at = (j + 1..(j + 5).min(n))
            .find(|&k| matches!(toks[k].lower(), "from" | "vs" | "versus" | "contre"));
        let after_end = baseline_at.unwrap_or((j + 5).min(n));
        // The baseline's own cue ("a loss" in "up from a loss") is not news either.
        if let Some(f) = baseline_at {
            if let Some(k) = (f + 1..(f + 4).min(n))
                .filter(|&k| segment_of[k] == segment_of[j])
                .find(|&k| g.quantity(&toks[k]).is_some())
            {
                used_nouns.push(k);
            }
        }
        let after = (j + 1)..after_end;
        let mut noun = before
            .chain(after)
            .filter(|&k| segment_of[k] == segment_of[j])
            .find_map(|k| g.quantity(&toks[k]).map(|q| (k, q)));
        // "Net sales were EUR 5 mn, up from EUR 4 mn": a direction word opening a
        // segment refers back to the clause's quantity.
        let opens_segment =
            j > 0 && (segment_of[j - 1] != segment_of[j] || is_segment_punct(&toks[j - 1]));
        if noun.is_none() && opens_segment {
            noun = (j.saturating_sub(12)..j)
                .rev()
                .filter(|&k| clause_of[k] == clause_of[j])
                .find_map(|k| g.quantity(&toks[k]).map(|q| (k, q)));
        }
        let Some((k, q)) = noun else {
            // A bare direction ("sales grew", "exports grew 16 %") is mostly news of
            // growth: give it at least a plain strength in its own direction.
            if let Some(ci) = existing {
                if cues[ci].base * d > 0.0 {
                    cues[ci].base = d * cues[ci].base.abs().max(MIN_DIRECTION);
                }
            }
            continue;
        };
        let strength = existing.map_or(0.45, |ci| cues[ci].base.abs().max(0.45));
        let value = strength * d * q;
        let ev = (toks[k.min(j)].start, toks[k.max(j)].end);
        match existing {
            Some(ci) => {
                cues[ci].base = value;
                cues[ci].ev = ev;
            }
            None => {
                let (clause, segment) = (clause_of[j], segment_of[j]);
                cues.push(Cue {
                    head: j,
                    end: j + 1,
                    base: value,
                    factor: 1.0,
                    role: None,
                    clause,
                    reach: clause,
                    segment,
                    ev,
                });
            }
        }
        used_nouns.push(k);
    }
    compare_figures(g, toks, (clause_of, segment_of), cues, used_nouns);
    for c in cues.iter_mut() {
        if c.role.is_some() {
            continue;
        }
        // The quantity's own cue ("net loss", "profit") is replaced by the composition.
        let composed = used_nouns.iter().any(|&k| c.head <= k && k < c.end);
        // A good quantity alone ("profit", "net profit", "operating profit of EUR 5 mn")
        // reports a figure, not news.
        let bare_good = c.end > c.head
            && g.quantity(&toks[c.end - 1]).is_some_and(|q| q > 0.0)
            && toks[c.head..c.end - 1]
                .iter()
                .all(|t| QUANTITY_QUALIFIERS.contains(&t.lower()));
        if composed || bare_good {
            c.base = 0.0;
        }
    }
    cues.retain(|c| c.base != 0.0 || c.role.is_some());
    cues.sort_by_key(|c| c.head);
}

/// Words that qualify a quantity noun without judging it ("net profit", "operating
/// margin", "bénéfice net" is handled by the noun coming first).
const QUANTITY_QUALIFIERS: &[&str] = &[
    "net",
    "operating",
    "gross",
    "pretax",
    "pre-tax",
    "quarterly",
    "annual",
    "diluted",
    "comparable",
    "adjusted",
    "total",
    "underlying",
    "consolidated",
];

/// Words that introduce the baseline of a comparison ("EUR 5 mn compared to EUR 4 mn"):
/// from, compared, versus, vs, against, contre, comparé(s).
fn is_baseline_marker(t: &LexToken) -> bool {
    t.hot.class.flags & BASELINE_MARKER != 0
}

/// Parses a figure token ("1.05", "37,7", "1,070.6", "16.6 %") into a number.
fn figure(t: &LexToken) -> Option<f64> {
    if t.kind != TokenKind::Number {
        return None;
    }
    let raw: String = t
        .lower()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let cleaned = match (raw.contains('.'), raw.rsplit_once(',')) {
        (true, _) => raw.replace(',', ""),
        // A single comma with 3 digits after it is a thousands separator.
        (false, Some((_, tail))) if tail.len() == 3 && raw.matches(',').count() == 1 => {
            raw.replace(',', "")
        }
        (false, Some(_)) => raw.replacen(',', ".", 1).replace(',', ""),
        (false, None) => raw,
    };
    cleaned.trim_matches('.').parse().ok()
}

/// Figures compared without a direction word: "net income totaled EUR 15.9 mn, compared
/// to EUR 15.6 mn", "EPS was 0.38 versus 0.27", "margin from 5 % to 7 %". The quantity
/// (good or bad) and the order of the two figures give the sign. A quantity noun in the
/// baseline ("versus a loss of EUR 2 mn") is the past, not the news: its cue is dropped.
fn compare_figures(
    g: &Roles,
    toks: &[LexToken],
    (clause_of, segment_of): (&[usize], &[usize]),
    cues: &mut Vec<Cue>,
    used_nouns: &mut Vec<usize>,
) {
    let n = toks.len();
    for m in 0..n {
        if !is_baseline_marker(&toks[m]) {
            continue;
        }
        let clause = clause_of[m];
        // The baseline's figure: the first number within 5 tokens after the marker.
        let Some(old_at) = (m + 1..(m + 6).min(n))
            .take_while(|&k| clause_of[k] == clause)
            .find(|&k| figure(&toks[k]).is_some())
        else {
            continue;
        };
        // A quantity noun between the marker and its figure is the baseline's.
        let mut base_q = None;
        for (k, t) in toks.iter().enumerate().take(old_at).skip(m + 1) {
            if let Some(q) = g.quantity(t) {
                used_nouns.push(k);
                base_q = Some(q);
            }
        }
        // The new figure: the nearest number before the marker (within 8 tokens), or
        // after the baseline for "from X to Y".
        let from_to =
            toks[m].lower() == "from" && toks.get(old_at + 1).is_some_and(|t| t.lower() == "to");
        let new_at = if from_to {
            (old_at + 2..(old_at + 5).min(n))
                .take_while(|&k| clause_of[k] == clause)
                .find(|&k| figure(&toks[k]).is_some())
        } else {
            (m.saturating_sub(8)..m)
                .rev()
                .take_while(|&k| clause_of[k] == clause)
                .find(|&k| figure(&toks[k]).is_some())
        };
        let Some(new_at) = new_at else {
            continue;
        };
        let (Some(new), Some(old)) = (figure(&toks[new_at]), figure(&toks[old_at])) else {
            continue;
        };
        // Different units ("%" vs not) are not comparable.
        let comparable = is_pct(&toks[new_at]) == is_pct(&toks[old_at]) && new != old;
        let first = new_at.min(m);
        // The quantity: the nearest quantity noun before the compared figures (12 tokens).
        let Some((k, q)) = (first.saturating_sub(12)..first)
            .rev()
            .take_while(|&k| clause_of[k] == clause)
            .find_map(|k| g.quantity(&toks[k]).map(|q| (k, q)))
        else {
            continue;
        };
        // Already judged by a direction word ("rose to X from Y"): nothing to add.
        if used_nouns.contains(&k)
            || cues
                .iter()
                .any(|c| c.head > k && c.head < m && c.role.is_none() && c.base != 0.0)
        {
            continue;
        }
        let value = match base_q {
            // "a profit of X versus a loss of Y": the kind of quantity changed sign.
            Some(b) if b != q => COMPARISON_CUE * q,
            _ if comparable => COMPARISON_CUE * if new > old { q } else { -q },
            _ => continue,
        };
        let ev = (toks[k].start, toks[old_at.max(new_at)].end);
        used_nouns.push(k);
        // The cue sits on the new figure (the noun's own cue is dropped as composed).
        cues.push(Cue {
            head: new_at,
            end: new_at + 1,
            base: value,
            factor: 1.0,
            role: None,
            clause,
            reach: clause,
            segment: segment_of[new_at],
            ev,
        });
    }
}

/// French `ne`/`n'` is a negation only with its second part (`pas`, `plus`, `jamais`…);
/// `ne … que` means "only" ("il ne reste que deux usines") and negates nothing.
fn restrictive_ne(lang: Lang, toks: &[LexToken], k: usize) -> bool {
    if lang != Lang::Fr || !matches!(toks[k].lower(), "ne" | "n'") {
        return false;
    }
    for t in toks.iter().skip(k + 1).take(6) {
        match t.lower() {
            "pas" | "plus" | "jamais" | "guère" | "rien" | "point" | "aucun" | "aucune"
            | "personne" | "nullement" | "ni" => return false,
            "que" | "qu'" => return true,
            _ if t.kind == TokenKind::Punct => return false,
            _ => {}
        }
    }
    false
}

/// Weight of a sentence that opens with a conclusion marker ("bref", "overall"): reviews
/// and opinion pieces state their verdict there.
pub const CONCLUSION_WEIGHT: f32 = 2.0;
/// Conclusion markers, as lowercase token sequences at the start of a sentence.
const CONCLUSION_MARKERS: &[&[&str]] = &[
    &["bref"],
    &["en", "bref"],
    &["en", "résumé"],
    &["en", "somme"],
    &["au", "final"],
    &["finalement"],
    &["en", "conclusion"],
    &["pour", "conclure"],
    &["en", "définitive"],
    &["au", "total"],
    &["globalement"],
    &["dans", "l'", "ensemble"],
    &["overall"],
    &["in", "short"],
    &["in", "sum"],
    &["all", "in", "all"],
    &["in", "conclusion"],
    &["to", "sum", "up"],
    &["bottom", "line"],
    &["in", "the", "end"],
];

/// Whether the sentence `toks` starts with the word sequence `m` (skipping leading
/// punctuation such as quotes or dashes).
fn starts_with_words(toks: &[LexToken], m: &[&str]) -> bool {
    let first = toks
        .iter()
        .position(|t| t.kind != TokenKind::Punct)
        .unwrap_or(toks.len());
    m.iter()
        .enumerate()
        .all(|(k, w)| toks.get(first + k).is_some_and(|t| t.lower() == *w))
}

/// Whether `w` is the first word of some [`CONCLUSION_MARKERS`] entry (a test checks that
/// this list covers them all): a `match` compiles to a length switch, cheaper than
/// comparing against every marker.
fn starts_a_marker(w: &str) -> bool {
    matches!(
        w,
        "bref"
            | "en"
            | "au"
            | "finalement"
            | "pour"
            | "globalement"
            | "dans"
            | "overall"
            | "in"
            | "all"
            | "to"
            | "bottom"
    )
}

/// Whether the sentence opens with one of the [`CONCLUSION_MARKERS`]: the same test as
/// [`starts_with_words`] for each marker, with the leading punctuation skipped once and
/// only the markers whose first word matches compared in full.
fn opens_with_conclusion(toks: &[LexToken]) -> bool {
    let first = toks
        .iter()
        .position(|t| t.kind != TokenKind::Punct)
        .unwrap_or(toks.len());
    let Some(w0) = toks.get(first) else {
        return false;
    };
    // The word's class says it without reading its text (a cache miss per sentence),
    // when it was computed (the flag does not depend on the language).
    if w0.hot.class.lang.is_some() && w0.hot.class.flags & MARKER_HEAD == 0 {
        return false;
    }
    if !starts_a_marker(w0.lower()) {
        return false;
    }
    CONCLUSION_MARKERS
        .iter()
        .any(|m| m.first() == Some(&w0.lower()) && starts_with_words(toks, m))
}

/// Document-level weight of each sentence (token ranges `sentences` over `toks`): a
/// verdict introduced by a conclusion marker ("Bref, …", "Overall, …") counts more.
/// (Weighting the closing sentence, or damping a sentence that the next one opens
/// against with "Mais …", was tried and made French reviews worse.)
pub fn sentence_weights(toks: &[LexToken], sentences: &[(usize, usize)]) -> Vec<f32> {
    sentences
        .iter()
        .map(|&(s, e)| match toks.get(s..e) {
            Some(st) if opens_with_conclusion(st) => CONCLUSION_WEIGHT,
            _ => 1.0,
        })
        .collect()
}

/// Sentence-level (untargeted) score: sum of cue values.
pub fn sentence_sum(s: &Sentence) -> f32 {
    s.cues.iter().map(Cue::value).sum()
}
/// Squashes an unbounded sum into (−1, 1) (VADER-style normalisation).
pub fn squash(x: f32, alpha: f32) -> f32 {
    if !x.is_finite() {
        return 0.0;
    }
    (x / (x * x + alpha).sqrt()).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod gate_tests {
    use super::*;
    use crate::sentiment::lexicon::Lexicon;

    #[test]
    fn gates_never_reject_a_key_and_reject_other_words() {
        for lang in [Lang::En, Lang::Fr] {
            let g = Roles::new(lang);
            for k in g.quantities.keys() {
                assert!(g.quantity_gate.may(k), "{k}");
            }
            for k in g.by_stem.keys() {
                assert!(g.role_gate.may(k), "{k}");
            }
            for k in g.directions.keys() {
                assert!(g.direction_gate.may(k), "{k}");
                // French directions are prefixes: any longer word must pass too.
                if lang == Lang::Fr {
                    assert!(g.direction_gate.may(&format!("{k}aient")), "{k}");
                }
            }
        }
        let en = Roles::new(Lang::En);
        assert!(!en.quantity_gate.may("zebra"));
        assert!(!en.role_gate.may("quietly"));
    }

    #[test]
    fn every_conclusion_marker_passes_the_first_word_filter() {
        for m in CONCLUSION_MARKERS {
            assert!(m.first().is_some_and(|w| starts_a_marker(w)), "{m:?}");
        }
        let lex = Lexicon::empty(Lang::En);
        assert!(opens_with_conclusion(
            &lex.prepare("« Overall, the quarter was fine.")
        ));
        assert!(!opens_with_conclusion(&lex.prepare("In fact, sales rose.")));
        // Markers are token sequences: the tokenizer splits the French elision.
        let fr = Lexicon::empty(Lang::Fr);
        assert!(opens_with_conclusion(
            &fr.prepare("Dans l'ensemble, un roman réussi.")
        ));
    }

    #[test]
    fn conclusion_marker_after_quote_weighs_double() {
        let lex = Lexicon::empty(Lang::Fr);
        let text = "« En bref, la marque déçoit. » Puis la suite. Bref";
        let toks = lex.prepare(text);
        let raw = crate::text::tokenize::tokenize(text);
        let sents = crate::text::tokenize::sentence_token_ranges(text, &raw);
        assert_eq!(
            sentence_weights(&toks, &sents),
            vec![CONCLUSION_WEIGHT, 1.0, CONCLUSION_WEIGHT]
        );
    }

    #[test]
    fn plain_words_are_those_the_main_pass_ignores() {
        // The fast path of `analyze` must skip only tokens on which every look-up of the
        // main pass comes back empty: checked token by token with the shipped lexicons.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lexicons");
        let texts = [
            (
                Lang::En,
                "Shares of Acme rose 5% after the company did not miss estimates, \
                        but analysts said the outlook was weak; Globex was up 3% while \
                        the lawsuit against Initech could hurt. Buy on dips, they said.",
            ),
            (
                Lang::Fr,
                "Le titre de Danone a progressé de 3 % après l'annonce d'un \
                        bénéfice record, mais la banque n'a pas relevé son objectif ; \
                        le groupe pourrait licencier, tandis que Renault recule.",
            ),
        ];
        let mut plain = 0;
        for (lang, text) in texts {
            let lex = Lexicon::load(&dir, lang).unwrap();
            let roles = Roles::new(lang);
            let toks = lex.prepare(text);
            for i in 0..toks.len() {
                let t = &toks[i];
                if !t.hot.plain {
                    continue;
                }
                plain += 1;
                assert_eq!(t.hot.hits.lex_id, lex.id());
                assert_eq!(t.hot.class.lang, Some(lang));
                assert!(lex.modifier_at(&toks, i).is_none(), "{}", t.lower());
                assert!(lex.term_at(&toks, i).is_none(), "{}", t.lower());
                assert!(roles.at(&toks, i).is_none(), "{}", t.lower());
                assert!(t.hot.class.flags & !MARKER_HEAD == 0 && t.kind == TokenKind::Word);
                assert!(!matches!(t.lower(), "up" | "down"));
            }
            // Cue words are never plain.
            let cues: &[&str] = match lang {
                Lang::Fr => &["progressé", "bénéfice", "recule", "pas"],
                _ => &["rose", "weak", "up", "lawsuit", "not"],
            };
            for w in cues {
                let t = toks
                    .iter()
                    .find(|t| t.lower() == *w)
                    .expect("cue word in text");
                assert!(!t.hot.plain, "{w}");
            }
        }
        assert!(plain > 20, "most words are plain ({plain})");
    }
}
