//! Tests of the English headline context (`headline_context`): invented companies named
//! with a role, a business word, a period, a possessive, a verb opening the headline,
//! a word before them or a listed company, and the words, persons, places and market
//! terms that such context must not turn into companies.

use super::*;

const COMPANIES: &str = "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
    microsoft,Microsoft,,US,Tech,MSFT,,,\n\
    barclays,Barclays,,GB,Banks,BARC.L,,,\n";
const PERSONS: &str = "entity_id,name,aliases,role,company_id\n\
    person:jane-doe,Jane Doe,,CEO,\n";
const LOCATIONS: &str = "entity_id,name,aliases,kind,country\n\
    loc:london,London,,city,GB\n\
    loc:lancashire,Lancashire,,region,GB\n";

fn finder() -> EntityFinder {
    let g = Gazetteer::from_csv_strs(COMPANIES, PERSONS, LOCATIONS).expect("test gazetteer");
    EntityFinder::new(g)
}

/// Surfaces of the company mentions found in an English text.
fn companies(f: &EntityFinder, text: &str) -> Vec<String> {
    f.find(text, Lang::En)
        .into_iter()
        .filter(|m| m.kind == EntityKind::Company)
        .map(|m| text[m.start..m.end].to_string())
        .collect()
}

#[test]
fn a_role_or_a_business_word_after_a_name_makes_it_a_company() {
    let f = finder();
    let got = companies(&f, "Pellix CEO steps up drive to get Corvane board talking");
    assert_eq!(got, ["Pellix", "Corvane"]);
    let got = companies(
        &f,
        "Voltix share price slips as investors weigh Norvane deal",
    );
    assert_eq!(got, ["Voltix", "Norvane"]);
    let got = companies(&f, "Fabrikor Q2 net up 12% at Rs 40 crore");
    assert_eq!(got, ["Fabrikor"]);
}

#[test]
fn a_possessive_or_a_verb_opening_the_headline_makes_it_a_company() {
    let f = finder();
    let got = companies(
        &f,
        "Corvane's third quarter sales boosted by festive season",
    );
    assert_eq!(got, ["Corvane"]);
    let got = companies(&f, "Brewco in talks with Fabrikor shareholders");
    assert_eq!(got, ["Brewco", "Fabrikor"]);
    let got = companies(&f, "Norvane readies for £2bn London float");
    assert_eq!(got, ["Norvane"]);
}

#[test]
fn title_case_runs_are_cut_at_context_words() {
    let f = finder();
    let got = companies(
        &f,
        "Voltix Sales Plunge as Troubled Chain Gets Federal Subpoena",
    );
    assert_eq!(got, ["Voltix"]);
    let got = companies(
        &f,
        "Pellix Sees Corvane Deal Closing as Planned After New Rules",
    );
    assert!(got.contains(&"Corvane".to_string()), "{got:?}");
    assert!(!got.iter().any(|n| n.contains("Deal")), "{got:?}");
}

#[test]
fn a_word_before_or_a_listed_company_makes_it_a_company() {
    let f = finder();
    let got = companies(&f, "Microsoft in talks with Voltix over cloud tie-up");
    assert_eq!(got, ["Microsoft", "Voltix"]);
    let got = companies(&f, "Norvane and Barclays fail the stress test");
    assert_eq!(got, ["Norvane", "Barclays"]);
}

#[test]
fn words_persons_places_and_market_terms_stay_out() {
    let f = finder();
    for t in [
        "Small investors flock to bank stocks",
        "Fewer orders hurt profits at engineering firms",
        "Sensex rises 300 points on fund inflows",
        "Rupee falls against dollar as oil climbs",
        "FDA approves new asthma drug",
        "French shares fall in thin trading",
        "Warren says markets will rally",
        "Q1FY13 results lift shares",
        "Jane Doe says investors are wrong",
        "Lancashire residents await fracking decision",
        "EBITDA margins bottom out, analysts say",
    ] {
        assert!(companies(&f, t).is_empty(), "{t}: {:?}", companies(&f, t));
    }
}

#[test]
fn only_the_first_line_of_english_text_is_read() {
    let f = finder();
    // French text and the body of an article are left to the general rules.
    let fr = companies(&f, "Pellix CEO démissionne");
    assert!(!fr.contains(&"Pellix".to_string()) || f.learned, "{fr:?}");
    // Odd input never panics.
    for t in [
        "",
        " ",
        "'s",
        "Pellix's",
        "A - B",
        "— Pellix —",
        "CompaniesPellix shares",
    ] {
        let _ = companies(&f, t);
    }
    assert_eq!(
        companies(&f, "CompaniesPellix shares hit record"),
        ["Pellix"]
    );
}

#[test]
fn persons_who_speak_or_carry_a_given_name_stay_out() {
    let f = finder();
    // A verb of speech after a lone name: persons say things as much as companies do.
    assert!(companies(&f, "Whitcombe said the bill would pass the Senate").is_empty());
    assert!(companies(&f, "Whitcombe tells voters to stay home").is_empty());
    // A given name inside the name makes a person, whatever verb follows.
    assert!(companies(&f, "Senator Robert Whitcombe opens inquiry").is_empty());
    // A company verb still makes a company.
    assert_eq!(
        companies(&f, "Pellix readies £2bn London float"),
        ["Pellix"]
    );
}
