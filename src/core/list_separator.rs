//! The list separator an exported CSV is written with, as Excel decides it: where a locale's
//! decimal separator is the comma (German, French, Dutch…), lists are separated with
//! semicolons and numbers are written with a decimal comma ("12,50"); elsewhere commas and a
//! decimal point. Excel in a semicolon locale reads "12.50" as text or a date, so in that
//! mode the amount column is written with a decimal comma, and the import of a
//! semicolon-separated file reads the amount column's decimal comma back.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListSeparator {
    #[default]
    Comma,
    Semicolon,
}

impl ListSeparator {
    /// The convention of a locale, from how it formats one and a half ("1.5", "1,5", "1٫5"):
    /// a decimal comma means semicolons.
    pub fn from_formatted_one_and_a_half(text: &str) -> Self {
        let decimal = text
            .trim_matches(|c: char| c.is_numeric() || c.is_whitespace())
            .chars()
            .next();
        if decimal == Some(',') {
            ListSeparator::Semicolon
        } else {
            ListSeparator::Comma
        }
    }

    pub fn char(self) -> char {
        match self {
            ListSeparator::Comma => ',',
            ListSeparator::Semicolon => ';',
        }
    }

    /// Where a reader of the other convention splits a line of this file.
    pub fn other(self) -> char {
        match self {
            ListSeparator::Comma => ';',
            ListSeparator::Semicolon => ',',
        }
    }

    /// The separator a file read with `delimiter` was written with (tab files: as comma).
    pub fn of_delimiter(delimiter: u8) -> Self {
        if delimiter == b';' {
            ListSeparator::Semicolon
        } else {
            ListSeparator::Comma
        }
    }

    /// An amount as this convention writes numbers: a plain decimal ("-12.50") gets a
    /// decimal comma in semicolon mode; any other text (thousands commas, a currency sign,
    /// something that is not a number) is written as typed.
    pub fn amount_out(self, text: &str) -> Cow<'_, str> {
        match self {
            ListSeparator::Semicolon if is_plain_decimal(text, '.') => {
                text.replacen('.', ",", 1).into()
            }
            _ => text.into(),
        }
    }

    /// The reverse of [`ListSeparator::amount_out`]: in a semicolon file, an amount written
    /// with a decimal comma ("12,50") reads as "12.50".
    pub fn amount_in(self, text: &str) -> Cow<'_, str> {
        match self {
            ListSeparator::Semicolon if is_plain_decimal(text, ',') => {
                text.replacen(',', ".", 1).into()
            }
            _ => text.into(),
        }
    }
}

/// Digits, with one `point` between digits, after an optional sign: "12.50", "-3.5".
fn is_plain_decimal(text: &str, point: char) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let Some((int, frac)) = body.split_once(point) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decimal_separator_decides() {
        use ListSeparator::*;
        for (formatted, expected) in [
            ("1.5", Comma),
            ("1,5", Semicolon),
            ("1٫5", Comma),
            ("١٫٥", Comma),
            ("", Comma),
            ("15", Comma),
        ] {
            assert_eq!(
                ListSeparator::from_formatted_one_and_a_half(formatted),
                expected,
                "{formatted}"
            );
        }
    }

    #[test]
    fn amounts_get_a_decimal_comma_only_in_semicolon_mode_and_read_back() {
        use ListSeparator::*;
        assert_eq!(Comma.amount_out("12.50"), "12.50");
        assert_eq!(Semicolon.amount_out("12.50"), "12,50");
        assert_eq!(Semicolon.amount_out("-3.5"), "-3,5");
        for as_typed in ["12", "1,234.50", "$12.50", "abc", "1.2.3", ".5", "", "12."] {
            assert_eq!(Semicolon.amount_out(as_typed), as_typed);
        }
        assert_eq!(Semicolon.amount_in("12,50"), "12.50");
        assert_eq!(Comma.amount_in("12,50"), "12,50");
        assert_eq!(Semicolon.amount_in("1,234.50"), "1,234.50");
        for text in ["12.50", "-3.5", "7", "+0.25"] {
            assert_eq!(Semicolon.amount_in(&Semicolon.amount_out(text)), text);
        }
    }
}
