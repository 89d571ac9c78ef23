//! Media outlets as companies. A newspaper, radio or channel is a company when the
//! text treats it as a business or an actor (`le quotidien X`, `la vente de « X »`,
//! `X et Y suspendus`, `« X » pourrait licencier`), and not when it only carries a
//! quote or a programme (`dans « X »`, `le « 20 heures » de X`, `productrice à X`,
//! `a déclaré Y à X`) or names a former employer (`ancien président de X`).
//!
//! * [`media_outlets`] finds outlets the gazetteer does not list, anchored on a media
//!   noun (`la radio X`, `les médias d'Etat X et Y`, `« X », hebdomadaire …`) or on a
//!   business or sanction event next to a quoted title, a title with a capital article
//!   in mid-sentence (`de La X`), or a capitalised name in an article about media;
//! * [`business_event`] keeps a listed outlet that the cited-medium rule would drop;
//! * [`cited_as_source`] adds the programme, speech and job cues to that rule.

use super::evidence::cited_as_medium;
use super::{Article, EntityFinder, PatInfo};
use crate::entities::discover::{char_before, is_stopword, slug};
use crate::entities::fold::with_folded_word;
use crate::entities::lexicon::NATIONALITY_ADJECTIVES;
use crate::entities::{EntityKind, Mention, Via};
use tokens::{is_close_quote, is_open_quote, tokens, Name, Toks};

/// Pattern flag of the words below (set in `EntityFinder::new`).
pub(super) const MEDIA: u16 = 256;

/// Confidence of an outlet found by these rules.
const CONF_OUTLET: f32 = 0.6;

/// Nouns (folded) that name an outlet: `la radio X`, `X, hebdomadaire …`.
#[rustfmt::skip]
const OUTLET_NOUNS: &[&str] = &[
    "chaine", "chaines", "radio", "radios", "quotidien", "quotidiens", "hebdomadaire",
    "hebdomadaires", "mensuel", "mensuels", "magazine", "magazines", "media", "medias",
    "journal", "journaux", "television", "broadcaster", "newspaper", "tabloid",
];

/// Words (folded) that, anywhere in a text, make it a text about media: with one of
/// them, a capitalised name next to a business or sanction event may be an outlet.
#[rustfmt::skip]
const MEDIA_CONTEXT: &[&str] = &[
    "journaliste", "journalistes", "redaction", "redactions", "antenne", "antennes",
    "presse", "audiovisuel", "audiovisuelle", "editorial", "diffusion",
];

/// Event nouns (folded) whose `de` complement is the business concerned: `rachat de
/// X`, `l'interdiction de X`, `propriétaire du « X »`.
#[rustfmt::skip]
const EVENT_NOUNS: &[&str] = &[
    "rachat", "cession", "liquidation", "faillite", "redressement", "proprietaire",
    "proprietaires", "actionnaire", "actionnaires", "interdiction", "suspension",
    "fermeture", "privatisation", "nationalisation", "repreneur", "repreneurs",
    "restructuration", "licenciements",
];

/// Event nouns that also name sales of works or revivals (`la vente de « Guernica »`,
/// `la reprise de « Cabaret »`): they count only in a text about media.
const WEAK_EVENT_NOUNS: &[&str] = &["vente", "reprise"];

/// Verbs and participles (folded) after the outlet: `X licencie`, `X et Y suspendus`,
/// `X privées d'antenne`, `X change de directeur` (see [`CHANGE_OBJECTS`]).
#[rustfmt::skip]
const EVENT_VERBS: &[&str] = &[
    "licencie", "licencient", "licencier", "supprime", "suppriment", "supprimer",
    "cesse", "cessent", "cesser", "suspendu", "suspendue", "suspendus", "suspendues",
    "interdit", "interdite", "interdits", "interdites", "prive", "privee", "prives",
    "privees", "censure", "censuree", "censures", "censurees", "bloque", "bloquee",
    "bloques", "bloquees", "banni", "bannie", "bannis", "bannies", "rachete", "rachetee",
    "rachetes", "rachetees", "fermee", "fermees", "change", "changent",
];

/// Event words that are also an active verb in the present (`interdit`, `prive`): with
/// an object after them, their subject is the authority, not the outlet.
#[rustfmt::skip]
const ACTIVE_TOO: &[&str] = &["interdit", "prive", "censure", "bloque", "suspend"];

/// Participles that are an event only with their complement (`privées d'antenne`, not
/// `un ORTF privé`).
const WITH_DE: &[&str] = &["prive", "privee", "prives", "privees"];

/// Determiners (folded) that open an object after a verb.
#[rustfmt::skip]
const DETERMINERS: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "des", "du", "son", "sa", "ses", "leur", "leurs",
    "ce", "cet", "cette", "ces", "tout", "toute", "tous", "toutes",
];

/// `L'Etat interdit la diffusion de …`: an ambiguous event word at token `k` used as an
/// active verb with an object.
fn active_with_object(tk: &Toks<'_>, k: usize) -> bool {
    tk.folded_in(k, ACTIVE_TOO) && tk.folded_in(k + 1, DETERMINERS)
        || tk.folded_in(k, WITH_DE) && !tk.folded_in(k + 1, &["de", "d", "des", "du"])
}

/// Verbs that show an actor but also follow other titles: only in a text about media.
/// (`vendu` is in neither list: it ends the sale of a painting as often, `« X » a été
/// vendu aux enchères`.)
const WEAK_EVENT_VERBS: &[&str] = &["annonce", "annoncent"];

/// What `X change de …` must change for a business event (`change de directeur`).
#[rustfmt::skip]
const CHANGE_OBJECTS: &[&str] = &[
    "directeur", "directrice", "proprietaire", "actionnaire", "mains", "patron", "direction",
];

/// Auxiliaries, modals and adverbs (folded) between an outlet and its event verb.
#[rustfmt::skip]
const BETWEEN: &[&str] = &[
    "a", "ont", "est", "sont", "ete", "sera", "seront", "pourrait", "pourraient", "va",
    "vont", "doit", "doivent", "devrait", "devraient", "vient", "viennent", "de", "d",
    "definitivement", "desormais", "aussi", "egalement", "ne", "n", "pas", "temporairement",
];

/// Speech verbs (folded) that make `à X` the outlet a person spoke to (`a déclaré Y à X`).
#[rustfmt::skip]
const SPEECH_VERBS: &[&str] = &[
    "declare", "dit", "affirme", "indique", "confie", "explique", "estime", "assure",
    "raconte", "precise", "souligne", "reconnu", "admis", "annonce", "promis", "interroge",
    "interrogee", "invite", "invitee", "said", "told",
];

/// Job nouns (folded) whose outlet is an employer named as a medium (`productrice à X`,
/// `rédactrice en chef du « X »`, `directeur des antennes de X`).
#[rustfmt::skip]
const MEDIA_JOBS: &[&str] = &[
    "producteur", "productrice", "redacteur", "redactrice", "antennes", "vedette",
    "speakerine", "chroniqueurs", "fondateur", "fondatrice", "cofondateur", "cofondatrice",
];

/// Leader nouns (folded) that, after `ancien`/`ex`, make the outlet a former employer.
#[rustfmt::skip]
const FORMER_JOBS: &[&str] = &[
    "president", "presidente", "directeur", "directrice", "pdg", "patron", "patronne",
    "redacteur", "redactrice", "journaliste", "dirigeant", "dirigeante",
];

/// Every word of the lists above, for the pattern automaton.
pub(super) fn media_words() -> impl Iterator<Item = &'static str> {
    [
        OUTLET_NOUNS,
        MEDIA_CONTEXT,
        EVENT_NOUNS,
        WEAK_EVENT_NOUNS,
        EVENT_VERBS,
        WEAK_EVENT_VERBS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// Is the text about media (one of [`OUTLET_NOUNS`] or [`MEDIA_CONTEXT`] among its
/// hits, in lower case)?
fn media_text(art: &Article<'_>, pats: &[PatInfo]) -> bool {
    art.hits.iter().any(|h| {
        pats[h.pat].flags & MEDIA != 0
            && art.text.get(h.s..h.e).is_some_and(|w| {
                w.starts_with(char::is_lowercase)
                    && with_folded_word(w, |f| {
                        OUTLET_NOUNS.contains(&f) || MEDIA_CONTEXT.contains(&f)
                    })
            })
    })
}

/// Unlisted outlets: after a media noun, in apposition to one, or next to a business
/// or sanction event (see the module documentation). Runs before the other discovery
/// passes, which then leave these spans alone.
pub(super) fn media_outlets(finder: &EntityFinder, art: &mut Article<'_>) {
    let pats = &finder.pats;
    if !art.hits.iter().any(|h| pats[h.pat].flags & MEDIA != 0) {
        return;
    }
    let text = art.text;
    let about_media = media_text(art, pats);
    let mut names: Vec<Name> = Vec::new();
    for h in art.hits.iter().filter(|h| pats[h.pat].flags & MEDIA != 0) {
        let word = text.get(h.s..h.e).unwrap_or("");
        let lower = word.starts_with(char::is_lowercase);
        // The window is read only for a word that some rule below can use: a media
        // noun or an event verb in lower case, or an event noun.
        let usable = with_folded_word(word, |f| {
            if OUTLET_NOUNS.contains(&f) {
                lower
            } else if EVENT_NOUNS.contains(&f) || WEAK_EVENT_NOUNS.contains(&f) && about_media {
                true
            } else {
                (EVENT_VERBS.contains(&f) || WEAK_EVENT_VERBS.contains(&f) && about_media) && lower
            }
        });
        if !usable {
            continue;
        }
        let tk = Toks {
            text,
            t: tokens(text, h.s.saturating_sub(160), h.e + 160),
        };
        let Some(k) = tk.t.iter().position(|t| t.s == h.s) else {
            continue;
        };
        with_folded_word(word, |f| {
            if OUTLET_NOUNS.contains(&f) {
                let Some(complement) = noun_phrase_head(&tk, k).filter(|_| lower) else {
                    return;
                };
                // `selon le quotidien X`, `fondateur du quotidien X`: a medium.
                if cited_as_medium(text, h.s) || cited_as_source(text, h.s) {
                    return;
                }
                after_noun(&tk, k, complement, &mut names);
                appositive(&tk, k, &mut names);
            } else if EVENT_NOUNS.contains(&f) || WEAK_EVENT_NOUNS.contains(&f) && about_media {
                if tk.folded_in(k + 1, &["de", "du", "des", "d"]) && !tk.broken(k, k + 1) {
                    let titled_only = !about_media;
                    if let Some((n, next)) = tk.name_at(k + 2) {
                        if !titled_only || n.titled {
                            names.push(n);
                            coordinated_after(&tk, next, titled_only, &mut names);
                        }
                    }
                }
            } else if EVENT_VERBS.contains(&f) || WEAK_EVENT_VERBS.contains(&f) && about_media {
                if (f == "change" || f == "changent")
                    && !(k + 1..k + 5).any(|i| tk.folded_in(i, CHANGE_OBJECTS))
                {
                    return;
                }
                if !lower || active_with_object(&tk, k) {
                    return;
                }
                let strong = EVENT_VERBS.contains(&f);
                before_verb(&tk, k, strong && !about_media, &mut names);
            }
        });
    }
    for n in names {
        add_outlet(finder, art, n);
    }
}

/// `la radio X`, `le journal russe indépendant « X »`, `les médias d'Etat X et Y`:
/// up to three lower-case adjectives (or `d'Etat`) between the noun and the names.
fn after_noun(tk: &Toks<'_>, k: usize, complement: bool, names: &mut Vec<Name>) {
    let mut i = k + 1;
    let mut skipped = 0;
    while skipped < 3 && !tk.broken(i - 1, i) {
        let w = tk.str(i);
        let adjective = tk.t.get(i).is_some_and(|t| t.word)
            && w.chars().count() >= 3
            && w.chars().all(|c| c.is_lowercase() || c == '-')
            && !is_stopword(w)
            && !looks_like_verb(w)
            || with_folded_word(w, |f| NATIONALITY_ADJECTIVES.contains(&f))
                && w.starts_with(char::is_lowercase);
        if adjective {
            i += 1;
        } else if tk.folded_in(i, &["d"]) && tk.folded_in(i + 1, &["etat"]) {
            i += 2;
        } else {
            break;
        }
        skipped += 1;
    }
    if i > 0 && tk.broken(i - 1, i) {
        return;
    }
    if let Some((n, next)) = tk.name_at(i) {
        // `le théoricien des médias Douglas Rushkoff` is a person described by the
        // noun; `les comptes des médias d'Etat X` names outlets.
        if complement && skipped == 0 && !n.titled {
            return;
        }
        names.push(n);
        coordinated_after(tk, next, false, names);
    }
}

/// `voulait`, `imposer`, `dénoncent`: an imperfect, infinitive or plural present ends a
/// noun phrase (`la chaîne publique voulait imposer X` names no outlet).
fn looks_like_verb(w: &str) -> bool {
    ["ait", "aient", "er", "ir", "ent"]
        .iter()
        .any(|suf| w.ends_with(suf))
}

/// Is the outlet noun at token `k` the head of a noun phrase, after a determiner or a
/// preposition (`la radio`, `du quotidien`, `les médias`, `à l'hebdomadaire`), or at
/// the start of a line (`Radio X`), and not an adjective (`le tchat mensuel`)? `None`
/// if not; `Some(true)` when it is the bare complement of another noun (`le
/// spécialiste des médias X`, `les comptes des médias d'Etat X`).
fn noun_phrase_head(tk: &Toks<'_>, k: usize) -> Option<bool> {
    if k == 0 || tk.broken(k - 1, k) {
        return Some(false);
    }
    if tk.folded_in(k - 1, &["des", "de", "d"]) {
        // `le bureau de la radio X` has its article; `spécialiste des médias` none.
        let bare = k >= 2 && tk.t[k - 2].word && tk.str(k - 2).starts_with(char::is_lowercase);
        return Some(bare);
    }
    let head = tk.folded_in(k - 1, DETERMINERS)
        || tk.folded_in(
            k - 1,
            &["au", "aux", "a", "par", "pour", "sur", "chez", "dont"],
        )
        || tk.punct(k - 1).is_some();
    head.then_some(false)
}

/// Is the outlet noun at `s..e` cited as a medium or an employer (`selon le quotidien
/// X`, `fondateur du quotidien X`)? The other discovery passes leave its name alone.
pub(super) fn medium_noun_cited(text: &str, s: usize, e: usize) -> bool {
    text.get(s..e)
        .is_some_and(|w| with_folded_word(w, |f| OUTLET_NOUNS.contains(&f)))
        && (cited_as_medium(text, s) || cited_as_source(text, s))
}

/// `X et Y`, `X, Y et Z` after a first name ending before token `i`.
fn coordinated_after(tk: &Toks<'_>, mut i: usize, titled_only: bool, names: &mut Vec<Name>) {
    for _ in 0..3 {
        let joined = tk.folded_in(i, &["et", "ou", "and"]) || tk.punct(i) == Some(',');
        if !joined || tk.broken(i, i + 1) {
            return;
        }
        match tk.name_at(i + 1) {
            Some((n, next)) if !titled_only || n.titled => {
                names.push(n);
                i = next;
            }
            _ => return,
        }
    }
}

/// `« X », hebdomadaire …`, `X, le quotidien régional`: a name right before a comma
/// and the noun (with an optional article).
fn appositive(tk: &Toks<'_>, k: usize, names: &mut Vec<Name>) {
    // `« X », magazine dominical de …` is as often a programme as a publication.
    if tk.folded_in(k, &["magazine", "magazines"]) {
        return;
    }
    let mut j = k;
    if j > 0 && tk.folded_in(j - 1, &["le", "la", "l", "un", "une", "the", "a"]) {
        j -= 1;
    }
    if j < 2 || tk.punct(j - 1) != Some(',') || tk.broken(j - 2, j - 1) {
        return;
    }
    if let Some(n) = tk.name_ending(j - 2) {
        if n.titled || !after_preposition(tk, n.s) {
            names.push(n);
        }
    }
}

/// `Au Congo`, `les Saoudiens`: a bare name right after a preposition or a determiner
/// is a place or a group of people, not an outlet written as a name.
fn after_preposition(tk: &Toks<'_>, s: usize) -> bool {
    let Some(i) = tk.t.iter().position(|t| t.s == s) else {
        return true;
    };
    i > 0
        && (tk.folded_in(i - 1, DETERMINERS)
            || tk.folded_in(
                i - 1,
                &[
                    "au", "aux", "en", "a", "dans", "pour", "chez", "sur", "vers", "depuis",
                ],
            )
            || tk.punct(i - 1).is_some_and(is_open_quote))
}

/// `« X » pourrait licencier`, `X et Y ont été interdits`: the names before the verb
/// at token `k`, past auxiliaries and adverbs, and those coordinated before them.
fn before_verb(tk: &Toks<'_>, k: usize, titled_only: bool, names: &mut Vec<Name>) {
    let mut j = k;
    let mut skipped = 0;
    while j > 0 && skipped < 4 && tk.folded_in(j - 1, BETWEEN) && !tk.broken(j - 1, j) {
        j -= 1;
        skipped += 1;
    }
    if j == 0 || tk.broken(j - 1, j) {
        return;
    }
    let mut end = j - 1;
    for _ in 0..4 {
        let Some(n) = tk.name_ending(end) else { return };
        if !n.titled && (titled_only || after_preposition(tk, n.s)) {
            return;
        }
        names.push(n);
        let Some(first) = tk.t.iter().position(|t| t.s >= n.s) else {
            return;
        };
        // The quote opening a quoted name is not part of its span.
        let first = if first > 0 && tk.punct(first - 1).is_some_and(is_open_quote) {
            first - 1
        } else {
            first
        };
        if first < 2
            || !(tk.folded_in(first - 1, &["et", "ou"]) || tk.punct(first - 1) == Some(','))
        {
            return;
        }
        end = first - 2;
    }
}

/// Adds an outlet mention unless a listed company covers the span; place and company
/// mentions inside it (`Provence` in `La Provence`, `Lagardère` in `Lagardère News`)
/// give way to it.
fn add_outlet(finder: &EntityFinder, art: &mut Article<'_>, n: Name) {
    let text = art.text;
    let Some(surface) = text.get(n.s..n.e) else {
        return;
    };
    let first = surface.split_whitespace().next().unwrap_or("");
    let words = surface.split_whitespace().count();
    if slug(surface).is_empty()
        || words > 6
        || surface.split_whitespace().all(is_stopword)
        || words >= 2
            && with_folded_word(first.split('-').next().unwrap_or(first), |f| {
                art.given_names.contains(f)
            })
        || crate::entities::discover::is_non_company_name(surface)
    {
        return;
    }
    // Mentions inside the span give way; a place or person with the same span gives
    // way only to a title (`« La Norvane »`, `de La Norvane`); anything else wins.
    let mut drop: Vec<usize> = Vec::new();
    for (i, m) in art.mentions.iter().enumerate() {
        if m.end <= n.s || n.e <= m.start {
            continue;
        }
        let inside = n.s <= m.start && m.end <= n.e && (m.start, m.end) != (n.s, n.e);
        let other = m.kind != EntityKind::Company;
        let same_place = other && n.titled && (m.start, m.end) == (n.s, n.e);
        if !(inside || same_place) {
            return;
        }
        drop.push(i);
    }
    // A span only partly covered by a listed name (`Deutsche` of a bank) is ours; one
    // inside a listed name is not.
    if art
        .form_spans
        .iter()
        .any(|&(a, b)| a <= n.s && n.e <= b && (a, b) != (n.s, n.e))
    {
        return;
    }
    for i in drop.into_iter().rev() {
        art.mentions.remove(i);
    }
    *art.taken.borrow_mut() = Default::default();
    // A listed company left undecided for want of evidence (`M6`, `Le Parisien`): the
    // event is the evidence.
    let listed = art
        .hits
        .iter()
        .filter(|h| (h.s, h.e) == (n.s, n.e))
        .flat_map(|h| finder.pats[h.pat].forms.iter())
        .map(|&fi| finder.forms[fi].entity)
        .filter_map(|ei| finder.gaz.entities().get(ei))
        .find(|e| e.kind == EntityKind::Company);
    let (entity_id, name, via) = match listed {
        Some(e) => (e.id.clone(), e.name.clone(), Via::Gazetteer),
        None => {
            let name = surface.split_whitespace().collect::<Vec<_>>().join(" ");
            (format!("new:{}", slug(&name)), name, Via::Discovered)
        }
    };
    art.mentions.push(Mention {
        entity_id,
        name,
        kind: EntityKind::Company,
        start: n.s,
        end: n.e,
        confidence: CONF_OUTLET,
        via,
    });
}

/// Is the listed outlet at `s..e` the subject or object of a business or sanction
/// event (`rachat de X`, `X licencie`, `X et Y suspendus`)? Such a mention counts even
/// where the cited-medium rule would drop it.
pub(super) fn business_event(text: &str, s: usize, e: usize) -> bool {
    let tk = Toks {
        text,
        t: tokens(text, s.saturating_sub(60), e + 80),
    };
    let Some(a) = tk.t.iter().position(|t| t.s >= s) else {
        return false;
    };
    let Some(b) = tk.t.iter().rposition(|t| t.e <= e) else {
        return false;
    };
    // Before: `rachat de (« ) X`.
    let mut i = a;
    if i > 0 && tk.punct(i - 1).is_some_and(is_open_quote) {
        i -= 1;
    }
    if i >= 2 && tk.folded_in(i - 1, &["de", "du", "des", "d"]) && tk.folded_in(i - 2, EVENT_NOUNS)
    {
        return true;
    }
    // After: `X (») pourrait licencier`.
    let mut j = b + 1;
    if tk.punct(j).is_some_and(is_close_quote) {
        j += 1;
    }
    // `X et Y ont été suspendus`: past the names coordinated after this one.
    for _ in 0..3 {
        let joined = tk.folded_in(j, &["et", "ou"]) || tk.punct(j) == Some(',');
        match tk.name_at(j + 1) {
            Some((_, next)) if joined => j = next,
            _ => break,
        }
    }
    let mut skipped = 0;
    while skipped < 4 && tk.folded_in(j, BETWEEN) {
        j += 1;
        skipped += 1;
    }
    if active_with_object(&tk, j) {
        return false;
    }
    if tk.folded_in(j, &["change", "changent"]) {
        return (j + 1..j + 5).any(|i| tk.folded_in(i, CHANGE_OBJECTS));
    }
    tk.folded_in(j, EVENT_VERBS)
}

/// More ways a listed outlet is only cited as a medium (added to the cited-medium
/// rule): `dans « X »`; a programme title in quotes before `de X`/`sur X`
/// (`le « 20 heures » de X`); a speech verb before `à X` (`a déclaré Y à X`); a media
/// job within four words before (`productrice à X`, `rédactrice en chef du « X »`); a
/// former leader's title in its clause (`ancien président de … X`).
pub(super) fn cited_as_source(text: &str, s: usize) -> bool {
    let tk = Toks {
        text,
        t: tokens(text, s.saturating_sub(120), s),
    };
    let n = tk.t.len();
    if n == 0 {
        return false;
    }
    let mut k = n; // index one past the token before the name
    let quoted = tk.punct(k - 1).is_some_and(is_open_quote);
    if quoted {
        k -= 1;
    }
    let name_at = if quoted { tk.t[k].s } else { s };
    if k == 0
        || text
            .get(tk.t[k - 1].e..name_at)
            .is_none_or(|g| g.contains('\n'))
    {
        return false;
    }
    let prev = k - 1;
    if quoted && tk.folded_in(prev, &["dans"]) {
        return true;
    }
    // `le « 20 heures » de X`, `« Titre », sur X`.
    if tk.folded_in(prev, &["de", "du", "sur"]) {
        let mut q = prev;
        if q > 0 && tk.punct(q - 1) == Some(',') {
            q -= 1;
        }
        if q > 0 && tk.punct(q - 1).is_some_and(is_close_quote) {
            return true;
        }
    }
    if tk.folded_in(prev, &["a", "au"]) {
        let lo = prev.saturating_sub(8);
        if (lo..prev).any(|i| tk.folded_in(i, SPEECH_VERBS)) && !clause_break(&tk, lo, prev) {
            return true;
        }
    }
    let lo = k.saturating_sub(5);
    if (lo..k).any(|i| tk.folded_in(i, MEDIA_JOBS)) && !clause_break(&tk, lo, k) {
        return true;
    }
    // `ancien président du Centre X et de Radio Y`: a former leader in the clause.
    let mut i = k;
    while i > 0 && k - i < 10 {
        i -= 1;
        if tk
            .punct(i)
            .is_some_and(|c| matches!(c, '.' | ';' | ':' | '!' | '?'))
            || i + 1 < k && tk.broken(i, i + 1)
        {
            break;
        }
        if tk.folded_in(i, &["ancien", "ancienne", "ex"])
            && (i + 1..(i + 3).min(k)).any(|j| tk.folded_in(j, FORMER_JOBS))
        {
            return true;
        }
    }
    false
}

/// A sentence end or a line break between tokens `a` and `b`.
fn clause_break(tk: &Toks<'_>, a: usize, b: usize) -> bool {
    (a..b).any(|i| {
        tk.punct(i)
            .is_some_and(|c| matches!(c, '.' | ';' | '!' | '?'))
            || tk.broken(i, i + 1) && i + 1 < b
    })
}

/// `Le « Journal du dimanche »`: a capital or lower-case article outside the quotes of
/// a name listed with it, as French writes titles; counts like a contracted article.
pub(super) fn article_outside_quotes(text: &str, start: usize) -> bool {
    let Some((q, c)) = char_before(text, start) else {
        return false;
    };
    let q = if c == ' ' || c == '\u{a0}' || c == '\u{202f}' {
        match char_before(text, q) {
            Some((q2, c2)) if is_open_quote(c2) => q2,
            _ => return false,
        }
    } else if is_open_quote(c) {
        q
    } else {
        return false;
    };
    let before = text
        .get(..q)
        .unwrap_or("")
        .trim_end_matches([' ', '\u{a0}', '\u{202f}']);
    let word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    matches!(word, "le" | "Le" | "les" | "Les")
}

#[path = "media_tokens.rs"]
mod tokens;

#[cfg(test)]
#[path = "media_tests.rs"]
mod tests;
