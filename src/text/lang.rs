//! Language identification.
//!
//! French and English are fully supported by the NLP stages; any other language is
//! kept (and marked) so that analysts can see what the corpus contains.

use serde::{Deserialize, Serialize};

/// A detected (or declared) article language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// Anything else, or too little text to tell.
    #[default]
    Other,
}

impl Lang {
    /// ISO 639-1 code used in the tables (`"en"`, `"fr"`), `"und"` otherwise.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Other => "und",
        }
    }

    /// Parses a user-supplied code such as `"fr"`, `"FR"`, `"fra"`, `"en-US"`.
    pub fn from_code(code: &str) -> Lang {
        let c = code.trim().to_ascii_lowercase();
        let base = c.split(['-', '_']).next().unwrap_or("");
        match base {
            "en" | "eng" | "english" => Lang::En,
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Lang::Fr,
            _ => Lang::Other,
        }
    }

    /// Parses a code of the pipeline file (`languages`, an input's `lang`): exactly one
    /// of [`ANALYSED_CODES`] (any ASCII case), `None` otherwise.
    pub fn from_pipeline_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }
}

/// Texts shorter than this (in characters) are "short": whatlang's guess on a headline
/// is too often a neighbouring language ("Apple beat estimates but Samsung slumped" reads
/// as German), so [`detect_among`] chooses among the analysed languages instead.
pub const SHORT_TEXT_CHARS: usize = 200;

/// The codes accepted in the pipeline's `languages` and an input's `lang`: the languages
/// the entities and sentiment stages analyse.
pub const ANALYSED_CODES: [&str; 2] = ["en", "fr"];

/// Detects the language of `text` with whatlang, restricted to a useful set of
/// European languages so that short French/English texts are not mistaken for
/// something exotic. Returns the detected language and whatlang's ISO 639-3 code
/// (kept for the `other` languages so the table can say what they are).
pub fn detect(text: &str) -> (Lang, &'static str) {
    detect_among(text, &[])
}

/// [`detect`], but a short text ([`SHORT_TEXT_CHARS`]) or one whatlang is unsure of
/// (not [`whatlang::Info::is_reliable`]) gets the most likely of `allowed` (the
/// pipeline's `languages`); long, confident texts keep their own language, so the
/// `articles` table still says which texts were in German or Spanish. An empty
/// `allowed` means no restriction.
pub fn detect_among(text: &str, allowed: &[Lang]) -> (Lang, &'static str) {
    use whatlang::{Detector, Lang as W};
    // A sample is enough: detection cost must not grow with huge articles.
    let sample = prefix_chars(text, 1000);
    if let Some(lang) = stopword_vote(sample) {
        return (lang, iso3(lang));
    }
    let allow = vec![
        W::Eng,
        W::Fra,
        W::Deu,
        W::Spa,
        W::Ita,
        W::Por,
        W::Nld,
        W::Swe,
        W::Pol,
        W::Rus,
        W::Ara,
        W::Cmn,
        W::Jpn,
    ];
    let info = Detector::with_allowlist(allow).detect(sample);
    let confident = info.as_ref().is_some_and(whatlang::Info::is_reliable);
    let short = sample.chars().count() < SHORT_TEXT_CHARS;
    let wanted: Vec<W> = allowed
        .iter()
        .filter_map(|l| match l {
            Lang::En => Some(W::Eng),
            Lang::Fr => Some(W::Fra),
            Lang::Other => None,
        })
        .collect();
    let info = match info {
        Some(i) if confident && !short => Some(i),
        info if wanted.is_empty() => info,
        // Short or unsure: one of the analysed languages.
        _ if wanted.len() == 1 => return (allowed_lang(wanted[0]), wanted[0].code()),
        info => match short_text_cue(sample) {
            Some(lang) => return (lang, iso3(lang)),
            None if info.as_ref().is_some_and(|i| wanted.contains(&i.lang())) => info,
            None => Detector::with_allowlist(wanted).detect(sample),
        },
    };
    match info.map(|i| i.lang()) {
        Some(W::Eng) => (Lang::En, "eng"),
        Some(W::Fra) => (Lang::Fr, "fra"),
        Some(other) => (Lang::Other, other.code()),
        None => (Lang::Other, "und"),
    }
}

/// English or French for a short text, from what trigrams miss on a headline: more
/// function words of one language than the other decide; with none, French spelling
/// (accented letters, elisions such as `l'`) is what marks French, so a headline
/// without any is English ("Apple beat estimates but Samsung slumped"). `None` when
/// the text has no words, or French spelling but no function words either way.
fn short_text_cue(sample: &str) -> Option<Lang> {
    const APOSTROPHES: [char; 2] = ['\'', '\u{2019}'];
    let (mut fr, mut en) = (0u32, 0u32);
    let (mut french_spelling, mut words) = (false, 0u32);
    for w in sample.split(|c: char| !c.is_alphabetic() && !APOSTROPHES.contains(&c)) {
        let w = w.trim_matches(APOSTROPHES);
        if w.is_empty() {
            continue;
        }
        words += 1;
        let elided = w.split_once(APOSTROPHES).is_some_and(|(head, _)| {
            ["l", "d", "qu", "n", "s", "c", "j"]
                .iter()
                .any(|e| e.eq_ignore_ascii_case(head))
        });
        if elided || w.chars().any(|c| "éèêëàâçùûôîïœÉÈÊÀÇ".contains(c)) {
            french_spelling = true;
        }
        let lower = w.to_lowercase();
        if FR_HEADLINE_WORDS.contains(&lower.as_str()) {
            fr += 1;
        } else if EN_HEADLINE_WORDS.contains(&lower.as_str()) {
            en += 1;
        } else if w.len() <= 6 {
            match stopword(w) {
                Some(Lang::Fr) => fr += 1,
                Some(Lang::En) => en += 1,
                _ => {}
            }
        }
    }
    match fr.cmp(&en) {
        std::cmp::Ordering::Greater => Some(Lang::Fr),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal if !french_spelling && words > 0 => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

/// Function words frequent in headlines, besides [`FR_WORDS`] / [`EN_WORDS`] (which
/// decide long texts and so stay strict); only [`short_text_cue`] counts these.
const FR_HEADLINE_WORDS: &[&str] = &[
    "un", "de", "sa", "se", "ce", "après", "contre", "selon", "chez", "vers", "sous", "ne",
];
const EN_HEADLINE_WORDS: &[&str] = &[
    "a", "an", "but", "after", "over", "up", "amid", "into", "says", "new", "as", "its",
];

/// The ISO 639-3 code of an analysed language.
fn iso3(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "eng",
        Lang::Fr => "fra",
        Lang::Other => "und",
    }
}

/// [`Lang`] of a whatlang language that [`detect_among`] allowed (English or French).
fn allowed_lang(w: whatlang::Lang) -> Lang {
    match w {
        whatlang::Lang::Eng => Lang::En,
        whatlang::Lang::Fra => Lang::Fr,
        _ => Lang::Other,
    }
}

/// French and English function words: frequent, short and specific to one language.
/// [`stopword`] matches them with one `match`; the tests check it against these lists.
#[cfg_attr(not(test), allow(dead_code))]
const FR_WORDS: &[&str] = &[
    "le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "qui", "que", "sur", "au",
    "aux", "par", "pas", "avec", "son", "ses", "sont", "cette", "ont", "été", "mais",
];
#[cfg_attr(not(test), allow(dead_code))]
const EN_WORDS: &[&str] = &[
    "the", "and", "of", "to", "is", "in", "that", "for", "with", "was", "are", "its", "on", "has",
    "have", "by", "from", "this", "were", "which", "will", "be", "at", "as", "it",
];

/// Fast path for the two languages the pipeline analyses: a clear majority of French or
/// English function words decides; anything less clear-cut goes to whatlang.
fn stopword_vote(sample: &str) -> Option<Lang> {
    let (mut fr, mut en) = (0u32, 0u32);
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty() && w.len() <= 6)
    {
        match stopword(w) {
            Some(Lang::Fr) => fr += 1,
            Some(Lang::En) => en += 1,
            _ => {}
        }
    }
    if fr >= 8 && fr >= 4 * en {
        Some(Lang::Fr)
    } else if en >= 8 && en >= 4 * fr {
        Some(Lang::En)
    } else {
        None
    }
}

/// Which list a word (at most 6 bytes) belongs to, compared ASCII-case-insensitively like
/// `eq_ignore_ascii_case` against [`FR_WORDS`] / [`EN_WORDS`]. One `match` on the
/// lowercased bytes instead of 50 string comparisons per word (this ran for every word
/// of every article's sample).
fn stopword(w: &str) -> Option<Lang> {
    let b = w.as_bytes();
    let mut buf = [0u8; 6];
    let low = buf.get_mut(..b.len())?;
    for (d, s) in low.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    // `b"\xC3\xA9t\xC3\xA9"` is "été" in UTF-8.
    match &*low {
        b"le" | b"la" | b"les" | b"des" | b"du" | b"et" | b"est" | b"une" | b"dans" | b"pour"
        | b"qui" | b"que" | b"sur" | b"au" | b"aux" | b"par" | b"pas" | b"avec" | b"son"
        | b"ses" | b"sont" | b"cette" | b"ont" | b"\xC3\xA9t\xC3\xA9" | b"mais" => Some(Lang::Fr),
        b"the" | b"and" | b"of" | b"to" | b"is" | b"in" | b"that" | b"for" | b"with" | b"was"
        | b"are" | b"its" | b"on" | b"has" | b"have" | b"by" | b"from" | b"this" | b"were"
        | b"which" | b"will" | b"be" | b"at" | b"as" | b"it" => Some(Lang::En),
        _ => None,
    }
}

/// The first `n` characters of `s` (never splits a character).
pub fn prefix_chars(s: &str, n: usize) -> &str {
    // Fewer bytes than `n` means fewer characters: nothing to cut.
    if s.len() <= n {
        return s;
    }
    // Count character starts (bytes that are not UTF-8 continuation bytes).
    let mut count = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if (b as i8) >= -0x40 {
            if count == n {
                return s.get(..i).unwrap_or(s);
            }
            count += 1;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_french_and_english_news() {
        let fr = "Le groupe pharmaceutique a annoncé jeudi une hausse de son chiffre d'affaires, portée par les ventes de vaccins.";
        let en = "The company reported higher quarterly revenue on Thursday, driven by strong demand for its cloud services.";
        assert_eq!(detect(fr).0, Lang::Fr);
        assert_eq!(detect(en).0, Lang::En);
    }

    #[test]
    fn other_languages_are_marked_not_dropped() {
        let de = "Das Unternehmen hat am Donnerstag einen deutlichen Anstieg des Umsatzes gemeldet, getragen von der starken Nachfrage.";
        let (lang, code) = detect(de);
        assert_eq!(lang, Lang::Other);
        assert_eq!(code, "deu");
        assert_eq!(detect("").0, Lang::Other);
    }

    #[test]
    fn a_few_shared_words_do_not_decide() {
        // "on", "as", "pas"… appear in both; a short mixed text goes to whatlang.
        assert_eq!(stopword_vote("Paris on the move"), None);
        let es = "La empresa anunció el jueves un fuerte aumento de sus ventas en el mercado europeo y en los Estados Unidos.";
        assert_eq!(detect(es).0, Lang::Other);
    }

    #[test]
    fn stopword_match_is_the_lists() {
        for w in FR_WORDS {
            assert_eq!(stopword(w), Some(Lang::Fr), "{w}");
            assert_eq!(stopword(&w.to_ascii_uppercase()), Some(Lang::Fr), "{w}");
        }
        for w in EN_WORDS {
            assert_eq!(stopword(w), Some(Lang::En), "{w}");
            assert_eq!(stopword(&w.to_uppercase()), Some(Lang::En), "{w}");
        }
        for w in ["", "l", "ÉTÉ", "theirs", "lequel", "été!"] {
            let expected = if FR_WORDS.iter().any(|x| x.eq_ignore_ascii_case(w)) {
                Some(Lang::Fr)
            } else if EN_WORDS.iter().any(|x| x.eq_ignore_ascii_case(w)) {
                Some(Lang::En)
            } else {
                None
            };
            assert_eq!(stopword(w), expected, "{w}");
        }
    }

    #[test]
    fn prefix_chars_counts_characters() {
        for s in ["", "abc", "été", "aé日本\u{1F600}z", "日本語"] {
            for n in 0..8 {
                let expected = match s.char_indices().nth(n) {
                    Some((i, _)) => &s[..i],
                    None => s,
                };
                assert_eq!(prefix_chars(s, n), expected, "{s:?} {n}");
            }
        }
    }

    #[test]
    fn short_headlines_choose_among_the_analysed_languages() {
        let both = [Lang::En, Lang::Fr];
        for h in [
            "Apple beat estimates but Samsung slumped",
            "Carmaker shares slide after profit warning",
            "Brewer lifts dividend, stock jumps",
            "Insurer names new chief executive",
        ] {
            assert_eq!(detect_among(h, &both), (Lang::En, "eng"), "{h}");
        }
        for h in [
            "Le constructeur automobile relève ses prévisions",
            "L'assureur nomme un nouveau directeur général",
        ] {
            assert_eq!(detect_among(h, &both).0, Lang::Fr, "{h}");
        }
        // One analysed language: a short text is taken to be in it.
        assert_eq!(
            detect_among("Brewer lifts dividend", &[Lang::Fr]),
            (Lang::Fr, "fra")
        );
    }

    #[test]
    fn long_confident_texts_keep_their_language() {
        let de = "Das Unternehmen hat am Donnerstag einen deutlichen Anstieg des Umsatzes gemeldet, getragen von der starken Nachfrage nach Elektroautos in Europa und in China, und die Prognose für das ganze Jahr angehoben.";
        assert!(de.chars().count() >= SHORT_TEXT_CHARS);
        assert_eq!(
            detect_among(de, &[Lang::En, Lang::Fr]),
            (Lang::Other, "deu")
        );
        // Without a restriction, a short text gets whatlang's own guess.
        assert_eq!(
            detect_among("Das Unternehmen meldet Gewinn", &[]).0,
            Lang::Other
        );
    }

    #[test]
    fn pipeline_codes_are_the_analysed_ones() {
        assert_eq!(Lang::from_pipeline_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_pipeline_code("FR"), Some(Lang::Fr));
        for bad in ["english", "eng", "de", "", "en-US"] {
            assert_eq!(Lang::from_pipeline_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn codes_round_trip() {
        assert_eq!(Lang::from_code("FR"), Lang::Fr);
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code("de"), Lang::Other);
        assert_eq!(Lang::Fr.code(), "fr");
    }
}
