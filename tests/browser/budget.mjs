// Bundle budget (a CI check, run by scripts/test.sh after the release build):
// the first download — the page's wasm, js and css, gzipped — must stay at or
// under 550 kB (raised from 480 kB for the session and terminal, then from
// 540 kB for the parser's speed-ups and the keyboard and first-paint work of
// issue 14: see the commits that raised it and docs/terminal.md). Prints
// each part against the sizes recorded in bundle-sizes.json, so what grew is plain; `--record` writes them anew
// (a raised budget or a new baseline is a decision with a reason in the commit).
import fs from 'node:fs';
import path from 'node:path';
import { firstDownload } from './harness.mjs';

const BUDGET = 550_000;
const recordFile = path.join(path.dirname(new URL(import.meta.url).pathname), 'bundle-sizes.json');
const sizes = firstDownload();
const total = Object.values(sizes).reduce((a, b) => a + b, 0);
const before = fs.existsSync(recordFile) ? JSON.parse(fs.readFileSync(recordFile, 'utf8')) : {};
for (const k of ['wasm', 'js', 'css']) {
  const d = (sizes[k] || 0) - (before[k] || 0);
  console.log(`${k.padEnd(5)} ${String(sizes[k] || 0).padStart(8)} B gzipped  (${d >= 0 ? '+' : ''}${d} B against bundle-sizes.json)`);
}
console.log(`total ${String(total).padStart(8)} B of the ${BUDGET} B budget`);
if (process.argv.includes('--record')) fs.writeFileSync(recordFile, JSON.stringify(sizes, null, 1) + '\n');
if (total > BUDGET) {
  console.error(`over budget by ${total - BUDGET} B`);
  process.exit(1);
}
