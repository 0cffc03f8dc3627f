//! `core::lenient` (an envelope's `error` and `debug`, read in one pass) and
//! `core::multistatus_read` (a 207 read straight into items) against reading the same text
//! into a `serde_json::Value` tree first: envelopes and bare lists, members in any order and
//! repeated, every field in every type, keys and statuses as numbers, strings and floats,
//! escapes (surrogate pairs, lone surrogates, `\u0000`), huge numbers, deep nesting, BOMs,
//! truncated and broken texts.

use super::{Rng, Verdict, run};
use crate::core::envelope::{BodyError, parse_envelope, parse_error};
use crate::core::multistatus::{self, parse_batch_answer};

#[test]
fn lenient_reads_error_and_debug_as_the_tree_does() {
    run("lenient", |rng| {
        let text = body(rng);
        let fast = parse_error(&text).map(|e| (e.error, e.activity_id));
        let tree = parse_envelope(&text).map(|e| (e.error, e.activity_id));
        verdict(&text, fast, tree)
    });
}

#[test]
fn multistatus_reads_items_as_the_tree_does() {
    run("multistatus_read", |rng| {
        let text = body(rng);
        verdict(
            &text,
            parse_batch_answer(&text),
            multistatus::tests::reference_parse(&text),
        )
    });
}

/// The tree's errors that only a value read into the tree meets: what `lenient` documents
/// as checked for syntax only in the values it skips.
const SKIPPED_VALUE_ERRORS: [&str; 5] = [
    "recursion limit exceeded",
    "number out of range",
    "lone leading surrogate",
    "unexpected end of hex escape",
    "invalid unicode code point",
];

fn verdict<T: PartialEq + std::fmt::Debug>(
    text: &str,
    fast: Result<T, BodyError>,
    tree: Result<T, BodyError>,
) -> Verdict {
    match (&fast, &tree) {
        (Ok(a), Ok(b)) if a == b => Verdict::Agree,
        (Err(_), Err(_)) => Verdict::Agree,
        (Ok(_), Err(err)) if SKIPPED_VALUE_ERRORS.iter().any(|e| err.reason.contains(e)) => {
            Verdict::Documented("a skipped value is checked for JSON syntax only")
        }
        _ => Verdict::Disagree(format!("{text:?}\n  fast {fast:?}\n  tree {tree:?}")),
    }
}

const SPACES: [&str; 6] = ["", "", "", " ", "\n", "\r\n\t"];

fn space(rng: &mut Rng) -> &'static str {
    SPACES[rng.below(SPACES.len())]
}

fn string(rng: &mut Rng) -> String {
    const PIECES: [&str; 24] = [
        "a",
        "x y",
        "é",
        "😀",
        "\\\"",
        "\\\\",
        "\\/",
        "\\b\\f",
        "\\n",
        "\\r\\t",
        "\\u00e9",
        "\\u0000",
        "\\ud83d\\ude00",
        "\\ud800",
        "\\uDFFF",
        "\\u00",
        " ",
        "tolerance_Key",
        "TOLERANCE_KEY",
        " tolerance_key ",
        " 17 ",
        "201",
        "-5",
        "\u{1}",
    ];
    let count = rng.below(4);
    let inner: String = (0..count).map(|_| *rng.pick(&PIECES)).collect();
    format!("\"{inner}\"")
}

fn number(rng: &mut Rng) -> String {
    let n = rng.next();
    match rng.below(12) {
        0 => "0".into(),
        1 => "-0".into(),
        2 => ((n % 600) as i64 - 50).to_string(),
        3 => (n as i64).to_string(),
        4 => n.to_string(),
        5 => "18446744073709551616".into(),
        6 => format!("{}.0", n % 600),
        7 => format!("{}.5", n % 100),
        8 => format!("{}e{}", n % 10, n % 5),
        9 => rng
            .pick(&[
                "1e400",
                "-1e400",
                "1e-400",
                "2147483647",
                "2147483648",
                "-2147483649",
            ])
            .to_string(),
        10 => rng
            .pick(&[
                "200", "201", "207", "400", "500", "65535", "65536", "70000", "-1",
            ])
            .to_string(),
        _ => format!("{}E+{}", n % 1000, n % 3),
    }
}

fn name(rng: &mut Rng) -> String {
    const NAMES: [&str; 16] = [
        "data",
        "error",
        "debug",
        "activityID",
        "activityId",
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "id",
        "key",
        "value",
        "body",
        "other",
        "Data",
    ];
    if rng.one_in(20) {
        string(rng)
    } else {
        format!("\"{}\"", rng.pick(&NAMES))
    }
}

/// Any JSON value, nesting at most `depth` more levels (and now and then far deeper).
fn value(rng: &mut Rng, depth: usize) -> String {
    if rng.one_in(400) {
        let levels = 100 + rng.below(100);
        let (open, close) = if rng.one_in(2) {
            ("[", "]")
        } else {
            ("{\"a\":", "}")
        };
        return format!(
            "{}{}{}",
            open.repeat(levels),
            number(rng),
            close.repeat(levels)
        );
    }
    let kinds = if depth == 0 { 4 } else { 6 };
    match rng.below(kinds) {
        0 => rng.pick(&["null", "true", "false"]).to_string(),
        1 => number(rng),
        2 | 3 => string(rng),
        4 => {
            let items: Vec<String> = (0..rng.below(4)).map(|_| value(rng, depth - 1)).collect();
            format!("[{}]", items.join(","))
        }
        _ => object(rng, depth - 1, |rng, depth| (name(rng), value(rng, depth))),
    }
}

/// An object whose members `member` makes, some of them repeated.
fn object(
    rng: &mut Rng,
    depth: usize,
    mut member: impl FnMut(&mut Rng, usize) -> (String, String),
) -> String {
    let mut members: Vec<String> = Vec::new();
    for _ in 0..rng.below(6) {
        let (name, value) = member(rng, depth);
        members.push(format!(
            "{}{name}{}:{}{value}",
            space(rng),
            space(rng),
            space(rng)
        ));
        if rng.one_in(6) {
            let again = members[rng.below(members.len())].clone();
            members.push(again);
        }
    }
    format!("{{{}{}}}", members.join(","), space(rng))
}

fn problem(rng: &mut Rng) -> String {
    if rng.one_in(4) {
        return value(rng, 2);
    }
    object(rng, 2, |rng, depth| {
        let name = format!(
            "\"{}\"",
            rng.pick(&[
                "type", "title", "status", "detail", "instance", "errors", "Title"
            ])
        );
        (name, value(rng, depth))
    })
}

fn debug(rng: &mut Rng) -> String {
    if rng.one_in(4) {
        return value(rng, 2);
    }
    object(rng, 2, |rng, depth| {
        let name = format!(
            "\"{}\"",
            rng.pick(&["activityID", "activityId", "activityid", "trace"])
        );
        (name, value(rng, depth))
    })
}

fn id_part(rng: &mut Rng) -> String {
    if rng.one_in(8) {
        return value(rng, 1);
    }
    object(rng, 1, |rng, depth| match rng.below(3) {
        0 => {
            let key = *rng.pick(&[
                "\"tolerance_Key\"",
                "\"TOLERANCE_KEY\"",
                "\" tolerance_key \"",
                "\"Tolerance_Key\"",
                "\"other\"",
                "null",
                "17",
                "\"\"",
            ]);
            ("\"key\"".into(), key.to_string())
        }
        1 => (
            "\"value\"".into(),
            if rng.one_in(3) {
                value(rng, depth)
            } else {
                number(rng)
            },
        ),
        _ => (name(rng), value(rng, depth)),
    })
}

fn item(rng: &mut Rng) -> String {
    if rng.one_in(10) {
        return value(rng, 2);
    }
    object(rng, 2, |rng, depth| match rng.below(4) {
        0 => {
            let parts: Vec<String> = (0..rng.below(4)).map(|_| id_part(rng)).collect();
            let ids = if rng.one_in(10) {
                value(rng, depth)
            } else {
                format!("[{}]", parts.join(","))
            };
            ("\"id\"".into(), ids)
        }
        1 => (
            "\"status\"".into(),
            if rng.one_in(3) {
                value(rng, depth)
            } else {
                number(rng)
            },
        ),
        2 => ("\"body\"".into(), value(rng, depth)),
        _ => (name(rng), value(rng, depth)),
    })
}

fn items(rng: &mut Rng) -> String {
    let items: Vec<String> = (0..rng.below(6)).map(|_| item(rng)).collect();
    format!(
        "[{}{}]",
        items.join(&format!(",{}", space(rng))),
        space(rng)
    )
}

/// A whole answer's body: an envelope, a bare list, or anything, now and then broken.
fn body(rng: &mut Rng) -> String {
    let mut text = match rng.below(8) {
        0 => items(rng),
        1 => value(rng, 3),
        _ => object(rng, 3, |rng, depth| match rng.below(5) {
            0 => (
                "\"data\"".into(),
                if rng.one_in(4) {
                    value(rng, depth)
                } else {
                    items(rng)
                },
            ),
            1 => ("\"error\"".into(), problem(rng)),
            2 => ("\"debug\"".into(), debug(rng)),
            3 => ("\"data\"".into(), "null".into()),
            _ => (name(rng), value(rng, depth)),
        }),
    };
    if rng.one_in(8) {
        text.insert(0, '\u{feff}');
    }
    if rng.one_in(10) {
        // Broken: cut short, or one stray character.
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let at = *rng.pick(&boundaries);
        if rng.one_in(2) {
            text.truncate(at);
        } else {
            text.insert(
                at,
                *rng.pick(&[',', ']', '}', '"', ':', 'x', '\\', '\u{0}']),
            );
        }
    }
    if rng.one_in(10) {
        let tail = *rng.pick(&[" ", "\n", " x", "{}", "\u{feff}"]);
        text.push_str(tail);
    }
    text
}
