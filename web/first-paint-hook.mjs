// Post-build step (web/post-build.mjs): puts the static first paint (web/first-paint.html,
// taken from the live app by tests/browser/first-paint.mjs) at the top of the
// built page's <body>, so the first screen is readable before the wasm
// arrives. The app shows itself and removes the copy when its own first
// build is on screen; bridge.js removes it at once when the page opens other
// files than the starter (a share link, an embed, a lesson, an autosave).
import fs from 'node:fs';
import path from 'node:path';

const source = path.join(path.dirname(new URL(import.meta.url).pathname), 'first-paint.html');

/** Puts the copy into `staging`'s index.html (once). */
export function run(staging) {
  if (!fs.existsSync(source)) return;
  const index = path.join(staging, 'index.html');
  const html = fs.readFileSync(index, 'utf8');
  if (!html.includes('id="first-paint"')) {
    fs.writeFileSync(index, html.replace(/<body>/, `<body>\n${fs.readFileSync(source, 'utf8')}`));
  }
}
