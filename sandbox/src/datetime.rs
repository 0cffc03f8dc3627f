//! Dates as VBAPI writes them (ISO 8601, UTC, `2019-08-24T14:15:22Z`), without a date crate:
//! the sandbox only needs "now", formatting and a strict shape check.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_iso() -> String {
    format_unix(unix_now() as i64)
}

/// A Unix time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `text` is an ISO 8601 date or date-time the vendor would read: `2019-08-24`,
/// `2019-08-24T14:15`, `2019-08-24T14:15:22.123Z`, `2019-08-24T14:15:22+02:00`.
pub fn is_valid_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(rest) = date_part(bytes) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    if rest[0] != b'T' && rest[0] != b't' && rest[0] != b' ' {
        return false;
    }
    time_part(&rest[1..])
}

fn digits(bytes: &[u8], count: usize) -> Option<(u32, &[u8])> {
    if bytes.len() < count || !bytes[..count].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = bytes[..count]
        .iter()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    Some((value, &bytes[count..]))
}

fn expect(bytes: &[u8], byte: u8) -> Option<&[u8]> {
    (bytes.first() == Some(&byte)).then(|| &bytes[1..])
}

fn date_part(bytes: &[u8]) -> Option<&[u8]> {
    let (year, rest) = digits(bytes, 4)?;
    let (month, rest) = digits(expect(rest, b'-')?, 2)?;
    let (day, rest) = digits(expect(rest, b'-')?, 2)?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (year >= 1 && (1..=days_in_month).contains(&day)).then_some(rest)
}

fn time_part(bytes: &[u8]) -> bool {
    let Some((hour, rest)) = digits(bytes, 2) else {
        return false;
    };
    let Some((minute, mut rest)) = expect(rest, b':').and_then(|r| digits(r, 2)) else {
        return false;
    };
    if hour > 23 || minute > 59 {
        return false;
    }
    if let Some(after_colon) = expect(rest, b':') {
        match digits(after_colon, 2) {
            Some((second, after)) if second <= 59 => rest = after,
            _ => return false,
        }
        if let Some(fraction) = expect(rest, b'.') {
            let count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if count == 0 || count > 9 {
                return false;
            }
            rest = &fraction[count..];
        }
    }
    match rest {
        [] | [b'Z'] | [b'z'] => true,
        [b'+' | b'-', offset @ ..] => {
            let Some((hours, after)) = digits(offset, 2) else {
                return false;
            };
            let minutes = expect(after, b':').and_then(|r| digits(r, 2));
            matches!(minutes, Some((m, [])) if hours <= 14 && m <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix(1_566_656_122), "2019-08-24T14:15:22Z");
        assert_eq!(format_unix(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn accepts_the_shapes_the_vendor_reads() {
        for good in [
            "2019-08-24T14:15:22Z",
            "2019-08-24",
            "2019-08-24T14:15",
            "2019-08-24T14:15:22.1234567",
            "2024-02-29T00:00:00+02:00",
            "2024-06-01 12:00:00",
        ] {
            assert!(is_valid_date_time(good), "{good}");
        }
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "",
            "yesterday",
            "2019-13-01",
            "2023-02-29",
            "2019-08-24T25:00:00Z",
            "2019-08-24T14:15:22ZZ",
            "24/08/2019",
            "2019-08-24T14:15:22+2",
        ] {
            assert!(!is_valid_date_time(bad), "{bad}");
        }
    }
}
