#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and doc tests, the BuildKit
# conformance harness, CLI and seed-lesson tests, the wasm builds, a release
# build of the playground and its browser tests. Installs what is missing
# first. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-tools.sh"
cd "$ROOT"

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

log "cargo test (unit, doc, conformance, CLI)"
cargo test --workspace --no-fail-fast

ensure_web_tools
log "wasm builds: layerlab-core and the web crate"
cargo build -p layerlab-core --target wasm32-unknown-unknown --quiet
cargo build -p layerlab-web --target wasm32-unknown-unknown --quiet

log "trunk build --release (offline: local wasm-bindgen and wasm-opt)"
trunk build --release --quiet
test -s dist/index.html
ls dist/*.wasm >/dev/null

ensure_chromium
log "browser end-to-end tests (headless Chromium, playwright-core; screenshots in tests/browser/screenshots)"
node --test tests/browser/

log "all tests passed"
