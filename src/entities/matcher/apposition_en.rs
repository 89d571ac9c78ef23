//! Cues of English headlines for ambiguous company forms that the general evidence
//! rules leave undecided:
//!
//! * peers listed together: `Shell, Chevron Await …`, `Pellix and Corvane Drop …`.
//!   Two ambiguous names of the gazetteer coordinated with each other, each a company
//!   of the same sector, are a list of peers: each is evidence for the other. Common
//!   words that happen to be company names rarely line up with another of the same
//!   trade (`Apple, Orange` are a technology and a telecom company, and stay undecided).

use super::{Decision, EntityFinder, Hit, CONF_ONE_SENSE};
use crate::entities::EntityKind;

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
    pub(super) fn accept_sector_peers(&self, art: &super::Article<'_>, pending: &mut [Pending]) {
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
        nosector2,Tarvish,Tarvish,GB,,,,,Tarvish\n";
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
}
