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
}

/// Detects the language of `text` with whatlang, restricted to a useful set of
/// European languages so that short French/English texts are not mistaken for
/// something exotic. Returns the detected language and whatlang's ISO 639-3 code
/// (kept for the `other` languages so the table can say what they are).
pub fn detect(text: &str) -> (Lang, &'static str) {
    use whatlang::{Detector, Lang as W};
    // A sample is enough: detection cost must not grow with huge articles.
    let sample = prefix_chars(text, 2000);
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
    let detector = Detector::with_allowlist(allow);
    match detector.detect_lang(sample) {
        Some(W::Eng) => (Lang::En, "eng"),
        Some(W::Fra) => (Lang::Fr, "fra"),
        Some(other) => (Lang::Other, other.code()),
        None => (Lang::Other, "und"),
    }
}

/// The first `n` characters of `s` (never splits a character).
pub fn prefix_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
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
    fn codes_round_trip() {
        assert_eq!(Lang::from_code("FR"), Lang::Fr);
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code("de"), Lang::Other);
        assert_eq!(Lang::Fr.code(), "fr");
    }
}
