//! Permission modes: `chmod`'s and `COPY --chmod`'s octal and symbolic
//! (`u+x,go-w`) forms applied to a current mode.

/// `--chmod`: an octal mode (≤ 07777) or a symbolic one (`u+x,go-w`).
pub fn apply_chmod(spec: &str, current: u32, is_dir: bool) -> Result<u32, String> {
    if !spec.is_empty() && spec.chars().all(|c| c.is_ascii_digit()) {
        let mode =
            u32::from_str_radix(spec, 8).map_err(|_| format!("invalid chmod parameter: {spec}"))?;
        if mode > 0o7777 {
            return Err(format!("invalid chmod parameter: {spec}"));
        }
        return Ok(mode);
    }
    let mut mode = current;
    for clause in spec.split(',') {
        let op_at = clause
            .find(['+', '-', '='])
            .ok_or_else(|| format!("invalid chmod parameter: {spec}"))?;
        let (who, rest) = clause.split_at(op_at);
        let op = rest.chars().next().unwrap_or('+');
        let mut mask = 0;
        for c in who.chars() {
            mask |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                'a' => 0o7777,
                _ => return Err(format!("invalid chmod parameter: {spec}")),
            };
        }
        if who.is_empty() {
            mask = 0o7777;
        }
        let mut bits = 0;
        for c in rest[1..].chars() {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                'X' if is_dir || current & 0o111 != 0 => 0o111,
                'X' => 0,
                's' => 0o6000,
                't' => 0o1000,
                _ => return Err(format!("invalid chmod parameter: {spec}")),
            };
        }
        let bits = bits & mask;
        mode = match op {
            '+' => mode | bits,
            '-' => mode & !bits,
            _ => (mode & !(mask & 0o777)) | bits,
        };
    }
    Ok(mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chmod_modes() {
        assert_eq!(apply_chmod("755", 0o644, false), Ok(0o755));
        assert!(apply_chmod("10000", 0o644, false).is_err());
        assert_eq!(apply_chmod("u+x", 0o644, false), Ok(0o744));
        assert_eq!(apply_chmod("go-r", 0o644, false), Ok(0o600));
        assert_eq!(apply_chmod("a+X", 0o644, true), Ok(0o755));
        assert!(apply_chmod("q+x", 0o644, false).is_err());
    }
}
