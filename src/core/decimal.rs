//! Decimal digits to the nearest `f64`, rounded as `str::parse` rounds (to nearest, ties to
//! even), without core's float parser: its tables and slow path are about 15 KB of the app's
//! gzipped wasm (README, "Size on the wire"). The arithmetic is exact, on a small big integer.
//! Cells are short, and the common ones ("12.50", "1,234.56") take the fast path.

/// Beyond this many significant digits, the rest only tells whether the value is a little
/// above the digits kept. A double's halfway points have at most 767 significant digits,
/// so this is enough to round right.
const MAX_DIGITS: usize = 800;

/// The value of `digits` (ASCII decimal digits) times ten to the `exponent`: `12.5` is
/// `to_f64(b"125", -1)`. Too large is infinity, too small is zero.
pub fn to_f64(digits: &[u8], exponent: i64) -> f64 {
    let Some(first) = digits.iter().position(|&d| d != b'0') else {
        return 0.0;
    };
    let last = digits.iter().rposition(|&d| d != b'0').unwrap_or(first);
    let mut exponent = exponent.saturating_add((digits.len() - 1 - last) as i64);
    let mut digits = &digits[first..=last];
    // The last digit kept is not zero, so cutting drops a non-zero digit.
    let mut inexact = digits.len() > MAX_DIGITS;
    if inexact {
        exponent = exponent.saturating_add((digits.len() - MAX_DIGITS) as i64);
        digits = &digits[..MAX_DIGITS];
    }
    // 10^(magnitude - 1) <= value < 10^magnitude.
    let magnitude = exponent.saturating_add(digits.len() as i64);
    if magnitude > 309 {
        return f64::INFINITY;
    }
    if magnitude < -323 {
        // Below 1e-324, less than half the smallest subnormal.
        return 0.0;
    }
    if let Some(value) = exact_quotient(digits, exponent, inexact) {
        return value;
    }

    let mut value = Big::from_digits(digits);
    // `value` is the number times 2^scale.
    let mut scale = 0;
    if exponent >= 0 {
        value.mul_pow10(exponent as u32);
    } else {
        let places = exponent.unsigned_abs() as u32;
        // 10^places has at most places × 3.322 + 1 bits; shift so the quotient has at least
        // 56, enough for 53 bits of mantissa, a rounding bit and one below it.
        scale = (places * 3322 / 1000 + 58).saturating_sub(value.bits());
        value.shl(scale);
        inexact |= value.div_pow10(places);
    }
    if value.bits() < 56 {
        let more = 56 - value.bits();
        value.shl(more);
        scale += more;
    }
    round(&value, scale as i64, inexact)
}

/// The powers of ten an `f64` holds exactly: up to 10^22.
pub(crate) const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Clinger's fast path: up to 15 digits are exact in an `f64`, and so are powers of ten up to
/// 10^22, so one multiplication or division rounds once, correctly.
fn exact_quotient(digits: &[u8], exponent: i64, inexact: bool) -> Option<f64> {
    if inexact || digits.len() > 15 || !(-22..=22).contains(&exponent) {
        return None;
    }
    let whole = digits
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) as f64;
    let power = EXACT_POWERS_OF_TEN[exponent.unsigned_abs() as usize];
    Some(if exponent < 0 {
        whole / power
    } else {
        whole * power
    })
}

/// `value` / 2^scale to the nearest `f64`, ties to even; `inexact` says the true value is a
/// little above. `value` has at least 56 bits.
fn round(value: &Big, scale: i64, inexact: bool) -> f64 {
    let bits = i64::from(value.bits());
    // 2^binary <= value / 2^scale < 2^(binary + 1).
    let binary = bits - 1 - scale;
    if binary > 1023 {
        return f64::INFINITY;
    }
    // A normal keeps 53 bits; a subnormal fewer, down to none.
    let kept = if binary >= -1022 { 53 } else { binary + 1075 };
    let cut = (bits - kept) as u32;
    let mut mantissa = value.shr_to_u64(cut);
    let half = value.bit(cut - 1);
    let above_half = inexact || value.any_below(cut - 1);
    if half && (above_half || mantissa & 1 == 1) {
        mantissa += 1;
    }
    if binary < -1022 {
        // A subnormal's bits are its mantissa; rounding up to 2^52 gives the smallest normal.
        return f64::from_bits(mantissa);
    }
    let mut binary = binary;
    if mantissa == 1 << 53 {
        mantissa >>= 1;
        binary += 1;
        if binary > 1023 {
            return f64::INFINITY;
        }
    }
    f64::from_bits(((binary + 1023) as u64) << 52 | (mantissa & ((1 << 52) - 1)))
}

/// A non-negative integer, 32-bit limbs, least significant first, no leading zero limbs.
struct Big {
    limbs: Vec<u32>,
}

impl Big {
    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big {
            limbs: Vec::with_capacity(digits.len() / 9 + 1),
        };
        for chunk in digits.chunks(9) {
            let value = chunk.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
            big.mul_add(10u32.pow(chunk.len() as u32), value);
        }
        big
    }

    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.limbs {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut places: u32) {
        while places > 0 {
            let step = places.min(9);
            self.mul_add(10u32.pow(step), 0);
            places -= step;
        }
    }

    /// Divides by 10^places, rounding down; true if anything was left over.
    fn div_pow10(&mut self, mut places: u32) -> bool {
        let mut left_over = false;
        while places > 0 {
            let step = places.min(9);
            let divisor = u64::from(10u32.pow(step));
            let mut remainder = 0u64;
            for limb in self.limbs.iter_mut().rev() {
                let current = remainder << 32 | u64::from(*limb);
                *limb = (current / divisor) as u32;
                remainder = current % divisor;
            }
            left_over |= remainder != 0;
            while self.limbs.last() == Some(&0) {
                self.limbs.pop();
            }
            places -= step;
        }
        left_over
    }

    fn shl(&mut self, shift: u32) {
        let (words, bits) = ((shift / 32) as usize, shift % 32);
        if bits != 0 {
            let mut carry = 0;
            for limb in &mut self.limbs {
                let next = *limb >> (32 - bits);
                *limb = *limb << bits | carry;
                carry = next;
            }
            if carry != 0 {
                self.limbs.push(carry);
            }
        }
        if !self.limbs.is_empty() {
            self.limbs.splice(0..0, std::iter::repeat_n(0, words));
        }
    }

    fn bits(&self) -> u32 {
        self.limbs.last().map_or(0, |top| {
            32 * (self.limbs.len() as u32 - 1) + (32 - top.leading_zeros())
        })
    }

    fn bit(&self, at: u32) -> bool {
        self.limbs
            .get((at / 32) as usize)
            .is_some_and(|limb| limb >> (at % 32) & 1 == 1)
    }

    fn any_below(&self, at: u32) -> bool {
        let word = (at / 32) as usize;
        self.limbs.iter().take(word).any(|&limb| limb != 0)
            || self
                .limbs
                .get(word)
                .is_some_and(|limb| limb & ((1 << (at % 32)) - 1) != 0)
    }

    /// The value shifted right by `shift`, which must leave at most 64 bits.
    fn shr_to_u64(&self, shift: u32) -> u64 {
        (shift..self.bits().max(shift))
            .rev()
            .fold(0, |n, at| n << 1 | u64::from(self.bit(at)))
    }
}

// Native only: proptest is not built for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "decimal_tests.rs"]
mod tests;
