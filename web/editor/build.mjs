// Bundles the CodeMirror editor (codemirror.mjs) into dist/layerlab-editor.js.
// Run by Trunk's pre_build hook (Trunk.toml); uses esbuild from node_modules.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [path.join(here, 'codemirror.mjs')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outfile: path.join(here, 'dist', 'layerlab-editor.js'),
  logLevel: 'warning',
});
