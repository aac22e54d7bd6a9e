// dist/ works under any base path: served at /docs/playground/, the page
// loads, builds, fetches its data on demand, and asks for nothing outside
// that path. A release build has precompressed .gz and .br files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, waitForBuild, builds, dist } from './harness.mjs';

let server, url, browser;

before(async () => {
  ({ server, url } = await serve('/docs/playground/'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the page works under a sub-path and requests nothing outside it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const outside = [];
  const failed = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) outside.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  await page.goto(url + '?editor=plain');
  await page.waitForSelector('#steps tbody tr');
  const n = await builds(page);
  await page.selectOption('#examples', 'static-nginx');
  await waitForBuild(page, n);
  await page.waitForFunction(() => [...document.querySelectorAll('#steps tbody tr')].some((r) => r.textContent.startsWith('1FROM nginx:alpine') && r.querySelector('td.size').textContent === '62.9MB'));
  assert.deepEqual(outside, []);
  assert.deepEqual(failed, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a release build precompresses its files', () => {
  const wasm = fs.readdirSync(dist).find((f) => f.endsWith('.wasm'));
  for (const ext of ['.gz', '.br']) {
    assert.ok(fs.existsSync(path.join(dist, wasm + ext)), wasm + ext);
  }
  const original = fs.readFileSync(path.join(dist, wasm));
  assert.deepEqual(zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, wasm + '.br'))), original);
  assert.deepEqual(zlib.gunzipSync(fs.readFileSync(path.join(dist, wasm + '.gz'))), original);
  assert.ok(fs.existsSync(path.join(dist, 'catalog', 'index.json.br')));
});
