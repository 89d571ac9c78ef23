//! Deal words at the edge of a discovered name. In a headline every word may be
//! capitalised (`Voltix Expands Into Frozen Meals After Buying Corvane Group`, `Pellix Offers to Buy
//! Corvane`), so a capitalised span can take in the takeover verb or noun next to the
//! name: `Buying Corvane`, `Takeover of Corvane`, `Win Ambrose`, `Pellix Offers`, `Brewco Offer`.
//! Such a word names the deal, never the company, so it is cut off and the name kept.

use crate::entities::fold::with_folded_word;

/// Words that open a span only as the deal around the name (`Buy Corvane`, `Bid for X`).
const LEADING: &[&str] = &[
    "buy",
    "buys",
    "buying",
    "bought",
    "acquire",
    "acquires",
    "acquiring",
    "acquisition",
    "takeover",
    "bid",
    "bids",
    "bidding",
    "offer",
    "offers",
    "win",
    "wins",
    "winning",
    "sell",
    "sells",
    "selling",
    "merger",
    "approach",
    "approaches",
];

/// Words that close a span only as the deal after the name (`Pellix Offers`, `Brewco Offer`);
/// `Buy` and `Deal` are left out, as names end with them (`Best Buy`).
const TRAILING: &[&str] = &[
    "offer",
    "offers",
    "bid",
    "bids",
    "buys",
    "acquires",
    "sells",
    "takeover",
    "wins",
    "approaches",
];

/// `of`, `for` between a leading deal word and the name (`Takeover of Corvane`).
const LINKS: &[&str] = &["of", "for"];

/// Verbs whose object is the company taken over (`to buy Dravix`, `acquires Dravix`).
const TAKING_VERBS: &[&str] = &[
    "buy",
    "buys",
    "buying",
    "bought",
    "acquire",
    "acquires",
    "acquiring",
    "acquired",
];

/// Nouns whose `of`/`for` object is the company taken over (`bid for Corvane`, `acquisition of
/// Ambrose`, `deal for Dravix`).
const TAKING_NOUNS: &[&str] = &[
    "bid",
    "bids",
    "offer",
    "offers",
    "takeover",
    "acquisition",
    "deal",
    "approach",
];

/// Does the name at `s` follow a takeover verb (`to buy X`) or a takeover noun with
/// `of`/`for` (`bid for X`, `takeover of X`), in any case? The object of such a word is a
/// business in English news, so it counts as company context for the recogniser.
pub(super) fn after_taking_word(text: &str, s: usize) -> bool {
    use crate::entities::discover::word_before;
    let Some((a, b)) = word_before(text, s, false) else {
        return false;
    };
    // Only spaces between the word and the name (`buy: X` or `buy, X` is no object).
    if !text.get(b..s).is_some_and(|g| g.chars().all(|c| c == ' ')) {
        return false;
    }
    let w = text.get(a..b).unwrap_or("");
    if with_folded_word(w, |f| TAKING_VERBS.contains(&f)) {
        return true;
    }
    if !with_folded_word(w, |f| LINKS.contains(&f)) {
        return false;
    }
    word_before(text, a, false).is_some_and(|(c, d)| {
        text.get(d..a).is_some_and(|g| g.chars().all(|c| c == ' '))
            && with_folded_word(text.get(c..d).unwrap_or(""), |f| TAKING_NOUNS.contains(&f))
    })
}

/// Does any capitalised word of `text` follow a takeover word (see [`after_taking_word`])?
/// A cheap scan, so that the recogniser re-reads only the texts that have one.
pub(super) fn any_taking_object(text: &str) -> bool {
    let b = text.as_bytes();
    (1..b.len()).any(|i| {
        b[i - 1] == b' '
            && (b[i].is_ascii_uppercase() || b[i] >= 0x80)
            && text.is_char_boundary(i)
            && text[i..].starts_with(char::is_uppercase)
            && after_taking_word(text, i)
    })
}

/// The span `s..e` without the deal words at its edges; unchanged when nothing of the
/// name would be left or the words are lower-case (then they are prose, not a span edge).
pub(super) fn trim_deal_words(text: &str, s: usize, e: usize) -> (usize, usize) {
    let Some(span) = text.get(s..e) else {
        return (s, e);
    };
    let is = |w: &str, list: &[&str]| {
        w.starts_with(char::is_uppercase) && with_folded_word(w, |f| list.contains(&f))
    };
    let mut start = 0;
    let mut rest = span;
    let mut led = false;
    while let Some((first, after)) = rest.split_once(' ') {
        let link = led && with_folded_word(first, |f| LINKS.contains(&f));
        if !(is(first, LEADING) || link) {
            break;
        }
        led = true;
        let skipped = rest.len() - after.trim_start().len();
        start += skipped;
        rest = &rest[skipped..];
    }
    while let Some((head, last)) = rest.rsplit_once(' ') {
        if !is(last, TRAILING) {
            break;
        }
        rest = head.trim_end();
    }
    let all_deal = is(rest, LEADING) || is(rest, TRAILING);
    if all_deal
        || rest.is_empty()
        || !rest.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
    {
        return (s, e);
    }
    (s + start, s + start + rest.len())
}

#[cfg(test)]
mod tests {
    use super::{after_taking_word, any_taking_object, trim_deal_words};

    fn trimmed(text: &str, span: &str) -> String {
        let s = text.find(span).expect("span in text");
        let (a, b) = trim_deal_words(text, s, s + span.len());
        text[a..b].to_string()
    }

    #[test]
    fn deal_verbs_and_nouns_are_cut_from_headline_spans() {
        let t = "Northwind Expands Into Frozen Meals After Buying Larkspur Foods";
        assert_eq!(trimmed(t, "Buying Larkspur"), "Larkspur");
        let t = "Northwind Eyes Growth With Takeover of Larkspur Group";
        assert_eq!(trimmed(t, "Takeover of Larkspur"), "Larkspur");
        let t = "Northwind Offers to Buy Larkspur for $3 Billion";
        assert_eq!(trimmed(t, "Northwind Offers"), "Northwind");
        let t = "Investors Cool on Larkspur Bid";
        assert_eq!(trimmed(t, "Larkspur Bid"), "Larkspur");
        let t = "Sweetened Terms Fail to Win Larkspur's Approval";
        assert_eq!(trimmed(t, "Win Larkspur"), "Larkspur");
    }

    #[test]
    fn takeover_objects_are_recognised_by_the_word_before() {
        let at = |t: &str, name: &str| after_taking_word(t, t.find(name).expect("name"));
        assert!(at("Northwind to buy Larkspur for $5 billion", "Larkspur"));
        assert!(at(
            "Northwind bid for Larkspur runs into trouble",
            "Larkspur"
        ));
        assert!(at("Northwind plans acquisition of Larkspur", "Larkspur"));
        assert!(at("Northwind Increases Offer for Larkspur", "Larkspur"));
        assert!(!at("Northwind says Larkspur talks stalled", "Larkspur"));
        assert!(!at("Northwind buys: Larkspur", "Larkspur"));
        assert!(!at("Larkspur opens", "Larkspur"));
        assert!(!at("the case for Larkspur", "Larkspur"));
        assert!(any_taking_object("Northwind to buy Larkspur"));
        assert!(!any_taking_object("Northwind to buy larkspur, Élan opens"));
        assert!(!any_taking_object(""));
    }

    #[test]
    fn names_that_merely_contain_deal_words_stay_whole() {
        // Nothing of the name would be left, a name ending in `Buy`, lower-case prose.
        let t = "Takeover Offer lapses";
        assert_eq!(trimmed(t, "Takeover Offer"), "Takeover Offer");
        let t = "Quickbuy Buy opens stores";
        assert_eq!(trimmed(t, "Quickbuy Buy"), "Quickbuy Buy");
        let t = "the bid for Larkspur";
        assert_eq!(trimmed(t, "bid for Larkspur"), "bid for Larkspur");
        let t = "Odd   spacing Buy  ";
        let _ = trim_deal_words(t, 0, t.len());
        let _ = trim_deal_words(t, 3, 2);
    }
}
