#!/usr/bin/env bash
# Installs what building and testing layerlab needs, skipping whatever is
# already present at the right version. Sourced by serve.sh and test.sh.
#   ensure_wasm_target   the wasm32-unknown-unknown Rust target
#   ensure_node_tools    node/npm (Debian packages if missing) and package.json's tools
#   ensure_trunk         trunk 0.21.14 (0.22 needs a newer rustc)
#   ensure_wasm_bindgen  wasm-bindgen-cli at exactly the version in Cargo.lock
#   ensure_chromium      Debian's chromium for the browser tests (never a browser download)
#   ensure_mdbook        mdbook 0.5.4 for the example book (examples/mdbook)
# Registries are reached through the machine's own configuration (cargo, npm, apt).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
MDBOOK_VERSION="0.5.4"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_node_tools() {
  if ! command -v npm >/dev/null 2>&1; then
    log "installing node and npm (Debian packages)"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq nodejs npm
    else
      sudo apt-get update -qq && sudo apt-get install -y -qq nodejs npm
    fi
  fi
  local stamp="$ROOT/node_modules/.layerlab-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/package-lock.json" "$stamp"; then
    log "installing npm tools (package-lock.json)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/package-lock.json" "$stamp"
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    log "installing trunk $TRUNK_VERSION (takes several minutes the first time)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
}

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, "", $0); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]; then
    log "installing wasm-bindgen-cli $want"
    cargo install wasm-bindgen-cli --version "$want"
  fi
  if ! grep -q "wasm_bindgen = \"$want\"" "$ROOT/Trunk.toml"; then
    echo "Trunk.toml's [tools] wasm_bindgen must be $want (the version in Cargo.lock)" >&2
    return 1
  fi
}

ensure_chromium() {
  if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    log "installing Chromium (Debian package) for the browser tests"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq chromium chromium-driver
    else
      sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver
    fi
  fi
}

# Without its default `serve` and `watch` features (a web server and a file
# watcher the build does not use), mdbook builds in about half the time.
ensure_mdbook() {
  if [ "$(mdbook --version 2>/dev/null)" != "mdbook v$MDBOOK_VERSION" ]; then
    log "installing mdbook $MDBOOK_VERSION (takes a few minutes the first time)"
    cargo install --locked mdbook --version "$MDBOOK_VERSION" --no-default-features --features search
  fi
}

ensure_web_tools() {
  ensure_wasm_target
  ensure_node_tools
  ensure_trunk
  ensure_wasm_bindgen
}
