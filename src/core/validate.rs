//! Reading a cell as a person means it, and saying plainly what is wrong when it cannot be.
//!
//! Numbers are read the way they arrive from Excel in an en-US workbook: surrounding spaces,
//! commas between thousands, a leading currency sign. What could mean two things ("1,5",
//! "1.234,56") is refused with the reason rather than guessed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::columns::{CellText, Field};
use crate::core::decimal;

/// The contract's limit for group IDs, payment methods and user names.
pub const MAX_TEXT_CHARS: usize = 20;

/// What is wrong with one cell. [`Problem`] adds the column, for the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProblemKind {
    Required,
    /// Not readable as a number at all.
    NotANumber,
    /// A key with decimals.
    NotWholeNumber,
    /// A key beyond what the API stores (int32).
    OutOfRange,
    /// An amount so large it is not a finite number.
    TooLarge,
    /// One comma not followed by three digits, as in "1,5": a decimal comma?
    DecimalComma,
    /// A point before a comma, as in "1.234,56": the European way round.
    EuropeanFormat,
    /// Commas not every three digits, as in "12,34.5".
    MisplacedComma,
    TooLong {
        chars: usize,
    },
    NotADate,
    /// Another row has the same key; both rows are flagged.
    DuplicateKey(i32),
    /// A character nobody sees, or one that changes how the text around it is shown (a
    /// zero-width space, a direction control, a line break): the cell looks right and is not.
    /// `at` counts characters from 1, in the trimmed text.
    Hidden {
        code: u32,
        at: u32,
    },
    /// An amount whose digits are not all zero that would arrive as 0.
    TooSmall,
    /// An amount with more significant digits than a number keeps: it would not arrive as
    /// typed (`12345678901234567890` would be `12345678901234567000`).
    TooPrecise,
}

/// A problem in a named column, as shown next to the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn new(field: Field, kind: ProblemKind) -> Self {
        Problem { field, kind }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let title = self.field.title();
        let example = if self.field == Field::Key {
            "a whole number, like 17"
        } else {
            "a number, like 12.50"
        };
        match &self.kind {
            ProblemKind::Required => write!(f, "{title} is required."),
            ProblemKind::NotANumber => write!(f, "{title} must be {example}."),
            ProblemKind::NotWholeNumber => {
                write!(
                    f,
                    "{title} must be a whole number, like 17, without decimals."
                )
            }
            ProblemKind::OutOfRange => write!(
                f,
                "{title} must be between -2,147,483,648 and 2,147,483,647."
            ),
            ProblemKind::TooLarge => write!(f, "{title} is too large."),
            ProblemKind::DecimalComma => write!(
                f,
                "{title} is unclear: is the comma a decimal comma? Use a point for decimals, \
                 like 1.5, and commas only between thousands, like 1,234.50."
            ),
            ProblemKind::EuropeanFormat => write!(
                f,
                "{title} is written the European way (a point before a comma). Use a point \
                 for decimals and commas only between thousands, like 1,234.56."
            ),
            ProblemKind::MisplacedComma => write!(
                f,
                "{title} has a comma in an odd place. Commas may only separate thousands, \
                 like 1,234.56."
            ),
            ProblemKind::TooLong { chars } => write!(
                f,
                "{title} can be at most {MAX_TEXT_CHARS} characters; this one has {chars}."
            ),
            ProblemKind::NotADate => write!(
                f,
                "{title} must be a date and time like 2024-08-24T14:15:22Z."
            ),
            ProblemKind::DuplicateKey(key) => write!(
                f,
                "{title} {key} is used by more than one row; each key must be unique."
            ),
            ProblemKind::Hidden { code, at } => {
                let what = match char::from_u32(*code).and_then(hidden_kind) {
                    Some(HiddenKind::LineBreak) => "a line break",
                    Some(HiddenKind::Direction) => "a text-direction control",
                    Some(HiddenKind::Unreadable) => {
                        "a character the file's encoding could not read"
                    }
                    _ => "an invisible character",
                };
                write!(
                    f,
                    "{title} contains {what} (U+{code:04X}) as character {at}; \
                     remove it or type the text again."
                )
            }
            ProblemKind::TooSmall => {
                write!(f, "{title} is too small to send: it would arrive as 0.")
            }
            ProblemKind::TooPrecise => write!(
                f,
                "{title} has more significant digits than a number keeps (15, as in Excel), \
                 so it would not arrive as typed; round it."
            ),
        }
    }
}

/// Reads a tolerance key: a whole number within int32. "1,234" and "17.00" are accepted
/// (Excel shows formatted numbers that way); a currency sign is not.
pub fn parse_key(text: &str) -> Result<i32, ProblemKind> {
    let value = read_number(text, false)?;
    if value.fract() != 0.0 {
        return Err(ProblemKind::NotWholeNumber);
    }
    if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&value) {
        return Err(ProblemKind::OutOfRange);
    }
    // In range and whole, so the conversion is exact.
    Ok(value as i32)
}

/// Reads a tolerance amount: a finite number, with an optional leading currency sign.
///
/// What `str::parse::<f64>` reads, it reads to the same double (`core::fuzz` checks),
/// except what would be infinite (refused as too large) and `inf`/`NaN` spellings (refused);
/// and it also reads what a spreadsheet shows: spaces around the number and after its sign,
/// a currency sign before or after the sign, commas between thousands.
pub fn parse_amount(text: &str) -> Result<f64, ProblemKind> {
    read_number(text, true)
}

/// Optional short text: trimmed; blank means absent (`null` on the wire).
pub fn parse_short_text(text: &str) -> Result<Option<CellText>, ProblemKind> {
    check_short_text(text)?;
    let trimmed = text.trim();
    Ok((!trimmed.is_empty()).then(|| trimmed.into()))
}

pub fn check_short_text(text: &str) -> Result<(), ProblemKind> {
    let trimmed = text.trim();
    check_visible(trimmed)?;
    let chars = trimmed.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(ProblemKind::TooLong { chars });
    }
    Ok(())
}

/// Optional ISO 8601 date-time, kept as the text the server understands.
pub fn parse_date_time(text: &str) -> Result<Option<CellText>, ProblemKind> {
    check_date_time(text)?;
    let trimmed = text.trim();
    Ok((!trimmed.is_empty()).then(|| trimmed.into()))
}

pub fn check_date_time(text: &str) -> Result<(), ProblemKind> {
    let trimmed = text.trim();
    if trimmed.is_empty() || is_iso8601(trimmed) {
        Ok(())
    } else {
        Err(ProblemKind::NotADate)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HiddenKind {
    LineBreak,
    Direction,
    Invisible,
    /// U+FFFD: a byte the file's encoding could not read (`core::encoding`).
    Unreadable,
}

/// What kind of hidden character `c` is, if it is one: control characters (C0 and C1, tabs
/// and line breaks among them), zero-width characters and joiners, the byte-order mark, the
/// soft hyphen, and the bidirectional marks, embeddings, overrides and isolates that make
/// "\u{202E}gnp.exe" show as "exe.png".
fn hidden_kind(c: char) -> Option<HiddenKind> {
    match c {
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
            Some(HiddenKind::LineBreak)
        }
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some(HiddenKind::Direction),
        '\u{00AD}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}' => Some(HiddenKind::Invisible),
        '\u{FFFD}' => Some(HiddenKind::Unreadable),
        c if c.is_control() => Some(HiddenKind::Invisible),
        _ => None,
    }
}

/// Refuses text holding a character its reader cannot see (see [`hidden_kind`]).
fn check_visible(text: &str) -> Result<(), ProblemKind> {
    // Printable ASCII, what nearly every cell holds, has no hidden character (the tests
    // check each ASCII character): a pass over the bytes, not a decoding of characters,
    // which was a sixth of a 100,000-row paste.
    if text.bytes().all(is_printable_ascii) {
        return Ok(());
    }
    match text
        .chars()
        .zip(1u32..)
        .find(|(c, _)| hidden_kind(*c).is_some())
    {
        Some((c, at)) => Err(ProblemKind::Hidden {
            code: u32::from(c),
            at,
        }),
        None => Ok(()),
    }
}

fn is_printable_ascii(byte: u8) -> bool {
    (b' '..=b'~').contains(&byte)
}

const CURRENCY_SIGNS: &[char] = &['$', '€', '£', '¥', '₹', '₩', '₪', '₱', '₽', '¢'];

/// The shared number reader. Linear in the text, allocates only when commas must go.
fn read_number(text: &str, allow_currency: bool) -> Result<f64, ProblemKind> {
    // What nearly every cell holds, "1042" or "$12.50", read without the trimming, checks
    // and signs it has no use for: the value [`read_any_number`] gives (the tests compare).
    let plain = match text.strip_prefix('$') {
        Some(rest) if allow_currency => rest,
        _ => text,
    };
    if plain.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && let Some(value) = short_decimal(plain)
    {
        return Ok(value);
    }
    read_any_number(text, allow_currency)
}

fn read_any_number(text: &str, allow_currency: bool) -> Result<f64, ProblemKind> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(ProblemKind::Required);
    }
    check_visible(rest)?;
    let mut negative = false;
    if let Some(r) = rest.strip_prefix(['-', '+']) {
        negative = rest.starts_with('-');
        rest = r.trim_start();
    }
    if allow_currency && let Some(r) = rest.strip_prefix(CURRENCY_SIGNS) {
        rest = r.trim_start();
        // "$-12.50" as well as "-$12.50".
        if rest.starts_with(['-', '+']) {
            if negative || text.trim().starts_with('+') {
                return Err(ProblemKind::NotANumber);
            }
            negative = rest.starts_with('-');
            rest = &rest[1..];
        }
    }
    // By bytes: 'e' and 'E' are never part of another character's UTF-8.
    let (mantissa, exponent) = match rest.bytes().position(|b| b == b'e' || b == b'E') {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProblemKind::NotANumber);
        }
    }
    let value = match exponent
        .is_none()
        .then(|| short_decimal(mantissa))
        .flatten()
    {
        Some(value) => value,
        None => read_long_number(mantissa, exponent, allow_currency)?,
    };
    if !value.is_finite() {
        return Err(ProblemKind::TooLarge);
    }
    Ok(if negative { -value } else { value })
}

/// A mantissa [`short_decimal`] does not read: commas, many digits, an exponent. An amount
/// (`exact`) must arrive as typed: not 0 for digits that are not all zero, and no more
/// significant digits than the number written back has.
fn read_long_number(
    mantissa: &str,
    exponent: Option<&str>,
    exact: bool,
) -> Result<f64, ProblemKind> {
    let value = read_long_value(mantissa, exponent)?;
    if exact && value.is_finite() {
        let typed = significant_digits(mantissa.bytes());
        if typed > 0 && value == 0.0 {
            return Err(ProblemKind::TooSmall);
        }
        let mut buffer = zmij::Buffer::new();
        let written = buffer.format_finite(value);
        let mantissa_written = written.split(['e', 'E']).next().unwrap_or(written);
        // The typed digits read back as the value; they arrive as typed when no shorter
        // text does (where two texts of that length are equally near, either may be shown).
        if typed > significant_digits(mantissa_written.bytes()) {
            return Err(ProblemKind::TooPrecise);
        }
    }
    Ok(value)
}

/// How many digits a number's text has from its first to its last non-zero digit
/// ("00120.50" → 4, "1205"): what must survive the trip through a double. Counted, not
/// collected: a 100,000-row paste of formatted amounts comes through here.
fn significant_digits(text: impl Iterator<Item = u8>) -> usize {
    let (mut seen, mut last_non_zero) = (0, 0);
    for digit in text.filter(u8::is_ascii_digit).skip_while(|&d| d == b'0') {
        seen += 1;
        if digit != b'0' {
            last_non_zero = seen;
        }
    }
    last_non_zero
}

fn read_long_value(mantissa: &str, exponent: Option<&str>) -> Result<f64, ProblemKind> {
    check_mantissa(mantissa)?;
    let fraction = mantissa.find('.').map_or(0, |dot| mantissa.len() - dot - 1);
    let power = exponent
        .map_or(0, read_exponent)
        .saturating_sub(fraction as i64);
    // A stack buffer spares an allocation per cell on a 100,000-row paste of formatted
    // numbers; `check_mantissa` left only digits, commas and one point.
    let mut buffer = [0u8; 64];
    let mut len = 0;
    let digits = mantissa.bytes().filter(u8::is_ascii_digit);
    if mantissa.len() <= buffer.len() {
        for digit in digits {
            buffer[len] = digit;
            len += 1;
        }
        Ok(decimal::to_f64(&buffer[..len], power))
    } else {
        Ok(decimal::to_f64(&digits.collect::<Vec<u8>>(), power))
    }
}

/// An exponent's digits with an optional sign, checked by the caller. Beyond an `i64` it
/// stays at the largest one: still infinity or zero, whatever the mantissa's length.
fn read_exponent(text: &str) -> i64 {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let value = digits.bytes().fold(0i64, |n, d| {
        n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    if text.starts_with('-') { -value } else { value }
}

/// Digits with at most one point ("12", "5.25", ".5"), 15 digits at most: read exactly as
/// `str::parse` reads them, without its general algorithm. The digits make an integer
/// below 2^53 and the point a power of ten up to 10^15, both exact in an `f64`, so one
/// correctly rounded division gives the correctly rounded value. `None` for anything else.
fn short_decimal(mantissa: &str) -> Option<f64> {
    let mut digits = 0usize;
    let mut value = 0u64;
    let mut point = None;
    for (i, b) in mantissa.bytes().enumerate() {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                value = value * 10 + u64::from(b - b'0');
            }
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
        if digits > 15 {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    let decimals = point.map_or(0, |at| mantissa.len() - at - 1);
    Some(value as f64 / decimal::EXACT_POWERS_OF_TEN[decimals])
}

/// Digits with at most one decimal point and commas between thousands only.
fn check_mantissa(mantissa: &str) -> Result<(), ProblemKind> {
    let bytes = mantissa.as_bytes();
    if !bytes.iter().any(u8::is_ascii_digit)
        || !bytes
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b',' || *b == b'.')
    {
        return Err(ProblemKind::NotANumber);
    }
    let dots = bytes.iter().filter(|&&b| b == b'.').count();
    let commas = bytes.iter().filter(|&&b| b == b',').count();
    let first_dot = mantissa.find('.');
    let last_comma = mantissa.rfind(',');
    if dots > 1 {
        // "1.234.567" is European thousands; anything else with two points is nonsense.
        let european = commas == 0 && mantissa.split('.').skip(1).all(|g| g.len() == 3);
        let european_decimal = last_comma.is_some_and(|c| Some(c) > mantissa.rfind('.'));
        return Err(if european || european_decimal {
            ProblemKind::EuropeanFormat
        } else {
            ProblemKind::NotANumber
        });
    }
    if commas == 0 {
        return Ok(());
    }
    if let (Some(dot), Some(comma)) = (first_dot, last_comma)
        && comma > dot
    {
        return Err(ProblemKind::EuropeanFormat);
    }
    let integer = &mantissa[..first_dot.unwrap_or(mantissa.len())];
    let mut groups = integer.split(',');
    let lead = groups.next().unwrap_or("");
    let grouped = (1..=3).contains(&lead.len()) && groups.all(|g| g.len() == 3);
    if grouped {
        Ok(())
    } else if commas == 1 && first_dot.is_none() {
        Err(ProblemKind::DecimalComma)
    } else {
        Err(ProblemKind::MisplacedComma)
    }
}

/// `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]` and `Z` or `±HH:MM`.
pub fn is_iso8601(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day)) = (digits(0, 4), digits(5, 2), digits(8, 2)) else {
        return false;
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    if !matches!(b[10], b'T' | b't') {
        return false;
    }
    let (Some(hour), Some(minute)) = (digits(11, 2), digits(14, 2)) else {
        return false;
    };
    if b.get(13) != Some(&b':') || hour > 23 || minute > 59 {
        return false;
    }
    let mut at = 16;
    if b.get(at) == Some(&b':') {
        match digits(at + 1, 2) {
            Some(second) if second <= 60 => at += 3,
            _ => return false,
        }
        if b.get(at) == Some(&b'.') {
            let fraction = b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if fraction == 0 {
                return false;
            }
            at += 1 + fraction;
        }
    }
    match &b[at..] {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] => {
            let (Some(h), Some(m)) = (digits(at + 1, 2), digits(at + 4, 2)) else {
                return false;
            };
            b.len() == at + 6 && b[at + 3] == b':' && h <= 23 && m <= 59
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
