use super::*;

#[test]
fn amounts_read_as_excel_shows_them() {
    for (text, want) in [
        ("12.50", 12.5),
        ("  12.5 ", 12.5),
        ("\u{a0}7\u{a0}", 7.0),
        ("$1,234.56", 1234.56),
        ("€ 3", 3.0),
        ("-$4.25", -4.25),
        ("$-4.25", -4.25),
        ("+0.5", 0.5),
        (".5", 0.5),
        ("1,234,567", 1_234_567.0),
        ("1,000", 1000.0),
        ("1.5E+03", 1500.0),
        ("0", 0.0),
    ] {
        assert_eq!(parse_amount(text), Ok(want), "{text:?}");
    }
}

#[test]
fn ambiguous_and_wrong_amounts_are_refused_with_the_reason() {
    for (text, want) in [
        ("", ProblemKind::Required),
        ("   ", ProblemKind::Required),
        ("1,5", ProblemKind::DecimalComma),
        ("12,50", ProblemKind::DecimalComma),
        ("1.234,56", ProblemKind::EuropeanFormat),
        ("1.234.567", ProblemKind::EuropeanFormat),
        ("12,34.5", ProblemKind::MisplacedComma),
        ("1,2,3", ProblemKind::MisplacedComma),
        ("abc", ProblemKind::NotANumber),
        ("NaN", ProblemKind::NotANumber),
        ("inf", ProblemKind::NotANumber),
        ("1.2.3", ProblemKind::NotANumber),
        ("--1", ProblemKind::NotANumber),
        ("-$-1", ProblemKind::NotANumber),
        ("12 50", ProblemKind::NotANumber),
        ("1e999", ProblemKind::TooLarge),
        ("e5", ProblemKind::NotANumber),
        ("5e", ProblemKind::NotANumber),
    ] {
        assert_eq!(parse_amount(text), Err(want), "{text:?}");
    }
}

#[test]
fn keys_are_whole_numbers_within_int32() {
    assert_eq!(parse_key("17"), Ok(17));
    assert_eq!(parse_key(" 1,234 "), Ok(1234));
    assert_eq!(parse_key("17.00"), Ok(17));
    assert_eq!(parse_key("2147483647"), Ok(i32::MAX));
    assert_eq!(parse_key("-2147483648"), Ok(i32::MIN));
    assert_eq!(parse_key("2147483648"), Err(ProblemKind::OutOfRange));
    assert_eq!(parse_key("17.5"), Err(ProblemKind::NotWholeNumber));
    assert_eq!(parse_key("$17"), Err(ProblemKind::NotANumber));
    assert_eq!(parse_key(""), Err(ProblemKind::Required));
}

#[test]
fn short_text_is_trimmed_blank_is_null_and_length_counts_characters() {
    assert_eq!(parse_short_text(" ACH "), Ok(Some("ACH".into())));
    assert_eq!(parse_short_text(""), Ok(None));
    assert_eq!(
        parse_short_text(&"é".repeat(20)),
        Ok(Some("é".repeat(20).into()))
    );
    assert_eq!(
        parse_short_text("GROUP-ID-THAT-IS-WAY-TOO-LONG"),
        Err(ProblemKind::TooLong { chars: 29 })
    );
}

#[test]
fn dates_follow_iso_8601() {
    for good in [
        "2019-08-24T14:15:22Z",
        "2024-02-29",
        "2024-01-15T09:30:00",
        "2024-01-15T09:30",
        "2024-01-15T09:30:00.1234567+02:00",
        "2024-01-15T09:30:00-05:30",
    ] {
        assert!(is_iso8601(good), "{good}");
    }
    for bad in [
        "2023-02-29",
        "2024-13-01",
        "2024-1-5",
        "24/08/2019",
        "2019-08-24 14:15:22",
        "2019-08-24T25:00:00Z",
        "2019-08-24T14:15:22.Z",
        "2019-08-24T14:15:22+0200",
        "2019-08-24T14:15:22ZZ",
        "",
    ] {
        assert!(!is_iso8601(bad), "{bad}");
    }
    assert_eq!(check_date_time(" "), Ok(()));
    assert_eq!(check_date_time("yesterday"), Err(ProblemKind::NotADate));
}

#[test]
fn messages_speak_to_a_business_user() {
    let msg = |field, kind| Problem::new(field, kind).to_string();
    assert_eq!(
        msg(Field::Amount, ProblemKind::NotANumber),
        "Tolerance amount must be a number, like 12.50."
    );
    assert_eq!(
        msg(Field::Key, ProblemKind::NotANumber),
        "Tolerance key must be a whole number, like 17."
    );
    assert_eq!(
        msg(Field::Key, ProblemKind::Required),
        "Tolerance key is required."
    );
    assert_eq!(
        msg(Field::GroupId, ProblemKind::TooLong { chars: 29 }),
        "Group ID can be at most 20 characters; this one has 29."
    );
    assert!(msg(Field::Amount, ProblemKind::DecimalComma).contains("like 1.5"));
    assert!(msg(Field::Key, ProblemKind::DuplicateKey(4)).contains("Tolerance key 4"));
}

#[test]
fn long_and_extreme_amounts_read_as_str_parse_reads_them() {
    let long = format!("{}.{}", "9".repeat(40), "1".repeat(40));
    let comma_and_exponent = ("1,234.5e2", 123_450.0);
    for (text, want) in [
        comma_and_exponent,
        ("1,234,567.89012345", 1_234_567.890_123_45),
        ("12345678901234567000", 12_345_678_901_234_567_000.0),
        ("0.30000000000000004", 0.300_000_000_000_000_04),
        ("1e-300", 1e-300),
        ("5.", 5.0),
        ("0e5", 0.0),
        ("0.000e-400", 0.0),
    ] {
        assert_eq!(parse_amount(text), Ok(want), "{text:?}");
    }
    // Not as typed: refused, never rounded to something else.
    let megabyte_of_zeros = format!("0.{}1", "0".repeat(1 << 20));
    for text in [
        "1e-400",
        "1e-99999999999999999999999",
        megabyte_of_zeros.as_str(),
    ] {
        assert_eq!(
            parse_amount(text),
            Err(ProblemKind::TooSmall),
            "{:.20}",
            text
        );
    }
    for text in [
        "12345678901234567890",
        "1,234,567.890123456789",
        long.as_str(),
    ] {
        assert_eq!(parse_amount(text), Err(ProblemKind::TooPrecise), "{text:?}");
    }
    assert!(parse_amount("-0e5").unwrap().is_sign_negative());
    assert_eq!(
        parse_amount("1e99999999999999999999999"),
        Err(ProblemKind::TooLarge)
    );
    // An exponent that would fit only after the mantissa's digits are counted: still too
    // large, not read as a small number.
    let tiny_mantissa = format!("0.{}1e{}", "0".repeat(70), i64::MAX);
    assert_eq!(parse_amount(&tiny_mantissa), Err(ProblemKind::TooLarge));
}

#[cfg(not(target_arch = "wasm32"))]
mod against_str_parse {
    use proptest::prelude::*;

    use super::*;

    /// Digits grouped by thousands with commas, as Excel shows them.
    fn grouped(whole: &str) -> String {
        let digits = whole.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        let mut out = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(d);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(2000) })]

        /// The short way `read_number` takes for plain digits gives what the whole reader
        /// gives, for any text near it (signs, spaces, currency, dots, long digit runs).
        #[test]
        fn the_plain_number_path_reads_as_the_whole_reader(
            text in "[$€+ -]{0,2}[0-9.]{0,20}[ e5,$]{0,2}",
            allow_currency: bool,
        ) {
            prop_assert_eq!(read_number(&text, allow_currency), read_any_number(&text, allow_currency));
        }

        /// Formatted amounts read as the same text without its commas reads with `str::parse`,
        /// or are refused where that value is not what was typed.
        #[test]
        fn formatted_amounts(
            whole in "[0-9]{1,25}",
            fraction in proptest::option::of("[0-9]{0,25}"),
            exponent in proptest::option::of(-330i32..330),
            commas: bool,
        ) {
            let mut text = if commas { grouped(&whole) } else { whole.clone() };
            let mut plain = whole.clone();
            if let Some(fraction) = &fraction {
                text.push('.');
                text.push_str(fraction);
                plain.push('.');
                plain.push_str(fraction);
            }
            if let Some(exponent) = exponent {
                text.push_str(&format!("e{exponent}"));
                plain.push_str(&format!("e{exponent}"));
            }
            let want: f64 = plain.parse().unwrap();
            let got = parse_amount(&text);
            // The typed digits, and those of the shortest text that reads back as `want`
            // (core's own `{:e}`, an oracle independent of the app's writer).
            let significant = |digits: &str| {
                let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
                digits.trim_start_matches('0').trim_end_matches('0').to_string()
            };
            let typed = significant(plain.split('e').next().unwrap());
            let shortest = format!("{want:e}");
            if !want.is_finite() {
                prop_assert_eq!(got, Err(ProblemKind::TooLarge), "{}", text);
            } else if want == 0.0 && !typed.is_empty() {
                prop_assert_eq!(got, Err(ProblemKind::TooSmall), "{}", text);
            } else if typed.len() > significant(shortest.split('e').next().unwrap()).len() {
                prop_assert_eq!(got, Err(ProblemKind::TooPrecise), "{}", text);
            } else {
                prop_assert_eq!(got.map(f64::to_bits), Ok(want.to_bits()), "{}", text);
            }
        }
    }
}

#[test]
fn hidden_characters_are_problems_where_people_cannot_see_them() {
    let msg = |field, kind| Problem::new(field, kind).to_string();
    for (text, code, at) in [
        ("GRP\u{200B}001", 0x200B, 4),
        ("\u{202E}gnp.exe", 0x202E, 1),
        ("GRP\n001", 0x0A, 4),
        ("\u{FEFF}ACH", 0xFEFF, 1),
        ("AC\u{00AD}H", 0xAD, 3),
        ("A\u{2066}B", 0x2066, 2),
    ] {
        assert_eq!(
            parse_short_text(text),
            Err(ProblemKind::Hidden { code, at }),
            "{text:?}"
        );
    }
    // Spaces and line ends around the text are trimmed, not refused.
    assert_eq!(parse_short_text("  GRP001\r\n"), Ok(Some("GRP001".into())));
    assert_eq!(
        parse_key("1\u{200B}7"),
        Err(ProblemKind::Hidden {
            code: 0x200B,
            at: 2
        })
    );
    assert_eq!(
        msg(
            Field::GroupId,
            ProblemKind::Hidden {
                code: 0x200B,
                at: 4
            }
        ),
        "Group ID contains an invisible character (U+200B) as character 4; remove it or type the text again."
    );
    assert!(
        msg(
            Field::GroupId,
            ProblemKind::Hidden {
                code: 0x202E,
                at: 1
            }
        )
        .contains("a text-direction control")
    );
    assert!(
        msg(Field::GroupId, ProblemKind::Hidden { code: 0x0A, at: 4 })
            .contains("a line break (U+000A)")
    );
    assert_eq!(
        msg(Field::Amount, ProblemKind::TooSmall),
        "Tolerance amount is too small to send: it would arrive as 0."
    );
}

#[test]
fn printable_ascii_is_exactly_the_ascii_no_hidden_character_is_in() {
    // check_visible's fast path: what it lets through without decoding must be what the
    // character check lets through, for every ASCII character.
    for byte in 0u8..128 {
        let c = char::from(byte);
        assert_eq!(
            is_printable_ascii(byte),
            hidden_kind(c).is_none(),
            "{c:?} (U+{byte:04X})"
        );
        assert_eq!(
            check_visible(&format!("a{c}b")).is_ok(),
            hidden_kind(c).is_none(),
            "{c:?}"
        );
    }
}
