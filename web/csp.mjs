// Post-build step (web/post-build.mjs): makes the staged index.html pass a strict
// Content-Security-Policy (docs/deploy.md). Trunk writes its wasm loader as an
// inline module script; this moves every inline script of the page into a
// file of its own, named by its content's hash, and adds the policy as a
// <meta> at the top of <head>. Runs before web/precompress.mjs, so the new
// files are precompressed too.
//
// The policy: scripts only from the page's own origin (plus compiling its
// WebAssembly), requests only to its own origin, no plugins, no <base>
// rewriting, no form posts. Styles allow inline attributes: Yew renders
// `style=` for the layer bars and CodeMirror adds its own <style> elements.
// `frame-ancestors` cannot be set in a <meta>; a host that wants to choose who
// may frame the playground sends it as a header (docs/embedding.md).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** The page with its inline scripts moved out: [html, [[file, text]...]]. */
export function externalize(html) {
  const files = [];
  const out = html.replace(/<script([^>]*)>([\s\S]*?)<\/script>/g, (whole, attrs, body) => {
    if (/\bsrc=/.test(attrs) || body.trim() === '') return whole;
    const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 16);
    const file = `boot-${hash}.js`;
    files.push([file, body]);
    return `<script${attrs} src="./${file}"></script>`;
  });
  const meta = `<meta http-equiv="Content-Security-Policy" content="${POLICY}" />`;
  const withPolicy = out.includes('http-equiv="Content-Security-Policy"')
    ? out
    : out.replace(/<meta charset="utf-8"\s*\/?>/i, (m) => `${m}\n    ${meta}`);
  return [withPolicy, files];
}

/** Rewrites `staging`'s index.html and writes the scripts it moved out.
 * A page for `trunk serve` (its live-reload script, whose address the
 * server fills in the page itself) is left as it is: the policy is for what
 * deploys. */
export function run(staging) {
  const index = path.join(staging, 'index.html');
  const page = fs.readFileSync(index, 'utf8');
  if (page.includes('__TRUNK_ADDRESS__')) return;
  const [html, files] = externalize(page);
  for (const [file, text] of files) fs.writeFileSync(path.join(staging, file), text);
  fs.writeFileSync(index, html);
}
