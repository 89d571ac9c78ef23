//! Tests of the not-a-company rules, on sentences written for them with invented names.

use super::*;
use crate::entities::gazetteer::Gazetteer;
use crate::entities::matcher::EntityFinder;

const COMPANIES: &str = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
    pellix,Pellix,,FR,Industry,PLX.PA,,,\n\
    voltix,Voltix,,FR,Energy,,,,\n\
    brewco,Brewco,,FR,Drinks,,,,\n\
    brewtube,Brewtube,,US,Media,,,,\n\
    corvane,Corvane,,FR,Industry,,,,\n\
    norvane,Norvane,,GB,Retail,,,,\n\
    sci,Société Corvane Immobilier,SCI,FR,Real estate,,,,\n\
    cfe,Compagnie Fabrikor Electrique,CFE,FR,Utilities,,,,\n\
    vdx,VDX Aviation,VDX,FR,Aerospace,,,,\n";
const PERSONS: &str = "entity_id,name,aliases,role,company_id\n\
    person:jean-pellix,Jean Pellix,,chairman,pellix\n\
    person:marie-korlan,Marie Korlan,,investor,\n\
    person:luc-fermand,Luc Fermand,,founder,\n";
const LOCATIONS: &str = "entity_id,name,aliases,kind,country\n\
    loc:france,France,,country,FR\n";

fn finder() -> EntityFinder {
    let g = Gazetteer::from_csv_strs(COMPANIES, PERSONS, LOCATIONS).expect("test gazetteer");
    EntityFinder::new(g)
}

/// The surfaces of the company mentions found in `text`.
fn companies(f: &EntityFinder, text: &str) -> Vec<String> {
    let mut out: Vec<String> = f
        .find(text, Lang::Fr)
        .into_iter()
        .filter(|m| m.kind == EntityKind::Company && m.via != Via::Coref)
        .map(|m| text[m.start..m.end].to_string())
        .collect();
    out.dedup();
    out
}

/// The byte offset of `needle` in `text`.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle).expect("needle in text")
}

#[test]
fn places_seats_of_power_periods_and_generic_nouns_are_recognised() {
    for name in [
        "Californie",
        "Bavière",
        "Caroline du Nord",
        "Kremlin",
        "Elysée",
        "Maison-Blanche",
        "Ancien Régime",
        "Moyen-Âge",
        "Trente Glorieuses",
        "Internet",
    ] {
        assert!(is_place_period_or_generic(name), "{name}");
    }
    for name in ["Pellix", "Corvane Industries", "Voltix Energie"] {
        assert!(!is_place_period_or_generic(name), "{name}");
    }
}

#[test]
fn a_name_after_a_product_event_or_quantity_noun_is_a_thing() {
    let cases = [
        ("Le chatbot Pellix répond à tout.", "Pellix", false, true),
        (
            "des millions de doses de Corvax déjà commandées",
            "Corvax",
            false,
            true,
        ),
        (
            "le médicament antiviral Corvax arrive",
            "Corvax",
            false,
            true,
        ),
        ("Festival Voltix : les lauréats", "Voltix", false, true),
        ("le festival Voltix ouvre samedi", "Voltix", true, true),
        ("le programme Brewco cœur de ville", "Brewco", true, true),
        // A maker after a product noun keeps a listed company (`le vaccin X`).
        ("le chatbot Pellix répond à tout", "Pellix", true, false),
        ("la société Corvax lève des fonds", "Corvax", false, false),
        (
            "IBM agreed to buy the software company Corvax.",
            "Corvax",
            false,
            false,
        ),
        ("Le Chatbot Pellix", "Pellix", false, false),
    ];
    for (text, name, listed, expected) in cases {
        assert_eq!(
            named_thing(text, at(text, name), listed),
            expected,
            "{text}"
        );
    }
}

#[test]
fn a_product_after_a_possessive_is_owned_not_a_company() {
    let text = "Pellix a profité de la publicité sur sa plateforme Brewtube.";
    assert!(owned_product(text, at(text, "Brewtube")));
    let text = "Pellix a racheté la plateforme Brewtube.";
    assert!(!owned_product(text, at(text, "Brewtube")));
}

#[test]
fn persons_after_titles_and_particles() {
    let text = "l'ancien ministre de la défense Karim Velloux a détenu un compte";
    let s = at(text, "Karim");
    assert!(person_after_title(text, s, s + "Karim Velloux".len()));
    // A verb between the title and the name: not its complement.
    let text = "le ministre a visité Karim Velloux hier";
    let s = at(text, "Karim");
    assert!(!person_after_title(text, s, s + "Karim Velloux".len()));
    // `de` right before the name: the title's complement is the company.
    let text = "le président de Corvane Velloux a démissionné";
    let s = at(text, "Corvane");
    assert!(!person_after_title(text, s, s + "Corvane Velloux".len()));
}

#[test]
fn listed_names_that_context_shows_are_not_companies() {
    let f = finder();
    let none: Vec<String> = Vec::new();
    // A surname after a particle that follows a rank or an honorific.
    assert_eq!(
        companies(&f, "La troisième voie du général de Corvane."),
        none
    );
    assert_eq!(companies(&f, "Selon M. de Corvane, rien ne change."), none);
    assert_eq!(
        companies(&f, "Le directeur général de Corvane a démissionné."),
        ["Corvane"]
    );
    // Events, prizes and owned products.
    assert_eq!(
        companies(&f, "Le festival Voltix pour la photo ouvre ses portes."),
        none
    );
    assert_eq!(
        companies(&f, "Il a reçu le Voltix d'Or du reportage."),
        none
    );
    assert_eq!(
        companies(&f, "Pellix doit sa hausse à sa plateforme Brewtube."),
        ["Pellix"]
    );
    assert_eq!(
        companies(&f, "Brewtube a supprimé des comptes."),
        ["Brewtube"]
    );
    // An acronym used as a common noun after an indefinite article.
    assert_eq!(
        companies(&f, "Pour transmettre un appartement, on passe par une SCI."),
        none
    );
    assert_eq!(companies(&f, "La chute d'un VDX 300 inquiète."), ["VDX"]);
    // A piece of a union's acronym.
    assert_eq!(
        companies(&f, "L'intersyndicale (CFDT et CFE-CGC) dénonce le plan."),
        none
    );
    assert_eq!(companies(&f, "CFE a publié ses comptes annuels."), ["CFE"]);
}

#[test]
fn families_and_lists_of_surnames_are_persons() {
    let f = finder();
    let none: Vec<String> = Vec::new();
    assert_eq!(
        companies(
            &f,
            "Pellix, Korlan, Fermand… Les sénateurs entendent les patrons."
        ),
        none
    );
    assert_eq!(
        companies(
            &f,
            "Le groupe contrôlé par les Pellix détient 40 % du capital."
        ),
        none
    );
    assert_eq!(companies(&f, "Pellix détient 40 % du capital."), ["Pellix"]);
    // Companies listed together stay companies, surnames or not.
    assert_eq!(
        companies(&f, "Pellix, Voltix et Brewco annoncent une alliance."),
        ["Pellix", "Voltix", "Brewco"]
    );
    // A first name + surname listed with another person.
    assert_eq!(
        companies(
            &f,
            "Les travaux de Norvane Diamant et Philip Kessel sont primés."
        ),
        none
    );
    assert_eq!(
        companies(&f, "Norvane ouvre dix magasins en France."),
        ["Norvane"]
    );
}

#[test]
fn list_members_are_one_word_names_around_the_mention() {
    let text = "Pellix, Korlan et Fermand… Le Sénat";
    let s = at(text, "Korlan");
    let got: Vec<&str> = list_members(text, s, s + "Korlan".len())
        .into_iter()
        .map(|(a, b)| &text[a..b])
        .collect();
    assert_eq!(got, ["Pellix", "Korlan", "Fermand"]);
    // `Jean Pellix` is a two-word member: the list stops before it.
    let text = "Korlan, Fermand et Jean Pellix";
    let s = at(text, "Korlan");
    assert_eq!(list_members(text, s, s + "Korlan".len()).len(), 2);
}

#[test]
fn a_complement_noun_is_cut_from_the_front_of_a_discovered_name() {
    let text = "les comptes des médias d'Etat Voltix TV et Brewco";
    let s = at(text, "Etat");
    let e = s + "Etat Voltix TV".len();
    assert_eq!(&text[trim_complement_head(text, s, e)..e], "Voltix TV");
    // Not after `de`/`d'`, and not when no name follows.
    let text = "Etat Voltix TV";
    assert_eq!(trim_complement_head(text, 0, text.len()), 0);
    let text = "la raison d'Etat moderne";
    let s = at(text, "Etat");
    assert_eq!(trim_complement_head(text, s, text.len()), s);
}

#[test]
fn odd_input_never_panics() {
    let f = finder();
    for text in [
        "",
        "de",
        "général de",
        "un",
        "CFE-",
        "-CGC",
        "les",
        ", , et",
        "Pellix,",
        "d'Etat",
        "sa plateforme",
        "é d'Or",
    ] {
        let _ = f.find(text, Lang::Fr);
        let _ = f.find(text, Lang::En);
        let _ = trim_complement_head(text, 0, text.len());
        let _ = is_place_period_or_generic(text);
    }
}

#[test]
fn speakers_of_a_quote_are_persons() {
    // After a colon with their firm after a comma, or after an inverted verb of speech.
    let t = "Steel stocks look stretched: Rohan Velkar, Corvane Capital";
    assert!(quoted_speaker(
        t,
        at(t, "Rohan"),
        at(t, "Rohan Velkar") + 12
    ));
    let t = "Output will recover next quarter, says Rohan Velkar";
    assert!(quoted_speaker(t, at(t, "Rohan"), t.len()));
    let t = "Output will recover, Rohan Velkar said";
    assert!(!quoted_speaker(
        t,
        at(t, "Rohan"),
        at(t, "Rohan Velkar") + 12
    ));
    // A colon alone (a list of names, a topic) says nothing about the name after it.
    let t = "Top gainers: Rohan Velkar";
    assert!(!quoted_speaker(t, at(t, "Rohan"), t.len()));
    // Not person-shaped: a firm named by its words.
    let t = "Steel stocks look stretched, says Corvane Capital";
    assert!(!quoted_speaker(t, at(t, "Corvane"), t.len()));
}
