//! Times as Docker prints them: RFC 3339 parsing and go-units'
//! `HumanDuration` (`5 minutes ago`, `About an hour ago`, `8 days ago`).
//! The caller supplies "now"; the core never reads the clock. Also the
//! one-decimal durations of build logs (`DONE 1.3s`).

/// Seconds since the Unix epoch for an RFC 3339 time (`2017-06-20T00:00:16.45Z`).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        tz => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            let oh: i64 = tz.get(1..3)?.parse().ok()?;
            let om: i64 = tz.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// RFC 3339 text (UTC, seconds) for seconds since the epoch.
pub fn format_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil_from_days
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// go-units `HumanDuration`.
pub fn human_duration(secs: i64) -> String {
    let hours_rounded = (secs as f64 / 3600.0).round() as i64;
    match secs {
        s if s < 1 => "Less than a second".into(),
        1 => "1 second".into(),
        s if s < 60 => format!("{s} seconds"),
        s if s / 60 == 1 => "About a minute".into(),
        s if s / 60 < 60 => format!("{} minutes", s / 60),
        _ if hours_rounded == 1 => "About an hour".into(),
        _ if hours_rounded < 48 => format!("{hours_rounded} hours"),
        _ if hours_rounded < 24 * 7 * 2 => format!("{} days", hours_rounded / 24),
        _ if hours_rounded < 24 * 30 * 2 => format!("{} weeks", hours_rounded / 24 / 7),
        _ if hours_rounded < 24 * 365 * 2 => format!("{} months", hours_rounded / 24 / 30),
        s => format!("{} years", s / 3600 / 24 / 365),
    }
}

/// `5 minutes ago`, or `N/A` when the time is unknown.
pub fn since(created: Option<&str>, now: Option<i64>) -> String {
    match (created.and_then(parse_rfc3339), now) {
        (Some(t), Some(now)) => format!("{} ago", human_duration(now - t)),
        _ => "N/A".into(),
    }
}

/// A duration in seconds with one decimal (`1.3s`), rounded half up.
pub fn seconds(ms: u64) -> String {
    let tenths = (ms + 50) / 100;
    format!("{}.{}s", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_have_one_decimal() {
        assert_eq!(seconds(0), "0.0s");
        assert_eq!(seconds(49), "0.0s");
        assert_eq!(seconds(50), "0.1s");
        assert_eq!(seconds(1_250), "1.3s");
        assert_eq!(seconds(61_000), "61.0s");
    }

    #[test]
    fn rfc3339_round_trip() {
        let t = parse_rfc3339("2017-06-20T00:00:16.450488203Z").unwrap();
        assert_eq!(format_rfc3339(t), "2017-06-20T00:00:16Z");
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339("nonsense"), None);
    }

    #[test]
    fn durations_like_docker() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(26), "26 seconds");
        assert_eq!(human_duration(61), "About a minute");
        assert_eq!(human_duration(5 * 60), "5 minutes");
        assert_eq!(human_duration(2 * 3600), "2 hours");
        assert_eq!(human_duration(8 * 86_400), "8 days");
        assert_eq!(human_duration(3 * 7 * 86_400), "3 weeks");
        assert_eq!(human_duration(3 * 365 * 86_400), "3 years");
    }
}
