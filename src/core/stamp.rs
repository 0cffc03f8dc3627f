//! A date-time the server set (`entry_Date`, `update_Date`), kept exactly as the server wrote
//! it. The form VBAPI writes, `2024-01-15T09:30:00Z`, is held as its 14 digits in one number:
//! 8 bytes in the row, where its 20-byte text would take an allocation of its own, two per
//! row (about 5 MB at 100,000 rows in wasm). Any other form is kept as its text. Either way
//! it reads, compares and is sent back as the text that came.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::columns::CellText;

#[derive(Clone, PartialEq, Eq)]
pub struct Stamp(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// The digits of `YYYY-MM-DDTHH:MM:SSZ`, read as one decimal number, in two halves: a
    /// `u64` would align the record to 8 bytes and make the enum 16; as two `u32`s it fits
    /// beside the text's spare bit patterns, and a stamp takes 12 bytes, as a text does.
    Digits([u32; 2]),
    Text(CellText),
}

/// Where the separators of `YYYY-MM-DDTHH:MM:SSZ` are; every other byte is a digit.
const SHAPE: &[u8; 20] = b"0000-00-00T00:00:00Z";

impl Stamp {
    pub fn new(text: &str) -> Self {
        Stamp(match digits_of(text) {
            Some(digits) => Repr::Digits([(digits >> 32) as u32, digits as u32]),
            None => Repr::Text(text.into()),
        })
    }

    /// The text as the server wrote it.
    pub fn as_text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Digits([high, low]) => {
                Cow::Owned(written(u64::from(*high) << 32 | u64::from(*low)))
            }
            Repr::Text(text) => Cow::Borrowed(text),
        }
    }
}

/// The digits of a text in the exact form `YYYY-MM-DDTHH:MM:SSZ` (any digits: only the shape
/// is read, so every such text comes back byte for byte).
fn digits_of(text: &str) -> Option<u64> {
    let bytes: &[u8; 20] = text.as_bytes().try_into().ok()?;
    let mut digits = 0u64;
    for (&byte, &shape) in bytes.iter().zip(SHAPE) {
        if shape == b'0' {
            if !byte.is_ascii_digit() {
                return None;
            }
            digits = digits * 10 + u64::from(byte - b'0');
        } else if byte != shape {
            return None;
        }
    }
    Some(digits)
}

fn written(mut digits: u64) -> String {
    let mut bytes = *SHAPE;
    for byte in bytes.iter_mut().rev().filter(|b| **b == b'0') {
        *byte = b'0' + (digits % 10) as u8;
        digits /= 10;
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

impl From<&str> for Stamp {
    fn from(text: &str) -> Self {
        Stamp::new(text)
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_text())
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.as_text(), f)
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_text())
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Stamp::new(&text))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_servers_form_is_held_as_digits_and_written_back_as_it_came() {
        let stamp = Stamp::new("2024-01-15T09:30:00Z");
        assert!(matches!(stamp.0, Repr::Digits(_)));
        assert_eq!(
            std::mem::size_of::<Option<Stamp>>(),
            std::mem::size_of::<CellText>()
        );
        assert_eq!(stamp.as_text(), "2024-01-15T09:30:00Z");
        // Only the shape is read: digits that make no date still come back as they were.
        assert_eq!(
            Stamp::new("0000-99-99T99:99:99Z").as_text(),
            "0000-99-99T99:99:99Z"
        );
    }

    #[test]
    fn any_other_form_is_kept_as_its_text() {
        for text in [
            "2024-01-15T09:30:00",
            "2024-01-15T09:30:00.123Z",
            "2024-01-15T09:30:00+01:00",
            "2024-01-15 09:30:00Z",
            "2024-01-15T09:30:0xZ",
            "２024-01-15T09:30:00Z",
            "",
        ] {
            let stamp = Stamp::new(text);
            assert!(matches!(stamp.0, Repr::Text(_)), "{text}");
            assert_eq!(stamp.as_text(), text);
        }
    }

    #[test]
    fn it_reads_and_writes_json_as_the_string_it_is() {
        let stamp: Stamp = serde_json::from_str(r#""2024-06-01T12:00:00Z""#).unwrap();
        assert_eq!(
            serde_json::to_string(&stamp).unwrap(),
            r#""2024-06-01T12:00:00Z""#
        );
        let escaped: Stamp = serde_json::from_str(r#""2024-06-01\u0054""#).unwrap();
        assert_eq!(escaped.as_text(), "2024-06-01T");
    }

    proptest! {
        #[test]
        fn every_text_comes_back_byte_for_byte(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z|[0-9TZ:.+ -]{0,24}|.{0,24}"
        ) {
            let stamp = Stamp::new(&text);
            prop_assert_eq!(stamp.as_text(), text.as_str());
            prop_assert_eq!(stamp.clone(), Stamp::new(&stamp.as_text()));
        }

        #[test]
        fn two_stamps_are_equal_exactly_when_their_texts_are(a in "[0-9]{4}-0[0-9]-[0-9]{2}T00:00:0[0-9]Z|x", b in "[0-9]{4}-0[0-9]-[0-9]{2}T00:00:0[0-9]Z|x") {
            prop_assert_eq!(Stamp::new(&a) == Stamp::new(&b), a == b);
        }
    }
}
