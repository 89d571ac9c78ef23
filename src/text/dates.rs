//! Publication dates as they appear in feeds, JSON, CSV, HTML meta tags and front matter.
//!
//! Sources disagree wildly on date formats, and a wrong date silently moves an article to
//! another day of the output tables, so the parser is lenient on *form* (separators,
//! case, accents, weekday names, filler words such as `le` or `à`) but strict on
//! *content*: every token must be understood, impossible dates and years outside
//! 1900–2100 are rejected, and garbage gives `None` rather than a guess.
//!
//! Order of attempts: chrono's RFC 3339 and RFC 2822 parsers (cheap, cover almost every
//! feed), digit-only forms (unix timestamps, `YYYYMMDD`), then a small hand-written
//! tokenizer and grammar for everything else (ISO variants, European numeric dates,
//! French and English long dates).

use chrono::{
    DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

/// A parsed publication instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    /// The instant, in UTC.
    pub utc: DateTime<Utc>,
    /// False when the source only gave a day (the instant is then midnight in the
    /// pipeline's timezone), so that consumers do not over-interpret `00:00`.
    pub has_time: bool,
}

/// Years accepted: anything outside is a parsing accident (`0001-01-01` defaults,
/// two-digit years read literally, timestamps in the wrong unit).
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

/// Longer inputs are not dates; refusing them early bounds the work on garbage.
const MAX_LEN: usize = 128;

/// Parses a publication date. Strings without a zone are interpreted in `tz` (the pipeline's
/// timezone); a date without time is midnight in `tz`.
pub fn parse_date(s: &str, tz: Tz) -> Option<ParsedDate> {
    let s = s.trim();
    if s.is_empty() || s.len() > MAX_LEN {
        return None;
    }
    // Fast paths: the two standard feed formats.
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return with_time(dt.with_timezone(&Utc));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return with_time(dt.with_timezone(&Utc));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_digits(s, tz);
    }
    parse_general(s, tz)
}

/// Calendar day of an instant in the pipeline's timezone (what the `date` column holds).
pub fn local_day(utc: DateTime<Utc>, tz: Tz) -> NaiveDate {
    utc.with_timezone(&tz).date_naive()
}

fn year_ok(year: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

fn with_time(utc: DateTime<Utc>) -> Option<ParsedDate> {
    // Checked on the UTC year: the bounds are far from any real date, so the zone
    // shift at the edges does not matter.
    year_ok(chrono::Datelike::year(&utc)).then_some(ParsedDate {
        utc,
        has_time: true,
    })
}

/// Unix seconds (10 digits), unix milliseconds (13 digits) or `YYYYMMDD` (8 digits).
fn parse_digits(s: &str, tz: Tz) -> Option<ParsedDate> {
    match s.len() {
        8 => {
            let y = s.get(0..4)?.parse().ok()?;
            let m = s.get(4..6)?.parse().ok()?;
            let d = s.get(6..8)?.parse().ok()?;
            let date = NaiveDate::from_ymd_opt(y, m, d)?;
            finish(date, None, None, tz)
        }
        10 => {
            let secs: i64 = s.parse().ok()?;
            with_time(DateTime::from_timestamp(secs, 0)?)
        }
        13 => {
            let ms: i64 = s.parse().ok()?;
            with_time(DateTime::from_timestamp_millis(ms)?)
        }
        _ => None,
    }
}

/// Builds the result from validated parts; `offset` is `None` for local (pipeline) time.
fn finish(
    date: NaiveDate,
    time: Option<NaiveTime>,
    offset: Option<FixedOffset>,
    tz: Tz,
) -> Option<ParsedDate> {
    if !year_ok(chrono::Datelike::year(&date)) {
        return None;
    }
    let has_time = time.is_some();
    let naive = date.and_time(time.unwrap_or(NaiveTime::MIN));
    let utc = match offset {
        Some(off) => off
            .from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc),
        None => local_to_utc(naive, tz)?,
    };
    Some(ParsedDate { utc, has_time })
}

/// Interprets a wall-clock time in `tz`. In the autumn overlap the earlier instant is
/// taken; a time in the spring gap (which no clock showed) is read with the offset in
/// force just before the gap, i.e. it lands as many minutes after the gap as it was
/// inside it — what a writer who forgot the change meant.
fn local_to_utc(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    if let Some(dt) = tz.from_local_datetime(&naive).earliest() {
        return Some(dt.with_timezone(&Utc));
    }
    let before = naive.checked_sub_signed(Duration::days(1))?;
    let offset = tz.offset_from_local_datetime(&before).earliest()?.fix();
    let utc = naive.checked_sub_signed(Duration::seconds(i64::from(offset.local_minus_utc())))?;
    Some(Utc.from_utc_datetime(&utc))
}

// ---------------------------------------------------------------------------------------
// General parser
// ---------------------------------------------------------------------------------------

/// A token of the folded (lower-case, unaccented) input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A run of ASCII digits.
    Num(&'a str),
    /// A run of letters.
    Word(&'a str),
    /// Any other non-space character.
    Sep(char),
}

/// Lower-cases and removes the French accents that appear in month and day names, so
/// `Février`, `fevrier` and `FÉVRIER` all read the same.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'û' | 'ù' | 'ü' | 'Û' | 'Ù' | 'Ü' => 'u',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ç' | 'Ç' => 'c',
            // Non-breaking and other Unicode spaces separate tokens like a space.
            c if c.is_whitespace() => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn tokenize(s: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let digit = c.is_ascii_digit();
        if digit || c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                let same = if digit {
                    d.is_ascii_digit()
                } else {
                    d.is_alphabetic()
                };
                if !same {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let text = s.get(i..end).unwrap_or("");
            toks.push(if digit {
                Tok::Num(text)
            } else {
                Tok::Word(text)
            });
        } else {
            toks.push(Tok::Sep(c));
        }
    }
    toks
}

/// Month number of an English or French month name or abbreviation (folded).
fn month(word: &str) -> Option<u32> {
    Some(match word {
        "january" | "jan" | "janvier" | "janv" => 1,
        "february" | "feb" | "fevrier" | "fevr" | "fev" => 2,
        "march" | "mar" | "mars" => 3,
        "april" | "apr" | "avril" | "avr" => 4,
        "may" | "mai" => 5,
        "june" | "jun" | "juin" => 6,
        "july" | "jul" | "juillet" | "juil" => 7,
        "august" | "aug" | "aout" => 8,
        "september" | "sep" | "sept" | "septembre" => 9,
        "october" | "oct" | "octobre" => 10,
        "november" | "nov" | "novembre" => 11,
        "december" | "dec" | "decembre" => 12,
        _ => return None,
    })
}

/// Weekday names are ignored (feeds get them wrong), but must be recognised.
fn is_weekday(word: &str) -> bool {
    matches!(
        word,
        "monday"
            | "mon"
            | "tuesday"
            | "tue"
            | "tues"
            | "wednesday"
            | "wed"
            | "thursday"
            | "thu"
            | "thur"
            | "thurs"
            | "friday"
            | "fri"
            | "saturday"
            | "sat"
            | "sunday"
            | "sun"
            | "lundi"
            | "lun"
            | "mardi"
            | "mar"
            | "mercredi"
            | "mer"
            | "jeudi"
            | "jeu"
            | "vendredi"
            | "ven"
            | "samedi"
            | "sam"
            | "dimanche"
            | "dim"
    )
}

/// Offset of a zone abbreviation, in minutes east of UTC. Only unambiguous names that
/// news sources actually use (US, UTC/GMT and European zones).
fn zone_minutes(word: &str) -> Option<i32> {
    Some(match word {
        "z" | "utc" | "gmt" | "ut" | "wet" => 0,
        "bst" | "cet" | "west" => 60,
        "cest" | "eet" => 120,
        "eest" => 180,
        "edt" => -4 * 60,
        "est" | "cdt" => -5 * 60,
        "cst" | "mdt" => -6 * 60,
        "mst" | "pdt" => -7 * 60,
        "pst" => -8 * 60,
        _ => return None,
    })
}

/// Cursor over the tokens with the small grammar of dates.
struct P<'a> {
    toks: Vec<Tok<'a>>,
    pos: usize,
}

impl<'a> P<'a> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<Tok<'a>> {
        self.toks.get(self.pos + k).copied()
    }

    fn bump(&mut self) {
        self.pos += 1;
    }

    fn done(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn eat_sep(&mut self, c: char) -> bool {
        if self.peek() == Some(Tok::Sep(c)) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, words: &[&str]) -> bool {
        match self.peek() {
            Some(Tok::Word(w)) if words.contains(&w) => {
                self.bump();
                true
            }
            _ => false,
        }
    }

    /// A number of `min..=max` digits.
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        match self.peek() {
            Some(Tok::Num(n)) if (min..=max).contains(&n.len()) => {
                let v = n.parse().ok()?;
                self.bump();
                Some(v)
            }
            _ => None,
        }
    }

    fn month_name(&mut self) -> Option<u32> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let m = month(w)?;
                self.bump();
                // `janv.`, `Sept.`
                self.eat_sep('.');
                Some(m)
            }
            _ => None,
        }
    }

    /// Day of month with an optional ordinal suffix (`1er`, `12th`).
    fn day(&mut self) -> Option<u32> {
        let d = self.num(1, 2)?;
        self.eat_word(&["er", "st", "nd", "rd", "th"]);
        Some(d)
    }
}

fn parse_general(s: &str, tz: Tz) -> Option<ParsedDate> {
    let folded = fold(s);
    let toks = tokenize(&folded);
    // A leading `mar` is either Tuesday (mardi) or March: try it as a weekday, then not.
    parse_tokens(toks.clone(), true, tz).or_else(|| parse_tokens(toks, false, tz))
}

fn parse_tokens(toks: Vec<Tok<'_>>, skip_weekday: bool, tz: Tz) -> Option<ParsedDate> {
    let mut p = P { toks, pos: 0 };
    // Labels that page templates put before the date.
    if p.eat_word(&["mis"]) && !(p.eat_word(&["a"]) && p.eat_word(&["jour"])) {
        return None;
    }
    p.eat_word(&["publie", "published", "posted", "updated", "modifie"]);
    p.eat_sep(':');
    p.eat_word(&["le", "on", "the"]);
    if skip_weekday {
        if let Some(Tok::Word(w)) = p.peek() {
            if is_weekday(w) {
                p.bump();
                p.eat_sep('.');
                p.eat_sep(',');
            }
        }
        p.eat_word(&["le", "the"]);
    }
    let date = parse_date_part(&mut p)?;
    // Separator between date and time: `T`, `,`, `à`, `at`, `-`, `@`.
    let mark = p.pos;
    p.eat_sep(',');
    let sep_word = p.eat_word(&["t", "a", "at"]);
    if !sep_word {
        p.eat_sep('-');
        p.eat_sep('@');
    }
    let time = parse_time(&mut p);
    if time.is_none() {
        p.pos = mark;
    }
    let offset = parse_zone(&mut p);
    // `+0100 (CET)` as in RFC 2822 comments.
    if p.eat_sep('(') {
        while !p.done() && !p.eat_sep(')') {
            p.bump();
        }
    }
    if !p.done() {
        return None;
    }
    let offset = match offset {
        Some(o) => Some(o?),
        None => None,
    };
    finish(date, time, offset, tz)
}

/// The calendar part: numeric (`2022-01-12`, `12/01/2022`) or with a month name
/// (`12 janvier 2022`, `January 12th, 2022`).
fn parse_date_part(p: &mut P<'_>) -> Option<NaiveDate> {
    let (y, m, d) = match p.peek()? {
        Tok::Num(n) if n.len() == 4 => {
            // YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD
            let y = p.num(4, 4)?;
            let sep = match p.peek()? {
                Tok::Sep(c @ ('-' | '/' | '.')) => c,
                _ => return None,
            };
            p.bump();
            let m = p.num(1, 2)?;
            if !p.eat_sep(sep) {
                return None;
            }
            let d = p.num(1, 2)?;
            (y, m, d)
        }
        Tok::Num(n) if n.len() <= 2 => {
            let d = p.day()?;
            match p.peek()? {
                // DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY (European order)
                Tok::Sep(c @ ('-' | '/' | '.')) if matches!(p.peek_at(1), Some(Tok::Num(_))) => {
                    p.bump();
                    let m = p.num(1, 2)?;
                    if !p.eat_sep(c) {
                        return None;
                    }
                    let y = p.num(4, 4)?;
                    (y, m, d)
                }
                // 12 janvier 2022, 12-Jan-2022, 12th of January, 2022
                _ => {
                    p.eat_sep('-');
                    p.eat_word(&["of"]);
                    let m = p.month_name()?;
                    p.eat_sep('-');
                    p.eat_sep(',');
                    let y = p.num(4, 4)?;
                    (y, m, d)
                }
            }
        }
        Tok::Word(_) => {
            // January 12, 2022
            let m = p.month_name()?;
            let d = p.day()?;
            p.eat_sep(',');
            let y = p.num(4, 4)?;
            (y, m, d)
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// `HH:MM[:SS[.fff]]`, `14h30`, `14h`, with an optional `am`/`pm`.
fn parse_time(p: &mut P<'_>) -> Option<NaiveTime> {
    let start = p.pos;
    let result = (|| {
        let mut h = p.num(1, 2)?;
        let m;
        let mut s = 0;
        let mut nanos = 0;
        if p.eat_sep(':') {
            m = p.num(2, 2)?;
            if p.eat_sep(':') {
                s = p.num(2, 2)?;
                if matches!(p.peek(), Some(Tok::Sep('.' | ','))) {
                    if let Some(Tok::Num(frac)) = p.peek_at(1) {
                        p.bump();
                        p.bump();
                        nanos = fraction_nanos(frac);
                    }
                }
            }
        } else if p.eat_word(&["h"]) {
            // French style; the minutes are optional (`14h`).
            m = p.num(2, 2).unwrap_or(0);
        } else {
            return None;
        }
        if let Some(pm) = meridiem(p) {
            if !(1..=12).contains(&h) {
                return None;
            }
            h = match (h, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
        }
        // A leap second is folded into the previous second.
        NaiveTime::from_hms_nano_opt(h, m, s.min(59), nanos)
    })();
    if result.is_none() {
        p.pos = start;
    }
    result
}

/// `am`/`pm`, also written `a.m.`/`p.m.`: `Some(true)` for the afternoon.
fn meridiem(p: &mut P<'_>) -> Option<bool> {
    match p.peek()? {
        Tok::Word("am") => {
            p.bump();
            Some(false)
        }
        Tok::Word("pm") => {
            p.bump();
            Some(true)
        }
        Tok::Word(w @ ("a" | "p"))
            if p.peek_at(1) == Some(Tok::Sep('.')) && p.peek_at(2) == Some(Tok::Word("m")) =>
        {
            p.pos += 3;
            p.eat_sep('.');
            Some(w == "p")
        }
        _ => None,
    }
}

/// Nanoseconds of a fractional-second digit string (digits beyond 9 are dropped).
fn fraction_nanos(frac: &str) -> u32 {
    let mut nanos = 0u32;
    for (i, b) in frac.bytes().take(9).enumerate() {
        nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
    }
    nanos
}

/// Zone after the time: `Z`, `UTC`, `CET`, `+01:00`, `+0100`, `+01`, `GMT+1`.
/// Returns `None` when there is no zone, `Some(None)` when there is an invalid one.
fn parse_zone(p: &mut P<'_>) -> Option<Option<FixedOffset>> {
    let mut minutes = None;
    if let Some(Tok::Word(w)) = p.peek() {
        if let Some(z) = zone_minutes(w) {
            p.bump();
            minutes = Some(z);
        } else {
            return None;
        }
    }
    let sign = match p.peek() {
        Some(Tok::Sep('+')) => 1,
        Some(Tok::Sep('-' | '\u{2212}')) => -1,
        _ => return minutes.map(|m| FixedOffset::east_opt(m * 60)),
    };
    let Some(Tok::Num(n)) = p.peek_at(1) else {
        return minutes.map(|m| FixedOffset::east_opt(m * 60));
    };
    p.bump();
    p.bump();
    let (h, m): (i32, i32) = match n.len() {
        1 | 2 => {
            let h = n.parse().ok()?;
            let m = if p.eat_sep(':') {
                match p.num(2, 2) {
                    Some(m) => i32::try_from(m).ok()?,
                    None => return Some(None),
                }
            } else {
                0
            };
            (h, m)
        }
        4 => (n.get(0..2)?.parse().ok()?, n.get(2..4)?.parse().ok()?),
        _ => return Some(None),
    };
    if h > 23 || m > 59 {
        return Some(None);
    }
    let total = minutes.unwrap_or(0) + sign * (h * 60 + m);
    Some(FixedOffset::east_opt(total * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;
    use chrono_tz::UTC as TzUtc;

    /// Parses in Europe/Paris and renders the UTC instant for compact assertions.
    fn p(s: &str) -> Option<String> {
        parse_date(s, Paris).map(|d| {
            format!(
                "{}{}",
                d.utc.format("%Y-%m-%dT%H:%M:%S%.fZ"),
                if d.has_time { "" } else { " (day)" }
            )
        })
    }

    fn at(s: &str) -> String {
        p(s).unwrap_or_else(|| format!("no parse for {s:?}"))
    }

    #[test]
    fn rfc2822() {
        assert_eq!(
            at("Sat, 01 Jan 2022 10:15:03 +0100"),
            "2022-01-01T09:15:03Z"
        );
        assert_eq!(at("Sat, 01 Jan 2022 10:15:03 GMT"), "2022-01-01T10:15:03Z");
        assert_eq!(at("Sat, 01 Jan 2022 10:15:03 UT"), "2022-01-01T10:15:03Z");
        assert_eq!(at("Sat, 01 Jan 2022 10:15:03 Z"), "2022-01-01T10:15:03Z");
        assert_eq!(at("Mon, 14 Mar 2022 08:00:00 EST"), "2022-03-14T13:00:00Z");
        assert_eq!(at("Mon, 14 Mar 2022 08:00:00 EDT"), "2022-03-14T12:00:00Z");
        assert_eq!(at("Mon, 14 Mar 2022 08:00:00 CST"), "2022-03-14T14:00:00Z");
        assert_eq!(at("Mon, 14 Mar 2022 08:00:00 MDT"), "2022-03-14T14:00:00Z");
        assert_eq!(at("Mon, 14 Mar 2022 08:00:00 PST"), "2022-03-14T16:00:00Z");
        assert_eq!(at("Mon, 14 Mar 2022 08:00:00 PDT"), "2022-03-14T15:00:00Z");
        assert_eq!(at("Tue, 15 Feb 2022 18:30:00 CET"), "2022-02-15T17:30:00Z");
        assert_eq!(at("Wed, 15 Jun 2022 18:30:00 CEST"), "2022-06-15T16:30:00Z");
        // Missing weekday, single-digit day, no seconds.
        assert_eq!(at("1 Jan 2022 10:15 +0100"), "2022-01-01T09:15:00Z");
        // Wrong weekday (1 Jan 2022 was a Saturday) is tolerated.
        assert_eq!(
            at("Mon, 01 Jan 2022 10:15:03 +0100"),
            "2022-01-01T09:15:03Z"
        );
        // Zone comment.
        assert_eq!(
            at("Sat, 01 Jan 2022 10:15:03 +0100 (CET)"),
            "2022-01-01T09:15:03Z"
        );
    }

    #[test]
    fn rfc3339_and_iso() {
        assert_eq!(at("2022-01-12T10:15:03Z"), "2022-01-12T10:15:03Z");
        assert_eq!(at("2022-01-12 10:15:03Z"), "2022-01-12T10:15:03Z");
        assert_eq!(at("2022-01-12T10:15:03+01:00"), "2022-01-12T09:15:03Z");
        assert_eq!(at("2022-01-12T10:15:03+0100"), "2022-01-12T09:15:03Z");
        assert_eq!(at("2022-01-12T10:15:03-05:00"), "2022-01-12T15:15:03Z");
        assert_eq!(at("2022-01-12T10:15Z"), "2022-01-12T10:15:00Z");
        assert_eq!(at("2022-01-12T10:15:03.250Z"), "2022-01-12T10:15:03.250Z");
        assert_eq!(
            at("2022-01-12T10:15:03.123456789123+00:00"),
            "2022-01-12T10:15:03.123456789Z"
        );
        // No zone: pipeline timezone (Paris, UTC+1 in winter, UTC+2 in summer).
        assert_eq!(at("2022-01-12T10:15:03"), "2022-01-12T09:15:03Z");
        assert_eq!(at("2022-07-12 10:15"), "2022-07-12T08:15:00Z");
        assert_eq!(at("2022-07-12T10:15:03.5"), "2022-07-12T08:15:03.500Z");
        assert_eq!(at("2022-01-12T10:15:03 +01:00"), "2022-01-12T09:15:03Z");
        assert_eq!(at("2022-01-12 10:15:03 UTC"), "2022-01-12T10:15:03Z");
        // A date with a zone but no time (XML Schema style) is midnight at that offset.
        assert_eq!(at("2022-01-12+01:00"), "2022-01-11T23:00:00Z (day)");
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(at("2022-01-12"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("2022/01/12"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("20220112"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("12/01/2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("12.01.2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("12-01-2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("3/7/2022"), "2022-07-02T22:00:00Z (day)");
        assert_eq!(at("12/01/2022 14:30"), "2022-01-12T13:30:00Z");
        assert_eq!(at("12.01.2022 14:30:15"), "2022-01-12T13:30:15Z");
    }

    #[test]
    fn french_long_dates() {
        assert_eq!(at("12 janvier 2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("1er février 2022"), "2022-01-31T23:00:00Z (day)");
        assert_eq!(at("1er fevrier 2022"), "2022-01-31T23:00:00Z (day)");
        assert_eq!(
            at("mercredi 12 janvier 2022 à 14h30"),
            "2022-01-12T13:30:00Z"
        );
        assert_eq!(at("Mercredi 12 Janvier 2022 a 14h"), "2022-01-12T13:00:00Z");
        assert_eq!(at("12 janv. 2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("le 3 mars 2022, 08:15"), "2022-03-03T07:15:00Z");
        assert_eq!(at("15 AOÛT 2022"), "2022-08-14T22:00:00Z (day)");
        assert_eq!(at("15 aout 2022"), "2022-08-14T22:00:00Z (day)");
        assert_eq!(at("24 decembre 2022"), "2022-12-23T23:00:00Z (day)");
        assert_eq!(at("24 DÉCEMBRE 2022"), "2022-12-23T23:00:00Z (day)");
        assert_eq!(at("Publié le 8 mars 2022 à 18h05"), "2022-03-08T17:05:00Z");
        assert_eq!(
            at("Mis à jour le 8 mars 2022 à 18h05"),
            "2022-03-08T17:05:00Z"
        );
        // `mar` as Tuesday and as March.
        assert_eq!(at("mar. 8 mars 2022"), "2022-03-07T23:00:00Z (day)");
        assert_eq!(at("mar 8 2022"), "2022-03-07T23:00:00Z (day)");
        assert_eq!(at("mardi 8 mars 2022 à 18 h 05"), "2022-03-08T17:05:00Z");
        assert_eq!(at("8\u{a0}mars\u{a0}2022"), "2022-03-07T23:00:00Z (day)");
        assert_eq!(at("12/01/2022 à 14h30"), "2022-01-12T13:30:00Z");
        assert_eq!(at("12 janvier 2022 14h30 CET"), "2022-01-12T13:30:00Z");
        assert_eq!(
            at("Mercredi, 12 Janvier 2022 - 09:05"),
            "2022-01-12T08:05:00Z"
        );
    }

    #[test]
    fn english_long_dates() {
        assert_eq!(at("January 12, 2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("12 January 2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("Jan 12, 2022 10:30 AM"), "2022-01-12T09:30:00Z");
        assert_eq!(at("Jan 12, 2022 10:30 PM"), "2022-01-12T21:30:00Z");
        assert_eq!(at("Jan 12, 2022 12:05 am"), "2022-01-11T23:05:00Z");
        assert_eq!(
            at("Wednesday, January 12th, 2022"),
            "2022-01-11T23:00:00Z (day)"
        );
        assert_eq!(at("Sept. 3, 2022"), "2022-09-02T22:00:00Z (day)");
        assert_eq!(at("3rd of March 2022"), "2022-03-02T23:00:00Z (day)");
        assert_eq!(at("12-Jan-2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(
            at("on March 3, 2022 at 4:05 pm EST"),
            "2022-03-03T21:05:00Z"
        );
        assert_eq!(at("March 3, 2022 16:05 GMT+1"), "2022-03-03T15:05:00Z");
        assert_eq!(at("March 3rd, 2022, 4:05 p.m."), "2022-03-03T15:05:00Z");
        assert_eq!(at("Jan. 12, 2022"), "2022-01-11T23:00:00Z (day)");
        assert_eq!(at("January 12 2022"), "2022-01-11T23:00:00Z (day)");
    }

    #[test]
    fn unix_timestamps() {
        assert_eq!(at("1641031200"), "2022-01-01T10:00:00Z");
        assert_eq!(at("1641031200123"), "2022-01-01T10:00:00.123Z");
        assert_eq!(p("9999999999"), None); // year 2286
        assert_eq!(p("164103120"), None); // 9 digits: not a supported form
    }

    #[test]
    fn rejects_impossible_and_out_of_range() {
        for s in [
            "31/02/2022",
            "2022-02-30",
            "2022-13-01",
            "29 février 2022",
            "20221301",
            "1899-12-31",
            "2101-01-01T00:00:00Z",
            "Sat, 01 Jan 1850 10:15:03 +0100",
            "2022-01-12T25:00:00Z",
            "2022-01-12T10:61",
            "Jan 12, 2022 13:30 PM",
            "2022-01-12T10:15:03+25:00",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
        // 2024 was a leap year.
        assert!(p("29 février 2024").is_some());
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "   ",
            "hier",
            "yesterday",
            "n/a",
            "0000-00-00",
            "12 34 5678",
            "2022",
            "January 2022",
            "12 janvier",
            "2022-01-12 banana",
            "12 frobnary 2022",
            "2022-01/12",
            "---",
            "1er",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
        assert_eq!(p(&"2022-01-12 ".repeat(20)), None);
    }

    #[test]
    fn whitespace_is_ignored() {
        assert_eq!(at("  \t2022-01-12T10:15:03Z\n"), "2022-01-12T10:15:03Z");
        assert_eq!(at("\n 12 janvier 2022  "), "2022-01-11T23:00:00Z (day)");
    }

    #[test]
    fn pipeline_timezone_matters_only_without_zone() {
        let utc = parse_date("2022-01-12", TzUtc).map(|d| d.utc.to_rfc3339());
        assert_eq!(utc.as_deref(), Some("2022-01-12T00:00:00+00:00"));
        let ny = parse_date("2022-01-12T10:00:00Z", chrono_tz::America::New_York);
        assert_eq!(
            ny.map(|d| d.utc.to_rfc3339()).as_deref(),
            Some("2022-01-12T10:00:00+00:00")
        );
    }

    #[test]
    fn dst_gap_and_overlap() {
        // 02:30 did not exist in Paris on 2022-03-27: read with the winter offset.
        assert_eq!(at("2022-03-27 02:30"), "2022-03-27T01:30:00Z");
        // 02:30 happened twice on 2022-10-30: the first (summer time) is taken.
        assert_eq!(at("2022-10-30 02:30"), "2022-10-30T00:30:00Z");
    }

    #[test]
    fn local_day_across_midnight() {
        let d = parse_date("2022-01-01T23:30:00Z", Paris).map(|d| d.utc);
        let d = d.map(|utc| local_day(utc, Paris));
        assert_eq!(d, NaiveDate::from_ymd_opt(2022, 1, 2));
        let d = parse_date("2022-01-01T23:30:00Z", TzUtc).map(|d| local_day(d.utc, TzUtc));
        assert_eq!(d, NaiveDate::from_ymd_opt(2022, 1, 1));
        // A day without time stays that day in the pipeline timezone.
        let d = parse_date("12 janvier 2022", Paris).map(|d| local_day(d.utc, Paris));
        assert_eq!(d, NaiveDate::from_ymd_opt(2022, 1, 12));
    }

    /// Small deterministic generator so the fuzz test needs no extra crate.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn fuzz_never_panics() {
        let pieces = [
            "2022",
            "12",
            "1",
            "31",
            "99",
            "0",
            "-",
            "/",
            ".",
            ":",
            ",",
            "+",
            "T",
            "Z",
            " ",
            "janvier",
            "mars",
            "Jan",
            "er",
            "th",
            "h",
            "à",
            "am",
            "pm",
            "CET",
            "GMT",
            "+01:00",
            "(",
            ")",
            "mar",
            "le",
            "\u{a0}",
            "é",
            "9999999999",
            "1641031200123",
            "00000000",
            "+99",
            "-0",
            "é\u{301}",
            "\u{0}",
            "ß",
            "İ",
        ];
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..5000 {
            let n = (rng.next() % 12) as usize;
            let s: String = (0..n)
                .map(|_| pieces[(rng.next() % pieces.len() as u64) as usize])
                .collect();
            let _ = parse_date(&s, Paris);
        }
        for _ in 0..5000 {
            let n = (rng.next() % 40) as usize;
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            let _ = parse_date(&String::from_utf8_lossy(&bytes), Paris);
        }
    }
}
