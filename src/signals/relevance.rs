//! Relevance of an entity to an article: a 0–100 score that tells an article *about* a
//! company from one that only names it.
//!
//! The score adds points for where and how the entity is named (see [`relevance`] for
//! the formula, also in the README's table reference):
//!
//! | part | points |
//! |---|---|
//! | named in the title | 45 |
//! | named in the lead (the first sentence of the body) | 15 |
//! | repeated: `15 × min(1, (n − 1) / 3)` for `n` mentions | 0–15 |
//! | share of the article's mentions of the same type (companies among companies) | 0–15 |
//! | target of a sentiment cue (a mention outside a list got evidence) | 10 |
//!
//! and halves the total when every mention is a passing one in a list (`Total, BP et
//! Shell`) and none is in the title. Pure functions, used by the sentiment stage and
//! `newstone eval`.

/// One mention as the relevance score sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MentionFacts<'a> {
    /// Byte span in the article's document (title, blank line, body).
    pub start: usize,
    pub end: usize,
    /// The article-entity this mention belongs to (0-based, as the caller numbers them).
    pub entity: usize,
    /// `company`, `person`, `location`: the share counts mentions of the same type.
    pub kind: &'a str,
    /// The mention is in the title.
    pub in_title: bool,
    /// The sentiment model found cues toward this mention (its evidence is not empty).
    pub cue: bool,
}

/// Points for a mention in the title.
pub const TITLE_POINTS: f64 = 45.0;
/// Points for a mention in the lead (the first sentence of the body).
pub const LEAD_POINTS: f64 = 15.0;
/// Points for repetition, reached at 4 mentions.
pub const REPEAT_POINTS: f64 = 15.0;
/// Points for the whole of the article's mentions of that type.
pub const SHARE_POINTS: f64 = 15.0;
/// Points for being the target of sentiment cues.
pub const CUE_POINTS: f64 = 10.0;
/// Factor for an entity named only in passing, in lists.
pub const LIST_FACTOR: f64 = 0.5;

/// Mentions in a row joined only by separators (`,`, `et`, `and`, `ou`, `&`…) form a
/// list when there are at least this many.
const LIST_MIN: usize = 3;

/// The facts behind one entity's relevance, gathered from its mentions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EntityFacts {
    pub in_title: bool,
    pub in_lead: bool,
    pub mentions: usize,
    /// Its mentions over the article's mentions of the same type, in (0, 1].
    pub share: f64,
    /// A mention outside a list got sentiment evidence.
    pub cue: bool,
    /// Every mention is in a list.
    pub only_in_lists: bool,
}

/// The relevance formula: 0–100, unrounded (tables round it like every float).
pub fn relevance(f: &EntityFacts) -> f64 {
    if f.mentions == 0 {
        return 0.0;
    }
    let repeat = ((f.mentions - 1) as f64 / 3.0).min(1.0);
    let mut score = TITLE_POINTS * f64::from(u8::from(f.in_title))
        + LEAD_POINTS * f64::from(u8::from(f.in_lead))
        + REPEAT_POINTS * repeat
        + SHARE_POINTS * f.share.clamp(0.0, 1.0)
        + CUE_POINTS * f64::from(u8::from(f.cue));
    if f.only_in_lists && !f.in_title {
        score *= LIST_FACTOR;
    }
    score.clamp(0.0, 100.0)
}

/// True when the text between two mentions only joins items of a list.
fn is_separator(gap: &str) -> bool {
    let gap = gap.trim();
    if gap.is_empty() || gap.len() > 8 {
        return gap.is_empty();
    }
    let words = gap
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty());
    let mut any = gap.contains(',');
    for w in words {
        if !matches!(
            w.to_lowercase().as_str(),
            "et" | "and" | "ou" | "or" | "&" | "/" | ";" | "ainsi"
        ) {
            return false;
        }
        any = true;
    }
    any || gap == ";" || gap == "/"
}

/// The facts of each of `n_entities` entities from the article's mentions (any order).
/// `body_start` is where the body starts in the document (after the title and its blank
/// line; 0 without title) and `sentences` the document's sentence byte spans, sorted.
pub fn entity_facts(
    doc: &str,
    body_start: usize,
    sentences: &[(usize, usize)],
    mentions: &[MentionFacts<'_>],
    n_entities: usize,
) -> Vec<EntityFacts> {
    // The lead: the first sentence that ends after the body starts (the whole body when
    // the sentences are unknown).
    let lead_end = sentences
        .iter()
        .find(|&&(s, e)| {
            e > body_start
                && doc
                    .get(s.max(body_start)..e)
                    .is_some_and(|t| !t.trim().is_empty())
        })
        .map_or(doc.len(), |&(_, e)| e);
    // Mentions in text order; a mention is in a list when it belongs to a run of at
    // least LIST_MIN mentions joined by separators only.
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&k| (mentions[k].start, mentions[k].end));
    let mut in_list = vec![false; mentions.len()];
    let mut run_start = 0;
    for i in 1..=order.len() {
        let joined = i < order.len() && {
            let (a, b) = (&mentions[order[i - 1]], &mentions[order[i]]);
            b.start >= a.end && doc.get(a.end..b.start).is_some_and(is_separator)
        };
        if !joined {
            if i - run_start >= LIST_MIN {
                for &k in &order[run_start..i] {
                    in_list[k] = true;
                }
            }
            run_start = i;
        }
    }
    let mut facts = vec![
        EntityFacts {
            only_in_lists: true,
            ..EntityFacts::default()
        };
        n_entities
    ];
    let mut kind_totals: Vec<(&str, usize)> = Vec::new();
    for m in mentions {
        match kind_totals.iter_mut().find(|(k, _)| *k == m.kind) {
            Some((_, n)) => *n += 1,
            None => kind_totals.push((m.kind, 1)),
        }
    }
    let mut kinds: Vec<&str> = vec![""; n_entities];
    for (k, m) in mentions.iter().enumerate() {
        let Some(f) = facts.get_mut(m.entity) else {
            continue;
        };
        kinds[m.entity] = m.kind;
        f.mentions += 1;
        f.in_title |= m.in_title;
        f.in_lead |= !m.in_title && m.start >= body_start && m.start < lead_end;
        f.cue |= m.cue && !in_list[k];
        f.only_in_lists &= in_list[k];
    }
    for (f, kind) in facts.iter_mut().zip(kinds) {
        if f.mentions == 0 {
            f.only_in_lists = false;
            continue;
        }
        let total = kind_totals
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(f.mentions, |&(_, n)| n);
        f.share = f.mentions as f64 / total.max(1) as f64;
    }
    facts
}

/// The relevance of each of `n_entities` entities (see [`entity_facts`], [`relevance`]).
pub fn article_relevance(
    doc: &str,
    body_start: usize,
    sentences: &[(usize, usize)],
    mentions: &[MentionFacts<'_>],
    n_entities: usize,
) -> Vec<f64> {
    entity_facts(doc, body_start, sentences, mentions, n_entities)
        .iter()
        .map(relevance)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mentions of `names` (entity = index in `names`, all companies) found in `doc`,
    /// every occurrence; `cues` names the entities whose mentions got evidence.
    fn mentions<'a>(
        doc: &str,
        title_len: usize,
        names: &[&str],
        cues: &[&str],
    ) -> Vec<MentionFacts<'a>> {
        let mut out = Vec::new();
        for (e, n) in names.iter().enumerate() {
            for (start, _) in doc.match_indices(n) {
                out.push(MentionFacts {
                    start,
                    end: start + n.len(),
                    entity: e,
                    kind: "company",
                    in_title: start < title_len,
                    cue: cues.contains(n),
                });
            }
        }
        out
    }

    /// Naive sentence spans: split after `. ` and at the blank line.
    fn sentences(doc: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut s = 0;
        for (i, _) in doc.match_indices(". ").chain(doc.match_indices("\n\n")) {
            out.push((s, i + 1));
            s = i + 2;
        }
        out.push((s, doc.len()));
        out.sort_unstable();
        out
    }

    fn scores(title: &str, body: &str, names: &[&str], cues: &[&str]) -> Vec<f64> {
        let doc = format!("{title}\n\n{body}");
        let start = title.len() + 2;
        let m = mentions(&doc, title.len(), names, cues);
        article_relevance(&doc, start, &sentences(&doc), &m, names.len())
    }

    #[test]
    fn the_company_in_the_title_outranks_the_one_named_in_passing() {
        let s = scores(
            "Renault relève ses objectifs après un semestre record",
            "Le constructeur Renault a annoncé jeudi un bénéfice en forte hausse. \
             Renault profite de la demande pour ses modèles électriques. \
             Ses concurrents, dont Stellantis, n'ont pas encore publié leurs comptes.",
            &["Renault", "Stellantis"],
            &["Renault"],
        );
        // Title 45 + lead 15 + 3 mentions 10 + share 3/4 11.25 + cue 10.
        assert!((s[0] - 91.25).abs() < 1e-9, "{s:?}");
        // Once, third sentence: only its share of the mentions (1/4).
        assert!((s[1] - 3.75).abs() < 1e-9, "{s:?}");
    }

    #[test]
    fn names_in_a_list_are_passing_mentions() {
        let s = scores(
            "Les valeurs pétrolières reculent à la Bourse de Paris",
            "Le CAC 40 a fini en baisse. TotalEnergies, BP et Shell ont cédé du terrain \
             dans un marché inquiet.",
            &["TotalEnergies", "BP", "Shell"],
            &["TotalEnergies", "BP", "Shell"],
        );
        // Share 1/3 = 5 points, halved; the cues do not count in a list.
        for x in &s {
            assert!((x - 2.5).abs() < 1e-9, "{s:?}");
        }
        // Two names joined by "et" are not a list: both are subjects of the sentence.
        let s = scores(
            "Accord de coopération",
            "Airbus et Safran ont signé un accord sur les moteurs à hydrogène.",
            &["Airbus", "Safran"],
            &["Airbus", "Safran"],
        );
        // Lead 15 + share 7.5 + cue 10.
        assert!((s[0] - 32.5).abs() < 1e-9, "{s:?}");
    }

    #[test]
    fn formula_bounds() {
        let all = EntityFacts {
            in_title: true,
            in_lead: true,
            mentions: 9,
            share: 1.0,
            cue: true,
            only_in_lists: false,
        };
        assert_eq!(relevance(&all), 100.0);
        assert_eq!(relevance(&EntityFacts::default()), 0.0);
        let listed = EntityFacts {
            mentions: 1,
            share: 0.2,
            only_in_lists: true,
            ..EntityFacts::default()
        };
        assert!((relevance(&listed) - 1.5).abs() < 1e-9);
        // In the title, a list does not make it a passing mention.
        let titled = EntityFacts {
            in_title: true,
            ..listed
        };
        assert!((relevance(&titled) - 48.0).abs() < 1e-9);
    }

    #[test]
    fn separators() {
        for gap in [", ", " et ", " and ", ", and ", " & ", " ou ", "; "] {
            assert!(is_separator(gap), "{gap:?}");
        }
        for gap in [" a racheté ", " de ", " (", " rachète "] {
            assert!(!is_separator(gap), "{gap:?}");
        }
    }

    #[test]
    fn a_title_only_article_scores_the_lead_from_nothing() {
        // No body: the title mention is not also the lead.
        let doc = "Tesla rappelle 120 000 voitures";
        let m = mentions(doc, doc.len(), &["Tesla"], &["Tesla"]);
        let s = article_relevance(doc, doc.len(), &[(0, doc.len())], &m, 1);
        // Title 45 + share 15 + cue 10.
        assert!((s[0] - 70.0).abs() < 1e-9, "{s:?}");
    }
}
