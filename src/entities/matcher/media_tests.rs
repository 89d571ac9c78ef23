//! Tests of the media-outlet rules, on sentences written for them with invented names.

use super::super::EntityFinder;
use super::*;
use crate::entities::gazetteer::Gazetteer;
use crate::text::lang::Lang;

const COMPANIES: &str = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
    pellix-radio,Pellix Radio,Pellix Radio|Pellix Culture,FR,Media,,,,\n\
    le-courrier,Le Courrier du Soir,Le Courrier du Soir,FR,Media,,,,\n\
    corvane,Corvane,Corvane,FR,Industrials,,,,\n\
    voltix-tv,Voltix TV,Voltix TV,FR,Media,,,,\n";
const PERSONS: &str = "entity_id,name,aliases,role,company_id\n";
const LOCATIONS: &str = "entity_id,name,aliases,kind,country\n\
    loc:norvane,Norvane,,region,FR\n\
    loc:france,France,,country,FR\n\
    loc:moscou,Moscou,,city,RU\n\
    loc:mali,Mali,,country,ML\n";

fn finder() -> EntityFinder {
    let g = Gazetteer::from_csv_strs(COMPANIES, PERSONS, LOCATIONS).expect("test gazetteer");
    EntityFinder::new(g)
}

/// The surfaces of the company mentions found in `text`.
fn companies(text: &str) -> Vec<String> {
    finder()
        .find(text, Lang::Fr)
        .into_iter()
        .filter(|m| m.kind == EntityKind::Company && m.via != Via::Coref)
        .map(|m| text[m.start..m.end].to_string())
        .collect()
}

#[test]
fn an_outlet_after_a_media_noun_is_discovered() {
    assert_eq!(
        companies("Les grévistes occupent le studio de la radio Brewco Welle depuis lundi."),
        ["Brewco Welle"]
    );
    assert_eq!(
        companies(
            "Pour la junte, les médias étrangers Fabrikor et France 12 restent indésirables."
        ),
        ["Fabrikor", "France 12"]
    );
    assert_eq!(
        companies("Les annonceurs boudent les médias d'Etat TKO et Zeltar depuis l'été."),
        ["TKO", "Zeltar"]
    );
    assert_eq!(
        companies("Le journal satirique « Gazeta Norvy » fête ses dix ans."),
        ["Gazeta Norvy"]
    );
}

#[test]
fn an_outlet_named_as_a_source_or_an_employer_is_not_discovered() {
    assert!(companies("Selon le quotidien Brelune, les négociations piétinent.").is_empty());
    assert!(companies(
        "Léa Morin, fondatrice du quotidien régional « La Brelune », publie ses mémoires."
    )
    .is_empty());
    assert!(
        companies("La chaîne locale souhaitait recruter Dravo Kessler comme consultant.")
            .is_empty()
    );
}

#[test]
fn straight_quotes_count_as_quotes() {
    assert!(companies(
        "L'économiste estime, dans \"Le Courrier du Soir\", que les prix vont baisser."
    )
    .is_empty());
    assert!(companies("Le jury du \"Grand Quiz\" de Voltix TV a changé.").is_empty());
    assert_eq!(
        companies("\"La Gazette de Norvane\" va supprimer son édition du lundi."),
        ["La Gazette de Norvane"]
    );
    // A title ends with a name, not with a function word (`"Rendez-vous avec "X""`).
    assert!(companies("Le podcast \"Un café avec \"Brelune\"\" revient.").is_empty());
}

#[test]
fn a_capitalised_function_word_continues_a_name() {
    assert_eq!(
        companies("Le syndicat de la presse conteste la suspension de Brelune Today en Norvane."),
        ["Brelune Today"]
    );
}

#[test]
fn an_outlet_in_apposition_to_a_media_noun_is_discovered() {
    assert_eq!(
        companies("Les élus soutiennent « Brelune », hebdomadaire agricole fondé en 1950."),
        ["Brelune"]
    );
}

#[test]
fn a_capital_article_after_a_line_break_opens_no_title() {
    // The previous line ends in a lower-case word: the article still opens a sentence.
    let found =
        companies("Brewco ouvre trois usines\n\nLa Fabrikor Nord, une chaîne régionale, suit.");
    assert!(found.contains(&"Fabrikor Nord".to_string()), "{found:?}");
}

#[test]
fn titles_in_business_events_are_outlets() {
    // A quoted title with a strong event needs no media context.
    assert_eq!(
        companies("« La Gazette de Norvane » licencie quarante personnes."),
        ["La Gazette de Norvane"]
    );
    assert_eq!(
        companies("La cession de « La Norvane » à un fonds inquiète les lecteurs."),
        ["La Norvane"]
    );
    // `vente` also sells paintings: only in a text about media.
    assert_eq!(
        companies("Les enchères ouvrent la vente de La Norvane à Lyon."),
        Vec::<String>::new()
    );
    assert_eq!(
        companies("Les salariés du quotidien craignent la vente de La Norvane à un fonds."),
        ["La Norvane"]
    );
    // A capital article opening the sentence is no title: the region stays a place.
    assert_eq!(
        companies("La Norvane a suspendu les visas des journalistes."),
        Vec::<String>::new()
    );
}

#[test]
fn sanctioned_names_in_a_text_about_media_are_outlets() {
    assert_eq!(
        companies("Les rédactions notent que TKO et Zeltar sont interdits de diffusion."),
        ["TKO", "Zeltar"]
    );
    assert_eq!(
        companies("Le régulateur confirme : Fabrikor et France 12 privées d'antenne jusqu'en mai."),
        ["Fabrikor", "France 12"]
    );
    // Without any media word, a sanctioned plain name is left to the other rules.
    assert_eq!(
        companies("Le tribunal note que Zeltar a été interdit en mars."),
        Vec::<String>::new()
    );
}

#[test]
fn a_listed_outlet_as_a_source_or_venue_is_not_a_company() {
    assert!(companies(
        "L'économiste estime, dans « Le Courrier du Soir », que les prix vont baisser."
    )
    .is_empty());
    assert!(companies("Le jury du « Grand Quiz » de Voltix TV a changé.").is_empty());
    assert!(companies("Le romancier et producteur à Pellix Culture sort un disque.").is_empty());
    assert!(companies("Elle l'a confié jeudi à Pellix Radio.").is_empty());
    assert!(companies(
        "Paul Roux, ancien directeur du musée Norvane et de Pellix Radio, a reçu un prix."
    )
    .is_empty());
    assert!(
        companies("La directrice des antennes de Pellix Radio présente la grille d'été.")
            .is_empty()
    );
}

#[test]
fn a_listed_outlet_in_a_business_event_counts_even_when_cited() {
    assert_eq!(
        companies("Un journaliste de Voltix TV commente la vente."),
        Vec::<String>::new()
    );
    assert_eq!(
        companies("Selon Le Courrier du Soir, le rachat de Pellix Radio est signé."),
        ["Pellix Radio"]
    );
    assert_eq!(
        companies("Voltix TV pourrait licencier, a dit un journaliste sur Voltix TV."),
        ["Voltix TV"]
    );
}

#[test]
fn an_article_outside_the_quotes_counts_as_part_of_the_title() {
    assert_eq!(
        companies("Le « Courrier du Soir » change de directrice."),
        ["Courrier du Soir"]
    );
    assert!(article_outside_quotes("Le « Courrier", "Le « ".len()));
    assert!(!article_outside_quotes("Le Courrier", 3));
}

#[test]
fn a_listed_name_inside_an_outlet_gives_way() {
    assert_eq!(
        companies("Le rachat de Corvane News par un fonds agite la rédaction."),
        ["Corvane News"]
    );
}

#[test]
fn tokens_split_elisions_and_keep_inner_apostrophes() {
    let text = "vente d’OCS et de Sotheby’s";
    let t: Vec<&str> = tokens(text, 0, text.len())
        .iter()
        .map(|t| &text[t.s..t.e])
        .collect();
    assert_eq!(t, ["vente", "d’", "OCS", "et", "de", "Sotheby’s"]);
    // Offsets past the text or inside a character are clipped, not a panic.
    assert!(!tokens("é", 1, 99).is_empty());
}

#[test]
fn business_events_around_a_name() {
    let t = "Le rachat de « Brelune » est signé.";
    let s = t.find("Brelune").unwrap_or(0);
    assert!(business_event(t, s, s + "Brelune".len()));
    let t = "Brelune et Zeltar ont été définitivement suspendus.";
    assert!(business_event(t, 0, "Brelune".len()));
    let t = "Brelune change de logo.";
    assert!(!business_event(t, 0, "Brelune".len()));
    assert!(!business_event("", 0, 0));
}
