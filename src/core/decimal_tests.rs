//! `to_f64` against `str::parse`, the reference it replaces.

use proptest::prelude::*;

use super::*;

/// `digits` with the point moved `exponent` places, as text `str::parse` reads.
fn reference(digits: &str, exponent: i64) -> f64 {
    format!("{digits}e{exponent}").parse().unwrap()
}

fn check(digits: &str, exponent: i64) {
    let got = to_f64(digits.as_bytes(), exponent);
    let want = reference(digits, exponent);
    assert_eq!(
        got.to_bits(),
        want.to_bits(),
        "{digits}e{exponent}: got {got:e}, want {want:e}"
    );
}

/// A decimal digit string times a small factor, by hand, so the test's exact values do not
/// come from the code under test.
fn times(digits: &str, factor: u32) -> String {
    let mut out = Vec::new();
    let mut carry = 0;
    for d in digits.bytes().rev() {
        let n = u32::from(d - b'0') * factor + carry;
        out.push(b'0' + (n % 10) as u8);
        carry = n / 10;
    }
    while carry > 0 {
        out.push(b'0' + (carry % 10) as u8);
        carry /= 10;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// The exact decimal of the point halfway between `value` and the next double up, as digits
/// and a power of ten: (2m + 1) × 2^(e - 1) for `value` = m × 2^e.
fn halfway(value: f64) -> (String, i64) {
    let bits = value.to_bits();
    let field = (bits >> 52) as i64;
    let (mantissa, exponent) = if field == 0 {
        (bits & ((1 << 52) - 1), -1074)
    } else {
        (bits & ((1 << 52) - 1) | 1 << 52, field - 1075)
    };
    let mut digits = (2 * mantissa + 1).to_string();
    let power = exponent - 1;
    if power >= 0 {
        for _ in 0..power {
            digits = times(&digits, 2);
        }
        (digits, 0)
    } else {
        // 2^-n = 5^n / 10^n.
        for _ in 0..-power {
            digits = times(&digits, 5);
        }
        (digits, power)
    }
}

/// A hair above or below `digits`: one more digit, read with the power of ten one lower.
fn nudged(digits: &str, up: bool) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    if up {
        bytes.push(b'1');
        return String::from_utf8(bytes).unwrap();
    }
    // digits - 1, then a 9: (digits - 1) × 10 + 9 = digits × 10 - 1.
    for byte in bytes.iter_mut().rev() {
        if *byte == b'0' {
            *byte = b'9';
        } else {
            *byte -= 1;
            break;
        }
    }
    bytes.push(b'9');
    String::from_utf8(bytes).unwrap()
}

#[test]
fn everyday_and_edge_values() {
    for (digits, exponent) in [
        ("0", 0),
        ("000", 5),
        ("125", -1),
        ("123456", -2),
        ("1", 0),
        ("17976931348623157", 292),     // the largest double
        ("17976931348623159", 292),     // rounds to infinity
        ("179769313486231580793", 287), // just below the halfway point to infinity
        ("22250738585072014", -324),    // the smallest normal
        ("22250738585072011", -324),    // the largest subnormal, nearly
        ("49406564584124654", -340),    // the smallest subnormal
        ("24703282292062327", -340),    // just under half of it: zero
        ("24703282292062328", -340),    // just over half of it: the smallest subnormal
        ("1", 309),
        ("1", -324),
        ("1", -400),
        ("9007199254740993", 0), // 2^53 + 1: a tie, to even
        ("9007199254740995", 0), // 2^53 + 3: a tie, to even (up)
        ("123456789012345678901234567890", -10),
        ("1000000000000000000000000", -25),
        ("3", -1),
        ("7", -400),
        ("1", 23),
        ("123456789012345", 22),
        ("123456789012345", -22),
    ] {
        check(digits, exponent);
    }
}

#[test]
fn digits_beyond_what_is_kept_still_round_right() {
    // Halfway points, then a non-zero digit past MAX_DIGITS: just above the tie, so up.
    // The smallest subnormal's halfway point has 752 significant digits, the longest kind.
    for value in [1.0, f64::from_bits(1), f64::from_bits((1 << 52) - 1)] {
        let (digits, exponent) = halfway(value);
        let tail = MAX_DIGITS + 10 - digits.len();
        check(
            &format!("{digits}{}1", "0".repeat(tail)),
            exponent - tail as i64 - 1,
        );
        // Zeros past the cut are not digits that count: still the tie, to even.
        check(
            &format!("{digits}{}", "0".repeat(tail)),
            exponent - tail as i64,
        );
    }
}

#[test]
fn halfway_points_of_subnormals_and_extremes() {
    for value in [
        f64::from_bits(1),
        f64::from_bits(2),
        f64::from_bits((1 << 52) - 1),
        f64::MIN_POSITIVE,
        1.0,
        0.1,
        1e300,
        f64::MAX / 2.0,
    ] {
        let (digits, exponent) = halfway(value);
        check(&digits, exponent);
        check(&nudged(&digits, true), exponent - 1);
        check(&nudged(&digits, false), exponent - 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(2000) })]

    #[test]
    fn random_digits_read_as_str_parse_reads_them(
        digits in "[0-9]{1,40}",
        exponent in -400i64..400,
    ) {
        check(&digits, exponent);
    }

    #[test]
    fn shortest_texts_read_back(bits in 1u64..0x7fef_ffff_ffff_ffff) {
        let text = format!("{:e}", f64::from_bits(bits));
        let (mantissa, exponent) = text.split_once('e').unwrap();
        let fraction = mantissa.find('.').map_or(0, |dot| mantissa.len() - dot - 1);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let power = exponent.parse::<i64>().unwrap() - fraction as i64;
        prop_assert_eq!(to_f64(digits.as_bytes(), power).to_bits(), bits);
    }
}

proptest! {
    // Fewer cases: a subnormal's halfway point has some 750 digits.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(300) })]

    #[test]
    fn halfway_points_and_their_neighbours(bits in 1u64..0x7fef_ffff_ffff_ffff) {
        let (digits, exponent) = halfway(f64::from_bits(bits));
        check(&digits, exponent);
        check(&nudged(&digits, true), exponent - 1);
        check(&nudged(&digits, false), exponent - 1);
    }
}
