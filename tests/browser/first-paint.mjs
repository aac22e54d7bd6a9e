// The static first paint: the playground's first screen (the starter's
// editor text, steps table and panels) as plain HTML, so a page is readable
// before its wasm arrives. It is the live app's own markup, taken from a
// release build in Chromium once its first build has settled, made inert,
// and kept in web/first-paint.html; web/first-paint-hook.mjs puts it in the
// built page, and the app removes it when its own first build shows. The
// data files that first build fetches come first, as preloads.
//   node tests/browser/first-paint.mjs          writes web/first-paint.html
// first-paint.test.mjs fails when the file is not what this takes now.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, root } from './harness.mjs';

export const file = path.join(root, 'web', 'first-paint.html');

/** The first screen's markup as the file holds it. */
export async function capture() {
  const { server, url } = await serve();
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    // The data files the starter's first build fetches (beyond those
    // index.html preloads already) are preloaded from the copy, so they come
    // beside the wasm instead of after it.
    const index = fs.readFileSync(path.join(root, 'index.html'), 'utf8');
    const data = [];
    page.on('request', (r) => {
      const rel = r.url().slice(url.length);
      if (/^(catalog|pypi|npm|debian|alpine)\//.test(rel) && !index.includes(`href="${rel}"`) && !data.includes(rel)) data.push(rel);
    });
    await page.goto(url + '?editor=plain');
    await page.waitForFunction(() => Number(document.querySelector('.page #layers')?.dataset.builds || 0) > 0);
    // Data fetched on demand is followed by rebuilds: wait for them to settle.
    for (let last = -1, now = 0; last !== now;) {
      last = Number(await page.getAttribute('.page #layers', 'data-builds'));
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      now = Number(await page.getAttribute('.page #layers', 'data-builds'));
    }
    const html = await page.$eval('body > .page', (el) => el.outerHTML);
    const preloads = data.sort().map((f) => `<link rel="preload" href="${f}" as="fetch" crossorigin="anonymous" />\n`).join('');
    return `${preloads}<div id="first-paint" inert aria-busy="true">\n${clean(html)}\n</div>\n`;
  } finally {
    await browser.close();
    server.close();
  }
}

/** Ids become classes' kin (`data-id`), so tests and the app never find the
 * copy; counters and timings go; the textarea is read-only. */
export function clean(html) {
  return html
    .replace(/ id="([^"]*)"/g, ' data-id="$1"')
    .replace(/ data-(builds|build-ms)="[^"]*"/g, '')
    .replace(/<textarea /g, '<textarea readonly tabindex="-1" ')
    .replace(/<!--[^>]*-->/g, '');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(file, await capture());
  console.log(`wrote ${path.relative(root, file)} (${fs.statSync(file).size} B)`);
}
