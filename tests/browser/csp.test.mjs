// The page's Content-Security-Policy (web/csp.mjs) holds: no inline script,
// requests only to its own origin. Checked with every violation the browser
// reports and every request it makes, on the playground as a learner uses it
// (CodeMirror, examples, a lesson, the terminal) and in embed mode inside a
// host page of another origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serve, launch, dist, waitForBuild, builds } from './harness.mjs';

let app, host, browser;

before(async () => {
  app = await serve();
  // The host page: another origin (localhost, not 127.0.0.1, another port)
  // that loads embed.js from the playground's origin.
  const appOrigin = app.url.replace('127.0.0.1', 'localhost');
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script type="module" src="${appOrigin}embed.js"></script></head><body><h1>A docs page</h1>
<layerlab-playground id="e1" panels="layers,log"><pre>FROM alpine:3.20
RUN apk add --no-cache curl</pre></layerlab-playground></body></html>`;
  const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(page); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = { server, url: `http://127.0.0.1:${server.address().port}/`, appOrigin: new URL(appOrigin).origin };
  browser = await launch();
});

after(async () => {
  await browser?.close();
  app?.server.close();
  host?.server.close();
});

/** A context whose every frame reports CSP violations and whose requests are recorded. */
async function watched() {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const seen = { violations: [], errors: [], requests: [] };
  context.on('console', (m) => {
    if (/CSP violation|Content Security Policy/.test(m.text())) seen.violations.push(m.text());
  });
  context.on('request', (r) => seen.requests.push(r.url()));
  context.on('weberror', (e) => seen.errors.push(String(e.error())));
  return { context, seen };
}

const origin = (u) => (u.startsWith('data:') || u.startsWith('blob:') ? 'inline' : new URL(u).origin);

test('the built page carries the policy and no inline script', () => {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  assert.match(html, /http-equiv="Content-Security-Policy" content="[^"]*script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(html, /connect-src 'self'/);
  for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.ok(/\bsrc=/.test(attrs) && body.trim() === '', `an inline script: ${attrs}`);
  }
});

test('the playground, used, violates nothing and asks only its own origin', async () => {
  const { context, seen } = await watched();
  const page = await context.newPage();
  await page.goto(app.url);
  await page.waitForSelector('#steps tbody tr');
  await page.hover('#source'); // CodeMirror loads when the pointer comes to the editor
  await page.waitForSelector('.cm-editor');
  let n = await builds(page);
  await page.selectOption('#examples', 'static-nginx');
  await waitForBuild(page, n);
  const lesson = await page.$eval('#lessons', (s) => [...s.options].map((o) => o.value).find((v) => v));
  n = await builds(page);
  await page.selectOption('#lessons', lesson);
  await waitForBuild(page, n);
  await page.click('#tab-terminal');
  await page.fill('#term-in', 'docker images');
  await page.press('#term-in', 'Enter');
  await page.waitForFunction(() => document.querySelector('#term-lines').innerText.includes('REPOSITORY'));
  await page.waitForLoadState('networkidle');
  assert.deepEqual(seen.violations, []);
  assert.deepEqual(seen.errors, []);
  const own = new URL(app.url).origin;
  assert.deepEqual(seen.requests.filter((u) => origin(u) !== own), []);
  assert.ok(seen.requests.some((u) => u.endsWith('.wasm')));
  await context.close();
});

test('embedded in a page of another origin, the playground violates nothing and asks only its origin', async () => {
  const { context, seen } = await watched();
  const page = await context.newPage();
  await page.goto(host.url);
  const frame = await (await page.waitForSelector('#e1 iframe')).contentFrame();
  await frame.waitForSelector('#steps tbody tr');
  assert.equal(new URL(frame.url()).origin, host.appOrigin);
  await page.evaluate(() => document.querySelector('#e1').setFiles({ Dockerfile: 'FROM alpine:3.20\nRUN echo other-origin\n' }));
  await frame.waitForFunction(() => [...document.querySelectorAll('#steps td.ins code')].some((c) => c.textContent === 'RUN echo other-origin'));
  const summary = await page.evaluate(() => document.querySelector('#e1').getSummary());
  assert.equal(summary.steps[1].instruction, 'RUN echo other-origin');
  await page.waitForLoadState('networkidle');
  assert.deepEqual(seen.violations, []);
  assert.deepEqual(seen.errors, []);
  const allowed = new Set([new URL(host.url).origin, host.appOrigin]);
  assert.deepEqual(seen.requests.filter((u) => !allowed.has(origin(u))), []);
  await context.close();
});
