//! `core::decimal` (through `validate::parse_amount`, which reads cells with it, and
//! directly) against `str::parse::<f64>`: short and long mantissas, exponents huge and tiny,
//! the exact halfway points between neighbouring doubles and texts just above and below
//! them, the 800-digit cut, subnormals, printed doubles, and broken numbers.

use super::{Rng, Verdict, run};
use crate::core::decimal::to_f64;
use crate::core::validate::{ProblemKind, parse_amount};

#[test]
fn decimal_reads_as_str_parse_reads() {
    run("decimal", |rng| {
        let text = number_text(rng);
        let documented = match compare_amount(&text) {
            Err(different) => return Verdict::Disagree(different),
            Ok(documented) => documented,
        };
        let (digits, exponent) = digits_and_exponent(rng);
        let ours = to_f64(digits.as_bytes(), exponent);
        let expected: f64 = format!("{digits}e{exponent}").parse().unwrap_or(f64::NAN);
        if ours.to_bits() != expected.to_bits() {
            return Verdict::Disagree(format!(
                "to_f64({digits:?}, {exponent}) = {ours:e}, str::parse {expected:e}"
            ));
        }
        // A plain number as a spreadsheet shows money: the deviation `parse_amount` documents.
        if rng.one_in(8) {
            let plain = short_digits(rng, 1, 15);
            let sign = *rng.pick(&["$", "€", "-$", "$-", "+", ""]);
            let shown = format!(" {sign}{} ", grouped(&plain));
            let expected: f64 = plain.parse().unwrap_or(f64::NAN);
            let expected = if shown.contains('-') {
                -expected
            } else {
                expected
            };
            return match parse_amount(&shown) {
                Ok(value) if value.to_bits() == expected.to_bits() => {
                    Verdict::Documented("thousands commas, currency signs and spaces read")
                }
                other => Verdict::Disagree(format!("{shown:?}: {other:?}, meant {expected:e}")),
            };
        }
        documented.map_or(Verdict::Agree, Verdict::Documented)
    });
}

/// `Ok(None)` when `parse_amount` and `str::parse` agree on `text`, `Ok(Some(why))` where
/// `parse_amount` refuses by a rule it documents, `Err` otherwise.
fn compare_amount(text: &str) -> Result<Option<&'static str>, String> {
    let ours = parse_amount(text);
    let expected = text.parse::<f64>();
    // The digits typed, and those of the shortest text that reads back as the value.
    let significant = |text: &str| -> String {
        let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        digits
            .trim_start_matches('0')
            .trim_end_matches('0')
            .to_string()
    };
    let verdict = match (&ours, &expected) {
        (Ok(a), Ok(b)) => (a.to_bits() == b.to_bits()).then_some(None),
        // `parse_amount` refuses what would be infinite; `str::parse` gives infinity.
        (Err(ProblemKind::TooLarge), Ok(b)) => b.is_infinite().then_some(None),
        // An amount must arrive as typed: not 0 for digits that are not all zero …
        (Err(ProblemKind::TooSmall), Ok(b)) => (*b == 0.0 && !significant(text).is_empty())
            .then_some(Some("amounts that would arrive as 0 refused")),
        // … and with no more significant digits than the number written back has.
        (Err(ProblemKind::TooPrecise), Ok(b)) => (significant(text).len()
            > significant(&format!("{b:e}")).len())
        .then_some(Some("amounts with more digits than a double keeps refused")),
        (Err(_), Err(_)) => Some(None),
        _ => None,
    };
    verdict.ok_or_else(|| format!("{text:?}: parse_amount {ours:?}, str::parse {expected:?}"))
}

/// `at_least` digits and up to `more` - 1 more.
fn short_digits(rng: &mut Rng, at_least: usize, more: usize) -> String {
    let count = at_least + rng.below(more);
    (0..count)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// `1234567` as `1,234,567`.
fn grouped(digits: &str) -> String {
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn with_point(rng: &mut Rng, digits: &str) -> String {
    let at = rng.below(digits.len() + 1);
    format!("{}.{}", &digits[..at], &digits[at..])
}

fn exponent_text(rng: &mut Rng) -> String {
    let magnitude: u64 = match rng.below(6) {
        0 => rng.below(30) as u64,
        1 => 280 + rng.below(50) as u64,
        2 => 300 + rng.below(30) as u64,
        3 => rng.below(1_000) as u64,
        4 => rng.next() >> rng.below(64),
        _ => u64::MAX - rng.below(3) as u64,
    };
    let sign = *rng.pick(&["", "+", "-", "-", "-"]);
    let zeros = "0".repeat(if rng.one_in(8) { rng.below(5) } else { 0 });
    format!("{}{sign}{zeros}{magnitude}", rng.pick(&["e", "E"]))
}

fn number_text(rng: &mut Rng) -> String {
    let sign = *rng.pick(&["", "", "-", "+"]);
    let body = match rng.below(9) {
        0 => {
            let digits = short_digits(rng, 1, 15);
            if rng.one_in(2) {
                with_point(rng, &digits)
            } else {
                digits
            }
        }
        1 => {
            let digits = short_digits(rng, 16, 30);
            with_point(rng, &digits)
        }
        2 | 3 => {
            let digits = short_digits(rng, 1, 25);
            let mantissa = if rng.one_in(2) {
                with_point(rng, &digits)
            } else {
                digits
            };
            format!("{mantissa}{}", exponent_text(rng))
        }
        4 | 5 => halfway_text(rng),
        6 => printed_double(rng),
        7 if rng.one_in(4) => {
            // Around the 800 digits kept exactly.
            let digits = short_digits(rng, 780, 40);
            let mantissa = with_point(rng, &digits);
            format!("{mantissa}e-{}", rng.below(400))
        }
        _ => {
            let zeros = "0".repeat(rng.below(400));
            let digits = short_digits(rng, 1, 20);
            if rng.one_in(2) {
                format!("0.{zeros}{digits}")
            } else {
                format!("{zeros}{digits}")
            }
        }
    };
    let mut text = format!("{sign}{body}");
    if rng.one_in(10) {
        // Broken: one stray piece anywhere.
        let junk = *rng.pick(&[
            "x", "e", "E", "-", "+", ".", "..", "_", "٣", "\u{0}", "1e", "e+",
        ]);
        let at = rng.below(text.len() + 1);
        text.insert_str(at, junk);
    }
    text
}

/// A finite double printed by `Display` or `LowerExp` at some precision.
fn printed_double(rng: &mut Rng) -> String {
    let value = loop {
        let value = f64::from_bits(rng.next()).abs();
        if value.is_finite() {
            break value;
        }
    };
    match rng.below(3) {
        0 => format!("{value}"),
        1 => format!("{value:e}"),
        _ => format!("{value:.*e}", rng.below(25)),
    }
}

fn digits_and_exponent(rng: &mut Rng) -> (String, i64) {
    let more = if rng.one_in(20) { 900 } else { 40 };
    let digits = short_digits(rng, 1, more);
    let exponent = match rng.below(4) {
        0 => rng.below(700) as i64 - 350,
        1 => rng.below(40) as i64 - 20,
        2 => rng.next() as i64 >> rng.below(64),
        _ => *rng.pick(&[i64::MIN, i64::MIN + 1, i64::MAX, -400, 400, -324, 308, 309]),
    };
    (digits, exponent)
}

/// The exact decimal of the point halfway between a double and the next one up, often
/// nudged just above or below it, in one of several spellings.
fn halfway_text(rng: &mut Rng) -> String {
    let low = loop {
        let value = f64::from_bits(rng.next() >> 1);
        if value.is_finite() && value.next_up().is_finite() {
            break value;
        }
    };
    let bits = low.to_bits();
    let (mantissa, power) = match (bits >> 52) as i64 {
        0 => (bits & ((1 << 52) - 1), -1074),
        e => ((bits & ((1 << 52) - 1)) | (1 << 52), e - 1075),
    };
    // The midpoint is (2 mantissa + 1) × 2^(power - 1).
    let odd = 2 * mantissa + 1;
    // The value is `digits` × 10^`exponent`.
    let (mut digits, mut exponent) = if power >= 1 {
        (Decimal::of(odd).times_pow2(power as u32 - 1).digits(), 0)
    } else {
        let places = (1 - power) as u32;
        (
            Decimal::of(odd).times_pow5(places).digits(),
            -i64::from(places),
        )
    };
    match rng.below(4) {
        // Just above: rounds up.
        0 => {
            let nudge = format!("{}1", "0".repeat(rng.below(30)));
            exponent -= nudge.len() as i64;
            digits.push_str(&nudge);
        }
        // Just below (cut short): rounds down.
        1 if digits.len() > 1 => {
            let cut = rng.below(digits.len() - 1) + 1;
            exponent += (digits.len() - cut) as i64;
            digits.truncate(cut);
        }
        // Exactly halfway: ties to even.
        _ => {}
    }
    let shift = rng.below(digits.len() + 1);
    let mantissa = format!("{}.{}", &digits[..shift], &digits[shift..]);
    format!("{mantissa}e{}", exponent + (digits.len() - shift) as i64)
}

/// A natural number in base 10^9 limbs, least significant first: enough to print a
/// double's halfway points exactly.
struct Decimal(Vec<u64>);

const LIMB: u64 = 1_000_000_000;

impl Decimal {
    fn of(n: u64) -> Decimal {
        let mut limbs = vec![n % LIMB];
        let mut rest = n / LIMB;
        while rest > 0 {
            limbs.push(rest % LIMB);
            rest /= LIMB;
        }
        Decimal(limbs)
    }

    fn times(&mut self, factor: u64) {
        let mut carry = 0;
        for limb in &mut self.0 {
            let n = *limb * factor + carry;
            *limb = n % LIMB;
            carry = n / LIMB;
        }
        while carry > 0 {
            self.0.push(carry % LIMB);
            carry /= LIMB;
        }
    }

    fn times_pow5(mut self, mut places: u32) -> Decimal {
        while places > 0 {
            let step = places.min(13);
            self.times(5u64.pow(step));
            places -= step;
        }
        self
    }

    fn times_pow2(mut self, mut places: u32) -> Decimal {
        while places > 0 {
            let step = places.min(29);
            self.times(1 << step);
            places -= step;
        }
        self
    }

    fn digits(&self) -> String {
        let mut out = String::new();
        for (i, limb) in self.0.iter().rev().enumerate() {
            if i == 0 {
                out.push_str(&limb.to_string());
            } else {
                out.push_str(&format!("{limb:09}"));
            }
        }
        out
    }
}
