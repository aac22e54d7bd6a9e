//! Sizes as Docker prints them: go-units `HumanSizeWithPrecision(size,
//! precision)`, decimal units (`B`, `kB`, `MB`, …), three or four significant
//! digits formatted with Go's `%.{precision}g`: `169B`, `1.18MB`, `455MB`,
//! `10.6MB`, and the quirk that 999,500–999,999 bytes print as `1e+03kB`.

const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/// `docker images` / `docker history` size text (three significant digits).
pub fn human_size(bytes: u64) -> String {
    human_size_with_precision(bytes, 3)
}

/// go-units `HumanSizeWithPrecision` (precision 3, or 4 for the classic
/// builder's context size).
pub fn human_size_with_precision(bytes: u64, precision: u32) -> String {
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", format_g(size, precision), UNITS[unit])
}

/// BuildKit's transfer progress size: two decimals in decimal units
/// (`29.13MB`, `159B`), as its progress printer formats bytes.
pub fn progress_size(bytes: u64) -> String {
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes}B")
    } else {
        format!("{size:.2}{}", UNITS[unit])
    }
}

/// Go's `%.{precision}g` for a non-negative finite number.
fn format_g(value: f64, precision: u32) -> String {
    let precision = precision as usize;
    if value == 0.0 {
        return "0".into();
    }
    // Round to `precision` significant digits first; the exponent after
    // rounding decides between fixed and scientific notation.
    let sci = format!("{:.*e}", precision - 1, value);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= precision as i32 {
        let mantissa = trim_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let decimals = (precision as i32 - 1 - exp).max(0) as usize;
    trim_zeros(&format!("{value:.decimals$}")).to_owned()
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_size_strings() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(159), "159B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(1000), "1kB");
        assert_eq!(human_size(618_000), "618kB");
        assert_eq!(human_size(999_499), "999kB");
        assert_eq!(human_size(999_500), "1e+03kB");
        assert_eq!(human_size(999_999), "1e+03kB");
        assert_eq!(human_size(1_000_000), "1MB");
        assert_eq!(human_size(1_180_000), "1.18MB");
        assert_eq!(human_size(10_600_000), "10.6MB");
        assert_eq!(human_size(88_690_000), "88.7MB");
        assert_eq!(human_size(455_000_000), "455MB");
        assert_eq!(human_size(1_110_000_000), "1.11GB");
        assert_eq!(human_size(32), "32B");
        assert_eq!(human_size(u64::MAX), "18.4EB");
        assert_eq!(human_size_with_precision(1_234_567, 4), "1.235MB");
        assert_eq!(human_size_with_precision(9_999_600, 4), "10MB");
        assert_eq!(human_size_with_precision(999_960, 4), "1000kB");
        assert_eq!(human_size_with_precision(999_990, 4), "1000kB");
        assert_eq!(human_size_with_precision(999_999_999, 4), "1000MB");
    }
}
