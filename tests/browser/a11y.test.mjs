// Accessibility: axe-core finds nothing on the playground, the lessons panel,
// an embed (the app in embed mode, and the host page with its element) and
// the terminal, in the light and the dark theme; keyboard use reaches the
// panels with a visible focus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './harness.mjs';
import { pageSession } from './served.mjs';

const axeSource = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const served = pageSession();

/** axe's violations on the page (or frame), one line each: rule, impact, where. */
async function violations(target) {
  await target.evaluate(axeSource);
  const result = await target.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}`));
}

/** A page in `scheme`; axe runs in the page's world, so the policy is bypassed for it alone. */
async function open(scheme, url) {
  const context = await served.browser.newContext({ colorScheme: scheme, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

for (const scheme of ['light', 'dark']) {
  test(`the playground, its lessons panel and terminal (${scheme})`, async () => {
    const { context, page } = await open(scheme, served.url);
    await page.waitForSelector('#steps tbody tr');
    await page.hover('#source'); // CodeMirror loads when the pointer comes to the editor
    await page.waitForSelector('.cm-editor');
    assert.deepEqual(await violations(page), []);
    const lesson = await page.$eval('#lessons', (s) => [...s.options].map((o) => o.value).find((v) => v));
    await page.selectOption('#lessons', lesson);
    await page.waitForSelector('#lesson-panel, .lesson');
    assert.deepEqual(await violations(page), []);
    await page.click('#tab-terminal');
    await page.waitForSelector('#term-in');
    assert.deepEqual(await violations(page), []);
    await context.close();
  });

  test(`an embed: the host page and the app inside it (${scheme})`, async () => {
    const { context, page } = await open(scheme, served.url + 'embed-example.html');
    const frame = await (await page.waitForSelector('#first iframe')).contentFrame();
    await frame.waitForSelector('#steps tbody tr');
    assert.deepEqual(await violations(frame), []);
    assert.deepEqual(await violations(page), []);
    await context.close();
  });

  test(`the theme attribute wins over the system's, plain editor (${scheme} system)`, async () => {
    const other = scheme === 'light' ? 'dark' : 'light';
    // The plain editor (CodeMirror's fallback) has its own highlighting: checked here.
    const { context, page } = await open(scheme, `${served.url}?embed=1&editor=plain&theme=${other}`);
    await page.waitForSelector('#steps tbody tr');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = (rgb) => rgb.match(/\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0) < 3 * 128;
    assert.equal(dark(bg), other === 'dark', `${other} theme, background ${bg}`);
    assert.deepEqual(await violations(page), []);
    await context.close();
  });
}

test('the keyboard reaches the editor, toolbar, tabs and panels, with a visible focus', async () => {
  const { context, page } = await open('light', served.url);
  await page.waitForSelector('#steps tbody tr');
  await page.hover('#source'); // CodeMirror loads when the pointer comes to the editor
  await page.waitForSelector('.cm-editor');
  const reached = new Set();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(async () => {
      // CodeMirror marks its focus on the next frame.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const el = document.activeElement;
      // A month input's picker button is a part of the input's own shadow
      // tree: the input is active but not :focus, and the browser rings the part.
      if (!el || el === document.body || !el.matches(':focus')) return null;
      // CodeMirror rings its whole editor, not the content element that has the focus.
      const style = getComputedStyle(el.closest('.cm-editor') || el);
      const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none';
      return { id: el.id || el.className || el.tagName, visible, tab: el.getAttribute('role') === 'tab', editor: !!el.closest('.cm-editor'), step: el.dataset.step };
    });
    if (!info) continue;
    assert.ok(info.visible, `no visible focus on ${info.id}`);
    reached.add(info.editor ? 'editor' : info.tab ? 'tab' : info.step ? 'step' : info.id);
    // Enter on a step row selects it (its lines light up in the editor).
    if (info.step === '4') {
      await page.keyboard.press('Enter');
      await page.waitForSelector('tr[data-step="4"].selected');
    }
    // Tab inside the editor indents; Escape then Tab leaves it, as CodeMirror documents.
    if (info.editor) await page.keyboard.press('Escape');
  }
  for (const want of ['editor', 'examples', 'build', 'tab', 'step']) assert.ok(reached.has(want), `Tab never reached ${want}: ${[...reached].join(', ')}`);
  await context.close();
});
