// The static first paint (web/first-paint.html): the starter's first screen
// is readable before the wasm arrives, the app takes over without a shift,
// a share link never shows the starter's copy, and the file is what the live
// app renders now (else: `node tests/browser/first-paint.mjs` writes it anew).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { pageSession } from './served.mjs';
import { capture, file } from './first-paint.mjs';

const served = pageSession();

test('without the wasm, the first screen shows the starter, inert', async () => {
  const context = await served.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.route('**/*.wasm', (r) => r.abort());
  await page.goto(served.url);
  await page.waitForSelector('#first-paint [data-id=steps] tbody tr');
  const rows = await page.$$eval('#first-paint [data-id=steps] tbody tr', (rs) => rs.map((r) => r.querySelector('td.ins code').textContent));
  assert.deepEqual(rows.slice(0, 2), ['FROM python:3.12-slim', 'WORKDIR /app']);
  assert.match(await page.textContent('#first-paint pre.highlight'), /RUN pip install --no-cache-dir -r requirements.txt/);
  assert.ok(await page.isVisible('#first-paint [data-id=image-size]'));
  assert.equal(await page.$eval('#first-paint', (el) => el.inert), true);
  // Nothing the app owns is found twice: the copy has no ids.
  assert.equal(await page.locator('#steps').count(), 0);
  await context.close();
});

test('the app replaces it with no layout shift; an unchanged visit saves nothing; a share link never shows it', async () => {
  const context = await served.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
      .observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(served.url + '?editor=plain');
  await page.waitForSelector('#steps tbody tr');
  await page.waitForFunction(() => !document.getElementById('first-paint'));
  assert.ok(await page.isVisible('#steps'));
  await page.waitForTimeout(300);
  assert.ok((await page.evaluate(() => window.__shift)) < 0.01, 'layout shift');
  // A visit that changes nothing saves nothing: the next one opens on the copy again.
  await page.waitForTimeout(800);
  assert.equal(await page.evaluate(() => localStorage.getItem('layerlab.autosave.v1')), null);
  await page.route('**/*.wasm', (r) => r.abort());
  await page.reload();
  await page.waitForSelector('#first-paint [data-id=steps] tbody tr');
  const shared = await context.newPage();
  await shared.route('**/*.wasm', (r) => r.abort());
  await shared.goto(served.url + '#s=anything');
  await shared.waitForLoadState('load');
  await shared.waitForTimeout(300);
  assert.equal(await shared.locator('#first-paint').count(), 0);
  await context.close();
});

test('web/first-paint.html is what the app renders now', async () => {
  const now = await capture();
  const kept = fs.readFileSync(file, 'utf8');
  assert.ok(now === kept, 'web/first-paint.html is out of date: run `node tests/browser/first-paint.mjs` after `trunk build --release`');
});
