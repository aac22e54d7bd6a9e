// The page needs nothing beside the repository: CI runs this file against a
// build made from a copy of the repository with no ../shared in reach
// (LAYERLAB_DIST), and the normal suite runs it against dist/ too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, waitForBuild, builds } from './harness.mjs';

let server, url, browser;

before(async () => {
  ({ server, url } = await serve());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('an example loads and FROM python:3.12-slim shows its real size, with no request beyond the page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await page.goto(url + '?editor=plain');
  await page.waitForSelector('#steps tbody tr');
  const ids = await page.$$eval('#examples option', (o) => o.map((x) => x.value));
  assert.ok(ids.includes('python-slim-modern') && ids.includes('node-cache-order'), JSON.stringify(ids));
  const n = await builds(page);
  await page.selectOption('#examples', 'python-slim-modern');
  await waitForBuild(page, n);
  // The FROM row: python:3.12-slim is 119.20 MB in the catalog (repo-info's scan).
  await page.waitForFunction(() => {
    const row = [...document.querySelectorAll('#steps tbody tr')].find((r) => r.querySelector('td.ins code')?.textContent.startsWith('FROM python:3.12-slim'));
    return row && row.querySelector('td.size').textContent === '119MB' && !row.textContent.includes('loading');
  }, null, { timeout: 20000 });
  const pip = await page.$$eval('#steps tbody tr', (rows) => rows.map((r) => r.textContent).find((t) => t.includes('pip install')));
  assert.ok(pip && !/not simulated/.test(pip), pip);
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
  await context.close();
});
