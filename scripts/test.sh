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
log "bundle budget: the first download, gzipped, at or under 550 kB"
node tests/browser/budget.mjs

log "the example mdBook (examples/mdbook) with the playground copied into its playground/"
bash scripts/build-mdbook-example.sh

ensure_chromium
log "browser end-to-end tests (headless Chromium, playwright-core; screenshots in tests/browser/screenshots)"
node --test tests/browser/

log "standalone: a copy of the repository with no ../shared beside it builds the page and the CLI"
standalone="$(mktemp -d)"
trap 'rm -rf "$standalone"' EXIT
test ! -e "$standalone/../shared" || { echo "$standalone/../shared exists: not a clean place" >&2; exit 1; }
mkdir -p "$standalone/repo"
git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$standalone/repo"
ln -s "$ROOT/node_modules" "$standalone/repo/node_modules"
(
  cd "$standalone/repo"
  export CARGO_TARGET_DIR="$ROOT/target/standalone"
  trunk build --release --quiet
  cargo install --quiet --path crates/layerlab-cli --root "$standalone/install"
)
LAYERLAB_DIST="$standalone/repo/dist" node --test tests/browser/standalone.test.mjs
log "standalone: the installed CLI from an empty directory outside the checkout"
(
  project="$(mktemp -d)"
  cd "$project"
  printf 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n' > Dockerfile
  "$standalone/install/bin/layerlab" build -t app . > build.log
  grep -q 'pip install: ' build.log || { cat build.log; echo "pip was not simulated" >&2; exit 1; }
  if grep -q "not in layerlab's catalog" build.log; then cat build.log; exit 1; fi
  "$standalone/install/bin/layerlab" images | tee images.txt
  grep -Eq '^app +latest .* 1[2-9][0-9]MB$' images.txt
  "$standalone/install/bin/layerlab" data
  python3 "$ROOT/scripts/common-builds.py" "$standalone/install/bin/layerlab"
  rm -rf "$project"
)

log "all tests passed"
