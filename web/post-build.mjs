// Trunk's post_build hook: finishes the staged dist/ in order (Trunk runs
// the hooks of one stage at the same time, so the steps that rewrite
// index.html must not be hooks of their own): the static first paint into
// the body, then the Content-Security-Policy (which moves the inline loader
// out), then, in a release build, the precompressed copies of every file.
import * as firstPaint from './first-paint-hook.mjs';
import * as csp from './csp.mjs';
import * as precompress from './precompress.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
if (staging) {
  firstPaint.run(staging);
  csp.run(staging);
  if (process.env.TRUNK_PROFILE === 'release') precompress.run(staging);
}
