// Shared set-up for the browser tests and the timing script: serve dist/ (or
// another built folder, such as the example book) on loopback and drive the
// machine's Chromium with playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
// LAYERLAB_DIST: another build of the page (CI's copy built without ../shared).
export const dist = path.resolve(process.env.LAYERLAB_DIST || path.join(root, 'dist'));
export const shots = path.join(here, 'screenshots');

const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2',
};

/**
 * Serves `dir` (default dist/) on 127.0.0.1 at a free port, under `base`
 * (default `/`), as a static host would: a folder's path serves its
 * index.html; a path that is not there serves the root's index.html, as a
 * single-page host does; precompressed files go to a browser that takes them.
 */
export function serve(base = '/', dir = dist) {
  const top = path.resolve(dir);
  if (!fs.existsSync(path.join(top, 'index.html'))) {
    throw new Error(top === dist
      ? 'dist/ is missing: run `trunk build --release` first (scripts/test.sh does)'
      : `${top} has no index.html: build it first`);
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(base)) { res.writeHead(404); res.end(); return; }
    let file = path.join(top, decodeURIComponent(url.pathname.slice(base.length - 1)));
    if (file.startsWith(top) && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(top) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(top, 'index.html');
    // As GitHub Pages does: a host page of another origin loads embed.js as a module (a CORS request).
    const headers = { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'access-control-allow-origin': '*', vary: 'accept-encoding' };
    // As nginx's gzip_static/brotli_static do: a precompressed file beside the asked one, if the browser takes it.
    const accepts = String(req.headers['accept-encoding'] || '');
    for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']]) {
      if (accepts.includes(encoding) && fs.existsSync(file + ext)) {
        headers['content-encoding'] = encoding;
        file += ext;
        break;
      }
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}${base}` })));
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Waits until the layers panel has shown more builds than `after`. */
export async function waitForBuild(page, after) {
  await page.waitForFunction((n) => Number(document.querySelector('#layers')?.dataset.builds || 0) > n, after);
}

export async function builds(page) {
  return Number(await page.getAttribute('#layers', 'data-builds'));
}

/** The steps table as [{number, instruction, status, why}]. */
export async function steps(page) {
  return page.$$eval('#steps tbody tr', (rows) => rows.map((r) => ({
    number: Number(r.dataset.step),
    instruction: r.querySelector('td.ins code').textContent,
    status: r.querySelector('.badge').textContent,
    why: r.querySelector('.why')?.textContent || null,
  })));
}


const gzipped = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;

/** The page's first download, gzipped: its wasm, js and css (the stylesheet
 * inlined in index.html counted as css), not the editor bundle (loaded when
 * the learner comes to the editor) nor embed.js (host pages load it). What
 * the bundle budget counts, and what the timing script prints. */
export function firstDownload(dir = dist) {
  const sizes = { wasm: 0, js: 0, css: 0 };
  for (const f of fs.readdirSync(dir)) {
    const kind = path.extname(f).slice(1);
    if (!(kind in sizes) || ['layerlab-editor.js', 'embed.js'].includes(f)) continue;
    sizes[kind] += gzipped(fs.readFileSync(path.join(dir, f)));
  }
  const page = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const inline = [...page.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('');
  if (inline) sizes.css += gzipped(Buffer.from(inline));
  return sizes;
}
