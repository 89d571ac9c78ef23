//! Behaviour tests of the rule model on sentences written for these tests, with small
//! in-test lexicons (independent of the shipped data files).

use super::lexicon::Lexicon;
use super::*;
use std::path::Path;

fn model() -> SentimentModel {
    let mut en = Lexicon::empty(Lang::En);
    en.add_terms(
        "rise\t0.45\nrises\t0.45\nfall\t-0.45\nfalls\t-0.45\nbeat\t0.5\nmiss\t-0.35\n\
         profit\t0.3\nloss\t-0.55\nstrong\t0.4\ndowngrade\t-0.7\ngood\t0.5\nsoar\t0.6\n\
         profit warning\t-0.6\nlawsuit\t-0.5\nrecord\t0.3\nwin\t0.4\nshare\t0\n",
        Path::new("en.tsv"),
    )
    .unwrap();
    let mut fr = Lexicon::empty(Lang::Fr);
    fr.add_terms(
        "hausse\t0.45\nbaisse\t-0.45\nchute\t-0.6\nrecule\t-0.45\nbénéfice\t0.4\n\
         perte\t-0.5\nplan social\t-0.6\nlicenci*\t-0.6\ngagne\t0.4\nbon\t0.5\n\
         excellent\t0.7\ndécevant\t-0.6\nprogresse\t0.45\n",
        Path::new("fr.tsv"),
    )
    .unwrap();
    SentimentModel::from_parts(en, fr, None)
}

/// Byte span of the first occurrence of `needle`.
fn span(text: &str, needle: &str) -> (usize, usize) {
    let a = text.find(needle).expect("needle in test sentence");
    (a, a + needle.len())
}

#[test]
fn labels_have_table_names() {
    assert_eq!(Label::Positive.as_str(), "positive");
    assert_eq!(Label::Negative.as_str(), "negative");
    assert_eq!(Label::Neutral.as_str(), "neutral");
}

#[test]
fn document_tone_with_evidence() {
    let m = model();
    let p = m.document("Globex shares soar after a record quarter.", Lang::En);
    assert_eq!(p.label, Label::Positive);
    assert!(p.evidence.contains(&"soar".to_string()), "{:?}", p.evidence);
    let p = m.document(
        "Le groupe publie une perte et annonce un plan social.",
        Lang::Fr,
    );
    assert_eq!(p.label, Label::Negative);
    assert!(p.evidence.contains(&"plan social".to_string()));
    let p = m.document("The board meets on Tuesday.", Lang::En);
    assert_eq!(p, Polarity::neutral());
}

#[test]
fn negation_flips_with_scope_and_shows_in_evidence() {
    let m = model();
    let p = m.document("Initech did not beat expectations this quarter.", Lang::En);
    assert_eq!(p.label, Label::Negative);
    assert_eq!(p.evidence, vec!["not beat".to_string()]);
    let p = m.document("Initech didn't beat expectations.", Lang::En);
    assert_eq!(p.label, Label::Negative);
    let p = m.document("Les ventes ne progressent pas cette année.", Lang::Fr);
    assert_eq!(p.label, Label::Negative, "{p:?}");
    // A comma closes the negation scope.
    let p = m.document("No surprise, profit rises.", Lang::En);
    assert_eq!(p.label, Label::Positive);
}

#[test]
fn figures_with_direction() {
    let m = model();
    let p = m.document("Le titre chute de 12 % à la clôture.", Lang::Fr);
    assert_eq!(p.label, Label::Negative);
    assert_eq!(p.evidence, vec!["chute de 12 %".to_string()]);
    let p = m.document("Orders were up 3% in March.", Lang::En);
    assert_eq!(p.label, Label::Positive);
    let p = m.document("Revenue: -8 % sur un an.", Lang::Fr);
    assert_eq!(p.label, Label::Negative);
}

#[test]
fn questions_and_modals_are_damped() {
    let m = model();
    let plain = m.document("Profit rises.", Lang::En).score;
    let modal = m.document("Profit could rise.", Lang::En).score;
    let question = m.document("Will profit rise?", Lang::En).score;
    assert!(modal > 0.0 && modal < plain);
    assert!(question > 0.0 && question < plain);
}

#[test]
fn contrast_weighs_the_second_clause_more() {
    let m = model();
    // Without contrast weighting "profit rises" (+0.75) would outweigh "lawsuit" (−0.5).
    let p = m.document("Profit rises, but the lawsuit weighs.", Lang::En);
    assert!(p.score < 0.0, "{p:?}");
    let p = m.document("Sales fall but profit rises.", Lang::En);
    assert_eq!(p.label, Label::Positive);
}

#[test]
fn opposite_targets_in_one_sentence_split_by_clause() {
    let m = model();
    let text = "Tesla rises while Ford falls.";
    let r = m.targets(text, Lang::En, &[span(text, "Tesla"), span(text, "Ford")]);
    assert_eq!(r[0].label, Label::Positive, "{:?}", r[0]);
    assert_eq!(r[1].label, Label::Negative, "{:?}", r[1]);
    assert_eq!(r[1].evidence, vec!["falls".to_string()]);
    let text = "Renault progresse tandis que Stellantis recule.";
    let r = m.targets(
        text,
        Lang::Fr,
        &[span(text, "Renault"), span(text, "Stellantis")],
    );
    assert_eq!((r[0].label, r[1].label), (Label::Positive, Label::Negative));
}

#[test]
fn finance_verb_roles() {
    let m = model();
    let text = "Acme beats Globex in the cloud market.";
    let r = m.targets(text, Lang::En, &[span(text, "Acme"), span(text, "Globex")]);
    assert_eq!((r[0].label, r[1].label), (Label::Positive, Label::Negative));
    let text = "Initech downgraded by Hooli Securities.";
    let r = m.targets(
        text,
        Lang::En,
        &[span(text, "Initech"), span(text, "Hooli Securities")],
    );
    assert_eq!(
        (r[0].label, r[1].label),
        (Label::Negative, Label::Neutral),
        "{r:?}"
    );
    let text = "Hooli Securities downgrades Initech to sell.";
    let r = m.targets(
        text,
        Lang::En,
        &[span(text, "Hooli Securities"), span(text, "Initech")],
    );
    assert_eq!(
        (r[0].label, r[1].label),
        (Label::Neutral, Label::Negative),
        "{r:?}"
    );
    let text = "Orange gagne des parts de marché au détriment de Bouygues.";
    let r = m.targets(
        text,
        Lang::Fr,
        &[span(text, "Orange"), span(text, "Bouygues")],
    );
    assert_eq!(
        (r[0].label, r[1].label),
        (Label::Positive, Label::Negative),
        "{r:?}"
    );
}

#[test]
fn cues_inside_a_company_name_are_ignored() {
    let m = model();
    let text = "Good Foods opens a store in Lyon.";
    let r = m.targets(text, Lang::En, &[span(text, "Good Foods")]);
    assert_eq!(r[0], Polarity::neutral());
}

#[test]
fn targets_use_their_own_sentence_and_odd_spans_are_safe() {
    let m = model();
    let text = "Acme reports a record profit.\n\nGlobex faces a lawsuit. Élan — « ok »";
    let spans = [
        span(text, "Acme"),
        span(text, "Globex"),
        (text.len() + 5, text.len() + 9),
        (3, 3),
        (0, text.len()),
    ];
    let r = m.targets(text, Lang::En, &spans);
    assert_eq!(r.len(), spans.len());
    assert_eq!(r[0].label, Label::Positive, "{r:?}");
    assert_eq!(r[1].label, Label::Negative);
    assert_eq!(r[2], Polarity::neutral());
    assert_eq!(r[3], Polarity::neutral());
    // Other language falls back to English resources without panicking.
    let _ = m.targets(text, Lang::Other, &spans);
    let _ = m.document("", Lang::Other);
}

#[test]
fn combine_means_opinions_and_merges_evidence() {
    let pos = Polarity {
        score: 0.6,
        label: Label::Positive,
        evidence: vec!["beat".into()],
    };
    let pos2 = Polarity {
        score: 0.4,
        label: Label::Positive,
        evidence: vec!["beat".into(), "record".into()],
    };
    let c = combine(&[pos.clone(), Polarity::neutral(), pos2], TARGET_THRESHOLD);
    assert_eq!(c.label, Label::Positive);
    assert!((c.score - 0.5).abs() < 1e-6);
    assert_eq!(c.evidence, vec!["beat".to_string(), "record".to_string()]);
    let neg = Polarity {
        score: -0.6,
        label: Label::Negative,
        evidence: vec!["falls".into()],
    };
    assert_eq!(
        combine(&[pos.clone(), neg.clone()], TARGET_THRESHOLD).label,
        Label::Neutral
    );
    assert_eq!(combine(&[], TARGET_THRESHOLD), Polarity::neutral());
    // The label is the score against the threshold, as for every label: a clear
    // opinion and a weak opposite one average to the clear side.
    let weak_neg = Polarity {
        score: -0.2,
        label: Label::Negative,
        evidence: vec!["slips".into()],
    };
    let c = combine(&[pos.clone(), weak_neg.clone()], TARGET_THRESHOLD);
    assert_eq!(c.label, Label::Positive);
    assert!((c.score - 0.2).abs() < 1e-6);
    assert_eq!(combine(&[pos, weak_neg], 0.3).label, Label::Neutral);
}

#[test]
fn model_is_send_sync_and_linear_on_big_input() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SentimentModel>();
    let m = model();
    let text = "Acme rises while Globex falls. ".repeat(20_000);
    let spans: Vec<(usize, usize)> = (0..20_000).map(|i| (i * 31, i * 31 + 4)).collect();
    let t0 = std::time::Instant::now();
    let r = m.targets(&text, Lang::En, &spans);
    assert_eq!(r.len(), spans.len());
    assert_eq!(r[7].label, Label::Positive);
    assert!(t0.elapsed().as_secs() < 20);
}

#[test]
fn load_reports_missing_dir_and_reads_files() {
    assert!(SentimentModel::load(Path::new("/nonexistent/newstone/lexicons")).is_err());
    let dir = std::env::temp_dir().join(format!("newstone-lex-{}", std::process::id()));
    let lex = dir.join("lexicons");
    std::fs::create_dir_all(&lex).unwrap();
    std::fs::write(
        lex.join("en_base.tsv"),
        "# c\ngreat\t0.6\nbad\t-0.5\nsolid\t0.9\n",
    )
    .unwrap();
    std::fs::write(
        lex.join("en_finance.tsv"),
        "bad\t-0.9\nsolid\t0\nrally\t0.6\n",
    )
    .unwrap();
    std::fs::write(lex.join("en_modifiers.tsv"), "hardly\tnegator\t\n").unwrap();
    let m = SentimentModel::load(&lex).unwrap();
    assert_eq!(m.document("A rally.", Lang::En).label, Label::Positive);
    // Finance overrides base: "bad" is −0.9, "solid" is neutralised.
    assert_eq!(m.document("Bad.", Lang::En).label, Label::Negative);
    assert_eq!(m.document("Solid.", Lang::En), Polarity::neutral());
    // The general-purpose base lexicon is down-weighted.
    let great = m.document("Great.", Lang::En).score;
    assert!(great > 0.0 && great < m.document("A rally.", Lang::En).score);
    assert_eq!(
        m.document("It is hardly a rally.", Lang::En).label,
        Label::Negative
    );
    std::fs::write(lex.join("fr_base.tsv"), "bon\tnot-a-number\n").unwrap();
    assert!(SentimentModel::load(&lex).is_err());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn direction_times_quantity() {
    let m = model();
    // A falling loss is good news, rising costs bad news, a bare profit figure neutral.
    let p = m.document(
        "Globex said its net loss narrowed to 3 million euros.",
        Lang::En,
    );
    assert_eq!(p.label, Label::Positive, "{p:?}");
    assert_eq!(p.evidence, vec!["loss narrowed to 3".to_string()]);
    assert_eq!(
        m.document("Costs rose again.", Lang::En).label,
        Label::Negative
    );
    assert_eq!(
        m.document("Profit was 5 million euros.", Lang::En),
        Polarity::neutral()
    );
    let p = m.document(
        "Operating profit was 2 million, up from a loss of 1 million.",
        Lang::En,
    );
    assert_eq!(p.label, Label::Positive, "{p:?}");
    let p = m.document("Le groupe annonce une baisse de ses coûts.", Lang::Fr);
    assert_eq!(p.label, Label::Positive, "{p:?}");
    let p = m.document("Le bénéfice recule de 8 %.", Lang::Fr);
    assert_eq!(p.label, Label::Negative, "{p:?}");
}

#[test]
fn french_ne_que_is_not_a_negation_and_negated_negatives_are_weak() {
    let m = model();
    // "ne … que" = only: the cue keeps its sign.
    let p = m.document("Le résultat n'est que décevant.", Lang::Fr);
    assert_eq!(p.label, Label::Negative, "{p:?}");
    let p = m.document("Le résultat n'est pas décevant.", Lang::Fr);
    assert!(p.score > 0.0 && p.score < 0.3, "{p:?}");
    let p = m.document("Le livre n'est pas excellent.", Lang::Fr);
    assert_eq!(p.label, Label::Negative, "{p:?}");
}

#[test]
fn no_panic_on_pseudo_random_text_and_spans() {
    let m = model();
    let alphabet: Vec<char> = "aé ’'.,;:!?%+-−0123456789\n\u{a0}«»()U.S.l'nNe😀ß\u{202f}$€"
        .chars()
        .collect();
    let mut seed: u64 = 42;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for _ in 0..300 {
        let len = next(80);
        let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let spans: Vec<(usize, usize)> = (0..next(5))
            .map(|_| {
                let a = next(text.len() + 3);
                (a, a + next(6))
            })
            .collect();
        for lang in [Lang::En, Lang::Fr, Lang::Other] {
            let d = m.document(&text, lang);
            assert!((-1.0..=1.0).contains(&d.score));
            assert_eq!(m.targets(&text, lang, &spans).len(), spans.len());
        }
        for (a, b) in crate::text::tokenize::sentence_spans(&text) {
            assert!(text.is_char_boundary(a) && text.is_char_boundary(b) && a < b);
        }
    }
}

/// A model with a few opinion words and modifiers, for the rules added for reviews.
fn opinion_model() -> SentimentModel {
    let en = Lexicon::empty(Lang::En);
    let mut fr = Lexicon::empty(Lang::Fr);
    fr.add_terms(
        "pas mal\t0.3\npas terrible\t-0.5\nprévisible\t-0.4\npassionnant\t0.7\n\
         originalité\t0.4\nennuyeux\t-0.6\nagréable\t0.5\n",
        Path::new("fr_general.tsv"),
    )
    .unwrap();
    fr.add_modifiers(
        "manque d'\tnegator\t1\npeu\tnegator\t0.7\n",
        Path::new("fr_modifiers.tsv"),
    )
    .unwrap();
    SentimentModel::from_parts(en, fr, None)
}

#[test]
fn french_phrase_with_its_own_negation_is_not_negated_again() {
    let m = opinion_model();
    // "ne … pas mal": the "ne" belongs to "pas mal", which is positive.
    let p = m.document("Ce roman n'est pas mal du tout.", Lang::Fr);
    assert!(p.score > 0.0, "{p:?}");
    let p = m.document("La fin n'est pas terrible.", Lang::Fr);
    assert!(p.score < 0.0, "{p:?}");
}

#[test]
fn lack_of_and_peu_deny_what_follows() {
    let m = opinion_model();
    let p = m.document("Le récit manque d'originalité.", Lang::Fr);
    assert!(p.score < 0.0, "{p:?}");
    let p = m.document("Un essai peu agréable à lire.", Lang::Fr);
    assert!(p.score < 0.0, "{p:?}");
}

#[test]
fn too_much_to_be_denies_the_second_adjective() {
    let m = opinion_model();
    let p = m.document(
        "Ce thriller est trop prévisible pour être passionnant.",
        Lang::Fr,
    );
    assert_eq!(p.label, Label::Negative, "{p:?}");
    let mut en = Lexicon::empty(Lang::En);
    en.add_terms("exciting\t0.6\nslow\t-0.3\n", Path::new("en.tsv"))
        .unwrap();
    let m = SentimentModel::from_parts(en, Lexicon::empty(Lang::Fr), None);
    let p = m.document("The plot is too slow to be exciting.", Lang::En);
    assert_eq!(p.label, Label::Negative, "{p:?}");
}

#[test]
fn conclusion_marker_weighs_the_verdict_more() {
    let m = opinion_model();
    // Same cues, the verdict after "Bref" decides.
    let p = m.document("Le début est agréable. Bref, un roman ennuyeux.", Lang::Fr);
    assert!(p.score < 0.0, "{p:?}");
    let p = m.document("Le début est ennuyeux. Bref, un roman agréable.", Lang::Fr);
    assert!(p.score > 0.0, "{p:?}");
}

#[test]
fn figures_compared_with_their_baseline() {
    let m = model();
    let up = m.document(
        "Net sales totalled EUR 12.4 mn, compared to EUR 10.1 mn a year earlier.",
        Lang::En,
    );
    assert_eq!(up.label, Label::Positive, "{up:?}");
    let down = m.document(
        "Quarterly revenue was USD 3.2 bn versus USD 3.9 bn in 2009.",
        Lang::En,
    );
    assert_eq!(down.label, Label::Negative, "{down:?}");
    // A smaller loss than the baseline is good news.
    let loss = m.document(
        "The operating loss was EUR 1.5 mn compared with EUR 4.0 mn.",
        Lang::En,
    );
    assert_eq!(loss.label, Label::Positive, "{loss:?}");
    // A profit now against a loss before: the baseline's loss is not the news.
    let turn = m.document(
        "The group reported a profit of EUR 2 mn versus a loss of EUR 3 mn.",
        Lang::En,
    );
    assert_eq!(turn.label, Label::Positive, "{turn:?}");
    // A bare figure says nothing.
    let flat = m.document("Operating profit was EUR 6.6 mn in the period.", Lang::En);
    assert_eq!(flat.label, Label::Neutral, "{flat:?}");
}

#[test]
fn memoised_word_hits_follow_lexicon_edits() {
    let mut l = Lexicon::empty(Lang::En);
    let toks = l.prepare("a stellar quarter");
    assert_eq!(l.term_at(&toks, 1), None);
    l.add_term("stellar", 0.6);
    // Tokens prepared before the edit fall back to a fresh look-up.
    assert_eq!(l.term_at(&toks, 1), Some((1, 0.6)));
    let toks = l.prepare("a stellar quarter");
    assert_eq!(l.term_at(&toks, 1), Some((1, 0.6)));
}

#[test]
fn sentence_spans_come_from_the_cached_analysis_and_match_the_tokenizer() {
    let m = model();
    let text = "Lumière SA annonce un plan social.\n\nM. Blanc, PDG, reste confiant ; \
                les ventes progressent de 3 %. Fin";
    let _ = m.document(text, Lang::Fr);
    let spans = m.sentence_spans(text, Lang::Fr);
    assert_eq!(spans, crate::text::tokenize::sentence_spans(text));
    let s: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
    assert_eq!(
        s,
        vec![
            "Lumière SA annonce un plan social.",
            "M. Blanc, PDG, reste confiant ; les ventes progressent de 3 %.",
            "Fin"
        ]
    );
    // Without a prior document() call, and on empty text.
    assert_eq!(
        m.sentence_spans("Sales rise. Costs fall.", Lang::En),
        vec![(0, 11), (12, 23)]
    );
    assert!(m.sentence_spans("  \n ", Lang::En).is_empty());
}

/// Label toward each needle of `text` (all needles are targets at once).
fn labels_toward(m: &SentimentModel, text: &str, lang: Lang, needles: &[&str]) -> Vec<Label> {
    let spans: Vec<(usize, usize)> = needles.iter().map(|n| span(text, n)).collect();
    m.targets(text, lang, &spans)
        .into_iter()
        .map(|p| p.label)
        .collect()
}

#[test]
fn bare_up_or_down_closing_a_clause_is_a_move() {
    let m = model();
    let l = labels_toward(&m, "Acme wins a tender; stock up", Lang::En, &["Acme"]);
    assert_eq!(l, vec![Label::Positive]);
    let l = labels_toward(&m, "Markets flat, Initech down", Lang::En, &["Initech"]);
    assert_eq!(l, vec![Label::Negative]);
    let l = labels_toward(&m, "Globex down nearly 4 pc", Lang::En, &["Globex"]);
    assert_eq!(l, vec![Label::Negative]);
    let l = labels_toward(
        &m,
        "Initech shares up on hopes of a deal",
        Lang::En,
        &["Initech"],
    );
    assert_eq!(l, vec![Label::Positive]);
    // Phrasal verbs are not moves.
    for text in [
        "Acme chairman steps down",
        "Acme to set up a plant",
        "Acme and Globex tie up",
        "Acme shuts down",
    ] {
        assert_eq!(
            labels_toward(&m, text, Lang::En, &["Acme"]),
            vec![Label::Neutral],
            "{text}"
        );
    }
}

#[test]
fn analyst_calls_as_imperatives_and_ratings() {
    let m = model();
    use Label::{Negative, Neutral, Positive};
    let cases = [
        (
            "Buy Acme with a target of Rs 410: a broker",
            Lang::En,
            Positive,
        ),
        ("Sell Acme with a stop loss of 95", Lang::En, Negative),
        ("Avoid Acme for now, says an analyst", Lang::En, Negative),
        ("Prefer Acme in the cement space", Lang::En, Positive),
        ("\"Accumulate Acme on declines\"", Lang::En, Positive),
        ("Broker maintains 'buy' on Acme", Lang::En, Positive),
        ("Broker cuts Acme to 'sell'", Lang::En, Negative),
        ("Acme is a buy on dips", Lang::En, Positive),
        // Not calls: verbs in running text.
        ("Globex plans to sell Acme next year", Lang::En, Neutral),
        ("Investors buy Acme bonds", Lang::En, Neutral),
        (
            "Acheter Acme avec un objectif de 40 euros",
            Lang::Fr,
            Positive,
        ),
        ("Vendre Acme avant les résultats", Lang::Fr, Negative),
        ("Le fonds veut vendre Acme", Lang::Fr, Neutral),
    ];
    for (text, lang, want) in cases {
        assert_eq!(
            labels_toward(&m, text, lang, &["Acme"]),
            vec![want],
            "{text}"
        );
    }
}

#[test]
fn targets_of_a_list_share_the_predicate() {
    let m = model();
    let text = "Acme, Globex, Initech and Umbrella fall";
    let l = labels_toward(
        &m,
        text,
        Lang::En,
        &["Acme", "Globex", "Initech", "Umbrella"],
    );
    assert_eq!(l, vec![Label::Negative; 4]);
    let text = "Acme, Globex are good bets";
    let l = labels_toward(&m, text, Lang::En, &["Acme", "Globex"]);
    assert_eq!(l, vec![Label::Positive; 2]);
    // Not a list: the comma separates a clause about another company.
    let text = "Acme rises, traders say, Globex falls";
    let l = labels_toward(&m, text, Lang::En, &["Acme", "Globex"]);
    assert_eq!(l, vec![Label::Positive, Label::Negative]);
}

#[test]
fn source_named_after_a_final_colon_is_neutral() {
    let m = model();
    let text = "Banks to rise further: Jane Doe, Acme Securities";
    let l = labels_toward(&m, text, Lang::En, &["Banks", "Acme Securities"]);
    assert_eq!(l, vec![Label::Positive, Label::Neutral]);
    // A clause after the colon with its own cue is not a source.
    let text = "Results: Acme profit rises";
    assert_eq!(
        labels_toward(&m, text, Lang::En, &["Acme"]),
        vec![Label::Positive]
    );
}

#[test]
fn target_in_a_cause_phrase_does_not_take_the_subject_cues() {
    let m = model();
    let text = "Acme shares soar on Globex contract";
    let l = labels_toward(&m, text, Lang::En, &["Acme", "Globex"]);
    assert_eq!(l, vec![Label::Positive, Label::Neutral]);
    let text = "Acme falls after Globex merger talks";
    let l = labels_toward(&m, text, Lang::En, &["Acme", "Globex"]);
    assert_eq!(l, vec![Label::Negative, Label::Neutral]);
    // Words that take "on" for their object judge it.
    let text = "Broker turns bullish on Globex";
    let mut m2 = model();
    m2.en.add_term("bullish", 0.5);
    assert_eq!(
        labels_toward(&m2, text, Lang::En, &["Globex"]),
        vec![Label::Positive]
    );
    // The cue inside the phrase is the target's own.
    let text = "Acme rises on strong Globex demand";
    assert_eq!(
        labels_toward(&m, text, Lang::En, &["Globex"]),
        vec![Label::Positive]
    );
}

#[test]
fn the_authority_that_sanctions_is_neutral_its_object_is_hit() {
    let mut m = model();
    m.en.add_term("penalty", -0.5);
    m.en.add_term("fine", -0.5);
    let text = "Regulator slaps a Rs 5 lakh penalty on Acme";
    let l = labels_toward(&m, text, Lang::En, &["Regulator", "Acme"]);
    assert_eq!(l, vec![Label::Neutral, Label::Negative]);
    let text = "Watchdog imposes fine on Acme over disclosures";
    let l = labels_toward(&m, text, Lang::En, &["Watchdog", "Acme"]);
    assert_eq!(l, vec![Label::Neutral, Label::Negative]);
    // The sentence itself still reads negative.
    assert_eq!(m.document(text, Lang::En).label, Label::Negative);
    let mut m = model();
    m.fr.add_term("sanctions", -0.5);
    let text = "Le régulateur prononce des sanctions contre Acme";
    let l = labels_toward(&m, text, Lang::Fr, &["régulateur", "Acme"]);
    assert_eq!(l, vec![Label::Neutral, Label::Negative]);
}

#[test]
fn the_authority_that_approves_is_not_judged_by_the_approval() {
    let mut m = model();
    m.en.add_term("nod", 0.3);
    m.en.add_term("approval", 0.3);
    let text = "Acme gets regulator nod for its bond issue";
    let l = labels_toward(&m, text, Lang::En, &["Acme", "regulator"]);
    assert_eq!(l, vec![Label::Positive, Label::Neutral]);
    let text = "Globex wins Watchdog's approval for the merger";
    assert_eq!(
        labels_toward(&m, text, Lang::En, &["Watchdog"]),
        vec![Label::Neutral]
    );
    let mut m = model();
    m.fr.add_term("feu vert", 0.45);
    let text = "Acme obtient le feu vert de l'Autorité pour son offre";
    let l = labels_toward(&m, text, Lang::Fr, &["Acme", "Autorité"]);
    assert_eq!(l, vec![Label::Positive, Label::Neutral]);
}

/// `article` reuses one set of buffers per thread: a long text then a short one, in
/// either language, must leave nothing of the first in the second's results.
#[test]
fn article_results_do_not_depend_on_the_previous_article() {
    let m = model();
    let long = "Acme's profit rises. Globex falls after a lawsuit; its loss is strong. \
                Initech wins a record contract. Hooli shares fall, a downgrade.";
    let short = "Acme falls.";
    let fr = "Le bénéfice de Total progresse. Renault recule, plan social en vue.";
    let targets = |text: &str, names: &[&str]| -> Vec<(usize, usize)> {
        names.iter().map(|n| span(text, n)).collect()
    };
    let (t_long, t_short, t_fr) = (
        targets(long, &["Acme", "Globex", "Initech", "Hooli"]),
        targets(short, &["Acme"]),
        targets(fr, &["Total", "Renault"]),
    );
    // Each text on a thread that has analysed nothing else.
    let fresh = |text: &'static str, lang: Lang, t: Vec<(usize, usize)>| {
        let m = model();
        std::thread::spawn(move || m.article(text, lang, &t))
            .join()
            .expect("scoring thread")
    };
    let alone = [
        fresh(long, Lang::En, t_long.clone()),
        fresh(short, Lang::En, t_short.clone()),
        fresh(fr, Lang::Fr, t_fr.clone()),
    ];
    for _ in 0..2 {
        assert_eq!(m.article(long, Lang::En, &t_long), alone[0]);
        assert_eq!(m.article(short, Lang::En, &t_short), alone[1]);
        assert_eq!(m.article(fr, Lang::Fr, &t_fr), alone[2]);
    }
    assert_eq!(alone[1].targets[0].label, Label::Negative);
    assert_eq!(alone[1].sentences, vec![(0, short.len())]);
    assert_eq!(alone[2].targets[1].label, Label::Negative);
}
