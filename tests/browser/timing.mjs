// Timing script (not a test): how fast the playground is in headless Chromium.
//   node tests/browser/timing.mjs [--no-lighthouse]
// Reports: cold load to first build result on loopback; the same under
// Lighthouse's mobile profile (150 ms RTT, 1.6 Mbps down, 750 kbps up, 4x
// CPU slowdown), with the bytes transferred; a Lighthouse run (mobile, its
// default) with its performance score; keystroke to updated layers panel
// (p50/p95 over 100 edits) for a seed lesson's Dockerfile and for the longest
// real-world Dockerfile; and the gzipped size of the wasm, js and css.
// The server sends the precompressed files a static host would.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, dist, root, firstDownload } from './harness.mjs';

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

function longestRealworld() {
  const dir = path.join(root, '..', 'shared', 'conformance', 'realworld', 'files');
  let best = null;
  const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else { const t = fs.readFileSync(p, 'utf8'); if (!best || t.split('\n').length > best.text.split('\n').length) best = { p, text: t }; }
  } };
  walk(dir);
  return best;
}

/** Stub context files for the Dockerfile's COPY/ADD sources (as the core's
 * `Context::stub_for` makes them for the real-world tests), so the build
 * runs to the end instead of failing at the first COPY. */
function stubContext(dockerfile) {
  const files = {};
  for (const line of dockerfile.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (!/^(copy|add)$/i.test(words[0] || '') || words.some((w) => w.startsWith('--from'))) continue;
    const operands = words.slice(1).filter((w) => !w.startsWith('--'));
    for (const src of operands.slice(0, -1)) {
      if (src.includes('://') || src.startsWith('<<')) continue;
      const clean = src.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replaceAll('*', 'x');
      files[clean === '' || clean === '.' || clean.endsWith('/') ? `${clean}file` : clean] = 'content\n';
    }
  }
  return files;
}

async function keystrokes(page, dockerfile, n = 100) {
  // A last line to type into that keeps the file building (typing after a
  // COPY's destination would add a source and fail the step instead).
  const text = dockerfile.replace(/\s*$/, '') + '\nLABEL edit=x';
  const before = Number(await page.getAttribute('#layers', 'data-builds'));
  await page.evaluate((files) => window.postMessage({ type: 'layerlab:set-files', files }, '*'),
    { Dockerfile: text, ...stubContext(text) });
  await page.waitForFunction((b) => Number(document.querySelector('#layers').dataset.builds) > b, before);
  // Data the file needs (catalog entries, a Debian release) arrives on demand,
  // each followed by a rebuild: time keystrokes once the builds have settled.
  for (let last = -1, now = 0; last !== now;) {
    last = Number(await page.getAttribute('#layers', 'data-builds'));
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1000);
    now = Number(await page.getAttribute('#layers', 'data-builds'));
  }
  const failed = await page.textContent('#image-size');
  if (failed === 'build failed') throw new Error(`the timed file does not build: ${await page.textContent('#build-error')}`);
  // Warm the cache with the text as it is, then type characters at the end of the last line.
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = await page.evaluate(async ({ text, i }) => {
      const area = document.querySelector('#source');
      const layers = document.querySelector('#layers');
      const before = Number(layers.dataset.builds);
      const start = performance.now();
      area.value = text + i + '\n';
      area.dispatchEvent(new InputEvent('input', { bubbles: true }));
      await new Promise((resolve) => {
        const check = () => (Number(document.querySelector('#layers').dataset.builds) > before ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - start;
    }, { text, i });
    times.push(t);
  }
  const buildMs = Number(await page.getAttribute('#layers', 'data-build-ms'));
  return { p50: pct(times, 50), p95: pct(times, 95), lastBuildMs: buildMs };
}

/** A cold load under the mobile profile: ms to the static first paint's
 * table, ms to the live build's table, and bytes transferred until then. */
async function mobileLoad(browser, url) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  const t0 = Date.now();
  await page.goto(url + '?editor=plain', { waitUntil: 'commit' });
  // The static first paint's table (the starter built at build time), then the live app's.
  await page.waitForSelector('#first-paint [data-id=steps] tbody tr, #steps tbody tr', { timeout: 60_000 });
  const first = Date.now() - t0;
  await page.waitForSelector('#layers[data-builds]', { timeout: 60_000 });
  const live = Date.now() - t0;
  const transferred = bytes;
  await context.close();
  return { first, live, transferred };
}

/** Lighthouse (mobile) on the page: the performance score and its metrics.
 * `simulate` is its default (a trace taken unthrottled, then modelled);
 * `devtools` applies the throttling while it loads the page. */
async function runLighthouse(url, throttlingMethod = 'simulate') {
  const { default: lighthouse } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const config = { extends: 'lighthouse:default', settings: { throttlingMethod, onlyCategories: ['performance'] } };
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' }, config);
    const audits = result.lhr.audits;
    const ms = (id) => Math.round(audits[id].numericValue);
    return {
      score: Math.round(result.lhr.categories.performance.score * 100),
      fcp: ms('first-contentful-paint'), lcp: ms('largest-contentful-paint'), tbt: ms('total-blocking-time'),
      si: ms('speed-index'), cls: audits['cumulative-layout-shift'].numericValue.toFixed(3),
    };
  } finally {
    chrome.kill();
  }
}

const { server, url } = await serve();
const browser = await launch();
try {
  const mobile = await mobileLoad(browser, url);
  const lh = process.argv.includes('--no-lighthouse') ? [] : [await runLighthouse(url), await runLighthouse(url, 'devtools')];
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = Date.now();
  // Keystrokes go through the plain textarea; the build path is the same with CodeMirror.
  await page.goto(url + '?editor=plain');
  await page.waitForSelector('#steps tbody tr');
  const cold = Date.now() - t0;

  const seedText = fs.readFileSync(path.join(root, '..', 'shared', 'seeds', fs.readdirSync(path.join(root, '..', 'shared', 'seeds')).find((f) => f.startsWith('004'))), 'utf8');
  const seedDockerfile = 'FROM python:3.6.1-alpine\nRUN pip install flask\nCMD ["python","app.py"]\nCOPY app.py /app.py\n';
  if (!seedText.includes('RUN pip install flask')) throw new Error('seed 004 changed');
  const seed = await keystrokes(page, seedDockerfile);
  const long = longestRealworld();
  const longRes = await keystrokes(page, long.text);

  // The first download, and the data fetched before the first build (pypi/,
  // npm/, the catalog index); catalog entries, examples, lessons, Debian and
  // Alpine data are fetched on demand and do not count.
  const sizes = firstDownload();
  const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length;
  const data = ['catalog/index.json', ...['pypi', 'npm'].flatMap((d) => fs.readdirSync(path.join(dist, d)).filter((f) => !/\.(gz|br)$/.test(f)).map((f) => `${d}/${f}`))]
    .reduce((sum, f) => sum + gz(f), 0);
  const editor = gz('layerlab-editor.js');
  const total = sizes.wasm + sizes.js + sizes.css + data;
  console.log(`cold load to first build result: ${cold} ms`);
  console.log(`mobile profile (150 ms RTT, 1.6/0.75 Mbps, 4x CPU): static first paint's table ${mobile.first} ms, live build ${mobile.live} ms, ${mobile.transferred} B transferred`);
  for (const [how, r] of lh.map((r, i) => [i ? 'applied throttling' : 'simulated throttling, its default', r])) {
    console.log(`Lighthouse mobile performance score ${r.score}, ${how} (FCP ${r.fcp} ms, LCP ${r.lcp} ms, TBT ${r.tbt} ms, SI ${r.si} ms, CLS ${r.cls})`);
  }
  console.log(`keystroke -> layers panel, seed 004 (4 lines): p50 ${seed.p50.toFixed(1)} ms, p95 ${seed.p95.toFixed(1)} ms (build ${seed.lastBuildMs} ms)`);
  console.log(`keystroke -> layers panel, ${path.relative(root, long.p)} (${long.text.split('\n').length} lines): p50 ${longRes.p50.toFixed(1)} ms, p95 ${longRes.p95.toFixed(1)} ms (build ${longRes.lastBuildMs} ms)`);
  console.log(`gzipped initial download: wasm ${sizes.wasm} B, js ${sizes.js} B, css ${sizes.css} B, package data ${data} B, total ${total} B`);
  console.log(`gzipped CodeMirror bundle, loaded when the learner comes to the editor: ${editor} B`);
  await context.close();
} finally {
  await browser.close();
  server.close();
}
