//! Tests of the French context rules, on sentences written for them with invented
//! companies (Pellix, Corvane, Fabrikor, Voltix, Brewco, Norvane, Ambrix).

use super::*;
use crate::entities::gazetteer::Gazetteer;
use crate::entities::matcher::EntityFinder;

const COMPANIES: &str = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
    orange,Orange,Orange|Orange SA,FR,Telecom,ORA.PA,,,Orange\n\
    renault,Renault,Groupe Renault,FR,Autos,RNO.PA,,,\n\
    accor,Accor,,FR,Hospitality,AC.PA,,,\n\
    nokia,Nokia,,FI,Telecom,NOKIA.HE,,,\n";
const PERSONS: &str = "entity_id,name,aliases,role,company_id\n";
const LOCATIONS: &str = "entity_id,name,aliases,kind,country\n\
    loc:france,France,,country,FR\n\
    loc:lyon,Lyon,,city,FR\n";

fn companies_in(text: &str, lang: Lang) -> Vec<String> {
    let g = Gazetteer::from_csv_strs(COMPANIES, PERSONS, LOCATIONS).expect("test gazetteer");
    EntityFinder::new(g)
        .find(text, lang)
        .into_iter()
        .filter(|m| m.kind == EntityKind::Company)
        .map(|m| text[m.start..m.end].to_string())
        .collect()
}

fn companies(text: &str) -> Vec<String> {
    companies_in(text, Lang::Fr)
}

fn has(text: &str, name: &str) -> bool {
    companies(text).iter().any(|c| c == name)
}

#[test]
fn a_business_descriptor_introduces_the_name_after_it() {
    assert!(has(
        "Adulée des étudiantes, la marque Pellix ouvre sa première boutique à Lyon",
        "Pellix"
    ));
    // A nationality adjective between descriptor and name.
    assert!(has(
        "Avec le studio rwandais Corvane, Renault se renforce en Afrique",
        "Corvane"
    ));
    // One complement with an elided preposition.
    assert!(has(
        "Selon le cabinet d'analyse Fabrikor, les prix des pâtes ont bondi",
        "Fabrikor"
    ));
    // A plural descriptor opens a list that the listed-name rule continues.
    let found =
        companies("La mairie veut priver les opérateurs Voltix, Brewco et Norvane de leur licence");
    assert!(found.contains(&"Voltix".to_string()), "{found:?}");
    assert!(found.contains(&"Brewco".to_string()), "{found:?}");
}

#[test]
fn a_descriptor_without_determiner_or_with_two_complements_introduces_nothing() {
    // `pétrolier`, `gazier` as adjectives of another noun.
    assert!(!has(
        "Le Japon ne peut se passer du projet pétrolier et gazier russe Norvane-2",
        "Norvane-2"
    ));
    // With two complements the name may be the second noun's.
    assert!(!has(
        "Ils vont couper certaines banques russes du système d'échanges Voltix",
        "Voltix"
    ));
    // A descriptor persons hold too needs a word before the name.
    assert!(!has("Le cabinet Brewco a démissionné mardi", "Brewco"));
    assert!(has(
        "Le cabinet de conseil Brewco a publié une étude mardi",
        "Brewco"
    ));
}

#[test]
fn an_apposition_after_a_name_makes_it_a_company() {
    let found = companies("Pellix, sous-traitant d'Orange, annonce des licenciements");
    assert!(found.contains(&"Pellix".to_string()), "{found:?}");
    assert!(found.contains(&"Orange".to_string()), "{found:?}");
    assert!(has(
        "Norvane, la discrète banque suisse chère aux oligarques",
        "Norvane"
    ));
}

#[test]
fn the_object_of_a_deal_noun_is_a_company_with_business_context() {
    assert!(has(
        "Le rachat de Fabrikor par Renault est bloqué",
        "Fabrikor"
    ));
    assert!(has(
        "Orange : vente d'Ambrix, partenariat dans la banque et accélération dans la cyber",
        "Ambrix"
    ));
    // Two names joined by `&` are a firm's, even when the first is a given name.
    assert!(has(
        "Le rachat de Simon & Corvane par Accor est bloqué par la justice",
        "Simon & Corvane"
    ));
    // No business context: a deal noun alone also takes artworks and places.
    assert!(!has(
        "La vente de Picasso a rapporté cent millions",
        "Picasso"
    ));
    assert!(!has("La dette de Gênes explose", "Gênes"));
}

#[test]
fn a_name_in_s_keeps_its_ending_in_french() {
    assert!(has(
        "Corvane’s a vendu la collection pour 922 millions de dollars",
        "Corvane’s"
    ));
    assert_eq!(with_possessive("Brewco's a vendu", 6), 8);
    assert_eq!(with_possessive("Brewco’s, le", 6), 10);
    assert_eq!(with_possessive("Brewco'style", 6), 6);
    // Before an English noun it is a possessive.
    assert!(possessive_names("le slogan Trump's wall").is_empty());
    assert_eq!(possessive_names("Moody's a abaissé"), vec![(0, 5)]);
    // Not one word of a longer capitalised title.
    assert!(possessive_names("La-Pellix's, et").is_empty());
}

#[test]
fn a_name_listed_before_known_companies_joins_them() {
    let found = companies("Pellix, Renault et Accor ont publié leurs résultats annuels");
    assert!(found.contains(&"Renault".to_string()), "{found:?}");
    assert_eq!(
        listed_to_the_right("Renault, Accor et Nokia", &[(0, 7), (9, 14), (18, 23)]),
        3
    );
    assert_eq!(
        listed_to_the_right("Renault et Accor", &[(0, 7), (11, 16)]),
        2
    );
    assert_eq!(
        listed_to_the_right("Renault puis Accor", &[(0, 7), (13, 18)]),
        0
    );
    assert_eq!(listed_to_the_right("Renault", &[(0, 7)]), 0);
    // A first name opening the list is a person's.
    assert!(!has("Yann, Renault et Accor sont cités", "Yann"));
}

#[test]
fn determiners_and_lowercase_words_are_told() {
    assert!(determiner_before("la marque X", 3));
    assert!(determiner_before("l'armateur X", 2));
    assert!(!determiner_before("et gazier X", 3));
    assert!(lower_word("la marque", 3, 9));
    assert!(!lower_word("La Marque", 3, 9));
}

#[test]
fn english_text_and_odd_input_are_left_alone() {
    assert!(companies_in("", Lang::En).is_empty());
    assert!(companies("").is_empty());
    assert!(companies("la marque").is_empty());
    assert!(companies("rachat de").is_empty());
    assert!(companies("’s").is_empty());
    let _ = companies("la marque «");
}

#[test]
fn an_apposition_with_a_business_head_is_enough_for_a_low_score() {
    // The model alone scores such a one-word name low (under 0.1).
    assert!(has(
        "Pellixbank, la discrète banque suisse chère aux oligarques",
        "Pellixbank"
    ));
    // A sentence adverb before the comma is no name.
    assert!(!has("Finalement, la banque a cédé", "Finalement"));
}
