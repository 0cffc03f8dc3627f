//! Whether a text can go out as an HTTP request header value, by the rule the browser's
//! `fetch` applies (Fetch Standard, "header value", and WebIDL's `ByteString`): leading and
//! trailing spaces, tabs and line breaks are dropped; what is left may hold no line break and
//! no NUL, and no character above U+00FF, since a header value is bytes. The browser does not
//! fail such a request, it throws while building it, so the app checks first: an API key
//! pasted with a zero-width space or an en dash, or a database name in Greek, is told apart
//! before anything is sent.

use std::fmt;

/// Why a value cannot be sent as a header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderValueProblem {
    /// A carriage return or line feed inside the value: a header is one line.
    LineBreak,
    /// U+0000.
    Nul,
    /// A character above U+00FF, at this character position (1-based, of the whole text).
    NotAByte { character: char, position: usize },
}

impl fmt::Display for HeaderValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderValueProblem::LineBreak => write!(f, "it has a line break inside"),
            HeaderValueProblem::Nul => write!(f, "it has a NUL character (U+0000)"),
            HeaderValueProblem::NotAByte {
                character,
                position,
            } => {
                let code = u32::from(*character);
                if is_invisible(*character) {
                    write!(
                        f,
                        "it has an invisible character (U+{code:04X}) at character {position}"
                    )
                } else {
                    write!(
                        f,
                        "it has “{character}” (U+{code:04X}) at character {position}"
                    )
                }
            }
        }
    }
}

/// Characters a person cannot see in a field, which arrive with pasted text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    ) || c.is_whitespace()
}

/// The bytes `fetch` trims from both ends of a header value before checking it.
const HTTP_WHITESPACE: [char; 4] = ['\t', '\n', '\r', ' '];

/// `Ok` when the browser will send `value` as a header value.
pub fn check(value: &str) -> Result<(), HeaderValueProblem> {
    let leading = value.chars().take_while(|c| HTTP_WHITESPACE.contains(c));
    let skipped = leading.count();
    let inner = value.trim_matches(HTTP_WHITESPACE);
    for (index, character) in inner.chars().enumerate() {
        match character {
            '\r' | '\n' => return Err(HeaderValueProblem::LineBreak),
            '\0' => return Err(HeaderValueProblem::Nul),
            c if u32::from(c) > 0xFF => {
                return Err(HeaderValueProblem::NotAByte {
                    character: c,
                    position: skipped + index + 1,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Splits a list of database names into those a request can name and those it cannot.
pub fn split_sendable(names: Vec<String>) -> (Vec<String>, Vec<(String, HeaderValueProblem)>) {
    let mut sendable = Vec::with_capacity(names.len());
    let mut refused = Vec::new();
    for name in names {
        match check(&name) {
            Ok(()) => sendable.push(name),
            Err(problem) => refused.push((name, problem)),
        }
    }
    (sendable, refused)
}

/// The one sentence that says which listed databases are not offered, and why.
pub fn not_offered_note(refused: &[(String, HeaderValueProblem)]) -> Option<String> {
    let reasons: Vec<String> = refused
        .iter()
        .map(|(name, problem)| format!("“{}” ({problem})", name.escape_debug()))
        .collect();
    match reasons.len() {
        0 => None,
        1 => Some(format!(
            "VBA lists a database that is not offered here: its name cannot be sent in a request: {}.",
            reasons[0]
        )),
        n => Some(format!(
            "VBA lists {n} databases that are not offered here: their names cannot be sent in a request: {}.",
            reasons.join("; ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_browser_sends_passes() {
        for value in [
            "demo-api-key",
            "DEMO_LIVE",
            "Bearer a.b.c",
            "  padded\t",
            "\r\nline breaks at the ends are trimmed\n",
            "Zürich ÿ",
            "inner\ttab and\u{7F} DEL",
            "",
        ] {
            assert_eq!(check(value), Ok(()), "{value:?}");
        }
    }

    #[test]
    fn what_the_browser_refuses_is_named() {
        assert_eq!(
            check("key\u{200B}"),
            Err(HeaderValueProblem::NotAByte {
                character: '\u{200B}',
                position: 4
            })
        );
        assert_eq!(
            check(" ab–cd"),
            Err(HeaderValueProblem::NotAByte {
                character: '–',
                position: 4
            })
        );
        assert_eq!(check("abc\ndef"), Err(HeaderValueProblem::LineBreak));
        assert_eq!(check("abc\rdef"), Err(HeaderValueProblem::LineBreak));
        assert_eq!(check("a\0b"), Err(HeaderValueProblem::Nul));
        assert_eq!(
            check("ΔDB"),
            Err(HeaderValueProblem::NotAByte {
                character: 'Δ',
                position: 1
            })
        );
        assert_eq!(
            check("\u{100}").unwrap_err().to_string(),
            "it has “Ā” (U+0100) at character 1"
        );
        assert_eq!(
            check("k\u{FEFF}").unwrap_err().to_string(),
            "it has an invisible character (U+FEFF) at character 2"
        );
    }

    #[test]
    fn databases_that_cannot_be_named_are_left_out_with_one_note() {
        let listed = vec![
            "DEMO_LIVE".into(),
            "ΔELTA".into(),
            "Café".into(),
            "A\u{2014}B".into(),
        ];
        let (sendable, refused) = split_sendable(listed);
        assert_eq!(sendable, ["DEMO_LIVE", "Café"]);
        assert_eq!(refused.len(), 2);
        assert_eq!(
            not_offered_note(&refused).unwrap(),
            "VBA lists 2 databases that are not offered here: their names cannot be sent in a \
             request: “ΔELTA” (it has “Δ” (U+0394) at character 1); “A—B” (it has “—” \
             (U+2014) at character 2)."
        );
        assert_eq!(not_offered_note(&[]), None);
    }
}
