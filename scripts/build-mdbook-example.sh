#!/usr/bin/env bash
# Builds the example book (examples/mdbook) into target/mdbook-example/ with
# the mdbook-layerlab preprocessor, then copies the built playground (dist/,
# or LAYERLAB_DIST) into its playground/ folder, where the book's embeds load
# embed.js from. Needs a release build of the page first (trunk build
# --release); tests/browser/mdbook.test.mjs serves the result.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-tools.sh"
cd "$ROOT"

dist="${LAYERLAB_DIST:-$ROOT/dist}"
out="$ROOT/target/mdbook-example"
if [ ! -s "$dist/index.html" ] || [ ! -s "$dist/embed.js" ]; then
  echo "$dist has no built playground (index.html and embed.js): run 'trunk build --release' first" >&2
  exit 1
fi

ensure_mdbook
log "building the preprocessor (mdbook-layerlab)"
cargo build --quiet -p mdbook-layerlab
log "mdbook build examples/mdbook -> target/mdbook-example"
rm -rf "$out"
mdbook build examples/mdbook --dest-dir "$out"
test -s "$out/cache-order.html"
grep -q '<layerlab-playground' "$out/cache-order.html" || {
  echo "the book's chapters have no <layerlab-playground>: the preprocessor did not run" >&2
  exit 1
}
cp -r "$dist" "$out/playground"
log "the example book is in target/mdbook-example (playground/ is a copy of $dist)"
