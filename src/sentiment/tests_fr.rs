//! French targeting on sentences written for these tests, with the shipped lexicons:
//! each test is one family of errors that French news showed (concession, the lead of a
//! news item, reported speech, blame and praise, passive participles, announced actions,
//! names that contain opinion words).

use super::*;
use std::path::Path;

fn shipped() -> SentimentModel {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lexicons");
    SentimentModel::load(&dir).expect("shipped lexicons load")
}

/// Labels toward each named target (first occurrence of each string).
fn labels(m: &SentimentModel, text: &str, names: &[&str]) -> Vec<Label> {
    let spans: Vec<(usize, usize)> = names
        .iter()
        .map(|n| {
            let a = text.find(n).expect("target in test sentence");
            (a, a + n.len())
        })
        .collect();
    m.targets(text, Lang::Fr, &spans)
        .into_iter()
        .map(|p| p.label)
        .collect()
}

#[test]
fn what_is_conceded_is_not_said_of_the_subject() {
    let m = shipped();
    let text = "Malgré la chute des ventes en Chine, Lumio et Vantor ont vu leur chiffre \
                d'affaires s'envoler.";
    assert_eq!(
        labels(&m, text, &["Lumio", "Vantor"]),
        vec![Label::Positive, Label::Positive]
    );
    let text = "Vantor a vu ses ventes s'envoler, en dépit d'une grève très dure.";
    assert_eq!(labels(&m, text, &["Vantor"]), vec![Label::Positive]);
}

#[test]
fn the_lead_of_a_news_item_is_about_the_company_of_its_title() {
    let m = shipped();
    let text = "Chez Fabrikor, l'heure des choix\n\nPlacé en redressement judiciaire, le \
                dernier fabricant français de vélos cherche un repreneur.";
    assert_eq!(labels(&m, text, &["Fabrikor"]), vec![Label::Negative]);
    // A lead sentence that names another company is that company's.
    let text = "Fabrikor présente ses comptes\n\nSon concurrent Velonor est placé en \
                redressement judiciaire.";
    assert_eq!(
        labels(&m, text, &["Fabrikor", "Velonor"]),
        vec![Label::Neutral, Label::Negative]
    );
}

#[test]
fn the_source_of_reported_figures_or_judgements_is_neutral() {
    let m = shipped();
    let text = "Selon le cabinet Quantex, le prix des pâtes a bondi de 17 % en un an.";
    assert_eq!(labels(&m, text, &["Quantex"]), vec![Label::Neutral]);
    let text = "Arvalis estime que les résultats de Norbel sont très décevants.";
    assert_eq!(
        labels(&m, text, &["Arvalis", "Norbel"]),
        vec![Label::Neutral, Label::Negative]
    );
    // Speaking of oneself is not reporting on another.
    let text = "Norbel estime que ses ventes vont progresser fortement.";
    assert_eq!(labels(&m, text, &["Norbel"]), vec![Label::Positive]);
}

#[test]
fn who_blames_or_praises_says_nothing_about_itself() {
    let m = shipped();
    let text = "Une ONG dénonce les pratiques de Minexa en Amazonie.";
    assert_eq!(labels(&m, text, &["Minexa"]), vec![Label::Negative]);
    let text = "Minexa dénonce la décision du régulateur.";
    assert_eq!(labels(&m, text, &["Minexa"]), vec![Label::Neutral]);
}

#[test]
fn a_participle_is_passive_and_an_own_object_falls_on_the_subject() {
    let m = shipped();
    let text = "Fly Azur condamnée pour travail dissimulé";
    assert_eq!(labels(&m, text, &["Fly Azur"]), vec![Label::Negative]);
    let text = "Volantis suspend ses vols vers l'Asie.";
    assert_eq!(labels(&m, text, &["Volantis"]), vec![Label::Negative]);
    let text = "Volantis et Streamo suspendent les comptes de deux médias d'Etat.";
    assert_eq!(
        labels(&m, text, &["Volantis", "Streamo"]),
        vec![Label::Neutral, Label::Neutral]
    );
    // The agent of a passive is not what the participle says of its subject (a
    // rivalry's agent is its winner: see below).
    let text = "Les riverains sont gênés par le chantier de Biovex.";
    assert_eq!(labels(&m, text, &["Biovex"]), vec![Label::Neutral]);
}

#[test]
fn an_announced_action_is_a_fact_an_outcome_is_not() {
    let m = shipped();
    let text = "Stellix lance une nouvelle offre en France.";
    assert_eq!(labels(&m, text, &["Stellix"]), vec![Label::Neutral]);
    let text = "Stellix annonce un partenariat avec Orvane.";
    assert_eq!(
        labels(&m, text, &["Stellix", "Orvane"]),
        vec![Label::Neutral, Label::Neutral]
    );
    let text = "Les ventes de Stellix bondissent de 20 % au premier semestre.";
    assert_eq!(labels(&m, text, &["Stellix"]), vec![Label::Positive]);
}

#[test]
fn opinion_words_inside_names_are_not_cues() {
    let m = shipped();
    let text = "Les magasins Leader Price rejoignent le groupe Casaluna.";
    assert_eq!(labels(&m, text, &["Casaluna"]), vec![Label::Neutral]);
    // The same word outside a name still counts.
    let text = "Casaluna reste le leader incontesté du marché et gagne des clients.";
    assert_eq!(labels(&m, text, &["Casaluna"]), vec![Label::Positive]);
}

#[test]
fn a_fronted_phrase_is_about_the_subject_that_follows() {
    let m = shipped();
    let text = "Grâce à ce nouveau modèle, Dacora élargit sa clientèle.";
    assert_eq!(labels(&m, text, &["Dacora"]), vec![Label::Positive]);
    let text = "Pénalisée par la crise du gaz, Chimirex réduit sa production.";
    assert_eq!(labels(&m, text, &["Chimirex"]), vec![Label::Negative]);
}

#[test]
fn entity_label_is_the_score_against_the_language_threshold() {
    let m = shipped();
    let text = "Vantor recule légèrement. Vantor publie ses comptes.";
    let a = text.find("Vantor").unwrap();
    let b = text.rfind("Vantor").unwrap();
    let ps = m.targets(text, Lang::Fr, &[(a, a + 6), (b, b + 6)]);
    let c = combine(&ps, m.target_threshold(Lang::Fr));
    assert_eq!(c.label, label_for(c.score, FR_TARGET_THRESHOLD));
}

#[test]
fn a_company_that_completes_a_relation_noun_is_not_its_subject() {
    let m = shipped();
    let text = "Brivane, sous-traitant de Telcora, annonce des licenciements.";
    assert_eq!(
        labels(&m, text, &["Brivane", "Telcora"]),
        vec![Label::Negative, Label::Neutral]
    );
    let text = "Le fondateur de Nuvio a été condamné pour fraude.";
    assert_eq!(labels(&m, text, &["Nuvio"]), vec![Label::Neutral]);
}

#[test]
fn holding_shares_and_going_on_are_not_opinions() {
    let m = shipped();
    let text = "Vantor détient 40 % du capital de Brivane.";
    assert_eq!(
        labels(&m, text, &["Vantor", "Brivane"]),
        vec![Label::Neutral, Label::Neutral]
    );
    let text = "Jeux de société : Ludora poursuit sa folle ascension";
    assert_eq!(labels(&m, text, &["Ludora"]), vec![Label::Positive]);
    let text = "Le régulateur poursuit Ludora en justice pour fraude.";
    assert_eq!(labels(&m, text, &["Ludora"]), vec![Label::Negative]);
}

#[test]
fn participles_in_u_and_it_are_passive_too() {
    let m = shipped();
    let text = "Au Mali, les radios Sonora et Radiola définitivement suspendues";
    assert_eq!(
        labels(&m, text, &["Sonora", "Radiola"]),
        vec![Label::Negative, Label::Negative]
    );
}

#[test]
fn fixed_expressions_come_before_their_words() {
    let m = shipped();
    let text = "Les fournisseurs revendent l'électricité achetée bon marché auprès de Voltis.";
    assert_eq!(labels(&m, text, &["Voltis"]), vec![Label::Neutral]);
    let text = "Dans la tourmente, Voltis prépare un dépôt de bilan.";
    assert_eq!(labels(&m, text, &["Voltis"]), vec![Label::Negative]);
    let text = "Voltis a le vent en poupe en Espagne.";
    assert_eq!(labels(&m, text, &["Voltis"]), vec![Label::Positive]);
}

#[test]
fn the_winner_of_a_rivalry_is_the_agent_of_the_participle() {
    let m = shipped();
    let text = "Les opérateurs historiques, comme Telcora, sont menacés par la concurrence \
                des nouveaux venus, comme Fibralis et Ondix.";
    assert_eq!(
        labels(&m, text, &["Telcora", "Fibralis", "Ondix"]),
        vec![Label::Negative, Label::Positive, Label::Positive]
    );
    let text = "Lumio, détrôné par Vantor, n'est plus le premier vendeur de vélos du pays.";
    assert_eq!(
        labels(&m, text, &["Vantor", "Lumio"]),
        vec![Label::Positive, Label::Negative]
    );
    // Any other threat says nothing of its agent.
    let text = "Les fournisseurs sont menacés par la faillite de Brivane.";
    assert_ne!(labels(&m, text, &["Brivane"]), vec![Label::Positive]);
}

#[test]
fn news_verbs_of_success_and_setback() {
    let m = shipped();
    for (text, name, want) in [
        (
            "Quantex engrange des commandes.",
            "Quantex",
            Label::Positive,
        ),
        (
            "Le service de streaming Vidora revendique douze millions d'abonnés.",
            "Vidora",
            Label::Positive,
        ),
        (
            "Ondix se renforce encore en Afrique de l'Ouest.",
            "Ondix",
            Label::Positive,
        ),
        (
            "Avec sa nouvelle console, Lumio a fait fortune.",
            "Lumio",
            Label::Positive,
        ),
        (
            "Fabrikor essuie un sérieux revers devant ses actionnaires.",
            "Fabrikor",
            Label::Negative,
        ),
        (
            "Chimirex contraint de réduire sa production.",
            "Chimirex",
            Label::Negative,
        ),
        (
            "Le gouvernement ferme le bureau de la radio Ondix.",
            "Ondix",
            Label::Negative,
        ),
        (
            "Velonor peine à écouler ses stocks.",
            "Velonor",
            Label::Negative,
        ),
        (
            "La rémunération du patron de Stellix choque les actionnaires.",
            "Stellix",
            Label::Negative,
        ),
    ] {
        assert_eq!(labels(&m, text, &[name]), vec![want], "{text}");
    }
    for (text, name, want) in [
        (
            "Le financement de Radiophon est remis en cause par la réforme.",
            "Radiophon",
            Label::Negative,
        ),
        (
            "Chimirex annonce l'arrêt de la production sur son site de Lyon.",
            "Chimirex",
            Label::Negative,
        ),
        (
            "Fabrikor n'est pas parvenu à convaincre ses créanciers.",
            "Fabrikor",
            Label::Negative,
        ),
        (
            "Vidora retire un film des salles pour mieux négocier avec les exploitants.",
            "Vidora",
            Label::Neutral,
        ),
        (
            "Le conseiller de Stellix rejoint le gouvernement.",
            "Stellix",
            Label::Neutral,
        ),
    ] {
        assert_eq!(labels(&m, text, &[name]), vec![want], "{text}");
    }
    // `ferme` as an adjective keeps its own sense, and a union's demands are not praise.
    let text = "Stellix maintient une position ferme sur les salaires.";
    assert_ne!(labels(&m, text, &["Stellix"]), vec![Label::Negative]);
    let text = "Les revendications des salariés de Stellix portent sur les salaires.";
    assert_ne!(labels(&m, text, &["Stellix"]), vec![Label::Positive]);
}

#[test]
fn a_sale_says_nothing_of_the_buyer_an_approval_nothing_of_the_giver() {
    let m = shipped();
    let text = "Sa filiale de logistique a été vendue l'an dernier à l'industriel Hotelia.";
    assert_eq!(labels(&m, text, &["Hotelia"]), vec![Label::Neutral]);
    let text = "Presso accorde son feu vert au projet de Navalis.";
    assert_eq!(
        labels(&m, text, &["Presso", "Navalis"]),
        vec![Label::Neutral, Label::Positive]
    );
}
