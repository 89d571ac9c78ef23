//! Cues of English headlines for ambiguous company forms that the general evidence
//! rules leave undecided:
//!
//! * peers listed together: `Shell, Chevron Await …`, `Pellix and Corvane Drop …`.
//!   Two ambiguous names of the gazetteer coordinated with each other, each a company
//!   of the same sector, are a list of peers: each is evidence for the other. Common
//!   words that happen to be company names rarely line up with another of the same
//!   trade (`Apple, Orange` are a technology and a telecom company, and stay undecided).
//! * a role noun in apposition right before the name: `NYSE owner ICE`, `rival Corvane`,
//!   `reinsurer Pellix`. The noun says what the name is: an undecided ambiguous form
//!   after it is a company, and so is a listed company's ticker in capitals
//!   (`owner ICE`), which the gazetteer holds as a ticker, not as a name.

use super::{Article, Decision, EntityFinder, Hit, CONF_EVIDENCE, CONF_ONE_SENSE};
use crate::entities::discover::word_before;
use crate::entities::fold::with_folded_word;
use crate::entities::{EntityKind, Mention, Via};

/// English nouns naming what a company is or is to another one, written right before
/// its name in apposition (`NYSE owner ICE`, `rival Corvane`). Folded; a closed class.
#[rustfmt::skip]
const ROLE_NOUNS: &[&str] = &[
    "owner", "parent", "rival", "peer", "insurer", "reinsurer", "lender",
    "bank", "miner", "drugmaker", "brewer", "distiller", "retailer", "grocer",
    "supermarket", "carmaker", "automaker", "chipmaker", "airline", "carrier", "bourse",
    "refiner", "housebuilder", "homebuilder", "broker", "conglomerate", "telco",
    "outsourcer", "operator", "utility", "manufacturer",
    "shipper", "shipbuilder", "tobacconist", "supplier", "distributor",
];

/// Whether a role noun (see [`ROLE_NOUNS`]) stands right before `start`, one space
/// apart on the same line: `owner ICE`, `Rival Corvane`.
pub(super) fn role_noun_before(text: &str, start: usize) -> bool {
    if !text.get(..start).is_some_and(|t| t.ends_with(' ')) {
        return false;
    }
    word_before(text, start, false)
        .filter(|&(_, b)| b + 1 == start)
        .and_then(|(a, b)| text.get(a..b))
        .is_some_and(|w| with_folded_word(w, |f| ROLE_NOUNS.contains(&f)))
}

/// One resolved gazetteer hit waiting to be emitted: (hit index, company form,
/// decision, fallback non-company form), as in `resolve_gazetteer`.
pub(super) type Pending = (usize, Option<usize>, Decision, Option<usize>);

impl EntityFinder {
    /// The sector of the company a pending hit would be, when it is a company form
    /// still in play (accepted or undecided) with a known sector.
    fn pending_sector(&self, p: &Pending) -> Option<&str> {
        if matches!(p.2, Decision::Reject) {
            return None;
        }
        let fm = self.forms.get(p.1?)?;
        if fm.kind != EntityKind::Company {
            return None;
        }
        let ent = self.gaz.entities().get(fm.entity)?;
        ent.sector.as_deref().filter(|s| !s.is_empty())
    }

    /// `Shell, Chevron Await …`: an undecided company name coordinated with another
    /// company name (undecided or accepted) of the same sector is accepted. Runs after
    /// every hit has its first decision.
    pub(super) fn accept_sector_peers(&self, art: &Article<'_>, pending: &mut [Pending]) {
        if pending.len() < 2 || !pending.iter().any(|p| p.2 == Decision::Undecided) {
            return;
        }
        // (hit start, sector) of every company hit still in play.
        let sectors: Vec<(usize, String)> = pending
            .iter()
            .filter_map(|p| Some((art.hits[p.0].s, self.pending_sector(p)?.to_string())))
            .collect();
        if sectors.len() < 2 {
            return;
        }
        let sector_at = |s: usize| {
            sectors
                .iter()
                .find(|(a, _)| *a == s)
                .map(|(_, sec)| sec.as_str())
        };
        let mut accept = Vec::new();
        for (k, p) in pending.iter().enumerate() {
            if p.2 != Decision::Undecided {
                continue;
            }
            let h: &Hit = &art.hits[p.0];
            let Some(mine) = sector_at(h.s) else { continue };
            if self.coordinated_with(art, h, |o: &Hit| o.s != h.s && sector_at(o.s) == Some(mine)) {
                accept.push(k);
            }
        }
        for k in accept {
            if let Some(p) = pending.get_mut(k) {
                p.2 = Decision::Accept(CONF_ONE_SENSE);
            }
        }
    }

    /// `rival Corvane`, `reinsurer Pellix`: an undecided company form right after a
    /// role noun is accepted.
    pub(super) fn accept_after_role_noun(&self, art: &Article<'_>, pending: &mut [Pending]) {
        for p in pending.iter_mut() {
            let is_company =
                p.1.and_then(|fi| self.forms.get(fi))
                    .is_some_and(|fm| fm.kind == EntityKind::Company);
            if p.2 == Decision::Undecided
                && is_company
                && role_noun_before(art.text, art.hits[p.0].s)
            {
                p.2 = Decision::Accept(CONF_EVIDENCE);
            }
        }
    }

    /// `NYSE owner ICE`: a token in capitals (3 to 5 letters) right after a role noun,
    /// found by no other rule, that is the ticker of a listed company whose name it can
    /// abbreviate (its first letter, then its other letters in order: `ICE` in
    /// `Intercontinental Exchange`). Several such companies: the one listed under the
    /// bare ticker (no exchange suffix: `ICE`, not `ICE.AX`) if it is the only one.
    pub(super) fn resolve_role_tickers(&self, art: &mut Article<'_>) {
        let text = art.text;
        let bytes = text.as_bytes();
        let mut found: Vec<Mention> = Vec::new();
        let mut i = 1;
        while let Some(c) = super::next_capital(bytes, i) {
            i = c;
            // A capital after a space: the only place such a token starts.
            if bytes[i - 1] != b' ' {
                i += 1;
                continue;
            }
            let s = i;
            let mut e = i;
            while e < bytes.len() && bytes[e].is_ascii_alphanumeric() {
                e += 1;
            }
            i = e.max(s + 1);
            let glued_after = text
                .get(e..)
                .and_then(|t| t.chars().next())
                .is_some_and(|c| c.is_alphanumeric() || c == '&');
            if !(3..=5).contains(&(e - s))
                || glued_after
                || !bytes[s..e].iter().all(u8::is_ascii_uppercase)
                || !role_noun_before(text, s)
                || super::contraction::covered(art, s, e)
            {
                continue;
            }
            let Some(ent) = text
                .get(s..e)
                .and_then(|t| self.ticker_company(t))
                .and_then(|ei| self.gaz.entities().get(ei))
            else {
                continue;
            };
            found.push(Mention {
                entity_id: ent.id.clone(),
                name: ent.name.clone(),
                kind: ent.kind,
                start: s,
                end: e,
                confidence: CONF_EVIDENCE,
                via: Via::Gazetteer,
            });
        }
        art.mentions.extend(found);
    }

    /// The one listed company a ticker written alone can stand for (see
    /// [`EntityFinder::resolve_role_tickers`]).
    fn ticker_company(&self, ticker: &str) -> Option<usize> {
        let ents = self.gaz.entities();
        let fits: Vec<usize> = self
            .tickers
            .get(ticker)?
            .iter()
            .copied()
            .filter(|&ei| {
                ents.get(ei)
                    .is_some_and(|e| e.kind == EntityKind::Company && abbreviates(ticker, &e.name))
            })
            .collect();
        if let [one] = fits.as_slice() {
            return Some(*one);
        }
        let bare: Vec<usize> = fits
            .into_iter()
            .filter(|&ei| {
                ents.get(ei)
                    .and_then(|e| e.ticker.as_deref())
                    .is_some_and(|t| t == ticker)
            })
            .collect();
        match bare.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

/// Whether the capitals `abbr` can abbreviate `name`: the name's first letter is the
/// first one, and the others appear in the name in order (`ICE`, `Intercontinental
/// Exchange`; not `Canlan Ice Sports`).
fn abbreviates(abbr: &str, name: &str) -> bool {
    let mut letters = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_uppercase());
    let mut want = abbr.chars();
    if letters.next() != want.next() {
        return false;
    }
    want.all(|w| letters.any(|c| c == w))
}

#[cfg(test)]
mod tests {
    use super::super::EntityFinder;
    use crate::entities::gazetteer::Gazetteer;
    use crate::entities::EntityKind;
    use crate::text::lang::Lang;

    const COMPANIES: &str =
        "entity_id,name,aliases,country,sector,ticker,isin,parent_id,ambiguous\n\
        pellix,Pellix,Pellix|Pellix plc,GB,Energy,PLX.L,,,Pellix\n\
        corvane,Corvane,Corvane|Corvane Corp,US,Energy,CRVN,,,Corvane\n\
        voltix,Voltix,Voltix|Voltix Inc,US,Technology,VLTX,,,Voltix\n\
        brewco,Brewco,Brewco|Brewco plc,GB,Drinks,BRW.L,,,Brewco\n\
        norvane,Norvane,Norvane|Norvane Group,GB,Banking,NRV.L,,,Norvane\n\
        fabrikor,Fabrikor,Fabrikor|Fabrikor Bank,GB,Banking,FBK.L,,,Fabrikor\n\
        nosector,Quillon,Quillon,GB,,,,,Quillon\n\
        nosector2,Tarvish,Tarvish,GB,,,,,Tarvish\n\
        intercorvane-exchange,Intercorvane Exchange,Intercorvane Exchange,US,Banking,ICX,,,\n\
        icxora,Icxora,Icxora,AU,Software,ICX.AX,,,\n\
        canlan-icx,Canlan Icx,Canlan Icx,CA,Leisure,ICX.TO,,,\n\
        voltara,Voltara Power,Voltara Power,US,Utilities,VPW,,,\n\
        vantor-power,Vantor Power Works,Vantor Power Works,US,Utilities,VPW,,,\n";
    const PERSONS: &str = "entity_id,name,aliases,role,company_id\n";
    const LOCATIONS: &str = "entity_id,name,aliases,kind,country\n\
        loc:london,London,,city,GB\n";

    fn companies(text: &str) -> Vec<String> {
        let g = Gazetteer::from_csv_strs(COMPANIES, PERSONS, LOCATIONS).expect("test gazetteer");
        EntityFinder::new(g)
            .find(text, Lang::En)
            .into_iter()
            .filter(|m| m.kind == EntityKind::Company && !m.entity_id.starts_with("new:"))
            .map(|m| m.entity_id)
            .collect()
    }

    #[test]
    fn one_ambiguous_name_alone_stays_undecided() {
        assert!(companies("Pellix Await Return From Pause").is_empty());
        assert!(companies("Norvane Most Exposed to Property").is_empty());
    }

    #[test]
    fn peers_of_one_sector_listed_together_confirm_each_other() {
        assert_eq!(
            companies("Pellix, Corvane Await Return From Pause"),
            ["pellix", "corvane"]
        );
        assert_eq!(
            companies("Norvane, Fabrikor Most Exposed to Property, Analysts Say"),
            ["norvane", "fabrikor"]
        );
        assert_eq!(
            companies("Pellix and Corvane await the return of gas"),
            ["pellix", "corvane"]
        );
    }

    #[test]
    fn names_of_other_sectors_or_without_one_are_no_peers() {
        // Energy and technology: a list of common words, not of rivals.
        assert!(companies("Pellix, Voltix Await Return From Pause").is_empty());
        assert!(companies("Brewco, Voltix Await the Summer").is_empty());
        // No sector recorded: nothing to compare.
        assert!(companies("Quillon, Tarvish Await Return From Pause").is_empty());
        // Same sector but not coordinated.
        assert!(companies("Pellix Await Return as Corvane Waits").is_empty());
    }

    #[test]
    fn a_role_noun_before_an_undecided_name_is_evidence() {
        assert!(companies("Mood at Quillon Turns Sour").is_empty());
        assert_eq!(companies("Mood at parent Quillon Turns Sour"), ["nosector"]);
        assert_eq!(
            companies("Bourse owner Tarvish Weighs the Offer"),
            ["nosector2"]
        );
        // Not right before the name.
        assert!(companies("Mood at parent unit Quillon Turns Sour").is_empty());
        // A capitalised word before a name may be a first name (`Parent Quillon`):
        // the person cue keeps deciding.
        assert!(companies("Mood at Parent Quillon Turns Sour").is_empty());
    }

    #[test]
    fn a_ticker_after_a_role_noun_names_the_listed_company() {
        assert_eq!(
            companies("Bourse owner ICX considers offer for Fabrikor Bank"),
            ["intercorvane-exchange", "fabrikor"]
        );
        // No role noun: a ticker alone is no name.
        assert_eq!(
            companies("ICX considers offer for Fabrikor Bank"),
            ["fabrikor"]
        );
        // Two companies the ticker could abbreviate, both listed under it bare.
        assert!(companies("Utility owner VPW sells plants").is_empty());
        // Lowercase, too long, or glued: no ticker.
        assert!(companies("Bourse owner Icx considers offer").is_empty());
        assert!(companies("Bourse owner ICXABCD considers offer").is_empty());
    }

    #[test]
    fn abbreviations_start_with_the_name_and_keep_its_order() {
        assert!(super::abbreviates("ICE", "Intercontinental Exchange"));
        assert!(super::abbreviates("ICE", "Icetana"));
        assert!(!super::abbreviates("ICE", "Canlan Ice Sports"));
        assert!(!super::abbreviates("IEC", "Ice"));
        assert!(!super::abbreviates("", "Ice"));
    }

    #[test]
    fn role_nouns_are_whole_words_right_before_the_name() {
        let t = "NYSE owner ICE";
        assert!(super::role_noun_before(t, t.find("ICE").expect("in text")));
        let t = "the landowner ICE";
        assert!(!super::role_noun_before(t, t.find("ICE").expect("in text")));
        let t = "owner  ICE";
        assert!(!super::role_noun_before(t, t.find("ICE").expect("in text")));
        assert!(!super::role_noun_before("ICE", 0));
    }
}
