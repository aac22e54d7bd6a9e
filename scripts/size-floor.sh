#!/usr/bin/env bash
# Size floor (a measurement, not a test): how small the playground's download
# could be with Yew and the simulator, against what the page weighs. Builds the
# web crate's `floor_yew` and `floor_core` examples and the page itself with the
# release profile, runs each through wasm-bindgen and `wasm-opt -Oz` the same
# way, and prints the gzipped (level 9) wasm and js of each.
#   scripts/size-floor.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-tools.sh"
cd "$ROOT"
ensure_web_tools
out=target/size-floor
rm -rf "$out"
cargo build --quiet --release --target wasm32-unknown-unknown -p layerlab-web \
    --bin layerlab-web --example floor_yew --example floor_core
release=target/wasm32-unknown-unknown/release
for name in floor_yew floor_core layerlab-web; do
    input=$release/examples/$name.wasm
    [ "$name" = layerlab-web ] && input=$release/$name.wasm
    wasm-bindgen --target web --out-dir "$out/$name" "$input"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        "$out/$name/${name}_bg.wasm" -o "$out/$name/opt.wasm"
done
node - "$out" <<'JS'
const fs = require('node:fs');
const zlib = require('node:zlib');
const out = process.argv[2];
const gz = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
const what = {
  floor_yew: 'Yew alone (state, an input, a keyed list)',
  floor_core: 'every core call the page makes, one-element Yew view',
  'layerlab-web': 'the playground',
};
for (const [name, text] of Object.entries(what)) {
  const wasm = gz(`${out}/${name}/opt.wasm`);
  const js = gz(`${out}/${name}/${name}.js`);
  console.log(`${text}: wasm ${wasm} B + js ${js} B = ${wasm + js} B gzipped`);
}
JS
