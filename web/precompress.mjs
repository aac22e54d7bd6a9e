// Post-build step (web/post-build.mjs): in a release build, writes `<file>.gz` (gzip -9) and
// `<file>.br` (brotli, quality 11) beside every file of the staged dist/,
// for static hosts that serve precompressed files (docs/deploy.md). Files
// already compressed (.gz, .br) and tiny files are left as they are.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Writes the .gz and .br of every file under `staging`. */
export function run(staging) {
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      if (/\.(gz|br)$/.test(e.name)) continue;
      const data = fs.readFileSync(p);
      if (data.length < 256) continue;
      fs.writeFileSync(p + '.gz', zlib.gzipSync(data, { level: 9 }));
      fs.writeFileSync(p + '.br', zlib.brotliCompressSync(data, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      }));
    }
  };
  walk(staging);
}
