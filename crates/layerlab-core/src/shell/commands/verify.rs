//! The tools official images use to check what they download: `gpg` (keys
//! fetched or imported into the keyring, signatures verified, clear-signed
//! files unwrapped with `--output`), `gpgconf`, and `sha256sum`/`sha512sum`. Downloads are simulated files, so every check passes; what the
//! tools leave in the image (the keyring) is written.

use crate::fs::{path, Meta, Node};

use super::{option_value, out, put_sized};
use crate::shell::interp::Interp;

/// Bytes a keyring gains per key (an OpenPGP public key with its signatures,
/// typically 1–3 kB; a stated assumption).
const KEY_BYTES: u64 = 2_000;

/// `gpg …`.
pub(super) fn gpg(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let home = sh
        .env
        .get("GNUPGHOME")
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| path::child(&super::home(sh), ".gnupg"));
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if has("--recv-keys") || has("--receive-keys") || has("--import") {
        let start = args
            .iter()
            .position(|a| matches!(a.as_str(), "--recv-keys" | "--receive-keys" | "--import"))
            .map_or(args.len(), |i| i + 1);
        let keys = args[start..]
            .iter()
            .filter(|a| !a.starts_with('-'))
            .count()
            .max(1) as u64;
        let home = sh.abs(&home);
        let _ = sh.tree.mkdir_all(
            &home,
            Meta {
                mode: 0o700,
                uid: 0,
                gid: 0,
            },
        );
        let ring = path::child(&home, "pubring.kbx");
        let before = match sh.tree.get(&ring) {
            Some(Node::File { content, .. }) => content.size(),
            _ => 32,
        };
        put_sized(
            sh,
            &ring,
            &format!("keyring {before}"),
            before + keys * KEY_BYTES,
        );
        put_sized(sh, &path::child(&home, "trustdb.gpg"), "trustdb", 1_200);
        return 0;
    }
    if let Some(target) = option_value(args, &["--output", "-o"]) {
        // `--decrypt --output FILE SIGNED`: the signed text without its signature.
        let input = args.last().cloned().unwrap_or_default();
        let node = sh.tree.get(&sh.abs(&input)).cloned();
        let dest = sh.abs(&target);
        let _ = match node {
            Some(n @ Node::File { .. }) => sh.tree.insert(&dest, n),
            _ => sh.tree.insert(
                &dest,
                Node::file(Meta::FILE, crate::fs::Content::bytes(Vec::new())),
            ),
        };
        return 0;
    }
    // --verify, --fingerprint, --list-keys, --batch alone: nothing to change.
    0
}

/// `sha256sum`/`sha512sum`: `-c` checks pass; otherwise prints a digest line
/// per file (of its bytes, or of layerlab's stand-in for bulk content).
pub(super) fn checksum(sh: &mut Interp<'_>, name: &str, args: &[String]) -> i32 {
    use sha2::{Digest, Sha256, Sha512};
    if args
        .iter()
        .any(|a| a == "-c" || a == "--check" || a.starts_with("-c"))
    {
        return 0;
    }
    let mut text = String::new();
    for f in args.iter().filter(|a| !a.starts_with('-')) {
        let Some(Node::File { content, .. }) = sh.tree.get(&sh.abs(f)) else {
            continue;
        };
        let bytes = match content.as_bytes() {
            Some(b) => b.to_vec(),
            None => content.digest().to_vec(),
        };
        let digest = if name == "sha512sum" {
            crate::fs::hex(&Sha512::digest(&bytes))
        } else {
            crate::fs::hex(&Sha256::digest(&bytes))
        };
        text.push_str(&format!("{digest}  {f}\n"));
    }
    out(sh, &text)
}
