//! Which text encoding a file is in, among those Excel writes, and its text.
//!
//! Excel's "CSV UTF-8" writes UTF-8 with a byte-order mark, "Unicode Text" UTF-16 with one,
//! and plain "CSV (Comma delimited)" the computer's ANSI code page: Windows-1252 in Western
//! locales (Mac Roman from older Excel for Mac). Bytes that are valid UTF-8 are read as UTF-8;
//! anything else as Windows-1252, said plainly, with the others to pick from. A file that is
//! not text at all (a picture, a workbook, NUL bytes) is refused before it is read.
//!
//! The single-byte tables are written here (128 characters each) rather than taken from
//! `encoding_rs`, whose run-time choice of encoding links every encoding's tables into the
//! wasm; the tests hold them to `encoding_rs` for every byte.

use std::fmt;

/// An encoding a CSV file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
    MacRoman,
}

impl Encoding {
    /// The encodings a user may pick in the import preview, in the order offered.
    pub const CHOICES: [Encoding; 5] = [
        Encoding::Utf8,
        Encoding::Windows1252,
        Encoding::MacRoman,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
    ];

    /// The name a person recognises, as the preview says it.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16 (little-endian)",
            Encoding::Utf16Be => "UTF-16 (big-endian)",
            Encoding::Windows1252 => "Windows-1252 (Western)",
            Encoding::MacRoman => "Mac Roman (older Excel for Mac)",
        }
    }

    /// A short, stable name, for a `<select>`'s values.
    pub fn id(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
            Encoding::MacRoman => "macintosh",
        }
    }

    pub fn from_id(id: &str) -> Option<Encoding> {
        Encoding::CHOICES.into_iter().find(|e| e.id() == id)
    }
}

/// Why a file is not read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotText {
    /// What the file looks like instead, in words ("a PNG image").
    pub looks_like: &'static str,
}

impl fmt::Display for NotText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "is not a CSV or text file: it looks like {}. Save it from Excel as \
             \"CSV UTF-8 (Comma delimited)\" and import that file.",
            self.looks_like
        )
    }
}

/// Known binary signatures at the start of a file, with what they are.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (
        b"PK\x03\x04",
        "a ZIP archive, such as an Excel workbook (.xlsx)",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an older Excel workbook (.xls)",
    ),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
];

/// How far into a file to look for NUL bytes: text has none, binary data soon has one.
const SNIFF_LEN: usize = 8192;

/// The encoding the bytes are in: a byte-order mark says so; otherwise UTF-8 when they are
/// valid UTF-8, else Windows-1252. A known binary signature, or a NUL byte in a file without
/// a UTF-16 byte-order mark, means the file is not text.
pub fn detect(bytes: &[u8]) -> Result<Encoding, NotText> {
    let has_nul = bytes[..bytes.len().min(SNIFF_LEN)].contains(&0);
    // "MZ" and "GIF89a" are letters a text file may begin with too ("MZ001,1.00"): taken
    // as signatures only with the NUL bytes those formats hold within their first bytes.
    let text_like = |sig: &[u8]| sig.iter().all(u8::is_ascii_alphanumeric);
    let signature = SIGNATURES
        .iter()
        .find(|(sig, _)| bytes.starts_with(sig) && (has_nul || !text_like(sig)));
    if let Some((_, looks_like)) = signature {
        return Err(NotText { looks_like });
    }
    if let Some(encoding) = bom(bytes) {
        return Ok(encoding);
    }
    if has_nul {
        return Err(NotText {
            looks_like: "binary data (it holds NUL bytes)",
        });
    }
    Ok(if std::str::from_utf8(bytes).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    })
}

fn bom(bytes: &[u8]) -> Option<Encoding> {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        Some(Encoding::Utf8)
    } else if bytes.starts_with(b"\xff\xfe") {
        Some(Encoding::Utf16Le)
    } else if bytes.starts_with(b"\xfe\xff") {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// The text of `bytes` in `encoding`, without a byte-order mark. What cannot be read becomes
/// U+FFFD, which the cell checks refuse (`validate`): it is never sent.
pub fn decode(bytes: &[u8], encoding: Encoding) -> String {
    let bytes = match (bom(bytes), encoding) {
        (Some(Encoding::Utf8), Encoding::Utf8) => &bytes[3..],
        (Some(Encoding::Utf16Le), Encoding::Utf16Le)
        | (Some(Encoding::Utf16Be), Encoding::Utf16Be) => &bytes[2..],
        _ => bytes,
    };
    match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Utf16Le => utf16(bytes, u16::from_le_bytes),
        Encoding::Utf16Be => utf16(bytes, u16::from_be_bytes),
        Encoding::Windows1252 => single_byte(bytes, &WINDOWS_1252_HIGH),
        Encoding::MacRoman => single_byte(bytes, &MAC_ROMAN_HIGH),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let pairs = bytes.chunks_exact(2);
    let odd = !pairs.remainder().is_empty();
    let last = pairs.clone().next_back().map(|p| unit([p[0], p[1]]));
    let mut text: String = char::decode_utf16(pairs.map(|p| unit([p[0], p[1]])))
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    // A lone byte at the end is one error, with a lead surrogate just before it (as the
    // Encoding Standard's decoder reports the end of a stream once).
    let lead_before = last.is_some_and(|u| (0xD800..=0xDBFF).contains(&u));
    if odd && !lead_before {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

fn single_byte(bytes: &[u8], high: &[char; 128]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0..=0x7f => char::from(b),
            _ => high[usize::from(b - 0x80)],
        })
        .collect()
}

/// Windows-1252's bytes 0x80 to 0xFF as the WHATWG Encoding Standard maps them: 0xA0 and up
/// are Latin-1; 0x80–0x9F are the typographic characters Windows put there (the five it left
/// undefined map to the C1 control of the same number, which the cell checks refuse).
const WINDOWS_1252_HIGH: [char; 128] = {
    const C1: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    let mut table = ['\0'; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = if i < 32 {
            C1[i]
        } else {
            // Latin-1: the byte is the code point.
            match char::from_u32(0x80 + i as u32) {
                Some(c) => c,
                None => '\u{fffd}',
            }
        };
        i += 1;
    }
    table
};

/// Mac Roman's bytes 0x80 to 0xFF (WHATWG's "macintosh").
const MAC_ROMAN_HIGH: [char; 128] = [
    'Ä', 'Å', 'Ç', 'É', 'Ñ', 'Ö', 'Ü', 'á', 'à', 'â', 'ä', 'ã', 'å', 'ç', 'é', 'è', //
    'ê', 'ë', 'í', 'ì', 'î', 'ï', 'ñ', 'ó', 'ò', 'ô', 'ö', 'õ', 'ú', 'ù', 'û', 'ü', //
    '†', '°', '¢', '£', '§', '•', '¶', 'ß', '®', '©', '™', '´', '¨', '≠', 'Æ', 'Ø', //
    '∞', '±', '≤', '≥', '¥', 'µ', '∂', '∑', '∏', 'π', '∫', 'ª', 'º', 'Ω', 'æ', 'ø', //
    '¿', '¡', '¬', '√', 'ƒ', '≈', '∆', '«', '»', '…', '\u{a0}', 'À', 'Ã', 'Õ', 'Œ', 'œ', //
    '–', '—', '“', '”', '‘', '’', '÷', '◊', 'ÿ', 'Ÿ', '⁄', '€', '‹', '›', 'ﬁ', 'ﬂ', //
    '‡', '·', '‚', '„', '‰', 'Â', 'Ê', 'Á', 'Ë', 'È', 'Í', 'Î', 'Ï', 'Ì', 'Ó', 'Ô', //
    '\u{f8ff}', 'Ò', 'Ú', 'Û', 'Ù', 'ı', 'ˆ', '˜', '¯', '˘', '˙', '˚', '¸', '˝', '˛', 'ˇ', //
];

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "encoding_tests.rs"]
mod tests;
