//! Attribution of a sentence's cues to each target: clauses and segments, distance, lists
//! of targets, roles of finance verbs, and the French and English constructions that make a
//! target the source, the cause, the agent or a complement rather than the subject.

use super::*;

/// Weighted cue contributions toward one target (token range `[ta, tb)` within the
/// sentence), given the token ranges of all targets of the sentence. Returns
/// `(contribution, cue index)` for every cue that applies.
pub fn target_contributions(
    s: &Sentence,
    toks: &[LexToken],
    (ta, tb): (usize, usize),
    all_targets: &[(usize, usize)],
) -> Vec<(f32, usize)> {
    let n = s.clause_of.len();
    if ta >= n || tb <= ta {
        return Vec::new();
    }
    let tc = s.clause_of[ta];
    let ts = s.segment_of[ta];
    // Only name-sized targets mask the words they cover (a bogus whole-sentence span
    // must not erase every cue).
    let overlaps_target = |a: usize, b: usize| {
        all_targets
            .iter()
            .any(|&(x, y)| a < y && x < b && y - x <= MAX_NAME_TOKENS)
    };
    // "Infosys, TCS and Wipro fall": the targets of a list share its predicate.
    let (ga, gb) = target_list(toks, (ta, tb), all_targets);
    let in_list = |x: usize| ga <= x && x < gb;
    // (Public function: a caller's range may run past the sentence, clamp it.)
    let (ls, le) = (s.segment_of[ga], s.segment_of[gb.min(n) - 1]);
    let other_target_in = |pred: &dyn Fn(usize) -> bool| {
        all_targets
            .iter()
            .any(|&(x, y)| (x, y) != (ta, tb) && x < n && !in_list(x) && pred(x))
    };
    // "Banks look cheap: Jane Doe, Acme Securities": a last clause after a colon with
    // no cue of its own names the source of the opinion, not its subject.
    let source = tc > 0
        && s.clause_of[n - 1] == tc
        && (0..ta)
            .rev()
            .find(|&k| s.clause_of[k] != tc)
            .is_some_and(|k| toks[k].lower() == ":")
        && !s.cues.iter().any(|c| c.clause <= tc && tc <= c.reach);
    let cause = cause_phrase(toks, ga);
    // `selon Acme`, `Acme estime que Beta…`: the source of what is reported;
    // `la filiale d'Acme`, `le fondateur d'Acme`: what is said is of the head noun.
    let source =
        source || reports_speech(s, toks, (ta, tb), all_targets) || relation_complement(toks, ta);
    let conceded = concessions(toks, s);
    // `Pénalisé par la crise, Acme…`, `Grâce à ce modèle, Acme…`: a phrase detached at
    // the head of the sentence, naming no target, is said of the subject after it (the
    // first target of the sentence, in the next segment).
    let first_target = all_targets.iter().map(|t| t.0).filter(|&x| x < n).min();
    let fronted_for = |cue: &Cue| {
        cue.segment == 0
            && cue.clause == tc
            && first_target == Some(ta)
            && s.segment_of[ta] == 1
            && (0..ta).any(|k| s.segment_of[k] == 0)
    };
    let mut out = Vec::new();
    for (ci, cue) in s.cues.iter().enumerate() {
        if source {
            break;
        }
        // `En dépit de la chute des ventes, Acme…`: what is conceded is not said of the
        // targets outside the concession.
        if conceded
            .iter()
            .any(|&(a, b)| a <= cue.head && cue.head < b && !(a <= ta && ta < b))
        {
            continue;
        }
        // `menacés par Acme`: the agent of a passive participle is not what it hurts
        // or helps.
        // `concurrencés par Acme`, `menacés par la concurrence d'Acme`: the agent of a
        // rivalry is the one that wins, the opposite of what the participle says.
        let rival_agent = cue.role.is_none() && passive_agent(toks, s, cue, ta);
        if rival_agent && !rivalry_participle(toks, cue) {
            continue;
        }
        // Words inside a company name ("Best Buy", "Bankrupt Corp") are not sentiment.
        if overlaps_target(cue.head, cue.end) {
            continue;
        }
        if gives_approval(toks, cue, (ta, tb))
            || grants_approval(toks, cue, ta)
            || buyer_of_sale(toks, s, cue, ta)
        {
            continue;
        }
        let same_clause = cue.clause <= tc && tc <= cue.reach;
        let mut w = if same_clause {
            if cue.segment == ts
                || fronted_for(cue)
                || cue.role.is_some()
                || (ls <= cue.segment && cue.segment <= le)
            {
                1.0
            } else if other_target_in(&|x| s.segment_of[x] == cue.segment) {
                0.15
            } else {
                0.6
            }
        } else if other_target_in(&|x| s.clause_of[x] == cue.clause) {
            0.05
        } else {
            0.3
        };
        let d = if cue.head >= gb {
            cue.head - gb
        } else if cue.end <= ga {
            ga - cue.end
        } else if cue.head >= tb {
            cue.head - tb
        } else {
            ta.saturating_sub(cue.end)
        };
        w /= 1.0 + d as f32 / 10.0;
        // "Acme rallies on Beta contract": the cues before the cause phrase are about
        // the sentence's subject, not about the target inside it ("on weaker Beta",
        // "after Beta's profit warning" keep their own cues).
        if let Some(p) = cause {
            if cue.role.is_none() && cue.end <= p && cue.clause == tc {
                w *= CAUSE_WEIGHT;
            }
        }
        let value = match cue.role {
            Some(role) if same_clause => {
                let rscore = role_score(toks, s, cue, role, (ta, tb));
                if role.split {
                    rscore * cue.factor
                } else if rscore == 0.0 {
                    // Neutral role (the analyst who downgrades): the verb says nothing.
                    0.0
                } else {
                    rscore.signum() * cue.base.abs().max(rscore.abs()) * cue.factor
                }
            }
            Some(role) if role.split => 0.0,
            _ if rival_agent => -cue.value(),
            _ => cue.value(),
        };
        if value != 0.0 {
            out.push((value * w, ci));
        }
    }
    out
}

/// Token ranges of the sentence's concessive phrases: from `malgré`, `en dépit de`,
/// `bien que`, `même si`, `despite`, `in spite of`, `although`, `even though`, `even if`
/// to the next comma or clause boundary.
pub(super) fn concessions(toks: &[LexToken], s: &Sentence) -> Vec<(usize, usize)> {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    let mut out = Vec::new();
    let n = toks.len().min(s.clause_of.len());
    let mut k = 0;
    while k < n {
        let w = word(k);
        let len = match w {
            "malgré" | "despite" | "although" | "quoique" => 1,
            "en" if word(k + 1) == "dépit" => 2,
            "bien" if matches!(word(k + 1), "que" | "qu'") => 2,
            "même" if word(k + 1) == "si" => 2,
            "in" if word(k + 1) == "spite" => 2,
            "even" if matches!(word(k + 1), "though" | "if") => 2,
            _ => 0,
        };
        if len == 0 {
            k += 1;
            continue;
        }
        let mut e = k + len;
        while e < n && (toks[e].kind != TokenKind::Punct || matches!(word(e), "'" | "’" | "-")) {
            e += 1;
        }
        out.push((k, e));
        k = e;
    }
    out
}

/// Nouns of a relation to a company (`filiale de`, `fondateur de`, `sous-traitant de`):
/// a sentence about them says nothing about the company that completes them.
pub(super) const RELATION_NOUNS: &[&str] = &[
    "filiale",
    "filiales",
    "maison-mère",
    "sous-traitant",
    "sous-traitants",
    "propriétaire",
    "propriétaires",
    "fondateur",
    "fondatrice",
    "cofondateur",
    "cofondatrice",
    "actionnaire",
    "actionnaires",
    "client",
    "clients",
    "fournisseur",
    "fournisseurs",
    "concurrent",
    "concurrents",
    "rival",
    "rivaux",
    "branche",
    "comité",
    "porte-parole",
    "avocat",
    "avocats",
    "repreneur",
    "repreneurs",
    "ancien",
    "ancienne",
];

/// Whether the target completes a relation noun: `filiale de la Banque X`, `le fondateur
/// de X`, `sous-traitant d'X` (French: the noun, `de`/`d'`/`du`/`des`, perhaps an
/// article).
pub(super) fn relation_complement(toks: &[LexToken], ta: usize) -> bool {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    let Some(mut k) = ta.checked_sub(1) else {
        return false;
    };
    if matches!(word(k), "la" | "le" | "l'" | "les") {
        let Some(j) = k.checked_sub(1) else {
            return false;
        };
        k = j;
    }
    if !matches!(word(k), "de" | "d'" | "du" | "des") {
        return false;
    }
    k.checked_sub(1)
        .is_some_and(|n| RELATION_NOUNS.contains(&word(n)))
}

/// Verbs of saying and judging (lowercase forms): their subject reports or judges what
/// follows.
pub(super) const SPEECH_VERBS: &[&str] = &[
    "estime",
    "estiment",
    "estimé",
    "affirme",
    "affirment",
    "affirmé",
    "juge",
    "jugent",
    "explique",
    "expliquent",
    "souligne",
    "soulignent",
    "indique",
    "indiquent",
    "précise",
    "précisent",
    "assure",
    "assurent",
    "déclare",
    "déclarent",
    "note",
    "notent",
    "rappelle",
    "rappellent",
    "observe",
    "observent",
    "constate",
    "constatent",
    "considère",
    "considèrent",
    "prévient",
    "préviennent",
    "dit",
    "disent",
    "écrit",
    "écrivent",
    "analyse",
    "analysent",
    "interroge",
    "s'interroge",
    "craint",
    "craignent",
    "redoute",
    "redoutent",
    "says",
    "said",
    "say",
    "argues",
    "argued",
    "believes",
    "thinks",
    "notes",
    "noted",
    "told",
];

/// Whether the target is the source of reported speech in its sentence: `selon Acme`,
/// `d'après Acme`, `according to Acme`; or the subject of a verb of saying whose content
/// (`que`, `:`, `that`) names another target (`Acme estime que Beta…`: the judgement is
/// about Beta; `Acme estime que ses ventes…` stays about Acme).
pub(super) fn reports_speech(
    s: &Sentence,
    toks: &[LexToken],
    (ta, tb): (usize, usize),
    all_targets: &[(usize, usize)],
) -> bool {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    // `selon le cabinet d'analyse Acme`: up to five words back, no punctuation between.
    for k in (ta.saturating_sub(5)..ta).rev() {
        let w = word(k);
        if toks[k].kind == TokenKind::Punct {
            break;
        }
        if w == "selon"
            || (w == "après" && k > 0 && word(k - 1) == "d'")
            || (w == "to" && k > 0 && word(k - 1) == "according")
        {
            return true;
        }
    }
    let n = s.clause_of.len().min(toks.len());
    let Some(v) = (tb..n.min(tb + 6))
        .take_while(|&k| s.clause_of[k] == s.clause_of[ta.min(n - 1)])
        .find(|&k| SPEECH_VERBS.contains(&word(k)))
    else {
        return false;
    };
    let content = (v + 1..n.min(v + 3)).find(|&k| matches!(word(k), "que" | "qu'" | ":" | "that"));
    content.is_some_and(|c| all_targets.iter().any(|&(x, _)| x > c && x < n))
}

/// Whether the target is the agent (`par`) of the French passive participle that the
/// cue is (`menacés par la concurrence d'Acme`).
pub(super) fn passive_agent(toks: &[LexToken], s: &Sentence, cue: &Cue, ta: usize) -> bool {
    let Some(t) = toks.get(cue.end.saturating_sub(1)) else {
        return false;
    };
    let w = t.lower();
    if !(w.ends_with('é') || w.ends_with("ée") || w.ends_with("és") || w.ends_with("ées")) {
        return false;
    }
    cue.end < ta
        && toks.get(cue.end).is_some_and(|p| p.lower() == "par")
        && s.clause_of.get(ta) == Some(&cue.clause)
}

/// Participles of a rivalry (`concurrencé`, `détrôné`, `devancé`, `supplanté`,
/// `bousculé`, and `menacé` when the threat is `la concurrence`): what they say of their subject, the
/// agent after `par` gains.
pub(super) fn rivalry_participle(toks: &[LexToken], cue: &Cue) -> bool {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    let head = word(cue.end.saturating_sub(1));
    let stem = head.trim_end_matches('s').trim_end_matches('e');
    match stem {
        "concurrencé" | "détrôné" | "devancé" | "supplanté" | "bousculé" => true,
        "menacé" => {
            // `menacés par la concurrence`, `menacés par les concurrents`
            (cue.end + 1..cue.end + 4).any(|k| word(k).starts_with("concurren"))
        }
        _ => false,
    }
}

/// Whether the target names who gives the approval that the cue is ("gets regulator
/// nod", "Acme's approval", "feu vert de l'AMF"): the approval is good news for whoever
/// gets it, not for the authority.
pub(super) fn gives_approval(toks: &[LexToken], cue: &Cue, (ta, tb): (usize, usize)) -> bool {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    // English: the authority right before the noun, possibly with "'s".
    let after =
        cue.head == tb || (cue.head == tb + 1 && matches!(word(tb), "'s" | "'" | "’s" | "’"));
    // French: the noun, then "de"/"du"/"de l'" and the authority.
    let before = (cue.end + 1 == ta && matches!(word(cue.end), "de" | "du" | "d'"))
        || (cue.end + 2 == ta && word(cue.end) == "de" && word(cue.end + 1) == "l'");
    (after || before)
        && matches!(
            word(cue.head),
            "nod"
                | "nods"
                | "approval"
                | "approvals"
                | "clearance"
                | "clearances"
                | "go-ahead"
                | "consent"
                | "green"
                | "feu"
                | "aval"
                | "autorisation"
                | "approbation"
        )
}

/// Whether the target is the subject that grants the approval the cue is (`Acme a donné
/// son feu vert à …`, `Acme gives its approval to …`): the approval is the receiver's
/// good news, not the giver's.
pub(super) fn grants_approval(toks: &[LexToken], cue: &Cue, ta: usize) -> bool {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    let h = cue.head;
    if h < 2 || ta + 2 > h {
        return false;
    }
    let approval = matches!(
        word(h),
        "agrément"
            | "accord"
            | "feu"
            | "aval"
            | "autorisation"
            | "approbation"
            | "approval"
            | "green"
            | "nod"
            | "blessing"
            | "consent"
    );
    approval
        && matches!(word(h - 1), "son" | "sa" | "leur" | "its" | "their")
        && matches!(
            word(h - 2),
            "donne"
                | "donné"
                | "donnent"
                | "accorde"
                | "accordé"
                | "accordent"
                | "gives"
                | "gave"
                | "given"
                | "grants"
                | "granted"
        )
}

/// Whether the target is the buyer in a sale the cue is (`l'usine a été cédée en 2021 au
/// groupe Acme`, `sells its stake to Acme`): what a sale says of the seller is not said
/// of whoever buys.
pub(super) fn buyer_of_sale(toks: &[LexToken], s: &Sentence, cue: &Cue, ta: usize) -> bool {
    let word = |k: usize| toks.get(k).map_or("", |t| t.lower());
    let sale = matches!(
        word(cue.end.saturating_sub(1)),
        "cède"
            | "cèdent"
            | "cédé"
            | "cédée"
            | "cédés"
            | "cédées"
            | "vend"
            | "vendent"
            | "vendu"
            | "vendue"
            | "vendus"
            | "vendues"
            | "sells"
            | "sold"
            | "sell"
    );
    sale && cue.end < ta
        && ta - cue.end <= 8
        && s.clause_of.get(ta) == Some(&cue.clause)
        && (cue.end..ta).any(|k| matches!(word(k), "à" | "au" | "aux" | "to"))
}

/// Weight of the cues outside a cause phrase for the target inside it.
pub(super) const CAUSE_WEIGHT: f32 = 0.0;

/// Index of the preposition that makes the target starting at `ta` the cause or the
/// circumstance of what the sentence says ("rises on Acme deal", "falls after Acme
/// exclusion", "merger with Acme", "as Acme weighs an offer"), within two words before it
/// (an article or a possessive may come between). "on" after a word that takes it for its
/// object ("bullish on", "weighs on", "buy on") is not a cause.
pub(super) fn cause_phrase(toks: &[LexToken], ta: usize) -> Option<usize> {
    let mut k = ta;
    for _ in 0..2 {
        k = k.checked_sub(1)?;
        let w = toks[k].lower();
        match w {
            "after" | "following" | "post" | "amid" | "amidst" | "with" | "as" | "après"
            | "avec" | "suite" | "sur" => return Some(k),
            "on" => {
                let prev = k.checked_sub(1).map(|p| toks[p].lower());
                return (!prev.is_some_and(|p| ON_TAKERS.contains(&p))).then_some(k);
            }
            "the" | "a" | "an" | "its" | "their" | "le" | "la" | "les" | "l'" | "du" | "des"
            | "de" | "d'" => continue,
            _ => return None,
        }
    }
    None
}

/// Words whose object follows "on": the target after them is what they judge.
pub(super) const ON_TAKERS: &[&str] = &[
    "bullish",
    "bearish",
    "positive",
    "negative",
    "cautious",
    "optimistic",
    "pessimistic",
    "upbeat",
    "neutral",
    "overweight",
    "underweight",
    "buy",
    "sell",
    "long",
    "short",
    "bet",
    "bets",
    "betting",
    "big",
    "outlook",
    "view",
    "views",
    "stance",
    "rating",
    "ratings",
    "call",
    "calls",
    "weigh",
    "weighs",
    "weighed",
    "weighing",
    "toll",
    "pressure",
    "fine",
    "fines",
    "fined",
    "ban",
    "bans",
    "curbs",
    "crackdown",
    "penalty",
    "sanctions",
    "hard",
    "tough",
    "soft",
    "keen",
    "sour",
    "sours",
    "soured",
    "focus",
    "raid",
    "raids",
    "attack",
    "attacks",
    "hit",
    "hits",
    "impact",
    "effect",
    "'",
    "\"",
    "’",
    "”",
    "accumulate",
    "hold",
    "reduce",
    "positives",
    "negatives",
    "upgrade",
    "downgrade",
    "target",
];

/// [`target_list`], for the caller that attributes a text's lead to its title's subject.
pub fn list_of(
    toks: &[LexToken],
    target: (usize, usize),
    all_targets: &[(usize, usize)],
) -> (usize, usize) {
    target_list(toks, target, all_targets)
}

/// Token range of the list of targets that `(ta, tb)` belongs to ("Infosys, TCS and
/// Wipro"): neighbouring targets joined only by commas, "and", "&", "or", "/" ("et",
/// "ou" in French). A target alone is its own list.
pub(super) fn target_list(
    toks: &[LexToken],
    (ta, tb): (usize, usize),
    all_targets: &[(usize, usize)],
) -> (usize, usize) {
    let joiner = |k: usize| {
        toks.get(k)
            .is_some_and(|t| matches!(t.lower(), "," | "and" | "&" | "or" | "/" | "et" | "ou"))
    };
    // Most targets stand alone: no joiner on either side, no look at the other targets.
    if !joiner(tb) && !ta.checked_sub(1).is_some_and(joiner) {
        return (ta, tb);
    }
    let name_sized = |&&(x, y): &&(usize, usize)| y > x && y - x <= MAX_NAME_TOKENS;
    let (mut ga, mut gb) = (ta, tb);
    loop {
        // The next target starts after at most two joiners ("A, and B").
        let next = all_targets
            .iter()
            .filter(name_sized)
            .find(|&&(x, _)| x > gb && x - gb <= 2 && (gb..x).all(joiner));
        match next {
            Some(&(_, y)) if y > gb => gb = y,
            _ => break,
        }
    }
    loop {
        let prev = all_targets
            .iter()
            .filter(name_sized)
            .find(|&&(_, y)| y < ga && ga - y <= 2 && (y..ga).all(joiner));
        match prev {
            Some(&(x, _)) if x < ga => ga = x,
            _ => break,
        }
    }
    (ga, gb)
}

/// Score a role verb gives to a target, from its position (subject before the verb,
/// object after; passive voice swaps them).
pub(super) fn role_score(
    toks: &[LexToken],
    s: &Sentence,
    cue: &Cue,
    role: Role,
    (ta, tb): (usize, usize),
) -> f32 {
    let is_by = |t: &LexToken| t.lower() == "by" || t.lower() == "par";
    let be = |t: &LexToken| {
        matches!(
            t.lower(),
            "is" | "was"
                | "were"
                | "been"
                | "be"
                | "being"
                | "are"
                | "gets"
                | "got"
                | "get"
                | "est"
                | "été"
                | "sont"
                | "fut"
                | "sera"
                | "seront"
                | "était"
        )
    };
    let h = cue.head;
    // A French past participle without `avoir` before it is passive on its own
    // (`Ryanair condamnée pour…`, `le projet, bloqué par…`).
    let participle = toks.get(h).is_some_and(|t| {
        let w = t.lower();
        [
            "é", "ée", "és", "ées", "u", "ue", "us", "ues", "ite", "its", "ites",
        ]
        .iter()
        .any(|e| w.ends_with(e))
            && !h.checked_sub(1).and_then(|p| toks.get(p)).is_some_and(|p| {
                matches!(
                    p.lower(),
                    "a" | "ont" | "avait" | "avaient" | "aura" | "auront" | "ayant" | "avoir"
                )
            })
    });
    let passive = !role.split
        && (participle
            || (h >= 1 && toks.get(h - 1).is_some_and(be))
            || (h >= 2 && toks.get(h - 2).is_some_and(be))
            || toks.get(cue.end).is_some_and(is_by)
            || toks.get(cue.end + 1).is_some_and(is_by));
    let _ = s;
    // `Acme suspend ses vols`, `Acme cuts its dividend`: an object that belongs to the
    // subject makes the subject bear what the verb does to it.
    let own_object = toks.get(cue.end).is_some_and(|t| {
        matches!(
            t.lower(),
            "son" | "sa" | "ses" | "leur" | "leurs" | "its" | "their" | "his" | "her"
        )
    });
    if tb <= h {
        if passive || (own_object && !role.split) {
            role.obj
        } else {
            role.subj
        }
    } else if passive && (cue.end..ta).any(|k| toks.get(k).is_some_and(is_by)) {
        role.subj
    } else if role.purchase
        && toks
            .get(tb)
            .is_some_and(|t| INSTRUMENTS.contains(&t.lower()))
    {
        // `Investors buy Acme bonds`: an instrument changes hands, not the company.
        0.0
    } else {
        role.obj
    }
}

/// What is bought without buying the company (`buy Acme bonds`, `acquires Acme shares`).
const INSTRUMENTS: &[&str] = &[
    "bonds",
    "bond",
    "notes",
    "shares",
    "share",
    "stock",
    "stocks",
    "debt",
    "securities",
    "paper",
    "loans",
    "assets",
];
