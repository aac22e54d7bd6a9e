// <layerlab-playground> on a plain HTML page (dist/embed-example.html):
// three embeds, one read-only, live only when scrolled near; a host's
// set-files/get-summary round trip; an embed follows its content's height;
// a bad attribute shows in the element's own box.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from './harness.mjs';

let server, url, browser;

before(async () => {
  ({ server, url } = await serve());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const frameOf = async (page, id) => {
  const handle = await page.waitForSelector(`#${id} iframe`);
  return handle.contentFrame();
};

test('three embeds: lazy, live, one read-only; set-files and get-summary round trip; auto-height', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + 'embed-example.html');
  // The first is live; the third, far below, is still its highlighted block.
  const first = await frameOf(page, 'first');
  await first.waitForSelector('#steps tbody tr');
  assert.equal(await page.locator('#third iframe').count(), 0);
  assert.match(await page.textContent('#third pre.layerlab-preview'), /FROM golang:1\.22 AS build/);
  const steps = await first.$$eval('#steps tbody tr', (rows) => rows.map((r) => r.querySelector('td.ins code').textContent));
  assert.deepEqual(steps.slice(0, 3), ['FROM python:3.12-slim', 'WORKDIR /app', 'COPY requirements.txt ./']);
  // Auto-height: the iframe follows its content (not the 480px default).
  await page.waitForFunction(() => document.querySelector('#first iframe').style.height !== '480px');
  // The host replaces the files and reads the summary back.
  await page.evaluate(() => document.querySelector('#first').setFiles({ Dockerfile: 'FROM alpine:3.20\nRUN echo from-the-host\n' }));
  await first.waitForFunction(() => [...document.querySelectorAll('#steps td.ins code')].some((c) => c.textContent === 'RUN echo from-the-host'));
  const summary = await page.evaluate(() => document.querySelector('#first').getSummary());
  assert.equal(summary.type, 'layerlab:summary');
  assert.equal(summary.steps[1].instruction, 'RUN echo from-the-host');
  // Scrolled into view, the others go live; the second wraps the block before it, read-only, fixed height.
  await page.locator('#second').scrollIntoViewIfNeeded();
  const second = await frameOf(page, 'second');
  await second.waitForSelector('#steps tbody tr');
  assert.notEqual(await second.getAttribute('#source', 'readonly'), null);
  assert.equal(await page.evaluate(() => document.querySelector('#second iframe').style.height), '420px');
  await page.locator('#third').scrollIntoViewIfNeeded();
  const third = await frameOf(page, 'third');
  await third.waitForSelector('#steps tbody tr');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad attribute is reported in the element, and the host page is unharmed', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + 'embed-example.html');
  await page.evaluate(() => {
    const el = document.createElement('layerlab-playground');
    el.id = 'bad';
    el.setAttribute('panels', 'layers,bogus');
    el.innerHTML = '<pre>FROM alpine</pre>';
    document.body.prepend(el);
  });
  await page.waitForSelector('#bad .layerlab-error');
  assert.match(await page.textContent('#bad .layerlab-error'), /unknown panel in panels="layers,bogus"/);
  assert.match(await page.textContent('h1'), /Three playgrounds/);
  assert.deepEqual(errors, []);
  await context.close();
});
