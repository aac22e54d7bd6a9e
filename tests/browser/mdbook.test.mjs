// The example book (examples/mdbook) as mdbook-layerlab and mdBook built it
// into target/mdbook-example, with the playground copied into its
// playground/ folder (scripts/build-mdbook-example.sh, after the release
// build): each ```dockerfile,layerlab block shows as a plain block without
// JavaScript and as highlighted text until it is near the viewport, then as
// a live playground; file blocks reach the app; options (readonly, panels)
// take effect; a chapter in a subfolder finds embed.js too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, root, shots } from './harness.mjs';

const book = path.resolve(process.env.LAYERLAB_MDBOOK || path.join(root, 'target/mdbook-example'));
let server, url, browser;

before(async () => {
  for (const file of ['cache-order.html', 'multi-stage/go.html', 'playground/index.html', 'playground/embed.js']) {
    if (!fs.existsSync(path.join(book, file))) {
      throw new Error(`${path.join(book, file)} is missing: build the example book first `
        + '(trunk build --release, then bash scripts/build-mdbook-example.sh; scripts/test.sh does both)');
    }
  }
  ({ server, url } = await serve('/', book));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A page of the book, with the page's uncaught errors collected. */
async function open(chapter, viewport = { width: 1000, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + chapter);
  return { context, page, errors };
}

/** The nth playground's iframe, once its first build is shown. */
async function live(page, n) {
  const el = page.locator('layerlab-playground').nth(n);
  await el.scrollIntoViewIfNeeded();
  const frame = await (await el.locator('iframe').elementHandle()).contentFrame();
  await frame.waitForSelector('#steps tbody tr');
  return frame;
}

const instructions = (frame) => frame.$$eval('#steps tbody tr', (rows) => rows.map((r) => r.querySelector('td.ins code').textContent));

test('without JavaScript a playground is its plain Dockerfile block', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url + 'cache-order.html');
  const blocks = await page.$$eval('layerlab-playground pre.layerlab-dockerfile', (pres) => pres.map((p) => p.textContent));
  assert.equal(blocks.length, 2);
  assert.match(blocks[1], /^FROM python:3\.12-slim\nWORKDIR \/app\nCOPY requirements\.txt \.\/\n/);
  assert.equal(await page.getAttribute('script[type=module][src$="embed.js"]', 'src'), 'playground/embed.js');
  await context.close();
});

test('cache order: highlighted text until near, then live, with the file blocks in the build', async () => {
  // A short window: the first playground is within reach of it, the second is not.
  const { context, page, errors } = await open('cache-order.html', { width: 1000, height: 320 });
  const first = await live(page, 0);
  const second = page.locator('layerlab-playground').nth(1);
  assert.equal(await second.locator('iframe').count(), 0, 'the far playground waits');
  assert.match(await second.locator('pre.layerlab-preview').textContent(), /^FROM python:3\.12-slim\nWORKDIR \/app\n/);
  assert.deepEqual(await second.locator('pre.layerlab-preview b').allTextContents(), ['FROM', 'WORKDIR', 'COPY', 'RUN', 'COPY', 'CMD']);

  // The file blocks reached the app: its tabs, the files in the image (app.py
  // through mdBook's {{#include}}), and pip installing what requirements.txt asks.
  assert.deepEqual(await first.$$eval('[role=tab].tab', (tabs) => tabs.map((t) => t.textContent.trim())), ['Dockerfile', 'app.py', 'requirements.txt']);
  assert.deepEqual((await instructions(first)).slice(2, 4), ['COPY . .', 'RUN pip install --no-cache-dir -r requirements.txt']);
  const sizes = Object.fromEntries(await first.$$eval('#explorer table.files tbody tr', (rows) => rows.map((r) => [r.cells[0].textContent, r.cells[1].textContent])));
  assert.equal(sizes['app.py'], `${fs.statSync(path.join(root, 'examples/mdbook/src/code/app.py')).size}B`);
  assert.equal(sizes['requirements.txt'], '13B');
  assert.match(await first.textContent('#steps tbody tr[data-step="4"]'), /pip install: [1-9]\d* packages/);
  // panels=layers+files+log: those tabs and no others.
  assert.deepEqual(await first.$$eval('[id^=tab-]', (tabs) => tabs.map((t) => t.id)), ['tab-files', 'tab-log']);

  // Scrolled to, the second goes live; its host reads the build back.
  const frame = await live(page, 1);
  assert.deepEqual((await instructions(frame)).slice(2, 5), ['COPY requirements.txt ./', 'RUN pip install --no-cache-dir -r requirements.txt', 'COPY . .']);
  const summary = await second.evaluate((el) => el.getSummary());
  assert.equal(summary.ok, true);
  await page.screenshot({ path: path.join(shots, 'mdbook-cache-order.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a read-only playground with chosen panels (the first chapter)', async () => {
  const { context, page, errors } = await open('intro.html');
  const frame = await live(page, 0);
  assert.notEqual(await frame.getAttribute('#source', 'readonly'), null);
  assert.deepEqual(await frame.$$eval('[id^=tab-]', (tabs) => tabs.map((t) => t.id)), ['tab-history']);
  assert.deepEqual(await instructions(frame), ['FROM alpine:3.20', 'RUN apk add --no-cache curl', 'CMD ["curl", "--version"]']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a chapter in a subfolder loads embed.js from ../playground/', async () => {
  const { context, page, errors } = await open('multi-stage/go.html');
  assert.equal(await page.getAttribute('script[type=module][src$="embed.js"]', 'src'), '../playground/embed.js');
  const frame = await live(page, 0);
  const steps = await instructions(frame);
  assert.equal(steps[0], 'FROM golang:1.22 AS build');
  assert.ok(steps.includes('COPY --from=build /out/server /server'), steps.join('\n'));
  const summary = await page.locator('layerlab-playground').evaluate((el) => el.getSummary());
  assert.equal(summary.ok, true);
  assert.deepEqual(await frame.$$eval('[role=tab].tab', (tabs) => tabs.map((t) => t.textContent.trim())), ['Dockerfile', 'go.mod', 'main.go']);
  await page.screenshot({ path: path.join(shots, 'mdbook-subfolder.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
